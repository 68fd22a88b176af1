"""Losses and metrics by name: values against PyTorch / scikit-learn / Keras' formulas, and error paths."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error

from deepdojo.engine import evaluate
from deepdojo.engine.losses import get_loss, get_metric
from deepdojo.engine.optim import KerasRMSprop, make_optimizer

g = torch.Generator().manual_seed(0)


def _metric(name, pred, y, **kw):
    key, fn = get_metric(name, **kw)
    s, c = fn(pred, y)
    return key, float(s) / c


def test_accuracy_picks_sparse_binary_categorical_like_keras():
    logits = torch.randn(50, 4, generator=g)
    y = torch.randint(0, 4, (50,), generator=g)
    assert _metric("accuracy", logits, y) == ("acc", pytest.approx(accuracy_score(y, logits.argmax(1))))
    # (B, 1) targets with several units: still sparse (Keras 3's rule)
    assert _metric("accuracy", logits, y[:, None])[1] == pytest.approx(accuracy_score(y, logits.argmax(1)))
    onehot = F.one_hot(y, 4).float()
    assert _metric("accuracy", logits, onehot)[1] == pytest.approx(accuracy_score(y, logits.argmax(1)))
    # one output unit: binary, thresholded at 0 for logits and at 0.5 for probabilities
    z = torch.randn(50, 1, generator=g)
    yb = (torch.rand(50, generator=g) > 0.5).float()
    assert _metric("accuracy", z, yb)[1] == pytest.approx(accuracy_score(yb, (z[:, 0] > 0).float()))
    p = torch.sigmoid(z)
    assert _metric("accuracy", p, yb, from_logits=False)[1] == pytest.approx(accuracy_score(yb, (p[:, 0] > 0.5).float()))


def test_binary_accuracy_for_multilabel_bce():
    z = torch.randn(20, 5, generator=g)
    y = (torch.rand(20, 5, generator=g) > 0.5).float()
    _, acc = _metric("accuracy", z, y, loss_name="binary_crossentropy")
    assert acc == pytest.approx(((z > 0).float() == y).float().mean().item())


def test_sequence_sparse_accuracy_counts_tokens():
    logits = torch.randn(4, 7, 5, generator=g)  # (B, T, C)
    y = torch.randint(0, 5, (4, 7), generator=g)
    _, acc = _metric("accuracy", logits, y)
    assert acc == pytest.approx(accuracy_score(y.flatten(), logits.argmax(-1).flatten()))


def test_regression_metrics_match_sklearn():
    pred = torch.randn(30, 1, generator=g)
    y = torch.randn(30, generator=g)
    assert _metric("mae", pred, y)[1] == pytest.approx(mean_absolute_error(y, pred[:, 0]), rel=1e-6)
    assert _metric("mse", pred, y)[1] == pytest.approx(mean_squared_error(y, pred[:, 0]), rel=1e-6)


def test_losses_match_torch_and_keras_formulas():
    z = torch.randn(16, 1, generator=g)
    y = (torch.rand(16, generator=g) > 0.5).float()
    bce = get_loss("binary_crossentropy")(z, y)
    assert bce.item() == pytest.approx(F.binary_cross_entropy_with_logits(z[:, 0], y).item(), rel=1e-6)
    # probabilities: Keras clips to [eps, 1 - eps] before the log, so p = 0 / 1 stay finite
    p = torch.tensor([[0.0], [1.0], [0.3]])
    t = torch.tensor([1.0, 0.0, 1.0])
    hi = np.float32(1) - np.float32(1e-7)  # the clip bound as float32 holds it
    expected = -np.mean([np.log(1e-7), np.log(np.float32(1) - hi), np.log(0.3)])
    assert get_loss("binary_crossentropy", from_logits=False)(p, t).item() == pytest.approx(expected, rel=1e-5)
    logits = torch.randn(16, 5, generator=g)
    yi = torch.randint(0, 5, (16,), generator=g)
    ce = F.cross_entropy(logits, yi).item()
    assert get_loss("sparse_categorical_crossentropy")(logits, yi).item() == pytest.approx(ce, rel=1e-6)
    assert get_loss("categorical_crossentropy")(logits, F.one_hot(yi, 5).float()).item() == pytest.approx(ce, rel=1e-6)
    probs = logits.softmax(-1)
    assert get_loss("sparse_categorical_crossentropy", from_logits=False)(probs, yi).item() == pytest.approx(ce, rel=1e-5)
    assert get_loss("categorical_crossentropy", from_logits=False)(probs, F.one_hot(yi, 5)).item() == pytest.approx(ce, rel=1e-5)
    r = torch.randn(16, 1, generator=g)
    ry = torch.randn(16, generator=g)
    assert get_loss("mse")(r, ry).item() == pytest.approx(((r[:, 0] - ry) ** 2).mean().item(), rel=1e-6)
    assert get_loss("mae")(r, ry).item() == pytest.approx((r[:, 0] - ry).abs().mean().item(), rel=1e-6)


def test_unknown_names_suggest_the_closest():
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        get_loss("sparse_categorical_crossentropi")
    with pytest.raises(ValueError, match="accuracy"):
        get_metric("acuracy")
    with pytest.raises(ValueError, match="rmsprop"):
        make_optimizer("rmsprob", [torch.nn.Parameter(torch.zeros(1))])


def test_wrong_target_shape_is_explained():
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        get_loss("categorical_crossentropy")(torch.randn(4, 3), torch.tensor([0, 1, 2, 1]))


def test_evaluate_without_loss_gives_metrics_only():
    model = torch.nn.Linear(3, 2)
    x, y = torch.randn(10, 3, generator=g), torch.randint(0, 2, (10,), generator=g)
    out = evaluate(model, (x, y), metrics=["accuracy"], batch_size=4)
    assert set(out) == {"test/acc"}
    assert out["test/acc"] == pytest.approx(accuracy_score(y, model(x).argmax(1)))


def test_keras_rmsprop_is_keras_update():
    """Keras: v = rho v + (1 - rho) g^2; w -= lr g / sqrt(v + eps) (eps inside the root)."""
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0, 3e-4]))
    opt = make_optimizer("rmsprop", [w])
    assert isinstance(opt, KerasRMSprop)
    ref_w, v = w.detach().clone().double(), torch.zeros(3, dtype=torch.float64)
    for _ in range(3):
        opt.zero_grad()
        (w ** 2).sum().backward()
        grad = w.grad.detach().double()
        v = 0.9 * v + 0.1 * grad ** 2
        ref_w = ref_w - 1e-3 * grad / torch.sqrt(v + 1e-7)
        opt.step()
    assert torch.allclose(w.detach().double(), ref_w, atol=1e-7)


def test_named_optimizer_defaults_and_lr_override():
    p = [torch.nn.Parameter(torch.zeros(2))]
    assert make_optimizer("adam", p).defaults["eps"] == 1e-7
    assert make_optimizer("adam", p).defaults["lr"] == 1e-3
    assert make_optimizer("sgd", p).defaults["lr"] == 0.01
    assert make_optimizer("sgd", p, lr=0.1).defaults["lr"] == 0.1
    assert make_optimizer("rmsprop", p).defaults == {"lr": 1e-3, "rho": 0.9, "eps": 1e-7}
