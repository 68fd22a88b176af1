"""The training objective: loss(es), loss weights and metrics for one- or multi-output models.

`Objective(pred, y)` returns the (weighted) loss to back-propagate plus a vector of *sums* for
every logged quantity and their counts, so the trainer can add batches up on the device and
synchronise once per epoch. Structures follow Keras: a model returning one tensor gets one loss;
a model returning a tuple/list (or dict) gets a list (or dict) of losses — or one loss applied to
every output — and optional ``loss_weights``.
"""
from __future__ import annotations

from typing import Any

import torch

from deepdojo.engine.losses import get_loss, get_metric


def _leaves(obj: Any) -> list[tuple[str | None, torch.Tensor]]:
    """Flatten a model output / target into named leaves: single -> [(None, t)]."""
    if isinstance(obj, dict):
        return list(obj.items())
    if isinstance(obj, (tuple, list)):
        return [(f"out{i}", t) for i, t in enumerate(obj)]
    return [(None, obj)]


def _per_output(spec: Any, names: list[str | None], what: str) -> list[Any]:
    """Spread a loss/weight spec over the outputs: one for all, a list by position, or a dict by name."""
    if isinstance(spec, dict):
        missing = [n for n in names if n not in spec]
        if missing:
            raise ValueError(f"{what} dict has no entry for output(s) {missing}; outputs are {names}")
        return [spec[n] for n in names]
    if isinstance(spec, (list, tuple)):
        if len(spec) != len(names):
            raise ValueError(f"{what} has {len(spec)} entries but the model returns {len(names)} outputs")
        return list(spec)
    return [spec] * len(names)


class Objective:
    """Loss and metrics of a model, resolved lazily on the first batch (when the outputs are known).

    Args:
        loss: a Keras loss name or callable, or a list/dict of them for multi-output models.
        loss_weights: None, or a list/dict of floats weighting each output's loss.
        metrics: metric names or callables, applied to every output.
        from_logits: whether the model outputs logits (see `deepdojo.engine.losses`).
    """

    def __init__(self, loss: Any, loss_weights: Any = None, metrics=(), from_logits: bool = True,
                 require_loss: bool = True):
        if loss is None and (require_loss or not metrics):
            raise ValueError("fit/evaluate need loss=... (e.g. 'sparse_categorical_crossentropy', 'mse', a callable), "
                             "unless the model defines its own train_step")
        self.loss_spec, self.weights_spec, self.metric_specs = loss, loss_weights, list(metrics or ())
        self.from_logits = from_logits
        # fail fast on bad names, before any data is touched
        for spec in (loss.values() if isinstance(loss, dict) else loss if isinstance(loss, (list, tuple)) else [loss]):
            if spec is not None:
                get_loss(spec, from_logits)
        for m in self.metric_specs:
            get_metric(m, from_logits)
        self.keys: list[str] | None = None
        self._parts: list[tuple[Any, float, list]] | None = None

    def _build(self, names: list[str | None]) -> None:
        losses = _per_output(self.loss_spec, names, "loss")
        weights = _per_output(self.weights_spec if self.weights_spec is not None else 1.0, names, "loss_weights")
        multi = names != [None]
        self.keys, self._parts = (["loss"] if self.loss_spec is not None else []), []
        for name, spec, w in zip(names, losses, weights):
            fn = get_loss(spec, self.from_logits) if spec is not None else None
            mets = [get_metric(m, self.from_logits, spec if isinstance(spec, str) else None) for m in self.metric_specs]
            if multi and fn is not None:
                self.keys.append(f"{name}_loss")
            self.keys += [f"{name}_{k}" if multi else k for k, _ in mets]
            self._parts.append((fn, float(w), [f for _, f in mets]))

    def __call__(self, pred: Any, y: Any) -> tuple[torch.Tensor, torch.Tensor, list[int]]:
        """Args:
            pred: model output (tensor, tuple/list or dict of tensors).
            y: targets with the same structure.

        Returns:
            (loss to back-propagate (batch mean), sums of every logged key (K,), counts (K ints)).
        """
        preds, ys = _leaves(pred), _leaves(y)
        if self._parts is None:
            self._build([n for n, _ in preds])
        if len(ys) != len(preds):
            raise ValueError(f"the model returns {len(preds)} output(s) but y has {len(ys)}")
        n = len(ys[0][1])
        total, sums, counts = 0.0, [], []
        extra_sums, extra_counts = [], []
        for (fn, w, mets), (_, p), (_, t) in zip(self._parts, preds, ys):
            if fn is not None:
                lo = fn(p, t)
                total = total + w * lo
            if fn is not None and len(preds) > 1:
                extra_sums.append(lo.detach().float() * n)
                extra_counts.append(n)
            with torch.no_grad():
                for m in mets:
                    s, c = m(p.detach(), t)
                    extra_sums.append(s.float())
                    extra_counts.append(c)
        if self.loss_spec is None:  # metrics only (evaluate without a loss)
            return None, torch.stack(extra_sums), extra_counts
        sums = [total.detach().float() * n, *extra_sums]
        counts = [n, *extra_counts]
        return total, torch.stack(sums), counts
