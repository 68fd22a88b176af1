"""Deep RL on CartPole-v1: the lab's DQN (gsurma), a modern DQN and PPO."""
from __future__ import annotations

import time
from dataclasses import dataclass, fields
from typing import Callable

import numpy as np
from torch import nn

from deepdojo.recipes._rl import progress_bar
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.rl_plots import moving_average, plot_returns
from deepdojo.rl.agent import save_agent
from deepdojo.rl.common import evaluate_policy, greedy_actor
from deepdojo.rl.dqn import DQNConfig, train_dqn
from deepdojo.rl.ppo import PPOConfig, train_ppo

SOLVED = 475.0


def _sizes(net: nn.Module) -> list[int]:
    """Layer widths ``[in, hidden..., out]`` of an MLP (to rebuild it from agent.json)."""
    lins = [m for m in net.modules() if isinstance(m, nn.Linear)]
    return [lins[0].in_features] + [m.out_features for m in lins]


@dataclass(frozen=True)
class ReplayConfig:
    max_runs: int = 1000
    """Give up after this many runs (episodes) if never solved."""
    solve_score: float = 195.0
    """gsurma's goal: mean score of the last 100 runs."""
    hidden: tuple[int, ...] = (24, 24)
    """Hidden layers of the Q-network (gsurma's 24-24)."""
    lr: float = 1e-3
    """Adam learning rate."""
    gamma: float = 0.95
    """Discount factor."""
    memory: int = 1_000_000
    """Replay memory capacity."""
    batch: int = 20
    """Replay minibatch size."""
    eps_decay: float = 0.995
    """Multiplicative epsilon decay per replay (from 1.0)."""
    eps_min: float = 0.01
    """Epsilon floor."""


@recipe("cartpole-dqn-replay", source="Umeå lab 3 report §D (gsurma/cartpole)", config=ReplayConfig,
        anchors=[Anchor("solved_at_run", 127, "lab: 'Solved in 27 runs, 127 total runs'", higher_is_better=False)],
        quick={"max_runs": 5})
def run_replay(cfg: ReplayConfig, ctx: RunContext) -> dict[str, float]:
    """The lab's DQN: 24-24-2 MLP, Adam 1e-3, γ 0.95, replay of batch 20, ε 1.0 → 0.01 (× 0.995 per
    replay), reward −1 on termination, scored as the lab ("solved" = mean ≥ 195 over the last 100 runs).

    Fixed: one batched gradient step per replay instead of one Keras ``fit`` per sample (the same
    targets, 20× fewer calls); only a fallen pole is terminal (hitting the 500-step limit is not).
    Writes the score plot (score per run, last-100 mean, goal, trend) and ``scores.csv``.
    """
    dcfg = DQNConfig(total_steps=10**9, hidden=cfg.hidden, lr=cfg.lr, gamma=cfg.gamma, buffer_size=cfg.memory,
                     batch_size=cfg.batch, learning_starts=cfg.batch, target_update=0, eps_start=1.0,
                     eps_end=cfg.eps_min, eps_schedule="exp", eps_factor=cfg.eps_decay, loss="mse",
                     terminal_reward=-1.0, max_grad_norm=1e9)
    solved: list[int] = []

    def on_episode(returns: list[float]) -> bool:
        if len(returns) >= 100 and np.mean(returns[-100:]) >= cfg.solve_score and not solved:
            solved.append(len(returns))
        return bool(solved) or len(returns) >= cfg.max_runs

    with progress_bar(ctx, cfg.max_runs, "runs") as update:
        res = train_dqn(dcfg, ctx.seed, log=ctx.log, on_episode=lambda r: update(len(r)) or on_episode(r))
    scores = res.returns
    runs = np.arange(1, len(scores) + 1)
    ctx.path("scores.csv").write_text("run,score\n" + "".join(f"{i},{s:.0f}\n" for i, s in zip(runs, scores)))
    trend = np.polyval(np.polyfit(runs, scores, 1), runs) if len(scores) > 1 else np.asarray(scores)
    plot_returns({"score": scores}, ctx.plot_path("scores"), window=100, solve=cfg.solve_score,
                 title="gsurma DQN: score per run")
    from deepdojo.report.plots import plot_lines

    plot_lines({"score": scores, "last 100 mean": moving_average(scores, 100), "goal": [cfg.solve_score] * len(scores),
                "trend": trend}, ctx.plot_path("score_trend"), title="CartPole-v1 (lab scoring)", xlabel="runs",
               ylabel="score")
    at = solved[0] if solved else float("nan")
    ctx.note(f"Solved in {at - 100} runs, {at} total runs." if solved else f"Not solved in {len(scores)} runs.")
    save_agent(ctx.run_dir, "qnet", "CartPole-v1", net=res.qnet, sizes=_sizes(res.qnet))
    return {"solved_at_run": at, "rollout/return": float(np.mean(scores[-100:])), "env_steps": float(res.steps)}


