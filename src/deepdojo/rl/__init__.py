"""Reinforcement learning: environments, agents and explicit training loops (not the supervised engine).

- `envs`: the bear problem (``deepdojo/Bear-v1``) and a trivial identity env, registered with gymnasium.
- `qtable`, `tabular`: discretiser, ε-greedy and the Q-learning update for many lanes at once.
- `replay`, `dqn`: ring-buffer experience replay and a CleanRL-style DQN loop.
- `ppo`: PPO with GAE, clipping and/or a KL penalty, on same-step-autoreset vector envs.
- `search`: the exact best-first baseline of the bear problem.
- `agent`: saving agents into a run directory and replaying them (``deepdojo play``).
"""
