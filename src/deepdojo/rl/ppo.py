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
    anneal_clip: bool = False
    """Shrink the clip range linearly to 0 over the budget (RL-Zoo's ``clip_range: lin_0.2``)."""
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
    # fused Adam: one kernel for all parameters instead of ~10 small ops per tensor (tiny nets are op-bound)
    opt = torch.optim.Adam(agent.parameters(), lr=cfg.lr, eps=1e-5, fused=True)
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
        frac = 1.0 - it / iterations  # RL-Zoo's "lin_x" schedules: x × remaining fraction of the budget
        if cfg.anneal_lr:
            opt.param_groups[0]["lr"] = cfg.lr * frac
        clip = cfg.clip_coef * frac if cfg.anneal_clip else cfg.clip_coef
        # -- rollout: one batched forward for all envs per step, no autograd -----------------------
        for t in range(T):
            with torch.no_grad():
                logits, value = agent(x), agent.value(x)  # (N, A), (N,)
                action = sample_categorical(logits)  # (N,)
                logp_b[t] = log_prob(logits, action)
            obs_b[t], act_b[t], val_b[t] = x, action, value
            obs, reward, term, trunc, info = env.step(action.numpy())
            done = term | trunc
            x = torch.as_tensor(encode(encoder, obs, space))
            rew_b[t], done_b[t] = torch.from_numpy(reward.astype(np.float32)), torch.from_numpy(done.astype(np.float32))
            idx = np.flatnonzero(trunc & ~term)  # cut by the time limit, not ended by the env itself
            if len(idx):  # bootstrap those episodes from the observation they really ended in
                final = torch.as_tensor(encode(encoder, np.stack([info["final_obs"][i] for i in idx]), space))
                with torch.no_grad():
                    nval_b[t, idx] = agent.value(final)
            step += N
            if done.any():
                for ret, length in tracker.step(reward, done):
                    returns.append(ret)
                    if log:
                        log({"rollout/return": ret, "rollout/length": length}, step=step, episode=len(returns))
            else:
                tracker.step(reward, done)
        # V(next state): from the rollout itself where the episode went on; 0 where it terminated and
        # V(final obs) where it was truncated (both already in nval_b, which starts each rollout at 0).
        with torch.no_grad():
            nval_b[:-1] = torch.where(done_b[:-1].bool(), nval_b[:-1], val_b[1:])
            nval_b[-1] = torch.where(done_b[-1].bool(), nval_b[-1], agent.value(x))
        adv, ret_b = compute_gae(rew_b, val_b, nval_b, done_b, cfg.gamma, cfg.gae_lambda)
        stats = _update(agent, opt, cfg, clip, kl_coef, obs_b.reshape(T * N, -1), act_b.reshape(-1), logp_b.reshape(-1),
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


def sample_categorical(logits: torch.Tensor) -> torch.Tensor:
    """One action per row drawn from ``softmax(logits)`` by the Gumbel-max trick.

    ``argmax(logits + Gumbel noise)`` is an exact categorical sample; it costs a few tensor ops,
    far less than building a ``torch.distributions.Categorical`` every env step.

    Args:
        logits: ``(B, A)`` unnormalised log-probabilities.

    Returns:
        ``(B,)`` int64 actions.
    """
    gumbel = -torch.empty_like(logits).exponential_().log()  # (B, A); -log(Exp(1)) ~ Gumbel(0, 1)
    return (logits + gumbel).argmax(-1)


def log_prob(logits: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
    """``log softmax(logits)[b, actions[b]]`` for every row: ``(B, A), (B,) -> (B,)``."""
    return torch.log_softmax(logits, -1).gather(1, actions[:, None]).squeeze(1)


def _update(agent: ActorCritic, opt: torch.optim.Optimizer, cfg: PPOConfig, clip: float, kl_coef: float,
            obs: torch.Tensor, actions: torch.Tensor, old_logp: torch.Tensor, adv: torch.Tensor,
            returns: torch.Tensor) -> dict[str, float]:
    """`cfg.n_epochs` passes of shuffled minibatch updates over one flattened rollout ``(T·N, ...)``.

    Actor and critic losses are summed into one backward pass. Returns the last minibatch's losses.
    """
    n = len(obs)
    mb = max(1, n // cfg.n_minibatches)
    params = list(agent.parameters())
    if mb >= n and cfg.norm_adv and n > 1:  # one minibatch = the whole rollout: normalise once, not every epoch
        adv = (adv - adv.mean()) / (adv.std() + 1e-8)
    for _ in range(cfg.n_epochs):
        perm = torch.randperm(n) if mb < n else None  # one minibatch = the whole rollout: order is irrelevant
        for start in range(0, n, mb):
            if perm is None:
                o, act, old, a, r = obs, actions, old_logp, adv, returns
            else:
                i = perm[start:start + mb]
                o, act, old, a, r = obs[i], actions[i], old_logp[i], adv[i], returns[i]
            logits = agent(o)  # (B, A)
            log_probs = torch.log_softmax(logits, -1)  # (B, A)
            log_ratio = log_probs.gather(1, act[:, None]).squeeze(1) - old  # (B,)
            ratio = log_ratio.exp()
            if cfg.norm_adv and len(a) > 1 and perm is not None:
                a = (a - a.mean()) / (a.std() + 1e-8)
            if clip > 0:
                pg_loss = -torch.min(ratio * a, ratio.clamp(1 - clip, 1 + clip) * a).mean()
            else:
                pg_loss = -(ratio * a).mean()
            v_loss = 0.5 * (agent.value(o) - r).pow(2).mean()
            loss = pg_loss + cfg.vf_coef * v_loss
            if kl_coef > 0:
                approx_kl = ((ratio - 1) - log_ratio).mean()  # unbiased, non-negative KL(old || new) estimate
                loss = loss + kl_coef * approx_kl
            if cfg.ent_coef > 0:
                entropy = -(log_probs.exp() * log_probs).sum(-1).mean()
                loss = loss - cfg.ent_coef * entropy
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(params, cfg.max_grad_norm, foreach=True)
            opt.step()
    with torch.no_grad():  # diagnostics of the last minibatch, off the autograd graph
        approx_kl = ((ratio - 1) - log_ratio).mean()
        entropy = -(log_probs.exp() * log_probs).sum(-1).mean()
    return {"losses/policy_loss": pg_loss.item(), "losses/value_loss": v_loss.item(),
            "losses/entropy": entropy.item(), "losses/approx_kl": approx_kl.item()}
