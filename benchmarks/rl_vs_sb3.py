"""Wall time and environment steps until CartPole-v1 is solved: deepdojo's DQN and PPO vs Stable-Baselines3.

"Solved" = the greedy policy averages ≥ 475 over 100 evaluation episodes. Both libraries are
evaluated by the same function every `--eval-every` env steps and stop at the first solved
evaluation; the reported wall time is training time only (evaluation time subtracted, it is the
same code for both; a short warm-up run of each library comes first, untimed). Hyperparameters: RL-Zoo's CartPole-v1 settings for SB3; deepdojo's recipe
defaults (cartpole-dqn, cartpole-ppo). Runs are interleaved (seed by seed, one library after the
other) so that load from other processes on a shared machine hits both alike.

Usage::

    pip install 'deepdojo[bench]'   # stable-baselines3
    python benchmarks/rl_vs_sb3.py --seeds 5 --algos ppo dqn --out benchmarks/results/rl_vs_sb3.json
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time

import gymnasium as gym
import torch

from deepdojo.rl.common import evaluate_policy, greedy_actor

SOLVED = 475.0
EVAL_EPISODES = 100
# RL-Zoo hyperparameters for CartPole-v1 (rl-baselines3-zoo, hyperparams/{ppo,dqn}.yml)
ZOO = {
    "ppo": dict(n_envs=8, budget=100_000, kwargs=dict(n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98, n_epochs=20,
                                                       ent_coef=0.0, learning_rate="lin_0.001", clip_range="lin_0.2")),
    "dqn": dict(n_envs=1, budget=50_000, kwargs=dict(learning_rate=2.3e-3, batch_size=64, buffer_size=100_000,
                                                      learning_starts=1000, gamma=0.99, target_update_interval=10,
                                                      train_freq=256, gradient_steps=128, exploration_fraction=0.16,
                                                      exploration_final_eps=0.04, policy_kwargs=dict(net_arch=[256, 256]))),
}


class Clock:
    """Training wall time = elapsed − time spent evaluating."""

    def __init__(self):
        self.start, self.eval_time = time.perf_counter(), 0.0
        self.solved_at: int | None = None

    def evaluate(self, act, step: int, seed: int) -> bool:
        t = time.perf_counter()
        ret = evaluate_policy(act, "CartPole-v1", EVAL_EPISODES, seed=10_000 + seed).mean()
        self.eval_time += time.perf_counter() - t
        if ret >= SOLVED and self.solved_at is None:
            self.solved_at = step
        return ret >= SOLVED

    def train_seconds(self) -> float:
        return time.perf_counter() - self.start - self.eval_time


def run_deepdojo(algo: str, seed: int, eval_every: int, budget_scale: float) -> dict:
    from deepdojo.recipes.cartpole_deep import CartPolePPOConfig, ModernDQNConfig
    from deepdojo.rl.dqn import DQNConfig, train_dqn
    from deepdojo.rl.ppo import PPOConfig, train_ppo

    space = gym.make("CartPole-v1").observation_space
    clock = Clock()
    ev = lambda net, step: clock.evaluate(greedy_actor(net, "identity", space), step, seed)  # noqa: E731
    if algo == "ppo":
        rc = CartPolePPOConfig()
        cfg = PPOConfig(**{f.name: getattr(rc, f.name) for f in dataclasses.fields(PPOConfig)})
        cfg = dataclasses.replace(cfg, total_steps=int(cfg.total_steps * budget_scale))
        train_ppo(cfg, seed, evaluate=ev, eval_every=eval_every)
    else:
        rc = ModernDQNConfig()
        cfg = DQNConfig(**{f.name: getattr(rc, f.name) for f in dataclasses.fields(DQNConfig)})
        cfg = dataclasses.replace(cfg, total_steps=int(cfg.total_steps * budget_scale))
        train_dqn(cfg, seed, evaluate=ev, eval_every=eval_every)
    return {"solved_at": clock.solved_at, "seconds": clock.train_seconds(), "eval_seconds": clock.eval_time}


def run_sb3(algo: str, seed: int, eval_every: int, budget_scale: float) -> dict:
    try:
        from stable_baselines3 import DQN, PPO
        from stable_baselines3.common.callbacks import BaseCallback
        from stable_baselines3.common.env_util import make_vec_env
    except ImportError:
        raise SystemExit("this benchmark needs Stable-Baselines3: pip install 'deepdojo[bench]'") from None

    zoo = ZOO[algo]
    kwargs = dict(zoo["kwargs"])
    if "exploration_fraction" in kwargs:  # a fraction of the budget: keep RL-Zoo's ε decay (8k steps) in absolute steps
        kwargs["exploration_fraction"] /= budget_scale
    for key in ("learning_rate", "clip_range"):  # RL-Zoo's "lin_x": linear decay from x to 0
        if isinstance(kwargs.get(key), str):
            start = float(kwargs[key].split("_")[1])
            kwargs[key] = lambda progress, s=start: progress * s
    clock = Clock()

    class Stop(BaseCallback):
        def __init__(self):
            super().__init__()
            self.next = eval_every

        def _on_step(self) -> bool:
            if self.num_timesteps < self.next:
                return True
            self.next += eval_every
            act = lambda obs: self.model.predict(obs, deterministic=True)[0]  # noqa: E731
            return not clock.evaluate(act, self.num_timesteps, seed)

    env = make_vec_env("CartPole-v1", n_envs=zoo["n_envs"], seed=seed)
    model = (PPO if algo == "ppo" else DQN)("MlpPolicy", env, seed=seed, device="cpu", verbose=0, **kwargs)
    clock.start = time.perf_counter()  # model construction excluded for both (deepdojo builds inside train)
    model.learn(total_timesteps=int(zoo["budget"] * budget_scale), callback=Stop())
    return {"solved_at": clock.solved_at, "seconds": clock.train_seconds(), "eval_seconds": clock.eval_time}


def summarise(rows: list[dict]) -> dict:
    solved = [r for r in rows if r["solved_at"] is not None]
    return {"solved": f"{len(solved)}/{len(rows)}",
            "median_seconds": statistics.median(r["seconds"] for r in solved) if solved else None,
            "median_steps": statistics.median(r["solved_at"] for r in solved) if solved else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--algos", nargs="+", default=["ppo", "dqn"], choices=["ppo", "dqn"])
    ap.add_argument("--eval-every", type=int, default=5_000)
    ap.add_argument("--budget-scale", type=float, default=2.0, help="step budget = this × the RL-Zoo budget")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=None, help="write the raw rows and summary as JSON here")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    results: dict = {}
    for algo in args.algos:
        for fn in (run_deepdojo, run_sb3):  # warm-up: first-call imports and allocations are not training time
            fn(algo, 0, 10**9, 0.03)
        rows = {"deepdojo": [], "sb3": []}
        for seed in range(args.seeds):
            for lib, fn in (("deepdojo", run_deepdojo), ("sb3", run_sb3)):
                r = fn(algo, seed, args.eval_every, args.budget_scale)
                rows[lib].append({"seed": seed, **r})
                print(f"{algo} {lib:8s} seed {seed}: solved at {r['solved_at']} steps, {r['seconds']:.1f} s train "
                      f"(+{r['eval_seconds']:.1f} s eval)", flush=True)
        summary = {lib: summarise(v) for lib, v in rows.items()}
        d, s = summary["deepdojo"]["median_seconds"], summary["sb3"]["median_seconds"]
        summary["time_ratio_deepdojo_over_sb3"] = d / s if d and s else None
        results[algo] = {"rows": rows, "summary": summary}
        print(algo, json.dumps(summary), flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"machine": f"{torch.get_num_threads()} torch thread(s)", "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
