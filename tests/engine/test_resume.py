"""Checkpoint and resume: an interrupted-then-resumed run ends exactly where an uninterrupted one does."""
from __future__ import annotations

import json

import pytest
import torch

from deepdojo.engine import callbacks as cb
from deepdojo.engine import evaluate, fit
from deepdojo.engine.checkpoint import load_weights, save_weights
from deepdojo.engine.runtime import seed_everything
from engine_helpers import Boring

SCE = "sparse_categorical_crossentropy"


class InterruptAfter(cb.Callback):
    """Simulate Ctrl-C at the end of epoch `epoch` (before that epoch's checkpoint is written)."""

    def __init__(self, epoch=None):
        self.epoch = epoch

    def on_epoch_end(self, trainer, epoch, logs):
        if epoch == self.epoch:
            raise KeyboardInterrupt


def _run(blobs, ckpt, interrupt=None, resume=False):
    x, y = blobs
    seed_everything(3)
    model = Boring(dropout=0.3)  # dropout: the RNG state must be restored too
    callbacks = [cb.ReduceLROnPlateau(monitor="train/loss", patience=1, factor=0.5),
                 cb.EarlyStopping(monitor="val/loss", patience=10, restore_best_weights=True), InterruptAfter(interrupt),
                 cb.CSVLogger(ckpt.parent / f"{ckpt.name}.csv")]
    hist = fit(model, (x, y), val=(x[:64], y[:64]), epochs=5, batch_size=32, loss=SCE, metrics=["accuracy"],
               optimizer="adam", callbacks=callbacks, checkpoint_dir=ckpt, resume=resume, verbose=False,
               scheduler=lambda opt: torch.optim.lr_scheduler.StepLR(opt, 2, 0.9))
    return model, hist, evaluate(model, (x, y), loss=SCE, metrics=["accuracy"])


def test_resume_gives_exactly_the_uninterrupted_result(blobs, tmp_path):
    model_a, hist_a, final_a = _run(blobs, tmp_path / "a")
    with pytest.raises(KeyboardInterrupt):
        _run(blobs, tmp_path / "b", interrupt=2)
    assert json.loads((tmp_path / "b" / "latest.json").read_text())["epoch"] == 1
    model_b, hist_b, final_b = _run(blobs, tmp_path / "b", resume=True)
    assert hist_b.history == hist_a.history and hist_b.epoch == hist_a.epoch
    assert final_b == final_a
    assert all(torch.equal(a, b) for a, b in zip(model_a.state_dict().values(), model_b.state_dict().values()))
    rows = (tmp_path / "b.csv").read_text().splitlines()
    assert [r.split(",")[0] for r in rows] == ["epoch", "1", "2", "3", "4", "5"]  # appended after the resume


def test_resume_without_checkpoint_starts_fresh_and_finished_run_stays_finished(blobs, tmp_path):
    _, hist, _ = _run(blobs, tmp_path / "c", resume=True)
    assert hist.epoch == [0, 1, 2, 3, 4]
    _, again, _ = _run(blobs, tmp_path / "c", resume=True)  # nothing left to train
    assert again.history == hist.history


def test_checkpoint_folder_is_complete_and_loadable_without_pickle(blobs, tmp_path):
    _run(blobs, tmp_path / "d")
    folders = [p.name for p in (tmp_path / "d").iterdir()]
    assert sorted(folders) == ["epoch-0004", "latest.json"]  # temp folders renamed, older epochs dropped
    state = torch.load(tmp_path / "d" / "epoch-0004" / "state.pt", weights_only=True)
    assert state["epoch"] == 4 and "shuffle" in state["rng"] or "shuffle" in state


def test_save_load_weights_round_trip_and_mismatch(tmp_path):
    a, b = Boring(), Boring()
    save_weights(a, tmp_path / "w.safetensors")
    load_weights(b, tmp_path / "w.safetensors")
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))
    with pytest.raises(RuntimeError, match="different architecture"):
        load_weights(Boring(hidden=7), tmp_path / "w.safetensors")
    with pytest.raises(FileNotFoundError):
        load_weights(a, tmp_path / "nope.safetensors")
