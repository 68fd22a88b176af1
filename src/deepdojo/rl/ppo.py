"""Proximal Policy Optimization, CleanRL style: collect a rollout from vector envs, compute GAE,
then a few epochs of minibatch updates on the clipped objective (+ optional KL penalty as in
tf-agents, which the bear course uses), value loss and entropy bonus.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import nn

from deepdojo.rl.common import EpisodeTracker, single_threaded, encode, encoded_size, encoder_for, make_vec, mlp


@dataclass(frozen=True)
class PPOConfig:
    env_id: str = "CartPole-v1"
    total_steps: int = 100_000
    n_envs: int = 8
    n_steps: int = 32
    """Rollout length per env and iteration."""
    hidden: tuple[int, ...] = (64, 64)
    lr: float = 1e-3
    anneal_lr: bool = True
    gamma: float = 0.98
    gae_lambda: float = 0.8
    n_epochs: int = 20
    n_minibatches: int = 1
    clip_coef: float = 0.2
    """Clip range of the probability ratio; 0 turns clipping off (KL-penalty PPO)."""
    kl_coef: float = 0.0
    """Weight β of the KL(old ‖ new) penalty; with `kl_target` > 0 it adapts (×2 / ÷2) per iteration."""
    kl_target: float = 0.0
    ent_coef: float = 0.0
    vf_coef: float = 0.5
    max_grad_norm: float = 0.5
    norm_adv: bool = True


class ActorCritic(nn.Module):
    """Separate policy and value MLPs; ``forward`` gives the policy logits (what `play` needs)."""

    def __init__(self, n_in: int, n_actions: int, hidden: tuple[int, ...]):
        super().__init__()
        self.actor = mlp([n_in, *hidden, n_actions], nn.Tanh, out_gain=0.01)
        self.critic = mlp([n_in, *hidden, 1], nn.Tanh, out_gain=1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.actor(x)  # (B, A) logits

    def value(self, x: torch.Tensor) -> torch.Tensor:
        return self.critic(x).squeeze(-1)  # (B,)


def compute_gae(rewards: torch.Tensor, values: torch.Tensor, next_values: torch.Tensor, dones: torch.Tensor,
                gamma: float, lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalised advantage estimation over a ``(T, N)`` rollout.

    Args:
        rewards, values: ``(T, N)`` reward of step t and V(s_t).
        next_values: ``(T, N)`` V of the state after step t — 0 if it terminated, V(final obs) if
            it was truncated, else V(s_{t+1}).
        dones: ``(T, N)`` 1 where the episode ended at step t (advantages do not flow across it).

    Returns:
        (advantages, returns), both ``(T, N)``; returns = advantages + values.
    """
    adv = torch.zeros_like(rewards)
    running = torch.zeros_like(rewards[0])
    for t in reversed(range(rewards.shape[0])):
        delta = rewards[t] + gamma * next_values[t] - values[t]
        running = delta + gamma * lam * (1.0 - dones[t]) * running
        adv[t] = running
    return adv, adv + values


