"""Random actions on CartPole-v0: episode lengths and a GIF of one episode (the lab's first gym run).

The gym demos of the lab (1,000 random steps with rendering) and of Hands-On Ch10 (20 episodes)
with today's gymnasium: `render_mode="rgb_array"` frames are written as ``plots/episode.gif``
(needs pygame: ``pip install 'deepdojo[rl]'``). A random policy keeps the pole up ~22 steps.
"""
from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym
import numpy as np

from deepdojo.recipes._rl import plot_episode_returns
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.rl_plots import save_gif
from deepdojo.rl.agent import save_agent


@dataclass(frozen=True)
class RandomConfig:
    env_id: str = "CartPole-v0"
    """The lab's environment (200-step limit)."""
    episodes: int = 20
    """Episodes of random actions (Hands-On: 20)."""
    gif: bool = True
    """Render the first episode to plots/episode.gif (needs pygame)."""
    gif_frames: int = 200
    """At most this many frames in the GIF."""


def _render_env(env_id: str) -> gym.Env:
    """`env_id` with rgb_array rendering, or a one-line error naming the missing extra."""
    try:
        import pygame  # noqa: F401
    except ImportError:
        raise ImportError("rendering CartPole needs pygame: pip install 'deepdojo[rl]' (or pip install pygame)") from None
    return gym.make(env_id, render_mode="rgb_array")


@recipe("cartpole-random", source="Umeå lab 3 report §E; Hands-On Neural Networks Ch10", config=RandomConfig,
        anchors=[Anchor("rollout/return", 22.0, "random policy on CartPole, expected ≈ 22 steps", None, 8.0)],
        quick={"episodes": 3, "gif_frames": 5})
def run(cfg: RandomConfig, ctx: RunContext) -> dict[str, float]:
    env = _render_env(cfg.env_id) if cfg.gif else gym.make(cfg.env_id)
    env.action_space.seed(ctx.seed)
    lengths, frames = [], []
    for ep in range(cfg.episodes):
        env.reset(seed=ctx.seed + ep)
        steps, done = 0, False
        while not done:
            if cfg.gif and ep == 0 and len(frames) < cfg.gif_frames:
                frames.append(env.render())
            _, reward, term, trunc, _ = env.step(env.action_space.sample())
            steps += 1
            done = term or trunc
        lengths.append(steps)
        ctx.log({"rollout/return": float(steps), "rollout/length": steps}, episode=ep + 1)
    env.close()
    if frames:
        save_gif(frames, ctx.plot_path("episode").with_suffix(".gif"), fps=env.metadata.get("render_fps", 50))
    ctx.table("episode lengths (random actions)", ["episode", "steps"], [[i + 1, n] for i, n in enumerate(lengths)])
    plot_episode_returns(ctx, lengths, "returns", solve=195.0, window=5, title=f"{cfg.env_id}: random actions")
    save_agent(ctx.run_dir, "random", cfg.env_id)
    return {"rollout/return": float(np.mean(lengths)), "rollout/max_return": float(np.max(lengths))}
