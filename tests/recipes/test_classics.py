"""The vector/table classics: real-data code paths on tiny files in canonical formats, must-learn
checks, determinism, and the insurance-risk prediction command. In-process (fast); the shared
quick-mode test covers the subprocess path."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from deepdojo.data import cache, hub
from deepdojo.recipes.runner import run_recipe


def _run(name, tmp_path, quick=True, seed=0, **overrides):
    _, results = run_recipe(name, quick=quick, seed=seed, out=tmp_path, verbose=False, overrides=overrides)
    return results["metrics"]


def _serve_from_cache(monkeypatch, dataset: str, splits: dict | None = None):
    """Let `dataset`'s files come from the test's cache without checksums (the files are our own tiny ones)."""
    import dataclasses

    src = hub.DATASETS[dataset]
    files = tuple(dataclasses.replace(f, sha256=None, md5=None, url=None, system=()) for f in src.files)
    monkeypatch.setitem(hub.DATASETS, dataset, dataclasses.replace(src, files=files, extra={"splits": splits or {}}))
    folder = cache.cache_dir() / dataset
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save_ragged_npz(path, x: list[list[int]], y) -> None:
    """Keras' reuters.npz layout: ragged int lists as an object array, labels as ints."""
    arr = np.empty(len(x), dtype=object)
    for i, seq in enumerate(x):
        arr[i] = [int(w) for w in seq]
    np.savez(path, x=arr, y=np.asarray(y, dtype=np.int64))


def test_reuters_runs_on_canonical_files_and_one_hot_equals_sparse(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    n, topics = 240, 4  # a few topics, each with its own words, so the net learns them
    y = rng.integers(0, topics, n)
    x = [list(rng.integers(1, 200, 30)) + list(10 * (t + 1) + rng.integers(0, 5, 10)) for t in y]
    folder = _serve_from_cache(monkeypatch, "reuters")
    _save_ragged_npz(folder / "reuters.npz", x, y)
    (folder / "reuters_word_index.json").write_text(json.dumps({f"w{i}": i for i in range(1, 300)}))
    m = _run("reuters-dense", tmp_path, quick=False, epochs=5, batch_size=32, ablations=False, num_words=300, n_val=40)
    assert m["test/acc"] > 0.6  # 4 learnable topics from 152 training wires
    assert m["onehot/test/acc"] == pytest.approx(m["test/acc"], abs=1e-9)  # CCE on one-hot == sparse CCE
    assert 0 <= m["random/acc"] < 0.5


def test_boston_reads_the_csv_and_normalises_with_training_statistics(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    x = rng.gamma(2.0, 3.0, (506, 13))
    price = 20 + 2 * (x[:, 5] - 6) - 0.5 * (x[:, 12] - 6) + rng.normal(0, 1, 506)
    folder = _serve_from_cache(monkeypatch, "boston-housing", {"all": 506})
    cols = "crim,zn,indus,chas,nox,rm,age,dis,rad,tax,ptratio,b,lstat,medv"
    rows = [",".join(f"{v:.4f}" for v in (*r, p)) for r, p in zip(x, price)]
    (folder / "BostonHousing.csv").write_text(cols + "\n" + "\n".join(rows) + "\n")
    m = _run("boston-kfold", tmp_path, quick=False, k=2, epochs=4, batch_size=32, final_batch_size=32, skip_epochs=1)
    assert 1 <= m["kfold/best_epoch"] <= 4 and m["final/epochs"] == m["kfold/best_epoch"]
    assert math.isfinite(m["kfold/mae"]) and m["test/mae"] < 20  # learned something from the standardised inputs


def test_imdb_dense_same_seed_same_numbers(tmp_path):
    a = _run("imdb-dense", tmp_path / "a", seed=3)
    b = _run("imdb-dense", tmp_path / "b", seed=3)
    assert a == b
    assert a["params"] == 16 * 1000 + 16 + 16 * 16 + 16 + 17  # quick mode: 1,000 words


def test_perceptron_learns_and_book_xor_is_linearly_separable(tmp_path):
    p = _run("perceptron-keras", tmp_path)
    assert p["test/auc"] > 0.95
    x = _run("xor-mlp-handson", tmp_path)
    assert x["book/logreg/test/acc"] > 0.9  # the book's defect: a straight line separates its "XOR"
    assert x["true/logreg/test/acc"] < 0.8  # a true XOR defeats logistic regression
    checkpoints = list(tmp_path.glob("xor-mlp-handson/*/checkpoints/book_epochs/checkpoint-01-*.safetensors"))
    assert len(checkpoints) == 1  # the book's checkpoint-{epoch:02d}-{acc:.2f} naming


def test_explicit_loop_and_fit_reach_the_same_accuracy(tmp_path):
    m = _run("training-loop-explicit", tmp_path, lr=0.05, epochs=2)
    assert m["test/acc"] > 0.6 and m["loop/test/acc"] > 0.6
    assert m["test/acc_gap"] < 0.1


def test_tickets_history_has_per_head_losses_and_metrics(tmp_path):
    m = _run("tickets-functional", tmp_path)
    assert {"val/loss", "val/priority_loss", "val/department_loss", "val/department_acc"} <= set(m)
    assert m["val/loss"] == pytest.approx(m["val/priority_loss"] + 0.2 * m["val/department_loss"], rel=1e-4)


def test_imdb_regularization_rejects_unknown_variants(tmp_path):
    with pytest.raises(ValueError, match="unknown"):
        _run("imdb-regularization", tmp_path, variants=("original", "huge"))


def test_insurance_predict_command(tmp_path):
    from deepdojo.cli import app
    from deepdojo.recipes.insurance import predict_risk

    runner = CliRunner()
    empty = runner.invoke(app, ["predict", "insurance-risk", "--speed", "100", "--age", "47", "--miles", "10",
                                "--runs", str(tmp_path)])
    assert empty.exit_code == 2 and "deepdojo run insurance-risk" in empty.output
    m = _run("insurance-risk", tmp_path)
    assert set(m) == {f"{n}/{s}/acc" for n in ("overfit", "regularised") for s in ("train", "test")}
    out = runner.invoke(app, ["predict", "insurance-risk", "--speed", "100", "--age", "47", "--miles", "10",
                              "--runs", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "predicted:" in out.output and "probability" in out.output
    (run_dir,) = (tmp_path / "insurance-risk").iterdir()
    probs = predict_risk(run_dir, 100, 47, 10)
    assert len(probs) == 3 and sum(probs.values()) == pytest.approx(1.0, abs=1e-5)
    missing = runner.invoke(app, ["predict", "insurance-risk", "--speed", "100", "--runs", str(tmp_path)])
    assert missing.exit_code == 2 and "--age" in missing.output
    other = runner.invoke(app, ["predict", "mnist-dense", "--runs", str(tmp_path)])
    assert other.exit_code == 2 and "no predictor" in other.output
