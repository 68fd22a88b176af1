"""Run one recipe end to end: config, seed, device, run directory, results, anchors, report."""
from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path
from typing import Any

from deepdojo.engine import runtime
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import ConfigError, Recipe, get_recipe
from deepdojo.report.rundir import new_run_dir, read_json, versions, write_json


def run_recipe(
    name: str,
    *,
    quick: bool = False,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    device: str = "auto",
    out: str | Path = "runs",
    resume: str | Path | None = None,
    deterministic: bool = False,
    verbose: bool = True,
) -> tuple[Path, dict[str, Any]]:
    """Run recipe `name` and write its run directory.

    Args:
        name: registered recipe name.
        quick: smoke-test mode (tiny data, one epoch).
        seed: seeds Python, NumPy and torch.
        overrides: typed Config values (``--set``), applied after the quick ones.
        device: ``auto``, ``cpu``, ``cuda``, ``cuda:1``, ``mps``.
        out: parent of ``<recipe>/<stamp>-s<seed>/``.
        resume: an existing run directory of this recipe to continue from its checkpoints; its
            saved config, seed and quick flag are reused.
        deterministic: request deterministic kernels.

    Returns:
        (run directory, the results dict written to ``results.json``).
    """
    recipe = get_recipe(name)
    dev = runtime.pick_device(device)
    runtime.setup_distributed(dev)
    runtime.set_threads()
    if deterministic:
        runtime.set_deterministic(True)

    if resume is not None:
        run_dir = Path(resume)
        saved = read_json(run_dir / "config.json")
        if saved.get("recipe") != name:
            raise ConfigError(f"--resume {run_dir}: that run is of recipe {saved.get('recipe')!r}, not {name!r}")
        seed, quick = saved["seed"], saved["quick"]
        cfg = dataclasses.replace(recipe.config(), **_restore_types(recipe, saved["config"]))
    else:
        cfg = recipe.make_config(quick=quick, overrides=overrides)
        run_dir = new_run_dir(out, name, seed) if runtime.is_main() else None
        run_dir = Path(runtime.broadcast_object(str(run_dir) if run_dir else None))
        if runtime.is_main():
            write_json(run_dir / "config.json", {
                "recipe": name, "seed": seed, "quick": quick, "device": str(dev),
                "world_size": runtime.world_size(), "config": dataclasses.asdict(cfg),
            })

    runtime.seed_everything(seed + runtime.rank())
    ctx = RunContext(run_dir, dev, seed=seed, quick=quick, resume=resume is not None, verbose=verbose)
    from deepdojo.data.cache import reset_data_warnings

    reset_data_warnings()  # only this run's data caveats go into its results
    started = time.perf_counter()
    metrics = recipe.run(cfg, ctx) or {}
    wall = time.perf_counter() - started

    results = build_results(recipe, cfg, ctx, metrics, wall, resumed=resume is not None)
    if runtime.is_main():
        write_json(run_dir / "results.json", results)
        from deepdojo.report.markdown import write_run_report

        write_run_report(run_dir, results, recipe.docstring, ctx.notes)
    return run_dir, results


def build_results(recipe: Recipe, cfg, ctx: RunContext, metrics: dict, wall: float, resumed: bool) -> dict[str, Any]:
    metrics = {k: _number(v) for k, v in metrics.items()}
    anchors = []
    for a in recipe.anchors:
        ours = metrics.get(a.metric)
        anchors.append({
            "metric": a.metric, "published": a.value, "source": a.source, "ours": ours,
            "higher_is_better": a.higher_is_better, "tolerance": a.tolerance,
            "met": None if ctx.quick else a.met(ours),
        })
    return {
        "recipe": recipe.name,
        "source": recipe.source,
        "seed": ctx.seed,
        "quick": ctx.quick,
        "resumed": resumed,
        "metrics": metrics,
        "anchors": anchors,
        "passed": None if ctx.quick or not anchors else all(a["met"] for a in anchors),
        "wall_time_s": round(wall, 3),
        "device": str(ctx.device),
        "world_size": runtime.world_size(),
        "versions": versions(),
        **ctx.extra_results,
        **_warnings(ctx, resumed),
    }


def _warnings(ctx: RunContext, resumed: bool) -> dict[str, list[str]]:
    """``{"warnings": [...]}``: this run's data caveats (unverified imports, stand-ins) and resume caveat, if any."""
    from deepdojo.data.cache import data_warnings

    found = list(ctx.extra_results.get("warnings", [])) + data_warnings()
    if resumed and not ctx.fit_calls:
        # only engine training (ctx.fit) checkpoints every epoch; other loops start over
        found.append("--resume: this recipe's loop keeps no checkpoints, so it ran again from the start")
    return {"warnings": found} if found else {}


def _number(value: Any) -> float | None:
    if hasattr(value, "item"):
        value = value.item()
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"recipe metrics must be numbers, got {value!r}") from None
    return value if math.isfinite(value) else None


def _restore_types(recipe: Recipe, saved: dict) -> dict:
    """JSON turns tuples into lists; give tuple fields their tuples back."""
    out = {}
    for f in dataclasses.fields(recipe.config):
        if f.name in saved:
            value = saved[f.name]
            default = getattr(recipe.config(), f.name)
            out[f.name] = tuple(value) if isinstance(default, tuple) and isinstance(value, list) else value
    return out
