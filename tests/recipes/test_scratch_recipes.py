"""The from-scratch recipes: numbers, plots and error paths in quick mode (in-process, offline)."""
from __future__ import annotations

import numpy as np
import pytest

from deepdojo.recipes.registry import ConfigError, get_recipe
from deepdojo.recipes.runner import run_recipe

SCRATCH = ["perceptron-gaussians", "ffnn-xor-scratch", "svd-demo", "backprop-worked-example", "backprop-exercises",
           "conv-by-hand", "attention-by-hand", "mlp-mnist-scratch", "rbm-movielens", "dbn-mnist", "dbn-boston",
           "dbn-digits-pipeline"]


def _run(name, tmp_path, quick=True, **overrides):
    return run_recipe(name, quick=quick, out=tmp_path, overrides=overrides, verbose=False)


@pytest.mark.parametrize("name", SCRATCH)
def test_registered_with_source_description_and_plots(name, tmp_path):
    recipe = get_recipe(name)
    assert recipe.source and len(recipe.description) > 20
    run_dir, results = _run(name, tmp_path)
    assert results["metrics"] and all(np.isfinite(v) for v in results["metrics"].values() if v is not None)
    if name not in {"svd-demo"}:
        assert list((run_dir / "plots").glob("*.png")), f"{name} drew no plot"


def test_exact_recipes_meet_their_anchors_even_in_quick_mode(tmp_path):
    # These recipes have no data to shrink: quick mode computes the published numbers themselves.
    _, worked = _run("backprop-worked-example", tmp_path, quick=False, steps=10_000)
    assert worked["passed"] is True, worked["anchors"]
    _, conv = _run("conv-by-hand", tmp_path, quick=False)
    assert conv["passed"] is True and conv["metrics"]["conv/checks_failed"] == 0
    _, attention = _run("attention-by-hand", tmp_path, quick=False)
    assert attention["metrics"]["attention/max_diff_torch"] < 1e-12
    _, svd = _run("svd-demo", tmp_path, quick=False)
    assert svd["passed"] is True


def test_perceptron_full_run_reproduces_the_book(tmp_path):
    _, results = _run("perceptron-gaussians", tmp_path, quick=False)
    assert results["passed"] is True
    assert results["metrics"]["train/errors"] == 33


def test_same_seed_same_numbers(tmp_path):
    a = _run("mlp-mnist-scratch", tmp_path / "a")[1]["metrics"]
    b = _run("mlp-mnist-scratch", tmp_path / "b")[1]["metrics"]
    assert a == b


def test_bad_settings_say_what_to_fix(tmp_path):
    with pytest.raises(ValueError, match="val_size"):
        _run("mlp-mnist-scratch", tmp_path, val_size=10_000)
    with pytest.raises(ValueError, match="top_n"):
        _run("rbm-movielens", tmp_path, top_n=500)
    with pytest.raises(ValueError, match="at least two words"):
        _run("attention-by-hand", tmp_path, sentence="alone")
    with pytest.raises(ConfigError, match="Unknown config key"):
        get_recipe("svd-demo").make_config(overrides={"components": 3})
