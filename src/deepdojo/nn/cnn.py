"""Small VGG-style convnets: Conv-ReLU(-MaxPool) blocks, then Dense layers (Chollet's MNIST convnet family)."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class ConvNetConfig:
    in_shape: tuple[int, int, int] = (1, 28, 28)
    """Input (channels, height, width)."""
    channels: tuple[int, ...] = (32, 64, 64)
    """Filters of each 3x3 conv layer."""
    pool_after: tuple[bool, ...] = (True, True, False)
    """Whether a 2x2 max-pool follows each conv layer."""
    padding: str = "valid"
    """'valid' (Keras default, no padding) or 'same'."""
    dense: tuple[int, ...] = (64,)
    """Hidden Dense layers after flattening."""
    dropout: float = 0.0
    """Dropout before the output layer (0 = none)."""
    n_classes: int = 10
    """Output units (logits)."""


class ConvNet(nn.Module):
    """Chollet's convnet by default: Conv32-MP-Conv64-MP-Conv64-Flatten-Dense64-Dense10 on 28x28x1.

    Outputs logits ``(B, n_classes)``; losses by name apply the softmax.
    """

    def __init__(self, cfg: ConvNetConfig = ConvNetConfig()):
        super().__init__()
        if len(cfg.pool_after) != len(cfg.channels):
            raise ValueError(f"pool_after has {len(cfg.pool_after)} entries for {len(cfg.channels)} conv layers")
        self.cfg = cfg
        c, h, w = cfg.in_shape
        layers: list[nn.Module] = []
        for out, pool in zip(cfg.channels, cfg.pool_after):
            layers += [nn.Conv2d(c, out, 3, padding=1 if cfg.padding == "same" else 0), nn.ReLU()]
            if cfg.padding != "same":
                h, w = h - 2, w - 2
            if pool:
                layers.append(nn.MaxPool2d(2))
                h, w = h // 2, w // 2
            c = out
        if h < 1 or w < 1:
            raise ValueError(f"input {cfg.in_shape} is too small for {len(cfg.channels)} conv layers with {cfg.padding!r} padding")
        self.features = nn.Sequential(*layers)
        head: list[nn.Module] = [nn.Flatten()]
        width = c * h * w
        for units in cfg.dense:
            head += [nn.Linear(width, units), nn.ReLU()]
            width = units
        if cfg.dropout:
            head.append(nn.Dropout(cfg.dropout))
        head.append(nn.Linear(width, cfg.n_classes))
        self.head = nn.Sequential(*head)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 3:  # (B, H, W) grey images -> (B, 1, H, W)
            x = x.unsqueeze(1)
        return self.head(self.features(x))  # (B, n_classes)
