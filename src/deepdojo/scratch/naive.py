"""Deep Learning with Python ch. 2's naive tensor operations beside their NumPy forms.

The loops show what ``np.maximum``, ``+`` and ``np.dot`` do element by element; they exist to be
read and compared, never to be used for speed (a test checks they agree with NumPy).
"""
from __future__ import annotations

import numpy as np


def naive_relu(x: np.ndarray) -> np.ndarray:
    """Element-wise ``max(x, 0)`` on a 2-D array, with explicit loops (NumPy: ``np.maximum(x, 0)``)."""
    if x.ndim != 2:
        raise ValueError(f"naive_relu takes a 2-D array, got shape {x.shape}")
    x = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] = max(x[i, j], 0)
    return x


def naive_add(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Element-wise sum of two 2-D arrays of the same shape (NumPy: ``x + y``)."""
    if x.ndim != 2 or x.shape != y.shape:
        raise ValueError(f"naive_add takes two 2-D arrays of the same shape, got {x.shape} and {y.shape}")
    x = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] += y[i, j]
    return x


def naive_add_matrix_and_vector(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Broadcasting by hand: add vector `y` to every row of matrix `x` (NumPy: ``x + y``)."""
    if x.ndim != 2 or y.ndim != 1 or x.shape[1] != y.shape[0]:
        raise ValueError(f"need x (N, D) and y (D,), got {x.shape} and {y.shape}")
    x = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] += y[j]
    return x


def naive_vector_dot(x: np.ndarray, y: np.ndarray) -> float:
    """Dot product of two vectors of the same length."""
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"naive_vector_dot takes two vectors of the same length, got {x.shape} and {y.shape}")
    z = 0.0
    for i in range(x.shape[0]):
        z += x[i] * y[i]
    return z


def naive_matrix_vector_dot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Matrix ``(N, D)`` times vector ``(D,)``: one vector dot per row."""
    if x.ndim != 2 or y.ndim != 1 or x.shape[1] != y.shape[0]:
        raise ValueError(f"need x (N, D) and y (D,), got {x.shape} and {y.shape}")
    return np.array([naive_vector_dot(x[i], y) for i in range(x.shape[0])])


def naive_matrix_dot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Matrix product ``(N, D) @ (D, M)``: entry (i, j) is row i of x dotted with column j of y."""
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[0]:
        raise ValueError(f"matrix dot needs x (N, D) and y (D, M), got {x.shape} and {y.shape}")
    z = np.zeros((x.shape[0], y.shape[1]))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = naive_vector_dot(x[i, :], y[:, j])
    return z
