"""The NumPy MLP (784-128-10, ReLU, softmax cross-entropy, minibatch SGD with momentum) trained on MNIST.

Everything - forward pass, backward pass, optimizer - is ``deepdojo.scratch`` (NumPy only),
vectorised over the batch and run in float32. The last 5,000 training images are held out for the
per-epoch validation curve; the test set is scored once at the end. Weights are saved as
safetensors (``model.safetensors``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deepdojo.data import synthetic
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.plots import plot_history
from deepdojo.scratch import MLP, SGD
from deepdojo.scratch.train import accuracy, fit


def mnist_vectors(quick: bool, n_quick: int = 600) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST as float32 vectors in [0, 1]: ``((x_train (N, 784), y_train), (x_test, y_test))``.

    In quick mode: learnable fake 28x28 uint8 images of the same format (no files are read).
    """
    if quick:
        x, y = synthetic.fake_images(n_quick, (28, 28), seed=0)
        cut = n_quick * 5 // 6
        train, test = (x[:cut], y[:cut]), (x[cut:], y[cut:])
    else:
        from deepdojo.data.vision import load_mnist

        train, test = load_mnist()
    return tuple((xs.reshape(len(xs), -1).astype(np.float32) / 255.0, ys.astype(np.int64)) for xs, ys in (train, test))


def save_scratch_model(model: MLP, ctx: RunContext, name: str = "model") -> None:
    """Write a scratch model's weights to ``<run_dir>/<name>.safetensors`` (rank 0 only)."""
    from safetensors.numpy import save_file

    if ctx.is_main:
        save_file({k: np.ascontiguousarray(v) for k, v in model.state_dict().items()}, str(ctx.path(f"{name}.safetensors")))


@dataclass(frozen=True)
class MlpMnistConfig:
    hidden: int = 128
    """Hidden ReLU units."""
    epochs: int = 10
    """Passes over the training images."""
    batch_size: int = 64
    """Minibatch size."""
    lr: float = 0.05
    """SGD learning rate."""
    momentum: float = 0.9
    """SGD momentum."""
    val_size: int = 5000
    """Training images held out for the validation curve."""


@recipe("mlp-mnist-scratch", source="deepdojo (NumPy MLP; Hands-On ch. 2 / DLwP ch. 2 from scratch)",
        config=MlpMnistConfig, anchors=[Anchor("test/acc", 0.97, "issue target: NumPy MLP >= 97% on MNIST")],
        quick={"epochs": 1, "val_size": 100})
def run(cfg: MlpMnistConfig, ctx: RunContext) -> dict[str, float]:
    (x, y), (x_test, y_test) = mnist_vectors(ctx.quick)
    if not 0 < cfg.val_size < len(x):
        raise ValueError(f"--set val_size={cfg.val_size}: must lie between 1 and {len(x) - 1}")
    x_train, y_train, x_val, y_val = x[:-cfg.val_size], y[:-cfg.val_size], x[-cfg.val_size:], y[-cfg.val_size:]
    rng = np.random.default_rng(ctx.seed)
    model = MLP([x.shape[1], cfg.hidden, 10], ["relu", "linear"], rng=rng, init="he", dtype=np.float32)
    history: dict[str, list[float]] = {"train/loss": [], "val/acc": [], "train/acc": []}

    def on_epoch_end(epoch: int, loss: float) -> None:
        history["train/loss"].append(loss)
        history["train/acc"].append(accuracy(model, x_train, y_train))
        history["val/acc"].append(accuracy(model, x_val, y_val))
        ctx.log({k: v[-1] for k, v in history.items()}, epoch=epoch, phase="main")

    fit(model, x_train, y_train, loss="softmax_cross_entropy", optimizer=SGD(cfg.lr, cfg.momentum), epochs=cfg.epochs,
        batch_size=cfg.batch_size, rng=rng, on_epoch_end=on_epoch_end, progress=ctx.verbose)
    test_acc = accuracy(model, x_test, y_test)
    save_scratch_model(model, ctx)
    if ctx.is_main:
        plot_history(history, ctx.plot_path("main_curves"), title="NumPy MLP")
    ctx.note(f"{model.n_params():,} parameters; test accuracy {test_acc:.4f}.")
    return {"test/acc": test_acc, "val/acc": history["val/acc"][-1], "train/loss": history["train/loss"][-1]}
