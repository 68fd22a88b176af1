"""What the bear recipes share (graph and grid versions): held-out maps, the exact baseline, PPO vs the optimum."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Callable

import gymnasium as gym
import numpy as np

from deepdojo.recipes._rl import plot_episode_returns, progress_bar
from deepdojo.recipes.context import RunContext
from deepdojo.rl.agent import save_agent
from deepdojo.rl.common import greedy_actor
from deepdojo.rl.envs import BEAR_ID
from deepdojo.rl.ppo import PPOConfig, train_ppo
from deepdojo.rl.search import optimal_route

COURSE = "embarc TF2 course, Day 3 (the bear problem)"
EVAL_SEED = 10_000  # held-out maps: map i is drawn by reset(seed=EVAL_SEED + i); training never uses these seeds


def dijkstra_on_maps(n_maps: int, env_id: str = BEAR_ID, env_kwargs: dict | None = None,
                     seed: int = EVAL_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Optimal return and step count on the seeded maps ``seed .. seed + n_maps - 1``.

    Returns:
        ``(n_maps,)`` optimal returns and ``(n_maps,)`` steps of the optimal routes.
    """
    env = gym.make(env_id, **(env_kwargs or {}))
    rets, steps = np.zeros(n_maps), np.zeros(n_maps)
    for i in range(n_maps):
        env.reset(seed=seed + i)
        route = optimal_route(env)
        rets[i], steps[i] = route.ret, route.steps
    env.close()
    return rets, steps


def greedy_episodes(act: Callable[[np.ndarray], np.ndarray], n_maps: int, env_id: str = BEAR_ID,
                    env_kwargs: dict | None = None, seed: int = EVAL_SEED) -> dict[str, np.ndarray]:
    """Play one episode per held-out map with a (deterministic) policy.

    Args:
        act: maps a batch of raw observations ``(N, ...)`` to actions ``(N,)``.

    Returns:
        ``return``, ``steps`` and ``success`` (1 where the bear ate all honey and got home), each ``(n_maps,)``.
    """
    env = gym.make(env_id, **(env_kwargs or {}))
    out = {k: np.zeros(n_maps) for k in ("return", "steps", "success")}
    for i in range(n_maps):
        obs, _ = env.reset(seed=seed + i)
        term = trunc = False
        while not (term or trunc):
            obs, reward, term, trunc, _ = env.step(int(act(obs[None])[0]))
            out["return"][i] += reward
            out["steps"][i] += 1
        out["success"][i] = float(term)
    env.close()
    return out


def dijkstra_report(ctx: RunContext, n_maps: int, env_id: str, env_kwargs: dict | None = None,
                    title: str = "Dijkstra: optimal return per map") -> dict[str, float]:
    """Solve `n_maps` held-out maps exactly: log, tabulate, plot and save the (search) agent.

    Returns:
        the recipe's metrics (mean optimal return and steps).
    """
    rets, steps = dijkstra_on_maps(n_maps, env_id, env_kwargs)
    for i, (r, s) in enumerate(zip(rets, steps)):
        ctx.log({"eval/return": r, "eval/steps": s}, map=i)
    ctx.table("optimal routes", ["maps", "mean return", "std", "min", "max", "mean steps"],
              [[n_maps, f"{rets.mean():.4f}", f"{rets.std():.4f}", f"{rets.min():.3f}", f"{rets.max():.3f}", f"{steps.mean():.1f}"]])
    plot_episode_returns(ctx, rets, "returns", solve=None, window=10, title=title, xlabel="map")
    save_agent(ctx.run_dir, "dijkstra", env_id, env_kwargs=env_kwargs)
    return {"eval/return": float(rets.mean()), "eval/steps": float(steps.mean()), "rollout/return": float(rets.mean())}


