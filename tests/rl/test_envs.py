"""The bear environment: gymnasium's checker, hand-computed rewards, the step limit, the baseline."""
import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from deepdojo.rl.envs import BEAR_ID, IDENTITY_ID, BearEnv
from deepdojo.rl.envs.bear import PLACES
from deepdojo.rl.search import best_route

B, D = PLACES.index("B"), PLACES.index("D")


def one_pot_at_b(env: BearEnv) -> None:
    env.reset(seed=0)
    env.honey[:] = 0.0
    env.honey[B] = 1000.0
    env.total = 1000.0


def test_check_env_passes():
    check_env(gym.make(BEAR_ID).unwrapped, skip_render_check=True)
    check_env(gym.make(IDENTITY_ID).unwrapped, skip_render_check=True)


def test_rewards_by_hand():
    env = BearEnv()
    one_pot_at_b(env)
    obs, r, term, trunc, _ = env.step(1)  # S -> B costs 100, eats 1000 of total 1000
    assert (int(obs[0]), r, term, trunc) == (B, pytest.approx(0.9), False, False)
    obs, r, term, _, _ = env.step(0)  # B -> S costs 100, all honey eaten: home
    assert (int(obs[0]), r, term) == (0, pytest.approx(-0.1), True)


def test_invalid_move_stays_and_costs_1000():
    env = BearEnv()
    one_pot_at_b(env)
    env.position = D  # D has two paths only
    obs, r, term, _, _ = env.step(3)
    assert int(obs[0]) == D and r == pytest.approx(-1.0) and not term
    assert obs[1:5].tolist() == [-100.0, -50.0, -1000.0, -1000.0]  # path values: honey - cost, missing = -1000


def test_observation_layout_and_six_pots():
    env = BearEnv()
    obs, info = env.reset(seed=3)
    assert obs.shape == (19,) and env.observation_space.contains(obs)
    assert len(info["honey_at"]) == 6 and 0 not in info["honey_at"]
    assert obs[5:].sum() == 6000.0


def test_registered_id_stops_after_25_steps():
    env = gym.make(BEAR_ID)
    env.reset(seed=0)
    for t in range(25):
        _, _, term, trunc, _ = env.step(3)  # the cave has three paths: action 3 is invalid forever
    assert trunc and not term


def test_best_route_is_optimal_on_a_tiny_map():
    honey = np.zeros(len(PLACES))
    honey[B] = 1000.0
    route = best_route(honey)
    assert route.actions == (1, 0) and route.ret == pytest.approx(0.8) and route.steps == 2


def test_best_route_replays_to_its_return():
    env = BearEnv()
    env.reset(seed=7)
    route = best_route(env.honey)
    total = 0.0
    for a in route.actions:
        _, r, term, _, _ = env.step(a)
        total += r
    assert term and total == pytest.approx(route.ret) and route.ret < 1.0