def _solve_on_seeds(ctx: RunContext, n_seeds: int, eval_every: int, eval_episodes: int,
                    train: Callable[[int, Callable], tuple[nn.Module, list[float]]], kind: str) -> dict[str, float]:
    """Train one agent per seed until it solves CartPole-v1 (greedy mean ≥ 475 over `eval_episodes`).

    Args:
        train: ``train(seed, evaluate) -> (network, training returns)``; it calls
            ``evaluate(net, step)`` every `eval_every` steps and stops when that returns True.
        kind: agent kind saved for the best network (``qnet`` or ``actor_critic``).

    Returns:
        The recipe metrics (solved fraction, final evaluation, median steps and seconds to solve).
    """
    from gymnasium.spaces import Box

    space = Box(-np.inf, np.inf, (4,))
    runs, curves, best = [], {}, (-np.inf, None)
    for seed in range(ctx.seed, ctx.seed + n_seeds):
        run = {"seed": seed, "solved_at": None, "eval": float("nan")}
        started = time.perf_counter()

        def evaluate(net: nn.Module, step: int) -> bool:
            ret = evaluate_policy(greedy_actor(net, "identity", space), "CartPole-v1", eval_episodes, seed=10_000 + seed)
            run["eval"] = float(ret.mean())
            ctx.log({"eval/return": run["eval"], "eval/return_min": float(ret.min())}, step=step, seed=seed)
            if run["eval"] >= SOLVED:
                run["solved_at"] = step
            return run["solved_at"] is not None

        net, returns = train(seed, evaluate)
        run["seconds"], run["episodes"] = time.perf_counter() - started, len(returns)
        curves[f"seed {seed}"] = returns
        runs.append(run)
        if run["eval"] > best[0]:
            best = (run["eval"], net)
    ctx.table("per seed", ["seed", "env steps to solve", "eval mean return", "training episodes", "wall s"],
              [[r["seed"], r["solved_at"] or "-", f"{r['eval']:.1f}", r["episodes"], f"{r['seconds']:.1f}"] for r in runs])
    plot_returns(curves, ctx.plot_path("returns"), window=20, solve=SOLVED, title="CartPole-v1 training returns")
    net = best[1]
    save_agent(ctx.run_dir, kind, "CartPole-v1", net=net, sizes=_sizes(net if kind == "qnet" else net.actor))
    solved = [r for r in runs if r["solved_at"] is not None]
    return {"solved_frac": len(solved) / n_seeds, "eval/return": float(np.mean([r["eval"] for r in runs])),
            "eval/return_min": float(np.min([r["eval"] for r in runs])),
            "steps_to_solve": float(np.median([r["solved_at"] for r in solved])) if solved else float("nan"),
            "seconds_to_solve": float(np.median([r["seconds"] for r in solved])) if solved else float("nan")}


CARTPOLE_ANCHORS = [Anchor("eval/return", SOLVED, "CartPole-v1 solved: mean ≥ 475 over 100 episodes"),
                    Anchor("solved_frac", 1.0, "issue 6: every seed solves")]


@dataclass(frozen=True)
class ModernDQNConfig(DQNConfig):
    n_envs: int = 8
    """CartPoles stepped together (one batched Q forward per step)."""
    lr: float = 2.3e-3
    """Adam learning rate (RL-Zoo)."""
    buffer_size: int = 100_000
    """Replay capacity (RL-Zoo)."""
    train_freq: int = 256
    """Env steps between training rounds (RL-Zoo)."""
    gradient_steps: int = 64
    """Gradient steps per round (RL-Zoo: 128; half as many solved every seed in fewer steps here)."""
    target_update: int = 10
    """Env steps between target syncs (RL-Zoo): in effect the target is synced after every round."""
    eps_end: float = 0.04
    """Final ε (RL-Zoo)."""
    eps_decay_steps: int = 8_000
    """Env steps of the linear ε decay (RL-Zoo: 16 % of its 50k budget)."""
    seeds: int = 5
    """Seeds trained one after the other (--seed, --seed+1, ...)."""
    eval_every: int = 5_000
    """Env steps between greedy evaluations."""
    eval_episodes: int = 100
    """Episodes per evaluation (solved: mean ≥ 475)."""


