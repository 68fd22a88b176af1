"""Array preprocessing the recipes share, with Keras semantics: multi-hot and one-hot encoding,
``pad_sequences``, a ``TextVectorization``-like vectoriser and training-only normalisation.

Time-series windowing lives in `deepdojo.data.timeseries`, image folders in `deepdojo.data.images`.
"""
from __future__ import annotations

import itertools
import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np


def vectorize_sequences(sequences: Sequence[Sequence[int]], dimension: int = 10000, dtype=np.float32) -> np.ndarray:
    """Multi-hot encode integer sequences (DLwP §3.4): row i has 1.0 at every index in sequence i.

    Args:
        sequences: N lists of ints in ``[0, dimension)``.
        dimension: width of the output.

    Returns:
        ``(N, dimension)`` array of 0/1.

    Raises:
        ValueError: an index is negative or >= dimension (load the data with ``num_words=dimension``).
    """
    out = np.zeros((len(sequences), dimension), dtype=dtype)
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    if lengths.sum() == 0:
        return out
    total = int(lengths.sum())
    cols = np.fromiter(itertools.chain.from_iterable(sequences), dtype=np.int64, count=total)  # (total,) one pass
    if cols.min() < 0 or cols.max() >= dimension:
        raise ValueError(f"vectorize_sequences: indices must lie in [0, {dimension}), found {cols.min()}..{cols.max()}; "
                         f"load the data with num_words={dimension} or raise `dimension`")
    flat = np.repeat(np.arange(len(sequences)) * dimension, lengths) + cols  # (total,) row-major positions
    out.reshape(-1)[flat] = 1
    return out


def to_categorical(y: Sequence[int] | np.ndarray, num_classes: int | None = None, dtype=np.float32) -> np.ndarray:
    """One-hot encode class labels like ``keras.utils.to_categorical``.

    Args:
        y: integer labels of any shape; a trailing axis of size 1 is dropped (Keras does the same).
        num_classes: number of classes; default ``max(y) + 1``.

    Returns:
        ``y.shape + (num_classes,)`` array.
    """
    y = np.asarray(y, dtype=np.int64)
    if y.ndim > 1 and y.shape[-1] == 1:
        y = y[..., 0]
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"to_categorical: labels must lie in [0, {num_classes}), found {y.min()}..{y.max()}")
    return np.eye(num_classes, dtype=dtype)[y]


def pad_sequences(sequences: Sequence[Sequence], maxlen: int | None = None, dtype="int32", padding: str = "pre",
                  truncating: str = "pre", value: float = 0.0) -> np.ndarray:
    """Pad/truncate sequences to one length, exactly like ``keras.utils.pad_sequences``.

    Args:
        sequences: N sequences (lists or arrays; elements may themselves be vectors).
        maxlen: output length; default the longest sequence.
        padding: ``"pre"`` puts the padding before the sequence, ``"post"`` after it.
        truncating: ``"pre"`` drops the start of long sequences, ``"post"`` the end.
        value: the padding value.

    Returns:
        ``(N, maxlen, *feature_shape)`` array of `dtype`.
    """
    if padding not in ("pre", "post") or truncating not in ("pre", "post"):
        raise ValueError(f"pad_sequences: padding and truncating must be 'pre' or 'post', got {padding!r}, {truncating!r}")
    lengths = [len(s) for s in sequences]
    if maxlen is None:
        maxlen = max(lengths, default=0)
    feature_shape = next((np.asarray(s).shape[1:] for s in sequences if len(s)), ())
    out = np.full((len(sequences), maxlen, *feature_shape), value, dtype=dtype)
    if maxlen == 0:
        return out
    for i, s in enumerate(sequences):  # one slice assignment per row; the copy itself is vectorised
        if not len(s):
            continue
        trunc = np.asarray(s[-maxlen:] if truncating == "pre" else s[:maxlen], dtype=dtype)
        if padding == "post":
            out[i, : len(trunc)] = trunc
        else:
            out[i, maxlen - len(trunc):] = trunc
    return out


def hashing_trick(text: str, n: int) -> list[int]:
    """Keras' ``hashing_trick(text, n, hash_function="md5")``: each word → ``md5 % (n - 1) + 1``.

    Deterministic across processes, unlike Keras' ``one_hot`` (Python's salted ``hash``); distinct
    words can still collide, which is the point the Hands-On pizza example makes.
    """
    import hashlib

    words = _PUNCT_KERAS.sub(" ", text.lower()).split()
    return [int(hashlib.md5(w.encode()).hexdigest(), 16) % (n - 1) + 1 for w in words]


KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'  # keras.preprocessing.text.Tokenizer's default
_PUNCT_KERAS = re.compile("[" + re.escape(KERAS_FILTERS) + "]")


def standardize(text: str) -> str:
    """Keras ``TextVectorization`` default standardisation: lower-case, strip ASCII punctuation."""
    return _PUNCT.sub("", text.lower())


