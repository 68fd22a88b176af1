"""From-scratch NumPy basics of Hands-On Neural Networks: the perceptron, the XOR FFNN, truncated SVD."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import confusion_matrix, mean_squared_error, roc_auc_score

from deepdojo.data import synthetic
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.plots import plot_decision_surface, plot_lines
from deepdojo.scratch import MLP, SGD
from deepdojo.scratch.perceptron import Perceptron
from deepdojo.scratch.train import fit

BOOK = "Hands-On Neural Networks ch. 2"


def confusion_rows(y_true: np.ndarray, y_pred: np.ndarray) -> list[list]:
    """A 2x2 confusion matrix as table rows ``[["True 0", tn, fp], ["True 1", fn, tp]]``."""
    cm = confusion_matrix(y_true, y_pred, labels=[0, 1])
    return [["True 0", int(cm[0, 0]), int(cm[0, 1])], ["True 1", int(cm[1, 0]), int(cm[1, 1])]]


# -- perceptron --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PerceptronConfig:
    n_per_class: int = 1000
    """Points per Gaussian class (the book's 1000)."""
    data_seed: int = 11
    """The book's np.random.seed(11): the data and the 80/20 mask are drawn exactly as the book does."""
    epochs: int = 1
    """Passes of the perceptron rule over the training set (the book: 1)."""
    step: float = 0.005
    """Learning rate of the perceptron rule."""
    init: tuple[float, float, float] = (0.1, 0.1, 0.1)
    """Initial (w0 bias, w1, w2): the book's Perceptron(0.1, 0.1) with the default w2 = 0.1."""


@recipe("perceptron-gaussians", source=f"{BOOK} (perceptron from scratch)", config=PerceptronConfig,
        anchors=[Anchor("test/false_pos", 5, f"{BOOK}: confusion matrix [[190,5],[0,201]]", None, 0.0),
                 Anchor("test/false_neg", 0, f"{BOOK}: confusion matrix [[190,5],[0,201]]", None, 0.0),
                 Anchor("test/acc", 391 / 396, f"{BOOK}: 391 of 396 right", True, 0.001),
                 Anchor("train/errors", 33, "book repository: 33 errors in epoch 0", None, 0.0)],
        quick={"n_per_class": 100})
def run_perceptron(cfg: PerceptronConfig, ctx: RunContext) -> dict[str, float]:
    """Rosenblatt's perceptron (bias as w0, step z >= 0, perceptron rule) on the two-Gaussian data.

    The data replays the book's draws with the legacy seed 11, so the run reproduces the book
    repository's numbers exactly (33 updates in the epoch, weights (-0.025, 0.0962, 0.0947)) and
    the book's 5 false positives / 0 false negatives. The book prints a 396-point test set
    ([[190, 5], [0, 201]]); the same seed's 80/20 mask gives 382 points ([[201, 5], [0, 176]]), so
    the printed matrix came from a different split of the same data.
    """
    (tx, ty), (vx, vy) = synthetic.two_gaussians(cfg.n_per_class, seed=cfg.data_seed)
    model = Perceptron(cfg.init)
    errors = model.fit(tx, ty, epochs=cfg.epochs, step=cfg.step)
    for epoch, n in enumerate(errors):
        ctx.log({"train/errors": n}, epoch=epoch)
    pred = model.predict(vx)
    rows = confusion_rows(vy, pred)
    ctx.table("Confusion matrix on the test set (book: [[190, 5], [0, 201]])", ["", "Predicted 0", "Predicted 1"], rows)
    ctx.note(f"Errors per epoch: {errors}; weights (w0, w1, w2) = {tuple(round(w, 4) for w in model.w)}.")
    if ctx.is_main:
        plot_decision_surface(lambda p: model.predict(p).astype(float), np.r_[tx, vx], np.r_[ty, vy],
                              ctx.plot_path("perceptron_boundary"), title="Perceptron decision boundary")
    return {"test/acc": float((pred == vy).mean()), "test/false_pos": rows[0][2], "test/false_neg": rows[1][1],
            "train/errors": errors[0], "w0": model.w[0], "w1": model.w[1], "w2": model.w[2]}


# -- feed-forward network on XOR ---------------------------------------------------------------
@dataclass(frozen=True)
class FfnnXorConfig:
    hidden: int = 2
    """Hidden sigmoid units (2, each with a bias unit feeding it; a bias unit feeds the output)."""
    epochs: int = 1000
    """Full-batch epochs (book repository: 1,000 at 0.01; the book's text: 10,000 at 0.001)."""
    step: float = 0.01
    """The book's step: its delta rule sums the gradient over the batch, so the mean-loss SGD
    learning rate is step x N."""
    n_per_blob: int = 1000
    """Points per Gaussian blob (4 blobs)."""
    data_seed: int = 11
    """Seed of the book's data draws."""


@recipe("ffnn-xor-scratch", source=f"{BOOK} (FFNN in Python from scratch)", config=FfnnXorConfig,
        anchors=[Anchor("book/mse", 0.01, f"{BOOK}: MSE < 0.01 after 1,000 epochs", False),
                 Anchor("book/auc", 0.99, f"{BOOK}: AUC > 0.99"),
                 Anchor("xor/mse", 0.01, f"{BOOK}'s claim, on a true XOR", False),
                 Anchor("xor/auc", 0.99, f"{BOOK}'s claim, on a true XOR")],
        quick={"epochs": 100, "n_per_blob": 50})
def run_ffnn_xor(cfg: FfnnXorConfig, ctx: RunContext) -> dict[str, float]:
    """The 2-2-1 sigmoid network with bias units, trained full-batch by the delta rule, on XOR.

    Two data sets: the book's "noisy XOR" (four blobs that are in fact linearly separable) and a
    true XOR (blobs at (0,0), (1,1) -> 0 and (1,0), (0,1) -> 1). Defects of the book's code fixed:
    ``sigmoid_prime`` was applied to already-activated values (here the derivative is a(1 - a) on
    the pre-activation path); its evaluation inverted the threshold (its confusion matrix has every
    point in the wrong cell); its "bias" hidden unit was an ordinary third sigmoid unit.
    """
    results = {}
    for tag, make in (("book", synthetic.noisy_xor_book), ("xor", synthetic.true_xor)):
        (tx, ty), (vx, vy) = make(cfg.n_per_blob, seed=cfg.data_seed)
        rng = np.random.default_rng(ctx.seed)
        model = MLP([2, cfg.hidden, 1], ["sigmoid", "sigmoid"], rng=rng, init="normal")  # np.random.randn as the book
        losses = fit(model, tx, ty[:, None].astype(float), loss="half_squared_error", optimizer=SGD(cfg.step * len(tx)),
                     epochs=cfg.epochs, batch_size=len(tx), shuffle=False,
                     on_epoch_end=lambda e, v, tag=tag: ctx.log({f"{tag}/train_loss": v}, epoch=e))
        p = model.predict(vx)[:, 0]
        results[f"{tag}/mse"] = float(mean_squared_error(vy, p))
        results[f"{tag}/auc"] = float(roc_auc_score(vy, p))
        results[f"{tag}/acc"] = float(((p >= 0.5) == vy).mean())
        ctx.table(f"{tag}: confusion matrix at threshold 0.5", ["", "Predicted 0", "Predicted 1"],
                  confusion_rows(vy, (p >= 0.5).astype(int)))
        if ctx.is_main:
            plot_lines({"training loss (1/2 squared error)": losses}, ctx.plot_path(f"{tag}_loss"), xlabel="epoch",
                       title=f"{tag} training loss", logy=True)
            plot_decision_surface(lambda pts: model.predict(pts)[:, 0], vx, vy, ctx.plot_path(f"{tag}_decision_surface"),
                                  title=f"{tag}: 2-2-1 network output")
    return results


# -- truncated SVD -----------------------------------------------------------------------------
@dataclass(frozen=True)
class SvdConfig:
    n_components: int = 2
    """Singular values kept (the book keeps 2)."""


@recipe("svd-demo", source="Hands-On Neural Networks ch. 4 (truncated SVD)", config=SvdConfig,
        anchors=[Anchor("svd/reconstruction_error", 0.0, "Hands-On ch. 4: the 3x4 matrix has rank 2", None, 1e-10)],
        quick={})
def run_svd(cfg: SvdConfig, ctx: RunContext) -> dict[str, float]:
    """Truncated SVD of [[1..4], [5..8], [9..12]] keeping 2 components, with the reconstruction error.

    The matrix has rank 2, so two components rebuild it exactly (error at rounding level). The
    book's last check compared two undefined names (``np.isclose(X, X_a)``); here the projections
    U Sigma and A V are compared, and the result is checked against scikit-learn's TruncatedSVD.
    """
    from sklearn.decomposition import TruncatedSVD

    a = np.arange(1, 13, dtype=np.float64).reshape(3, 4)
    u, s, vt = np.linalg.svd(a)
    k = cfg.n_components
    sigma = np.zeros(a.shape)
    sigma[: a.shape[0], : a.shape[0]] = np.diag(s)
    sigma, vt_k = sigma[:, :k], vt[:k, :]
    rebuilt = u @ sigma @ vt_k  # (3, 4)
    t_u, t_a = u @ sigma, a @ vt_k.T  # two ways to the projected points, (3, k)
    sk = TruncatedSVD(k, algorithm="arpack").fit_transform(a) if k < min(a.shape) else t_a
    sign = np.sign(sk[0]) * np.sign(t_a[0])  # singular vectors are defined up to sign
    ctx.table("Singular values", ["i", "sigma"], [[i + 1, float(v)] for i, v in enumerate(s)])
    ctx.table(f"Reconstruction from {k} components", [f"col {j}" for j in range(4)], rebuilt.round(6).tolist())
    ctx.note(f"U Sigma == A V: {bool(np.allclose(t_u, t_a))}; equal to sklearn TruncatedSVD up to sign: "
             f"{bool(np.allclose(sk, t_a * sign))}.")
    return {"svd/reconstruction_error": float(np.linalg.norm(a - rebuilt)),
            "svd/projection_diff": float(np.abs(t_u - t_a).max()),
            "svd/sklearn_diff": float(np.abs(sk - t_a * sign).max()),
            **{f"svd/sigma{i + 1}": float(v) for i, v in enumerate(s)}}
