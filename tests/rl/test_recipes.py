"""RL recipes end to end in quick mode: same seed → same metrics, saved agents replay with `play`."""
import numpy as np
import pytest

from deepdojo.recipes.runner import run_recipe
from deepdojo.rl.agent import Policy, play


@pytest.mark.parametrize("name", ["cartpole-qtable-rl0", "bear-dijkstra"])
def test_same_seed_same_metrics(tmp_path, name):
    _, a = run_recipe(name, quick=True, seed=3, out=tmp_path, verbose=False)
    _, b = run_recipe(name, quick=True, seed=3, out=tmp_path, verbose=False)
    assert a["metrics"] == b["metrics"]


def test_play_replays_saved_agents(tmp_path):
    run_dir, results = run_recipe("bear-dijkstra", quick=True, seed=0, out=tmp_path, verbose=False)
    returns = play(run_dir, episodes=5, seed=10_000)  # the recipe's first 5 held-out maps
    assert returns.mean() == pytest.approx(results["metrics"]["eval/return"])
    run_dir, _ = run_recipe("cartpole-qtable-prorok", quick=True, seed=0, out=tmp_path, verbose=False)
    assert Policy(run_dir).kind == "qtable" and np.all(play(run_dir, episodes=2) >= 8)


def test_play_explains_a_missing_agent(tmp_path):
    with pytest.raises(FileNotFoundError, match="agent.json"):
        play(tmp_path)
