"""Boston housing prices with a 64-64-1 regressor, K-fold validation and a final model (Chollet §3.6).

Features are standardised with the training set's statistics only; 4 folds × 100 epochs (batch
1, as the book) give the per-epoch validation MAE averaged over folds, smoothed as in the book's
plot; the final model is trained on all 404 training houses up to the best epoch of that curve and
scored on the 102 test houses. MAE is in $1,000.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from deepdojo.data.preprocessing import Normalizer
from deepdojo.engine import evaluate
from deepdojo.engine.selection import kfold_indices, smooth_curve
from deepdojo.recipes._vectors import dense_net
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.plots import plot_lines


@dataclass(frozen=True)
class BostonConfig:
    hidden: tuple[int, ...] = (64, 64)
    """Units of the relu hidden layers."""
    k: int = 4
    """Number of folds."""
    epochs: int = 100
    """Epochs per fold."""
    batch_size: int = 1
    """Minibatch size in the K-fold runs (the book's 1; slow but faithful)."""
    final_batch_size: int = 16
    """Minibatch size of the final model (the book's 16)."""
    final_epochs: int = 0
    """Epochs of the final model; 0 = the best epoch of the smoothed K-fold curve (the book reads 80)."""
    lr: float = 1e-3
    """rmsprop learning rate."""
    smoothing: float = 0.9
    """Exponential smoothing factor of the plotted MAE curve."""
    skip_epochs: int = 10
    """Leading epochs left out of the smoothed curve (their scale dwarfs the rest)."""
    n_train: int = 0
    """Use only the first N training houses (0 = all 404)."""


def _regressor(cfg: BostonConfig, n_features: int):
    return dense_net(n_features, cfg.hidden, 1)


@recipe("boston-kfold", source="Deep Learning with Python 1e §3.6", config=BostonConfig,
        anchors=[Anchor("kfold/mae", 2.38, "DLwP 1e §3.6 (4-fold mean)", higher_is_better=False, tolerance=0.25),
                 Anchor("test/mae", 2.55, "DLwP 1e §3.6 (2.63 in 2e)", higher_is_better=False, tolerance=0.25)],
        quick={"epochs": 3, "batch_size": 16, "k": 2, "n_train": 120, "skip_epochs": 0})
def run(cfg: BostonConfig, ctx: RunContext) -> dict[str, float]:
    if ctx.quick:
        from deepdojo.data import synthetic

        x, y = synthetic.fake_regression(506, features=13, seed=ctx.seed)
        (x_train, y_train), (x_test, y_test) = (x[:404], y[:404] + 22.5), (x[404:], y[404:] + 22.5)
    else:
        from deepdojo.data import tabular

        (x_train, y_train), (x_test, y_test) = tabular.load_boston_housing()
    if cfg.n_train:
        x_train, y_train = x_train[: cfg.n_train], y_train[: cfg.n_train]
    ctx.print(f"Boston housing: {len(x_train)} training / {len(x_test)} test houses, {x_train.shape[1]} features"
              + (" (synthetic stand-in)" if ctx.quick else ""))
    norm = Normalizer().fit(x_train)  # training statistics only: the test set must not leak into them
    x_train, x_test = torch.from_numpy(norm.transform(x_train)), torch.from_numpy(norm.transform(x_test))
    y_train = torch.as_tensor(np.asarray(y_train), dtype=torch.float32).reshape(-1, 1)  # (N, 1)
    y_test = torch.as_tensor(np.asarray(y_test), dtype=torch.float32).reshape(-1, 1)
    fit_args = dict(optimizer="rmsprop", lr=cfg.lr, loss="mse", metrics=["mae"])

    curves, fold_mae = [], []
    for i, (tr, va) in enumerate(kfold_indices(len(y_train), cfg.k)):
        ctx.print(f"[bold]fold {i + 1}/{cfg.k}[/]")
        tr, va = torch.from_numpy(tr), torch.from_numpy(va)
        model = _regressor(cfg, x_train.shape[1])
        hist = ctx.fit(model, (x_train[tr], y_train[tr]), val=(x_train[va], y_train[va]), tag=f"fold{i + 1}",
                       epochs=cfg.epochs, batch_size=cfg.batch_size, plot=False, **fit_args)
        curves.append(hist.history["val/mae"])
        fold_mae.append(hist.history["val/mae"][-1])
    average = np.mean(np.asarray(curves), axis=0)  # (epochs,) per-epoch validation MAE over folds
    skip = min(cfg.skip_epochs, len(average) - 1)
    smoothed = smooth_curve(average[skip:], cfg.smoothing)
    best = int(np.argmin(smoothed)) + skip + 1
    if ctx.is_main:
        epochs = np.arange(1, len(average) + 1)
        plot_lines({"mean over folds": average}, ctx.plot_path("kfold_val_mae"), x=epochs, title="Validation MAE by epoch",
                   xlabel="Epochs", ylabel="Validation MAE")
        plot_lines({f"smoothed ({cfg.smoothing}), first {skip} epochs left out": smoothed},
                   ctx.plot_path("kfold_val_mae_smoothed"), x=epochs[skip:], title="Validation MAE by epoch (smoothed)",
                   xlabel="Epochs", ylabel="Validation MAE")
    ctx.table("K-fold validation MAE after the last epoch", ["fold", "val MAE"],
              [[i + 1, m] for i, m in enumerate(fold_mae)] + [["mean", float(np.mean(fold_mae))]])

    final_epochs = cfg.final_epochs or best
    ctx.note(f"The smoothed mean validation MAE is lowest at epoch {best} ({smoothed[best - skip - 1]:.3f}); "
             f"the final model trains {final_epochs} epochs on all {len(y_train)} training houses.")
    model = _regressor(cfg, x_train.shape[1])
    ctx.fit(model, (x_train, y_train), tag="final", epochs=final_epochs, batch_size=cfg.final_batch_size, **fit_args)
    scores = evaluate(model, (x_test, y_test), loss="mse", metrics=["mae"], device=ctx.device, prefix="test")
    ctx.save_model(model, "boston_regressor")
    return {"kfold/mae": float(np.mean(fold_mae)), "kfold/best_epoch": best, "kfold/best_smoothed_mae": float(smoothed.min()),
            "final/epochs": final_epochs, **scores}
