"""Convolution and attention by hand in NumPy, each result checked against torch.nn.functional."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.plots import plot_heatmap, plot_image_grid
from deepdojo.scratch.attention import scaled_dot_product_attention, self_attention, self_attention_loops
from deepdojo.scratch.conv import (conv2d_backward, conv2d_forward, convolve2d, correlate2d, maxpool2d_forward,
                                   output_size)

HANDS_ON = "Hands-On Neural Networks ch. 3"

SOBEL = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=float)  # the book's "Kernel rotation" figure
# The book's curve-detector example: a 7x7 patch of an image and a 7x7 filter of the same shape.
CURVE_PATCH = np.array([[0, 0, 0, 0, 0, 40, 40], [0, 0, 0, 0, 80, 40, 40], [0, 0, 0, 90, 80, 0, 0],
                        [0, 0, 90, 80, 0, 0, 0], [0, 0, 90, 90, 0, 0, 0], [0, 0, 90, 80, 0, 0, 0],
                        [0, 0, 90, 80, 0, 0, 0]], dtype=float)
CURVE_FILTER = np.array([[0, 0, 0, 0, 0, 10, 0], [0, 0, 0, 0, 30, 0, 0], [0, 0, 0, 30, 0, 0, 0],
                         [0, 0, 0, 30, 0, 0, 0], [0, 0, 0, 30, 0, 0, 0], [0, 0, 0, 30, 0, 0, 0],
                         [0, 0, 0, 0, 0, 0, 0]], dtype=float)


def torch_correlate(x: np.ndarray, k: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """``F.conv2d`` on one 2-D input and kernel: PyTorch's (cross-correlation) reference."""
    out = F.conv2d(torch.tensor(x)[None, None], torch.tensor(np.ascontiguousarray(k))[None, None],
                   stride=stride, padding=padding)
    return out[0, 0].numpy()


@dataclass(frozen=True)
class ConvConfig:
    seed_batch: int = 4
    """Batch size of the random conv2d forward/backward check."""


@recipe("conv-by-hand", source=f"{HANDS_ON} (convolution vs correlation, L1905-1962)", config=ConvConfig,
        anchors=[Anchor("conv/checks_failed", 0, f"{HANDS_ON}: worked examples agree with PyTorch", None, 0)],
        quick={"seed_batch": 2})
def run_conv(cfg: ConvConfig, ctx: RunContext) -> dict[str, float]:
    """The books' correlation/convolution, pooling, padding and output-size examples, each vs PyTorch.

    Cross-correlation (what CNN layers compute) against convolution (the kernel rotated by 180
    degrees), the 2x2-kernel-on-a..i example, the curve-detector filter, 2x2/2 max pooling, zero
    padding, the output size (W - F + 2P)/S + 1, and a batched conv2d forward/backward against
    autograd.
    """
    rows, worst = [], 0.0

    def check(name: str, ours, reference, shown=None):
        nonlocal worst
        diff = float(np.max(np.abs(np.asarray(ours, float) - np.asarray(reference, float))))
        worst = max(worst, diff)
        rows.append([name, shown if shown is not None else np.asarray(ours).round(4).tolist(), diff, diff < 1e-9])

    grid = np.arange(1, 10, dtype=float).reshape(3, 3)
    check("kernel rotation (180 degrees)", SOBEL[::-1, ::-1], np.rot90(SOBEL, 2))
    check("correlate 1..9 with the kernel", correlate2d(grid, SOBEL), torch_correlate(grid, SOBEL))
    check("convolve 1..9 with the kernel", convolve2d(grid, SOBEL), torch_correlate(grid, SOBEL[::-1, ::-1]))
    w = np.array([[1.0, 2.0], [3.0, 4.0]])  # w11 w12 / w21 w22, on a..i = 1..9
    corr = correlate2d(grid, w)
    check("a..i (*) 2x2: top-right = b w11 + c w12 + e w21 + f w22", corr[0, 1], 2 * 1 + 3 * 2 + 5 * 3 + 6 * 4,
          shown=float(corr[0, 1]))
    check("a..i (*) 2x2 (all outputs)", corr, torch_correlate(grid, w))
    response = correlate2d(CURVE_PATCH, CURVE_FILTER)
    check("curve detector on the curve patch", response, torch_correlate(CURVE_PATCH, CURVE_FILTER))
    shifted = np.zeros_like(CURVE_PATCH)
    shifted[:, 2:] = CURVE_PATCH[:, :-2]  # the same curve two pixels to the right
    elsewhere = correlate2d(shifted, CURVE_FILTER)
    pool_in = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float)
    pooled, _ = maxpool2d_forward(pool_in, 2)
    check("max pooling 2x2 stride 2", pooled, F.max_pool2d(torch.tensor(pool_in)[None, None], 2)[0, 0].numpy())
    x5 = np.arange(25, dtype=float).reshape(5, 5)
    check("zero padding 1 keeps 5x5 -> 5x5", correlate2d(x5, SOBEL, padding=1), torch_correlate(x5, SOBEL, padding=1))
    check("stride 2, padding 1: 5x5 -> 3x3", correlate2d(x5, SOBEL, 2, 1), torch_correlate(x5, SOBEL, 2, 1))

    sizes = []
    for width, kernel, pad, stride in ((28, 3, 0, 1), (32, 5, 2, 1), (7, 3, 1, 2), (227, 11, 0, 4), (48, 5, 2, 2)):
        ours = output_size(width, kernel, pad, stride)
        theirs = F.conv2d(torch.zeros(1, 1, width, width), torch.zeros(1, 1, kernel, kernel), stride=stride,
                          padding=pad).shape[-1]
        sizes.append([width, kernel, pad, stride, ours, theirs])
        check(f"output size W={width} F={kernel} P={pad} S={stride}", ours, theirs, shown=ours)

    rng = np.random.default_rng(ctx.seed)
    x, wt, b = rng.normal(size=(cfg.seed_batch, 3, 9, 9)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, wt, b))
    t_out = F.conv2d(tx, tw, tb, stride=2, padding=1)
    g = rng.normal(size=t_out.shape)
    t_out.backward(torch.tensor(g))
    dx, dw, db = conv2d_backward(g, x, wt, 2, 1)
    check("conv2d forward (N,3,9,9) * (4,3,3,3), S=2, P=1", conv2d_forward(x, wt, b, 2, 1), t_out.detach().numpy(),
          shown="(see diff)")
    for name, ours, theirs in (("dx", dx, tx.grad), ("dW", dw, tw.grad), ("db", db, tb.grad)):
        check(f"conv2d backward {name} vs autograd", ours, theirs.numpy(), shown="(see diff)")

    ctx.table("Worked examples: NumPy by hand vs torch.nn.functional", ["example", "ours", "max |diff|", "equal"], rows)
    ctx.table("Output size (W - F + 2P) / S + 1", ["W", "F", "P", "S", "formula", "PyTorch"], sizes)
    ctx.note(f"The curve detector answers {response.item():.0f} on the curve it was built for and "
             f"{elsewhere.item():.0f} on the same curve two pixels to the right: the filter fires only where "
             "its shape is.")
    if ctx.is_main:
        plot_image_grid([CURVE_PATCH, CURVE_FILTER, CURVE_PATCH * CURVE_FILTER], ctx.plot_path("curve_detector"),
                        ncols=3, cmap="viridis", titles=["image patch", "curve filter", "patch x filter"])
        plot_image_grid([SOBEL, SOBEL[::-1, ::-1]], ctx.plot_path("kernel_rotation"), ncols=2, cmap="viridis",
                        titles=["kernel", "rotated 180 degrees"])
    failed = sum(not r[-1] for r in rows)
    return {"conv/checks_failed": failed, "conv/checks": len(rows), "conv/max_abs_diff": worst,
            "conv/curve_response": response.item(), "conv/sobel_correlation": correlate2d(grid, SOBEL).item()}


