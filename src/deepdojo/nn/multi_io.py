"""A multi-input, multi-output network: the functional-API "issue ticket" model (Chollet §7.1, Cazenave).

Three inputs (title tokens, body tokens, binary tags) → two heads (a priority score and a
department), the example that shows what Keras' Sequential API cannot express.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class TicketModelConfig:
    num_words: int = 10_000
    """Vocabulary size of the title and body tokens."""
    embed_dim: int = 64
    """Embedding size (title and body have their own Embedding)."""
    title_units: int = 128
    """LSTM units summarising the title."""
    body_units: int = 32
    """LSTM units summarising the body."""
    num_tags: int = 12
    """Width of the binary tag vector."""
    num_departments: int = 4
    """Classes of the department head."""


class TicketModel(nn.Module):
    """``(title (B, T1) int, body (B, T2) int, tags (B, num_tags) float)`` →
    ``{"priority": (B, 1) logit, "department": (B, num_departments) logits}``.

    Returning a dict names the outputs, so the engine logs ``priority_loss``, ``department_acc``...
    (Keras names them after the output layers). Embeddings are initialised uniform(−0.05, 0.05) as
    Keras' Embedding.
    """

    def __init__(self, cfg: TicketModelConfig = TicketModelConfig()):
        super().__init__()
        self.cfg = cfg
        self.title_embed = nn.Embedding(cfg.num_words, cfg.embed_dim)
        self.body_embed = nn.Embedding(cfg.num_words, cfg.embed_dim)
        for emb in (self.title_embed, self.body_embed):
            nn.init.uniform_(emb.weight, -0.05, 0.05)
        self.title_lstm = nn.LSTM(cfg.embed_dim, cfg.title_units, batch_first=True)
        self.body_lstm = nn.LSTM(cfg.embed_dim, cfg.body_units, batch_first=True)
        merged = cfg.title_units + cfg.body_units + cfg.num_tags
        self.priority = nn.Linear(merged, 1)
        self.department = nn.Linear(merged, cfg.num_departments)

    def forward(self, title: torch.Tensor, body: torch.Tensor, tags: torch.Tensor) -> dict[str, torch.Tensor]:
        _, (h_title, _) = self.title_lstm(self.title_embed(title.long()))  # h: (1, B, title_units)
        _, (h_body, _) = self.body_lstm(self.body_embed(body.long()))  # h: (1, B, body_units)
        x = torch.cat([h_title[-1], h_body[-1], tags.to(h_title.dtype)], dim=-1)  # (B, merged)
        return {"priority": self.priority(x), "department": self.department(x)}
