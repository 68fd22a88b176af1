"""Hold-out / K-fold splits, smoothing and the Config-variant grid."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from deepdojo.engine.selection import (best_row, expand_grid, holdout_indices, kfold_indices, rows_to_table,
                                       run_variants, smooth_curve, stratified_split)


def test_holdout_takes_the_first_samples_like_chollet():
    train, val = holdout_indices(10, 3)
    assert val.tolist() == [0, 1, 2] and train.tolist() == list(range(3, 10))
    train, val = holdout_indices(10, 0.2, shuffle=True, seed=1)
    assert len(val) == 2 and sorted(np.r_[train, val].tolist()) == list(range(10))
    with pytest.raises(ValueError, match="empty split"):
        holdout_indices(5, 5)


def test_kfold_partitions_every_sample_once_per_repeat():
    folds = kfold_indices(10, 4)
    assert len(folds) == 4
    vals = np.concatenate([v for _, v in folds])
    assert sorted(vals.tolist()) == list(range(10))
    for train, val in folds:
        assert not set(train) & set(val) and len(train) + len(val) == 10
    assert folds[0][1].tolist() == [0, 1, 2]  # contiguous blocks without shuffling, as the book
    iterated = kfold_indices(10, 2, repeats=3, seed=0)
    assert len(iterated) == 6
    assert iterated[2][1].tolist() != iterated[0][1].tolist()  # reshuffled between repeats
    with pytest.raises(ValueError, match="2 <= k"):
        kfold_indices(3, 4)


def test_stratified_split_keeps_class_ratios_and_is_seeded():
    y = np.array([0] * 50 + [1] * 30 + [2] * 20)
    train, test = stratified_split(y, 0.2, seed=42)
    assert len(test) == 20 and np.bincount(y[test]).tolist() == [10, 6, 4]
    assert stratified_split(y, 0.2, seed=42)[1].tolist() == test.tolist()


def test_smooth_curve_is_chollets_ema():
    out = smooth_curve([1.0, 2.0, 3.0], factor=0.5)
    assert out.tolist() == [1.0, 1.5, 2.25]
    assert smooth_curve([], 0.9).size == 0
    with pytest.raises(ValueError):
        smooth_curve([1.0], factor=1.0)


@dataclass(frozen=True)
class _Cfg:
    units: int = 8
    layers: int = 1


def test_grid_runs_every_combination_and_finds_the_best():
    grid = expand_grid({"units": [4, 16], "layers": [1, 2]})
    assert list(grid) == ["units=4,layers=1", "units=4,layers=2", "units=16,layers=1", "units=16,layers=2"]
    seen = []
    rows = run_variants(_Cfg(), grid, lambda c: {"score": c.units * c.layers}, progress=seen.append)
    assert seen == list(grid)
    assert best_row(rows, "score")["variant"] == "units=16,layers=2"
    assert best_row(rows, "score", higher_is_better=False)["score"] == 4
    cols, cells = rows_to_table(rows, ["variant", "score", "missing"])
    assert cells[0] == ["units=4,layers=1", 4, "-"]
    with pytest.raises(ValueError, match="unknown field"):
        run_variants(_Cfg(), {"bad": {"width": 3}}, lambda c: {})
