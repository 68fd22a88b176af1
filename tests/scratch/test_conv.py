"""Convolution, padding, stride and pooling by hand, equal to torch.nn.functional."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from deepdojo.scratch.conv import (Conv2D, conv2d_backward, conv2d_forward, convolve2d, correlate2d,
                                   maxpool2d_backward, maxpool2d_forward, output_size, pad2d)

SOBEL = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=float)
GRID = np.arange(1, 10, dtype=float).reshape(3, 3)


def test_book_kernel_rotation_and_correlation_examples():
    # Hands-On: the inverted kernel is the kernel rotated by 180 degrees.
    np.testing.assert_array_equal(SOBEL[::-1, ::-1], [[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
    assert correlate2d(GRID, SOBEL)[0, 0] == 1 + 4 + 3 - 7 - 16 - 9  # -24
    assert convolve2d(GRID, SOBEL)[0, 0] == 24
    # The a..i grid with a 2x2 kernel: the top-right output is b w11 + c w12 + e w21 + f w22.
    w = np.array([[2.0, 3.0], [5.0, 7.0]])
    out = correlate2d(GRID, w)
    assert out.shape == (2, 2)
    assert out[0, 1] == 2 * 2 + 3 * 3 + 5 * 5 + 6 * 7


@pytest.mark.parametrize("stride,padding", [(1, 0), (2, 1), (3, 2)])
def test_correlate_and_convolve_match_torch(stride, padding):
    rng = np.random.default_rng(0)
    x, k = rng.normal(size=(9, 8)), rng.normal(size=(3, 2))
    ref = F.conv2d(torch.tensor(x)[None, None], torch.tensor(k)[None, None], stride=stride, padding=padding)[0, 0]
    np.testing.assert_allclose(correlate2d(x, k, stride, padding), ref.numpy(), rtol=1e-12, atol=1e-12)
    flipped = F.conv2d(torch.tensor(x)[None, None], torch.tensor(k[::-1, ::-1].copy())[None, None],
                       stride=stride, padding=padding)[0, 0]
    np.testing.assert_allclose(convolve2d(x, k, stride, padding), flipped.numpy(), rtol=1e-12, atol=1e-12)


def test_output_size_formula_and_errors():
    assert output_size(28, 3) == 26
    assert output_size(7, 3, padding=1, stride=2) == 4
    assert output_size(32, 5, padding=2) == 32  # "same"
    with pytest.raises(ValueError, match="larger than the padded input"):
        output_size(2, 5)
    with pytest.raises(ValueError, match="stride"):
        output_size(5, 3, stride=0)
    assert pad2d(np.ones((2, 2)), 1).sum() == 4 and pad2d(np.ones((2, 2)), 1).shape == (4, 4)


@pytest.mark.parametrize("stride,padding", [(1, 0), (2, 1)])
def test_conv2d_forward_backward_match_autograd(stride, padding):
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out_t = F.conv2d(xt, wt, bt, stride=stride, padding=padding)
    g = rng.normal(size=out_t.shape)
    out_t.backward(torch.tensor(g))
    out = conv2d_forward(x, w, b, stride, padding)
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-10)
    dx, dw, db = conv2d_backward(g, x, w, stride, padding)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(dw, wt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(db, bt.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_conv2d_layer_interface():
    layer = Conv2D(1, 2, 3, padding=1, rng=np.random.default_rng(0))
    x = np.random.default_rng(1).normal(size=(2, 1, 5, 5))
    out = layer.forward(x)
    assert out.shape == (2, 2, 5, 5)
    dx = layer.backward(np.ones_like(out))
    assert dx.shape == x.shape and layer.grads["W"].shape == (2, 1, 3, 3)
    with pytest.raises(ValueError, match="same C"):
        conv2d_forward(np.zeros((1, 2, 5, 5)), np.zeros((1, 3, 3, 3)))


@pytest.mark.parametrize("size,stride", [(2, 2), (3, 2), (2, 1)])
def test_maxpool_matches_torch(size, stride):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 3, 7, 8))
    xt = torch.tensor(x, requires_grad=True)
    ref = F.max_pool2d(xt, size, stride)
    g = rng.normal(size=ref.shape)
    ref.backward(torch.tensor(g))
    out, arg = maxpool2d_forward(x, size, stride)
    np.testing.assert_array_equal(out, ref.detach().numpy())
    np.testing.assert_allclose(maxpool2d_backward(g, arg, x.shape, size, stride), xt.grad.numpy(), atol=1e-12)


def test_maxpool_book_example():
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float)
    out, _ = maxpool2d_forward(x, 2)
    np.testing.assert_array_equal(out, [[6, 8], [3, 4]])
