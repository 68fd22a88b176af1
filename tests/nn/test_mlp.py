"""The MLP family: shapes, dtype casting, Keras init and the L2 parameter groups."""
from __future__ import annotations

import pytest
import torch

from deepdojo.nn.mlp import MLP, MLPConfig


def test_mlp_shapes_and_parameter_count_match_keras():
    model = MLP(MLPConfig(in_features=784, hidden=(512,), out_features=10))
    assert sum(p.numel() for p in model.parameters()) == 407_050  # Chollet / Cazenave MNIST dense
    x = torch.randint(0, 255, (3, 28, 28), dtype=torch.uint8)  # uint8 images are cast inside
    assert model(x).shape == (3, 10)
    imdb = MLP(MLPConfig(in_features=10_000, hidden=(16, 16), out_features=1))
    assert sum(p.numel() for p in imdb.parameters()) == 160_305


def test_init_schemes():
    zero = MLP(MLPConfig(in_features=2, hidden=(), out_features=1, output="sigmoid", init="zeros"))
    assert torch.all(zero(torch.randn(4, 2)) == 0.5)
    keras = MLP(MLPConfig(in_features=100, hidden=(50,), out_features=1))
    w = keras.net[0].weight
    limit = (6 / (100 + 50)) ** 0.5
    assert w.abs().max() <= limit and torch.all(keras.net[0].bias == 0)
    with pytest.raises(ValueError, match="init"):
        MLP(MLPConfig(init="he"))
    with pytest.raises(ValueError, match="activation"):
        MLP(MLPConfig(activation="swish"))


def test_batchnorm_dropout_block_order():
    model = MLP(MLPConfig(in_features=3, hidden=(500, 500), out_features=3, batchnorm=True, dropout=0.7))
    kinds = [type(m).__name__ for m in model.net]
    assert kinds == ["Linear", "ReLU", "BatchNorm1d", "Dropout"] * 2 + ["Linear", "Identity"]


def test_l2_hook_matches_an_explicit_keras_penalty():
    torch.manual_seed(0)
    plain = MLP(MLPConfig(in_features=5, hidden=(4,), out_features=1))
    reg = MLP(MLPConfig(in_features=5, hidden=(4,), out_features=1, l2=0.001))
    reg.load_state_dict(plain.state_dict())
    x, y = torch.randn(8, 5), torch.randn(8, 1)
    penalised = torch.nn.functional.mse_loss(plain(x), y) + 0.001 * sum((w ** 2).sum() for w in plain.kernels())
    penalised.backward()
    torch.nn.functional.mse_loss(reg(x), y).backward()
    for a, b in zip(plain.parameters(), reg.parameters()):
        torch.testing.assert_close(a.grad, b.grad)
    with pytest.raises(ValueError, match="l2"):
        MLP(MLPConfig(l2=-1.0))
