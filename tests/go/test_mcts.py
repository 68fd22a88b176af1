"""Search: finds the capture, saves its group, reuses its tree, PUCT batches leaves, resigns lost games."""
import numpy as np
import pytest

from deepdojo.go.board import BLACK, PASS, WHITE, Board
from deepdojo.go.mcts import MCTS, RESIGN, RolloutEvaluator, SearchConfig

CAPTURE = """
    . . . . .
    . X X . .
    X O O X .
    . X O . .
    . . X . .
"""  # White B3-C3-C2 has one liberty, D2


@pytest.mark.parametrize("rule", ["uct", "puct"])
def test_finds_the_capturing_move(rule):
    b = Board.from_ascii(CAPTURE, komi=0.5, to_play=BLACK)
    m = MCTS(SearchConfig(playouts=300, rule=rule, batch_size=4), seed=0)
    assert b.to_gtp(m.search(b)) == "D2"


def test_escapes_atari():
    b = Board.from_ascii("""
        . . . . . . .
        . . . . . . .
        . . X . . . .
        . X O X . . .
        . . . . . . .
        . . . . . . .
        . . . . . . .
    """, komi=0.5, to_play=WHITE)   # C4 has one liberty, C3, which leads out to three
    m = MCTS(SearchConfig(playouts=400), seed=0)
    assert b.to_gtp(m.search(b)) == "C3"


def test_same_seed_same_search():
    b = Board(7, 7)
    moves = [MCTS(SearchConfig(playouts=150), seed=5).search(b) for _ in range(2)]
    assert moves[0] == moves[1]


def test_tree_is_reused_between_moves():
    b = Board(7, 7)
    m = MCTS(SearchConfig(playouts=200), seed=1)
    move = m.search(b)
    b.play(move)
    reply = max(m.root.children, key=lambda c: c.n).children
    assert reply, "the chosen child should have been expanded"
    b.play(max(reply, key=lambda c: c.n).move)
    kept = max(reply, key=lambda c: c.n).n
    m.advance(b)
    assert m.root.n == kept and m.root.parent is None


def test_puct_uses_priors_and_batches():
    calls = []

    class Spiky:
        """All prior mass on C3; the value is a coin flip. The search must follow the prior."""

        def __call__(self, boards):
            calls.append(len(boards))
            pri = np.full((len(boards), 26), 1e-3)
            pri[:, 2 * 5 + 2] = 1.0
            return pri, np.full(len(boards), 0.5)

    b = Board(5, 0.5)
    m = MCTS(SearchConfig(playouts=64, rule="puct", batch_size=8), evaluator=Spiky(), seed=0)
    assert b.to_gtp(m.search(b)) == "C3"
    assert max(calls) > 1   # leaves went to the evaluator in batches


def test_resigns_a_hopeless_position_and_passes_when_done():
    lost = Board.from_ascii("""
        . X X X X
        X X X X X
        X X X X X
        X X X X X
        X X X X .
    """, komi=0.5, to_play=WHITE)
    assert MCTS(SearchConfig(playouts=100), seed=0).search(lost) == RESIGN
    assert MCTS(SearchConfig(playouts=100, resign_threshold=0), seed=0).search(lost) == PASS


def test_rollout_evaluator_shapes_and_bad_rule():
    pri, val = RolloutEvaluator(n=2)([Board(5), Board(5)])
    assert pri.shape == (2, 26) and val.shape == (2,) and np.allclose(pri.sum(1), 1)
    with pytest.raises(ValueError, match="rule"):
        MCTS(SearchConfig(rule="alphabeta"))


def test_time_budget_is_respected():
    import time

    m = MCTS(SearchConfig(seconds=0.3), seed=0)
    start = time.perf_counter()
    m.search(Board(9, 7))
    elapsed = time.perf_counter() - start
    assert 0.3 <= elapsed < 1.5 and m.last_playouts > 0
