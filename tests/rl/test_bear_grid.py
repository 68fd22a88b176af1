"""The grid bear: gymnasium's checker, hand-computed rewards, the window at the edges, the exact search, seeding."""
import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from deepdojo.recipes.runner import run_recipe
from deepdojo.rl.agent import Policy, play
from deepdojo.rl.envs import GRID_BEAR_ID, BearGridEnv
from deepdojo.rl.envs.bear_grid import CHANNELS
from deepdojo.rl.search import best_route, optimal_route

LEFT, RIGHT, UP, DOWN = range(4)
MEADOW, FOREST, HILLS, ROCKS = range(4)


def hand_made(max_steps: int = 50, view: int = 1) -> BearGridEnv:
    """3 x 3 meadow (cost 50) with forest (100) at (0, 1); cave at (0, 0); honey at (0, 1) and (1, 1)."""
    env = BearGridEnv(size=3, n_pots=2, view=view, max_steps=max_steps)
    terrain = np.full((3, 3), MEADOW)
    terrain[0, 1] = FOREST
    env.reset(options={"terrain": terrain, "cave": 0, "honey_at": [1, 4]})
    return env


@pytest.mark.parametrize("render_mode", ["ansi", "rgb_array"])
def test_check_env_passes(render_mode):
    env = gym.make(GRID_BEAR_ID, render_mode=render_mode)
    check_env(env.unwrapped)
    env.reset(seed=0)
    frame = env.render()
    assert isinstance(frame, str) if render_mode == "ansi" else frame.shape == (6 * 24, 6 * 24, 3)


def test_rewards_by_hand():
    env = hand_made()
    steps = [(RIGHT, (1000 - 100) / 2000, False),  # into the forest, eat a pot
             (UP, -1000 / 2000, False),  # off the world: stay, pay 1000
             (DOWN, (1000 - 50) / 2000, False),  # second pot on meadow
             (LEFT, -50 / 2000, False),  # all honey eaten, not home yet
             (UP, -50 / 2000, True)]  # back in the cave: success
    positions = [1, 1, 4, 3, 0]
    total = 0.0
    for (action, reward, term), pos in zip(steps, positions):
        obs, r, terminated, truncated, info = env.step(action)
        total += r
        assert (r, terminated, truncated, env.position) == (pytest.approx(reward), term, False, pos)
    assert total == pytest.approx(0.375) and total < 1.0
    assert obs[-4] == 0.0  # no pots left


def test_home_with_honey_left_is_not_the_end_and_the_step_limit_cuts():
    env = hand_made(max_steps=3)
    env.step(DOWN)
    _, _, term, trunc, _ = env.step(UP)  # back in the cave, both pots still full
    assert not term and not trunc
    _, r, term, trunc, _ = env.step(LEFT)  # invalid, and the third step: cut
    assert r == pytest.approx(-0.5) and trunc and not term


def test_window_at_the_corner_and_the_scalars():
    env = hand_made(max_steps=10)
    obs = env._observation()
    win = obs[:-4].reshape(3, 3, len(CHANNELS))  # the bear at the centre, in the top-left corner of the map
    outside = win[..., CHANNELS.index("outside")]
    np.testing.assert_array_equal(outside, [[1, 1, 1], [1, 0, 0], [1, 0, 0]])
    np.testing.assert_array_equal(win[..., CHANNELS.index("honey")], [[0, 0, 0], [0, 0, 1], [0, 0, 1]])
    np.testing.assert_allclose(win[..., CHANNELS.index("cost")], [[0, 0, 0], [0, 50 / 300, 100 / 300], [0, 50 / 300, 50 / 300]])
    assert win[1, 1, CHANNELS.index("cave")] == 1 and win[..., CHANNELS.index("cave")].sum() == 1
    env.step(DOWN)
    env.step(RIGHT)  # now at (1, 1), the centre: the whole 3 x 3 map in view, two cells visited before
    obs, *_ = env.step(RIGHT)  # (1, 2): the right column of the window is outside
    win = obs[:-4].reshape(3, 3, len(CHANNELS))
    np.testing.assert_array_equal(win[..., CHANNELS.index("outside")][:, 2], [1, 1, 1])
    np.testing.assert_array_equal(win[..., CHANNELS.index("visited")], [[0, 0, 0], [1, 1, 0], [0, 0, 0]])
    # pots left 1 of 2; cave (0, 0) seen from (1, 2): one row up, two columns left, over size - 1 = 2; 3 of 10 steps
    np.testing.assert_allclose(obs[-4:], [0.5, -0.5, -1.0, 0.3])
    assert env.observation_space.contains(obs)


