"""Rosenblatt's perceptron as in Hands-On ch. 2: bias as weight w0 on a constant input 1,
step activation ``z >= 0 -> 1`` and the perceptron learning rule ``w += step * (t - y) * x``.

The rule is online: each sample's update changes the prediction of the next one, so the loop over
samples inside an epoch *is* the algorithm (there is no batch form to vectorise into).
"""
from __future__ import annotations

import numpy as np


class Perceptron:
    """A perceptron on any number of inputs.

    Args:
        weights: initial ``[w0 (bias), w1, ..., wn]`` (the book starts at 0.1 each).
    """

    def __init__(self, weights):
        self.w = np.array(weights, dtype=np.float64)

    def net_input(self, x: np.ndarray) -> np.ndarray:
        """``z = w0 + x @ w[1:]`` for ``x`` of shape ``(N, n)``."""
        return self.w[0] + np.asarray(x) @ self.w[1:]

    def predict(self, x: np.ndarray) -> np.ndarray:
        return (self.net_input(x) >= 0).astype(int)

    def fit(self, x: np.ndarray, y: np.ndarray, epochs: int = 1, step: float = 0.1) -> list[int]:
        """Train with the perceptron rule.

        Args:
            x: ``(N, n)`` inputs; y: ``(N,)`` 0/1 targets; step: the learning rate.

        Returns:
            Number of samples that triggered an update (misclassified) in each epoch.
        """
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y)
        if x.ndim != 2 or x.shape[1] != len(self.w) - 1 or len(x) != len(y):
            raise ValueError(f"need x (N, {len(self.w) - 1}) and y (N,), got {x.shape} and {y.shape}")
        errors = []
        for _ in range(epochs):
            n_errors = 0
            for xi, target in zip(x, y):
                update = step * (target - (self.w[0] + xi @ self.w[1:] >= 0))
                self.w[1:] += update * xi
                self.w[0] += update
                n_errors += int(update != 0.0)
            errors.append(n_errors)
        return errors

    def boundary(self, x1: np.ndarray) -> np.ndarray:
        """The decision line ``x2 = -(w1 x1 + w0) / w2`` (2-D inputs)."""
        if len(self.w) != 3:
            raise ValueError("the boundary line is defined for 2-D inputs only")
        return -(self.w[1] * np.asarray(x1) + self.w[0]) / self.w[2]
