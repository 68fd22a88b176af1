"""Callbacks: code that runs at fixed points of `fit`, Keras-style.

Hooks (all optional): ``on_fit_start/on_fit_end(trainer)``, ``on_epoch_start(trainer, epoch)``,
``on_epoch_end(trainer, epoch, logs)``, ``on_batch_start(trainer, batch)``,
``on_batch_end(trainer, batch, logs)``, plus ``state_dict()/load_state_dict(state)`` so a resumed run
restores them. ``epoch`` and ``batch`` are 0-based. Epoch ``logs`` are floats keyed like
``train/loss`` and ``val/acc`` (a callback may add keys, e.g. ``lr``). Batch ``logs`` hold the batch
loss as a 0-dim *tensor* (``{"loss": t}``): reading it with ``float()`` forces a device sync, so only
do it when needed. To stop training set ``trainer.should_stop = True`` (a flag, not an exception).

Keras-style monitor names are accepted: ``"val_loss"`` means ``"val/loss"``, ``"accuracy"`` means
``"train/acc"``. Only rank 0 writes files or prints (``trainer.is_main``).
"""
from __future__ import annotations

import csv
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import torch

from deepdojo.engine.checkpoint import save_weights, unwrap


class Callback:
    """Base class: override the hooks you need."""

    def on_fit_start(self, trainer) -> None: ...
    def on_fit_end(self, trainer) -> None: ...
    def on_epoch_start(self, trainer, epoch: int) -> None: ...
    def on_epoch_end(self, trainer, epoch: int, logs: dict[str, float]) -> None: ...
    def on_batch_start(self, trainer, batch: int) -> None: ...
    def on_batch_end(self, trainer, batch: int, logs: dict[str, torch.Tensor]) -> None: ...

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None: ...


def resolve_key(monitor: str, logs: dict[str, float]) -> str:
    """Map a Keras-style name (``val_loss``, ``accuracy``) to our key (``val/loss``, ``train/acc``).

    Raises:
        KeyError: the quantity is not logged, listing the keys that are.
    """
    if monitor in logs:
        return monitor
    name = monitor.replace("accuracy", "acc")
    split, rest = ("val", name[4:]) if name.startswith("val_") else ("train", name)
    key = f"{split}/{rest}"
    if key in logs:
        return key
    raise KeyError(f"monitor {monitor!r} is not among the logged metrics {sorted(logs)}; "
                   "pass validation data (val= or validation_split=) to monitor val/* keys")


def _mode(mode: str, monitor: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode == "auto":
        return "max" if any(s in monitor for s in ("acc", "auc", "f1", "precision", "recall")) else "min"
    return mode


def _better(current: float, best: float | None, mode: str, min_delta: float) -> bool:
    if best is None:
        return True
    return current < best - min_delta if mode == "min" else current > best + min_delta


def _say(trainer, text: str) -> None:
    if trainer.is_main and trainer.verbose:
        print(text, flush=True)


class EarlyStopping(Callback):
    """Stop when `monitor` has not improved by `min_delta` for `patience` epochs.

    Args:
        monitor: logged key to watch (``val/loss``; Keras names accepted).
        min_delta: smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        mode: ``min``, ``max`` or ``auto`` (max for accuracy-like names).
        baseline: stop if the monitored value does not beat this within `patience` epochs.
        restore_best_weights: load the best epoch's weights at the end of fit (as Keras 3 does,
            whether or not training stopped early).
        start_from_epoch: epochs of warm-up before stopping is allowed.
    """

    def __init__(self, monitor: str = "val/loss", min_delta: float = 0.0, patience: int = 0, mode: str = "auto",
                 baseline: float | None = None, restore_best_weights: bool = False, start_from_epoch: int = 0):
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), patience
        self.mode = _mode(mode, monitor)
        self.baseline, self.restore_best_weights, self.start_from_epoch = baseline, restore_best_weights, start_from_epoch
        self.on_fit_start(None)

    def on_fit_start(self, trainer) -> None:
        self.wait, self.best, self.best_epoch, self.stopped_epoch = 0, self.baseline, -1, -1
        self.best_weights: dict[str, torch.Tensor] | None = None

    def on_epoch_end(self, trainer, epoch, logs):
        current = logs[resolve_key(self.monitor, logs)]
        if epoch < self.start_from_epoch or current is None or math.isnan(current):
            return
        self.wait += 1
        if _better(current, self.best, self.mode, self.min_delta):
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.restore_best_weights:
                self.best_weights = {k: v.detach().clone() for k, v in unwrap(trainer.model).state_dict().items()}
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            trainer.should_stop = True
            _say(trainer, f"EarlyStopping: {self.monitor} did not improve for {self.wait} epoch(s); "
                          f"stopping after epoch {epoch + 1} (best {self.best:.4g} at epoch {self.best_epoch + 1})")

    def on_fit_end(self, trainer):
        if self.restore_best_weights and self.best_weights is not None:
            unwrap(trainer.model).load_state_dict(self.best_weights)

    def state_dict(self):
        return {"wait": self.wait, "best": self.best, "best_epoch": self.best_epoch,
                "stopped_epoch": self.stopped_epoch, "best_weights": self.best_weights}

    def load_state_dict(self, state):
        self.wait, self.best, self.best_epoch = state["wait"], state["best"], state["best_epoch"]
        self.stopped_epoch, self.best_weights = state["stopped_epoch"], state["best_weights"]


