"""DLwP's naive tensor operations agree with NumPy; the Hands-On perceptron."""
from __future__ import annotations

import numpy as np
import pytest

from deepdojo.scratch import naive
from deepdojo.scratch.perceptron import Perceptron


def test_naive_ops_equal_numpy():
    rng = np.random.default_rng(0)
    x, y, v = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=4)
    m = rng.normal(size=(4, 2))
    np.testing.assert_array_equal(naive.naive_relu(x), np.maximum(x, 0))
    np.testing.assert_allclose(naive.naive_add(x, y), x + y)
    np.testing.assert_allclose(naive.naive_add_matrix_and_vector(x, v), x + v)
    assert naive.naive_vector_dot(v, v) == pytest.approx(v @ v)
    np.testing.assert_allclose(naive.naive_matrix_vector_dot(x, v), x @ v)
    np.testing.assert_allclose(naive.naive_matrix_dot(x, m), x @ m)
    assert x.min() < 0  # the inputs were not modified in place
    with pytest.raises(ValueError, match="same shape"):
        naive.naive_add(x, m)
    with pytest.raises(ValueError, match="matrix dot"):
        naive.naive_matrix_dot(x, x)


def _book_data():
    """The Hands-On two-Gaussian set drawn in the book's order with the legacy seed 11."""
    rs = np.random.RandomState(11)
    cols = [rs.normal(0, 0.1, 1000) + shift for shift in (0, 0, 0.35, 0.35)]
    x = np.r_[np.c_[cols[0], cols[1]], np.c_[cols[2], cols[3]]]
    y = np.r_[np.zeros(1000, int), np.ones(1000, int)]
    mask = rs.rand(2000) < 0.8
    return x[mask], y[mask], x[~mask], y[~mask]


def test_perceptron_reproduces_the_book_repository_run():
    tx, ty, vx, vy = _book_data()
    p = Perceptron([0.1, 0.1, 0.1])
    errors = p.fit(tx, ty, epochs=1, step=0.005)
    assert errors == [33]
    np.testing.assert_allclose(p.w, [-0.025, 0.0962, 0.0947], atol=5e-5)
    pred = p.predict(vx)
    assert ((pred == 1) & (vy == 0)).sum() == 5 and ((pred == 0) & (vy == 1)).sum() == 0


def test_perceptron_rule_converges_on_separable_data_and_checks_shapes():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 0, 0, 1])  # AND
    p = Perceptron([0.0, 0.0, 0.0])
    errors = p.fit(x, y, epochs=20, step=0.1)
    assert errors[-1] == 0 and (p.predict(x) == y).all()
    x1 = np.array([0.0, 1.0])
    np.testing.assert_allclose(p.w[0] + p.w[1] * x1 + p.w[2] * p.boundary(x1), 0, atol=1e-12)
    with pytest.raises(ValueError, match=r"need x \(N, 2\)"):
        p.fit(np.zeros((3, 3)), np.zeros(3))
