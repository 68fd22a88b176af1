"""Synthetic data: the books' generated sets (exactly as they draw them) and quick-mode stand-ins.

The books' sets replay the source's NumPy calls with a ``RandomState`` seeded like the book's
``np.random.seed``, so the same numbers come out. The ``fake_*`` generators give every recipe a
tiny, *learnable* stand-in with the shapes and dtypes of its real data for ``--quick`` runs.
"""
from __future__ import annotations

import math

import numpy as np


# -- the books' generated data -----------------------------------------------------------------
def two_gaussians(n_per_class: int = 1000, sigma: float = 0.1, shift: float = 0.35, seed: int = 11,
                  train_fraction: float | None = 0.8):
    """Hands-On NN ch. 2 perceptron data: class 0 ~ N(0, sigma) in x1, x2; class 1 shifted by `shift`.

    Draw order is the book's (class 0 x1, x2, then class 1 x1, x2), then the random-mask split
    ``rand(N) < train_fraction`` from the same generator.

    Returns:
        ``(x (2n, 2) float64, y (2n,) int64)``, or with `train_fraction` ``((x_tr, y_tr), (x_te, y_te))``.
    """
    rng = np.random.RandomState(seed)
    c0 = [rng.normal(0.0, sigma, n_per_class), rng.normal(0.0, sigma, n_per_class)]
    c1 = [rng.normal(0.0, sigma, n_per_class) + shift, rng.normal(0.0, sigma, n_per_class) + shift]
    x = np.concatenate([np.stack(c0, 1), np.stack(c1, 1)])  # (2n, 2)
    y = np.repeat([0, 1], n_per_class)
    return _book_split(rng, x, y, train_fraction)


def noisy_xor_book(n_per_blob: int = 1000, sigma: float = 0.1, seed: int = 11, train_fraction: float | None = 0.8):
    """Hands-On NN ch. 2 "noisy XOR" as printed: blobs at (0,0)→0, (1,0)→1, (0,-1)→0, (-1,1)→1.

    Defect kept on purpose (it is the book's set): these four blobs are linearly separable
    (logistic regression ≈ 99 %), so they do not test non-linearity - see `true_xor`.
    """
    return _blobs([(0, 0), (1, 0), (0, -1), (-1, 1)], [0, 1, 0, 1], n_per_blob, sigma, seed, train_fraction)


def true_xor(n_per_blob: int = 1000, sigma: float = 0.1, seed: int = 11, train_fraction: float | None = 0.8):
    """A real noisy XOR: blobs at (0,0)→0, (1,1)→0, (1,0)→1, (0,1)→1 (no line separates them)."""
    return _blobs([(0, 0), (1, 1), (1, 0), (0, 1)], [0, 0, 1, 1], n_per_blob, sigma, seed, train_fraction)


def xor_table(dtype=np.float32):
    """The four XOR points and targets: ``(x (4, 2), y (4, 1))``."""
    return np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=dtype), np.array([[0], [1], [1], [0]], dtype=dtype)


def _blobs(centers, labels, n, sigma, seed, train_fraction):
    rng = np.random.RandomState(seed)
    xs = [np.stack([rng.normal(0.0, sigma, n) + cx, rng.normal(0.0, sigma, n) + cy], 1) for cx, cy in centers]
    return _book_split(rng, np.concatenate(xs), np.repeat(labels, n), train_fraction)


def _book_split(rng, x, y, train_fraction):
    y = y.astype(np.int64)
    if train_fraction is None:
        return x, y
    msk = rng.rand(len(x)) < train_fraction  # the book's `np.random.rand(len(data)) < 0.8`
    return (x[msk], y[msk]), (x[~msk], y[~msk])


def sine_trend(n: int = 100, slope: float = 0.1) -> np.ndarray:
    """Hands-On NN ch. 5 series ``sin(x) + slope * i`` for x = i = 0..n-1: ``(n, 1)`` float64."""
    i = np.arange(n, dtype=np.float64)
    return (np.sin(i) + slope * i).reshape(n, 1)


