"""Tabular Q-learning on CartPole for several independent learners ("lanes") at once.

Each lane has its own Q-table and its own CartPole; all lanes step together through gymnasium's
NumPy-vectorised CartPole, so ten seeds cost little more than one. The loop is the lab's: observe,
discretise, act ε-greedily, update, and every `check_every` episodes hand the lane's recent returns
to a callback (the lab adapts ε there).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import gymnasium as gym
import numpy as np

from deepdojo.rl.common import final_observations
from deepdojo.rl.qtable import Binner, epsilon_greedy, q_update


@dataclass
class TabularSchedule:
    """How ε and the learning rate evolve, per lane, as functions of the lane's episode count.

    Args:
        eps: ``eps(episodes_done (L,)) -> (L,)``.
        lr: ``lr(episodes_done (L,)) -> (L,)``.
        on_check: ``on_check(lane, returns_of_lane) -> None`` every `check_every` episodes of a lane.
    """

    eps: Callable[[np.ndarray], np.ndarray]
    lr: Callable[[np.ndarray], np.ndarray]
    on_check: Callable[[int, list[float]], None] | None = None


def train_cartpole_qtable(binner: Binner, schedule: TabularSchedule, *, lanes: int, episodes: int, gamma: float,
                          seed: int, terminal_cut: bool, random_ties: bool, check_every: int = 1000,
                          env_id: str = "CartPole-v1", progress=None) -> tuple[np.ndarray, list[list[float]], list[list[float]]]:
    """Q-learn `episodes` episodes in each of `lanes` independent CartPoles.

    Args:
        binner: observation → state index.
        schedule: ε, learning rate and the per-check callback.
        gamma: discount.
        seed: seeds the envs and the ε / tie-break draws (same seed and lanes → same result).
        terminal_cut: no bootstrap from a state where the pole fell (the lab bootstraps anyway).
        random_ties: break ties between equal Q-values at random (the lab's ``useRandom``).
        progress: optional ``progress(min episodes done over lanes)``.

    Returns:
        (Q-tables ``(L, S, 2)``, per-lane episode returns, per-lane mean |TD error| of each episode).
    """
    env = gym.make_vec(env_id, num_envs=lanes, vectorization_mode="vector_entry_point")
    rng = np.random.default_rng(seed)
    obs, _ = env.reset(seed=seed)
    q = np.zeros((lanes, binner.n_states, 2))
    returns: list[list[float]] = [[] for _ in range(lanes)]
    td_errors: list[list[float]] = [[] for _ in range(lanes)]
    done_eps = np.zeros(lanes, dtype=np.int64)
    ret, td_sum, length = np.zeros(lanes), np.zeros(lanes), np.zeros(lanes)
    resetting = np.zeros(lanes, dtype=bool)  # the vector env resets a finished lane on its next step
    lane_ids = np.arange(lanes)
    s = binner(obs)
    while done_eps.min() < episodes:
        active = (done_eps < episodes) & ~resetting
        a = epsilon_greedy(q[lane_ids, s], schedule.eps(done_eps), rng, random_ties)
        obs, r, term, trunc, _ = env.step(a)
        s2 = binner(obs)
        cut = term if terminal_cut else np.zeros(lanes, dtype=bool)
        td = q_update(q, s, a, r, s2, cut, schedule.lr(done_eps), gamma, active=active)
        ret += r * active
        td_sum += np.abs(td) * active
        length += active
        finished = active & (term | trunc)
        for lane in np.flatnonzero(finished):  # only lanes whose episode just ended
            returns[lane].append(float(ret[lane]))
            td_errors[lane].append(float(td_sum[lane] / length[lane]))
            done_eps[lane] += 1
            if schedule.on_check is not None and done_eps[lane] % check_every == 0:
                schedule.on_check(int(lane), returns[lane])
        if finished.any() and progress is not None:
            progress(int(done_eps.min()))
        ret[finished], td_sum[finished], length[finished] = 0.0, 0.0, 0.0
        resetting = term | trunc
        s = s2
    env.close()
    return q, returns, td_errors


class TableLearner:
    """Q-tables ``(L, S, A)`` for discrete-state envs, updated with `q_update`."""

    def __init__(self, lanes: int, n_states: int, n_actions: int, lr: float, gamma: float):
        self.q = np.zeros((lanes, n_states, n_actions))
        self.lr, self.gamma = lr, gamma

    def values(self, s: np.ndarray) -> np.ndarray:
        return self.q[np.arange(len(s)), s]  # (L, A)

    def update(self, s, a, r, s2, terminal, active) -> np.ndarray:
        return q_update(self.q, s, a, r, s2, terminal, self.lr, self.gamma, active=active)


def train_discrete(envs: gym.vector.VectorEnv, learner, *, episodes: int, eps: Callable[[int], float],
                   seed: int, progress=None) -> tuple[list[list[float]], list[list[int]], list[list[float]]]:
    """Online Q-learning in `L` discrete-state envs at once (one learner lane per env).

    Args:
        envs: a same-step-autoreset vector env of ``L`` discrete-observation envs (e.g. FrozenLake).
        learner: has ``values(s (L,)) -> (L, A)`` and ``update(s, a, r, s2, terminal, active) -> (L,) TD errors``.
        episodes: episodes per lane.
        eps: ``eps(total steps so far) -> ε`` (the same for every lane).
        seed: seeds the envs and the ε draws.

    Returns:
        (returns, lengths, mean |TD error|): per lane, per episode.
    """
    lanes = envs.num_envs
    rng = np.random.default_rng(seed)
    s, _ = envs.reset(seed=seed)
    returns: list[list[float]] = [[] for _ in range(lanes)]
    lengths: list[list[int]] = [[] for _ in range(lanes)]
    td_errors: list[list[float]] = [[] for _ in range(lanes)]
    td_sum = np.zeros(lanes)
    done_eps = np.zeros(lanes, dtype=np.int64)
    ret, length, t = np.zeros(lanes), np.zeros(lanes, dtype=np.int64), 0
    while done_eps.min() < episodes:
        active = done_eps < episodes
        a = epsilon_greedy(learner.values(s), eps(t), rng, random_ties=True)
        s_next, r, term, trunc, info = envs.step(a)
        done = term | trunc
        # with same-step autoreset s_next is already the new start state where an episode ended
        s2 = final_observations(s_next, info, done)
        td = learner.update(s, a, r, s2.astype(np.int64), term, active)
        ret += r * active
        td_sum += np.abs(td) * active
        length += active
        for lane in np.flatnonzero(done & active):
            returns[lane].append(float(ret[lane]))
            lengths[lane].append(int(length[lane]))
            td_errors[lane].append(float(td_sum[lane] / max(1, length[lane])))
            done_eps[lane] += 1
        ret[done], length[done], td_sum[done] = 0.0, 0, 0.0
        s, t = s_next, t + 1
        if progress is not None and done.any():
            progress(int(done_eps.min()))
    return returns, lengths, td_errors
