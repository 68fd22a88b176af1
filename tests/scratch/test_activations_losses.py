"""Activations and losses: values and gradients against PyTorch autograd on random inputs."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from deepdojo.scratch.activations import ACTIVATIONS, get_activation, sigmoid, softmax
from deepdojo.scratch.losses import LOSSES, get_loss, one_hot

TORCH_ACT = {
    "linear": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    "softmax": lambda z: torch.softmax(z, dim=-1),
}

finite = st.floats(-6, 6, allow_nan=False, width=64)


@pytest.mark.parametrize("name", sorted(TORCH_ACT))
@settings(max_examples=25, deadline=None)
@given(z=arrays(np.float64, (3, 5), elements=finite), g=arrays(np.float64, (3, 5), elements=finite))
def test_activation_forward_and_backward_match_autograd(name, z, g):
    # Keep z away from ReLU's kink, where the derivative is a convention.
    z = np.where(np.abs(z) < 1e-3, 0.5, z)
    act = get_activation(name)
    a = act(z)
    zt = torch.tensor(z, requires_grad=True)
    at = TORCH_ACT[name](zt)
    at.backward(torch.tensor(g))
    np.testing.assert_allclose(a, at.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(act.backward(z, a, g), zt.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_step_is_one_at_zero_and_has_zero_gradient():
    step = ACTIVATIONS["step"]
    np.testing.assert_array_equal(step(np.array([-1e-9, 0.0, 2.0])), [0, 1, 1])
    assert not step.derivative(np.array([0.3, -2.0])).any()


def test_elementwise_derivatives_have_closed_forms():
    z = np.linspace(-3, 3, 7)
    s = sigmoid(z)
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].derivative(z), s * (1 - s))
    np.testing.assert_allclose(ACTIVATIONS["tanh"].derivative(z), 1 - np.tanh(z) ** 2)
    np.testing.assert_allclose(ACTIVATIONS["leaky_relu"].derivative(z), np.where(z > 0, 1, 0.01))
    with pytest.raises(ValueError, match="Jacobian"):
        ACTIVATIONS["softmax"].derivative(z)


def test_sigmoid_and_softmax_do_not_overflow():
    z = np.array([[-1000.0, 0.0, 1000.0]])
    assert np.isfinite(sigmoid(z)).all() and sigmoid(z)[0, 0] == 0 and sigmoid(z)[0, 2] == 1
    np.testing.assert_allclose(softmax(z), [[0, 0, 1]])


def test_unknown_names_list_the_known_ones():
    with pytest.raises(ValueError, match="choose one of.*relu"):
        get_activation("swish")
    with pytest.raises(ValueError, match="choose one of.*mse"):
        get_loss("hinge")


def _torch_loss(name, p, t):
    if name == "half_squared_error":
        return 0.5 * ((p - t) ** 2).sum() / p.shape[0]
    if name == "mse":
        return torch.nn.functional.mse_loss(p, t)
    if name == "binary_crossentropy":
        return torch.nn.functional.binary_cross_entropy(p, t)
    if name == "categorical_crossentropy":
        return -(t * torch.log(p)).sum() / p.shape[0]
    if name == "softmax_cross_entropy":
        return torch.nn.functional.cross_entropy(p, t.argmax(dim=1))
    raise KeyError(name)


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loss_value_and_gradient_match_autograd(name, seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(6, 4))
    if name == "softmax_cross_entropy":
        pred, target = logits, one_hot(rng.integers(0, 4, 6), 4)
    elif name == "categorical_crossentropy":
        pred, target = softmax(logits), one_hot(rng.integers(0, 4, 6), 4)
    elif name == "binary_crossentropy":
        pred, target = sigmoid(logits), rng.integers(0, 2, (6, 4)).astype(float)
    else:
        pred, target = logits, rng.normal(size=(6, 4))
    value, grad = get_loss(name)(pred, target)
    pt = torch.tensor(pred, requires_grad=True)
    lt = _torch_loss(name, pt, torch.tensor(target))
    lt.backward()
    assert value == pytest.approx(lt.item(), rel=1e-10)
    np.testing.assert_allclose(grad, pt.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_fused_softmax_cross_entropy_gradient_is_s_minus_y():
    z = np.array([[1.0, 2.0, 0.5]])
    y = np.array([[0.0, 1.0, 0.0]])
    _, grad = get_loss("softmax_cross_entropy")(z, y)
    np.testing.assert_allclose(grad, softmax(z) - y)
    # Integer class ids are accepted and one-hot encoded.
    value_ids, grad_ids = get_loss("softmax_cross_entropy")(z, np.array([1]))
    np.testing.assert_allclose(grad_ids, grad)


def test_loss_shape_mismatch_says_how_to_fix():
    with pytest.raises(ValueError, match="reshape the targets"):
        get_loss("mse")(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(ValueError, match="class ids must lie"):
        one_hot(np.array([0, 3]), 3)
