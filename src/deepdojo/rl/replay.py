"""Experience replay: a fixed-size ring buffer of transitions in preallocated tensors."""
from __future__ import annotations

import numpy as np
import torch

FIELDS = ("obs", "actions", "rewards", "next_obs", "terminated")


class ReplayBuffer:
    """Stores ``(obs, action, reward, next_obs, terminated)``; the oldest are overwritten when full.

    Storage is preallocated CPU tensors, so a sampled batch is one index (gather) per field, with
    no NumPy → torch copy per update.

    Args:
        capacity: maximum number of transitions kept.
        obs_shape: shape of one observation.
        obs_dtype: dtype observations are stored in.
    """

    def __init__(self, capacity: int, obs_shape: tuple[int, ...], obs_dtype: torch.dtype = torch.float32):
        if capacity < 1:
            raise ValueError(f"replay capacity must be >= 1, got {capacity}")
        self.capacity = int(capacity)
        self.obs = torch.zeros((self.capacity, *obs_shape), dtype=obs_dtype)
        self.next_obs = torch.zeros_like(self.obs)
        self.actions = torch.zeros(self.capacity, dtype=torch.int64)
        self.rewards = torch.zeros(self.capacity)
        self.terminated = torch.zeros(self.capacity)
        self.pos = 0
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def add(self, obs, action, reward, next_obs, terminated) -> None:
        """Append a batch of ``n`` transitions (leading dimension n, one per vector env)."""
        obs = torch.as_tensor(np.asarray(obs), dtype=self.obs.dtype).reshape(-1, *self.obs.shape[1:])
        n = len(obs)
        if self.pos + n <= self.capacity:  # the common case: one contiguous slice, no index tensor
            where: slice | torch.Tensor = slice(self.pos, self.pos + n)
        else:  # wraps around: the oldest are overwritten
            where = (self.pos + torch.arange(n)) % self.capacity
        self.obs[where] = obs
        self.next_obs[where] = torch.as_tensor(np.asarray(next_obs), dtype=self.obs.dtype).reshape(obs.shape)
        self.actions[where] = torch.as_tensor(np.asarray(action).reshape(n), dtype=torch.int64)
        self.rewards[where] = torch.as_tensor(np.asarray(reward, dtype=np.float32).reshape(n))
        self.terminated[where] = torch.as_tensor(np.asarray(terminated, dtype=np.float32).reshape(n))
        self.pos = int((self.pos + n) % self.capacity)
        self.size = min(self.size + n, self.capacity)

    def sample(self, batch_size: int | tuple[int, ...], rng: np.random.Generator) -> dict[str, torch.Tensor]:
        """Uniformly sample stored transitions (with replacement) as tensors.

        Args:
            batch_size: ``B``, or a shape such as ``(G, B)`` to draw G batches in one go.
            rng: the generator that picks the indices (so a seed fixes the batches).

        Returns:
            ``{"obs": (*shape, *obs), "actions": (*shape,), "rewards": (*shape,), "next_obs": (*shape, *obs),
            "terminated": (*shape,)}`` with ``shape`` = `batch_size`.
        """
        if self.size == 0:
            raise ValueError("cannot sample from an empty replay buffer; add transitions first")
        idx = torch.from_numpy(rng.integers(0, self.size, size=batch_size))
        return {k: getattr(self, k)[idx] for k in FIELDS}
