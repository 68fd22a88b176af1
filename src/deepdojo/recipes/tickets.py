"""The functional-API ticket model: three inputs, two outputs, per-head losses and metrics (Chollet §7.1).

Issue tickets (title and body as token sequences, 12 binary tags) are ranked by priority (sigmoid,
binary cross-entropy) and routed to one of 4 departments (softmax, categorical cross-entropy), the
losses weighted 1 and 0.2; RMSprop 1e-3, 2 epochs of batch 32 on 1,280 generated tickets, as in
Cazenave's slides. The slides' dummy data is pure noise with multi-hot "department" targets (a
defect: categorical cross-entropy needs one class per ticket); here the generated tickets carry a
signal (department words in the title, department and urgency tags) and one-hot departments, so
the history shows both heads learning. 20 % of the tickets validate.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from deepdojo.engine import evaluate
from deepdojo.nn.multi_io import TicketModel, TicketModelConfig
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import recipe

LOSSES = {"priority": "binary_crossentropy", "department": "categorical_crossentropy"}


@dataclass(frozen=True)
class TicketsConfig:
    n_tickets: int = 1280
    """Generated tickets (the slides' 1,280)."""
    title_len: int = 10
    """Tokens per title."""
    body_len: int = 100
    """Tokens per body."""
    num_words: int = 10_000
    """Vocabulary size."""
    epochs: int = 2
    """Training epochs (the slides' 2)."""
    batch_size: int = 32
    """Minibatch size."""
    lr: float = 1e-3
    """RMSprop learning rate."""
    priority_weight: float = 1.0
    """Loss weight of the priority head."""
    department_weight: float = 0.2
    """Loss weight of the department head."""
    validation_split: float = 0.2
    """Last fraction of the tickets used for validation."""


def make_tickets(cfg: TicketsConfig, seed: int):
    """Generated tickets with a learnable signal.

    Returns:
        ``((title (N, T1) int64, body (N, T2) int64, tags (N, 12) float32),
        {"priority": (N, 1) float32 in [0, 1], "department": (N, 4) one-hot float32})``.
    """
    rng = np.random.default_rng(seed)
    n, departments = cfg.n_tickets, 4
    dept = rng.integers(0, departments, n)  # (N,)
    title = rng.integers(departments * 10, cfg.num_words, (n, cfg.title_len))
    title[:, :3] = dept[:, None] * 10 + rng.integers(0, 10, (n, 3))  # three department words per title
    title = rng.permuted(title, axis=1)
    body = rng.integers(0, cfg.num_words, (n, cfg.body_len))
    tags = (rng.random((n, 12)) < 0.3).astype(np.float32)
    tags[np.arange(n), dept] = np.where(rng.random(n) < 0.8, 1.0, tags[np.arange(n), dept])  # department tag, usually
    priority = np.clip(tags[:, 8:12].mean(1, keepdims=True) + rng.normal(0, 0.05, (n, 1)), 0, 1).astype(np.float32)
    onehot = np.eye(departments, dtype=np.float32)[dept]
    return (torch.from_numpy(title), torch.from_numpy(body), torch.from_numpy(tags)), \
        {"priority": torch.from_numpy(priority), "department": torch.from_numpy(onehot)}


@recipe("tickets-functional", source="Deep Learning with Python §7.1 / Cazenave course (functional API)",
        config=TicketsConfig, quick={"n_tickets": 128, "body_len": 20, "num_words": 500, "epochs": 1})
def run(cfg: TicketsConfig, ctx: RunContext) -> dict[str, float]:
    from deepdojo.engine import summary

    x, y = make_tickets(cfg, ctx.seed)
    model = TicketModel(TicketModelConfig(num_words=cfg.num_words))
    ctx.note("```\n" + str(summary(model, tuple(t[:2] for t in x))) + "\n```")
    weights = {"priority": cfg.priority_weight, "department": cfg.department_weight}
    hist = ctx.fit(model, (x, y), tag="tickets", epochs=cfg.epochs, batch_size=cfg.batch_size, optimizer="rmsprop",
                   lr=cfg.lr, loss=LOSSES, loss_weights=weights, metrics=["accuracy"], validation_split=cfg.validation_split)
    keys = list(hist.history)
    ctx.table("History: total and per-head losses and metrics per epoch", ["epoch", *keys],
              [[e + 1, *(hist.history[k][e] for k in keys)] for e in range(len(hist.history[keys[0]]))])
    n_val = int(round(cfg.n_tickets * cfg.validation_split))
    val_x, val_y = tuple(t[-n_val:] for t in x), {k: v[-n_val:] for k, v in y.items()}
    scores = evaluate(model, (val_x, val_y), loss=LOSSES, loss_weights=weights, metrics=["accuracy"],
                      device=ctx.device, prefix="val")
    chance = float(y["department"][-n_val:].mean(0).max())
    ctx.note(f"Department accuracy on validation: {scores.get('val/department_acc', float('nan')):.3f} "
             f"(majority class {chance:.3f}).")
    return scores
