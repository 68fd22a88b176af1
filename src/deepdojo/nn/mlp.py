"""Multi-layer perceptrons: the Dense stacks of the classic vector and table examples.

One `MLP` covers Chollet's 16-16-1 IMDB net, the 64-64-46 Reuters net, the 64-64-1 Boston
regressor, MNIST's Dense512, the embarc insurance nets (with BatchNorm and Dropout) and the
Hands-On perceptron and XOR nets (tanh, sigmoid output, zero init).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity}
OUTPUTS = {"logits": nn.Identity, "sigmoid": nn.Sigmoid, "softmax": lambda: nn.Softmax(dim=-1),
           "linear": nn.Identity}


@dataclass(frozen=True)
class MLPConfig:
    in_features: int = 784
    """Input features (flattened)."""
    hidden: tuple[int, ...] = (512,)
    """Units of each hidden Dense layer; () gives a single Dense layer (a perceptron)."""
    out_features: int = 10
    """Units of the output layer."""
    activation: str = "relu"
    """Hidden activation: relu, tanh, sigmoid or linear."""
    output: str = "logits"
    """Output activation: logits (for the engine's from_logits losses), sigmoid, softmax or linear."""
    batchnorm: bool = False
    """BatchNorm after each hidden activation (embarc's Dense → ReLU → BN → Dropout block)."""
    dropout: float = 0.0
    """Dropout rate after each hidden block (0 disables)."""
    init: str = "keras"
    """Weight init: keras (Glorot-uniform kernels, zero biases), zeros, or torch (PyTorch's default)."""
    l2: float = 0.0
    """Keras ``kernel_regularizer=l2(l2)`` on every Dense kernel (0 disables)."""


class MLP(nn.Module):
    """``(B, in_features)`` → hidden blocks → ``(B, out_features)``.

    Inputs of any dtype are cast to the weights' dtype inside `forward`, so multi-hot data can be
    kept as ``uint8`` in memory (IMDB's 25,000 × 10,000 matrix is 250 MB instead of 1 GB) and
    converted one batch at a time.
    """

    def __init__(self, cfg: MLPConfig = MLPConfig()):
        super().__init__()
        if cfg.activation not in ACTIVATIONS:
            raise ValueError(f"MLPConfig.activation must be one of {sorted(ACTIVATIONS)}, got {cfg.activation!r}")
        if cfg.output not in OUTPUTS:
            raise ValueError(f"MLPConfig.output must be one of {sorted(OUTPUTS)}, got {cfg.output!r}")
        if not 0.0 <= cfg.dropout < 1.0:
            raise ValueError(f"MLPConfig.dropout must be in [0, 1), got {cfg.dropout}")
        self.cfg = cfg
        layers: list[nn.Module] = []
        width = cfg.in_features
        for units in cfg.hidden:
            layers += [nn.Linear(width, units), ACTIVATIONS[cfg.activation]()]
            if cfg.batchnorm:
                # Keras' BatchNormalization defaults: momentum 0.99 (torch counts 1 - 0.99), eps 1e-3.
                layers.append(nn.BatchNorm1d(units, momentum=0.01, eps=1e-3))
            if cfg.dropout:
                layers.append(nn.Dropout(cfg.dropout))
            width = units
        layers += [nn.Linear(width, cfg.out_features), OUTPUTS[cfg.output]()]
        self.net = nn.Sequential(*layers)
        init_weights_(self, cfg.init)
        if cfg.l2:
            add_l2_(self.kernels(), cfg.l2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.reshape(x.shape[0], -1)  # (B, ...) -> (B, in_features), e.g. MNIST (B, 28, 28)
        return self.net(x.to(self.net[0].weight.dtype))  # (B, out_features)

    def kernels(self) -> list[nn.Parameter]:
        """The Dense kernels (not biases, not BatchNorm): what a Keras ``kernel_regularizer`` acts on."""
        return [m.weight for m in self.modules() if isinstance(m, nn.Linear)]


def init_weights_(model: nn.Module, scheme: str = "keras") -> nn.Module:
    """Initialise every Linear layer of `model` in place.

    Args:
        model: any module.
        scheme: ``keras`` (Glorot-uniform kernels, zero biases, as Keras' Dense), ``zeros``
            (the Hands-On perceptron's ``kernel_initializer="zero"``) or ``torch`` (leave as is).

    Returns:
        `model`.
    """
    if scheme == "torch":
        return model
    if scheme not in ("keras", "zeros"):
        raise ValueError(f"init must be 'keras', 'zeros' or 'torch', got {scheme!r}")
    for m in model.modules():
        if isinstance(m, nn.Linear):
            if scheme == "keras":
                nn.init.xavier_uniform_(m.weight)
            else:
                nn.init.zeros_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model


def add_l2_(params: list[nn.Parameter], l2: float) -> None:
    """Give `params` Keras' L2 regulariser ``l2 * sum(w**2)`` as a gradient hook.

    The hook adds the penalty's gradient ``2 * l2 * w`` to each kernel's gradient, which is exactly
    what Keras' ``kernel_regularizer`` contributes (before RMSprop/Adam scaling), works with any
    optimizer, and belongs to the model as in Keras. Unlike Keras, the logged loss does not include
    the penalty term. Biases and BatchNorm parameters are not regularised, as in Keras.

    Args:
        params: the kernels to regularise.
        l2: the Keras factor (e.g. 0.001).
    """
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2}")
    for p in params:
        p.register_hook(lambda g, p=p: g + (2.0 * l2) * p.detach())
