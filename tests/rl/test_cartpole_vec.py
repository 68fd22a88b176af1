"""The NumPy-vectorised CartPole: same physics as gymnasium's CartPole-v1, same-step autoreset."""
import gymnasium as gym
import numpy as np
import pytest

from deepdojo.rl.cartpole_vec import SameStepCartPoleVec
from deepdojo.rl.common import evaluate_policy, make_vec


def test_matches_gymnasium_cartpole_step_for_step():
    vec = SameStepCartPoleVec(3)
    vec.reset(seed=0)
    singles = [gym.make("CartPole-v1") for _ in range(3)]
    for i, env in enumerate(singles):
        env.reset(seed=i)
        vec.state[:, i] = env.unwrapped.state  # start every lane where its reference env starts
    rng = np.random.default_rng(0)
    for _ in range(8):  # short enough that no pole falls: pure physics
        action = rng.integers(0, 2, 3)
        obs, reward, term, trunc, info = vec.step(action)
        for i, env in enumerate(singles):
            o, r, te, tr, _ = env.step(int(action[i]))
            np.testing.assert_allclose(obs[i], o, rtol=1e-6, atol=1e-6)
            assert (reward[i], term[i], trunc[i]) == (r, te, tr)


def test_resets_in_the_step_that_ends_an_episode():
    vec = SameStepCartPoleVec(4, max_episode_steps=500)
    vec.reset(seed=1)
    push = np.ones(4, dtype=np.int64)  # always push right: every pole falls within ~10-40 steps
    for t in range(200):
        obs, reward, term, trunc, info = vec.step(push)
        assert np.all(reward == 1.0)  # no dummy reset transitions (next-step autoreset would give 0)
        if term.any():
            final = info["final_obs"][info["_final_obs"]]
            assert np.all((np.abs(final[:, 0]) > 2.4) | (np.abs(final[:, 2]) > 0.2094))  # really fell
            assert np.all(np.abs(obs[term]) <= 0.05)  # already the next episode's start
            break
    else:
        pytest.fail("no pole fell in 200 steps of pushing right")


def test_truncates_at_the_time_limit():
    vec = SameStepCartPoleVec(2, max_episode_steps=5)
    vec.reset(seed=0)
    for t in range(1, 11):
        _, _, term, trunc, _ = vec.step(np.array([0, 1]))
        assert trunc.all() == (t % 5 == 0) and not term.any()


def test_make_vec_and_evaluation_use_it_for_plain_cartpole():
    assert isinstance(make_vec("CartPole-v1", 2), SameStepCartPoleVec)
    assert not isinstance(make_vec("CartPole-v1", 2, {"sutton_barto_reward": True}), SameStepCartPoleVec)
    always_left = lambda obs: np.zeros(len(obs), dtype=np.int64)  # noqa: E731
    a = evaluate_policy(always_left, "CartPole-v1", 20, seed=3)
    b = evaluate_policy(always_left, "CartPole-v1", 20, seed=3)
    assert a.shape == (20,) and np.array_equal(a, b) and 8 <= a.mean() <= 11  # pole falls in ~9 steps
