"""The minibatch training loop for scratch models (shuffled index batches, no per-sample Python)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from deepdojo.scratch.layers import MLP
from deepdojo.scratch.losses import Loss, get_loss
from deepdojo.scratch.threads import blas_threads


def train_step(model: MLP, x: np.ndarray, y: np.ndarray, loss: Loss | str, optimizer) -> float:
    """One forward/backward/update on a batch; returns the batch loss."""
    loss = get_loss(loss)
    value, grad = loss(model.forward(x, training=True), y)
    model.backward(grad)
    optimizer.step(model.layers)
    return value


def fit(model: MLP, x: np.ndarray, y: np.ndarray, *, loss: Loss | str, optimizer, epochs: int = 1,
        batch_size: int = 32, rng: np.random.Generator | None = None, shuffle: bool = True,
        on_epoch_end: Callable[[int, float], None] | None = None, progress: bool = True) -> list[float]:
    """Train `model` for `epochs` passes over ``(x, y)`` in minibatches.

    Args:
        model: the scratch MLP.
        x: ``(N, in)`` inputs; y: targets shaped like the model's output, or ``(N,)`` class ids
            for ``softmax_cross_entropy``.
        loss: a loss name or `Loss`.
        optimizer: `SGD` or `Adam`.
        rng: shuffles the sample order every epoch.
        on_epoch_end: called with ``(epoch, mean training loss)`` after each epoch.
        progress: show a rich progress bar (silent when stdout is not a terminal).

    Returns:
        The mean training loss of each epoch.
    """
    from rich.console import Console
    from rich.progress import Progress

    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} samples but y has {len(y)}")
    rng = rng if rng is not None else np.random.default_rng(0)
    x = np.asarray(x, dtype=model.dtype)
    if np.issubdtype(np.asarray(y).dtype, np.floating):
        y = np.asarray(y, dtype=model.dtype)
    n = len(x)
    n_batches = (n + batch_size - 1) // batch_size
    history = []
    with blas_threads(), Progress(transient=True, disable=not (progress and Console().is_terminal)) as bar:
        task = bar.add_task("training", total=epochs * n_batches)
        for epoch in range(epochs):
            order = rng.permutation(n) if shuffle else np.arange(n)
            total = 0.0
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                total += train_step(model, x[idx], y[idx], loss, optimizer) * len(idx)
                bar.advance(task)
            history.append(total / n)
            if on_epoch_end is not None:
                on_epoch_end(epoch, history[-1])
    return history


def accuracy(model: MLP, x: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose arg-max output equals the integer label."""
    return float((model.predict(x).argmax(axis=1) == np.asarray(labels)).mean())
