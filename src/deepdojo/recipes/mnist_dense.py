"""MNIST with Dense networks: Chollet's first example, and the TF2 course's two training styles."""
from __future__ import annotations

import inspect
from dataclasses import dataclass

import torch
from torch import nn

from deepdojo.engine import evaluate
from deepdojo.recipes._vectors import dense_net, load_digits_flat, n_params
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe

SPARSE_CCE = "sparse_categorical_crossentropy"


@dataclass(frozen=True)
class MnistDenseConfig:
    hidden: tuple[int, ...] = (512,)
    """Units of the relu hidden layer(s)."""
    epochs: int = 5
    """Training epochs."""
    batch_size: int = 128
    """Minibatch size."""
    lr: float = 1e-3
    """rmsprop learning rate (Keras' default)."""
    n_train: int = 0
    """Use only the first N training images (0 = all 60,000)."""
    n_test: int = 0
    """Use only the first N test images (0 = all 10,000)."""


def _describe(ctx: RunContext, train, test) -> None:
    ctx.print(f"MNIST: {len(train[1])} training / {len(test[1])} test images"
              + (" (synthetic stand-in)" if ctx.quick else ""))


@recipe("mnist-dense", source="Deep Learning with Python 1e §2.1", config=MnistDenseConfig,
        anchors=[Anchor("test/acc", 0.978, "DLwP 1e §2.1")], quick={"epochs": 1, "n_train": 512, "n_test": 256})
def run(cfg: MnistDenseConfig, ctx: RunContext) -> dict[str, float]:
    """Dense 512 relu → Dense 10 softmax on flattened 28×28 digits scaled to [0, 1]; rmsprop, 5 epochs, batch 128.

    The network that opens the book (407,050 parameters). The output layer gives logits and the
    loss applies the softmax (the stable form of Keras' softmax + cross-entropy). Where the exact
    MNIST training images cannot be downloaded, the data hub's documented stand-in is used and the
    run's warnings say so.
    """
    train, test = load_digits_flat(quick=ctx.quick, seed=ctx.seed, n_train=cfg.n_train, n_test=cfg.n_test)
    _describe(ctx, train, test)
    model = dense_net(784, cfg.hidden, 10)
    hist = ctx.fit(model, train, tag="dense", epochs=cfg.epochs, batch_size=cfg.batch_size, optimizer="rmsprop",
                   lr=cfg.lr, loss=SPARSE_CCE, metrics=["accuracy"])
    scores = evaluate(model, test, loss=SPARSE_CCE, metrics=["accuracy"], batch_size=2048, device=ctx.device, prefix="test")
    ctx.save_model(model, "mnist_dense")
    return {"train/acc": hist.history["train/acc"][-1], "train/loss": hist.history["train/loss"][-1],
            "params": n_params(model), **scores}


@dataclass(frozen=True)
class TrainingLoopConfig:
    hidden: tuple[int, ...] = (64, 64)
    """Units of the relu hidden layers (the TensorFlow guide's MNIST model the slide comes from)."""
    epochs: int = 2
    """Epochs of each training style."""
    batch_size: int = 64
    """Minibatch size."""
    lr: float = 1e-3
    """SGD learning rate (the slide's ``SGD(learning_rate=1e-3)``)."""
    n_val: int = 10_000
    """The last N training images validate (``x_train[-10000:]``)."""
    n_train: int = 0
    """Use only the first N training images (0 = all)."""
    n_test: int = 0
    """Use only the first N test images (0 = all)."""


