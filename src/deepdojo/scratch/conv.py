"""Convolution by hand: cross-correlation vs convolution, padding, stride, pooling, conv2d backward.

Deep-learning "convolution" layers compute a cross-correlation: the kernel slides over the input
unflipped. A true convolution flips the kernel by 180 degrees first (Hands-On ch. 3, "kernel
rotation"). The output width is ``(W - F + 2P) / S + 1`` (rounded down when S does not divide).
Windows are taken with ``sliding_window_view`` so every operation is vectorised over the batch,
the channels and the output positions; the only Python loops run over kernel offsets.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def output_size(width: int, kernel: int, padding: int = 0, stride: int = 1) -> int:
    """``(W - F + 2P) // S + 1``, with an error when the kernel does not fit.

    Args:
        width: input size W along one axis; kernel: F; padding: P zeros on each side; stride: S.
    """
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    span = width - kernel + 2 * padding
    if span < 0:
        raise ValueError(f"kernel {kernel} is larger than the padded input {width + 2 * padding}; pad more or use a smaller kernel")
    return span // stride + 1


def pad2d(x: np.ndarray, padding: int) -> np.ndarray:
    """Zero-pad the last two axes by `padding` on every side."""
    if padding == 0:
        return x
    widths = [(0, 0)] * (x.ndim - 2) + [(padding, padding), (padding, padding)]
    return np.pad(x, widths)


def _windows(x: np.ndarray, kh: int, kw: int, stride: int) -> np.ndarray:
    """``(..., H, W)`` -> ``(..., OH, OW, kh, kw)`` views of every kernel position."""
    return sliding_window_view(x, (kh, kw), axis=(-2, -1))[..., ::stride, ::stride, :, :]


def correlate2d(x: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Cross-correlation of a 2-D input with a 2-D kernel (what CNN layers compute).

    Returns:
        ``(OH, OW)`` with ``out[i, j] = sum_uv x[i*S + u, j*S + v] * k[u, v]`` after padding.
    """
    if x.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"correlate2d takes a 2-D input and a 2-D kernel, got {x.shape} and {kernel.shape}")
    for axis in (0, 1):
        output_size(x.shape[axis], kernel.shape[axis], padding, stride)  # raises if it does not fit
    win = _windows(pad2d(x, padding), *kernel.shape, stride)  # (OH, OW, kh, kw)
    return np.einsum("hwuv,uv->hw", win, kernel)


def convolve2d(x: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """True convolution: cross-correlation with the kernel rotated by 180 degrees."""
    return correlate2d(x, kernel[::-1, ::-1], stride, padding)


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride: int = 1,
                   padding: int = 0) -> np.ndarray:
    """Batched multi-channel cross-correlation, the forward pass of a conv layer (PyTorch layout).

    Args:
        x: ``(N, C, H, W)`` inputs; w: ``(F, C, KH, KW)`` filters; b: ``(F,)`` biases or None.

    Returns:
        ``(N, F, OH, OW)``.
    """
    if x.ndim != 4 or w.ndim != 4 or x.shape[1] != w.shape[1]:
        raise ValueError(f"need x (N, C, H, W) and w (F, C, KH, KW) with the same C, got {x.shape} and {w.shape}")
    output_size(x.shape[2], w.shape[2], padding, stride)
    output_size(x.shape[3], w.shape[3], padding, stride)
    win = _windows(pad2d(x, padding), w.shape[2], w.shape[3], stride)  # (N, C, OH, OW, KH, KW)
    out = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3]))  # (N, OH, OW, F)
    out = out.transpose(0, 3, 1, 2)  # (N, F, OH, OW)
    return out if b is None else out + b[None, :, None, None]


def conv2d_backward(grad_out: np.ndarray, x: np.ndarray, w: np.ndarray, stride: int = 1,
                    padding: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of `conv2d_forward` given ``dL/d(out)`` ``(N, F, OH, OW)``.

    Returns:
        ``(dx (N, C, H, W), dw (F, C, KH, KW), db (F,))``.
    """
    xp = pad2d(x, padding)
    kh, kw = w.shape[2:]
    oh, ow = grad_out.shape[2:]
    win = _windows(xp, kh, kw, stride)  # (N, C, OH, OW, KH, KW)
    dw = np.tensordot(grad_out, win, axes=([0, 2, 3], [0, 2, 3]))  # (F, C, KH, KW)
    db = grad_out.sum(axis=(0, 2, 3))
    dxp = np.zeros_like(xp)
    # Each kernel offset (u, v) sends dL/d(out) back to a strided slice of the input.
    for u in range(kh):
        for v in range(kw):
            dxp[:, :, u:u + stride * oh:stride, v:v + stride * ow:stride] += np.einsum(
                "nfhw,fc->nchw", grad_out, w[:, :, u, v])
    dx = dxp[:, :, padding:padding + x.shape[2], padding:padding + x.shape[3]] if padding else dxp
    return dx, dw, db


def maxpool2d_forward(x: np.ndarray, size: int = 2, stride: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling over ``size x size`` windows (stride defaults to `size`).

    Args:
        x: ``(..., H, W)``.

    Returns:
        ``(out (..., OH, OW), argmax)``; `argmax` (flat index inside each window) feeds the backward pass.
    """
    stride = stride or size
    output_size(x.shape[-2], size, 0, stride)
    output_size(x.shape[-1], size, 0, stride)
    win = _windows(x, size, size, stride)  # (..., OH, OW, size, size)
    flat = win.reshape(*win.shape[:-2], size * size)
    arg = flat.argmax(axis=-1)
    return np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0], arg


def maxpool2d_backward(grad_out: np.ndarray, argmax: np.ndarray, input_shape: tuple, size: int = 2,
                       stride: int | None = None) -> np.ndarray:
    """Route each output gradient to the input position that won its window (overlaps add up)."""
    stride = stride or size
    oh, ow = grad_out.shape[-2:]
    dx = np.zeros(input_shape, dtype=grad_out.dtype)
    for u in range(size):
        for v in range(size):
            hit = argmax == u * size + v  # (..., OH, OW)
            dx[..., u:u + stride * oh:stride, v:v + stride * ow:stride] += grad_out * hit
    return dx


class Conv2D:
    """A conv layer for scratch models: `conv2d_forward`/`conv2d_backward` with He-initialised filters.

    Args:
        in_channels, out_channels, kernel: filter shape; stride, padding: as in `conv2d_forward`.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel: int, *, stride: int = 1, padding: int = 0,
                 rng: np.random.Generator | None = None, dtype=np.float64):
        rng = rng if rng is not None else np.random.default_rng(0)
        fan_in = in_channels * kernel * kernel
        self.stride, self.padding = stride, padding
        self.params = {"W": rng.normal(0, np.sqrt(2 / fan_in), (out_channels, in_channels, kernel, kernel)).astype(dtype),
                       "b": np.zeros(out_channels, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._x = x
        return conv2d_forward(x, self.params["W"], self.params["b"], self.stride, self.padding)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        dx, self.grads["W"], self.grads["b"] = conv2d_backward(grad, self._x, self.params["W"], self.stride, self.padding)
        return dx
