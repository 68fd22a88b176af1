"""Q-table arithmetic, the discretiser, ε-greedy, and a must-learn on the non-slippery lake."""
import gymnasium as gym
import numpy as np
import pytest

from deepdojo.rl.qtable import Binner, epsilon_greedy, greedy, q_update
from deepdojo.rl.tabular import TableLearner, train_discrete
from deepdojo.rl.common import evaluate_policy


def test_q_update_by_hand():
    q = np.zeros((1, 3, 2))
    q[0, 1] = [2.0, 5.0]  # max Q(s') = 5
    q[0, 0, 1] = 1.0
    td = q_update(q, np.array([0]), np.array([1]), np.array([1.0]), np.array([1]), np.array([0.0]), 0.1, 0.9)
    # td = 1 + 0.9 * 5 - 1 = 4.5 ; Q = 1 + 0.1 * 4.5
    assert td[0] == pytest.approx(4.5) and q[0, 0, 1] == pytest.approx(1.45)
    td = q_update(q, np.array([0]), np.array([1]), np.array([1.0]), np.array([1]), np.array([1.0]), 0.1, 0.9)
    assert td[0] == pytest.approx(1.0 - 1.45)  # terminal: no bootstrap


def test_q_update_leaves_inactive_lanes():
    q = np.zeros((2, 2, 2))
    q_update(q, np.array([0, 0]), np.array([0, 0]), np.array([1.0, 1.0]), np.array([1, 1]), np.zeros(2), 0.5, 0.9,
             active=np.array([True, False]))
    assert q[0, 0, 0] == 0.5 and q[1].sum() == 0.0


def test_binner_matches_lab_make_state():
    b = Binner([-4.8, -10, -0.41, -10], [4.8, 10, 0.41, 10], 10)
    assert b.n_states == 10_000
    # lab: each value scaled to [0,1], int(v*10) clipped to 0..9, combined base 10
    assert b(np.array([0.0, 0.0, 0.0, 0.0])) == 5555
    assert b(np.array([[9.0, -99.0, 0.2, -0.5]])).tolist() == [9 * 1000 + 0 * 100 + 7 * 10 + 4]
    with pytest.raises(ValueError, match="high bound"):
        Binner([1.0], [0.0], 3)


def test_greedy_ties():
    rows = np.zeros((2000, 2))
    assert greedy(rows).sum() == 0  # the teacher's rule: ties go to action 0
    share = greedy(rows, np.random.default_rng(0)).mean()
    assert 0.45 < share < 0.55  # random tie-break
    assert (greedy(np.array([[0.0, 1.0]] * 50), np.random.default_rng(0)) == 1).all()
    acts = epsilon_greedy(np.array([[0.0, 1.0]] * 4000), 0.2, np.random.default_rng(1))
    assert abs((acts == 0).mean() - 0.1) < 0.02  # half of the ε draws pick the other action


def test_qtable_solves_nonslippery_frozenlake():
    envs = gym.vector.SyncVectorEnv([lambda: gym.make("FrozenLake-v1", is_slippery=False)] * 2,
                                    autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)
    learner = TableLearner(2, 16, 4, lr=0.5, gamma=0.95)
    train_discrete(envs, learner, episodes=300, eps=lambda t: max(0.05, 0.995 ** t), seed=0)
    for lane in range(2):
        table = learner.q[lane]
        ret = evaluate_policy(lambda o: table[np.asarray(o)].argmax(-1), "FrozenLake-v1", 3,
                              env_kwargs={"is_slippery": False})
        assert ret.tolist() == [1.0, 1.0, 1.0]
