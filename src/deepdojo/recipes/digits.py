"""A small convnet on scikit-learn's bundled 8x8 digits: deepdojo's offline default recipe.

It needs no download (the 1,797 digits ship inside scikit-learn), trains in seconds on a laptop CPU
and exercises the whole engine: a stratified train/validation/test split fixed by `split_seed`,
Keras-style rmsprop and initialisation, training curves, a confusion matrix and a grid of the
misclassified test digits. The architecture is Chollet's MNIST convnet (DLwP §5.1) scaled to 8x8
inputs: two 'same'-padded 3x3 conv layers with pooling, Dense 64, Dense 10.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from deepdojo.engine import evaluate, predict
from deepdojo.nn.cnn import ConvNet, ConvNetConfig
from deepdojo.nn.init import keras_init_
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.plots import plot_confusion_matrix, plot_image_grid


@dataclass(frozen=True)
class DigitsConvnetConfig:
    epochs: int = 30
    """Training epochs."""
    batch_size: int = 32
    """Minibatch size (Keras' default)."""
    lr: float = 1e-3
    """rmsprop learning rate (Keras' default)."""
    channels: tuple[int, ...] = (32, 64)
    """Filters of the two 3x3 conv layers."""
    dense: int = 64
    """Units of the hidden Dense layer."""
    dropout: float = 0.25
    """Dropout before the output layer."""
    test_size: float = 0.2
    """Fraction of the 1,797 digits held out for test (stratified)."""
    val_size: float = 0.1
    """Fraction of the remaining digits used for validation (stratified)."""
    split_seed: int = 0
    """Seed of the fixed stratified split (independent of --seed, so every run sees the same split)."""
    n_samples: int = 0
    """Use only the first N digits (0 = all); quick mode uses a few hundred."""


def load_digits_split(cfg: DigitsConvnetConfig):
    """Stratified train/val/test split of sklearn's digits, scaled to [0, 1], as float32 (N, 1, 8, 8)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]  # (N, 1, 8, 8), pixel values 0..16
    y = digits.target.astype(np.int64)
    if cfg.n_samples:
        x, y = x[: cfg.n_samples], y[: cfg.n_samples]
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=cfg.test_size, stratify=y, random_state=cfg.split_seed)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=cfg.val_size, stratify=y_rest,
                                                      random_state=cfg.split_seed)
    return (x_train, y_train), (x_val, y_val), (x_test, y_test)


@recipe("digits-convnet", source="deepdojo default (after Deep Learning with Python §5.1)", config=DigitsConvnetConfig,
        anchors=[Anchor("test/acc", 0.97, "deepdojo target (issue #2)")],
        quick={"epochs": 1, "n_samples": 300})
def run(cfg: DigitsConvnetConfig, ctx: RunContext) -> dict[str, float]:
    train, val, test = load_digits_split(cfg)
    ctx.print(f"digits: {len(train[0])} train / {len(val[0])} validation / {len(test[0])} test images of 8x8")
    model = ConvNet(ConvNetConfig(in_shape=(1, 8, 8), channels=cfg.channels, pool_after=(True,) * len(cfg.channels),
                                  padding="same", dense=(cfg.dense,), dropout=cfg.dropout, n_classes=10))
    keras_init_(model)
    ctx.summary(model, (1, 8, 8))
    history = ctx.fit(model, train, val=val, epochs=cfg.epochs, batch_size=cfg.batch_size, optimizer="rmsprop", lr=cfg.lr,
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"], tag="convnet")
    scores = evaluate(model, test, loss="sparse_categorical_crossentropy", metrics=["accuracy"], device=ctx.device, prefix="test")
    if ctx.is_main:
        ctx.save_model(model, "convnet")
        pred = predict(model, test[0], device=ctx.device).argmax(1).numpy()
        plot_confusion_matrix(test[1], pred, ctx.plot_path("confusion_matrix"), title="digits test set")
        wrong = np.flatnonzero(pred != test[1])[:32]
        if len(wrong):
            plot_image_grid(test[0][wrong, 0], ctx.plot_path("misclassified"), cmap="gray_r",
                            titles=[f"{t}->{p}" for t, p in zip(test[1][wrong], pred[wrong])], title="misclassified (true->predicted)")
        ctx.note(f"{len(wrong)} of {len(pred)} test digits misclassified.")
    return {"train/loss": history.history["train/loss"][-1], "val/acc": history.history["val/acc"][-1], **scores}