def sine_wave(n: int = 5000, period: float = 50.0, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """A sampled sine ``sin(2π t / period)`` plus optional Gaussian noise: ``(n,)`` float32."""
    t = np.arange(n, dtype=np.float64)
    y = np.sin(2 * math.pi * t / period)
    if noise:
        y = y + np.random.default_rng(seed).normal(0.0, noise, n)
    return y.astype(np.float32)


def toy_series(start: int = 10, stop: int = 90, step: int = 10, window: int = 3):
    """The embarc course's toy sequence [10, 20, ..., 90] as windows of `window` → next value.

    Returns:
        ``(x (N, window, 1) float32, y (N,) float32)``.
    """
    seq = np.arange(start, stop + step, step, dtype=np.float32)
    idx = np.arange(len(seq) - window)[:, None] + np.arange(window)  # (N, window)
    return seq[idx][..., None], seq[window:]


def pizza_corpus() -> tuple[list[str], np.ndarray]:
    """Hands-On NN ch. 4's twelve pizza sentences and their sentiment labels (6 positive, 6 negative)."""
    corpus = ["This is good pizza", "I love Italian pizza", "The best pizza", "nice pizza", "Excellent pizza",
              "I love pizza", "The pizza was alright", "disgusting pineapple pizza", "not good pizza", "bad pizza",
              "very bad pizza", "I had better pizza"]
    return corpus, np.array([1] * 6 + [0] * 6, dtype=np.int64)


def pos_toy_sentences() -> list[tuple[list[str], list[str]]]:
    """Hands-On NN ch. 5's two tagged sentences for the LSTM part-of-speech tagger (tags DET/NN/V)."""
    return [("My grandmother ate the polemta".split(), ["DET", "NN", "V", "DET", "NN"]),
            ("Marina read my book".split(), ["NN", "V", "DET", "NN"])]


# -- quick-mode stand-ins ----------------------------------------------------------------------
def fake_images(n: int = 256, shape: tuple[int, ...] = (28, 28), classes: int = 10, seed: int = 0,
                dtype=np.uint8, noise: float = 0.35):
    """Learnable fake images: one random template per class plus noise.

    Args:
        n: number of images.
        shape: ``(H, W)`` or ``(H, W, C)``.
        classes: number of classes (labels balanced, shuffled).
        dtype: ``uint8`` (0..255, like MNIST/CIFAR) or a float dtype (0..1).
        noise: noise level relative to the template contrast.

    Returns:
        ``(x (n, *shape) dtype, y (n,) uint8)``.
    """
    rng = np.random.default_rng(seed)
    templates = rng.random((classes, *shape))  # (K, *shape) in [0, 1)
    y = rng.permutation(np.arange(n) % classes)
    x = np.clip((1 - noise) * templates[y] + noise * rng.random((n, *shape)), 0.0, 1.0)
    if np.issubdtype(np.dtype(dtype), np.integer):
        return (x * 255).round().astype(dtype), y.astype(np.uint8)
    return x.astype(dtype), y.astype(np.uint8)


def fake_sequences(n: int = 256, vocab: int = 1000, length: int = 100, classes: int = 2, seed: int = 0,
                   ragged: bool = True, start_char: int | None = 1, index_from: int = 3):
    """Learnable fake token sequences in Keras' IMDB/Reuters form.

    Each class prefers its own slice of the vocabulary, so a bag-of-words model can learn it.

    Args:
        n: number of sequences.
        vocab: indices lie in ``[index_from, vocab)`` (plus `start_char` in front).
        length: maximum length (ragged) or exact length (``ragged=False``).
        classes: number of labels.
        ragged: object array of int lists (Keras form) rather than an ``(n, length)`` int64 array.

    Returns:
        ``(x, y (n,) int64)``.
    """
    if vocab <= index_from + classes:
        raise ValueError(f"fake_sequences: vocab={vocab} is too small for index_from={index_from} and {classes} classes")
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % classes).astype(np.int64)
    lengths = rng.integers(max(2, length // 4), length + 1, n) if ragged else np.full(n, length)
    band = (vocab - index_from) // classes
    total = int(lengths.sum())
    own = rng.random(total) < 0.6  # 60 % of tokens come from the class's own band
    seg = np.repeat(np.arange(n), lengths)
    tokens = np.where(own, index_from + y[seg] * band + rng.integers(0, band, total),
                      rng.integers(index_from, vocab, total))
    if start_char is not None:
        starts = np.cumsum(lengths) - lengths
        tokens[starts] = start_char
    if not ragged:
        return tokens.reshape(n, length), y
    flat, ends = tokens.tolist(), np.cumsum(lengths).tolist()
    x = np.empty(n, dtype=object)
    for i, (a, b) in enumerate(zip([0] + ends[:-1], ends)):
        x[i] = flat[a:b]
    return x, y


def fake_text(n_chars: int = 5000, seed: int = 0, words: int = 40) -> str:
    """Lower-case pseudo-English text (a small vocabulary of random words) for char/word models."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("etaoinshrdlucmfwypvbgk"))
    vocab = ["".join(rng.choice(letters, rng.integers(1, 8))) for _ in range(words)]
    out, size = [], 0
    while size < n_chars:
        sentence = " ".join(rng.choice(vocab, rng.integers(4, 12))) + ". "
        out.append(sentence)
        size += len(sentence)
    return "".join(out)[:n_chars]


def fake_regression(n: int = 256, features: int = 13, seed: int = 0, noise: float = 0.1):
    """A linear-plus-mild-nonlinear regression set: ``(x (n, features) float64, y (n,) float64)``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    w = rng.normal(size=features)
    y = x @ w + 0.5 * np.sin(x[:, 0]) + noise * rng.normal(size=n)
    return x, y


def fake_timeseries(n_steps: int = 2000, features: int = 14, period: int = 144, seed: int = 0) -> np.ndarray:
    """Weather-like series (daily cycle of `period` steps + drift + noise): ``(n_steps, features)`` float32.

    Column 1 plays Jena's temperature (``T (degC)``) so recipes can use the same column index.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(n_steps)[:, None]  # (T, 1)
    phase = rng.uniform(0, 2 * math.pi, features)
    amp = rng.uniform(0.5, 5.0, features)
    base = rng.uniform(-5, 1000, features)
    drift = np.cumsum(rng.normal(0, 0.05, (n_steps, features)), axis=0)
    return (base + amp * np.sin(2 * math.pi * t / period + phase) + drift
            + 0.1 * rng.normal(size=(n_steps, features))).astype(np.float32)


def fake_ratings(n_users: int = 80, n_items: int = 60, groups: int = 3, density: float = 0.3, seed: int = 0):
    """MovieLens-like ratings with taste groups: users of a group rate their group's items higher and more often.

    Returns:
        ``{"user", "item", "rating" (1..5 in halves), "timestamp"}`` arrays plus ``{"movie_id", "title"}``,
        the layout of `deepdojo.data.tabular.load_movielens`.
    """
    rng = np.random.default_rng(seed)
    user_group, item_group = rng.integers(0, groups, n_users), rng.integers(0, groups, n_items)
    same = user_group[:, None] == item_group[None, :]  # (U, I)
    rated = rng.random((n_users, n_items)) < np.where(same, 2 * density, density / 2)
    users, items = np.nonzero(rated)
    base = np.where(same[users, items], 4.5, 2.0)
    rating = np.clip(np.round(2 * (base + rng.normal(0, 0.5, len(users)))) / 2, 0.5, 5.0)
    return {"user": users + 1, "item": items + 1, "rating": rating, "timestamp": np.arange(len(users)),
            "movie_id": np.arange(1, n_items + 1), "title": np.array([f"Movie {i}" for i in range(1, n_items + 1)], dtype=object)}


def fake_labeled_texts(n: int = 200, classes: int = 2, seed: int = 0, words_per_text: int = 30):
    """Learnable fake reviews: each class mixes its own marker words into shared filler words.

    Returns:
        ``(texts: list[str], labels (n,) int64)`` - a stand-in for raw IMDB / newsgroups text.
    """
    rng = np.random.default_rng(seed)
    filler = [f"w{i}" for i in range(200)]
    markers = [[f"c{k}m{i}" for i in range(10)] for k in range(classes)]
    y = rng.permutation(np.arange(n) % classes).astype(np.int64)
    texts = []
    for label in y:  # data generation, not a training loop
        words = list(rng.choice(filler, words_per_text)) + list(rng.choice(markers[label], max(2, words_per_text // 6)))
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + ".")
    return texts, y


def fake_pairs(n: int = 200, seed: int = 0, max_words: int = 6) -> list[tuple[str, str]]:
    """Fake translation pairs: the "Spanish" side is a fixed word-by-word mapping of the "English" side."""
    rng = np.random.default_rng(seed)
    src = [f"e{i}" for i in range(60)]
    dst = {w: f"s{i}" for i, w in enumerate(rng.permutation(src))}
    pairs = []
    for _ in range(n):
        words = list(rng.choice(src, rng.integers(1, max_words + 1)))
        pairs.append((" ".join(words) + ".", " ".join(dst[w] for w in words) + "."))
    return pairs
