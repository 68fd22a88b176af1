"""The compiled board agrees with the Python referee; the heavy playout policy and the RAVE search."""
import random
import time

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from deepdojo.go import fastboard as fb
from deepdojo.go.board import BLACK, PASS, WHITE, Board
from deepdojo.go.fastsearch import RaveSearch
from deepdojo.go.gtp import search_config

PAT = fb.pattern_table()


def _legal_set(B, board, color):
    return {p for p in board.points if fb.legal(B, p, color)}


@settings(max_examples=25, deadline=None)
@given(size=st.sampled_from([5, 7, 9]), seed=st.integers(0, 10 ** 6))
def test_numba_board_agrees_with_python_board(size, seed):
    """Random games: same legal moves, captures, ko, stones and Tromp-Taylor score at every step."""
    rng = random.Random(seed)
    board = Board(size, 6.5, superko=False)
    B = fb.from_board(board)
    for _ in range(3 * size * size):
        color = board.to_play
        legal = [p for p in board.points if board._legal_basic(p, color)]
        assert _legal_set(B, board, color) == set(legal)
        assert all(fb.is_eye(B, p, color) == board.is_eye(p, color) for p in legal)
        p = rng.choice(legal) if legal and rng.random() > 0.03 else PASS
        before = board.captures[color]
        captured = fb.play(B, p, color)
        board.play(p, color)
        assert captured == board.captures[color] - before
        assert B[fb.COL, :].tolist() == board.color and B[fb.MISC, fb.KO] == board.ko
        assert B[fb.MISC, fb.TOPLAY] == board.to_play and B[fb.MISC, fb.NEMPTY] == len(board.empties)
        assert fb.score(B, board.komi) == board.score()
        if board.game_over:
            break


def test_playout_is_a_finished_game_with_a_tromp_taylor_score():
    board = Board(9, 7)
    B, amaf, out = fb.from_board(board), np.zeros(len(board.color), np.int64), np.zeros(64, np.int64)
    fb.seed(3)
    result = fb.playout(B, 7.0, amaf, PAT, out)
    assert B[fb.MISC, fb.PASSES] >= 2 and result == fb.score(B, 7.0)
    assert set(amaf[board.points].tolist()) <= {0, BLACK, WHITE} and (amaf > 0).sum() > 40
    again = fb.from_board(board)   # same seed, same playout
    fb.seed(3)
    assert fb.playout(again, 7.0, np.zeros_like(amaf), PAT, out) == result
    light = fb.from_board(board)   # the light policy (benchmarks) also plays to two passes
    assert fb.playout(light, 7.0, np.zeros_like(amaf), PAT, out, False) == fb.score(light, 7.0)
    assert light[fb.MISC, fb.PASSES] >= 2


def test_playout_policy_captures_the_group_in_atari():
    board = Board.from_ascii("""
        . . . . . . .
        . . . X . . .
        . . X O . . .
        . X O O X . .
        . . X O X . .
        . . . . . . .
        . . . . . . .
    """, komi=0.5, to_play=WHITE)
    board.play(board.parse_gtp("E5"), BLACK)   # the white group D5-C4-D4-D3 now has one liberty, D2
    board.to_play = BLACK
    B, out = fb.from_board(board), np.zeros(64, np.int64)
    B[fb.MISC, fb.TOPLAY] = BLACK
    fb.seed(0)
    moves = [fb.playout_move(B, BLACK, PAT, out) for _ in range(100)]
    assert moves.count(board.parse_gtp("D2")) >= 80   # the capture heuristic fires 90% of the time


def test_self_atari_and_patterns():
    board = Board.from_ascii("""
        . . . . .
        . O O . .
        O X X O .
        . O . O .
        . . . . .
    """, komi=0.5, to_play=BLACK)
    B = fb.from_board(board)
    assert fb.self_atari(B, board.parse_gtp("C2"), BLACK)       # three stones left with one liberty, C1
    assert not fb.self_atari(B, board.parse_gtp("E5"), BLACK)   # a lone stone with room
    hane = Board.from_ascii("""
        . . . . .
        . X O X .
        . . . . .
        . . . . .
        . . . . .
    """, komi=0.5)
    assert PAT[fb.pattern_code(fb.from_board(hane), hane.parse_gtp("C3"))]   # the enclosing hane
    assert not PAT[fb.pattern_code(fb.from_board(Board(5)), Board(5).parse_gtp("C3"))]


def test_rave_search_captures_and_is_reproducible():
    b = Board.from_ascii("""
        . . . . .
        . X X . .
        X O O X .
        . X O . .
        . . X . .
    """, komi=0.5, to_play=BLACK)   # White B3-C3-C2 has one liberty, D2
    moves = [RaveSearch(search_config("mcts", playouts=300), seed=4).search(b) for _ in range(2)]
    assert b.to_gtp(moves[0]) == "D2" and moves[0] == moves[1]


def test_cpu_time_budget():
    """`seconds` counts this thread's CPU time: a busy search spends about that much of it."""
    search = RaveSearch(search_config("mcts", seconds=0.3), seed=0)
    cpu, wall = time.thread_time(), time.perf_counter()
    search.search(Board(9, 7))
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    assert 0.3 <= cpu < 0.6 and wall >= cpu * 0.95 and search.last_playouts > 500


def _won_after_white_passes() -> Board:
    """12 points to 13: Black is ahead by 0.5 with the reverse komi, White has just passed."""
    won = Board.from_ascii("""
        . X . O .
        X X X O O
        . X X O .
        X X O O O
        . X O . O
    """, komi=-1.5, to_play=BLACK)
    won.play(PASS, WHITE)
    won.to_play = BLACK
    return won


def test_rave_search_passes_when_the_game_is_won_and_respects_superko():
    won = _won_after_white_passes()
    assert won.score() > 0
    assert RaveSearch(search_config("mcts", playouts=200, resign_threshold=0), seed=0).search(won) == PASS
    ko = Board.from_ascii("""
        . . . . .
        . . . . .
        . X O . .
        X O . O .
        . X O . .
    """, komi=0.5, to_play=BLACK)
    ko.play(ko.parse_gtp("C2"))   # takes B2 in a ko: White may not retake at once
    assert ko.parse_gtp("B2") not in ko.legal_moves() and ko.color[ko.parse_gtp("B2")] == 0
    search = RaveSearch(search_config("mcts", playouts=100), seed=0)
    assert search.search(ko) != ko.parse_gtp("B2")
    assert ko.parse_gtp("B2") not in [m for m, _, _ in search.root_stats()]


def test_fast_play_stops_a_decided_search_early():
    won = _won_after_white_passes()
    search = RaveSearch(search_config("mcts", seconds=2.0), seed=0)
    cpu = time.thread_time()
    assert search.search(won) == PASS
    assert time.thread_time() - cpu < 1.0   # 95% won after 5% of the budget: no need for 2 s
