"""The Keras-style summary: output shapes and parameter counts against hand counts."""
from __future__ import annotations

import torch
from torch import nn

from deepdojo.engine import summary


def test_dense_counts_and_shapes():
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))  # Chollet's MNIST network
    s = summary(model, (784,))
    assert [r[3] for r in s.rows] == [784 * 512 + 512, 0, 512 * 10 + 10]
    assert s.total_params == 407_050 and s.trainable_params == 407_050
    assert s.rows[0][2] == "(None, 512)"
    text = str(s)
    assert "Total params: 407,050" in text and "Linear" in text


def test_conv_counts_as_chollet():
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(), nn.Linear(576, 64),
                          nn.ReLU(), nn.Linear(64, 10))
    s = summary(model, (1, 28, 28))
    counts = {name: n for name, _, _, n in s.rows}
    assert counts["0"] == 3 * 3 * 1 * 32 + 32 == 320
    assert counts["3"] == 3 * 3 * 32 * 64 + 64 == 18_496
    assert counts["6"] == 3 * 3 * 64 * 64 + 64 == 36_928
    assert s.total_params == 93_322  # the book's summary
    shapes = {name: shape for name, _, shape, _ in s.rows}
    assert shapes["0"] == "(None, 32, 26, 26)" and shapes["8"] == "(None, 576)"


def test_embedding_counts_and_frozen_params():
    emb = nn.Embedding(10_000, 8)
    emb.weight.requires_grad_(False)
    model = nn.Sequential(emb, nn.Flatten(), nn.Linear(20 * 8, 1))
    s = summary(model, (20,), dtype=torch.long)
    assert s.rows[0][3] == 80_000 and s.rows[0][2] == "(None, 20, 8)"
    assert s.total_params == 80_000 + 161 and s.non_trainable_params == 80_000


def test_tied_weights_count_once():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = nn.Linear(4, 4, bias=False)
            self.dec = nn.Linear(4, 4, bias=False)
            self.dec.weight = self.enc.weight

        def forward(self, x):
            return self.dec(self.enc(x))

    assert summary(Tied(), (4,)).total_params == 16
