"""Dense, MLP, dropout and optimizers: gradients vs PyTorch and finite differences, must-learn."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from deepdojo.scratch import MLP, SGD, Adam, Dropout
from deepdojo.scratch.gradcheck import check_model_gradients, numerical_gradient, relative_error
from deepdojo.scratch.train import accuracy, fit

ACTS = {"sigmoid": torch.nn.Sigmoid(), "tanh": torch.nn.Tanh(), "relu": torch.nn.ReLU(),
        "leaky_relu": torch.nn.LeakyReLU(0.01), "linear": torch.nn.Identity()}


def _torch_copy(model: MLP, activations: list[str]) -> torch.nn.Sequential:
    mods = []
    for layer, act in zip(model.layers, activations):
        lin = torch.nn.Linear(*layer.params["W"].shape).double()
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(layer.params["W"].T))
            lin.bias.copy_(torch.tensor(layer.params["b"]))
        mods += [lin, ACTS[act]]
    return torch.nn.Sequential(*mods)


@pytest.mark.parametrize("acts", [["relu", "linear"], ["tanh", "sigmoid"], ["leaky_relu", "relu", "linear"]])
def test_mlp_gradients_match_autograd(acts):
    rng = np.random.default_rng(0)
    sizes = [5, 7, 6, 3][: len(acts) + 1]
    model = MLP(sizes, acts, rng=rng)
    x, y = rng.normal(size=(8, 5)), rng.integers(0, 3, 8)
    ref = _torch_copy(model, acts)
    xt = torch.tensor(x, requires_grad=True)
    out = ref(xt)
    if acts[-1] == "linear":
        from deepdojo.scratch.losses import softmax_cross_entropy as loss
        lt = torch.nn.functional.cross_entropy(out, torch.tensor(y))
        target = y
    else:
        from deepdojo.scratch.losses import mse as loss
        target = rng.random((8, sizes[-1]))
        lt = torch.nn.functional.mse_loss(out, torch.tensor(target))
    lt.backward()
    value, grad = loss(model.forward(x), target)
    dx = model.backward(grad)
    assert value == pytest.approx(lt.item(), rel=1e-10)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-8, atol=1e-12)
    linears = [m for m in ref if isinstance(m, torch.nn.Linear)]
    for layer, lin in zip(model.layers, linears):
        np.testing.assert_allclose(layer.grads["W"], lin.weight.grad.numpy().T, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(layer.grads["b"], lin.bias.grad.numpy(), rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("loss,acts", [("softmax_cross_entropy", ["tanh", "linear"]),
                                       ("categorical_crossentropy", ["sigmoid", "softmax"]),
                                       ("binary_crossentropy", ["leaky_relu", "sigmoid"]),
                                       ("half_squared_error", ["sigmoid", "sigmoid"])])
def test_finite_differences_agree_with_backward(loss, acts):
    rng = np.random.default_rng(1)
    model = MLP([3, 4, 2], acts, rng=rng)
    x = rng.normal(size=(5, 3))
    y = np.eye(2)[rng.integers(0, 2, 5)]
    errors = check_model_gradients(model, x, y, loss)
    assert max(errors.values()) < 1e-6, errors


def test_gradient_check_detects_a_wrong_backward():
    rng = np.random.default_rng(2)
    model = MLP([3, 4, 1], ["tanh", "linear"], rng=rng)
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
    # The Hands-On FFNN defect: the derivative applied to the activated value instead of z.
    from deepdojo.scratch.activations import Activation
    model.layers[0].activation = Activation("tanh", np.tanh, lambda z, a, g: g * (1 - np.tanh(a) ** 2))
    assert max(check_model_gradients(model, x, y, "mse").values()) > 1e-3


def test_numerical_gradient_refuses_float32():
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))


def test_inverted_dropout_scales_survivors_and_is_identity_at_inference():
    drop = Dropout(0.5, np.random.default_rng(0))
    x = np.ones((200, 50))
    out = drop.forward(x, training=True)
    assert set(np.unique(out)) == {0.0, 2.0}
    assert abs(out.mean() - 1.0) < 0.05  # expectation preserved
    np.testing.assert_array_equal(drop.backward(np.ones_like(x)), out)  # gradient flows through survivors only
    np.testing.assert_array_equal(drop.forward(x, training=False), x)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        Dropout(1.0)


@pytest.mark.parametrize("opt_name", ["sgd", "momentum", "adam"])
def test_optimizers_follow_torch(opt_name):
    rng = np.random.default_rng(3)
    model = MLP([4, 3], ["linear"], rng=rng)
    ref = _torch_copy(model, ["linear"])
    if opt_name == "adam":
        ours, theirs = Adam(0.01), torch.optim.Adam(ref.parameters(), lr=0.01, eps=1e-7)
    else:
        mom = 0.9 if opt_name == "momentum" else 0.0
        ours, theirs = SGD(0.1, mom), torch.optim.SGD(ref.parameters(), lr=0.1, momentum=mom)
    from deepdojo.scratch.losses import mse
    for _ in range(5):
        x, y = rng.normal(size=(6, 4)), rng.normal(size=(6, 3))
        _, g = mse(model.forward(x), y)
        model.backward(g)
        ours.step(model.layers)
        theirs.zero_grad()
        torch.nn.functional.mse_loss(ref(torch.tensor(x)), torch.tensor(y)).backward()
        theirs.step()
    # Torch's momentum SGD keeps v = m v + g and steps lr * v: the same trajectory as Keras' form.
    np.testing.assert_allclose(model.layers[0].params["W"], ref[0].weight.detach().numpy().T, rtol=1e-6, atol=1e-9)


def test_mlp_learns_true_xor():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    model = MLP([2, 8, 1], ["tanh", "sigmoid"], rng=np.random.default_rng(0))
    fit(model, x, y, loss="binary_crossentropy", optimizer=SGD(0.5), epochs=500, batch_size=4, progress=False)
    np.testing.assert_array_equal(model.predict(x) > 0.5, y > 0.5)


def test_mlp_reaches_90_percent_on_digits_quickly():
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))
    train, test = order[:1400], order[1400:]
    model = MLP([64, 64, 10], ["relu", "linear"], rng=rng, init="he", dtype=np.float32)
    fit(model, x[train], y[train], loss="softmax_cross_entropy", optimizer=SGD(0.1, 0.9), epochs=15,
        batch_size=32, rng=rng, progress=False)
    assert accuracy(model, x[test], y[test]) >= 0.90


def test_same_seed_same_training_and_state_round_trip():
    def train(seed):
        rng = np.random.default_rng(seed)
        x, y = rng.normal(size=(64, 5)), rng.integers(0, 3, 64)
        model = MLP([5, 8, 3], ["relu", "linear"], dropout=0.2, rng=rng)
        losses = fit(model, x, y, loss="softmax_cross_entropy", optimizer=SGD(0.1), epochs=3, batch_size=16,
                     rng=rng, progress=False)
        return model, losses
    (m1, l1), (m2, l2), (_, l3) = train(7), train(7), train(8)
    assert l1 == l2 and l1 != l3
    clone = MLP([5, 8, 3], ["relu", "linear"], dropout=0.2, rng=np.random.default_rng(99))
    clone.load_state_dict(m1.state_dict())
    x = np.random.default_rng(0).normal(size=(4, 5))
    np.testing.assert_array_equal(clone.predict(x), m1.predict(x))
    with pytest.raises(ValueError, match="saved shape"):
        MLP([5, 9, 3], ["relu", "linear"]).load_state_dict(m1.state_dict())


def test_bad_configuration_errors():
    with pytest.raises(ValueError, match="need 2 activations"):
        MLP([2, 3, 1], ["relu"])
    with pytest.raises(ValueError, match="samples"):
        fit(MLP([2, 1], ["linear"]), np.zeros((3, 2)), np.zeros((4, 1)), loss="mse", optimizer=SGD(), progress=False)
    assert relative_error(np.ones(3), np.ones(3)) == 0.0
