"""Deep belief networks from scratch (Hands-On ch. 9): greedy RBM stacking, then backprop fine-tuning.

The book drives a now-dead library (``dbn.tensorflow``); here the DBN is ``deepdojo.scratch.rbm``
(NumPy): Bernoulli RBMs trained with CD-1 one layer at a time, unrolled into an MLP of sigmoid
layers that starts from the RBM weights. Deviations, for Bernoulli visible units: inputs are
scaled to [0, 1] (the book's StandardScaler output is not a probability), and the hidden units
are sigmoid rather than the library's ReLU RBMs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

from deepdojo.data import synthetic
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import recipe
from deepdojo.recipes.scratch_mlp import mnist_vectors, save_scratch_model
from deepdojo.report.plots import plot_lines
from deepdojo.scratch.layers import SGD
from deepdojo.scratch.rbm import DBN
from deepdojo.scratch.train import accuracy, fit

BOOK = "Hands-On Neural Networks ch. 9"


def pretrain(x: np.ndarray, hidden: tuple[int, ...], ctx: RunContext, *, epochs: int, batch_size: int, lr: float) -> DBN:
    """Greedy CD-1 pre-training of a DBN, logged per layer and epoch, with the error curves plotted."""
    dbn = DBN(x.shape[1], list(hidden), np.random.default_rng(ctx.seed))
    curves = dbn.pretrain(x, epochs=epochs, batch_size=batch_size, lr=lr,
                          on_epoch_end=lambda i, e, err: ctx.log({f"rbm{i + 1}/recon_error": err}, epoch=e, phase="pretrain"))
    if ctx.is_main:
        plot_lines({f"RBM {i + 1} ({n} hidden)": c for i, (c, n) in enumerate(zip(curves, hidden))},
                   ctx.plot_path("pretrain_recon_error"), xlabel="epoch", ylabel="reconstruction MSE",
                   title="Greedy layer-wise pre-training", style="o-")
    return dbn


def finetune(dbn: DBN, x: np.ndarray, y: np.ndarray, ctx: RunContext, *, n_out: int, loss: str, epochs: int,
             batch_size: int, lr: float, dropout: float = 0.0):
    """Backprop fine-tuning of the unrolled DBN with plain SGD (the library's ``optimization_algorithm='sgd'``)."""
    model = dbn.to_mlp(n_out, dropout=dropout)
    losses = fit(model, x, y, loss=loss, optimizer=SGD(lr), epochs=epochs, batch_size=batch_size,
                 rng=np.random.default_rng(ctx.seed), progress=ctx.verbose,
                 on_epoch_end=lambda e, v: ctx.log({"train/loss": v}, epoch=e, phase="finetune"))
    if ctx.is_main:
        plot_lines({"training loss": losses}, ctx.plot_path("finetune_loss"), xlabel="epoch", ylabel=loss,
                   title="Backprop fine-tuning")
    return model


@dataclass(frozen=True)
class DbnMnistConfig:
    hidden: tuple[int, ...] = (256, 256)
    """hidden_layers_structure."""
    lr_rbm: float = 0.05
    """learning_rate_rbm."""
    epochs_rbm: int = 10
    """n_epochs_rbm per layer."""
    lr: float = 0.1
    """learning_rate of fine-tuning."""
    epochs: int = 100
    """n_iter_backprop (fine-tuning epochs)."""
    batch_size: int = 32
    """Batch size of both phases."""
    dropout: float = 0.2
    """dropout_p during fine-tuning."""
    test_size: float = 0.2
    """The book's train_test_split(test_size=0.2, random_state=0)."""


@recipe("dbn-mnist", source=f"{BOOK} (supervised DBN classification)", config=DbnMnistConfig,
        quick={"hidden": (32, 32), "epochs_rbm": 1, "epochs": 2})
def run_mnist(cfg: DbnMnistConfig, ctx: RunContext) -> dict[str, float]:
    """DBN classifier [256, 256] on MNIST: CD-1 pre-training, then 100 epochs of SGD fine-tuning.

    The book splits Kaggle's 42,000-image train.csv 80/20; here MNIST's 60,000 training images are
    split 80/20 the same way (random_state 0), and the official 10,000 test images are scored too.
    """
    (x, y), (x_off, y_off) = mnist_vectors(ctx.quick)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=cfg.test_size, random_state=0)
    dbn = pretrain(x_tr, cfg.hidden, ctx, epochs=cfg.epochs_rbm, batch_size=cfg.batch_size, lr=cfg.lr_rbm)
    model = finetune(dbn, x_tr, y_tr, ctx, n_out=10, loss="softmax_cross_entropy", epochs=cfg.epochs,
                     batch_size=cfg.batch_size, lr=cfg.lr, dropout=cfg.dropout)
    save_scratch_model(model, ctx)
    return {"test/acc": accuracy(model, x_te, y_te), "mnist_test/acc": accuracy(model, x_off, y_off),
            "train/acc": accuracy(model, x_tr, y_tr)}


