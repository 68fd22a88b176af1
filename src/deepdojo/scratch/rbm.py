"""Restricted Boltzmann machines (Bernoulli units, CD-k) and deep belief networks (Hands-On ch. 9).

An RBM has energy ``E(v, h) = -a.v - b.h - v W h``; both conditionals factorise into sigmoids,
``p(h=1|v) = sigmoid(v W + b)`` and ``p(v=1|h) = sigmoid(h W^T + a)``. Contrastive divergence
(CD-k) approximates the log-likelihood gradient by ``<v h>_data - <v h>_k-step reconstruction``.
A DBN stacks RBMs greedily (each trained on the hidden probabilities of the one below), then
unrolls them into an MLP whose sigmoid layers start from the RBM weights and fine-tunes it by
backpropagation.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from deepdojo.scratch.activations import sigmoid
from deepdojo.scratch.layers import MLP, Dense, Dropout
from deepdojo.scratch.threads import blas_threads


class RBM:
    """A Bernoulli-Bernoulli RBM trained with CD-k.

    Args:
        n_visible, n_hidden: layer sizes.
        rng: initial weights N(0, 0.01) as in the book, and the Gibbs samples.
        dtype: float32 is plenty for CD's noisy updates.
    """

    def __init__(self, n_visible: int, n_hidden: int, rng: np.random.Generator | None = None, dtype=np.float32):
        self.rng = rng if rng is not None else np.random.default_rng(0)
        self.W = self.rng.normal(0.0, 0.01, size=(n_visible, n_hidden)).astype(dtype)
        self.vb = np.zeros(n_visible, dtype=dtype)  # visible biases a
        self.hb = np.zeros(n_hidden, dtype=dtype)  # hidden biases b

    def hidden_probs(self, v: np.ndarray) -> np.ndarray:
        return sigmoid(v @ self.W + self.hb)  # (B, H)

    def visible_probs(self, h: np.ndarray) -> np.ndarray:
        return sigmoid(h @ self.W.T + self.vb)  # (B, V)

    def sample(self, p: np.ndarray) -> np.ndarray:
        """Bernoulli samples with probabilities `p` (the book's ``relu(sign(p - U))``)."""
        return (self.rng.random(p.shape, dtype=p.dtype) < p).astype(p.dtype)

    def free_energy(self, v: np.ndarray) -> np.ndarray:
        """``F(v) = -a.v - sum_j log(1 + exp(v W + b)_j)``, one value per row."""
        return -(v @ self.vb) - np.logaddexp(0, v @ self.W + self.hb).sum(axis=1)

    def reconstruct(self, v: np.ndarray) -> np.ndarray:
        """One deterministic up-down pass: ``p(v | p(h | v))`` (used for recommendations)."""
        return self.visible_probs(self.hidden_probs(v))

    def cd_step(self, v0: np.ndarray, lr: float, k: int = 1, sample_visible: bool = True) -> float:
        """One contrastive-divergence update on a batch; returns the batch's reconstruction MSE.

        Args:
            v0: ``(B, V)`` data in [0, 1].
            lr: learning rate (the book's alpha).
            k: Gibbs steps.
            sample_visible: binarise the reconstructions (the book does); otherwise use their
                probabilities, which Hinton's practical guide recommends for less noise.
        """
        h0p = self.hidden_probs(v0)  # (B, H)
        h = self.sample(h0p)
        for _ in range(k):
            vkp = self.visible_probs(h)
            vk = self.sample(vkp) if sample_visible else vkp
            hkp = self.hidden_probs(vk)
            h = self.sample(hkp)
        batch = v0.shape[0]
        # Statistics use hidden probabilities rather than the book's samples (same expectation,
        # less noise; Hinton's guide, section 3); the samples only drive the Gibbs chain.
        self.W += lr * (v0.T @ h0p - vk.T @ hkp) / batch
        self.vb += lr * (v0 - vk).mean(axis=0)
        self.hb += lr * (h0p - hkp).mean(axis=0)
        return float(((v0 - vk) ** 2).mean())

    def fit(self, data: np.ndarray, *, epochs: int, batch_size: int, lr: float, k: int = 1,
            sample_visible: bool = True, shuffle: bool = True,
            on_epoch_end: Callable[[int, float], None] | None = None) -> list[float]:
        """Train with CD-k for `epochs`; after each epoch record the whole set's reconstruction MSE.

        Every sample is used each epoch (the book's ``zip(range(0, n, bs), range(bs, n, bs))``
        silently dropped the last batch).

        Returns:
            Reconstruction error per epoch: mean of ``(v - v_sampled)^2`` over the whole data,
            as the book's ``err_sum``.
        """
        data = np.asarray(data, dtype=self.W.dtype)
        errors = []
        with blas_threads():
            for epoch in range(epochs):
                order = self.rng.permutation(len(data)) if shuffle else np.arange(len(data))
                for start in range(0, len(data), batch_size):
                    self.cd_step(data[order[start:start + batch_size]], lr, k, sample_visible)
                errors.append(self.reconstruction_error(data, sample_visible))
                if on_epoch_end is not None:
                    on_epoch_end(epoch, errors[-1])
        return errors

    def reconstruction_error(self, data: np.ndarray, sample_visible: bool = True) -> float:
        """Mean squared difference between `data` and one Gibbs reconstruction of it."""
        vp = self.visible_probs(self.sample(self.hidden_probs(data)))
        v = self.sample(vp) if sample_visible else vp
        return float(((data - v) ** 2).mean())


class DBN:
    """A deep belief network: greedily stacked RBMs, optionally fine-tuned as an MLP.

    Args:
        n_visible: input width (data in [0, 1]).
        hidden: widths of the stacked hidden layers, e.g. ``[256, 256]``.
        rng: seeds every RBM.
    """

    def __init__(self, n_visible: int, hidden: list[int], rng: np.random.Generator | None = None, dtype=np.float32):
        self.rng = rng if rng is not None else np.random.default_rng(0)
        sizes = [n_visible, *hidden]
        self.rbms = [RBM(a, b, self.rng, dtype) for a, b in zip(sizes[:-1], sizes[1:])]

    def pretrain(self, data: np.ndarray, *, epochs: int, batch_size: int, lr: float, k: int = 1,
                 on_epoch_end: Callable[[int, int, float], None] | None = None) -> list[list[float]]:
        """Greedy layer-wise CD-k: RBM i learns from the hidden probabilities of RBM i-1.

        Returns:
            One reconstruction-error curve per RBM.
        """
        curves = []
        x = np.asarray(data, dtype=self.rbms[0].W.dtype)
        for i, rbm in enumerate(self.rbms):
            callback = (lambda e, err, i=i: on_epoch_end(i, e, err)) if on_epoch_end else None
            # Reconstructions as probabilities, not binary samples: grey-level pixels and the upper
            # layers' probability inputs are not binary, and the gradient is less noisy.
            curves.append(rbm.fit(x, epochs=epochs, batch_size=batch_size, lr=lr, k=k,
                                  sample_visible=False, on_epoch_end=callback))
            x = rbm.hidden_probs(x)
        return curves

    def transform(self, data: np.ndarray) -> np.ndarray:
        """Features: the top layer's hidden probabilities."""
        x = np.asarray(data, dtype=self.rbms[0].W.dtype)
        for rbm in self.rbms:
            x = rbm.hidden_probs(x)
        return x

    def to_mlp(self, n_out: int, out_activation: str = "linear", dropout: float = 0.0, dtype=np.float32) -> MLP:
        """Unroll into an MLP for fine-tuning: sigmoid Dense layers initialised from the RBMs
        (each followed by inverted dropout when `dropout` > 0), plus a new output layer."""
        layers = []
        for rbm in self.rbms:
            dense = Dense(*rbm.W.shape, "sigmoid", rng=self.rng, dtype=dtype)
            dense.params["W"], dense.params["b"] = rbm.W.astype(dtype).copy(), rbm.hb.astype(dtype).copy()
            layers.append(dense)
            if dropout:
                layers.append(Dropout(dropout, self.rng))
        layers.append(Dense(self.rbms[-1].W.shape[1], n_out, out_activation, rng=self.rng, dtype=dtype))
        return MLP.from_layers(layers)
