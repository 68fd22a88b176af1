"""The recipe catalogue: a decorator that registers `run(cfg, ctx)` functions with their metadata.

A recipe module looks like::

    @dataclass(frozen=True)
    class Config:
        epochs: int = 5
        \"\"\"Training epochs (the book's value).\"\"\"

    @recipe("mnist-dense", source="Deep Learning with Python 1e §2.1", config=Config,
            anchors=[Anchor("test/acc", 0.978, "DLwP 1e p.27")], quick={"epochs": 1})
    def run(cfg: Config, ctx: RunContext) -> dict[str, float]:
        ...

The module docstring's first paragraph is the recipe's description (`deepdojo list`).
"""
from __future__ import annotations

import dataclasses
import difflib
import importlib
import inspect
import pkgutil
import re
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

REGISTRY: dict[str, "Recipe"] = {}


@dataclass(frozen=True)
class Anchor:
    """A published number a recipe's result is compared with.

    Args:
        metric: key in the recipe's returned metrics, e.g. ``"test/acc"``.
        value: the number the source reports.
        source: where it is reported (book, page, slide).
        higher_is_better: direction of the comparison; None means "close to": met when
            ``|ours - value| <= tolerance`` (for predicted values rather than scores).
        tolerance: how far short of `value` still counts as met (absolute).
    """

    metric: str
    value: float
    source: str = ""
    higher_is_better: bool | None = True
    tolerance: float = 0.0

    def met(self, ours: float | None) -> bool | None:
        """Whether our number reaches the published one (None if we have no number)."""
        if ours is None or ours != ours:  # missing or NaN
            return None
        if self.higher_is_better is None:
            return abs(ours - self.value) <= self.tolerance
        if self.higher_is_better:
            return ours >= self.value - self.tolerance
        return ours <= self.value + self.tolerance


@dataclass(frozen=True)
class Recipe:
    name: str
    run: Callable[..., dict[str, float]]
    config: type
    source: str
    anchors: tuple[Anchor, ...] = ()
    quick: dict[str, Any] = field(default_factory=dict)
    module: str = ""

    @property
    def docstring(self) -> str:
        """The run function's docstring, or the module's when the function has none.

        A module holding one recipe documents it in the module docstring (DESIGN.md); a module
        holding several gives each run function its own docstring.
        """
        return inspect.getdoc(self.run) or inspect.getdoc(sys.modules[self.module]) or ""

    @property
    def description(self) -> str:
        """First paragraph of `docstring`, on one line (what `deepdojo list` shows)."""
        return " ".join(self.docstring.split("\n\n")[0].split())

    def make_config(self, quick: bool = False, overrides: dict[str, Any] | None = None):
        """Build the Config: defaults, then the quick overrides, then the user's ``--set`` values."""
        values = dict(self.quick) if quick else {}
        values.update(overrides or {})
        fields = {f.name for f in dataclasses.fields(self.config)}
        for key in values:
            if key not in fields:
                raise ConfigError(_unknown(f"config key {key!r} for recipe {self.name!r}", key, fields))
        return dataclasses.replace(self.config(), **values)


class ConfigError(ValueError):
    """A bad recipe name or configuration value; the message says how to fix it."""


