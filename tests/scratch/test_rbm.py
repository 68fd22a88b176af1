"""RBM (CD-k) and DBN: reconstruction error falls, conditionals are right, fine-tuning learns."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits

from deepdojo.scratch.activations import sigmoid
from deepdojo.scratch.layers import SGD
from deepdojo.scratch.rbm import DBN, RBM
from deepdojo.scratch.train import accuracy, fit


def _patterns(n=400, seed=0):
    """Binary data from 3 prototypes with 5% bit flips: structure an RBM can capture."""
    rng = np.random.default_rng(seed)
    protos = rng.random((3, 24)) < 0.5
    data = protos[rng.integers(0, 3, n)]
    flips = rng.random(data.shape) < 0.05
    return (data ^ flips).astype(np.float32)


def test_reconstruction_error_falls():
    data = _patterns()
    rbm = RBM(24, 8, np.random.default_rng(0))
    before = rbm.reconstruction_error(data)
    errors = rbm.fit(data, epochs=15, batch_size=20, lr=0.1)
    assert errors[-1] < 0.5 * before
    assert errors[-1] < errors[0]


def test_conditionals_and_free_energy_match_the_energy_function():
    rng = np.random.default_rng(1)
    rbm = RBM(3, 2, rng, dtype=np.float64)
    rbm.W = rng.normal(size=(3, 2))
    rbm.vb, rbm.hb = rng.normal(size=3), rng.normal(size=2)
    v = np.array([[1.0, 0.0, 1.0]])
    np.testing.assert_allclose(rbm.hidden_probs(v), sigmoid(v @ rbm.W + rbm.hb))
    # F(v) = -log sum_h exp(-E(v, h)), enumerated over the 4 hidden states.
    hs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    energies = -(v @ rbm.vb) - hs @ rbm.hb - (v @ rbm.W @ hs.T)[0]
    assert rbm.free_energy(v)[0] == pytest.approx(-np.log(np.exp(-energies).sum()))


def test_training_lowers_free_energy_of_data_relative_to_noise():
    data = _patterns(seed=2)
    rbm = RBM(24, 8, np.random.default_rng(0))
    rbm.fit(data, epochs=10, batch_size=20, lr=0.1, k=2)
    noise = (np.random.default_rng(3).random(data.shape) < 0.5).astype(np.float32)
    assert rbm.free_energy(data).mean() < rbm.free_energy(noise).mean() - 5


def test_dbn_pretrain_then_finetune_learns_digits():
    digits = load_digits()
    x, y = (digits.data / 16.0).astype(np.float32), digits.target
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))
    train, test = order[:1400], order[1400:]
    dbn = DBN(64, [64], rng)
    curves = dbn.pretrain(x[train], epochs=5, batch_size=32, lr=0.05)
    assert len(curves) == 1 and curves[0][-1] < curves[0][0]
    assert dbn.transform(x[:5]).shape == (5, 64)
    model = dbn.to_mlp(10)
    np.testing.assert_array_equal(model.layers[0].params["W"], dbn.rbms[0].W)  # starts from the RBM
    assert [type(l).__name__ for l in dbn.to_mlp(10, dropout=0.2).layers] == ["Dense", "Dropout", "Dense"]
    fit(model, x[train], y[train], loss="softmax_cross_entropy", optimizer=SGD(0.1, 0.9), epochs=10, batch_size=32,
        rng=rng, progress=False)
    assert accuracy(model, x[test], y[test]) >= 0.9
