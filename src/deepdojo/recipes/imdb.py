"""IMDB sentiment from multi-hot bag-of-words with small Dense networks (Chollet §3.4, §4.4).

Shared by `imdb-dense`, `imdb-regularization` and `ensemble-average`: reviews are the 10,000 most
frequent words as a multi-hot vector, kept as ``uint8`` in memory and cast per batch.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from deepdojo.engine import evaluate, predict
from deepdojo.engine.selection import holdout_indices
from deepdojo.recipes._vectors import TextVectors, dense_net, load_text_vectors, n_params
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe

BCE = "binary_crossentropy"


@dataclass(frozen=True)
class ImdbDenseConfig:
    num_words: int = 10_000
    """Vocabulary: the most frequent words kept (Keras ``num_words``)."""
    hidden: tuple[int, ...] = (16, 16)
    """Units of the relu hidden layers."""
    epochs: int = 20
    """Epochs of the hold-out run that shows overfitting."""
    final_epochs: int = 4
    """Epochs of the final model trained on all 25,000 reviews (the book's choice after the curves)."""
    batch_size: int = 512
    """Minibatch size."""
    lr: float = 1e-3
    """rmsprop learning rate (Keras' default)."""
    n_val: int = 10_000
    """The first N training reviews are held out for validation."""
    n_train: int = 0
    """Use only the first N training reviews (0 = all 25,000)."""
    n_test: int = 0
    """Use only the first N test reviews (0 = all 25,000)."""


def load_imdb(cfg, ctx: RunContext) -> TextVectors:
    """The multi-hot IMDB splits for `cfg` (a synthetic stand-in in quick mode).

    Args:
        cfg: a Config with ``num_words``, ``n_train`` and ``n_test``.
        ctx: the run context (quick flag, seed, printing).

    Returns:
        `TextVectors` (uint8 multi-hot matrices, int64 labels, test sequences, word index).
    """
    data = load_text_vectors("imdb", cfg.num_words, quick=ctx.quick, seed=ctx.seed, n_train=cfg.n_train, n_test=cfg.n_test)
    ctx.print(f"IMDB: {len(data.y_train)} training / {len(data.y_test)} test reviews, multi-hot {cfg.num_words}"
              + (" (synthetic stand-in)" if ctx.quick else ""))
    return data


def binary_targets(y: torch.Tensor) -> torch.Tensor:
    """``(N,)`` class ids → ``(N, 1)`` float targets for the sigmoid unit."""
    return y.to(torch.float32).unsqueeze(1)


def train_imdb_net(ctx: RunContext, cfg, x, y, *, tag: str, epochs: int, val=None, hidden=None, l2: float = 0.0,
                   dropout: float = 0.0, plot: bool = True):
    """Build the 16-16-1 network (or a variant) and train it with rmsprop + BCE (`plot`: draw its curves).

    Returns:
        ``(model, history)``.
    """
    model = dense_net(cfg.num_words, tuple(hidden or cfg.hidden), 1, dropout=dropout, l2=l2)
    history = ctx.fit(model, (x, binary_targets(y)), tag=tag, val=None if val is None else (val[0], binary_targets(val[1])),
                      epochs=epochs, batch_size=cfg.batch_size, optimizer="rmsprop", lr=cfg.lr, loss=BCE, metrics=["accuracy"],
                      plot=plot)
    return model, history


def holdout(data: TextVectors, n_val: int):
    """Chollet's split: the first `n_val` training reviews validate, the rest train.

    Args:
        data: the IMDB vectors.
        n_val: validation size (capped at half the training set for quick mode).

    Returns:
        ``((x_train, y_train), (x_val, y_val))``.
    """
    n_val = min(n_val, len(data.y_train) // 2)  # quick mode has fewer reviews than the book holds out
    train_idx, val_idx = holdout_indices(len(data.y_train), n_val)
    tr, va = torch.from_numpy(train_idx), torch.from_numpy(val_idx)
    return (data.x_train[tr], data.y_train[tr]), (data.x_train[va], data.y_train[va])


@recipe("imdb-dense", source="Deep Learning with Python 1e §3.4", config=ImdbDenseConfig,
        anchors=[Anchor("test/acc", 0.885, "DLwP 1e §3.4 (final model, 4 epochs)")],
        quick={"epochs": 2, "final_epochs": 1, "n_train": 400, "n_test": 200, "num_words": 1000})
def run(cfg: ImdbDenseConfig, ctx: RunContext) -> dict[str, float]:
    """Binary sentiment with a multi-hot 10,000 → Dense16 → Dense16 → sigmoid network, rmsprop, BCE.

    First 20 epochs with the first 10,000 training reviews held out (the book's overfitting curves:
    validation loss bottoms out around epoch 3-4), then a fresh network trained 4 epochs on all
    25,000 training reviews and evaluated on the 25,000 test reviews. One test review is decoded
    with the word index (offset 3) and printed with the prediction. The network outputs a logit and
    the loss applies the sigmoid (numerically stable, same model).
    """
    data = load_imdb(cfg, ctx)
    train, val = holdout(data, cfg.n_val)
    _, hist = train_imdb_net(ctx, cfg, *train, val=val, tag="holdout", epochs=cfg.epochs)
    val_loss = hist.history["val/loss"]
    best = int(np.argmin(val_loss)) + 1
    ctx.note(f"Hold-out run: validation loss is lowest at epoch {best} ({val_loss[best - 1]:.4f}); "
             f"after {cfg.epochs} epochs train acc {hist.history['train/acc'][-1]:.3f} vs val acc "
             f"{hist.history['val/acc'][-1]:.3f} (overfitting).")

    model, _ = train_imdb_net(ctx, cfg, data.x_train, data.y_train, tag="final", epochs=cfg.final_epochs)
    scores = evaluate(model, (data.x_test, binary_targets(data.y_test)), loss=BCE, metrics=["accuracy"],
                      batch_size=4096, device=ctx.device, prefix="test")
    ctx.save_model(model, "imdb_dense")
    show_review(ctx, model, data, index=0)
    return {"val/acc": hist.history["val/acc"][-1], "val/loss": val_loss[-1], "val/best_epoch": best,
            "params": n_params(model), **scores}


def show_review(ctx: RunContext, model, data: TextVectors, index: int = 0) -> None:
    """Decode one test review back to words and add it to the report beside the model's prediction.

    Args:
        ctx: the run context.
        model: the trained sentiment network (outputs a logit).
        data: the vectors (with the raw test sequences and the word index).
        index: which test review.
    """
    from deepdojo.data import text

    words = text.decode(data.test_seqs[index], data.word_index)
    prob = torch.sigmoid(predict(model, data.x_test[index:index + 1], device=ctx.device)).item()
    label = "positive" if data.y_test[index].item() == 1 else "negative"
    ctx.note(f"Test review #{index} (label {label}), P(positive) = {prob:.3f}:\n\n> {words[:600]}")