def _unknown(what: str, key: str, choices) -> str:
    close = difflib.get_close_matches(key, sorted(choices), n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    return f"Unknown {what}.{hint} Known: {', '.join(sorted(choices))}."


def recipe(name: str, *, source: str, config: type, anchors=(), quick: dict | None = None):
    """Register a recipe's ``run(cfg, ctx)`` under `name` (lower-case ``<data>-<model>``)."""
    if name != name.lower() or " " in name:
        raise ValueError(f"recipe names are lower-case with dashes: {name!r}")
    if not dataclasses.is_dataclass(config) or not config.__dataclass_params__.frozen:
        raise TypeError(f"recipe {name!r}: config must be a frozen dataclass")

    def decorate(fn):
        if name in REGISTRY and REGISTRY[name].module != fn.__module__:
            raise ValueError(f"recipe {name!r} registered twice ({REGISTRY[name].module}, {fn.__module__})")
        REGISTRY[name] = Recipe(name, fn, config, source, tuple(anchors), dict(quick or {}), fn.__module__)
        return fn

    return decorate


def load_all() -> dict[str, Recipe]:
    """Import every module under ``deepdojo.recipes`` so that their decorators run."""
    import deepdojo.recipes as pkg

    for info in pkgutil.walk_packages(pkg.__path__, prefix="deepdojo.recipes."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf in {"registry", "runner", "context"} or leaf.startswith("_"):
            continue
        importlib.import_module(info.name)
    return REGISTRY


_DECORATOR = re.compile(r"""@recipe\(\s*["']([a-z0-9][a-z0-9-]*)["']""")


def _module_of(name: str) -> str | None:
    """Find the module that registers `name` by reading the recipe sources, without importing them.

    `deepdojo run NAME` then imports one recipe module instead of the whole catalogue (each pulls
    in its own heavy libraries: gymnasium, scikit-learn, ...), which keeps start-up short.
    """
    import deepdojo.recipes as pkg

    for folder in pkg.__path__:
        for path in sorted(Path(folder).rglob("*.py")):
            if name in _DECORATOR.findall(path.read_text(encoding="utf-8", errors="replace")):
                rel = path.relative_to(folder).with_suffix("")
                return "deepdojo.recipes." + ".".join(rel.parts)
    return None


def get_recipe(name: str) -> Recipe:
    """The registered recipe `name`; raises ConfigError naming the closest names if there is none."""
    if name not in REGISTRY:
        module = _module_of(name)
        if module is not None:
            importlib.import_module(module)
    if name not in REGISTRY:
        load_all()
    if name not in REGISTRY:
        raise ConfigError(_unknown(f"recipe {name!r}", name, REGISTRY))
    return REGISTRY[name]


def parse_overrides(recipe_: Recipe, pairs: list[str]) -> dict[str, Any]:
    """Turn ``["lr=0.01", "units=[32, 64]"]`` into typed values checked against the Config fields."""
    hints = typing.get_type_hints(recipe_.config)
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ConfigError(f"--set expects key=value, got {pair!r}")
        key, raw = (s.strip() for s in pair.split("=", 1))
        if key not in hints:
            raise ConfigError(_unknown(f"config key {key!r} for recipe {recipe_.name!r}", key, hints))
        out[key] = coerce(raw, hints[key], key)
    return out


def coerce(raw: str, kind: Any, key: str = "value") -> Any:
    """Convert a command-line string to the annotated type, or raise ConfigError saying what was expected."""
    import json

    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    try:
        if kind is bool:
            low = raw.lower()
            if low in {"1", "true", "yes", "on"}:
                return True
            if low in {"0", "false", "no", "off"}:
                return False
            raise ValueError
        if kind is int:
            return int(raw)
        if kind is float:
            return float(raw)
        if kind is str:
            return raw
        if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            if raw.lower() == "none" and type(None) in args:
                return None
            for option in args:
                if option is type(None):
                    continue
                try:
                    return coerce(raw, option, key)
                except ConfigError:
                    continue
            raise ValueError
        if origin is typing.Literal:
            for option in args:
                if str(option) == raw:
                    return option
            raise ValueError
        if origin in (tuple, list):
            inner = args[0] if args else Any
            try:
                value = json.loads(raw if raw.startswith("[") else f"[{raw}]")
            except json.JSONDecodeError:
                if inner is not str:
                    raise
                value = [s.strip() for s in raw.strip("[]").split(",") if s.strip()]  # --set names=a,b (unquoted)
            items = [v if inner is Any else coerce(str(v) if not isinstance(v, str) else v, inner, key) for v in value]
            return tuple(items) if origin is tuple else items
    except (ValueError, json.JSONDecodeError):
        name = getattr(kind, "__name__", str(kind))
        raise ConfigError(f"--set {key}={raw!r}: expected {name}") from None
    return raw
