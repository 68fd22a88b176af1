"""Hands-On Neural Networks, chapters 1-2 in Keras style: the perceptron, the XOR net and linear regression."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from deepdojo.data import synthetic
from deepdojo.engine import callbacks as cb
from deepdojo.engine import evaluate, predict
from deepdojo.nn.mlp import MLP, MLPConfig
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.recipes.xor import fit_and_plot_xor, xor_mlp
from deepdojo.report.plots import plot_decision_surface


def _scores(model, x: np.ndarray) -> np.ndarray:
    return predict(model, x.astype(np.float32)).numpy().ravel()


def _as_xy(split) -> tuple[np.ndarray, np.ndarray]:
    x, y = split
    return x.astype(np.float32), y.astype(np.float32).reshape(-1, 1)  # (N, 2), (N, 1) targets for MSE


@dataclass(frozen=True)
class XorHandsOnConfig:
    hidden: int = 2
    """Units of the tanh hidden layer (the book's Dense(2))."""
    epochs: int = 10
    """Epochs (the book's TensorBoard run; its first run used 2)."""
    batch_size: int = 1
    """One sample per update, as the book."""
    lr: float = 0.1
    """SGD learning rate."""
    n_per_blob: int = 1000
    """Points per Gaussian blob (four blobs)."""


@recipe("xor-mlp-handson", source="Hands-On Neural Networks ch. 2 (Keras XOR, TensorBoard)", config=XorHandsOnConfig,
        anchors=[Anchor("book/logreg/test/acc", 0.992, "Hands-On spec: the book's set is linearly separable",
                        higher_is_better=None, tolerance=0.01)],
        quick={"epochs": 1, "n_per_blob": 60})
def run_xor(cfg: XorHandsOnConfig, ctx: RunContext) -> dict[str, float]:
    """Dense 2 tanh → Dense 1 sigmoid, SGD 0.1, MSE, batch 1, on the book's "noisy XOR" and on a true XOR.

    The book's four Gaussian blobs ((0,0)→0, (1,0)→1, (0,−1)→0, (−1,1)→1) are linearly separable —
    the book's defect: a logistic regression scores as well as the network — so the same network
    is also trained on a true XOR ((0,0), (1,1) → 0; (1,0), (0,1) → 1), where logistic regression
    fails. As in the book, training logs to TensorBoard (``tensorboard --logdir <run>/tensorboard``)
    and writes a checkpoint per epoch named ``checkpoint-{epoch:02d}-{acc:.2f}`` (safetensors, not
    HDF5). Each set uses the book's random 80/20 mask split (seed 11).
    """
    from sklearn.linear_model import LogisticRegression

    results, rows = {}, []
    for name, make in (("book", synthetic.noisy_xor_book), ("true", synthetic.true_xor)):
        train, test = (_as_xy(s) for s in make(n_per_blob=cfg.n_per_blob))
        model = xor_mlp(cfg.hidden)
        pattern = ctx.path(f"checkpoints/{name}_epochs/checkpoint-{{epoch:02d}}-{{acc:.2f}}")  # the book's name
        callbacks = [cb.ModelCheckpoint(pattern, monitor="train/acc")]
        if ctx.is_main and _tensorboard_available():
            callbacks.append(cb.TensorBoard(ctx.path(f"tensorboard/{name}")))
        fit_and_plot_xor(model, *train, ctx, tag=f"{name}_xor", epochs=cfg.epochs, batch_size=cfg.batch_size, lr=cfg.lr,
                         callbacks=callbacks)
        test_scores = evaluate(model, test, loss="mse", metrics=["accuracy"], from_logits=False, device=ctx.device,
                               prefix="test")
        logreg = LogisticRegression().fit(train[0], train[1].ravel())
        lr_acc = float(logreg.score(test[0], test[1].ravel()))
        results.update({f"{name}/test/acc": test_scores["test/acc"], f"{name}/test/mse": test_scores["test/loss"],
                        f"{name}/logreg/test/acc": lr_acc})
        rows.append([name, len(train[0]), test_scores["test/acc"], test_scores["test/loss"], lr_acc])
    ctx.table("XOR: the network vs logistic regression (test accuracy)",
              ["data", "train points", "net acc", "net MSE", "logistic regression acc"], rows)
    ctx.note("On the book's set, logistic regression matches the network: the set is linearly separable. "
             "On the true XOR only the hidden layer can separate the classes (a 2-unit tanh layer trained "
             "with SGD can still stall in a poor local minimum; try another --seed or --set hidden=4).")
    return results


def _tensorboard_available() -> bool:
    try:
        import torch.utils.tensorboard  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class PerceptronConfig:
    epochs: int = 2
    """Epochs (the book's ``nb_epoch=2``)."""
    batch_size: int = 32
    """Minibatch size."""
    lr: float = 0.01
    """SGD learning rate."""
    n_per_class: int = 1000
    """Points per Gaussian class."""


@recipe("perceptron-keras", source="Hands-On Neural Networks ch. 2 (perceptron in Keras)", config=PerceptronConfig,
        quick={"n_per_class": 200})
def run_perceptron(cfg: PerceptronConfig, ctx: RunContext) -> dict[str, float]:
    """A single sigmoid unit with zero-initialised weights, MSE loss and SGD 0.01, scored by ROC AUC.

    The book's two-Gaussian data (seed 11: class 0 ~ N(0, 0.1), class 1 shifted by +0.35, 1,000
    points each, random 80/20 mask split), 2 epochs of batch 32 with shuffling. The book reports
    no number; the report gives ours (AUC and accuracy) and the decision surface.
    """
    from sklearn.metrics import roc_auc_score

    train, test = (_as_xy(s) for s in synthetic.two_gaussians(n_per_class=cfg.n_per_class))
    model = MLP(MLPConfig(in_features=2, hidden=(), out_features=1, output="sigmoid", init="zeros"))
    ctx.fit(model, train, tag="perceptron", epochs=cfg.epochs, batch_size=cfg.batch_size, optimizer="sgd", lr=cfg.lr,
            loss="mse", metrics=["accuracy"], from_logits=False)
    scores = evaluate(model, test, loss="mse", metrics=["accuracy"], from_logits=False, device=ctx.device, prefix="test")
    auc = float(roc_auc_score(test[1].ravel(), _scores(model, test[0])))
    if ctx.is_main:
        plot_decision_surface(lambda p: _scores(model, p), *test, ctx.plot_path("decision_surface"),
                              title=f"Keras-style perceptron (test AUC {auc:.3f})")
    w = model.net[0].weight.detach().ravel().tolist()
    ctx.note(f"Learned weights {w[0]:.4f}, {w[1]:.4f}, bias {model.net[0].bias.item():.4f}.")
    return {"test/auc": auc, **scores}


@dataclass(frozen=True)
class CaliforniaConfig:
    test_rows: int = 20
    """The book's test set: the last N rows."""
    test_size: float = 0.2
    """Test fraction of the correct (shuffled) split."""
    split_seed: int = 0
    """Seed of the shuffled split."""
    epochs: int = 30
    """Epochs of the gradient-descent linear model on standardised features."""
    batch_size: int = 64
    """Minibatch size of the gradient-descent model."""
    lr: float = 0.01
    """SGD learning rate of the gradient-descent model."""
    n_rows: int = 0
    """Use only the first N districts (0 = all 20,640)."""


@recipe("california-linear", source="Hands-On Neural Networks ch. 1 (house_LR.py)", config=CaliforniaConfig,
        quick={"n_rows": 400, "epochs": 2})
def run_california(cfg: CaliforniaConfig, ctx: RunContext) -> dict[str, float]:
    """Linear regression on California housing: the book's baseline and a correctly scaled split.

    The book fits scikit-learn's LinearRegression on all rows but the last 20 and prints the MSE on
    those 20 — a test set of one neighbourhood (the rows are ordered by location), far too small to
    mean much (and its code imports ``linear_model`` under another name). Beside it: a shuffled 80/20
    split with features standardised on the training rows only, solved in closed form and by a
    one-layer network (Linear 8 → 1, SGD, MSE) trained with ``fit``; both should agree.
    """
    from sklearn.linear_model import LinearRegression
    from sklearn.metrics import mean_squared_error

    from deepdojo.data.preprocessing import Normalizer
    from deepdojo.engine.selection import holdout_indices

    if ctx.quick:
        x, y = synthetic.fake_regression(cfg.n_rows or 400, features=8, seed=ctx.seed)
    else:
        from deepdojo.data import tabular

        x, y = tabular.load_california_housing()
        if cfg.n_rows:
            x, y = x[: cfg.n_rows], y[: cfg.n_rows]
    k = cfg.test_rows
    book = LinearRegression().fit(x[:-k], y[:-k])
    book_mse = float(mean_squared_error(y[-k:], book.predict(x[-k:])))

    tr, te = holdout_indices(len(y), cfg.test_size, shuffle=True, seed=cfg.split_seed)
    norm = Normalizer().fit(x[tr])
    xtr, xte = norm.transform(x[tr]), norm.transform(x[te])
    closed = LinearRegression().fit(xtr, y[tr])
    closed_mse = float(mean_squared_error(y[te], closed.predict(xte)))
    ytr, yte = (torch.as_tensor(v, dtype=torch.float32).reshape(-1, 1) for v in (y[tr], y[te]))
    model = MLP(MLPConfig(in_features=x.shape[1], hidden=(), out_features=1, output="linear"))
    ctx.fit(model, (torch.from_numpy(xtr), ytr), tag="linear_sgd", epochs=cfg.epochs, batch_size=cfg.batch_size,
            optimizer="sgd", lr=cfg.lr, loss="mse", metrics=["mae"], val=(torch.from_numpy(xte), yte))
    sgd = evaluate(model, (torch.from_numpy(xte), yte), loss="mse", metrics=["mae"], device=ctx.device, prefix="test")
    ctx.table("California housing: test MSE (targets in $100,000)", ["model", "split", "test rows", "MSE"],
              [["LinearRegression (the book)", "last rows", k, book_mse],
               ["LinearRegression", "shuffled 80/20, standardised", len(te), closed_mse],
               ["Linear 8→1, SGD + MSE (fit)", "shuffled 80/20, standardised", len(te), sgd["test/loss"]]])
    return {"book/test/mse": book_mse, "closed_form/test/mse": closed_mse, "test/mse": sgd["test/loss"],
            "test/mae": sgd["test/mae"]}
