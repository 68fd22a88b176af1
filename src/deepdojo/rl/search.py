"""Exact baseline for the bear problem: best-first (Dijkstra) search over (place, pots emptied).

The course's baseline: it finds the least strenuous route that empties every pot and returns to
the cave within the step limit, so its return is the optimum the PPO agents are compared with.
The same search serves the graph version (14 places) and the grid version (each cell a place, each
move a path to a neighbour): both are tables ``dest[place, action]`` and ``cost[place, action]``.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import gymnasium as gym
import numpy as np

from deepdojo.rl.envs.bear import MAX_STEPS, path_tables
from deepdojo.rl.envs.bear_grid import BearGridEnv


@dataclass(frozen=True)
class Route:
    """Result of `best_route`: actions to take, the episode's return and its number of steps."""

    actions: tuple[int, ...]
    ret: float
    steps: int


def best_route(honey: np.ndarray, max_steps: int = MAX_STEPS, *, dest: np.ndarray | None = None,
               cost: np.ndarray | None = None, start: int = 0) -> Route:
    """Cheapest walk from the cave through every honey place back to the cave.

    Args:
        honey: ``(P,)`` honey per place at the start (the env's ``honey`` after reset).
        max_steps: the episode's step limit.
        dest, cost: ``(P, A)`` where each action leads (−1: nowhere) and what it costs; default the
            course's graph (`path_tables`).
        start: the cave's place.

    Returns:
        The optimal `Route` (least effort; fewest steps among equally cheap routes); raises
        ValueError when no route fits in `max_steps`.
    """
    if dest is None or cost is None:
        dest, cost = path_tables()
    # Without the step limit the state (place, pots emptied) is enough. If that optimum fits in the
    # limit it is also the optimum under the limit; only otherwise search again with steps in the state.
    route = _search(honey, max_steps, dest, cost, start, count_steps=False)
    if route is None or route.steps > max_steps:
        route = _search(honey, max_steps, dest, cost, start, count_steps=True)
    if route is None:
        raise ValueError(f"no route collects all honey within {max_steps} steps")
    return route


def _search(honey: np.ndarray, max_steps: int, dest: np.ndarray, cost: np.ndarray, start: int,
            count_steps: bool) -> Route | None:
    """Dijkstra on (effort, steps) in lexicographic order; with `count_steps` the steps join the state."""
    pots = [int(i) for i in np.flatnonzero(honey)]
    bit = {p: 1 << k for k, p in enumerate(pots)}
    total = float(np.sum(honey))
    full = (1 << len(pots)) - 1
    frontier = [(0.0, 0, start, bit.get(start, 0), ())]  # (effort, steps, place, eaten mask, actions)
    seen: set[tuple[int, ...]] = set()
    while frontier:
        effort, steps, place, eaten, actions = heapq.heappop(frontier)
        if place == start and eaten == full:
            return Route(actions, (total - effort) / total, steps)
        key = (place, eaten, steps) if count_steps else (place, eaten)
        if key in seen or (count_steps and steps == max_steps):
            continue
        seen.add(key)
        for a in range(dest.shape[1]):
            to = int(dest[place, a])
            if to < 0:
                continue  # invalid moves only cost: never part of an optimal route
            heapq.heappush(frontier, (effort + cost[place, a], steps + 1, to, eaten | bit.get(to, 0), actions + (a,)))
    return None


def optimal_route(env: gym.Env) -> Route:
    """The optimal route on the map a freshly reset bear env (graph or grid version) holds.

    Args:
        env: a `BearEnv` or `BearGridEnv`, possibly wrapped, right after ``reset``.
    """
    env = env.unwrapped
    if isinstance(env, BearGridEnv):
        return best_route(env.honey, env.max_steps, dest=env.dest, cost=env.cost, start=env.cave)
    return best_route(env.honey)