_PUNCT = re.compile(f"[{re.escape(string.punctuation)}]")


class TextVectorizer:
    """A small ``TextVectorization``: standardise → split on whitespace → vocabulary → indices.

    Index 0 is padding and 1 the OOV token ``[UNK]`` (Keras' convention); words are ranked by
    frequency in the texts passed to `adapt` (ties broken by first appearance).

    Args:
        max_tokens: vocabulary size including the two reserved indices; None keeps every word.
        output_mode: ``"int"`` (padded index sequences), ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        output_sequence_length: pad/truncate ``"int"`` output to this length (post, like Keras).
        ngrams: also index n-grams up to this size (2 = unigrams + bigrams).
        standardize_fn: the standardisation; None to keep text as is.
    """

    def __init__(self, max_tokens: int | None = None, output_mode: str = "int",
                 output_sequence_length: int | None = None, ngrams: int = 1, standardize_fn=standardize):
        if output_mode not in ("int", "multi_hot", "count", "tf_idf"):
            raise ValueError(f"TextVectorizer: output_mode must be int, multi_hot, count or tf_idf, got {output_mode!r}")
        self.max_tokens, self.output_mode = max_tokens, output_mode
        self.output_sequence_length, self.ngrams = output_sequence_length, ngrams
        self.standardize_fn = standardize_fn
        self.vocabulary: list[str] = []
        self.index: dict[str, int] = {}
        self.idf: np.ndarray | None = None

    def tokens(self, text: str) -> list[str]:
        words = (self.standardize_fn(text) if self.standardize_fn else text).split()
        out = list(words)
        for n in range(2, self.ngrams + 1):
            out += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
        return out

    def adapt(self, texts: Iterable[str]) -> "TextVectorizer":
        """Build the vocabulary (and idf weights for ``tf_idf``) from `texts`."""
        counts, docs, n_docs = Counter(), Counter(), 0
        for t in texts:
            toks = self.tokens(t)
            counts.update(toks)
            docs.update(set(toks))
            n_docs += 1
        limit = None if self.max_tokens is None else max(self.max_tokens - 2, 0)
        words = [w for w, _ in sorted(counts.items(), key=lambda kv: -kv[1])][:limit]  # stable: first seen wins ties
        self.vocabulary = ["", "[UNK]"] + words
        self.index = {w: i for i, w in enumerate(self.vocabulary)}
        df = np.array([0, 0] + [docs[w] for w in words], dtype=np.float64)
        self.idf = np.log(1 + n_docs / (1 + df)).astype(np.float32)  # Keras' idf formula
        return self

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Vectorise `texts`: ``(N, L)`` int64 for ``"int"``, else ``(N, vocab)`` float32."""
        if not self.vocabulary:
            raise RuntimeError("TextVectorizer: call adapt(texts) before vectorising")
        seqs = [[self.index.get(w, 1) for w in self.tokens(t)] for t in texts]
        if self.output_mode == "int":
            return pad_sequences(seqs, maxlen=self.output_sequence_length, dtype="int64", padding="post", truncating="post")
        vocab = len(self.vocabulary)
        out = np.zeros((len(seqs), vocab), dtype=np.float32)
        rows = np.repeat(np.arange(len(seqs)), [len(s) for s in seqs])
        cols = np.fromiter((i for s in seqs for i in s), dtype=np.int64, count=len(rows))
        np.add.at(out, (rows, cols), 1.0)
        out[:, 0] = 0  # padding never counts
        if self.output_mode == "multi_hot":
            return (out > 0).astype(np.float32)
        if self.output_mode == "tf_idf":
            return out * self.idf
        return out


class Normalizer:
    """Feature-wise standardisation with statistics from the training data only (no leak).

    Args:
        axis: axes reduced when computing mean/std (default 0: per feature).
        eps: guards against zero variance.
    """

    def __init__(self, axis: int | tuple[int, ...] = 0, eps: float = 1e-7):
        self.axis, self.eps = axis, eps
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None

    def fit(self, x: np.ndarray) -> "Normalizer":
        x = np.asarray(x, dtype=np.float64)
        self.mean = x.mean(axis=self.axis, keepdims=True)
        self.std = x.std(axis=self.axis, keepdims=True)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        if self.mean is None:
            raise RuntimeError("Normalizer: call fit(x_train) first")
        return ((np.asarray(x, dtype=np.float64) - self.mean) / (self.std + self.eps)).astype(np.float32)

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        return self.fit(x).transform(x)

    def inverse_transform(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) * (self.std + self.eps) + self.mean).astype(np.float32)


def train_val_split(n: int, val_fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Reproducible shuffled index split: ``(train_idx, val_idx)``."""
    if not 0 <= val_fraction < 1:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
    perm = np.random.default_rng(seed).permutation(n)
    n_val = int(round(n * val_fraction))
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])
