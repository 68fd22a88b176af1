"""fit / evaluate / predict: a Keras-style supervised training loop for plain ``nn.Module`` models.

Read top to bottom: data preparation (NumPy → tensors, validation split, one move to the device),
batching (in-memory data is indexed by shuffled index tensors — ``torch.randperm`` from a seeded
``torch.Generator`` and ``index_select`` on the whole tensors, no per-sample Python, no DataLoader;
a ``Dataset``/``DataLoader`` is iterated only for data that does not fit in memory), the `Trainer`
(one epoch = batches → forward → loss → backward → step, metrics summed on the device and
synchronised once per epoch), checkpoint/resume, then `evaluate` and `predict`.

Under ``torchrun`` (``runtime.setup_distributed`` done) the model is wrapped in
DistributedDataParallel and each global batch of `batch_size` samples — the same shuffled
permutation on every rank — is split between the ranks; each rank's loss is scaled by its share so
that the averaged gradient equals the single-process gradient of the global batch. Metric sums
and counts are all-reduced; only rank 0 logs and writes checkpoints.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.distributed as dist
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from deepdojo.engine import callbacks as cb
from deepdojo.engine import runtime
from deepdojo.engine.batching import (autocast, call_model, index_batches, is_nhwc, leaves, loader_batches, map_tensors,
                                      n_samples, nhwc_works, prepare, to_nhwc, unpack)
from deepdojo.engine.checkpoint import load_checkpoint, rng_state, save_checkpoint, set_rng_state
from deepdojo.engine.objective import Objective
from deepdojo.engine.optim import make_optimizer


@dataclass
class History:
    """Per-epoch metrics, as Keras' ``History``: ``history["val/acc"][-1]``; ``epoch`` is 0-based."""

    history: dict[str, list[float]] = field(default_factory=dict)
    epoch: list[int] = field(default_factory=list)

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def final(self) -> dict[str, float]:
        """The last epoch's value of every key."""
        return {k: v[-1] for k, v in self.history.items() if v}


def _reduce(sums: torch.Tensor, counts: list[int], keys: list[str], prefix: str, ddp: bool) -> dict[str, float]:
    """Sum over ranks (one all-reduce), then mean = sum / count, synchronised once."""
    both = torch.cat([sums.double(), torch.tensor(counts, dtype=torch.float64, device=sums.device)])
    if ddp:
        dist.all_reduce(both)
    values = both.tolist()
    k = len(keys)
    return {f"{prefix}/{key}": values[i] / max(values[k + i], 1) for i, key in enumerate(keys)}


# -- evaluation loop shared by fit's validation and evaluate() --------------------------------

def _eval_loop(model, x, y, loader, objective: Objective, batch_size: int, device, precision: str, prefix: str,
               world: int = 1, rank: int = 0) -> dict[str, float]:
    was_training = model.training
    model.eval()
    sums, counts = None, None
    batches = loader_batches(loader, device) if loader is not None else index_batches(x, y, batch_size, device, None, world, rank)
    nhwc = is_nhwc(model)
    with torch.no_grad(), autocast(device, precision):
        for xb, yb, n_local, _ in batches:
            if n_local == 0:
                continue
            _, s, c = objective(call_model(model, to_nhwc(xb) if nhwc else xb), yb)
            sums = s if sums is None else sums + s
            counts = c if counts is None else [a + b for a, b in zip(counts, c)]
    model.train(was_training)
    if sums is None:  # this rank had no samples: contribute zeros
        sums, counts = torch.zeros(len(objective.keys or []), device=device), [0] * len(objective.keys or [])
    return _reduce(sums, counts, objective.keys, prefix, world > 1)


# -- the trainer ----------------------------------------------------------------------------------