class ModelCheckpoint(Callback):
    """Save the weights (safetensors) after each epoch, or only when `monitor` improves.

    Args:
        filepath: a ``str.format`` pattern with ``epoch`` (1-based) and any logged key, Keras aliases
            included: ``"ckpt/checkpoint-{epoch:02d}-{val_acc:.2f}.safetensors"``. The
            ``.safetensors`` suffix is added if missing.
        monitor: key compared when `save_best_only`.
        save_best_only: write only when `monitor` improves on the best so far.
        mode: ``min``, ``max`` or ``auto``.
    """

    def __init__(self, filepath: str | Path, monitor: str = "val/loss", save_best_only: bool = False, mode: str = "auto"):
        self.filepath = str(filepath) if str(filepath).endswith(".safetensors") else f"{filepath}.safetensors"
        self.monitor, self.save_best_only, self.mode = monitor, save_best_only, _mode(mode, monitor)
        self.best: float | None = None
        self.saved: list[str] = []

    def on_epoch_end(self, trainer, epoch, logs):
        if self.save_best_only:
            current = logs[resolve_key(self.monitor, logs)]
            if current is None or math.isnan(current) or not _better(current, self.best, self.mode, 0.0):
                return
            self.best = current
        fields = {"epoch": epoch + 1, **logs}
        for key, value in logs.items():  # Keras-style aliases: loss, acc, val_loss, val_accuracy, ...
            split, name = key.split("/", 1) if "/" in key else ("", key)
            names = [name, name.replace("acc", "accuracy")] if split == "train" else [key.replace("/", "_")]
            if split == "val":
                names.append(f"val_{name.replace('acc', 'accuracy')}")
            fields.update({n: value for n in names})
        try:
            path = self.filepath.format(**fields)
        except KeyError as e:
            raise KeyError(f"ModelCheckpoint filepath {self.filepath!r} uses {e}, which is not logged; "
                           f"available: epoch, {', '.join(sorted(fields))}") from None
        if trainer.is_main:
            save_weights(trainer.model, path)
        self.saved.append(path)

    def state_dict(self):
        return {"best": self.best, "saved": list(self.saved)}

    def load_state_dict(self, state):
        self.best, self.saved = state["best"], list(state["saved"])


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by `factor` when `monitor` stalls for `patience` epochs (Keras logic).

    Args:
        monitor: key to watch. factor: multiplier (< 1). patience: epochs without improvement.
        mode: ``min``/``max``/``auto``. min_delta: threshold for an improvement.
        cooldown: epochs to wait after a reduction. min_lr: lower bound.
    """

    def __init__(self, monitor: str = "val/loss", factor: float = 0.1, patience: int = 10, mode: str = "auto",
                 min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0):
        if not 0 < factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must be in (0, 1), got {factor}")
        self.monitor, self.factor, self.patience = monitor, factor, patience
        self.mode, self.min_delta, self.cooldown, self.min_lr = _mode(mode, monitor), min_delta, cooldown, min_lr
        self.best, self.wait, self.cooldown_counter = None, 0, 0

    def on_epoch_end(self, trainer, epoch, logs):
        current = logs[resolve_key(self.monitor, logs)]
        groups = [g for opt in trainer.optimizers.values() for g in opt.param_groups]
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if _better(current, self.best, self.mode, self.min_delta):
            self.best, self.wait = current, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience:
                for g in groups:
                    if g["lr"] > self.min_lr:
                        g["lr"] = max(g["lr"] * self.factor, self.min_lr)
                _say(trainer, f"ReduceLROnPlateau: epoch {epoch + 1}: learning rate reduced to {groups[0]['lr']:.3g}")
                self.cooldown_counter, self.wait = self.cooldown, 0
        logs["lr"] = groups[0]["lr"]

    def state_dict(self):
        return {"best": self.best, "wait": self.wait, "cooldown_counter": self.cooldown_counter}

    def load_state_dict(self, state):
        self.best, self.wait, self.cooldown_counter = state["best"], state["wait"], state["cooldown_counter"]


def _clean(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value


class JSONLLogger(Callback):
    """Append one JSON line per epoch: ``{**tags, "epoch": 1-based, **logs, "time": unix}``."""

    def __init__(self, path: str | Path, tags: dict[str, Any] | None = None):
        self.path, self.tags = Path(path), dict(tags or {})

    def on_epoch_end(self, trainer, epoch, logs):
        if not trainer.is_main:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        row = {**self.tags, "epoch": epoch + 1, **{k: _clean(v) for k, v in logs.items()}, "time": round(time.time(), 3)}
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")


class CSVLogger(Callback):
    """One CSV row per epoch (``epoch`` 1-based, then the logged keys); appends when resuming."""

    def __init__(self, path: str | Path, append: bool = False):
        self.path, self.append, self.columns = Path(path), append, None

    def on_fit_start(self, trainer):
        if trainer.is_main and not (self.append or trainer.resumed):
            self.path.unlink(missing_ok=True)

    def on_epoch_end(self, trainer, epoch, logs):
        if not trainer.is_main:
            return
        if self.columns is None:
            self.columns = ["epoch", *logs]
        new = not self.path.exists() or self.path.stat().st_size == 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns, extrasaction="ignore")
            if new:
                writer.writeheader()
            writer.writerow({"epoch": epoch + 1, **logs})


class TensorBoard(Callback):
    """Write every epoch's logs as TensorBoard scalars into `log_dir` (needs the tensorboard extra)."""

    def __init__(self, log_dir: str | Path):
        try:
            from torch.utils.tensorboard import SummaryWriter  # noqa: F401
        except ImportError:
            raise ImportError("TensorBoard logging needs the tensorboard package: pip install deepdojo[tensorboard]") from None
        self.log_dir, self.writer = Path(log_dir), None

    def on_epoch_end(self, trainer, epoch, logs):
        if not trainer.is_main:
            return
        if self.writer is None:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(str(self.log_dir))
        for key, value in logs.items():
            if value is not None:
                self.writer.add_scalar(key, value, epoch + 1)
        self.writer.flush()

    def on_fit_end(self, trainer):
        if self.writer is not None:
            self.writer.close()
            self.writer = None


