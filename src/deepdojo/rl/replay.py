"""Experience replay: a fixed-size ring buffer of transitions in preallocated NumPy arrays."""
from __future__ import annotations

import numpy as np
import torch


class ReplayBuffer:
    """Stores ``(obs, action, reward, next_obs, terminated)``; the oldest are overwritten when full.

    Args:
        capacity: maximum number of transitions kept.
        obs_shape: shape of one observation.
        obs_dtype: dtype observations are stored in.
    """

    def __init__(self, capacity: int, obs_shape: tuple[int, ...], obs_dtype=np.float32):
        if capacity < 1:
            raise ValueError(f"replay capacity must be >= 1, got {capacity}")
        self.capacity = int(capacity)
        self.obs = np.zeros((self.capacity, *obs_shape), dtype=obs_dtype)
        self.next_obs = np.zeros_like(self.obs)
        self.actions = np.zeros(self.capacity, dtype=np.int64)
        self.rewards = np.zeros(self.capacity, dtype=np.float32)
        self.terminated = np.zeros(self.capacity, dtype=np.float32)
        self.pos = 0
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def add(self, obs, action, reward, next_obs, terminated) -> None:
        """Append a batch of ``n`` transitions (leading dimension n, one per vector env)."""
        obs = np.asarray(obs).reshape(-1, *self.obs.shape[1:])
        n = len(obs)
        idx = (self.pos + np.arange(n)) % self.capacity  # wraps around: oldest overwritten
        self.obs[idx] = obs
        self.next_obs[idx] = np.asarray(next_obs).reshape(obs.shape)
        self.actions[idx] = np.asarray(action).reshape(n)
        self.rewards[idx] = np.asarray(reward).reshape(n)
        self.terminated[idx] = np.asarray(terminated).reshape(n)
        self.pos = int((self.pos + n) % self.capacity)
        self.size = min(self.size + n, self.capacity)

    def sample(self, batch_size: int, rng: np.random.Generator, device: torch.device | str = "cpu") -> dict[str, torch.Tensor]:
        """Uniformly sample `batch_size` stored transitions (with replacement) as tensors.

        Returns:
            ``{"obs": (B, *obs), "actions": (B,), "rewards": (B,), "next_obs": (B, *obs), "terminated": (B,)}``.
        """
        if self.size == 0:
            raise ValueError("cannot sample from an empty replay buffer; add transitions first")
        idx = rng.integers(0, self.size, size=batch_size)
        return {k: torch.as_tensor(getattr(self, k)[idx], device=device)
                for k in ("obs", "actions", "rewards", "next_obs", "terminated")}
