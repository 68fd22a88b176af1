"""Scaled dot-product self-attention in NumPy (Cazenave's slides, after DLwP 2e ch. 11).

Each token's new representation is the average of all tokens weighted by
``softmax(q . k / sqrt(d))``: tokens that relate strongly (large dot product) contribute more.
"""
from __future__ import annotations

import numpy as np

from deepdojo.scratch.activations import softmax


def self_attention_loops(sequence: np.ndarray) -> np.ndarray:
    """The slide's version, one pivot token at a time (kept to read beside the vectorised one).

    Args:
        sequence: ``(T, d)`` token vectors, used as queries, keys and values at once.
    """
    output = np.zeros_like(sequence, dtype=float)
    for i, pivot in enumerate(sequence):
        scores = np.array([pivot @ vector for vector in sequence]) / np.sqrt(sequence.shape[1])
        scores = softmax(scores)
        output[i] = (scores[:, None] * sequence).sum(axis=0)
    return output


def scaled_dot_product_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None,
                                 causal: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``softmax(q k^T / sqrt(d) + mask) v`` for any leading batch/head axes.

    Args:
        q: ``(..., T, d)`` queries; k: ``(..., S, d)`` keys; v: ``(..., S, dv)`` values.
        mask: boolean ``(..., T, S)``, True where attention is allowed (as PyTorch's bool mask).
        causal: forbid attending to later positions.

    Returns:
        ``(output (..., T, dv), weights (..., T, S))``.
    """
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"incompatible shapes q {q.shape}, k {k.shape}, v {v.shape}: need q (..., T, d), k (..., S, d), v (..., S, dv)")
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])  # (..., T, S)
    allowed = np.ones(scores.shape[-2:], dtype=bool)
    if causal:
        allowed = np.tril(allowed)
    if mask is not None:
        allowed = allowed & mask
    scores = np.where(allowed, scores, -np.inf)
    weights = softmax(scores)  # (..., T, S)
    return weights @ v, weights


def self_attention(x: np.ndarray, causal: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Self-attention without projections: `x` ``(..., T, d)`` is query, key and value."""
    return scaled_dot_product_attention(x, x, x, causal=causal)