class TerminateOnNaN(Callback):
    """Stop as soon as the training loss is NaN or infinite, saying where and what to try.

    Args:
        every: check every this many batches. Reading the loss syncs the device, so by default it is
            every batch on CPU (free there) and every 50 batches on GPU; the epoch loss is always checked.
    """

    def __init__(self, every: int | None = None):
        self.every = every
        self.message: str | None = None

    def _stop(self, trainer, epoch: int, where: str, value: float) -> None:
        self.message = (f"TerminateOnNaN: training loss is {value} at epoch {epoch + 1}{where}; training stopped. "
                        "Try a lower learning rate, gradient clipping (clip_grad_norm=1.0), checking the inputs for "
                        "NaN/inf, or from_logits=True with a model that ends in a plain Linear.")
        trainer.should_stop = True
        trainer.stop_reason = self.message
        if trainer.is_main:
            print(self.message, flush=True)

    def on_batch_end(self, trainer, batch, logs):
        every = self.every or (1 if trainer.device.type == "cpu" else 50)
        if batch % every == 0 and not self.message:
            loss = logs["loss"]
            if not torch.isfinite(loss).item():
                self._stop(trainer, trainer.epoch, f", batch {batch + 1}", float(loss))

    def on_epoch_end(self, trainer, epoch, logs):
        value = logs.get("train/loss")
        if not self.message and value is not None and not math.isfinite(value):
            self._stop(trainer, epoch, "", value)

    def on_fit_start(self, trainer):
        self.message = None


class ProgressBar(Callback):
    """A rich progress bar over each epoch's batches plus a summary line every few epochs.

    Silent when ``verbose=False``, off rank 0, or when stdout is not a terminal (logs, CI, tests).
    `fit` adds one automatically when none is given.
    """

    def __init__(self, lines: int = 20):
        self.lines = lines  # at most about this many epoch summary lines per fit
        self.progress = None

    def on_fit_start(self, trainer):
        self.progress = None
        if not (trainer.verbose and trainer.is_main and sys.stdout.isatty()):
            return  # decided before importing rich: a quiet fit does not pay for it
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        console = Console()
        if not console.is_terminal:
            return
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 TimeRemainingColumn(), TextColumn("{task.fields[info]}"), console=console, transient=True)
        self.progress.start()
        self.every = max(1, trainer.epochs // self.lines)

    def on_epoch_start(self, trainer, epoch):
        if self.progress is not None:
            self.task = self.progress.add_task(f"epoch {epoch + 1}/{trainer.epochs}", total=trainer.n_batches, info="")
            self.started = self.shown = time.perf_counter()

    def on_batch_end(self, trainer, batch, logs):
        if self.progress is not None:
            self.progress.advance(self.task)
            now = time.perf_counter()
            if now - self.shown > 0.5:  # reading the loss syncs the device: do it twice a second at most
                self.progress.update(self.task, info=f"loss {float(logs['loss']):.4f}")
                self.shown = now

    def on_epoch_end(self, trainer, epoch, logs):
        if self.progress is None:
            return
        self.progress.remove_task(self.task)
        if (epoch + 1) % self.every == 0 or epoch + 1 == trainer.epochs or trainer.should_stop:
            parts = " - ".join(f"{k} {v:.4g}" for k, v in logs.items() if isinstance(v, (int, float)))
            self.progress.console.print(f"epoch {epoch + 1}/{trainer.epochs} - {time.perf_counter() - self.started:.1f}s - {parts}")

    def on_fit_end(self, trainer):
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
