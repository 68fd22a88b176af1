"""Losses and metrics by their Keras names.

Losses map ``(pred, y)`` to a scalar mean. With ``from_logits=True`` (the default) the model ends in
a plain ``Linear`` and the cross-entropies apply sigmoid/softmax themselves in a numerically stable
way; with ``from_logits=False`` the model outputs probabilities (as Keras code does, ending in
``Sigmoid``/``Softmax``) and the cross-entropies clip to ``[1e-7, 1 - 1e-7]`` and take the log like
Keras.

Metrics return ``(sum, count)`` for a batch — a 0-dim tensor and a Python int — so the trainer can
accumulate them on the device and synchronise once per epoch instead of once per batch.
``"accuracy"`` picks binary, sparse or categorical accuracy from the shapes exactly as Keras 3 does:
binary when the model has one output unit, sparse when ``y`` has one dimension fewer than the
prediction (integer class ids) or a last dimension of 1, categorical (one-hot ``y``) otherwise.
"""
from __future__ import annotations

import difflib
from typing import Callable

import torch
import torch.nn.functional as F

EPS = 1e-7  # Keras' backend epsilon, used to clip probabilities

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
MetricFn = Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, int]]


def _like(y: torch.Tensor, pred: torch.Tensor) -> torch.Tensor:
    """Reshape a target to the prediction's shape ((B,) vs (B, 1)) and dtype."""
    if y.shape != pred.shape and y.numel() == pred.numel():
        y = y.reshape(pred.shape)
    if y.shape != pred.shape:
        raise ValueError(f"target shape {tuple(y.shape)} does not match prediction shape {tuple(pred.shape)}; "
                         "for integer class ids use loss='sparse_categorical_crossentropy'")
    return y.to(pred.dtype)


def binary_crossentropy(pred: torch.Tensor, y: torch.Tensor, from_logits: bool = True) -> torch.Tensor:
    y = _like(y, pred)
    if from_logits:
        return F.binary_cross_entropy_with_logits(pred, y)
    p = pred.clamp(EPS, 1 - EPS)
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()


def categorical_crossentropy(pred: torch.Tensor, y: torch.Tensor, from_logits: bool = True) -> torch.Tensor:
    y = _like(y, pred)  # one-hot (B, ..., C)
    if from_logits:
        logp = F.log_softmax(pred, dim=-1)
    else:  # Keras renormalises the probabilities, then clips
        logp = (pred / pred.sum(-1, keepdim=True)).clamp(EPS, 1 - EPS).log()
    return -(y * logp).sum(-1).mean()


def sparse_categorical_crossentropy(pred: torch.Tensor, y: torch.Tensor, from_logits: bool = True) -> torch.Tensor:
    if y.ndim == pred.ndim and y.shape[-1] == 1:
        y = y.squeeze(-1)
    if y.shape != pred.shape[:-1]:
        raise ValueError(f"sparse_categorical_crossentropy wants integer targets of shape {tuple(pred.shape[:-1])} "
                         f"for predictions {tuple(pred.shape)}, got {tuple(y.shape)}; for one-hot targets use "
                         "loss='categorical_crossentropy'")
    pred, y = pred.reshape(-1, pred.shape[-1]), y.reshape(-1).long()  # (N, C), (N,)
    if from_logits:
        return F.cross_entropy(pred, y)
    return F.nll_loss((pred / pred.sum(-1, keepdim=True)).clamp(EPS, 1 - EPS).log(), y)


def mse(pred: torch.Tensor, y: torch.Tensor, from_logits: bool = True) -> torch.Tensor:
    return F.mse_loss(pred, _like(y, pred))


def mae(pred: torch.Tensor, y: torch.Tensor, from_logits: bool = True) -> torch.Tensor:
    return F.l1_loss(pred, _like(y, pred))


def huber(pred: torch.Tensor, y: torch.Tensor, from_logits: bool = True) -> torch.Tensor:
    return F.huber_loss(pred, _like(y, pred), delta=1.0)


LOSSES = {
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "mse": mse, "mean_squared_error": mse,
    "mae": mae, "mean_absolute_error": mae,
    "huber": huber,
}


def _unknown(kind: str, name: str, known) -> ValueError:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(f"unknown {kind} {name!r}.{hint} Known: {', '.join(sorted(known))}; or pass a callable.")


