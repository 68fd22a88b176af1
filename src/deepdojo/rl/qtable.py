"""Tabular Q-learning: a discretiser for continuous observations and the vectorised update rule.

Everything works on a *batch of independent learners* (``L`` lanes, e.g. one per seed) so that
several runs advance together without per-sample Python: ``q`` has shape ``(L, S, A)``.
"""
from __future__ import annotations

import numpy as np


class Binner:
    """Maps observation vectors to one integer state: ``bins`` equal bins per variable over [low, high].

    Values outside the bounds fall into the edge bins (as the lab's ``int(v * 10)`` clipped to 0..9).

    Args:
        low, high: per-variable bounds, shape ``(D,)``.
        bins: bins per variable (an int or one per variable).
    """

    def __init__(self, low, high, bins):
        self.low = np.asarray(low, dtype=np.float64)
        self.high = np.asarray(high, dtype=np.float64)
        self.bins = np.broadcast_to(np.asarray(bins, dtype=np.int64), self.low.shape).copy()
        if np.any(self.high <= self.low):
            raise ValueError(f"every high bound must exceed its low bound: low={self.low}, high={self.high}")
        # Mixed-radix place values, first variable most significant (the lab's base-10 number).
        self.place = np.cumprod(np.r_[self.bins[1:], 1][::-1])[::-1]

    @property
    def n_states(self) -> int:
        return int(np.prod(self.bins))

    def __call__(self, obs) -> np.ndarray:
        """``(..., D)`` observations → ``(...,)`` integer states."""
        scaled = (np.asarray(obs, dtype=np.float64) - self.low) / (self.high - self.low)  # (..., D) in [0, 1]
        idx = np.clip((scaled * self.bins).astype(np.int64), 0, self.bins - 1)
        return idx @ self.place


def greedy(q_rows: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
    """Best action per row of ``(N, A)`` values; ties go to the first action, or at random if `rng` is given."""
    if rng is None:
        return q_rows.argmax(axis=-1)
    best = q_rows == q_rows.max(axis=-1, keepdims=True)  # (N, A) all maximisers
    noise = rng.random(q_rows.shape) * best  # random tie-break among maximisers only
    return noise.argmax(axis=-1)


def epsilon_greedy(q_rows: np.ndarray, eps, rng: np.random.Generator, random_ties: bool = False) -> np.ndarray:
    """ε-greedy actions for ``(N, A)`` values; `eps` a float or one per row."""
    n, n_actions = q_rows.shape
    explore = rng.random(n) < eps
    return np.where(explore, rng.integers(0, n_actions, size=n), greedy(q_rows, rng if random_ties else None))


def q_update(q: np.ndarray, s, a, r, s2, terminal, lr, gamma: float, active=None) -> np.ndarray:
    """One Q-learning step per lane, in place: ``Q[s,a] += lr · (r + γ·max Q[s'] · (1 − terminal) − Q[s,a])``.

    Args:
        q: ``(L, S, A)`` tables.
        s, a, r, s2: ``(L,)`` states, actions, rewards, next states.
        terminal: ``(L,)`` 1 where s2 ends the episode (no bootstrap); pass zeros for the lab's rule.
        lr: learning rate, a float or ``(L,)``.
        active: ``(L,)`` bool, lanes to update (others untouched).

    Returns:
        ``(L,)`` TD errors.
    """
    lanes = np.arange(q.shape[0])
    target = r + gamma * q[lanes, s2].max(axis=-1) * (1.0 - np.asarray(terminal, dtype=np.float64))
    td = target - q[lanes, s, a]
    step = lr * td if active is None else np.where(active, lr * td, 0.0)
    q[lanes, s, a] += step
    return td
