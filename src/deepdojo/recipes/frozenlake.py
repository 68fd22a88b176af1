"""FrozenLake-v1: the Hands-On Q-network and the tabular Q-learning rule, slippery and not."""
from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym
import numpy as np
import torch

from deepdojo.recipes._rl import plot_episode_returns, progress_bar
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.rl_plots import moving_average
from deepdojo.rl.agent import save_agent
from deepdojo.rl.common import evaluate_policy, single_threaded
from deepdojo.rl.tabular import TableLearner, train_discrete

LAKES = {"slippery": True, "nonslippery": False}


def _lake_envs(seeds: int, max_steps: int | None) -> gym.vector.VectorEnv:
    """Lanes 0..seeds-1 on the slippery lake, seeds..2·seeds-1 on the non-slippery one."""
    def make(slippery: bool):
        return lambda: gym.make("FrozenLake-v1", is_slippery=slippery, max_episode_steps=max_steps)
    fns = [make(slip) for slip in LAKES.values() for _ in range(seeds)]
    return gym.vector.SyncVectorEnv(fns, autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)


class LinearQ:
    """The book's Q-network per lane: one-hot state (16) → linear 4 (no bias), SGD, squared loss.

    Args:
        lanes: independent networks trained side by side; weights ``(L, 16, 4)`` start uniform in [0, 0.01].
    """

    def __init__(self, lanes: int, n_states: int, n_actions: int, lr: float, gamma: float, gen: torch.Generator):
        self.w = torch.nn.Parameter(torch.rand(lanes, n_states, n_actions, generator=gen, dtype=torch.float64) * 0.01)
        self.opt = torch.optim.SGD([self.w], lr=lr)
        self.gamma = gamma
        self.lanes = torch.arange(lanes)

    def values(self, s: np.ndarray) -> np.ndarray:
        return self.w.detach()[self.lanes, torch.as_tensor(s)].numpy()  # (L, A) = onehot(s) @ W

    def update(self, s, a, r, s2, terminal, active) -> np.ndarray:
        s, a, s2 = (torch.as_tensor(v, dtype=torch.long) for v in (s, a, s2))
        q = self.w[self.lanes, s]  # (L, A)
        with torch.no_grad():
            # the book's target vector: Q(s) with the taken action's entry replaced; a terminal
            # state cuts the bootstrap (the book's defect: it bootstraps from holes and the goal)
            future = self.w[self.lanes, s2].max(-1).values * (1.0 - torch.as_tensor(terminal, dtype=torch.float64))
            target = q.clone()
            target[self.lanes, a] = torch.as_tensor(r, dtype=torch.float64) + self.gamma * future
        loss = ((target - q).pow(2).sum(-1) * torch.as_tensor(active, dtype=torch.float64)).sum()
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return (target - q).detach()[self.lanes, a].numpy()  # (L,) TD errors


def _per_lake(values: list[list[float]], seeds: int, episodes: int) -> dict[str, np.ndarray]:
    arr = np.asarray([v[:episodes] for v in values], dtype=np.float64)  # (2·seeds, episodes)
    return {lake: arr[i * seeds:(i + 1) * seeds] for i, lake in enumerate(LAKES)}


def _first_consistent(success: np.ndarray, level: float, window: int = 100) -> float:
    """Median over seeds of the first episode whose trailing-`window` success rate reaches `level`."""
    firsts = []
    for row in success:
        ma = moving_average(row, window)[window - 1:]
        hit = np.flatnonzero(ma >= level)
        firsts.append(hit[0] + window if len(hit) else np.nan)
    return float(np.median(firsts)) if not np.all(np.isnan(firsts)) else float("nan")


@dataclass(frozen=True)
class QNetworkConfig:
    episodes: int = 1000
    """Training episodes (the book's value)."""
    max_steps: int = 20
    """Step limit per episode (the book's)."""
    lr: float = 0.1
    """SGD learning rate."""
    gamma: float = 0.99
    """Discount."""
    eps: float = 0.3
    """Initial ε."""
    eps_decay: float = 0.999
    """ε is multiplied by this every step."""
    seeds: int = 5
    """Networks trained per lake."""


@recipe("frozenlake-qnetwork", source="Hands-On Neural Networks Ch10", config=QNetworkConfig,
        anchors=[Anchor("nonslippery/first_consistent_episode", 300, "book: goal reached consistently around episode 300",
                        None, 150.0)],
        quick={"episodes": 20, "seeds": 1})
