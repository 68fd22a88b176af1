"""CartPole stepped for all envs at once in NumPy, with same-step autoreset.

gymnasium's `CartPoleVectorEnv` integrates every pole in one set of array operations (no Python
loop over envs), but it resets a finished env on the *next* ``step`` call and returns a dummy
transition there (reward 0, action ignored). The RL loops here expect gymnasium's same-step
convention instead — a finished env is reset inside the step that ended it, its true last
observation is in ``info["final_obs"]`` — so that every step is a real transition and the env-step
counts match single-env gymnasium (and Stable-Baselines3). This class converts one into the other.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv
from gymnasium.vector import AutoresetMode

MAX_STEPS = {"CartPole-v0": 200, "CartPole-v1": 500}
"""The ids this fast path stands in for, and their TimeLimit."""


class SameStepCartPoleVec(CartPoleVectorEnv):
    """`CartPoleVectorEnv` whose finished envs are reset within the step that ended them.

    Args:
        num_envs: number of CartPoles stepped together.
        max_episode_steps: truncation limit (500 for CartPole-v1, 200 for v0).
    """

    metadata = {**CartPoleVectorEnv.metadata, "autoreset_mode": AutoresetMode.SAME_STEP}

    def step(self, action: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Advance every env one step.

        Returns:
            ``(obs (N, 4) float32, reward (N,), terminated (N,), truncated (N,), info)``; where an
            episode ended, ``obs`` is already the next episode's first observation and
            ``info["final_obs"]`` (N, 4) holds the observation it ended in (``info["_final_obs"]``
            marks those rows).
        """
        obs, reward, term, trunc, _ = super().step(np.asarray(action, dtype=np.int64))
        done = term | trunc
        if not done.any():
            return obs, reward, term, trunc, {}
        info = {"final_obs": obs.copy(), "_final_obs": done}
        n = int(done.sum())
        self.state[:, done] = self.np_random.uniform(low=self.low, high=self.high, size=(4, n))  # (4, n) fresh starts
        self.steps[done] = 0
        self.prev_done[:] = False  # already reset here: the parent must not reset them again next step
        obs[done] = self.state[:, done].T.astype(np.float32)
        return obs, reward, term, trunc, info