def get_loss(loss: str | LossFn, from_logits: bool = True) -> LossFn:
    """A loss function ``(pred, y) -> scalar`` from a Keras name or a callable (used as is).

    Raises:
        ValueError: unknown name, with the closest known names.
    """
    if callable(loss):
        return loss
    if not isinstance(loss, str) or loss not in LOSSES:
        raise _unknown("loss", str(loss), LOSSES)
    fn = LOSSES[loss]

    def named_loss(pred, y):
        return fn(pred, y, from_logits=from_logits)

    named_loss.__name__ = loss
    return named_loss


# -- metrics ----------------------------------------------------------------------------------

def binary_accuracy(pred: torch.Tensor, y: torch.Tensor, threshold: float = 0.0) -> tuple[torch.Tensor, int]:
    y = _like(y, pred)
    return ((pred > threshold) == (y > 0.5)).sum(), y.numel()


def categorical_accuracy(pred: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, int]:
    y = _like(y, pred)
    hits = pred.argmax(-1) == y.argmax(-1)  # (B, ...)
    return hits.sum(), hits.numel()


def sparse_categorical_accuracy(pred: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, int]:
    if y.ndim == pred.ndim:
        y = y.squeeze(-1)
    hits = pred.argmax(-1) == y
    return hits.sum(), hits.numel()


def _is_sparse(pred: torch.Tensor, y: torch.Tensor) -> bool:
    return y.ndim < pred.ndim or (y.shape[-1] == 1 and pred.shape[-1] > 1)


def make_accuracy(from_logits: bool = True, loss_name: str | None = None) -> MetricFn:
    """Keras' ``"accuracy"``: binary / sparse / categorical chosen from the shapes (and the loss)."""
    threshold = 0.0 if from_logits else 0.5

    def accuracy(pred, y):
        if loss_name == "binary_crossentropy" or pred.shape[-1] == 1 or pred.ndim == 1:
            return binary_accuracy(pred, y, threshold)
        if _is_sparse(pred, y):
            return sparse_categorical_accuracy(pred, y)
        return categorical_accuracy(pred, y)

    return accuracy


def _error_metric(kind: str) -> Callable[[bool], MetricFn]:
    def build(from_logits: bool) -> MetricFn:
        def metric(pred, y):
            diff = pred - _like(y, pred)
            err = diff.abs() if kind == "mae" else diff.square()
            return err.sum(), err.numel()
        return metric
    return build


# name -> (history key, builder(from_logits, loss_name))
METRICS: dict[str, tuple[str, Callable[..., MetricFn]]] = {
    "accuracy": ("acc", lambda fl, ln: make_accuracy(fl, ln)),
    "acc": ("acc", lambda fl, ln: make_accuracy(fl, ln)),
    "binary_accuracy": ("acc", lambda fl, ln: lambda p, y: binary_accuracy(p, y, 0.0 if fl else 0.5)),
    "categorical_accuracy": ("acc", lambda fl, ln: categorical_accuracy),
    "sparse_categorical_accuracy": ("acc", lambda fl, ln: sparse_categorical_accuracy),
    "mae": ("mae", lambda fl, ln: _error_metric("mae")(fl)),
    "mean_absolute_error": ("mae", lambda fl, ln: _error_metric("mae")(fl)),
    "mse": ("mse", lambda fl, ln: _error_metric("mse")(fl)),
    "mean_squared_error": ("mse", lambda fl, ln: _error_metric("mse")(fl)),
}


def get_metric(metric, from_logits: bool = True, loss_name: str | None = None) -> tuple[str, MetricFn]:
    """Resolve a metric to ``(history key, fn(pred, y) -> (sum, count))``.

    Args:
        metric: a Keras name (``"accuracy"``, ``"mae"``, ``"mse"``, ...) or a callable
            ``fn(pred, y) -> scalar`` giving the batch mean (keyed by its ``__name__``).
        from_logits: whether predictions are logits (binary accuracy thresholds at 0, else 0.5).
        loss_name: the loss's name when given by name (Keras picks binary accuracy for BCE).

    Raises:
        ValueError: unknown name, with the closest known names.
    """
    if callable(metric):
        def batch_mean(pred, y):
            n = len(y) if hasattr(y, "__len__") else 1
            return torch.as_tensor(metric(pred, y)).detach() * n, n
        return getattr(metric, "__name__", "metric"), batch_mean
    if not isinstance(metric, str) or metric not in METRICS:
        raise _unknown("metric", str(metric), METRICS)
    key, build = METRICS[metric]
    return key, build(from_logits, loss_name)
