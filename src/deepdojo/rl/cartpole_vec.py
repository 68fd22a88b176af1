"""CartPole stepped for all envs at once in NumPy, with same-step autoreset.

gymnasium's `CartPoleVectorEnv` integrates every pole in one set of array operations (no Python
loop over envs), but it resets a finished env on the *next* ``step`` call and returns a dummy
transition there (reward 0, action ignored). The RL loops here expect gymnasium's same-step
convention instead — a finished env is reset inside the step that ended it, its true last
observation is in ``info["final_obs"]`` — so that every step is a real transition and the env-step
counts match single-env gymnasium (and Stable-Baselines3). This class keeps the parent's constants,
spaces, seeding and reset, and steps the same equations itself with the same-step convention (and
without the parent's per-call action-space check, a third of its cost); a test checks it against
gymnasium's CartPole-v1 step for step.
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
        # gymnasium's CartPole equations (Euler), for all envs at once; state rows: x, ẋ, θ, θ̇ — (4, N)
        x, x_dot, theta, theta_dot = self.state
        force = np.where(np.asarray(action) == 1, self.force_mag, -self.force_mag)
        cos, sin = np.cos(theta), np.sin(theta)
        temp = (force + self.polemass_length * theta_dot * theta_dot * sin) / self.total_mass
        theta_acc = (self.gravity * sin - cos * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * cos * cos / self.total_mass))
        x_acc = temp - self.polemass_length * theta_acc * cos / self.total_mass
        self.state = np.stack((x + self.tau * x_dot, x_dot + self.tau * x_acc,
                               theta + self.tau * theta_dot, theta_dot + self.tau * theta_acc))
        x, theta = self.state[0], self.state[2]
        term = (np.abs(x) > self.x_threshold) | (np.abs(theta) > self.theta_threshold_radians)
        self.steps += 1
        trunc = self.steps >= self.max_episode_steps
        reward = np.ones(self.num_envs, dtype=np.float32)
        obs = self.state.T.astype(np.float32)  # (N, 4)
        done = term | trunc
        if not done.any():
            return obs, reward, term, trunc, {}
        info = {"final_obs": obs.copy(), "_final_obs": done}
        n = int(done.sum())
        self.state[:, done] = self.np_random.uniform(low=self.low, high=self.high, size=(4, n))  # (4, n) fresh starts
        self.steps[done] = 0
        obs[done] = self.state[:, done].T.astype(np.float32)
        return obs, reward, term, trunc, info