@dataclass(frozen=True)
class DbnBostonConfig:
    hidden: tuple[int, ...] = (100,)
    """hidden_layers_structure."""
    lr_rbm: float = 0.01
    """learning_rate_rbm."""
    epochs_rbm: int = 20
    """n_epochs_rbm."""
    lr: float = 0.01
    """learning_rate of fine-tuning."""
    epochs: int = 100
    """n_iter_backprop."""
    batch_size: int = 20
    """Batch size of both phases."""


def boston_in_original_order() -> tuple[np.ndarray, np.ndarray]:
    """All 506 Boston rows in the CSV's order (the hub's loader shuffles with RandomState(113); undo it)."""
    from deepdojo.data.tabular import load_boston_housing

    (x, y), _ = load_boston_housing(test_split=0.0, seed=113)
    perm = np.arange(len(x))
    np.random.RandomState(113).shuffle(perm)
    x_orig, y_orig = np.empty_like(x), np.empty_like(y)
    x_orig[perm], y_orig[perm] = x, y
    return x_orig, y_orig


@recipe("dbn-boston", source=f"{BOOK} (supervised DBN regression)", config=DbnBostonConfig,
        quick={"epochs_rbm": 1, "epochs": 2})
def run_boston(cfg: DbnBostonConfig, ctx: RunContext) -> dict[str, float]:
    """DBN regressor [100] on Boston housing (MinMax-scaled, 30% test, random_state 100), vs linear regression.

    The book prints the test MSE without a number; ordinary least squares on the same split is the
    baseline reported beside it.
    """
    x, y = synthetic.fake_regression(120, 13, seed=ctx.seed) if ctx.quick else boston_in_original_order()
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.3, random_state=100)
    scaler = MinMaxScaler().fit(x_tr)
    x_tr, x_te = (np.clip(scaler.transform(a), 0, 1).astype(np.float32) for a in (x_tr, x_te))
    dbn = pretrain(x_tr, cfg.hidden, ctx, epochs=cfg.epochs_rbm, batch_size=cfg.batch_size, lr=cfg.lr_rbm)
    model = finetune(dbn, x_tr, y_tr[:, None].astype(np.float32), ctx, n_out=1, loss="mse", epochs=cfg.epochs,
                     batch_size=cfg.batch_size, lr=cfg.lr)
    pred = model.predict(x_te)[:, 0]
    ols = LinearRegression().fit(x_tr, y_tr).predict(x_te)
    ctx.table("Test set (30%)", ["model", "MSE", "R^2"],
              [["DBN [100]", float(mean_squared_error(y_te, pred)), float(r2_score(y_te, pred))],
               ["linear regression", float(mean_squared_error(y_te, ols)), float(r2_score(y_te, ols))]])
    return {"test/mse": float(mean_squared_error(y_te, pred)), "test/r2": float(r2_score(y_te, pred)),
            "linear/mse": float(mean_squared_error(y_te, ols))}


@dataclass(frozen=True)
class DbnDigitsConfig:
    hidden: tuple[int, ...] = (256, 256)
    """hidden_layers_structure."""
    lr_rbm: float = 0.05
    """learning_rate_rbm."""
    epochs_rbm: int = 50
    """CD-1 epochs per layer: the book's 10 epochs ran over ~34k MNIST images (~10k updates);
    1,437 digits need ~50 epochs for even 2k updates (10 epochs: 65% test accuracy)."""
    batch_size: int = 32
    """CD-1 batch size."""
    n_samples: int = 0
    """Use only the first N digits (0: all 1,797)."""


@recipe("dbn-digits-pipeline", source=f"{BOOK} (unsupervised DBN + logistic regression)", config=DbnDigitsConfig,
        quick={"hidden": (32,), "epochs_rbm": 1, "n_samples": 300})
def run_digits(cfg: DbnDigitsConfig, ctx: RunContext) -> dict[str, float]:
    """Unsupervised DBN features + logistic regression on scikit-learn's 8x8 digits, vs raw pixels.

    The book's pipeline (Pipeline([("dbn", ...), ("logistic", LogisticRegression())])) on a 20%
    test split (random_state 0); the DBN never sees a label.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    n = cfg.n_samples or len(digits.data)
    x, y = (digits.data[:n] / 16.0).astype(np.float32), digits.target[:n]
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=0)
    dbn = pretrain(x_tr, cfg.hidden, ctx, epochs=cfg.epochs_rbm, batch_size=cfg.batch_size, lr=cfg.lr_rbm)
    on_features = LogisticRegression(max_iter=2000).fit(dbn.transform(x_tr), y_tr)
    on_pixels = LogisticRegression(max_iter=2000).fit(x_tr, y_tr)
    acc = accuracy_score(y_te, on_features.predict(dbn.transform(x_te)))
    raw = accuracy_score(y_te, on_pixels.predict(x_te))
    ctx.table("Test accuracy (20%)", ["features", "logistic regression"], [["DBN " + str(list(cfg.hidden)), acc],
                                                                         ["raw pixels", raw]])
    return {"test/acc": float(acc), "pixels/acc": float(raw)}
