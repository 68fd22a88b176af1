"""Model selection helpers: hold-out and K-fold splits, curve smoothing, grids of Config variants.

These are the evaluation protocols of Chollet's chapter 4 (hold-out, K-fold, iterated K-fold with
shuffling) and the small studies the classic examples run (smaller/bigger networks, bottlenecks),
written once so that every recipe uses the same code.
"""
from __future__ import annotations

import dataclasses
import itertools
from typing import Any, Callable, Mapping, Sequence

import numpy as np


def holdout_indices(n: int, n_val: int | float, *, shuffle: bool = False, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Split ``range(n)`` into training and validation indices.

    Without shuffling the validation set is the *first* `n_val` samples, as in Chollet's IMDB
    (``x_val = x_train[:10000]``) and Reuters (``[:1000]``) examples.

    Args:
        n: number of samples.
        n_val: validation size, as a count or a fraction of `n` in (0, 1).
        shuffle: permute before splitting (with `seed`).
        seed: seed of the permutation.

    Returns:
        ``(train_idx, val_idx)`` int64 arrays.
    """
    count = int(round(n * n_val)) if isinstance(n_val, float) and 0 < n_val < 1 else int(n_val)
    if not 0 < count < n:
        raise ValueError(f"hold-out of {n_val!r} from {n} samples leaves an empty split; use 0 < n_val < n")
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    return order[count:], order[:count]


def kfold_indices(n: int, k: int, *, shuffle: bool = False, seed: int = 0, repeats: int = 1) -> list[tuple[np.ndarray, np.ndarray]]:
    """K-fold (or iterated K-fold) cross-validation indices.

    Fold ``i`` validates on the ``i``-th contiguous block (blocks differ in size by at most one, so
    every sample is validated exactly once per repeat) and trains on the rest. With ``repeats > 1``
    the data is reshuffled before each repeat (Chollet's iterated K-fold with shuffling).

    Args:
        n: number of samples.
        k: number of folds (2 ≤ k ≤ n).
        shuffle: permute before splitting (always done between repeats).
        seed: seed of the permutations.
        repeats: how many times to run the K folds.

    Returns:
        ``k * repeats`` pairs ``(train_idx, val_idx)``.
    """
    if not 2 <= k <= n:
        raise ValueError(f"K-fold needs 2 <= k <= n, got k={k} for n={n}")
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    rng = np.random.default_rng(seed)
    folds = []
    for r in range(repeats):
        order = rng.permutation(n) if (shuffle or r > 0) else np.arange(n)
        for val in np.array_split(order, k):
            mask = np.ones(n, dtype=bool)
            mask[val] = False
            folds.append((order[mask[order]], val))
    return folds


def stratified_split(y, test_size: float = 0.2, *, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """Stratified train/test indices, identical to scikit-learn's
    ``train_test_split(..., test_size, stratify=y, random_state=seed)`` (the embarc notebooks' split).

    Returns:
        ``(train_idx, test_idx)``.
    """
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(y))
    train, test = train_test_split(idx, test_size=test_size, stratify=np.asarray(y), random_state=seed)
    return train, test


def smooth_curve(points: Sequence[float], factor: float = 0.9) -> np.ndarray:
    """Exponential moving average of a curve (Chollet's ``smooth_curve``): ``s_t = f·s_{t-1} + (1-f)·x_t``.

    Args:
        points: the raw values (e.g. per-epoch validation MAE).
        factor: weight of the past, in [0, 1).

    Returns:
        The smoothed curve, same length, starting at ``points[0]``.
    """
    if not 0.0 <= factor < 1.0:
        raise ValueError(f"smoothing factor must be in [0, 1), got {factor}")
    x = np.asarray(points, dtype=float)
    out = np.empty_like(x)
    if x.size:
        out[0] = x[0]
        for t in range(1, x.size):  # a recurrence over tens of epochs, not a training loop
            out[t] = factor * out[t - 1] + (1.0 - factor) * x[t]
    return out


def expand_grid(grid: Mapping[str, Sequence[Any]]) -> dict[str, dict[str, Any]]:
    """Cartesian product of field values, named like ``"units=32,layers=2"``.

    Args:
        grid: ``{"field": [v1, v2], ...}``.

    Returns:
        ``{name: {"field": value, ...}}`` in product order.
    """
    keys = list(grid)
    combos = itertools.product(*(grid[k] for k in keys))
    return {",".join(f"{k}={v}" for k, v in zip(keys, values)): dict(zip(keys, values)) for values in combos}


def run_variants(base, variants: Mapping[str, Mapping[str, Any]], evaluate: Callable[[Any], Mapping[str, float]],
                 *, progress: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Evaluate variants of a frozen Config dataclass (a grid search, or named one-at-a-time ablations).

    Args:
        base: the Config instance the variants start from.
        variants: ``{name: {field: value}}``, e.g. ``{"bottleneck": {"hidden": (64, 4)}}``, or
            `expand_grid` output.
        evaluate: ``cfg -> {"val/acc": ..., ...}``, trains and evaluates one configuration.
        progress: called with each variant's name before it runs (e.g. to print it).

    Returns:
        One row per variant: ``{"variant": name, **overrides, **metrics}``.

    Raises:
        ValueError: a variant names a field the Config does not have.
    """
    fields = {f.name for f in dataclasses.fields(base)}
    rows = []
    for name, overrides in variants.items():
        unknown = set(overrides) - fields
        if unknown:
            raise ValueError(f"variant {name!r} sets unknown field(s) {sorted(unknown)}; {type(base).__name__} has {sorted(fields)}")
        if progress:
            progress(name)
        metrics = evaluate(dataclasses.replace(base, **overrides))
        rows.append({"variant": name, **overrides, **dict(metrics)})
    return rows


def rows_to_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> tuple[list[str], list[list[Any]]]:
    """Turn `run_variants` rows into ``(columns, rows)`` for ``ctx.table``; missing cells are ``"-"``.

    Args:
        rows: dicts, one per variant.
        columns: the columns to show, in order (default: every key, in first-seen order).

    Returns:
        ``(columns, cells)``.
    """
    if columns is None:
        columns = []
        for row in rows:
            columns += [k for k in row if k not in columns]
    return list(columns), [[row.get(c, "-") for c in columns] for row in rows]


def best_row(rows: Sequence[Mapping[str, Any]], metric: str, *, higher_is_better: bool = True) -> Mapping[str, Any]:
    """The row with the best value of `metric` (grid-search winner).

    Args:
        rows: `run_variants` output.
        metric: the key to compare.
        higher_is_better: maximise (accuracy) or minimise (loss, MAE).

    Returns:
        The winning row.
    """
    scored = [r for r in rows if isinstance(r.get(metric), (int, float))]
    if not scored:
        raise ValueError(f"no row has a numeric {metric!r}; columns: {sorted({k for r in rows for k in r})}")
    return (max if higher_is_better else min)(scored, key=lambda r: r[metric])
