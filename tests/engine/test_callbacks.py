"""Callbacks on a tiny model: early stopping, checkpoints, LR reduction, NaN termination, loggers."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import torch

from deepdojo.engine import callbacks as cb
from deepdojo.engine import fit
from deepdojo.engine.checkpoint import load_weights
from engine_helpers import Boring

SCE = "sparse_categorical_crossentropy"


class Scripted(cb.Callback):
    """Overwrite the epoch logs with a scripted validation loss, to drive the monitors exactly."""

    def __init__(self, values):
        self.values = values

    def on_epoch_end(self, trainer, epoch, logs):
        logs["val/loss"] = self.values[epoch]


class Recorder(cb.Callback):
    def __init__(self):
        self.events = []

    def on_fit_start(self, trainer):
        self.events.append("fit_start")

    def on_epoch_start(self, trainer, epoch):
        self.events.append(f"epoch_start{epoch}")

    def on_batch_start(self, trainer, batch):
        self.events.append(f"batch_start{batch}")

    def on_batch_end(self, trainer, batch, logs):
        assert logs["loss"].ndim == 0
        self.events.append(f"batch_end{batch}")

    def on_epoch_end(self, trainer, epoch, logs):
        self.events.append(f"epoch_end{epoch}")

    def on_fit_end(self, trainer):
        self.events.append("fit_end")


def _fit(blobs, callbacks, epochs=6, **kw):
    x, y = blobs
    model = Boring()
    kw.setdefault("val", (x[:64], y[:64]))
    kw.setdefault("verbose", False)
    hist = fit(model, (x, y), epochs=epochs, batch_size=128, loss=SCE, metrics=["accuracy"], callbacks=callbacks, **kw)
    return model, hist


def test_hook_order(blobs):
    rec = Recorder()
    _fit(blobs, [rec], epochs=2)
    assert rec.events == ["fit_start", "epoch_start0", "batch_start0", "batch_end0", "batch_start1", "batch_end1",
                          "epoch_end0", "epoch_start1", "batch_start0", "batch_end0", "batch_start1", "batch_end1",
                          "epoch_end1", "fit_end"]


def test_early_stopping_stops_and_restores_best(blobs):
    snapshots = []

    class Snap(cb.Callback):
        def on_epoch_end(self, trainer, epoch, logs):
            snapshots.append({k: v.clone() for k, v in trainer.model.state_dict().items()})

    # best at epoch 1 (0-based), then no improvement for patience=2 epochs -> stop after epoch 3
    es = cb.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    model, hist = _fit(blobs, [Scripted([1.0, 0.5, 0.6, 0.7, 0.1, 0.1]), es, Snap()], epochs=6)
    assert len(hist.epoch) == 4 and es.stopped_epoch == 3 and es.best_epoch == 1
    assert all(torch.equal(v, snapshots[1][k]) for k, v in model.state_dict().items())


def test_early_stopping_min_delta_and_unknown_monitor(blobs):
    es = cb.EarlyStopping(monitor="val/loss", patience=1, min_delta=0.1)
    _, hist = _fit(blobs, [Scripted([1.0, 0.95, 0.91, 0.5, 0.4, 0.3]), es])
    assert len(hist.epoch) == 2  # 0.95 is not an improvement of more than 0.1
    with pytest.raises(KeyError, match="not among the logged metrics"):
        _fit(blobs, [cb.EarlyStopping(monitor="val/auc")], epochs=1)


def test_model_checkpoint_pattern_and_best_only(blobs, tmp_path):
    every = cb.ModelCheckpoint(tmp_path / "all" / "checkpoint-{epoch:02d}-{acc:.2f}")
    best = cb.ModelCheckpoint(tmp_path / "best" / "best-{epoch:02d}.safetensors", monitor="val_loss", save_best_only=True)
    model, _ = _fit(blobs, [Scripted([1.0, 0.5, 0.6, 0.4]), every, best], epochs=4)
    names = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert len(names) == 4 and names[0].startswith("checkpoint-01-") and names[0].endswith(".safetensors")
    assert sorted(p.name for p in (tmp_path / "best").iterdir()) == ["best-01.safetensors", "best-02.safetensors",
                                                                     "best-04.safetensors"]
    fresh = Boring()
    load_weights(fresh, tmp_path / "all" / names[-1])
    assert all(torch.equal(a, b) for a, b in zip(fresh.state_dict().values(), model.state_dict().values()))
    with pytest.raises(KeyError, match="not logged"):
        _fit(blobs, [cb.ModelCheckpoint(tmp_path / "x-{val_auc:.2f}")], epochs=1)


def test_reduce_lr_on_plateau(blobs):
    rlr = cb.ReduceLROnPlateau(monitor="val/loss", factor=0.5, patience=1, min_lr=0.0)
    _, hist = _fit(blobs, [Scripted([1.0, 1.0, 1.0, 0.2, 0.3, 0.4]), rlr], optimizer="sgd", lr=0.1)
    assert hist["lr"] == pytest.approx([0.1, 0.05, 0.025, 0.025, 0.0125, 0.00625])


def test_terminate_on_nan_names_epoch_and_batch(blobs, capsys):
    x, y = blobs
    x = x.copy()
    x[200] = np.nan  # in the second batch of 128 without shuffling
    stop = cb.TerminateOnNaN()
    hist = fit(Boring(), (x, y), epochs=5, batch_size=128, loss=SCE, shuffle=False, callbacks=[stop], verbose=False)
    assert len(hist.epoch) == 1
    assert "epoch 1, batch 2" in stop.message and "learning rate" in stop.message
    assert "TerminateOnNaN" in capsys.readouterr().out


def test_jsonl_and_csv_loggers(blobs, tmp_path):
    jl = cb.JSONLLogger(tmp_path / "m.jsonl", tags={"phase": "main"})
    cl = cb.CSVLogger(tmp_path / "m.csv")
    _fit(blobs, [jl, cl], epochs=3)
    rows = [json.loads(line) for line in (tmp_path / "m.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in rows] == [1, 2, 3] and all(r["phase"] == "main" for r in rows)
    assert {"train/loss", "train/acc", "val/loss", "val/acc"} <= set(rows[0])
    table = list(csv.DictReader(open(tmp_path / "m.csv")))
    assert [int(r["epoch"]) for r in table] == [1, 2, 3]
    assert float(table[-1]["train/loss"]) == pytest.approx(rows[-1]["train/loss"])


def test_tensorboard_writes_events_or_names_the_extra(blobs, tmp_path):
    try:
        import torch.utils.tensorboard  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match=r"pip install deepdojo\[tensorboard\]"):
            cb.TensorBoard(tmp_path)
        return
    _fit(blobs, [cb.TensorBoard(tmp_path / "tb")], epochs=1)
    assert any(p.name.startswith("events.out.tfevents") for p in (tmp_path / "tb").iterdir())


def test_progress_bar_is_quiet_when_not_a_terminal(blobs, capsys):
    _fit(blobs, [cb.ProgressBar()], epochs=2, verbose=True)
    assert capsys.readouterr().out == ""


def test_callback_state_round_trip():
    es = cb.EarlyStopping(patience=3)
    es.wait, es.best, es.best_epoch = 2, 0.25, 4
    other = cb.EarlyStopping(patience=3)
    other.load_state_dict(es.state_dict())
    assert (other.wait, other.best, other.best_epoch) == (2, 0.25, 4)
    with pytest.raises(ValueError, match="factor"):
        cb.ReduceLROnPlateau(factor=2.0)
