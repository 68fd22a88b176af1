"""Deep Q-learning, CleanRL style: one explicit loop, readable top to bottom.

The same loop runs the lab's gsurma DQN (no target network, MSE, ε multiplied by 0.995 per update,
terminal reward −1) and a modern DQN (target network, Huber loss, linear ε schedule) — the
differences are `DQNConfig` fields.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from deepdojo.rl.common import (EpisodeTracker, TinyAdam, encode, encoded_size, encoder_for, final_observations,
                                make_vec, mlp, single_threaded)
from deepdojo.rl.replay import ReplayBuffer


@dataclass(frozen=True)
class DQNConfig:
    env_id: str = "CartPole-v1"
    total_steps: int = 100_000
    n_envs: int = 1
    hidden: tuple[int, ...] = (64, 64)
    lr: float = 1e-3
    gamma: float = 0.99
    buffer_size: int = 50_000
    batch_size: int = 64
    learning_starts: int = 1_000
    """Env steps collected before the first update (absolute, whatever the budget)."""
    train_freq: int = 1
    """Env steps between training rounds (all vector envs counted)."""
    gradient_steps: int = 1
    """Gradient steps per training round."""
    target_update: int = 500
    """Env steps between target-network syncs; 0: bootstrap from the online network (gsurma)."""
    eps_start: float = 1.0
    eps_end: float = 0.05
    eps_schedule: Literal["linear", "exp"] = "linear"
    eps_decay_steps: int = 20_000
    """linear: env steps over which ε falls to `eps_end` (absolute, so a bigger budget does not slow it)."""
    eps_factor: float = 0.995
    """exp: ε is multiplied by this after every update (floored at `eps_end`)."""
    loss: Literal["huber", "mse"] = "huber"
    terminal_reward: float | None = None
    """Replace the reward of a terminating step by this (gsurma: −1); None keeps the env's."""
    max_grad_norm: float = 10.0


class DQNResult:
    """What `train_dqn` returns: the Q-network, its encoder name and every episode's return."""

    def __init__(self, qnet: nn.Module, encoder: str, returns: list[float], lengths: list[int], steps: int):
        self.qnet, self.encoder, self.returns, self.lengths, self.steps = qnet, encoder, returns, lengths, steps


