"""Tiny models and data for the engine tests (Lightning's BoringModel idea: small enough to run in ms)."""
from __future__ import annotations

import numpy as np
from torch import nn


def make_blobs(n: int = 256, d: int = 8, classes: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Separable Gaussian blobs: (n, d) float32 features, (n,) int64 labels."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, size=(classes, d))
    y = rng.integers(0, classes, size=n)
    x = centers[y] + rng.normal(0, 1, size=(n, d))
    return x.astype(np.float32), y.astype(np.int64)


class Boring(nn.Module):
    """Linear → ReLU → (Dropout) → Linear: logits."""

    def __init__(self, d: int = 8, classes: int = 3, hidden: int = 16, dropout: float = 0.0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.net(x)  # (B, classes)
