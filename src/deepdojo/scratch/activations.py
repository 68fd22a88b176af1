"""Activation functions with their derivatives (Hands-On ch. 2, Cazenave's backprop slides).

Each `Activation` maps pre-activations ``z`` to ``a = f(z)`` and back-propagates
``dL/dz = f'(z) * dL/da`` element-wise, except softmax, whose Jacobian couples the units of a row.
The derivative is always taken on the pre-activation path (``z``) or expressed through the cached
output ``a`` where that is the cheap closed form (sigmoid: a(1-a), tanh: 1-a^2) - never, as the
Hands-On FFNN code does, by applying ``sigmoid'`` to an already activated value.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01


def step(z: np.ndarray) -> np.ndarray:
    """Heaviside step with the perceptron's convention ``z >= 0 -> 1``."""
    return np.where(np.asarray(z) >= 0, 1.0, 0.0)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, computed without overflow for large negative ``z``."""
    z = np.asarray(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.result_type(z, np.float32), copy=False)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along `axis`, shifted by the row maximum so that ``exp`` never overflows."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


@dataclass(frozen=True)
class Activation:
    """An activation: ``forward(z) -> a`` and ``backward(z, a, grad_a) -> grad_z``.

    Args:
        name: key in `ACTIVATIONS`.
        fn: ``z -> a``.
        backward: ``(z, a, grad_a) -> grad_z``.
    """

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.fn(z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        """Element-wise ``f'(z)`` (not defined for softmax, whose derivative is a Jacobian)."""
        if self.name == "softmax":
            raise ValueError("softmax has a Jacobian, not an element-wise derivative: use backward(z, a, grad_a)")
        a = self.fn(z)
        return self.backward(z, a, np.ones_like(a))


def _softmax_backward(z, s, g):
    # J = diag(s) - s s^T per row, so J^T g = s * (g - <g, s>): no (C, C) matrix is built.  # (B, C)
    return s * (g - (g * s).sum(axis=-1, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    "linear": Activation("linear", lambda z: z, lambda z, a, g: g),
    # The step's derivative is 0 almost everywhere: it cannot be trained by backpropagation,
    # which is why the perceptron uses its own learning rule.
    "step": Activation("step", step, lambda z, a, g: np.zeros_like(g)),
    "sigmoid": Activation("sigmoid", sigmoid, lambda z, a, g: g * a * (1 - a)),
    "tanh": Activation("tanh", np.tanh, lambda z, a, g: g * (1 - a * a)),
    "relu": Activation("relu", lambda z: np.maximum(z, 0), lambda z, a, g: g * (z > 0)),
    "leaky_relu": Activation(
        "leaky_relu", lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        lambda z, a, g: g * np.where(z > 0, 1.0, LEAKY_SLOPE).astype(g.dtype),
    ),
    "softmax": Activation("softmax", softmax, _softmax_backward),
}


def get_activation(name: str | Activation) -> Activation:
    """Look an activation up by name, with a clear error listing the known ones."""
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}") from None
