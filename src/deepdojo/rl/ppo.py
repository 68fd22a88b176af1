"""Proximal Policy Optimization, CleanRL style: collect a rollout from vector envs, compute GAE,
then a few epochs of minibatch updates on the clipped objective (+ optional KL penalty as in
tf-agents, which the bear course uses), value loss and entropy bonus.

Built for small networks on a CPU, where per-call overhead outweighs the arithmetic: the rollout
does one policy forward per vector step (values and log-probabilities of the whole rollout come
from one batched pass afterwards), and the update's gradients are written out by hand
(`ppo_gradients`, checked against autograd in the tests) and applied by `TinyAdam`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from deepdojo.rl.common import (EpisodeTracker, TinyAdam, encode, encoded_size, encoder_for, make_vec, mlp,
                                single_threaded)


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
        # the Linear layers in order, for a forward pass without per-module call overhead (a plain
        # list, so nothing is registered twice)
        self._actor_layers = [m for m in self.actor if isinstance(m, nn.Linear)]
        self._critic_layers = [m for m in self.critic if isinstance(m, nn.Linear)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _tanh_mlp(self._actor_layers, x)  # (B, A) logits

    def value(self, x: torch.Tensor) -> torch.Tensor:
        return _tanh_mlp(self._critic_layers, x).squeeze(-1)  # (B,)


def _tanh_mlp(layers: list[nn.Linear], x: torch.Tensor) -> torch.Tensor:
    """What ``nn.Sequential(Linear, Tanh, ..., Linear)`` computes, calling the ops directly.

    Tiny networks are bound by per-call overhead; skipping ``Module.__call__`` (hooks, dispatch) for
    every layer is a measurable share of a PPO update here.
    """
    for layer in layers[:-1]:
        x = torch.tanh(F.linear(x, layer.weight, layer.bias))
    return F.linear(x, layers[-1].weight, layers[-1].bias)


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
    # all TD errors at once; only the backward accumulation is a loop over T (NumPy: ~1 µs per op)
    delta = (rewards + gamma * next_values - values).numpy()  # (T, N)
    decay = (gamma * lam * (1.0 - dones)).numpy()  # (T, N)
    adv = np.empty_like(delta)
    running = np.zeros_like(delta[0])
    for t in reversed(range(len(delta))):
        running = delta[t] + decay[t] * running
        adv[t] = running
    adv_t = torch.from_numpy(adv)
    return adv_t, adv_t + values


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
    opt = TinyAdam(agent.parameters(), lr=cfg.lr, eps=1e-5)
    T, N = cfg.n_steps, cfg.n_envs
    obs_b = torch.zeros(T + 1, N, n_in)  # row T: the observation after the rollout (to bootstrap from)
    act_b = torch.zeros(T, N, dtype=torch.long)
    rew_b, done_b = np.zeros((T, N), np.float32), np.zeros((T, N), np.float32)
    nval_b = torch.zeros(T, N)  # V(final obs) where an episode was truncated at step t, else 0
    tracker = EpisodeTracker(N)
    returns: list[float] = []
    kl_coef = cfg.kl_coef
    obs, _ = env.reset(seed=seed)
    obs_b[0] = torch.from_numpy(encode(encoder, obs, space))  # (N, F)
    iterations = max(1, cfg.total_steps // (T * N))
    step, next_eval = 0, eval_every
    for it in range(iterations):
        frac = 1.0 - it / iterations  # RL-Zoo's "lin_x" schedules: x × remaining fraction of the budget
        if cfg.anneal_lr:
            opt.lr = cfg.lr * frac
        clip = cfg.clip_coef * frac if cfg.anneal_clip else cfg.clip_coef
        # -- rollout: per step only the policy forward (all envs at once) and the env step ------------
        gumbel = gumbel_noise((T, N, n_act))  # sampling noise for the whole rollout in one draw
        for t in range(T):
            with torch.no_grad():
                action = (agent(obs_b[t]) + gumbel[t]).argmax(-1)  # (N,) ~ softmax(logits) (Gumbel-max)
            act_b[t] = action
            obs, reward, term, trunc, info = env.step(action.numpy())
            done = term | trunc
            obs_b[t + 1] = torch.from_numpy(encode(encoder, obs, space))
            rew_b[t], done_b[t] = reward, done
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
        # -- values and log-probs of the whole rollout in one batched pass: the weights did not change
        # during the rollout, so this equals computing them step by step, with 2 forwards instead of 2T.
        with torch.no_grad():
            flat = obs_b.reshape((T + 1) * N, -1)  # ((T+1)·N, F)
            values = agent.value(flat).reshape(T + 1, N)  # V(s_0) ... V(s_T)
            old_logp = log_prob(agent(flat[:T * N]), act_b.reshape(-1))  # (T·N,)
        dones = torch.from_numpy(done_b)
        # V(next state): the rollout's own next value where the episode went on; 0 where it terminated
        # and V(final obs) where it was truncated (both in nval_b).
        next_values = torch.where(dones.bool(), nval_b, values[1:])
        adv, ret_b = compute_gae(torch.from_numpy(rew_b), values[:-1], next_values, dones, cfg.gamma, cfg.gae_lambda)
        stats = _update(agent, opt, cfg, clip, kl_coef, obs_b[:T].reshape(T * N, -1), act_b.reshape(-1), old_logp,
                        adv.reshape(-1), ret_b.reshape(-1))
        obs_b[0] = obs_b[T]  # the next rollout starts where this one ended
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


def gumbel_noise(shape: tuple[int, ...]) -> torch.Tensor:
    """Standard Gumbel noise: ``argmax(logits + noise)`` is an exact sample of ``softmax(logits)``.

    Drawing it for a whole rollout at once costs a few tensor ops, far less than building a
    ``torch.distributions.Categorical`` every env step.
    """
    return -torch.empty(shape).exponential_().log()  # -log(Exp(1)) ~ Gumbel(0, 1)


def log_prob(logits: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
    """``log softmax(logits)[b, actions[b]]`` for every row: ``(B, A), (B,) -> (B,)``."""
    return torch.log_softmax(logits, -1).gather(1, actions[:, None]).squeeze(1)


@torch.no_grad()
def _update(agent: ActorCritic, opt: TinyAdam, cfg: PPOConfig, clip: float, kl_coef: float,
            obs: torch.Tensor, actions: torch.Tensor, old_logp: torch.Tensor, adv: torch.Tensor,
            returns: torch.Tensor) -> dict[str, float]:
    """`cfg.n_epochs` passes of shuffled minibatch updates over one flattened rollout ``(T·N, ...)``.

    Returns the last minibatch's losses.
    """
    n = len(obs)
    mb = max(1, n // cfg.n_minibatches)
    if mb >= n and cfg.norm_adv and n > 1:  # one minibatch = the whole rollout: normalise once, not every epoch
        adv = (adv - adv.mean()) / (adv.std() + 1e-8)
    for epoch in range(cfg.n_epochs):
        perm = torch.randperm(n) if mb < n else None  # one minibatch = the whole rollout: order is irrelevant
        for start in range(0, n, mb):
            last = epoch == cfg.n_epochs - 1 and start + mb >= n
            if perm is None:
                o, act, old, a, r = obs, actions, old_logp, adv, returns
            else:
                i = perm[start:start + mb]
                o, act, old, a, r = obs[i], actions[i], old_logp[i], adv[i], returns[i]
                if cfg.norm_adv and len(a) > 1:
                    a = (a - a.mean()) / (a.std() + 1e-8)
            stats = ppo_gradients(agent, o, act, old, a, r, clip=clip, kl_coef=kl_coef, ent_coef=cfg.ent_coef,
                                  vf_coef=cfg.vf_coef, losses=last)
            opt.clip_grad_norm(cfg.max_grad_norm)
            opt.step()
    return {k: v.item() for k, v in stats.items()}


@torch.no_grad()
def ppo_gradients(agent: ActorCritic, obs: torch.Tensor, actions: torch.Tensor, old_logp: torch.Tensor,
                  adv: torch.Tensor, returns: torch.Tensor, *, clip: float, kl_coef: float = 0.0,
                  ent_coef: float = 0.0, vf_coef: float = 0.5, losses: bool = True) -> dict[str, torch.Tensor]:
    """Set ``.grad`` of every agent parameter to the gradient of the PPO loss on one minibatch.

    loss = −mean(min(ρ·A, clip(ρ, 1±ε)·A))  (or −mean(ρ·A) when `clip` is 0)
           + kl_coef · mean((ρ − 1) − log ρ) + vf_coef · ½ · mean((V − R)²) − ent_coef · mean(H),
    with ρ = π(a|s) / π_old(a|s). The gradients are written out by hand — softmax and tanh-MLP
    backprop, a dozen matrix products — instead of autograd: for networks this small the graph
    bookkeeping costs more than the arithmetic (~30 % of an update here). tests/rl/test_deep.py
    checks them against autograd.

    Args:
        obs: ``(B, F)``; actions, old_logp, adv (already normalised), returns: ``(B,)``.
        losses: also compute the loss terms (only the logged, last minibatch needs them).

    Returns:
        The loss terms (0-d tensors): ``losses/policy_loss``, ``losses/value_loss``,
        ``losses/entropy``, ``losses/approx_kl``; empty if not `losses`.
    """
    B = len(obs)
    logits, actor_in = _forward(agent._actor_layers, obs)  # (B, A)
    values, critic_in = _forward(agent._critic_layers, obs)  # (B, 1)
    log_probs = torch.log_softmax(logits, -1)  # (B, A)
    probs = log_probs.exp()
    log_ratio = log_probs.gather(1, actions[:, None]).squeeze(1) - old_logp  # (B,)
    ratio = log_ratio.exp()
    surrogate = ratio * adv
    if clip > 0:
        clipped = ratio.clamp(1 - clip, 1 + clip) * adv
        # min() passes the gradient only where the unclipped term is the smaller one (else clip(ρ) is flat)
        g_logp = -surrogate * (surrogate <= clipped)  # dloss/dlog π(a|s) = dloss/dρ · ρ
    else:
        g_logp = -surrogate
    if kl_coef > 0:
        g_logp = g_logp + kl_coef * (ratio - 1)  # d/dlog ρ of (ρ − 1) − log ρ
    g_logp = g_logp / B  # (B,)
    # d log softmax(z)_a / dz = onehot(a) − softmax(z)
    g_logits = -probs * g_logp[:, None]  # (B, A)
    g_logits.scatter_add_(1, actions[:, None], g_logp[:, None])
    entropy_rows = -(probs * log_probs).sum(-1, keepdim=True) if ent_coef > 0 or losses else None  # (B, 1)
    if ent_coef > 0:  # dH/dz = −p·(log p + H), and the loss has −ent_coef·H
        g_logits += (ent_coef / B) * probs * (log_probs + entropy_rows)
    g_values = (vf_coef / B) * (values - returns[:, None])  # (B, 1)
    _backward(agent._actor_layers, actor_in, g_logits)
    _backward(agent._critic_layers, critic_in, g_values)
    if not losses:
        return {}
    pg_loss = -(torch.minimum(surrogate, clipped) if clip > 0 else surrogate).mean()
    return {"losses/policy_loss": pg_loss, "losses/value_loss": 0.5 * (values.squeeze(1) - returns).pow(2).mean(),
            "losses/entropy": entropy_rows.mean(), "losses/approx_kl": ((ratio - 1) - log_ratio).mean()}


def _forward(layers: list[nn.Linear], x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """A tanh MLP's output and the input of each of its layers (what `_backward` needs)."""
    inputs = [x]
    for layer in layers[:-1]:
        x = torch.addmm(layer.bias, x, layer.weight.t())  # (B, out)
        # NumPy's SIMD tanh, in place on the tensor's memory: ~5x faster than torch.tanh on this CPU
        # class, and safe here because nothing is recorded for autograd (gradients are by hand)
        np.tanh(x.numpy(), out=x.numpy())
        inputs.append(x)
    return torch.addmm(layers[-1].bias, x, layers[-1].weight.t()), inputs


def _backward(layers: list[nn.Linear], inputs: list[torch.Tensor], grad_out: torch.Tensor) -> None:
    """Backpropagate ``grad_out`` = dloss/doutput ``(B, out)`` through a tanh MLP into ``.grad``."""
    g = grad_out
    for i in range(len(layers) - 1, -1, -1):
        layer, x = layers[i], inputs[i]
        layer.weight.grad = g.t() @ x  # (out, in)
        layer.bias.grad = g.sum(0)
        if i:  # into the previous layer's pre-activation: tanh' = 1 − tanh², so g·(1 − x²) = g − (g·x)·x
            g = g @ layer.weight
            g = torch.addcmul(g, g * x, x, value=-1.0)
