"""The bear problem as the embarc TF2 slides model it: a grid territory, 4 moves, partial observation.

The bear sees only a window around itself (`deepdojo.rl.envs.bear_grid`): the honey outside it is
hidden, so unlike the notebook's graph version it has to explore. The exact baseline searches the
full map; PPO learns from the window alone and is compared with that optimum on held-out maps.
"""
from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym
import numpy as np

from deepdojo.recipes._bear import COURSE, EVAL_SEED, BearPPOConfig, dijkstra_report, ppo_vs_optimal
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import recipe
from deepdojo.report.plots import plot_image_grid
from deepdojo.rl.agent import Policy
from deepdojo.rl.envs import GRID_BEAR_ID

SOURCE = f"{COURSE}, the slides' grid version with partial observation"


@dataclass(frozen=True)
class GridMapConfig:
    size: int = 6
    """Side of the square territory in cells."""
    n_pots: int = 6
    """Honey pots (1000 each) per map, as the graph version."""
    view: int = 2
    """The bear sees cells up to this many rows/columns away (2: a 5 × 5 window)."""
    max_steps: int = 50
    """Steps before an episode is cut (optimal routes take ~18 on the 6 × 6 default)."""

    def env_kwargs(self) -> dict:
        """The map's constructor arguments for `BearGridEnv` (stored with the saved agent for `play`)."""
        return {"size": self.size, "n_pots": self.n_pots, "view": self.view, "max_steps": self.max_steps}


@dataclass(frozen=True)
class GridDijkstraConfig(GridMapConfig):
    maps: int = 100
    """Held-out seeded maps to solve (the ones bear-grid-ppo is evaluated on)."""


@recipe("bear-grid-dijkstra", source=f"{SOURCE}: best-first baseline", config=GridDijkstraConfig, quick={"maps": 5})
def run_dijkstra(cfg: GridDijkstraConfig, ctx: RunContext) -> dict[str, float]:
    """Best-first (Dijkstra) search for the optimal route on the grid, over (cell, pots emptied).

    The slides' "deterministic baseline [that] guarantees to find the optimal solution": it sees
    the whole map (not the bear's window), so its return is the ceiling the learning agent is
    compared with. The slides' .73-.74 and ≈ 17 steps belong to the course's own territory; these
    maps are ours (random terrain and pots), so no published number applies.
    """
    metrics = dijkstra_report(ctx, cfg.maps, GRID_BEAR_ID, cfg.env_kwargs(), title="grid bear, Dijkstra: optimal return per map")
    _plot_episode(ctx, cfg.env_kwargs(), "route", "optimal route on held-out map 0")
    return metrics


@dataclass(frozen=True)
class GridPPOConfig(BearPPOConfig, GridMapConfig):
    env_id: str = GRID_BEAR_ID
    """The registered grid bear environment."""
    total_steps: int = 250_000
    """500 iterations of 10 envs × 50 steps (the course: 500 iterations of 10 episodes)."""
    n_steps: int = 50
    """Steps per environment per iteration (one episode at the step limit)."""


@recipe("bear-grid-ppo", source=f"{SOURCE}: PPO agent", config=GridPPOConfig,
        quick={"total_steps": 1_000, "hidden": (32, 32), "n_epochs": 2, "eval_maps": 5})
def run_ppo(cfg: GridPPOConfig, ctx: RunContext) -> dict[str, float]:
    """PPO for the grid bear from its window alone: the course's KL-penalty PPO, compared with the optimum.

    The course's settings (actor and value networks 3 × 500, Adam 1e-4, adaptive KL penalty,
    entropy 0.01, 10 epochs per iteration of 10 episodes); the greedy agent plays the held-out
    seeded maps and is compared with the optimal (Dijkstra, full-map) return on the same maps.
    """
    metrics, _ = ppo_vs_optimal(cfg, ctx, cfg.env_kwargs(), title="grid bear PPO")
    _plot_episode(ctx, cfg.env_kwargs(), "episode", "greedy PPO bear on held-out map 0")
    return metrics


def _plot_episode(ctx: RunContext, env_kwargs: dict, name: str, title: str, max_frames: int = 24) -> None:
    """The run's saved agent on held-out map 0, frame by frame → ``plots/<name>.png`` (bright: what the bear sees)."""
    policy = Policy(ctx.run_dir)
    env = gym.make(GRID_BEAR_ID, render_mode="rgb_array", **env_kwargs)
    obs, _ = env.reset(seed=EVAL_SEED)
    policy.reset(env)
    frames, titles, total, done = [env.render()], ["start"], 0.0, False
    while not done:
        obs, reward, term, trunc, _ = env.step(policy.act(obs))
        total += reward
        done = term or trunc
        frames.append(env.render())
        titles.append(f"step {len(frames) - 1}: {total:+.2f}")
    env.close()
    keep = np.unique(np.linspace(0, len(frames) - 1, min(max_frames, len(frames))).round().astype(int))
    plot_image_grid(np.stack([frames[i] for i in keep]), ctx.plot_path(name), titles=[titles[i] for i in keep], ncols=8,
                    title=f"{title}: return {total:.3f}, {len(frames) - 1} steps{'' if term else ' (cut)'}")
