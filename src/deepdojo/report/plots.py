"""Plots drawn the way the sources draw them (matplotlib, Agg backend, PNG files)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_history(history: dict[str, list[float]], path: str | Path, title: str = "") -> Path:
    """Training curves as in Chollet's book: training as dots, validation as a line, one panel per metric.

    Args:
        history: ``{"train/loss": [...], "val/loss": [...], "train/acc": [...], ...}``.
        path: PNG file to write.
    """
    names = sorted({k.split("/", 1)[1] for k in history if "/" in k and k.split("/", 1)[0] in ("train", "val")},
                   key=lambda n: (n != "loss", n))
    names = [n for n in names if history.get(f"train/{n}") or history.get(f"val/{n}")]
    if not names:
        names, keyed = list(history), True
    else:
        keyed = False
    fig, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 3.8), squeeze=False)
    for ax, name in zip(axes[0], names):
        if keyed:
            values = history[name]
            ax.plot(range(1, len(values) + 1), values, "o-", label=name)
        else:
            for split, style in (("train", "bo"), ("val", "b-")):
                values = history.get(f"{split}/{name}")
                if values:
                    ax.plot(range(1, len(values) + 1), values, style, label=f"{'Training' if split == 'train' else 'Validation'} {name}")
        ax.set_xlabel("Epochs")
        ax.set_ylabel(name)
        ax.set_title(f"{title} {name}".strip())
        ax.legend()
    return _save(fig, path)


def plot_lines(series: dict[str, Sequence[float]], path: str | Path, *, title: str = "", xlabel: str = "",
               ylabel: str = "", x: Sequence[float] | None = None, style: str = "-", logy: bool = False) -> Path:
    """Several named curves on one set of axes (e.g. validation loss of five model variants)."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, values in series.items():
        xs = x if x is not None else range(1, len(values) + 1)
        ax.plot(xs, values, style, label=name)
    if logy:
        ax.set_yscale("log")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if len(series) > 1 or any(series):
        ax.legend()
    return _save(fig, path)


def plot_image_grid(images, path: str | Path, *, titles: Sequence[str] | None = None, ncols: int = 8,
                    cmap: str | None = "gray", title: str = "") -> Path:
    """A grid of images, ``(N, H, W)`` or ``(N, H, W, C)`` NumPy arrays, values in [0, 1] or uint8."""
    import numpy as np

    images = np.asarray(images)
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.6 * ncols, 1.7 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap if images[i].ndim == 2 else None)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def plot_decision_surface(predict, x, y, path: str | Path, *, title: str = "", resolution: int = 200) -> Path:
    """Shade a 2-D classifier's output over the plane and scatter the data on top.

    Args:
        predict: maps an ``(N, 2)`` float array to ``(N,)`` scores in [0, 1].
        x: ``(N, 2)`` points; y: ``(N,)`` labels.
    """
    import numpy as np

    x, y = np.asarray(x, dtype=float), np.asarray(y).reshape(-1)
    pad = 0.5
    gx, gy = np.meshgrid(np.linspace(x[:, 0].min() - pad, x[:, 0].max() + pad, resolution),
                         np.linspace(x[:, 1].min() - pad, x[:, 1].max() + pad, resolution))
    z = np.asarray(predict(np.c_[gx.ravel(), gy.ravel()])).reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(5, 4.5))
    cs = ax.contourf(gx, gy, z, levels=20, cmap="RdBu_r", alpha=0.7)
    fig.colorbar(cs, ax=ax)
    ax.contour(gx, gy, z, levels=[0.5], colors="k", linewidths=1.5)
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap="RdBu_r", edgecolors="k", s=25)
    ax.set_title(title)
    return _save(fig, path)


def _save(fig, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def plot_confusion_matrix(y_true, y_pred, path: str | Path, *, labels: Sequence[str] | None = None, title: str = "") -> Path:
    """Confusion matrix (rows: true class, columns: predicted) with counts in the cells."""
    from sklearn.metrics import confusion_matrix

    cm = confusion_matrix(y_true, y_pred)
    n = cm.shape[0]
    fig, ax = plt.subplots(figsize=(0.5 * n + 3, 0.5 * n + 2.5))
    ax.imshow(cm, cmap="Blues")
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", color="white" if cm[i, j] > cm.max() / 2 else "black", fontsize=8)
    ticks = labels if labels is not None else [str(i) for i in range(n)]
    ax.set_xticks(range(n), ticks)
    ax.set_yticks(range(n), ticks)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    return _save(fig, path)


def plot_heatmap(matrix, path: str | Path, *, xlabels: Sequence[str] | None = None, ylabels: Sequence[str] | None = None,
                 title: str = "", annotate: bool = True, cmap: str = "viridis") -> Path:
    """A matrix as a coloured grid with labelled rows/columns (attention weights, kernels, feature maps).

    Args:
        matrix: ``(R, C)`` array.
        xlabels, ylabels: column and row labels (default: indices).
        annotate: write each value in its cell (use for small matrices).
    """
    import numpy as np

    m = np.asarray(matrix, dtype=float)
    fig, ax = plt.subplots(figsize=(1.0 + 0.6 * m.shape[1], 0.8 + 0.5 * m.shape[0]))
    im = ax.imshow(m, cmap=cmap)
    fig.colorbar(im, ax=ax)
    ax.set_xticks(range(m.shape[1]), labels=list(xlabels) if xlabels is not None else range(m.shape[1]), rotation=45)
    ax.set_yticks(range(m.shape[0]), labels=list(ylabels) if ylabels is not None else range(m.shape[0]))
    if annotate:
        mid = (m.max() + m.min()) / 2
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=7, color="white" if v < mid else "black")
    ax.set_title(title)
    return _save(fig, path)
