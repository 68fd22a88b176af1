"""Data plumbing for the trainer: NumPy/lists → tensors, index batches, DDP shards, memory layout, autocast.

In-memory data is batched by index tensors (a shuffled ``torch.randperm`` and ``index_select`` on
the whole tensors, or plain slices when not shuffling): no per-sample Python and no DataLoader.
A ``Dataset``/``DataLoader`` is iterated only for data that does not fit in memory.
"""
from __future__ import annotations

from typing import Any

import contextlib

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, DistributedSampler


def is_leaf(obj: Any) -> bool:
    return not isinstance(obj, (tuple, list, dict)) or (
        isinstance(obj, (tuple, list)) and not all(isinstance(v, (torch.Tensor, np.ndarray)) for v in obj))


def map_tensors(fn, obj: Any) -> Any:
    """Apply `fn` to every tensor of a (possibly nested) tuple/list/dict; None stays None."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return {k: map_tensors(fn, v) for k, v in obj.items()}
    if not is_leaf(obj):
        return tuple(map_tensors(fn, v) for v in obj)
    return fn(obj)


def leaves(obj: Any) -> list[torch.Tensor]:
    out: list = []
    map_tensors(out.append, obj)
    return out


def to_tensor(a: Any, target: bool = False) -> torch.Tensor:
    """NumPy/list → tensor as Keras feeds them: float64/bool/uint8 inputs → float32, integer targets → int64."""
    t = a if isinstance(a, torch.Tensor) else torch.from_numpy(np.ascontiguousarray(np.asarray(a)))
    if t.dtype in (torch.float64, torch.bool) or (t.dtype == torch.uint8 and not target):
        return t.float()
    if target and not t.is_floating_point():
        return t.long()  # class ids, as cross-entropy wants them
    return t


def unpack(data: Any, what: str) -> tuple[Any, Any]:
    """``(x, y)`` or ``x`` → tensors, checking that every array has the same number of samples."""
    if isinstance(data, (tuple, list)) and len(data) == 2:
        x, y = data
    elif isinstance(data, (tuple, list)) and not is_leaf(data):
        raise ValueError(f"{what} must be (x, y) or x alone; got a {len(data)}-tuple (for several inputs use ((x1, x2), y))")
    else:
        x, y = data, None
    x, y = map_tensors(to_tensor, x), map_tensors(lambda a: to_tensor(a, target=True), y)
    sizes = {f"x{i}": len(t) for i, t in enumerate(leaves(x))} | {f"y{i}": len(t) for i, t in enumerate(leaves(y))}
    if not leaves(x) or 0 in sizes.values():
        raise ValueError(f"{what} has no samples (got x={type(x).__name__}); pass arrays/tensors with a first dimension > 0")
    if len(set(sizes.values())) > 1:
        listing = ", ".join(f"{k} has {v}" for k, v in sizes.items())
        raise ValueError(f"{what}: x and y must have the same number of samples (first dimension), but {listing}")
    return x, y


def n_samples(x: Any) -> int:
    return len(leaves(x)[0])


def shard(start: int, stop: int, world: int, rank: int) -> tuple[int, int]:
    """This rank's contiguous part of ``[start, stop)`` (sizes differ by at most one)."""
    size, extra = divmod(stop - start, world)
    lo = start + rank * size + min(rank, extra)
    return lo, lo + size + (1 if rank < extra else 0)


def index_batches(x, y, batch_size: int, device: torch.device, order: torch.Tensor | None, world: int = 1, rank: int = 0):
    """Yield ``(x_b, y_b, n_local, n_global)``: index batches of in-memory tensors (already on `device`)."""
    n = n_samples(x)
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        lo, hi = shard(start, stop, world, rank)
        if order is None:  # contiguous: views, no copy
            take = lambda t: t[lo:hi]  # noqa: E731
        else:
            idx = order[lo:hi]
            take = lambda t: t.index_select(0, idx)  # noqa: E731
        yield map_tensors(take, x), map_tensors(take, y), hi - lo, stop - start


def loader_batches(loader, device: torch.device, world: int = 1):
    """Yield ``(x_b, y_b, n, n * world)`` from a DataLoader of ``(x, y)`` or ``x`` batches.

    Under DDP each rank's loader (DistributedSampler) gives it its own batch of about the same size,
    so the global batch is about ``n * world`` and DDP's gradient average needs no rescaling.
    """
    for batch in loader:
        x, y = (batch[0], batch[1]) if isinstance(batch, (tuple, list)) and len(batch) == 2 else (batch, None)
        x = map_tensors(lambda t: t.to(device, non_blocking=True), x)
        y = map_tensors(lambda t: t.to(device, non_blocking=True), y)
        n = n_samples(x)
        yield x, y, n, n * world



def prepare(data, what: str, device, batch_size: int, shuffle: bool, world: int):
    """→ (x, y, None) on `device` for in-memory data, or (None, None, loader) for a Dataset/DataLoader."""
    if isinstance(data, DataLoader):
        return None, None, data
    if isinstance(data, Dataset):
        sampler = DistributedSampler(data, shuffle=shuffle) if world > 1 else None
        return None, None, DataLoader(data, batch_size=max(1, batch_size // world), shuffle=shuffle and sampler is None,
                                      sampler=sampler, pin_memory=device.type == "cuda")
    x, y = unpack(data, what)
    return map_tensors(lambda t: t.to(device), x), map_tensors(lambda t: t.to(device), y), None


# -- model calls, memory layout and precision --------------------------------------------------

def call_model(model, x):
    return model(*x) if isinstance(x, tuple) else model(x)


def to_nhwc(x):
    """4-D inputs to channels-last (NHWC) memory layout; other tensors unchanged."""
    return map_tensors(lambda t: t.contiguous(memory_format=torch.channels_last) if t.ndim == 4 else t, x)


def is_nhwc(model) -> bool:
    w = next((m.weight for m in model.modules() if isinstance(m, torch.nn.Conv2d)), None)
    return w is not None and not w.is_contiguous() and w.is_contiguous(memory_format=torch.channels_last)


def autocast(device: torch.device, precision: str):
    if precision in ("32", "fp32", "float32"):
        return contextlib.nullcontext()
    if precision in ("bf16", "bfloat16"):
        return torch.autocast(device.type, dtype=torch.bfloat16)
    raise ValueError(f"precision must be '32' or 'bf16', got {precision!r}")


def nhwc_works(model, x) -> bool:
    """Auto channels-last: only for Conv2d models whose forward accepts NHWC tensors (``.view`` may not)."""
    if x is None or not any(isinstance(m, torch.nn.Conv2d) for m in model.modules()):
        return False
    was_training = model.training
    try:
        model.to(memory_format=torch.channels_last).eval()
        with torch.no_grad():
            call_model(model, to_nhwc(map_tensors(lambda t: t[:2], x)))
        return True
    except RuntimeError:
        return False
    finally:
        model.to(memory_format=torch.contiguous_format).train(was_training)