@single_threaded
def run_qnetwork(cfg: QNetworkConfig, ctx: RunContext) -> dict[str, float]:
    """The book's FrozenLake Q-network, corrected, on the slippery and the non-slippery lake.

    One-hot state (16) → linear (4), squared loss, SGD 0.1, γ 0.99, ε 0.3 × 0.999 per step, 1,000
    episodes of at most 20 steps. Fixed: ε-greedy is defined (the book calls an undefined
    ``epsilon_greedy``) and reaching a hole or the goal ends the target (no bootstrap). The book's
    claims are measured: "consistently" = a trailing 100-episode success rate of 80 %.
    """
    envs = _lake_envs(cfg.seeds, cfg.max_steps)
    learner = LinearQ(envs.num_envs, 16, 4, cfg.lr, cfg.gamma, torch.Generator().manual_seed(ctx.seed))
    with progress_bar(ctx, cfg.episodes, "episodes") as update:
        returns, lengths, tds = train_discrete(envs, learner, episodes=cfg.episodes, eps=lambda t: cfg.eps * cfg.eps_decay ** t,
                                          seed=ctx.seed, progress=update)
    envs.close()
    rets, lens = _per_lake(returns, cfg.seeds, cfg.episodes), _per_lake(lengths, cfg.seeds, cfg.episodes)
    tds = _per_lake(tds, cfg.seeds, cfg.episodes)
    metrics, rows = {}, []
    for lake in LAKES:
        for ep in range(cfg.episodes):
            ctx.log({f"{lake}/rollout/return": rets[lake][:, ep].mean(), f"{lake}/rollout/length": lens[lake][:, ep].mean(),
                     f"{lake}/losses/td_abs": tds[lake][:, ep].mean()}, episode=ep + 1)
        plot_episode_returns(ctx, {f"{lake}, seed {i}": r for i, r in enumerate(rets[lake])}, f"{lake}_reward",
                             solve=None, window=50, title=f"{lake} lake: reward per episode", ylabel="reward (goal = 1)")
        plot_episode_returns(ctx, {f"{lake}, seed {i}": r for i, r in enumerate(lens[lake])}, f"{lake}_steps",
                             solve=cfg.max_steps, window=50, title=f"{lake} lake: steps per episode", ylabel="steps")
        m = {f"{lake}/first_consistent_episode": _first_consistent(rets[lake], 0.8),
             f"{lake}/success_300_400": float(rets[lake][:, 300:400].mean()) if cfg.episodes >= 400 else float("nan"),
             f"{lake}/success_last100": float(rets[lake][:, -100:].mean()),
             f"{lake}/full_20_steps_last100": float((lens[lake][:, -100:] >= cfg.max_steps).mean())}
        metrics.update(m)
        rows.append([lake, *(f"{v:.3g}" for v in m.values())])
    ctx.table("the book's claims, median / mean over seeds", ["lake", "first consistent episode", "success ep 300-400",
                                                              "success last 100", "20-step episodes last 100"], rows)
    w = learner.w.detach().numpy()
    save_agent(ctx.run_dir, "qtable", "FrozenLake-v1", env_kwargs={"is_slippery": False, "max_episode_steps": cfg.max_steps},
               table=w[cfg.seeds])  # first non-slippery lane; onehot @ W is a table lookup
    metrics["rollout/return"] = metrics["nonslippery/success_last100"]
    return metrics


@dataclass(frozen=True)
class QTableConfig:
    episodes: int = 5000
    """Training episodes per lake and seed."""
    lr: float = 0.05
    """Learning rate α of Q ← Q + α[R + γ max Q' − Q]."""
    gamma: float = 0.99
    """Discount."""
    eps_decay: float = 0.9999
    """ε starts at 1 and is multiplied by this every step (floor `eps_min`); the slippery lake needs long exploration."""
    eps_min: float = 0.01
    """Lowest ε."""
    seeds: int = 5
    """Tables trained per lake."""
    eval_episodes: int = 1000
    """Greedy evaluation episodes per table."""


@recipe("frozenlake-qtable", source="Hands-On Neural Networks Ch10 (tabular rule)", config=QTableConfig,
        anchors=[Anchor("nonslippery/eval_success", 1.0, "non-slippery 4x4 lake: a greedy table always reaches the goal"),
                 Anchor("slippery/eval_success", 0.74, "best achievable on the slippery 4x4 lake ≈ 0.74", None, 0.08)],
        quick={"episodes": 20, "seeds": 1, "eval_episodes": 5})
def run_qtable(cfg: QTableConfig, ctx: RunContext) -> dict[str, float]:
    """Tabular Q-learning, Q ← Q + α[R + γ max Q' − Q] with terminal states cut, on both lakes.

    The greedy tables are then evaluated over fresh episodes (success rate = mean return).
    """
    envs = _lake_envs(cfg.seeds, None)
    learner = TableLearner(envs.num_envs, 16, 4, cfg.lr, cfg.gamma)
    with progress_bar(ctx, cfg.episodes, "episodes") as update:
        returns, _, tds = train_discrete(envs, learner, episodes=cfg.episodes, seed=ctx.seed, progress=update,
                                    eps=lambda t: max(cfg.eps_min, cfg.eps_decay ** t))
    envs.close()
    rets, tds = _per_lake(returns, cfg.seeds, cfg.episodes), _per_lake(tds, cfg.seeds, cfg.episodes)
    for ep in range(cfg.episodes):
        ctx.log({f"{lake}/{key}": v[lake][:, ep].mean() for lake in LAKES
                 for key, v in (("rollout/return", rets), ("losses/td_abs", tds))}, episode=ep + 1)
    metrics, rows = {}, []
    for i, (lake, slippery) in enumerate(LAKES.items()):
        success = []
        for k in range(cfg.seeds):
            table = learner.q[i * cfg.seeds + k]
            ev = evaluate_policy(lambda obs: table[np.asarray(obs, dtype=np.int64)].argmax(-1), "FrozenLake-v1",
                                 cfg.eval_episodes, seed=10_000 + k, env_kwargs={"is_slippery": slippery})
            success.append(float(ev.mean()))
        plot_episode_returns(ctx, {f"{lake}, seed {k}": r for k, r in enumerate(rets[lake])}, f"{lake}_reward", solve=None,
                             window=100, title=f"{lake} lake: Q-table training reward", ylabel="reward (goal = 1)")
        metrics[f"{lake}/eval_success"] = float(np.mean(success))
        metrics[f"{lake}/eval_success_min"] = float(np.min(success))
        rows.append([lake, *(f"{s:.3f}" for s in success)])
        for k, s in enumerate(success):
            ctx.log({f"{lake}/eval/success": s}, seed=k)
    ctx.table("greedy success rate per seed", ["lake", *(f"seed {k}" for k in range(cfg.seeds))], rows)
    save_agent(ctx.run_dir, "qtable", "FrozenLake-v1", env_kwargs={"is_slippery": True}, table=learner.q[0])
    metrics["rollout/return"] = metrics["slippery/eval_success"]
    return metrics
