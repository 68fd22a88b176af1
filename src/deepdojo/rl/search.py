"""Exact baseline for the bear problem: best-first (Dijkstra) search over (place, honey left, steps).

The course's baseline: it finds the least strenuous route that empties every pot and returns to
the cave within the step limit, so its return is the optimum the PPO agent is compared with.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from deepdojo.rl.envs.bear import MAX_STEPS, path_tables


@dataclass(frozen=True)
class Route:
    """Result of `best_route`: actions to take, the episode's return and its number of steps."""

    actions: tuple[int, ...]
    ret: float
    steps: int


def best_route(honey: np.ndarray, max_steps: int = MAX_STEPS) -> Route:
    """Cheapest walk from the cave through every honey place back to the cave.

    Args:
        honey: ``(14,)`` honey per place at the start (the env's ``honey`` after reset).
        max_steps: the episode's step limit.

    Returns:
        The optimal `Route`; raises ValueError when no route fits in `max_steps`.
    """
    dest, cost = path_tables()
    pots = [int(i) for i in np.flatnonzero(honey)]
    bit = {p: 1 << k for k, p in enumerate(pots)}
    total = float(np.sum(honey))
    full = (1 << len(pots)) - 1
    # Priority = effort so far; the state also carries the steps so the step limit is respected exactly.
    frontier = [(0.0, 0, 0, 0, ())]  # (effort, steps, place, eaten mask, actions)
    seen: set[tuple[int, int, int]] = set()
    while frontier:
        effort, steps, place, eaten, actions = heapq.heappop(frontier)
        if place == 0 and eaten == full:
            return Route(actions, (total - effort) / total, steps)
        if (place, eaten, steps) in seen or steps == max_steps:
            continue
        seen.add((place, eaten, steps))
        for a in range(dest.shape[1]):
            to = int(dest[place, a])
            if to < 0:
                continue  # invalid moves only cost: never part of an optimal route
            heapq.heappush(frontier, (effort + cost[place, a], steps + 1, to, eaten | bit.get(to, 0), actions + (a,)))
    raise ValueError(f"no route collects all honey within {max_steps} steps")
