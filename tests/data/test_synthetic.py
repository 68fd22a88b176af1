"""The books' generated sets replay the books' draws; quick-mode stand-ins are learnable and seeded."""
from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from deepdojo.data import synthetic


def test_two_gaussians_replays_the_book():
    np.random.seed(11)  # the book's code, verbatim in spirit (global generator)
    d1 = np.stack([np.random.normal(0, 0.1, 1000), np.random.normal(0, 0.1, 1000)], 1)
    d2 = np.stack([np.random.normal(0, 0.1, 1000) + 0.35, np.random.normal(0, 0.1, 1000) + 0.35], 1)
    msk = np.random.rand(2000) < 0.8
    (xtr, ytr), (xte, yte) = synthetic.two_gaussians()
    data = np.concatenate([d1, d2])
    assert np.array_equal(xtr, data[msk]) and np.array_equal(xte, data[~msk])
    assert ytr.sum() == msk[1000:].sum()


def _logreg_acc(x, y):
    return LogisticRegression().fit(x, y).score(x, y)


def test_book_xor_is_linearly_separable_but_true_xor_is_not():
    x, y = synthetic.noisy_xor_book(n_per_blob=300, train_fraction=None)
    assert x.shape == (1200, 2) and _logreg_acc(x, y) > 0.97
    x, y = synthetic.true_xor(n_per_blob=300, train_fraction=None)
    assert _logreg_acc(x, y) < 0.8
    xt, yt = synthetic.xor_table()
    assert yt.ravel().tolist() == [0, 1, 1, 0]


def test_series_generators():
    s = synthetic.sine_trend(100)
    assert s.shape == (100, 1) and np.isclose(s[10, 0], np.sin(10) + 1.0)
    x, y = synthetic.toy_series()
    assert x.shape == (6, 3, 1) and x[0, :, 0].tolist() == [10, 20, 30] and y.tolist() == [40, 50, 60, 70, 80, 90]
    w = synthetic.sine_wave(100, period=50)
    assert w.dtype == np.float32 and abs(w[25]) < 1e-5 and np.isclose(w[12], np.sin(2 * np.pi * 12 / 50))
    ts = synthetic.fake_timeseries(300, 14)
    assert ts.shape == (300, 14) and np.isfinite(ts).all()


def test_fake_images_are_learnable_and_seeded():
    x, y = synthetic.fake_images(300, (8, 8), classes=5, seed=1)
    assert x.dtype == np.uint8 and x.shape == (300, 8, 8) and y.dtype == np.uint8
    assert np.array_equal(x, synthetic.fake_images(300, (8, 8), classes=5, seed=1)[0])
    flat = x.reshape(300, -1) / 255.0
    assert LogisticRegression(max_iter=500).fit(flat[:200], y[:200]).score(flat[200:], y[200:]) > 0.9
    xf, _ = synthetic.fake_images(4, (32, 32, 3), dtype=np.float32)
    assert xf.shape == (4, 32, 32, 3) and xf.dtype == np.float32 and xf.max() <= 1


def test_fake_sequences_keras_form_and_learnable():
    from deepdojo.data.preprocessing import vectorize_sequences

    x, y = synthetic.fake_sequences(400, vocab=200, length=40, seed=2)
    assert x.dtype == object and all(s[0] == 1 and max(s) < 200 for s in x)
    mh = vectorize_sequences(x, 200)
    assert LogisticRegression(max_iter=500).fit(mh[:300], y[:300]).score(mh[300:], y[300:]) > 0.9
    dense, _ = synthetic.fake_sequences(5, vocab=50, length=7, ragged=False)
    assert dense.shape == (5, 7)
    assert isinstance(synthetic.fake_text(500), str) and len(synthetic.fake_text(500)) == 500
    xr, yr = synthetic.fake_regression(50, 13)
    assert xr.shape == (50, 13) and yr.shape == (50,)


def test_fake_texts_and_pairs():
    from deepdojo.data.preprocessing import TextVectorizer

    texts, y = synthetic.fake_labeled_texts(200, seed=3)
    tv = TextVectorizer(output_mode="multi_hot").adapt(texts[:150])
    x = tv(texts)
    assert LogisticRegression(max_iter=500).fit(x[:150], y[:150]).score(x[150:], y[150:]) > 0.9
    pairs = synthetic.fake_pairs(10, seed=1)
    assert len(pairs) == 10 and all(len(a.split()) == len(b.split()) for a, b in pairs)


def test_book_toy_corpora():
    corpus, labels = synthetic.pizza_corpus()
    assert len(corpus) == 12 and labels.tolist() == [1] * 6 + [0] * 6
    sents = synthetic.pos_toy_sentences()
    assert all(len(w) == len(t) for w, t in sents)
