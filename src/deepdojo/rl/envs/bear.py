"""The bear ("Orso") problem of the embarc TF2 course as a gymnasium environment.

The bear lives in a territory of 14 places joined by paths of different effort. Six random places
(never the cave) hold a pot of 1000 honey. Starting in the cave ``S`` the bear must eat all the
honey and come back to the cave along the least strenuous route. Each step it picks one of at most
four outgoing paths; the reward of a step is ``(honey at the destination - path cost) / total
honey`` so an episode's return is below 1. An action without a path leaves the bear where it is
and costs 1000. The episode ends (terminated) back in the cave with every pot empty; the course
aborts after 25 steps (a ``TimeLimit`` added by the registered id).

Observation (as the course notebook): ``[position, value of the 4 paths, remaining honey of all 14
places]`` where a path's value is ``honey at its end - its cost`` and a missing path is ``-1000``.
"""
from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

PLACES = ("S", "A", "B", "C", "D", "E", "F", "G", "H", "K", "L", "M", "N", "O")
# Outgoing paths of every place in action order: (destination, effort). The graph is undirected.
PATHS: dict[str, list[tuple[str, int]]] = {
    "S": [("A", 300), ("B", 100), ("C", 200)],
    "A": [("S", 300), ("B", 100), ("E", 100), ("D", 100)],
    "B": [("S", 100), ("A", 100), ("C", 50), ("K", 200)],
    "C": [("S", 200), ("B", 50), ("M", 100), ("L", 200)],
    "D": [("A", 100), ("F", 50)],
    "E": [("A", 100), ("F", 100), ("H", 100)],
    "F": [("D", 50), ("E", 100), ("G", 200)],
    "G": [("F", 200), ("O", 300)],
    "H": [("E", 100), ("K", 300)],
    "K": [("B", 200), ("H", 300)],
    "L": [("C", 200), ("M", 50)],
    "M": [("C", 100), ("L", 50), ("N", 100)],
    "N": [("M", 100), ("O", 100)],
    "O": [("N", 100), ("G", 300)],
}
N_ACTIONS = 4
HONEY = 1000.0
INVALID_COST = 1000.0
N_POTS = 6
MAX_STEPS = 25


def path_tables() -> tuple[np.ndarray, np.ndarray]:
    """The graph as arrays: ``dest[place, action]`` (−1: no path) and ``cost[place, action]``."""
    index = {p: i for i, p in enumerate(PLACES)}
    dest = np.full((len(PLACES), N_ACTIONS), -1, dtype=np.int64)
    cost = np.full((len(PLACES), N_ACTIONS), INVALID_COST)
    for place, paths in PATHS.items():
        for a, (to, c) in enumerate(paths):
            dest[index[place], a], cost[index[place], a] = index[to], c
    return dest, cost


def walk(dest: np.ndarray, cost: np.ndarray, honey: np.ndarray, place: int, action: int, total: float) -> tuple[int, float, float]:
    """One step of the bear on a map given as tables (graph and grid versions alike); eats the honey it reaches.

    Args:
        dest, cost: ``(P, A)`` where each action leads (−1: nowhere) and what it costs.
        honey: ``(P,)`` honey left per place; the destination's is set to 0 in place.
        total: the map's total honey (the reward's normaliser).

    Returns:
        (place after the step, cost paid, reward ``(honey eaten − cost) / total``). An action with
        no path leaves the bear where it is and costs what `cost` says (the invalid-move penalty).
    """
    to = int(dest[place, action])
    paid = float(cost[place, action])
    to = place if to < 0 else to
    reward = (honey[to] - paid) / total
    honey[to] = 0.0
    return to, paid, float(reward)


class BearEnv(gym.Env):
    """The course notebook's graph version (fully observed honey, local view of the paths).

    Args:
        n_pots: places holding honey at the start of an episode (the course: 6).
        render_mode: ``"ansi"`` (a one-line text of the last step) or None.
    """

    metadata = {"render_modes": ["ansi"]}

    def __init__(self, n_pots: int = N_POTS, render_mode: str | None = None):
        if not 1 <= n_pots <= len(PLACES) - 1:
            raise ValueError(f"n_pots must be in 1..{len(PLACES) - 1} (honey never lies in the cave), got {n_pots}")
        self.n_pots = n_pots
        self.render_mode = render_mode
        self.dest, self.cost = path_tables()
        n = len(PLACES)
        low = np.concatenate([[0.0], np.full(N_ACTIONS, -INVALID_COST), np.zeros(n)]).astype(np.float32)
        high = np.concatenate([[n - 1.0], np.full(N_ACTIONS, HONEY), np.full(n, HONEY)]).astype(np.float32)
        self.observation_space = spaces.Box(low, high, dtype=np.float32)
        self.action_space = spaces.Discrete(N_ACTIONS)
        self.position = 0
        self.honey = np.zeros(n)
        self.total = 1.0
        self.last = ""

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self.honey = np.zeros(len(PLACES))
        pots = self.np_random.choice(np.arange(1, len(PLACES)), size=self.n_pots, replace=False)
        self.honey[pots] = HONEY
        self.total = float(self.honey.sum())
        self.position = 0
        self.last = "reset"
        return self._observation(), {"honey_at": sorted(int(p) for p in pots)}

    def step(self, action):
        action = int(action)
        if not self.action_space.contains(action):
            raise ValueError(f"action must be 0..{N_ACTIONS - 1}, got {action}")
        start = self.position
        to, cost, reward = walk(self.dest, self.cost, self.honey, start, action, self.total)
        self.position = to
        terminated = bool(to == 0 and not self.honey.any())
        self.last = f"{PLACES[start]} --{action}-> {PLACES[to]} cost {cost:.0f} reward {reward:+.3f}"
        return self._observation(), float(reward), terminated, False, {"cost": cost}

    def _observation(self) -> np.ndarray:
        dest = self.dest[self.position]
        values = np.where(dest >= 0, self.honey[np.maximum(dest, 0)] - self.cost[self.position], -INVALID_COST)
        return np.concatenate([[self.position], values, self.honey]).astype(np.float32)

    def render(self):
        if self.render_mode == "ansi":
            return f"bear at {PLACES[self.position]}: {self.last}; honey left {self.honey.sum():.0f}"
        return None


def encode_bear(obs: np.ndarray) -> np.ndarray:
    """Network input for bear observations: one-hot position, path values and honey scaled to ~[-1, 1].

    Args:
        obs: ``(..., 19)`` raw observations.

    Returns:
        ``(..., 14 + 4 + 14)`` float32 features.
    """
    obs = np.asarray(obs, dtype=np.float32)
    pos = np.eye(len(PLACES), dtype=np.float32)[obs[..., 0].astype(np.int64)]  # (..., 14)
    return np.concatenate([pos, obs[..., 1:] / HONEY], axis=-1)
