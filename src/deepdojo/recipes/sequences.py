"""The TF2 course's toy sequence forecaster: SimpleRNN(50, relu) -> Dense(1) on windows of 3 from [10..90].

Six training windows ([10, 20, 30] -> 40 ... [60, 70, 80] -> 90), Adam and MSE on the raw values,
then the course's five probe inputs, two of them far outside the training range, printed beside
the course's predictions and the ideal answers. The slide's ``model.fit(X, y)`` gives no epoch
count (Keras' default would be one epoch, which cannot produce the slide's numbers); the course
notebook trains for hundreds of epochs, and we use 500.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deepdojo.engine import predict
from deepdojo.nn.init import keras_init_
from deepdojo.nn.rnn import SequenceModel, SequenceModelConfig
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.plots import plot_lines

# (probe window, the course's prediction (tf2-course-slides L1171), the ideal continuation)
PROBES = [((10, 20, 30), 39.767338, 40), ((70, 80, 90), 100.001076, 100), ((100, 110, 120), 130.40291, 130),
          ((200, 210, 220), 231.74236, 230), ((200, 300, 400), 489.32404, 500)]


def windows(series: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Slice a 1-D series into (inputs ``(N, width, 1)``, next values ``(N, 1)``)."""
    idx = np.arange(width)[None, :] + np.arange(len(series) - width)[:, None]  # (N, width)
    return series[idx][..., None].astype(np.float32), series[width:, None].astype(np.float32)


@dataclass(frozen=True)
class ToySequenceConfig:
    units: int = 50
    """SimpleRNN units."""
    activation: str = "relu"
    """SimpleRNN activation."""
    epochs: int = 500
    """Training epochs (the slide omits them; see the description)."""
    batch_size: int = 32
    """Keras' default: all six windows in one batch."""
    lr: float = 1e-3
    """Adam learning rate (Keras' default)."""
    width: int = 3
    """Past values per window."""


def _probe_key(window: tuple[int, ...]) -> str:
    return "probe/" + "_".join(map(str, window))


@recipe("rnn-toy-sequence", source="embarc TF2 course, Day 2 (sequences)", config=ToySequenceConfig,
        anchors=[Anchor(_probe_key(w), course, "TF2 course slides L1171", higher_is_better=None,
                        tolerance=max(2.0, 0.05 * ideal)) for w, course, ideal in PROBES],
        quick={"epochs": 2})
def run(cfg: ToySequenceConfig, ctx: RunContext) -> dict[str, float]:
    x, y = windows(np.arange(10, 100, 10, dtype=np.float32), cfg.width)
    model = keras_init_(SequenceModel(SequenceModelConfig(cell="rnn", hidden=cfg.units, activation=cfg.activation)))
    history = ctx.fit(model, (x, y), epochs=cfg.epochs, batch_size=cfg.batch_size, optimizer="adam", lr=cfg.lr,
                      loss="mse", tag="rnn")
    probes = np.array([w for w, _, _ in PROBES], dtype=np.float32)[..., None]  # (5, 3, 1)
    preds = predict(model, probes, device=ctx.device).numpy().ravel()
    ctx.table("probe predictions", ["input", "ours", "course", "ideal"],
              [[list(w), float(p), course, ideal] for (w, course, ideal), p in zip(PROBES, preds)])
    if ctx.is_main:
        plot_lines({"ours": preds, "course": [c for _, c, _ in PROBES], "ideal": [i for _, _, i in PROBES]},
                   ctx.plot_path("probes"), title="next value for the five probe windows", xlabel="probe", ylabel="value",
                   style="o-")
    metrics = {_probe_key(w): float(p) for (w, _, _), p in zip(PROBES, preds)}
    metrics["train/loss"] = history.history["train/loss"][-1]
    metrics["probe/mae_vs_ideal"] = float(np.mean(np.abs(preds - np.array([i for _, _, i in PROBES]))))
    return metrics
