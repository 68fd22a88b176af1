"""A Keras-style model summary: every layer with its output shape and parameter count, then totals."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn


@dataclass
class ModelSummary:
    """Rows of ``(layer name, type, output shape, params)`` and the totals; ``str()`` renders the table."""

    rows: list[tuple[str, str, str, int]] = field(default_factory=list)
    total_params: int = 0
    trainable_params: int = 0

    @property
    def non_trainable_params(self) -> int:
        return self.total_params - self.trainable_params

    def __str__(self) -> str:
        head = ("Layer (type)", "Output Shape", "Param #")
        cells = [(f"{name} ({kind})", shape, f"{n:,}") for name, kind, shape, n in self.rows]
        widths = [max(len(r[i]) for r in [head, *cells]) + 2 for i in range(3)]
        line = lambda r: "".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
        rule = "=" * sum(widths)
        out = [rule, line(head), rule, *map(line, cells), rule,
               f"Total params: {self.total_params:,}", f"Trainable params: {self.trainable_params:,}",
               f"Non-trainable params: {self.non_trainable_params:,}", "_" * sum(widths)]
        return "\n".join(out)


def _shape(out: Any) -> str:
    if isinstance(out, torch.Tensor):
        return str((None, *out.shape[1:])) if out.ndim else "()"
    if isinstance(out, (tuple, list)):
        return "[" + ", ".join(_shape(o) for o in out if isinstance(o, (torch.Tensor, tuple, list))) + "]"
    return type(out).__name__


def summary(model: nn.Module, example: Any, *, dtype: torch.dtype = torch.float32, batch: int = 2) -> ModelSummary:
    """Run one forward pass and tabulate each layer's output shape and parameters, Keras-style.

    Args:
        model: the model (put in eval mode for the pass and restored after).
        example: an input tensor, a tuple of input tensors, or one input's shape *without* the batch
            dimension (e.g. ``(1, 28, 28)``), filled with zeros of `dtype` for `batch` samples.
        dtype: dtype of a generated input (``torch.long`` for embedding models).
        batch: batch size of a generated input (shown as ``None`` in the table, as Keras does).

    Returns:
        A `ModelSummary`; ``print(summary(model, (1, 28, 28)))`` prints the table.
    """
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    if isinstance(example, (tuple, list)) and all(isinstance(d, int) for d in example):
        example = torch.zeros((batch, *example), dtype=dtype, device=device)
    inputs = example if isinstance(example, tuple) else (example,)
    result, seen, hooks = ModelSummary(), set(), []

    def record(name: str):
        def hook(module: nn.Module, _inp, out):
            own = [p for p in module.parameters(recurse=False) if id(p) not in seen]  # tied weights count once
            seen.update(id(p) for p in own)
            result.rows.append((name, type(module).__name__, _shape(out), sum(p.numel() for p in own)))
        return hook

    for name, m in model.named_modules():
        leaf = not any(True for _ in m.children())
        if name and (leaf or any(True for _ in m.parameters(recurse=False))):
            hooks.append(m.register_forward_hook(record(name)))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(*inputs)
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    unique = {id(p): p for p in model.parameters()}.values()
    result.total_params = sum(p.numel() for p in unique)
    result.trainable_params = sum(p.numel() for p in unique if p.requires_grad)
    return result
