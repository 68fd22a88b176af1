"""Reuters newswire topics (46 classes) with a 64-64-46 Dense network and its ablations (Chollet §3.5).

The real data (Keras ``reuters.npz`` + word index) cannot be downloaded on every machine; without it
the recipe runs on what the data hub finds (the tests write small files in the canonical format).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from deepdojo.engine import evaluate, runtime
from deepdojo.engine.selection import holdout_indices, run_variants
from deepdojo.recipes._vectors import dense_net, load_text_vectors, n_params
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe

N_TOPICS = 46
# name -> hidden units; the book's bottleneck and the course's width/depth ablations
ABLATIONS = {
    "bottleneck 4": (64, 4),
    "32 units": (32, 32),
    "128 units": (128, 128),
    "1 hidden layer": (64,),
    "3 hidden layers": (64, 64, 64),
}


@dataclass(frozen=True)
class ReutersConfig:
    num_words: int = 10_000
    """Vocabulary size (multi-hot width)."""
    hidden: tuple[int, ...] = (64, 64)
    """Units of the relu hidden layers."""
    epochs: int = 20
    """Epochs of the hold-out run that picks the best epoch."""
    batch_size: int = 512
    """Minibatch size."""
    lr: float = 1e-3
    """rmsprop learning rate."""
    n_val: int = 1_000
    """The first N training newswires validate."""
    ablations: bool = True
    """Also train the bottleneck / width / depth variants (one table)."""
    ablation_epochs: int = 20
    """Epochs of each ablation (the book trains the bottleneck 20 epochs)."""
    n_train: int = 0
    """Use only the first N training newswires (0 = all 8,982)."""
    n_test: int = 0
    """Use only the first N test newswires (0 = all 2,246)."""


def _fit(ctx: RunContext, cfg: ReutersConfig, hidden, train, *, tag: str, epochs: int, val=None, loss: str,
         plot: bool = False):
    model = dense_net(cfg.num_words, tuple(hidden), N_TOPICS)
    hist = ctx.fit(model, train, val=val, tag=tag, epochs=epochs, batch_size=cfg.batch_size, optimizer="rmsprop",
                   lr=cfg.lr, loss=loss, metrics=["accuracy"], plot=plot)
    return model, hist


@recipe("reuters-dense", source="Deep Learning with Python 1e §3.5", config=ReutersConfig,
        anchors=[Anchor("test/acc", 0.777, "DLwP 1e §3.5 (0.79 in 2e)"),
                 Anchor("random/acc", 0.185, "DLwP 1e §3.5 random baseline", higher_is_better=None, tolerance=0.03),
                 Anchor("bottleneck/test/acc", 0.71, "DLwP 1e §3.5 (4-unit bottleneck, ≈0.71)", tolerance=0.03)],
        quick={"epochs": 2, "ablation_epochs": 1, "n_train": 300, "n_test": 100, "num_words": 300, "n_val": 60})
def run(cfg: ReutersConfig, ctx: RunContext) -> dict[str, float]:
    """Single-label, 46-way topic classification: multi-hot 10,000 → 64 → 64 → softmax 46, rmsprop.

    20 epochs with the first 1,000 newswires held out pick the best epoch (lowest validation loss;
    the book finds 9); a fresh network trained that long is scored on the test set. The same model
    with one-hot labels and categorical cross-entropy gives the same numbers as integer labels with
    the sparse loss (same seed, checked in the report). Beside it: the random-guess baseline
    (shuffled labels) and ablations (4-unit bottleneck, 32/128 units, 1/3 hidden layers), one table.
    """
    data = load_text_vectors("reuters", cfg.num_words, quick=ctx.quick, seed=ctx.seed, n_train=cfg.n_train, n_test=cfg.n_test)
    ctx.print(f"Reuters: {len(data.y_train)} training / {len(data.y_test)} test newswires"
              + (" (synthetic stand-in)" if ctx.quick else ""))
    tr_idx, va_idx = (torch.from_numpy(i) for i in holdout_indices(len(data.y_train), min(cfg.n_val, len(data.y_train) // 2)))
    train, val = (data.x_train[tr_idx], data.y_train[tr_idx]), (data.x_train[va_idx], data.y_train[va_idx])
    sparse = "sparse_categorical_crossentropy"

    _, hist = _fit(ctx, cfg, cfg.hidden, train, val=val, tag="holdout", epochs=cfg.epochs, loss=sparse, plot=True)
    best = int(np.argmin(hist.history["val/loss"])) + 1
    ctx.note(f"Validation loss is lowest after epoch {best} (val acc {hist.history['val/acc'][best - 1]:.3f}); "
             f"the final model trains {best} epochs.")

    test = (data.x_test, data.y_test)
    seed = ctx.seed * 1000 + 7
    runtime.seed_everything(seed)
    model, _ = _fit(ctx, cfg, cfg.hidden, train, tag="final", epochs=best, loss=sparse)
    scores = evaluate(model, test, loss=sparse, metrics=["accuracy"], device=ctx.device, prefix="test")
    ctx.save_model(model, "reuters_dense")

    # The same run with one-hot labels and categorical cross-entropy (same seed, so same init and order).
    runtime.seed_everything(seed)
    onehot = torch.nn.functional.one_hot(train[1], N_TOPICS).float()  # (N, 46)
    model_oh, _ = _fit(ctx, cfg, cfg.hidden, (train[0], onehot), tag="final_onehot", epochs=best,
                       loss="categorical_crossentropy")
    scores_oh = evaluate(model_oh, (data.x_test, torch.nn.functional.one_hot(data.y_test, N_TOPICS).float()),
                         loss="categorical_crossentropy", metrics=["accuracy"], device=ctx.device, prefix="test")

    rng = np.random.default_rng(ctx.seed)
    y_test = data.y_test.numpy()
    random_acc = float(np.mean(rng.permutation(y_test) == y_test))  # the book's shuffled-labels baseline

    rows = [["64-64 (integer labels, sparse CCE)", n_params(model), best, scores["test/acc"]],
            ["64-64 (one-hot labels, CCE)", n_params(model_oh), best, scores_oh["test/acc"]],
            ["random guess (shuffled labels)", 0, "-", random_acc]]
    results = {**scores, "onehot/test/acc": scores_oh["test/acc"], "random/acc": random_acc, "val/best_epoch": best}
    if cfg.ablations:
        def train_ablation(c: ReutersConfig) -> dict[str, float]:
            m, h = _fit(ctx, c, c.hidden, train, val=val, tag="ablation_" + "-".join(map(str, c.hidden)),
                        epochs=cfg.ablation_epochs, loss=sparse)
            return {"params": n_params(m), "val acc": h.history["val/acc"][-1],
                    **evaluate(m, test, loss=sparse, metrics=["accuracy"], device=ctx.device, prefix="test")}

        abl = run_variants(cfg, {k: {"hidden": v} for k, v in ABLATIONS.items()}, train_ablation,
                           progress=lambda name: ctx.print(f"[bold]ablation {name}[/]"))
        rows += [[r["variant"], r["params"], cfg.ablation_epochs, r["test/acc"]] for r in abl]
        results["bottleneck/test/acc"] = abl[0]["test/acc"]
        results.update({f"ablation/{r['variant'].replace(' ', '_')}/test/acc": r["test/acc"] for r in abl})
    ctx.table("Reuters test accuracy", ["model", "params", "epochs", "test acc"], rows)
    return results