def test_bad_arguments_say_what_is_wrong():
    with pytest.raises(ValueError, match="n_pots"):
        BearGridEnv(size=2, n_pots=4)
    with pytest.raises(ValueError, match="view"):
        BearGridEnv(view=0)
    env = hand_made()
    with pytest.raises(ValueError, match="action"):
        env.step(4)
    with pytest.raises(ValueError, match="honey_at"):
        env.reset(options={"terrain": np.zeros((3, 3), int), "cave": 0, "honey_at": [0, 1]})
    with pytest.raises(ValueError, match="terrain"):
        env.reset(options={"terrain": np.zeros((2, 3), int), "cave": 0, "honey_at": [1, 2]})


def brute_force(env: BearGridEnv) -> float:
    """Best return over every action sequence (invalid moves included) within the step limit."""
    best = -np.inf

    def walk(pos: int, honey: tuple, steps: int, ret: float) -> None:
        nonlocal best
        if pos == env.cave and not any(honey):
            best = max(best, ret)
            return
        if steps == env.max_steps:
            return
        for a in range(4):
            to = int(env.dest[pos, a])
            to = pos if to < 0 else to
            gain = 1000.0 if honey[to] else 0.0
            walk(to, honey[:to] + (False,) + honey[to + 1:], steps + 1, ret + (gain - env.cost[pos, a]) / env.total)

    walk(env.cave, tuple(env.honey > 0), 0, 0.0)
    return best


@pytest.mark.parametrize("seed", range(5))
def test_search_is_optimal_by_brute_force(seed):
    env = BearGridEnv(size=3, n_pots=2, max_steps=7)
    env.reset(seed=seed)
    best = brute_force(env)
    if best == -np.inf:  # pots too far apart for 7 steps: the search must say so too
        with pytest.raises(ValueError, match="within 7 steps"):
            optimal_route(env)
        return
    route = optimal_route(env)
    assert route.ret == pytest.approx(best)
    total = 0.0
    for a in route.actions:  # the route replays to its return and ends the episode
        _, r, term, _, _ = env.step(a)
        total += r
    assert term and total == pytest.approx(route.ret) and len(route.actions) == route.steps


def test_step_limit_forces_a_dearer_route():
    # cave (0, 0), honey at (0, 2), rocks (300) at (0, 1): around through the meadow is cheaper but longer
    env = BearGridEnv(size=3, n_pots=1, max_steps=8)
    terrain = np.full((3, 3), MEADOW)
    terrain[0, 1] = ROCKS
    env.reset(options={"terrain": terrain, "cave": 0, "honey_at": [2]})
    tables = {"dest": env.dest, "cost": env.cost, "start": 0}
    for limit, effort, steps in [(8, 400, 8), (7, 550, 6), (5, 700, 4)]:
        route = best_route(env.honey, limit, **tables)
        assert (route.ret, route.steps) == (pytest.approx((1000 - effort) / 1000), steps)
    with pytest.raises(ValueError, match="within 3 steps"):
        best_route(env.honey, 3, **tables)


def test_same_seed_same_map_and_returns():
    a, b = BearGridEnv(), BearGridEnv()
    obs_a, info_a = a.reset(seed=123)
    obs_b, info_b = b.reset(seed=123)
    assert info_a == info_b and np.array_equal(obs_a, obs_b) and np.array_equal(a.terrain, b.terrain)
    actions = np.random.default_rng(0).integers(0, 4, size=30)
    assert [a.step(x)[1] for x in actions] == [b.step(x)[1] for x in actions]
    c = BearGridEnv()
    c.reset(seed=124)
    assert not (np.array_equal(a.terrain, c.terrain) and a.cave == c.cave)


def test_recipes_are_deterministic_and_their_agents_replay(tmp_path):
    run_a, a = run_recipe("bear-grid-ppo", quick=True, seed=3, out=tmp_path, verbose=False)
    _, b = run_recipe("bear-grid-ppo", quick=True, seed=3, out=tmp_path, verbose=False)
    assert a["metrics"] == b["metrics"]
    assert Policy(run_a).kind == "actor_critic"
    assert play(run_a, episodes=5).mean() == pytest.approx(a["metrics"]["eval/return"])  # the same 5 held-out maps
    run_d, d = run_recipe("bear-grid-dijkstra", quick=True, seed=0, out=tmp_path, verbose=False)
    assert play(run_d, episodes=5).mean() == pytest.approx(d["metrics"]["eval/return"])
    assert d["metrics"]["eval/return"] > a["metrics"]["eval/return"]  # nothing beats the optimum
    assert (run_a / "plots" / "episode.png").exists() and (run_d / "plots" / "route.png").exists()
