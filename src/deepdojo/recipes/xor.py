"""The Keras XOR network of Cazenave's course: Dense 8 tanh -> Dense 1 sigmoid, SGD 0.1, MSE, batch 1.

The course's exercise "make a two-layer network learn XOR" with its Keras solution, trained on the
four points of the truth table for 1,000 epochs; the decision surface is plotted. The course's
variant with binary cross-entropy is available with ``--set loss=binary_crossentropy``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from deepdojo.engine import evaluate, predict
from deepdojo.nn.init import keras_init_
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.plots import plot_decision_surface

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float32)


@dataclass(frozen=True)
class XorConfig:
    hidden: int = 8
    """Units of the tanh hidden layer."""
    epochs: int = 1000
    """Passes over the four points."""
    batch_size: int = 1
    """One point per update, as the course."""
    lr: float = 0.1
    """SGD learning rate."""
    loss: str = "mse"
    """'mse' (the course) or 'binary_crossentropy'."""


def xor_mlp(hidden: int, activation: type[nn.Module] = nn.Tanh) -> nn.Module:
    """2 -> hidden (activation) -> 1 sigmoid: the classic XOR network, outputs probabilities."""
    return nn.Sequential(nn.Linear(2, hidden), activation(), nn.Linear(hidden, 1), nn.Sigmoid())


def fit_and_plot_xor(model: nn.Module, x: np.ndarray, y: np.ndarray, ctx: RunContext, *, tag: str, epochs: int,
                     batch_size: int, lr: float, loss: str = "mse", **fit_kwargs) -> dict[str, float]:
    """Train a probability-output XOR network with SGD, plot its decision surface, return acc/loss.

    Shared by the XOR recipes (Cazenave's and Hands-On's Keras versions).
    """
    ctx.fit(model, (x, y), epochs=epochs, batch_size=batch_size, optimizer="sgd", lr=lr, loss=loss,
            metrics=["accuracy"], from_logits=False, tag=tag, **fit_kwargs)
    scores = evaluate(model, (x, y), loss=loss, metrics=["accuracy"], from_logits=False, device=ctx.device, prefix=tag)
    if ctx.is_main:
        def surface(points: np.ndarray) -> np.ndarray:
            return predict(model, points.astype(np.float32), device=ctx.device).numpy().ravel()

        plot_decision_surface(surface, x, y, ctx.plot_path(f"{tag}_decision_surface"), title=f"{tag}: network output")
    return scores


@recipe("xor-mlp", source="Cazenave, Deep Learning course (Keras XOR)", config=XorConfig,
        anchors=[Anchor("xor/acc", 1.0, "Cazenave course: learns XOR")], quick={"epochs": 5})
def run(cfg: XorConfig, ctx: RunContext) -> dict[str, float]:
    model = keras_init_(xor_mlp(cfg.hidden))
    scores = fit_and_plot_xor(model, XOR_X, XOR_Y, ctx, tag="xor", epochs=cfg.epochs, batch_size=cfg.batch_size,
                              lr=cfg.lr, loss=cfg.loss)
    outputs = predict(model, XOR_X, device=ctx.device).numpy().ravel()
    ctx.table("XOR truth table", ["x1", "x2", "target", "output"],
              [[int(a), int(b), int(t), float(o)] for (a, b), t, o in zip(XOR_X, XOR_Y.ravel(), outputs)])
    return scores