@recipe("cartpole-dqn", source="deepdojo (modern DQN, Mnih et al. 2015)", config=ModernDQNConfig, anchors=CARTPOLE_ANCHORS,
        quick={"total_steps": 320, "learning_starts": 64, "batch_size": 32, "train_freq": 128, "gradient_steps": 8,
               "seeds": 1, "eval_every": 320, "eval_episodes": 3})
def run_dqn(cfg: ModernDQNConfig, ctx: RunContext) -> dict[str, float]:
    """A modern DQN on CartPole-v1: target network, Huber loss, linear ε schedule, replay, gradient clipping.

    Settings after RL-Zoo's CartPole DQN (lr 2.3e-3, batch 64, γ 0.99, a round of gradient steps
    every 256 env steps with the target synced between rounds, ε 1 → 0.04 over 8,000 steps), but 8
    CartPoles stepped together in NumPy, a 64-64 network instead of 256-256 and 64 gradient steps
    per round instead of 128 — it solved every one of seeds 0-4 within 50k steps that way, at a
    fraction of the compute. The ε schedule and learning start are absolute env steps, so a bigger
    budget does not change a run. Each seed trains until a greedy evaluation over 100 episodes
    averages ≥ 475 (or the step budget runs out); the best agent is saved.
    """
    dcfg = DQNConfig(**{f.name: getattr(cfg, f.name) for f in fields(DQNConfig)})

    def train(seed, evaluate):
        res = train_dqn(dcfg, seed, log=lambda m, **t: ctx.log(m, seed=seed, **t), evaluate=evaluate, eval_every=cfg.eval_every)
        return res.qnet, res.returns

    return _solve_on_seeds(ctx, cfg.seeds, cfg.eval_every, cfg.eval_episodes, train, "qnet")


@dataclass(frozen=True)
class CartPolePPOConfig(PPOConfig):
    anneal_clip: bool = True
    """Clip range 0.2 → 0 linearly over the budget, as RL-Zoo's ``clip_range: lin_0.2``."""
    seeds: int = 5
    """Seeds trained one after the other (--seed, --seed+1, ...)."""
    eval_every: int = 5_000
    """Env steps between greedy evaluations."""
    eval_episodes: int = 100
    """Episodes per evaluation (solved: mean ≥ 475)."""


@recipe("cartpole-ppo", source="deepdojo (PPO, Schulman et al. 2017; RL-Zoo CartPole settings)", config=CartPolePPOConfig,
        anchors=CARTPOLE_ANCHORS, quick={"total_steps": 512, "n_envs": 4, "n_steps": 16, "seeds": 1, "eval_every": 256,
                                         "eval_episodes": 3, "n_epochs": 2})
def run_ppo(cfg: CartPolePPOConfig, ctx: RunContext) -> dict[str, float]:
    """PPO on CartPole-v1: clipped objective, GAE, value loss, (optional) entropy bonus, 8 vector envs.

    Hyperparameters follow RL-Zoo's CartPole PPO (8 envs × 32 steps, 20 epochs, γ 0.98, λ 0.8,
    lr 1e-3 and clip range 0.2 both annealed linearly to 0 over the budget). Each seed trains until
    a greedy evaluation over 100 episodes averages ≥ 475. The 8 CartPoles are stepped together in
    NumPy (one batched policy forward per step) and the update's gradients are computed by hand
    (see `deepdojo.rl.ppo`): roughly a third of Stable-Baselines3's time per env step with the same
    settings (benchmarks/results/rl.md).
    """
    pcfg = PPOConfig(**{f.name: getattr(cfg, f.name) for f in fields(PPOConfig)})

    def train(seed, evaluate):
        agent, _, returns = train_ppo(pcfg, seed, log=lambda m, **t: ctx.log(m, seed=seed, **t), evaluate=evaluate,
                                      eval_every=cfg.eval_every)
        return agent, returns

    return _solve_on_seeds(ctx, cfg.seeds, cfg.eval_every, cfg.eval_episodes, train, "actor_critic")
