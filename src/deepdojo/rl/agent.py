"""Saving a trained agent into its run directory and replaying it (``deepdojo play RUN_DIR``).

``agent.json`` says what the agent is (Q-table, Q-network, actor-critic, search), which env it
acts in and how observations are encoded; the numbers live beside it in ``agent.npy`` (Q-table)
or ``agent.safetensors`` (networks). No pickles.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import torch

from deepdojo.rl.common import encode, mlp
from deepdojo.rl.qtable import Binner

KINDS = ("qtable", "qnet", "actor_critic", "dijkstra", "random")


def save_agent(run_dir: str | Path, kind: str, env_id: str, *, env_kwargs: dict | None = None, encoder: str = "identity",
               net: torch.nn.Module | None = None, table: np.ndarray | None = None, binner: Binner | None = None,
               sizes: list[int] | None = None) -> Path:
    """Write ``agent.json`` (+ ``agent.npy`` or ``agent.safetensors``) into `run_dir`.

    Args:
        kind: one of `KINDS`.
        env_id, env_kwargs: how to build the env the agent plays.
        encoder: observation encoder of a network agent (`deepdojo.rl.common.ENCODERS`).
        net: network agent (saved as safetensors).
        table: ``(S, A)`` Q-table; `binner` maps continuous observations to its rows.
        sizes: layer sizes of a `qnet` / `actor_critic` (to rebuild it).

    Returns:
        Path of ``agent.json``.
    """
    from deepdojo.report.rundir import write_json
    from safetensors.torch import save_file

    if kind not in KINDS:
        raise ValueError(f"unknown agent kind {kind!r}; use one of {KINDS}")
    run_dir = Path(run_dir)
    meta: dict[str, Any] = {"kind": kind, "env_id": env_id, "env_kwargs": env_kwargs or {}, "encoder": encoder, "sizes": sizes}
    if table is not None:
        np.save(run_dir / "agent.npy", np.asarray(table))
    if binner is not None:
        meta["binner"] = {"low": binner.low.tolist(), "high": binner.high.tolist(), "bins": binner.bins.tolist()}
    if net is not None:
        save_file({k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}, str(run_dir / "agent.safetensors"))
    write_json(run_dir / "agent.json", meta)
    return run_dir / "agent.json"


class Policy:
    """A saved agent that acts in one env: ``reset(env)`` at episode start, then ``act(obs)``."""

    def __init__(self, run_dir: str | Path):
        from deepdojo.report.rundir import read_json

        run_dir = Path(run_dir)
        if not (run_dir / "agent.json").exists():
            raise FileNotFoundError(f"{run_dir} has no agent.json - pass the directory of a finished RL run "
                                    "(runs/<recipe>/<stamp>-s<seed>)")
        self.meta = read_json(run_dir / "agent.json")
        self.kind = self.meta["kind"]
        self.env_id, self.env_kwargs = self.meta["env_id"], self.meta["env_kwargs"]
        self.table = np.load(run_dir / "agent.npy") if self.kind == "qtable" else None
        self.binner = Binner(**self.meta["binner"]) if self.meta.get("binner") else None
        self.net = None
        if self.kind in ("qnet", "actor_critic"):
            from safetensors.torch import load_file

            from deepdojo.rl.ppo import ActorCritic

            sizes = self.meta["sizes"]
            self.net = mlp(sizes) if self.kind == "qnet" else ActorCritic(sizes[0], sizes[-1], tuple(sizes[1:-1]))
            self.net.load_state_dict(load_file(str(run_dir / "agent.safetensors")))
        self.route: list[int] = []
        self.rng = np.random.default_rng(0)
        self.space: gym.Space | None = None
        self.action_space: gym.Space | None = None

    def reset(self, env: gym.Env) -> None:
        self.space, self.action_space = env.observation_space, env.action_space
        if self.kind == "dijkstra":
            from deepdojo.rl.search import optimal_route

            self.route = list(optimal_route(env).actions)  # graph or grid bear: the map is known after reset

    @torch.no_grad()
    def act(self, obs) -> int:
        if self.kind == "random":
            return int(self.rng.integers(self.action_space.n))
        if self.kind == "dijkstra":
            return self.route.pop(0) if self.route else 0
        if self.kind == "qtable":
            state = self.binner(obs) if self.binner is not None else int(obs)
            return int(np.argmax(self.table[state]))
        x = torch.as_tensor(encode(self.meta["encoder"], np.asarray([obs]), self.space))
        return int(self.net(x).argmax(-1)[0])


def play(run_dir: str | Path, episodes: int = 10, seed: int = 10_000) -> np.ndarray:
    """Replay a saved agent greedily for `episodes` episodes (env seeded ``seed + i``).

    Returns:
        ``(episodes,)`` returns.
    """
    policy = Policy(run_dir)
    env = gym.make(policy.env_id, **policy.env_kwargs)
    returns = np.zeros(episodes)
    for i in range(episodes):
        obs, _ = env.reset(seed=seed + i)
        policy.reset(env)
        done = False
        while not done:
            obs, reward, term, trunc, _ = env.step(policy.act(obs))
            returns[i] += reward
            done = term or trunc
    env.close()
    return returns
