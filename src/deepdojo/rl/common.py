"""What the RL loops share: vector envs, observation encoders, networks, episode bookkeeping, evaluation."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

import gymnasium as gym
import numpy as np
import torch
from torch import nn

import deepdojo.rl.envs  # noqa: F401  (import registers deepdojo/Bear-v1 and deepdojo/Identity-v0)
from deepdojo.rl.cartpole_vec import MAX_STEPS as CARTPOLE_STEPS, SameStepCartPoleVec
from deepdojo.rl.envs.bear import encode_bear


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one intra-op thread inside the block (restored after).

    RL networks are tiny (batches of tens of rows): thread hand-offs cost more than the matmuls, and
    on a shared CPU several threads per process make every step slower.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def single_threaded(fn: Callable) -> Callable:
    """Decorator: call `fn` inside `one_thread()`."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with one_thread():
            return fn(*args, **kwargs)
    return wrapper


def make_vec(env_id: str, n_envs: int, env_kwargs: dict | None = None) -> gym.vector.VectorEnv:
    """``n_envs`` copies of `env_id` stepped in lock-step, reset in the same step they finish.

    Same-step autoreset puts the true last observation in ``info["final_obs"]`` so that a loop can
    bootstrap truncated episodes from it. Plain CartPole (no `env_kwargs`) gets the NumPy-vectorised
    `SameStepCartPoleVec` — all poles in one array step instead of a Python loop over env objects.
    """
    if env_id in CARTPOLE_STEPS and not env_kwargs:
        return SameStepCartPoleVec(n_envs, max_episode_steps=CARTPOLE_STEPS[env_id])
    return gym.make_vec(env_id, num_envs=n_envs, vectorization_mode="sync",
                        vector_kwargs={"autoreset_mode": gym.vector.AutoresetMode.SAME_STEP}, **(env_kwargs or {}))


def final_observations(next_obs: np.ndarray, info: dict, done: np.ndarray) -> np.ndarray:
    """The observation each env really ended in: ``info["final_obs"]`` where it finished, else `next_obs`."""
    real = next_obs.copy()
    if done.any() and "_final_obs" in info:
        for i in np.flatnonzero(info["_final_obs"]):  # only the few envs that just finished
            real[i] = info["final_obs"][i]
    return real


ENCODERS = ("identity", "onehot", "bear")


def encoder_for(env_id: str, space: gym.Space) -> str:
    """The encoder name that suits an observation space (stored with the agent for `play`)."""
    if env_id.startswith("deepdojo/Bear"):
        return "bear"
    return "onehot" if isinstance(space, gym.spaces.Discrete) else "identity"


def encode(name: str, obs, space: gym.Space) -> np.ndarray:
    """Observations → float32 network input (one-hot for discrete states, scaled features for the bear).

    Args:
        name: one of `ENCODERS`.
        obs: ``(N, ...)`` batch of raw observations.
        space: the single-env observation space.

    Returns:
        ``(N, F)`` float32 array.
    """
    if name == "onehot":
        return np.eye(space.n, dtype=np.float32)[np.asarray(obs, dtype=np.int64)]
    if name == "bear":
        return encode_bear(obs)
    if name == "identity":
        return np.asarray(obs, dtype=np.float32).reshape(len(obs), -1)
    raise ValueError(f"unknown observation encoder {name!r}; use one of {ENCODERS}")


def encoded_size(name: str, space: gym.Space) -> int:
    return encode(name, np.asarray([space.sample()]), space).shape[1]


def mlp(sizes: Sequence[int], activation: type[nn.Module] = nn.ReLU, out_gain: float | None = None) -> nn.Sequential:
    """Linear layers with `activation` between them (none after the last).

    Args:
        sizes: ``[in, hidden..., out]``.
        out_gain: orthogonal init with this gain on every layer (sqrt 2 on hidden ones, `out_gain`
            on the last) as PPO implementations do; None keeps PyTorch's default init.
    """
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(a, b)
        if out_gain is not None:
            last = i == len(sizes) - 2
            nn.init.orthogonal_(lin.weight, out_gain if last else 2 ** 0.5)
            nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