class Trainer:
    """The state of one `fit` call, as callbacks see it.

    Attributes:
        model: the plain module (callbacks save and restore its weights).
        optimizers: ``{name: optimizer}`` (``"main"`` for a single one); ``optimizer`` is the first.
        epoch, epochs, step, n_batches: progress (epoch 0-based; step counts batches over the fit).
        history: the `History` being filled.
        should_stop: set it to True to end training after the current batch/epoch.
        is_main, verbose, device, resumed: as their names say.
    """

    def __init__(self, model, *, device, epochs, batch_size, objective, optimizers, scheduler, callbacks, verbose,
                 shuffle, clip_grad_norm, precision, channels_last, compile):
        self.model, self.device, self.epochs, self.batch_size = model, device, epochs, batch_size
        self.objective, self.optimizers, self.scheduler = objective, optimizers, scheduler
        self.optimizer = next(iter(optimizers.values()), None)
        self.callbacks, self.verbose, self.shuffle = list(callbacks), verbose, shuffle
        self.clip_grad_norm, self.precision, self.channels_last = clip_grad_norm, precision, channels_last
        self.ddp = dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1
        self.world, self.rank = (dist.get_world_size(), dist.get_rank()) if self.ddp else (1, 0)
        self.is_main = runtime.is_main()
        self.custom_step = hasattr(model, "train_step")
        if self.custom_step and self.ddp:  # its optimizers step inside train_step, out of DDP's gradient averaging
            raise NotImplementedError(f"{type(model).__name__} defines its own train_step, which fit does not run "
                                      "under DDP (torchrun) yet; run it in a single process")
        forward = model
        if self.ddp:
            forward = torch.nn.parallel.DistributedDataParallel(model, device_ids=[device] if device.type == "cuda" else None)
        self.forward = torch.compile(forward) if compile else forward
        self.history, self.epoch, self.step, self.n_batches = History(), 0, 0, None
        self.should_stop, self.stop_reason, self.resumed = False, None, False
        # one shuffle seed for all ranks (drawn from the seeded global RNG), so every rank shards the same permutation
        seed = runtime.broadcast_object(int(torch.randint(0, 2**62, (1,)).item()))
        self.generator = torch.Generator().manual_seed(seed)
        self._hooks = {h: [c for c in self.callbacks if _overrides(c, h)]
                       for h in ("on_batch_start", "on_batch_end")}

    # one optimisation step on a batch; returns (batch loss, sums of logged keys, counts)
    def _train_batch(self, x, y, n_local: int, n_global: int):
        if self.custom_step:
            out = self.model.train_step((x, y) if y is not None else x, self)
            self.keys = list(out)
            sums = torch.stack([torch.as_tensor(v, device=self.device).detach().float() * n_local for v in out.values()])
            return sums[0] / max(n_local, 1), sums, [n_local] * len(out)
        if self.channels_last:
            x = to_nhwc(x)
        with autocast(self.device, self.precision):
            pred = call_model(self.forward, x)
            if n_local == 0:  # DDP: this rank's share of a tiny last batch is empty; join the gradient all-reduce
                loss = sum(t.sum() for t in leaves(pred)) * 0.0
                sums, counts = torch.zeros(len(self.objective.keys), device=self.device), [0] * len(self.objective.keys)
            else:
                loss, sums, counts = self.objective(pred, y)
        scale = n_local * self.world / n_global if self.ddp else 1.0  # DDP averages gradients over ranks
        for opt in self.optimizers.values():
            opt.zero_grad(set_to_none=True)
        (loss * scale if scale != 1.0 else loss).backward()
        if self.clip_grad_norm:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.clip_grad_norm)
        for opt in self.optimizers.values():
            opt.step()
        return loss.detach(), sums, counts

    def _train_epoch(self, train) -> dict[str, float]:
        x, y, loader = train
        self.model.train()
        if loader is not None:
            if isinstance(getattr(loader, "sampler", None), DistributedSampler):
                loader.sampler.set_epoch(self.epoch)
            batches = loader_batches(loader, self.device, self.world)
        else:
            order = torch.randperm(n_samples(x), generator=self.generator).to(self.device) if self.shuffle else None
            batches = index_batches(x, y, self.batch_size, self.device, order, self.world, self.rank)
        sums, counts = None, None
        for b, (xb, yb, n_local, n_global) in enumerate(batches):
            for c in self._hooks["on_batch_start"]:
                c.on_batch_start(self, b)
            loss, s, cnt = self._train_batch(xb, yb, n_local, n_global)
            sums = s if sums is None else sums + s
            counts = cnt if counts is None else [a + b_ for a, b_ in zip(counts, cnt)]
            self.step += 1
            for c in self._hooks["on_batch_end"]:
                c.on_batch_end(self, b, {"loss": loss})
            if self.should_stop:
                break
        keys = self.keys if self.custom_step else self.objective.keys
        return _reduce(sums, counts, keys, "train", self.ddp)

    def fit(self, train, val, checkpoint_dir, resume: bool) -> History:
        x, _, loader = train
        self.n_batches = _len_or_none(loader) if loader is not None else math.ceil(n_samples(x) / self.batch_size)
        state = self._load(checkpoint_dir) if resume and checkpoint_dir else None
        self.resumed = state is not None
        for c in self.callbacks:
            c.on_fit_start(self)
        start = self._restore(state, checkpoint_dir) if state is not None else 0
        for epoch in range(start, self.epochs):
            if self.should_stop:
                break
            self.epoch = epoch
            for c in self.callbacks:
                c.on_epoch_start(self, epoch)
            logs = self._train_epoch(train)
            if val is not None and self.objective is not None:
                vx, vy, vloader = val
                logs |= _eval_loop(self.model, vx, vy, vloader, self.objective, self.batch_size, self.device,
                                   self.precision, "val", self.world, self.rank)
            for c in self.callbacks:
                c.on_epoch_end(self, epoch, logs)
            if self.scheduler is not None:
                self.scheduler.step()
            for k, v in logs.items():
                self.history.history.setdefault(k, []).append(v)
            self.history.epoch.append(epoch)
            if checkpoint_dir and self.is_main and math.isfinite(logs.get("train/loss", 0.0)):
                save_checkpoint(checkpoint_dir, epoch, self.model, self._state(epoch))
        for c in self.callbacks:
            c.on_fit_end(self)
        return self.history

    # -- checkpoint / resume ----------------------------------------------------------------------
    def _state(self, epoch: int) -> dict[str, Any]:
        return {
            "epoch": epoch, "step": self.step, "should_stop": self.should_stop,
            "history": self.history.history, "history_epochs": self.history.epoch,
            "optimizers": {k: o.state_dict() for k, o in self.optimizers.items()},
            "scheduler": self.scheduler.state_dict() if self.scheduler is not None else None,
            "callbacks": [{"class": type(c).__name__, "state": c.state_dict()} for c in self.callbacks],
            "rng": rng_state(), "shuffle": self.generator.get_state(),
        }

    def _load(self, checkpoint_dir) -> dict[str, Any] | None:
        """Load the latest checkpoint's weights into the model and return its state (None: start fresh)."""
        state = load_checkpoint(checkpoint_dir, self.model)
        if state is None and self.is_main and self.verbose:
            print(f"resume: no checkpoint in {checkpoint_dir}; starting from epoch 1", flush=True)
        return state

    def _restore(self, state: dict[str, Any], checkpoint_dir) -> int:
        """Restore optimizers, scheduler, callbacks (after their on_fit_start), RNGs, history; return the next epoch."""
        for k, o in self.optimizers.items():
            o.load_state_dict(state["optimizers"][k])
        if self.scheduler is not None and state["scheduler"] is not None:
            self.scheduler.load_state_dict(state["scheduler"])
        saved = state["callbacks"]
        for i, c in enumerate(self.callbacks):
            if i < len(saved) and saved[i]["class"] == type(c).__name__:
                c.load_state_dict(saved[i]["state"])
        set_rng_state(state["rng"])
        self.generator.set_state(state["shuffle"])
        self.history = History({k: list(v) for k, v in state["history"].items()}, list(state["history_epochs"]))
        self.step, self.should_stop = state["step"], state["should_stop"]
        if self.is_main and self.verbose:
            print(f"resume: continuing after epoch {state['epoch'] + 1} from {checkpoint_dir}", flush=True)
        return state["epoch"] + 1


