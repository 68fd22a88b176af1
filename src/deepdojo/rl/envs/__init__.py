"""deepdojo's own environments, registered with gymnasium on import.

``gymnasium.make("deepdojo/Bear-v1")`` is the course's bear problem (25-step limit);
``"deepdojo/Identity-v0"`` the trivial echo task the must-learn tests use.
"""
from __future__ import annotations

import gymnasium as gym

from deepdojo.rl.envs.bear import MAX_STEPS, BearEnv, encode_bear
from deepdojo.rl.envs.toy import IdentityEnv

BEAR_ID = "deepdojo/Bear-v1"
IDENTITY_ID = "deepdojo/Identity-v0"

if BEAR_ID not in gym.registry:
    gym.register(BEAR_ID, entry_point="deepdojo.rl.envs.bear:BearEnv", max_episode_steps=MAX_STEPS)
if IDENTITY_ID not in gym.registry:
    gym.register(IDENTITY_ID, entry_point="deepdojo.rl.envs.toy:IdentityEnv")

__all__ = ["BEAR_ID", "IDENTITY_ID", "BearEnv", "IdentityEnv", "encode_bear"]
