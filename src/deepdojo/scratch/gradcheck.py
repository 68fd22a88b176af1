"""Finite-difference gradient checking: the test every hand-written backward pass must pass."""
from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences ``(f(x + eps e_i) - f(x - eps e_i)) / 2 eps`` for every entry of `x`.

    Args:
        f: evaluates the scalar loss, reading `x` (which is perturbed in place and restored).
        x: a float64 array (float32 is too coarse for differences of size eps).

    Returns:
        An array shaped like `x`.
    """
    if x.dtype != np.float64:
        raise TypeError(f"numerical_gradient needs float64 parameters, got {x.dtype}: build the model with dtype=np.float64")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views: writing flat[i] perturbs x
    for i in range(flat.size):  # one entry at a time is the point: the check is independent of backward
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``max |a - b| / max(|a| + |b|, tiny)``, the usual scale-free comparison."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


def check_model_gradients(model, x: np.ndarray, y: np.ndarray, loss, eps: float = 1e-6) -> dict[str, float]:
    """Compare a model's analytic gradients with finite differences, parameter by parameter.

    Args:
        model: a scratch `MLP` in float64 (without active dropout: the check needs a deterministic f).
        x, y: a small batch.
        loss: a `Loss` or loss name.

    Returns:
        ``{"0.W": relative error, ...}``.
    """
    from deepdojo.scratch.losses import get_loss

    loss = get_loss(loss)
    value, grad = loss(model.forward(x), y)
    model.backward(grad)
    analytic = {f"{i}.{k}": layer.grads[k].copy() for i, layer in enumerate(model.layers) for k in layer.params}

    def f() -> float:
        return loss(model.forward(x), y)[0]

    errors = {}
    for i, layer in enumerate(model.layers):
        for k, p in layer.params.items():
            errors[f"{i}.{k}"] = relative_error(analytic[f"{i}.{k}"], numerical_gradient(f, p, eps))
    return errors