def explicit_loop(model: nn.Module, train, val, *, epochs: int, batch_size: int, lr: float,
                  generator: torch.Generator, device: torch.device) -> list[dict[str, float]]:
    """The course's low-level loop in plain PyTorch: shuffle, batches, gradient step, metrics reset per epoch.

    Args:
        model: outputs logits ``(B, 10)``.
        train, val: ``(x, y)`` tensors.
        epochs, batch_size, lr: as on the slide.
        generator: seeds the per-epoch shuffle.
        device: where to train.

    Returns:
        One dict per epoch with train/loss, train/acc, val/acc.
    """
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    x_train, y_train = train
    history = []
    for _ in range(epochs):
        model.train()
        loss_sum = correct = torch.zeros((), device=device)  # train metrics, reset every epoch
        for idx in torch.randperm(len(x_train), generator=generator).split(batch_size):  # shuffle + batch
            xb, yb = x_train[idx].to(device), y_train[idx].to(device)
            logits = model(xb)  # (B, 10)
            loss = loss_fn(logits, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum = loss_sum + loss.detach() * len(yb)
            correct = correct + (logits.argmax(1) == yb).sum()
        model.eval()
        val_correct = torch.zeros((), device=device)  # validation metric, reset every epoch
        with torch.no_grad():
            for xb, yb in zip(val[0].split(1024), val[1].split(1024)):
                val_correct += (model(xb.to(device)).argmax(1) == yb.to(device)).sum()
        history.append({"train/loss": (loss_sum / len(y_train)).item(), "train/acc": (correct / len(y_train)).item(),
                        "val/acc": (val_correct / len(val[1])).item()})
    return history


def with_fit(ctx: RunContext, model: nn.Module, train, val, cfg: TrainingLoopConfig) -> list[dict[str, float]]:
    """The course's high-level style: compile/fit with validation data (here the engine's `fit`)."""
    hist = ctx.fit(model, train, val=val, tag="fit", epochs=cfg.epochs, batch_size=cfg.batch_size, optimizer="sgd",
                   lr=cfg.lr, loss=SPARSE_CCE, metrics=["accuracy"])
    h = hist.history
    return [{"train/loss": h["train/loss"][e], "train/acc": h["train/acc"][e], "val/acc": h["val/acc"][e]}
            for e in range(len(h["train/loss"]))]


@recipe("training-loop-explicit", source="embarc TensorFlow 2 course, Day 1 (training loops)", config=TrainingLoopConfig,
        quick={"epochs": 1, "n_train": 512, "n_test": 128, "n_val": 128})
def run_loops(cfg: TrainingLoopConfig, ctx: RunContext) -> dict[str, float]:
    """The same MNIST network trained twice from the same initial weights: the course's explicit loop
    written out in plain PyTorch, and the engine's Keras-style ``fit``; both reach the same accuracy.

    The slide's loop (TF ``GradientTape``, shuffle buffer 1024, SGD 1e-3, sparse cross-entropy) is
    translated line by line; its shuffle buffer becomes a full permutation per epoch (a buffer of
    1,024 only mixes neighbouring samples), and the undefined ``train_acc_metric`` of the slide is
    defined. Both code paths appear side by side in the report.
    """
    train_all, test = load_digits_flat(quick=ctx.quick, seed=ctx.seed, n_train=cfg.n_train, n_test=cfg.n_test)
    _describe(ctx, train_all, test)
    x, y = train_all
    n_val = min(cfg.n_val, len(y) // 4)  # quick mode has fewer images than the guide holds out
    train, val = (x[:-n_val], y[:-n_val]), (x[-n_val:], y[-n_val:])  # the TF guide: the last N validate

    model_loop = dense_net(784, cfg.hidden, 10)
    model_fit = dense_net(784, cfg.hidden, 10)
    model_fit.load_state_dict(model_loop.state_dict())  # same starting point for both styles
    loop_hist = explicit_loop(model_loop, train, val, epochs=cfg.epochs, batch_size=cfg.batch_size, lr=cfg.lr,
                              generator=torch.Generator().manual_seed(ctx.seed), device=ctx.device)
    for epoch, row in enumerate(loop_hist, 1):
        ctx.log(row, epoch=epoch, phase="explicit_loop")
    fit_hist = with_fit(ctx, model_fit, train, val, cfg)
    scores = {}
    for name, model in (("loop", model_loop), ("fit", model_fit)):
        s = evaluate(model, test, loss=SPARSE_CCE, metrics=["accuracy"], batch_size=2048, device=ctx.device, prefix="test")
        scores[name] = s["test/acc"]
    ctx.table("Two training styles, same network and initial weights",
              ["style", "train acc", "val acc", "test acc"],
              [["explicit loop", loop_hist[-1]["train/acc"], loop_hist[-1]["val/acc"], scores["loop"]],
               ["engine fit", fit_hist[-1]["train/acc"], fit_hist[-1]["val/acc"], scores["fit"]]])
    ctx.note("Explicit loop:\n\n```python\n" + inspect.getsource(explicit_loop) + "```\n\nWith `fit`:\n\n```python\n"
             + inspect.getsource(with_fit) + "```")
    return {"test/acc": scores["fit"], "loop/test/acc": scores["loop"], "loop/val/acc": loop_hist[-1]["val/acc"],
            "val/acc": fit_hist[-1]["val/acc"], "test/acc_gap": abs(scores["fit"] - scores["loop"]),
            "params": n_params(model_fit)}