@dataclass(frozen=True)
class BearPPOConfig(PPOConfig):
    env_id: str = BEAR_ID
    """The registered bear environment (the course notebook's graph version)."""
    total_steps: int = 125_000
    """500 iterations of 10 envs × 25 steps (the course: 500 iterations of 10 episodes)."""
    n_envs: int = 10
    """Parallel environments (the course: 10 episodes per iteration)."""
    n_steps: int = 25
    """Steps per environment per iteration (one whole episode: the 25-step limit)."""
    hidden: tuple[int, ...] = (500, 500, 500)
    """Actor and value networks (the course's 3 × 500)."""
    lr: float = 1e-4
    """Adam learning rate (the course's 1e-4)."""
    anneal_lr: bool = False
    """Keep the learning rate constant, as the course."""
    gamma: float = 0.99
    """Discount factor."""
    gae_lambda: float = 0.95
    """GAE lambda."""
    n_epochs: int = 10
    """Optimisation epochs per iteration (the course's 10)."""
    n_minibatches: int = 1
    """Minibatches per epoch (one: the whole iteration's batch)."""
    clip_coef: float = 0.0
    """tf-agents' PPO as the course uses it: no ratio clipping, an adaptive KL penalty instead."""
    kl_coef: float = 1.0
    """Initial weight of the KL penalty (adapted towards `kl_target`)."""
    kl_target: float = 0.01
    """KL divergence per update the adaptive penalty aims for."""
    ent_coef: float = 0.01
    """Entropy bonus (the course's 0.01)."""
    eval_maps: int = 100
    """Held-out seeded maps for the final greedy evaluation."""


def ppo_vs_optimal(cfg: BearPPOConfig, ctx: RunContext, env_kwargs: dict | None = None,
                   title: str = "bear PPO") -> tuple[dict[str, float], Callable]:
    """Train PPO on a bear env, then compare its greedy agent with the optimum on the held-out maps.

    Plots the training return per episode (moving average, the mean optimum as the line), prints the
    table, saves the agent for ``deepdojo play``.

    Returns:
        (the recipe's metrics, the greedy ``act`` function).
    """
    pcfg = PPOConfig(**{f.name: getattr(cfg, f.name) for f in fields(PPOConfig)})
    with progress_bar(ctx, cfg.total_steps, "env steps") as update:
        agent, encoder, returns = train_ppo(pcfg, ctx.seed, log=ctx.log, progress=update, env_kwargs=env_kwargs)
    env = gym.make(cfg.env_id, **(env_kwargs or {}))
    act = greedy_actor(agent, encoder, env.observation_space)
    ppo = greedy_episodes(act, cfg.eval_maps, cfg.env_id, env_kwargs)
    best, best_steps = dijkstra_on_maps(cfg.eval_maps, cfg.env_id, env_kwargs)
    plot_episode_returns(ctx, returns, "returns", solve=float(best.mean()), window=100,
                         title=f"{title}: training return per episode (line: optimal on held-out maps)")
    ctx.table("held-out maps", ["agent", "mean return", "min", "mean steps", "success"],
              [["PPO (greedy)", f"{ppo['return'].mean():.4f}", f"{ppo['return'].min():.3f}", f"{ppo['steps'].mean():.1f}",
                f"{ppo['success'].mean():.0%}"],
               ["Dijkstra (optimal)", f"{best.mean():.4f}", f"{best.min():.3f}", f"{best_steps.mean():.1f}", "100%"]])
    sizes = [agent.actor[0].in_features, *cfg.hidden, int(env.action_space.n)]
    save_agent(ctx.run_dir, "actor_critic", cfg.env_id, env_kwargs=env_kwargs, encoder=encoder, net=agent, sizes=sizes)
    env.close()
    metrics = {"eval/return": float(ppo["return"].mean()), "eval/steps": float(ppo["steps"].mean()),
               "eval/success": float(ppo["success"].mean()), "eval/optimal_return": float(best.mean()),
               "eval/gap_to_optimal": float(best.mean() - ppo["return"].mean()),
               "eval/solved_frac": float(np.mean(ppo["return"] >= best - 1e-9)),
               "rollout/return": float(np.mean(returns[-100:])) if returns else float("nan")}
    return metrics, act
