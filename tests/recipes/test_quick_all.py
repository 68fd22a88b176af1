"""Every registered recipe runs end to end in --quick mode, in its own process, offline (CleanRL style)."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest

from deepdojo.recipes.registry import load_all

NAMES = sorted(load_all())


def test_the_catalogue_is_not_empty():
    assert len(NAMES) >= 3


@pytest.mark.parametrize("name", NAMES)
def test_recipe_runs_in_quick_mode(name, tmp_path):
    env = {**os.environ, "DEEPDOJO_OFFLINE": "1", "DEEPDOJO_THREADS": "1", "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-m", "deepdojo", "run", name, "--quick", "--quiet", "--out", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    (run_dir,) = (tmp_path / name).iterdir()
    results = json.loads((run_dir / "results.json").read_text())
    assert results["quick"] is True and results["recipe"] == name
    assert results["metrics"], f"{name} returned no metrics"
    assert all(v is None or math.isfinite(v) for v in results["metrics"].values())
    assert (run_dir / "report.md").exists()