@single_threaded
def train_ppo(cfg: PPOConfig, seed: int, *, log: Callable[..., None] | None = None,
              evaluate: Callable[[nn.Module, int], bool] | None = None, eval_every: int = 0,
              env_kwargs: dict | None = None, progress=None) -> tuple[ActorCritic, str, list[float]]:
    """Train a PPO agent on `cfg.env_id`.

    Args:
        cfg: hyperparameters.
        seed: seeds the envs, the sampling and the network init.
        log: ``log(metrics, step=...)``, e.g. ``ctx.log``.
        evaluate: called with ``(agent, step)`` about every `eval_every` env steps (after an
            update); True stops training (solved).
        progress: optional ``progress(steps_done)``.

    Returns:
        (agent, encoder name, return of every finished training episode).
    """
    torch.manual_seed(seed)
    env = make_vec(cfg.env_id, cfg.n_envs, env_kwargs)
    space = env.single_observation_space
    encoder = encoder_for(cfg.env_id, space)
    n_in, n_act = encoded_size(encoder, space), int(env.single_action_space.n)
    agent = ActorCritic(n_in, n_act, cfg.hidden)
    opt = torch.optim.Adam(agent.parameters(), lr=cfg.lr, eps=1e-5)
    T, N = cfg.n_steps, cfg.n_envs
    obs_b = torch.zeros(T, N, n_in)
    act_b = torch.zeros(T, N, dtype=torch.long)
    logp_b, rew_b, val_b, nval_b, done_b = (torch.zeros(T, N) for _ in range(5))
    tracker = EpisodeTracker(N)
    returns: list[float] = []
    kl_coef = cfg.kl_coef
    obs, _ = env.reset(seed=seed)
    x = torch.as_tensor(encode(encoder, obs, space))  # (N, F)
    iterations = max(1, cfg.total_steps // (T * N))
    step, next_eval = 0, eval_every
    for it in range(iterations):
        if cfg.anneal_lr:
            opt.param_groups[0]["lr"] = cfg.lr * (1.0 - it / iterations)
        # -- rollout ---------------------------------------------------------------------------
        for t in range(T):
            with torch.no_grad():
                dist = torch.distributions.Categorical(logits=agent(x))
                action = dist.sample()  # (N,)
                obs_b[t], act_b[t], logp_b[t], val_b[t] = x, action, dist.log_prob(action), agent.value(x)
            obs, reward, term, trunc, info = env.step(action.numpy())
            done = term | trunc
            x = torch.as_tensor(encode(encoder, obs, space))
            rew_b[t], done_b[t] = torch.as_tensor(reward, dtype=torch.float32), torch.as_tensor(done, dtype=torch.float32)
            idx = np.flatnonzero(trunc & ~term)  # cut by the time limit, not ended by the env itself
            if len(idx):  # bootstrap those episodes from the observation they really ended in
                final = torch.as_tensor(encode(encoder, np.stack([info["final_obs"][i] for i in idx]), space))
                with torch.no_grad():
                    nval_b[t, idx] = agent.value(final)
            step += N
            for ret, length in tracker.step(reward, done):
                returns.append(ret)
                if log:
                    log({"rollout/return": ret, "rollout/length": length}, step=step, episode=len(returns))
        # V(next state): from the rollout itself where the episode went on; 0 where it terminated and
        # V(final obs) where it was truncated (both already in nval_b, which starts each rollout at 0).
        with torch.no_grad():
            nval_b[:-1] = torch.where(done_b[:-1].bool(), nval_b[:-1], val_b[1:])
            nval_b[-1] = torch.where(done_b[-1].bool(), nval_b[-1], agent.value(x))
        adv, ret_b = compute_gae(rew_b, val_b, nval_b, done_b, cfg.gamma, cfg.gae_lambda)
        stats = _update(agent, opt, cfg, kl_coef, obs_b.reshape(T * N, -1), act_b.reshape(-1), logp_b.reshape(-1),
                        adv.reshape(-1), ret_b.reshape(-1))
        if cfg.kl_target > 0:  # adaptive KL penalty (tf-agents / PPO paper §4)
            kl_coef = kl_coef * 2 if stats["losses/approx_kl"] > 1.5 * cfg.kl_target else kl_coef
            kl_coef = kl_coef / 2 if stats["losses/approx_kl"] < cfg.kl_target / 1.5 else kl_coef
        nval_b.zero_()
        if log:
            log({**stats, "losses/kl_coef": kl_coef}, step=step)
        if progress is not None:
            progress(step)
        if evaluate is not None and eval_every and step >= next_eval:
            next_eval += eval_every
            if evaluate(agent, step):
                break
    env.close()
    return agent, encoder, returns


def _update(agent: ActorCritic, opt: torch.optim.Optimizer, cfg: PPOConfig, kl_coef: float, obs: torch.Tensor,
            actions: torch.Tensor, old_logp: torch.Tensor, adv: torch.Tensor, returns: torch.Tensor) -> dict[str, float]:
    """`cfg.n_epochs` passes of shuffled minibatch updates over one flattened rollout ``(T·N, ...)``."""
    n = len(obs)
    mb = max(1, n // cfg.n_minibatches)
    for _ in range(cfg.n_epochs):
        perm = torch.randperm(n)
        for start in range(0, n, mb):
            i = perm[start:start + mb]
            logits = agent(obs[i])  # (B, A)
            dist = torch.distributions.Categorical(logits=logits)
            logp = dist.log_prob(actions[i])
            log_ratio = logp - old_logp[i]
            ratio = log_ratio.exp()
            a = adv[i]
            if cfg.norm_adv and len(i) > 1:
                a = (a - a.mean()) / (a.std() + 1e-8)
            if cfg.clip_coef > 0:
                pg_loss = -torch.min(ratio * a, ratio.clamp(1 - cfg.clip_coef, 1 + cfg.clip_coef) * a).mean()
            else:
                pg_loss = -(ratio * a).mean()
            approx_kl = ((ratio - 1) - log_ratio).mean()  # unbiased, non-negative KL(old || new) estimate
            v_loss = 0.5 * (agent.value(obs[i]) - returns[i]).pow(2).mean()
            entropy = dist.entropy().mean()
            loss = pg_loss + kl_coef * approx_kl + cfg.vf_coef * v_loss - cfg.ent_coef * entropy
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(agent.parameters(), cfg.max_grad_norm)
            opt.step()
    return {"losses/policy_loss": pg_loss.item(), "losses/value_loss": v_loss.item(),
            "losses/entropy": entropy.item(), "losses/approx_kl": approx_kl.item()}