@dataclass(frozen=True)
class AttentionConfig:
    sentence: str = "The train left the station on time"
    """The slides' example sentence."""
    dim: int = 8
    """Embedding width of the toy word vectors."""


@recipe("attention-by-hand", source="Cazenave, Deep Learning course (NumPy self-attention)", config=AttentionConfig,
        anchors=[Anchor("attention/max_diff_torch", 0.0, "torch scaled_dot_product_attention", None, 1e-12)],
        quick={})
def run_attention(cfg: AttentionConfig, ctx: RunContext) -> dict[str, float]:
    """NumPy self-attention on a small sentence embedding, equal to torch's scaled_dot_product_attention.

    Each word gets a fixed random vector (seeded by the word, so "the" and "The" share one); the
    slides' loop version, the vectorised version and PyTorch's kernel are compared, and the
    attention matrix is plotted (rows: the word being re-represented; columns: the words it reads).
    """
    words = cfg.sentence.split()
    if len(words) < 2:
        raise ValueError(f"--set sentence=...: need at least two words, got {cfg.sentence!r}")
    vectors = {w: np.random.default_rng(abs(hash_word(w.lower()))).normal(size=cfg.dim) for w in set(words)}
    x = np.stack([vectors[w] for w in words])  # (T, d)
    out, weights = self_attention(x)
    loops = self_attention_loops(x)
    ref = F.scaled_dot_product_attention(*(torch.tensor(x)[None] for _ in range(3)))[0].numpy()
    causal, _ = scaled_dot_product_attention(x, x, x, causal=True)
    ref_causal = F.scaled_dot_product_attention(*(torch.tensor(x)[None] for _ in range(3)), is_causal=True)[0].numpy()
    station = words.index("station") if "station" in words else len(words) - 1
    order = np.argsort(-weights[station])
    ctx.table(f"How '{words[station]}' attends", ["word", "weight"],
              [[words[j], float(weights[station, j])] for j in order])
    if ctx.is_main:
        plot_heatmap(weights, ctx.plot_path("attention_matrix"), xlabels=words, ylabels=words,
                     title="Self-attention weights softmax(x x^T / sqrt(d))")
    return {"attention/max_diff_loops": float(np.abs(out - loops).max()),
            "attention/max_diff_torch": float(np.abs(out - ref).max()),
            "attention/max_diff_torch_causal": float(np.abs(causal - ref_causal).max()),
            "attention/row_sum_error": float(np.abs(weights.sum(axis=1) - 1).max())}


def hash_word(word: str) -> int:
    """A stable hash of a word (Python's ``hash`` is salted per process, so it would not repeat)."""
    return int.from_bytes(word.encode("utf-8")[:8].ljust(8, b"\0"), "little") + len(word)
