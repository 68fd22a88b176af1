"""The runner: same seed -> same numbers, and an interrupted run resumed -> the uninterrupted numbers."""
from __future__ import annotations

import pytest

from deepdojo.engine.callbacks import Callback
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.runner import run_recipe


def _run(out, **kw):
    return run_recipe("digits-convnet", quick=True, out=out, verbose=False, **kw)


def test_same_seed_gives_identical_metrics_and_other_seed_differs(tmp_path):
    _, a = _run(tmp_path / "a", seed=5, overrides={"epochs": 2})
    _, b = _run(tmp_path / "b", seed=5, overrides={"epochs": 2})
    _, c = _run(tmp_path / "c", seed=6, overrides={"epochs": 2})
    assert a["metrics"] == b["metrics"]
    assert a["metrics"] != c["metrics"]


class _InterruptOnSecondEpoch(Callback):
    """Simulates Ctrl-C at the end of the second epoch."""

    def __init__(self):
        self.calls = 0

    def on_epoch_end(self, trainer, epoch, logs):
        self.calls += 1
        if self.calls == 2:
            raise KeyboardInterrupt


def test_resume_after_interruption_matches_an_uninterrupted_run(tmp_path, monkeypatch):
    overrides = {"epochs": 4}
    _, full = _run(tmp_path / "full", seed=1, overrides=overrides)

    original_fit = RunContext.fit

    def interrupted_fit(self, *args, callbacks=(), **kwargs):
        return original_fit(self, *args, callbacks=[*callbacks, _InterruptOnSecondEpoch()], **kwargs)

    monkeypatch.setattr(RunContext, "fit", interrupted_fit)
    with pytest.raises(KeyboardInterrupt):
        _run(tmp_path / "cut", seed=1, overrides=overrides)
    monkeypatch.setattr(RunContext, "fit", original_fit)

    (run_dir,) = (tmp_path / "cut" / "digits-convnet").iterdir()
    assert not (run_dir / "results.json").exists()
    assert any((run_dir / "checkpoints").rglob("*.safetensors")), "a checkpoint must exist after the first epoch"
    resumed_dir, resumed = run_recipe("digits-convnet", resume=run_dir, verbose=False)
    assert resumed_dir == run_dir and resumed["resumed"] is True
    assert resumed["metrics"] == full["metrics"]


def test_resume_of_a_loop_without_checkpoints_says_it_started_over(tmp_path):
    run_dir, _ = run_recipe("svd-demo", quick=True, out=tmp_path, verbose=False)
    _, resumed = run_recipe("svd-demo", resume=run_dir, verbose=False)
    assert any("ran again from the start" in w for w in resumed["warnings"])
