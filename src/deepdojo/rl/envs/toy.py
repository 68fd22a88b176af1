"""A trivial environment for must-learn tests: echo the observed symbol (the "identity" env).

Each step shows one of ``n`` symbols as a one-hot vector; action == symbol earns 1, anything else 0.
A perfect agent scores ``length`` per episode, a random one ``length / n``.
"""
from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces


class IdentityEnv(gym.Env):
    """Args:
        n: number of symbols (= actions).
        length: steps per episode (the episode ends truncated).
    """

    metadata = {"render_modes": []}

    def __init__(self, n: int = 4, length: int = 10):
        self.n, self.length = n, length
        self.observation_space = spaces.Box(0.0, 1.0, (n,), dtype=np.float32)
        self.action_space = spaces.Discrete(n)
        self.symbol, self.t = 0, 0

    def _obs(self) -> np.ndarray:
        self.symbol = int(self.np_random.integers(self.n))
        return np.eye(self.n, dtype=np.float32)[self.symbol]

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return self._obs(), {}

    def step(self, action):
        reward = float(int(action) == self.symbol)
        self.t += 1
        return self._obs(), reward, False, self.t >= self.length, {}
