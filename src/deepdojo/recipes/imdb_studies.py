"""Studies on the IMDB Dense network: regularisation (Chollet §4.4) and model ensembling (§7.3)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from deepdojo.engine import evaluate, predict, runtime
from deepdojo.engine.selection import rows_to_table, run_variants
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.imdb import BCE, binary_targets, holdout, load_imdb, train_imdb_net
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.plots import plot_lines

# name -> (hidden units, L2 factor, dropout rate), the five networks of DLwP 1e §4.4
VARIANTS = {
    "original": ((16, 16), 0.0, 0.0),
    "smaller": ((4, 4), 0.0, 0.0),
    "bigger": ((512, 512), 0.0, 0.0),
    "l2": ((16, 16), 0.001, 0.0),
    "dropout": ((16, 16), 0.0, 0.5),
}
PUBLISHED = {"original": 0.849, "smaller": 0.862, "bigger": 0.868, "l2": 0.870, "dropout": 0.874}


@dataclass(frozen=True)
class ImdbRegularizationConfig:
    num_words: int = 10_000
    """Vocabulary size."""
    hidden: tuple[int, ...] = (16, 16)
    """Units of the original network (each variant sets its own)."""
    variant_l2: float = 0.0
    """L2 factor of the variant being trained (set per variant)."""
    variant_dropout: float = 0.0
    """Dropout of the variant being trained (set per variant)."""
    variants: tuple[str, ...] = tuple(VARIANTS)
    """Which of original, smaller, bigger, l2, dropout to train."""
    epochs: int = 20
    """Epochs per variant."""
    batch_size: int = 512
    """Minibatch size."""
    lr: float = 1e-3
    """rmsprop learning rate."""
    n_val: int = 10_000
    """The first N training reviews validate."""
    n_train: int = 0
    """Use only the first N training reviews (0 = all)."""
    n_test: int = 0
    """Use only the first N test reviews (0 = all; the test set is not used here)."""


@recipe("imdb-regularization", source="Deep Learning with Python 1e §4.4", config=ImdbRegularizationConfig,
        anchors=[Anchor(f"{v}/val/acc", a, "DLwP 1e §4.4 (val acc at epoch 20)", tolerance=0.01) for v, a in PUBLISHED.items()],
        quick={"epochs": 1, "n_train": 300, "n_test": 50, "num_words": 500})
def run_regularization(cfg: ImdbRegularizationConfig, ctx: RunContext) -> dict[str, float]:
    """The IMDB 16-16-1 network against smaller (4-4), bigger (512-512), L2 0.001 and Dropout 0.5 versions.

    Each is trained 20 epochs on the same 15,000 reviews and validated on the first 10,000; one plot
    shows every variant's validation loss per epoch, a table their best and final validation
    accuracy beside the book's. The book plots these curves (1e §4.4); its per-variant accuracies
    come from the book's notebooks. The L2 variant logs the data loss only (Keras adds the penalty).
    """
    unknown = set(cfg.variants) - set(VARIANTS)
    if unknown:
        raise ValueError(f"--set variants: unknown {sorted(unknown)}; choose from {list(VARIANTS)}")
    data = load_imdb(cfg, ctx)
    train, val = holdout(data, cfg.n_val)
    variants = {v: {"hidden": VARIANTS[v][0], "variant_l2": VARIANTS[v][1], "variant_dropout": VARIANTS[v][2]}
                for v in cfg.variants}
    names = iter(variants)  # run_variants evaluates them in this order
    curves: dict[str, list[float]] = {}

    def train_variant(c: ImdbRegularizationConfig) -> dict[str, float]:
        name = next(names)
        _, hist = train_imdb_net(ctx, c, *train, val=val, tag=name, epochs=c.epochs, hidden=c.hidden,
                                 l2=c.variant_l2, dropout=c.variant_dropout, plot=False)
        curves[name] = hist.history["val/loss"]
        acc = hist.history["val/acc"]
        return {"best val acc": max(acc), "best epoch": int(np.argmax(acc)) + 1, "final val acc": acc[-1],
                "published": PUBLISHED[name]}

    rows = run_variants(cfg, variants, train_variant, progress=lambda v: ctx.print(f"[bold]variant {v}[/]"))
    columns, cells = rows_to_table(rows, ["variant", "hidden", "variant_l2", "variant_dropout", "best val acc",
                                          "best epoch", "final val acc", "published"])
    ctx.table("IMDB regularisation: validation accuracy", columns, cells)
    if ctx.is_main:
        plot_lines(curves, ctx.plot_path("val_loss_by_variant"), title="IMDB: validation loss per variant",
                   xlabel="Epochs", ylabel="Validation loss")
    return {f"{r['variant']}/val/acc": r["final val acc"] for r in rows} | \
           {f"{r['variant']}/val/best_acc": r["best val acc"] for r in rows}


@dataclass(frozen=True)
class EnsembleConfig:
    num_words: int = 10_000
    """Vocabulary size."""
    hidden: tuple[int, ...] = (16, 16)
    """Units of each member (the imdb-dense network)."""
    members: int = 3
    """Independently seeded models averaged."""
    epochs: int = 4
    """Epochs per member on all training reviews (imdb-dense's final model)."""
    batch_size: int = 512
    """Minibatch size."""
    lr: float = 1e-3
    """rmsprop learning rate."""
    n_train: int = 0
    """Use only the first N training reviews (0 = all)."""
    n_test: int = 0
    """Use only the first N test reviews (0 = all)."""


@recipe("ensemble-average", source="Cazenave course / Deep Learning with Python 1e §7.3.3 (ensembling)",
        config=EnsembleConfig, quick={"epochs": 1, "n_train": 300, "n_test": 100, "num_words": 500, "members": 2})
def run_ensemble(cfg: EnsembleConfig, ctx: RunContext) -> dict[str, float]:
    """The average of three independently seeded IMDB Dense models against each model alone.

    Each member is the imdb-dense final model (4 epochs on all 25,000 training reviews) with its own
    seed (initialisation and shuffling); the ensemble averages their predicted probabilities (the
    course's ``layers.average([y1, y2, y3])``) and is scored on the 25,000 test reviews.
    """
    if cfg.members < 2:
        raise ValueError(f"--set members={cfg.members}: an ensemble needs at least 2 members")
    data = load_imdb(cfg, ctx)
    test = (data.x_test, binary_targets(data.y_test))
    probs, rows = [], []
    for i in range(cfg.members):
        runtime.seed_everything(ctx.seed * 1000 + i)  # each member: its own init and batch order
        model, _ = train_imdb_net(ctx, cfg, data.x_train, data.y_train, tag=f"member{i}", epochs=cfg.epochs,
                                    plot=False)
        scores = evaluate(model, test, loss=BCE, metrics=["accuracy"], batch_size=4096, device=ctx.device, prefix="test")
        probs.append(torch.sigmoid(predict(model, data.x_test, batch_size=4096, device=ctx.device)).squeeze(1))  # (N,)
        rows.append([f"model {i}", scores["test/acc"], scores["test/loss"]])
    mean = torch.stack(probs).mean(0)  # (N,) averaged probabilities
    y = data.y_test.to(torch.float32)
    acc = ((mean > 0.5).float() == y).float().mean().item()
    loss = torch.nn.functional.binary_cross_entropy(mean.clamp(1e-7, 1 - 1e-7), y).item()
    rows.append(["average", acc, loss])
    ctx.table("Test accuracy: members and their average", ["model", "test acc", "test loss"], rows)
    member_accs = [r[1] for r in rows[:-1]]
    return {"test/acc": acc, "test/loss": loss, "test/acc_best_member": max(member_accs),
            "test/acc_mean_member": float(np.mean(member_accs))}

