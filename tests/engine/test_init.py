"""Keras-style initialisation: glorot-uniform limits, zero biases, orthogonal recurrent kernels."""
from __future__ import annotations

import math

import torch
from torch import nn

from deepdojo.nn.init import keras_init_


def test_dense_conv_embedding():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(300, 200), nn.Conv2d(3, 16, 5), nn.Embedding(1000, 32))
    keras_init_(model)
    lin, conv, emb = model
    limit = math.sqrt(6 / (300 + 200))
    assert lin.weight.abs().max() <= limit and lin.weight.abs().max() > 0.95 * limit
    assert torch.all(lin.bias == 0) and torch.all(conv.bias == 0)
    conv_limit = math.sqrt(6 / (3 * 25 + 16 * 25))
    assert conv.weight.abs().max() <= conv_limit
    assert emb.weight.abs().max() <= 0.05


def test_lstm_orthogonal_recurrent_and_forget_bias():
    lstm = keras_init_(nn.LSTM(10, 6))
    w_hh = lstm.weight_hh_l0.detach()  # (4H, H) = transpose of Keras' (H, 4H)
    assert torch.allclose(w_hh.T @ w_hh, torch.eye(6), atol=1e-5)  # Keras' (6, 24) kernel has orthonormal rows
    assert torch.all(lstm.bias_ih_l0[6:12] == 1) and torch.all(lstm.bias_ih_l0[:6] == 0)
    assert torch.all(lstm.bias_hh_l0 == 0)