@single_threaded
def train_dqn(cfg: DQNConfig, seed: int, *, log: Callable[..., None] | None = None,
              on_episode: Callable[[list[float]], bool] | None = None,
              evaluate: Callable[[nn.Module, int], bool] | None = None, eval_every: int = 0,
              env_kwargs: dict | None = None, progress=None) -> DQNResult:
    """Train a DQN agent.

    Args:
        cfg: hyperparameters.
        seed: seeds the envs, the ε draws, the replay sampling and the network init.
        log: ``log(metrics, step=...)``, e.g. ``ctx.log``.
        on_episode: called with all returns so far after each finished episode; True stops training.
        evaluate: called with ``(qnet, step)`` every `eval_every` env steps; True stops (solved).
        progress: optional callable ``progress(steps_done)`` for a progress bar.

    Returns:
        A `DQNResult`.
    """
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    env = make_vec(cfg.env_id, cfg.n_envs, env_kwargs)
    space = env.single_observation_space
    encoder = encoder_for(cfg.env_id, space)
    n_in, n_act, N = encoded_size(encoder, space), int(env.single_action_space.n), cfg.n_envs
    qnet = mlp([n_in, *cfg.hidden, n_act])
    target = mlp([n_in, *cfg.hidden, n_act]) if cfg.target_update else qnet
    target.load_state_dict(qnet.state_dict())
    opt = TinyAdam(qnet.parameters(), lr=cfg.lr)  # torch's fused Adam kernel without its per-step Python overhead
    buffer = ReplayBuffer(cfg.buffer_size, (n_in,))
    tracker = EpisodeTracker(N)
    returns: list[float] = []
    lengths: list[int] = []
    eps, updates = cfg.eps_start, 0
    obs, _ = env.reset(seed=seed)
    x = encode(encoder, obs, space)  # (N, F)
    step, next_train, next_target, next_eval = 0, max(cfg.learning_starts, cfg.batch_size), cfg.target_update, eval_every
    stop = False
    while step < cfg.total_steps and not stop:
        # -- act ε-greedily --------------------------------------------------------------------
        if cfg.eps_schedule == "linear":
            frac = min(1.0, step / max(1, cfg.eps_decay_steps))
            eps = cfg.eps_start + frac * (cfg.eps_end - cfg.eps_start)
        with torch.no_grad():
            greedy = qnet(torch.from_numpy(x)).argmax(-1).numpy()  # (N,)
        explore = rng.random(N) < eps
        action = np.where(explore, rng.integers(0, n_act, N), greedy)
        next_obs, reward, term, trunc, info = env.step(action)
        done = term | trunc
        # -- store: the real last observation, and only termination cuts the bootstrap ----------
        real_next = encode(encoder, final_observations(next_obs, info, done), space)
        stored_r = reward if cfg.terminal_reward is None else np.where(term, cfg.terminal_reward, reward)
        buffer.add(x, action, stored_r, real_next, term)
        x = encode(encoder, next_obs, space)
        step += N
        for ret, length in tracker.step(reward, done):
            returns.append(ret)
            lengths.append(length)
            if log:
                log({"rollout/return": ret, "rollout/length": length, "rollout/epsilon": eps}, step=step,
                    episode=len(returns))
            if on_episode is not None and on_episode(returns):
                stop = True
        # -- learn: a round of `gradient_steps` updates every `train_freq` env steps ---------------
        if step >= next_train and len(buffer) >= cfg.batch_size:
            next_train = _next_due(next_train, step, cfg.train_freq)
            loss, q = _train_round(qnet, target, opt, buffer, rng, cfg)
            updates += cfg.gradient_steps
            if cfg.eps_schedule == "exp":
                eps = max(cfg.eps_end, eps * cfg.eps_factor ** cfg.gradient_steps)
            if log and updates % 100 < cfg.gradient_steps:
                log({"losses/td_loss": loss.item(), "losses/q_values": q.mean().item()}, step=step)
        if cfg.target_update and step >= next_target:
            next_target = _next_due(next_target, step, cfg.target_update)
            with torch.no_grad():  # in-place parameter copy: load_state_dict costs ~15x more per sync
                torch._foreach_copy_(list(target.parameters()), opt.params)
        if evaluate is not None and eval_every and step >= next_eval:
            next_eval = _next_due(next_eval, step, eval_every)
            stop = stop or evaluate(qnet, step)
        if progress is not None:
            progress(step)
    env.close()
    return DQNResult(qnet, encoder, returns, lengths, step)


def _next_due(due: int, step: int, period: int) -> int:
    """The first multiple-of-`period` deadline after `step`, counting from `due` (which `step` reached):
    a vector step of N envs can pass a deadline by up to N − 1 steps without shifting the schedule."""
    return due + period * ((step - due) // period + 1)


def _train_round(qnet: nn.Module, target: nn.Module, opt: TinyAdam, buffer: ReplayBuffer, rng: np.random.Generator,
                 cfg: DQNConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """`cfg.gradient_steps` TD updates on fresh replay batches; returns the last (loss, Q(s, a)).

    With a separate target network (fixed during the round) all batches are drawn at once and their
    TD targets come from one forward pass over ``G·B`` rows instead of G small ones — the same
    numbers, far fewer ops. Without one (gsurma: bootstrap from the online net) each target must
    see the latest weights, so it is computed per step.
    """
    G, B = cfg.gradient_steps, cfg.batch_size
    b = buffer.sample((G, B), rng)  # every field (G, B, ...)

    def td_target(g: slice) -> torch.Tensor:
        with torch.no_grad():
            next_q = target(b["next_obs"][g]).max(-1).values  # (g, B)
            return b["rewards"][g] + cfg.gamma * next_q * (1.0 - b["terminated"][g])

    y_all = td_target(slice(None)) if target is not qnet else None  # (G, B)
    for g in range(G):
        y = y_all[g] if y_all is not None else td_target(slice(g, g + 1))[0]  # (B,)
        q = qnet(b["obs"][g]).gather(1, b["actions"][g, :, None]).squeeze(1)  # (B,)
        loss = F.smooth_l1_loss(q, y) if cfg.loss == "huber" else F.mse_loss(q, y)
        opt.zero_grad()
        loss.backward()
        opt.clip_grad_norm(cfg.max_grad_norm)
        opt.step()
    return loss, q