class TinyAdam:
    """Adam for tiny networks: `torch.optim.Adam(fused=True)`'s update, its fused kernel called directly.

    ``torch.optim.Adam.step`` spends ~90 µs per call on Python bookkeeping (hooks, parameter
    groups, lazy state) — as long as a 64-64 MLP's forward pass — and the RL loops take tens of
    thousands of steps. The arithmetic is the same kernel (a test checks it against torch's Adam).

    Args:
        params: the parameters to train (every one must get a gradient before `step`).
        lr: learning rate; assign ``opt.lr`` to anneal it.
        betas, eps: as in `torch.optim.Adam`.
    """

    def __init__(self, params, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.params = list(params)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.exp_avg = [torch.zeros_like(p) for p in self.params]
        self.exp_avg_sq = [torch.zeros_like(p) for p in self.params]
        self.steps = [torch.zeros((), dtype=torch.float32) for _ in self.params]
        # the fused kernel is a private torch op (CPU since torch 2.4); an older torch gets the
        # public optimizer, same update, slower step
        self._public = None if hasattr(torch, "_fused_adam_") else torch.optim.Adam(self.params, lr, betas, eps)

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def clip_grad_norm(self, max_norm: float) -> torch.Tensor:
        """Scale all gradients so that their joint L2 norm is at most `max_norm` (as
        `torch.nn.utils.clip_grad_norm_`, without its per-call device grouping); returns the norm before."""
        grads = [p.grad for p in self.params]
        total = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
        torch._foreach_mul_(grads, (max_norm / (total + 1e-6)).clamp_(max=1.0))
        return total

    @torch.no_grad()
    def step(self) -> None:
        grads = [p.grad for p in self.params]
        if any(g is None for g in grads):
            raise RuntimeError("TinyAdam.step: a parameter has no gradient; call loss.backward() first, and pass "
                               "only parameters that the loss depends on")
        if self._public is not None:
            self._public.param_groups[0]["lr"] = self.lr
            self._public.step()
            return
        torch._foreach_add_(self.steps, 1.0)
        torch._fused_adam_(self.params, grads, self.exp_avg, self.exp_avg_sq, [], self.steps, lr=self.lr,
                           beta1=self.betas[0], beta2=self.betas[1], weight_decay=0.0, eps=self.eps,
                           amsgrad=False, maximize=False)


class EpisodeTracker:
    """Accumulates per-env returns and lengths of a vector env and reports finished episodes."""

    def __init__(self, n_envs: int):
        self.ret = np.zeros(n_envs)
        self.len = np.zeros(n_envs, dtype=np.int64)

    def step(self, reward: np.ndarray, done: np.ndarray) -> list[tuple[float, int]]:
        """Add one step; return ``(return, length)`` of every episode that just ended."""
        self.ret += reward
        self.len += 1
        finished = [(float(self.ret[i]), int(self.len[i])) for i in np.flatnonzero(done)]
        self.ret[done] = 0.0
        self.len[done] = 0
        return finished


@single_threaded
def evaluate_policy(act: Callable[[np.ndarray], np.ndarray], env_id: str, n_episodes: int = 100, seed: int = 10_000,
                    env_kwargs: dict | None = None, max_steps: int = 100_000) -> np.ndarray:
    """Run `n_episodes` episodes at once (one env each) and return their returns.

    Args:
        act: maps a batch of raw observations ``(N, ...)`` to actions ``(N,)``.
        env_id: a registered gymnasium id (its TimeLimit applies).
        seed: env ``i`` is seeded ``seed + i`` (the vectorised CartPole: all from `seed`), so the
            same seed gives the same episodes (maps).

    Returns:
        ``(n_episodes,)`` returns of each env's first episode.
    """
    env = make_vec(env_id, n_episodes, env_kwargs)
    # one generator for the NumPy-vectorised CartPole, one seed per env object otherwise
    obs, _ = env.reset(seed=seed if isinstance(env, SameStepCartPoleVec) else [seed + i for i in range(n_episodes)])
    returns = np.zeros(n_episodes)
    running = np.ones(n_episodes, dtype=bool)
    for _ in range(max_steps):
        obs, reward, term, trunc, _ = env.step(act(obs))
        returns += reward * running  # envs already done are auto-reset; their rewards no longer count
        running &= ~(term | trunc)
        if not running.any():
            break
    env.close()
    return returns


@torch.no_grad()
def greedy_actor(net: nn.Module, encoder: str, space: gym.Space, device: torch.device | str = "cpu"):
    """An `act` function taking the argmax of a network's outputs (Q-values or policy logits)."""
    def act(obs):
        x = torch.as_tensor(encode(encoder, obs, space), device=device)
        return net(x).argmax(-1).cpu().numpy()
    return act