def _overrides(obj, hook: str) -> bool:
    return getattr(type(obj), hook) is not getattr(cb.Callback, hook)


def _len_or_none(loader) -> int | None:
    try:
        return len(loader)
    except TypeError:
        return None


def _resolve_device(model, device) -> torch.device:
    if device is None:
        return next((p.device for p in model.parameters()), torch.device("cpu"))
    return runtime.pick_device(device)


def fit(model: torch.nn.Module, train, *, val=None, validation_split: float | None = None, epochs: int = 1,
        batch_size: int = 32, loss=None, loss_weights=None, optimizer="rmsprop", lr: float | None = None,
        metrics=(), callbacks=(), device="auto", shuffle: bool = True, from_logits: bool = True,
        checkpoint_dir=None, resume: bool = False, verbose: bool = True, scheduler=None,
        clip_grad_norm: float | None = None, precision: str = "32", channels_last: bool | None = None,
        compile: bool = False) -> History:
    """Train `model` Keras-style and return its `History`.

    Args:
        model: a plain ``nn.Module`` (moved to `device`); one that defines
            ``train_step(batch, trainer) -> dict`` does its own step (GANs, several optimizers).
        train: ``(x, y)`` arrays/tensors (x may be a tuple of inputs, y a tuple/dict of targets),
            ``x`` alone for a custom ``train_step``, or a ``Dataset``/``DataLoader``.
        val: validation data in the same forms. validation_split: instead, hold out this *last*
            fraction of the in-memory training data (taken before shuffling, as Keras does).
        epochs, batch_size, shuffle: as in Keras (under DDP `batch_size` is the global batch).
        loss, loss_weights: a Keras loss name or callable ``(pred, y) -> scalar``, or a list/dict
            for several outputs; weights per output.
        optimizer, lr: a Keras name with Keras defaults (see `deepdojo.engine.optim`), an optimizer,
            a factory ``params -> optimizer``, or a dict of optimizers for a custom train_step;
            `lr` overrides a named optimizer's default learning rate.
        metrics: names (``"accuracy"``, ``"mae"``, ``"mse"``) or callables ``(pred, y) -> batch mean``.
        callbacks: `deepdojo.engine.callbacks` instances; a progress bar is added when none is given.
        device: ``"auto"``, ``"cpu"``, ``"cuda"``, a torch.device, or None for the model's device.
        from_logits: the model outputs logits (default) rather than probabilities.
        checkpoint_dir, resume: save the full training state every epoch there; continue from it.
        scheduler: a factory ``optimizer -> LRScheduler`` stepped once per epoch.
        clip_grad_norm: clip the global gradient norm to this value.
        precision: ``"32"`` or ``"bf16"`` (autocast on the device; check the accuracy you get).
        channels_last: NHWC memory layout for 4-D inputs and conv weights (same results up to float rounding; faster
            oneDNN convolutions on CPU); None = on for models with Conv2d layers on the CPU.
        compile: wrap the model in ``torch.compile`` (slower than eager for small convnets on CPU here).
        verbose: progress bar / messages (rank 0, terminal only).

    Returns:
        History with ``history["train/loss"]``, ``["val/acc"]``, ... per epoch.

    Raises:
        ValueError: mismatched sample counts, unknown loss/metric/optimizer names, bad options.
    """
    if epochs < 0 or batch_size < 1:
        raise ValueError(f"need epochs >= 0 and batch_size >= 1, got epochs={epochs}, batch_size={batch_size}")
    dev = _resolve_device(model, device)
    model.to(dev)
    world = dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1
    if validation_split:
        if val is not None:
            raise ValueError("give either val= or validation_split=, not both")
        if not 0.0 < validation_split < 1.0:
            raise ValueError(f"validation_split must be in (0, 1), got {validation_split}")
        if isinstance(train, (Dataset, DataLoader)):
            raise ValueError("validation_split needs in-memory (x, y) arrays; for a Dataset/DataLoader pass val=")
        x, y = unpack(train, "train")
        cut = int(math.floor(n_samples(x) * (1.0 - validation_split)))  # Keras: the last fraction, before shuffling
        train = (map_tensors(lambda t: t[:cut], x), map_tensors(lambda t: t[:cut], y))
        val = (map_tensors(lambda t: t[cut:], x), map_tensors(lambda t: t[cut:], y))
    train_data = prepare(train, "train", dev, batch_size, shuffle, world)
    if channels_last is None:
        channels_last = dev.type == "cpu" and nhwc_works(model, train_data[0])
    if channels_last:
        model.to(memory_format=torch.channels_last)
    val_data = prepare(val, "val", dev, batch_size, False, world) if val is not None else None
    if isinstance(optimizer, dict):
        optimizers = {k: make_optimizer(v, model.parameters()) for k, v in optimizer.items()}
    else:
        optimizers = {"main": make_optimizer(optimizer, model.parameters(), lr)}
    custom = hasattr(model, "train_step")
    objective = Objective(loss, loss_weights, metrics, from_logits) if (loss is not None or not custom) else None
    sched = scheduler(optimizers["main"]) if scheduler is not None else None
    callbacks = list(callbacks)
    if not any(isinstance(c, cb.ProgressBar) for c in callbacks):
        callbacks.append(cb.ProgressBar())
    trainer = Trainer(model, device=dev, epochs=epochs, batch_size=batch_size, objective=objective,
                      optimizers=optimizers, scheduler=sched, callbacks=callbacks, verbose=verbose, shuffle=shuffle,
                      clip_grad_norm=clip_grad_norm, precision=precision, channels_last=channels_last, compile=compile)
    autocast(dev, precision)  # validate early
    return trainer.fit(train_data, val_data, checkpoint_dir, resume)


