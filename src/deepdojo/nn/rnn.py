"""Recurrent sequence models: a (Simple)RNN/LSTM/GRU encoder whose last output feeds a Dense head."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class SequenceModelConfig:
    cell: str = "rnn"
    """'rnn' (Keras SimpleRNN), 'lstm' or 'gru'."""
    input_size: int = 1
    """Features per time step."""
    hidden: int = 50
    """Units of the recurrent layer."""
    activation: str = "relu"
    """SimpleRNN activation ('tanh' or 'relu'); LSTM/GRU use their own gates."""
    layers: int = 1
    """Stacked recurrent layers (Keras return_sequences=True between them)."""
    out_features: int = 1
    """Units of the Dense output layer."""


class SequenceModel(nn.Module):
    """``(B, T, F)`` sequences -> last hidden state -> Dense -> ``(B, out_features)``."""

    def __init__(self, cfg: SequenceModelConfig = SequenceModelConfig()):
        super().__init__()
        self.cfg = cfg
        kinds = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
        if cfg.cell not in kinds:
            raise ValueError(f"cell must be one of {sorted(kinds)}, got {cfg.cell!r}")
        extra = {"nonlinearity": cfg.activation} if cfg.cell == "rnn" else {}
        self.rnn = kinds[cfg.cell](cfg.input_size, cfg.hidden, num_layers=cfg.layers, batch_first=True, **extra)
        self.out = nn.Linear(cfg.hidden, cfg.out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 2:  # (B, T) univariate -> (B, T, 1)
            x = x.unsqueeze(-1)
        seq, _ = self.rnn(x)  # (B, T, H)
        return self.out(seq[:, -1])  # (B, out_features)
