"""Losses with their gradients with respect to the prediction.

Every loss returns ``(value, grad)`` where ``grad = dL/d(pred)`` has the shape of ``pred``.
Reductions follow Keras/PyTorch: the mean over the batch (and over output units for MSE and BCE),
except `half_squared_error`, Cazenave's and Hands-On's ``E = sum 1/2 (t - o)^2``, which sums over
the output units (the worked example's E_total) and averages over the batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from deepdojo.scratch.activations import log_softmax, softmax

EPS = 1e-7  # Keras' epsilon: probabilities are clipped to [EPS, 1 - EPS] before the log


def _check(pred: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pred, target = np.asarray(pred), np.asarray(target, dtype=np.asarray(pred).dtype)
    if pred.shape != target.shape:
        raise ValueError(f"prediction shape {pred.shape} != target shape {target.shape}; "
                         "reshape the targets (e.g. y[:, None]) or one-hot encode class ids")
    return pred, target


def half_squared_error(pred, target):
    """``E = mean_batch sum_units 1/2 (t - o)^2``; ``dE/do = (o - t) / B``."""
    pred, target = _check(pred, target)
    batch = pred.shape[0] if pred.ndim > 1 else 1
    diff = pred - target
    return float(0.5 * (diff * diff).sum() / batch), diff / batch


def mse(pred, target):
    """Mean squared error over all elements; gradient ``2 (o - t) / N``."""
    pred, target = _check(pred, target)
    diff = pred - target
    return float((diff * diff).mean()), 2.0 * diff / diff.size


def binary_crossentropy(pred, target):
    """BCE on probabilities (sigmoid outputs), mean over all elements, clipped like Keras."""
    pred, target = _check(pred, target)
    p = np.clip(pred, EPS, 1 - EPS)
    value = -(target * np.log(p) + (1 - target) * np.log(1 - p)).mean()
    # Inside the clip range this is the exact derivative; outside it is 0 like Keras' clip.
    grad = (p - target) / (p * (1 - p)) / pred.size
    grad = np.where((pred > EPS) & (pred < 1 - EPS), grad, 0.0).astype(pred.dtype, copy=False)
    return float(value), grad


def categorical_crossentropy(pred, target):
    """``L = -mean_batch sum_c y_c log p_c`` on probabilities (one-hot or soft targets)."""
    pred, target = _check(pred, target)
    p = np.clip(pred, EPS, 1.0)
    batch = pred.shape[0] if pred.ndim > 1 else 1
    value = -(target * np.log(p)).sum() / batch
    grad = np.where(pred > EPS, -target / p, 0.0).astype(pred.dtype, copy=False) / batch
    return float(value), grad


def softmax_cross_entropy(logits, target):
    """Softmax and categorical cross-entropy fused: ``dL/dz = (softmax(z) - y) / B``.

    Fusing them is both stabler (log-softmax never takes log of 0) and cheaper than
    multiplying the softmax Jacobian by ``-y / s`` (Cazenave's derivation collapses to ``s - y``).
    `target` is one-hot ``(B, C)`` or integer class ids ``(B,)``.
    """
    logits = np.asarray(logits)
    target = np.asarray(target)
    if target.ndim == logits.ndim - 1 and np.issubdtype(target.dtype, np.integer):
        target = one_hot(target, logits.shape[-1], dtype=logits.dtype)
    logits, target = _check(logits, target)
    batch = logits.shape[0] if logits.ndim > 1 else 1
    value = -(target * log_softmax(logits)).sum() / batch
    return float(value), (softmax(logits) - target) / batch


def one_hot(labels: np.ndarray, n_classes: int, dtype=np.float64) -> np.ndarray:
    """Integer ids ``(B,)`` -> one-hot rows ``(B, n_classes)``."""
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"class ids must lie in [0, {n_classes}), got [{labels.min()}, {labels.max()}]")
    out = np.zeros((labels.shape[0], n_classes), dtype=dtype)
    out[np.arange(labels.shape[0]), labels] = 1
    return out


@dataclass(frozen=True)
class Loss:
    """A named loss ``(pred, target) -> (value, dL/dpred)``; `on_logits` means it wants raw scores."""

    name: str
    fn: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]
    on_logits: bool = False

    def __call__(self, pred, target):
        return self.fn(pred, target)


def summed_over_units(loss: Loss) -> Loss:
    """The same loss summed over the output units instead of averaged (Cazenave's two-output BCE:
    ``-log o1 - log(1 - o2)``); value and gradient are multiplied by the number of units."""
    def fn(pred, target):
        value, grad = loss(pred, target)
        units = np.shape(pred)[-1]
        return value * units, grad * units

    return Loss(f"{loss.name}_summed", fn, loss.on_logits)


LOSSES: dict[str, Loss] = {
    "half_squared_error": Loss("half_squared_error", half_squared_error),
    "mse": Loss("mse", mse),
    "binary_crossentropy": Loss("binary_crossentropy", binary_crossentropy),
    "categorical_crossentropy": Loss("categorical_crossentropy", categorical_crossentropy),
    "softmax_cross_entropy": Loss("softmax_cross_entropy", softmax_cross_entropy, on_logits=True),
}


def get_loss(name: str | Loss) -> Loss:
    """Look a loss up by name, with a clear error listing the known ones."""
    if isinstance(name, Loss):
        return name
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