def evaluate(model: torch.nn.Module, data, *, loss=None, metrics=(), batch_size: int = 32, device=None,
             prefix: str = "test", from_logits: bool = True, loss_weights=None, precision: str = "32") -> dict[str, float]:
    """Mean loss and metrics of `model` on `data` (``(x, y)`` or a Dataset/DataLoader), no gradients.

    Under DDP every rank evaluates its shard and gets the same all-reduced result.

    Returns:
        ``{"test/loss": ..., "test/acc": ...}`` (keys prefixed by `prefix`; no loss key without `loss`).
    """
    dev = _resolve_device(model, device)
    model.to(dev)
    world = dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1
    rank = dist.get_rank() if world > 1 else 0
    objective = Objective(loss, loss_weights, metrics, from_logits, require_loss=False)
    x, y, loader = prepare(data, prefix, dev, batch_size, False, 1)
    return _eval_loop(model, x, y, loader, objective, batch_size, dev, precision, prefix, world, rank)


def predict(model: torch.nn.Module, x, *, batch_size: int = 32, device=None, precision: str = "32"):
    """Raw model outputs for `x` (array/tensor, tuple of inputs, or Dataset/DataLoader), on the CPU.

    Returns:
        A tensor (or a tuple/dict of tensors for multi-output models), concatenated over batches.
    """
    dev = _resolve_device(model, device)
    model.to(dev)
    xs, _, loader = prepare(x if isinstance(x, (Dataset, DataLoader)) else (x, None), "x", dev, batch_size, False, 1)
    batches = loader_batches(loader, dev) if loader is not None else index_batches(xs, None, batch_size, dev, None)
    was_training, outs, nhwc = model.training, [], is_nhwc(model)
    model.eval()
    with torch.no_grad(), autocast(dev, precision):
        for xb, _, _, _ in batches:
            out = call_model(model, to_nhwc(xb) if nhwc else xb)
            outs.append(map_tensors(lambda t: t.float().cpu() if t.is_floating_point() else t.cpu(), out))
    model.train(was_training)
    if not outs:
        raise ValueError("predict got no samples")
    first = outs[0]
    if isinstance(first, dict):
        return {k: torch.cat([o[k] for o in outs]) for k in first}
    if isinstance(first, tuple):
        return tuple(torch.cat(parts) for parts in zip(*outs))
    return torch.cat(outs)
