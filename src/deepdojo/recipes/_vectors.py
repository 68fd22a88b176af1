"""Shared plumbing of the vector and table classics (IMDB, Reuters, MNIST dense, ensembles).

Not a recipe module (the leading underscore keeps the registry from importing it for recipes):
loaders that return the real data or, in quick mode, a synthetic stand-in of the same shapes and
dtypes, and the Keras-initialised Dense network they all use.
"""
from __future__ import annotations

from dataclasses import dataclass
import numpy as np
import torch

from deepdojo.nn.mlp import MLP, MLPConfig


@dataclass
class TextVectors:
    """Multi-hot bag-of-words splits of a Keras-style integer-sequence dataset.

    ``x_*`` are ``uint8`` tensors ``(N, num_words)`` (the model casts them per batch);
    ``y_*`` are int64 class ids ``(N,)``; `test_seqs` keeps the integer sequences for decoding.
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    test_seqs: list
    word_index: dict[str, int]


def multi_hot(seqs, dim: int) -> torch.Tensor:
    """Vectorise integer sequences to a ``(N, dim)`` uint8 multi-hot matrix (Chollet's
    ``vectorize_sequences``, without a Python loop over samples).

    Indices ``>= dim`` are dropped (they are out of the vocabulary).

    Args:
        seqs: N integer sequences (lists or arrays).
        dim: vocabulary size (width of the output).

    Returns:
        ``(N, dim)`` uint8 tensor of 0/1.
    """
    lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
    flat = np.concatenate([np.asarray(s, dtype=np.int64) for s in seqs]) if len(seqs) else np.zeros(0, np.int64)
    rows = np.repeat(np.arange(len(seqs)), lengths)  # (total tokens,)
    keep = (flat >= 0) & (flat < dim)
    out = torch.zeros(len(seqs), dim, dtype=torch.uint8)
    out[torch.from_numpy(rows[keep]), torch.from_numpy(flat[keep])] = 1
    return out


def load_text_vectors(dataset: str, num_words: int, *, quick: bool, seed: int, n_train: int = 0,
                      n_test: int = 0) -> TextVectors:
    """IMDB (``"imdb"``, 2 classes) or Reuters (``"reuters"``, 46 topics) as multi-hot vectors.

    Args:
        dataset: ``"imdb"`` or ``"reuters"``.
        num_words: keep the `num_words` most frequent words (Keras ``num_words``).
        quick: use a small synthetic stand-in (no files, no network).
        seed: seed of the stand-in.
        n_train, n_test: keep only the first N samples (0 = all).
    """
    from deepdojo.data import synthetic, text

    if quick:
        n_classes = 2 if dataset == "imdb" else 46
        cut = n_train or 400
        seqs, labels = synthetic.fake_sequences(cut + (n_test or 200), vocab=num_words, length=80, classes=n_classes, seed=seed)
        (tr_s, tr_y), (te_s, te_y) = (seqs[:cut], labels[:cut]), (seqs[cut:], labels[cut:])
        word_index = {f"w{i}": i for i in range(1, num_words)}
    elif dataset == "imdb":
        (tr_s, tr_y), (te_s, te_y) = text.load_imdb(num_words=num_words)
        word_index = text.imdb_word_index()
    elif dataset == "reuters":
        (tr_s, tr_y), (te_s, te_y) = text.load_reuters(num_words=num_words)
        word_index = text.reuters_word_index()
    else:
        raise ValueError(f"unknown text dataset {dataset!r}: use 'imdb' or 'reuters'")
    if n_train:
        tr_s, tr_y = tr_s[:n_train], tr_y[:n_train]
    if n_test:
        te_s, te_y = te_s[:n_test], te_y[:n_test]
    return TextVectors(multi_hot(tr_s, num_words), torch.as_tensor(np.asarray(tr_y), dtype=torch.int64),
                       multi_hot(te_s, num_words), torch.as_tensor(np.asarray(te_y), dtype=torch.int64),
                       list(te_s), word_index)


def dense_net(in_features: int, hidden: tuple[int, ...], out_features: int, *, dropout: float = 0.0,
              l2: float = 0.0, batchnorm: bool = False, activation: str = "relu") -> MLP:
    """A Keras-initialised MLP that outputs logits (the engine's losses apply sigmoid/softmax).

    Args:
        in_features, hidden, out_features: layer widths.
        dropout, l2, batchnorm, activation: as in `MLPConfig`.

    Returns:
        The `MLP`.
    """
    return MLP(MLPConfig(in_features=in_features, hidden=tuple(hidden), out_features=out_features,
                         activation=activation, dropout=dropout, l2=l2, batchnorm=batchnorm))


def n_params(model: torch.nn.Module) -> int:
    """Number of trainable parameters (Keras' ``count_params``)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def load_digits_flat(*, quick: bool, seed: int, n_train: int = 0, n_test: int = 0):
    """MNIST as float32 ``(N, 784)`` in [0, 1] with int64 labels (a stand-in in quick mode).

    Returns:
        ``((x_train, y_train), (x_test, y_test))`` as tensors.
    """
    if quick:
        from deepdojo.data import synthetic

        x, y = synthetic.fake_images((n_train or 512) + (n_test or 256), shape=(28, 28), seed=seed)
        cut = n_train or 512
        (x_tr, y_tr), (x_te, y_te) = (x[:cut], y[:cut]), (x[cut:], y[cut:])
    else:
        from deepdojo.data import vision

        (x_tr, y_tr), (x_te, y_te) = vision.load_mnist()
        if n_train:
            x_tr, y_tr = x_tr[:n_train], y_tr[:n_train]
        if n_test:
            x_te, y_te = x_te[:n_test], y_te[:n_test]

    def prep(x, y):
        x = torch.from_numpy(np.ascontiguousarray(x)).reshape(len(x), -1).to(torch.float32) / 255.0  # (N, 784)
        return x, torch.as_tensor(np.asarray(y), dtype=torch.int64)

    return prep(x_tr, y_tr), prep(x_te, y_te)
