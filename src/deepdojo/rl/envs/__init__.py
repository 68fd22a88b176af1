"""deepdojo's own environments, registered with gymnasium on import.

``gymnasium.make("deepdojo/Bear-v1")`` is the course's bear problem (25-step limit);
``"deepdojo/GridBear-v0"`` the slides' grid version with partial observation (its own step limit:
the ``max_steps`` argument; the id does not start with ``deepdojo/Bear`` because that prefix selects
the graph version's observation encoder);
``"deepdojo/Identity-v0"`` the trivial echo task the must-learn tests use.
"""
from __future__ import annotations

import gymnasium as gym

from deepdojo.rl.envs.bear import MAX_STEPS, BearEnv, encode_bear
from deepdojo.rl.envs.bear_grid import BearGridEnv
from deepdojo.rl.envs.toy import IdentityEnv

BEAR_ID = "deepdojo/Bear-v1"
IDENTITY_ID = "deepdojo/Identity-v0"
GRID_BEAR_ID = "deepdojo/GridBear-v0"

if BEAR_ID not in gym.registry:
    gym.register(BEAR_ID, entry_point="deepdojo.rl.envs.bear:BearEnv", max_episode_steps=MAX_STEPS)
if GRID_BEAR_ID not in gym.registry:  # the env cuts episodes itself (max_steps), so no TimeLimit wrapper
    gym.register(GRID_BEAR_ID, entry_point="deepdojo.rl.envs.bear_grid:BearGridEnv")
if IDENTITY_ID not in gym.registry:
    gym.register(IDENTITY_ID, entry_point="deepdojo.rl.envs.toy:IdentityEnv")

__all__ = ["BEAR_ID", "GRID_BEAR_ID", "IDENTITY_ID", "BearEnv", "BearGridEnv", "IdentityEnv", "encode_bear"]
