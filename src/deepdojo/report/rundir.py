"""The run directory: where a recipe's config, metrics, results, plots and checkpoints live.

Layout: ``<out>/<recipe>/<YYYYmmdd-HHMMSS>-s<seed>/`` holding ``config.json``, ``metrics.jsonl``,
``results.json``, ``report.md``, ``plots/*.png`` and ``checkpoints/``.
"""
from __future__ import annotations

import json
import math
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any


def new_run_dir(out: str | Path, recipe: str, seed: int) -> Path:
    """Create and return a fresh run directory (a suffix keeps two runs in the same second apart)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = Path(out) / recipe / f"{stamp}-s{seed}"
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    (path / "plots").mkdir(parents=True)
    return path


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename, so a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _jsonable(value: Any) -> Any:
    """Make NumPy / torch scalars, tuples and non-finite floats JSON-safe."""
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 0) == 0:
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else (1e308 if value > 0 else -1e308)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def write_json(path: str | Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(_jsonable(data), indent=2, sort_keys=False) + "\n")


def read_json(path: str | Path) -> Any:
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} does not exist - is this a deepdojo run directory?") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{path} is not valid JSON ({e}); the run may have been interrupted while writing") from None


class MetricsLogger:
    """Appends one JSON object per line to ``metrics.jsonl``; a no-op on ranks other than 0.

    Each line carries the metrics plus whatever tags the caller adds (``epoch``, ``step``, ``phase``).
    """

    def __init__(self, path: str | Path | None, enabled: bool = True):
        self.path = Path(path) if path else None
        self.enabled = enabled and self.path is not None

    def log(self, metrics: dict[str, Any], **tags: Any) -> None:
        if not self.enabled:
            return
        row = {**tags, **metrics, "time": round(time.time(), 3)}
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(_jsonable(row)) + "\n")

    def rows(self) -> list[dict[str, Any]]:
        return read_metrics(self.path) if self.path else []


def read_metrics(path: str | Path) -> list[dict[str, Any]]:
    """Read ``metrics.jsonl``, skipping a truncated last line left by an interrupted run."""
    rows = []
    path = Path(path)
    if not path.exists():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows


def versions() -> dict[str, str]:
    """Versions of the libraries that decide a run's numbers."""
    import numpy
    import torch

    import deepdojo

    return {
        "deepdojo": deepdojo.__version__,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "platform": platform.platform(),
    }
