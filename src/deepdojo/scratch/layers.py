"""Layers, a sequential MLP and optimizers, by hand: forward and backward over a minibatch.

A layer holds ``params`` and, after ``backward``, ``grads`` (same keys). Shapes: inputs are
``(B, in)``, a Dense weight is ``(in, out)`` so that ``z = x @ W + b`` (the Keras layout).
"""
from __future__ import annotations

import numpy as np

from deepdojo.scratch.activations import Activation, get_activation


def init_weights(rng: np.random.Generator, fan_in: int, fan_out: int, scheme: str = "glorot", dtype=np.float64):
    """Initial weights ``(fan_in, fan_out)``.

    Args:
        scheme: ``glorot`` (uniform, Keras' default), ``he`` (normal, for ReLU) or ``normal``
            (N(0, 1), the Hands-On FFNN's ``np.random.randn``).
    """
    if scheme == "glorot":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-limit, limit, size=(fan_in, fan_out))
    elif scheme == "he":
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    elif scheme == "normal":
        w = rng.normal(0.0, 1.0, size=(fan_in, fan_out))
    else:
        raise ValueError(f"unknown init scheme {scheme!r}; choose glorot, he or normal")
    return w.astype(dtype)


class Dense:
    """Fully connected layer ``a = f(x @ W + b)``.

    Args:
        n_in, n_out: input and output widths.
        activation: a name from `ACTIVATIONS` (``linear`` for raw scores).
        rng: generator for the initial weights.
        init: see `init_weights`.
        dtype: float64 for exact checks, float32 for speed.
    """

    def __init__(self, n_in: int, n_out: int, activation: str | Activation = "linear", *,
                 rng: np.random.Generator | None = None, init: str = "glorot", dtype=np.float64):
        rng = rng if rng is not None else np.random.default_rng(0)
        self.activation = get_activation(activation)
        self.params = {"W": init_weights(rng, n_in, n_out, init, dtype), "b": np.zeros(n_out, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cache: tuple | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        z = x @ self.params["W"] + self.params["b"]  # (B, out)
        a = self.activation(z)
        self._cache = (x, z, a)
        return a

    def backward(self, grad_a: np.ndarray) -> np.ndarray:
        if self._cache is None:
            raise RuntimeError("Dense.backward called before forward")
        x, z, a = self._cache
        grad_z = self.activation.backward(z, a, grad_a)  # (B, out)
        self.grads["W"] = x.T @ grad_z  # (in, out): summed over the batch
        self.grads["b"] = grad_z.sum(axis=0)
        return grad_z @ self.params["W"].T  # (B, in)


class Dropout:
    """Inverted dropout (Cazenave, DLwP): at training time zero each unit with probability `rate`
    and scale the survivors by ``1 / (1 - rate)``, so inference needs no rescaling.

    Args:
        rate: fraction of units dropped, in [0, 1).
        rng: generator for the masks.
    """

    def __init__(self, rate: float, rng: np.random.Generator | None = None):
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"dropout rate must lie in [0, 1), got {rate}")
        self.rate = rate
        self.rng = rng if rng is not None else np.random.default_rng(0)
        self.params, self.grads = {}, {}
        self._mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.rate == 0.0:
            self._mask = None
            return x
        keep = 1.0 - self.rate
        self._mask = (self.rng.random(x.shape) < keep).astype(x.dtype) / keep
        return x * self._mask

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad if self._mask is None else grad * self._mask


class MLP:
    """A sequential stack of layers with forward and backward passes.

    Args:
        sizes: layer widths including the input, e.g. ``[784, 128, 10]``.
        activations: one activation per Dense layer (``len(sizes) - 1``); end in ``linear`` and
            use the ``softmax_cross_entropy`` loss for classifiers.
        dropout: inverted-dropout rate after each hidden layer (0 for none).
        rng, init, dtype: as for `Dense`.
    """

    def __init__(self, sizes: list[int], activations: list[str], *, dropout: float = 0.0,
                 rng: np.random.Generator | None = None, init: str = "glorot", dtype=np.float64):
        if len(activations) != len(sizes) - 1:
            raise ValueError(f"{len(sizes) - 1} Dense layers need {len(sizes) - 1} activations, got {len(activations)}")
        rng = rng if rng is not None else np.random.default_rng(0)
        self.dtype = dtype
        self.layers: list = []
        for i, (n_in, n_out, act) in enumerate(zip(sizes[:-1], sizes[1:], activations)):
            self.layers.append(Dense(n_in, n_out, act, rng=rng, init=init, dtype=dtype))
            if dropout and i < len(activations) - 1:
                self.layers.append(Dropout(dropout, rng))

    @classmethod
    def from_layers(cls, layers: list) -> "MLP":
        model = cls.__new__(cls)
        model.layers = list(layers)
        model.dtype = next(l.params["W"].dtype for l in layers if "W" in l.params)
        return model

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    __call__ = forward

    def backward(self, grad: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def predict(self, x: np.ndarray, batch_size: int = 4096) -> np.ndarray:
        """Outputs for `x` in inference mode, in chunks so memory stays bounded."""
        x = np.asarray(x, dtype=self.dtype)
        return np.concatenate([self.forward(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])

    def state_dict(self) -> dict[str, np.ndarray]:
        """``{"0.W": ..., "0.b": ...}``: flat arrays, ready for ``safetensors.numpy.save_file``."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        for i, layer in enumerate(self.layers):
            for k in layer.params:
                value = state[f"{i}.{k}"]
                if value.shape != layer.params[k].shape:
                    raise ValueError(f"{i}.{k}: saved shape {value.shape} != model shape {layer.params[k].shape}")
                layer.params[k] = np.asarray(value, dtype=layer.params[k].dtype).copy()

    def n_params(self) -> int:
        return sum(v.size for layer in self.layers for v in layer.params.values())


class SGD:
    """Stochastic gradient descent with optional (heavy-ball) momentum, as Keras' SGD.

    Args:
        lr: learning rate.
        momentum: velocity decay (0 for plain SGD: ``w -= lr * g``).
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.0):
        self.lr, self.momentum = lr, momentum
        self._velocity: dict[tuple[int, str], np.ndarray] = {}

    def step(self, layers: list) -> None:
        for i, layer in enumerate(layers):
            for k, p in layer.params.items():
                g = layer.grads[k]
                if self.momentum:
                    v = self._velocity.setdefault((i, k), np.zeros_like(p))
                    v *= self.momentum
                    v -= self.lr * g
                    p += v
                else:
                    p -= self.lr * g


class Adam:
    """Adam (Kingma & Ba, algorithm 1: eps added to the bias-corrected sqrt(v), as PyTorch does).

    Args:
        lr, beta1, beta2, eps: the usual hyperparameters.
    """

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-7):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self._m: dict[tuple[int, str], np.ndarray] = {}
        self._v: dict[tuple[int, str], np.ndarray] = {}

    def step(self, layers: list) -> None:
        self.t += 1
        c1, c2 = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t
        for i, layer in enumerate(layers):
            for k, p in layer.params.items():
                g = layer.grads[k]
                m = self._m.setdefault((i, k), np.zeros_like(p))
                v = self._v.setdefault((i, k), np.zeros_like(p))
                m += (1 - self.beta1) * (g - m)
                v += (1 - self.beta2) * (g * g - v)
                p -= (self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)).astype(p.dtype, copy=False)
