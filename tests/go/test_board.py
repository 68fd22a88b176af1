"""Rules of Go from hand-made ASCII positions, plus an invariant check of the incremental groups."""
import random

import numpy as np
import pytest

from deepdojo.go.board import BLACK, EMPTY, PASS, WHITE, Board, IllegalMove
from deepdojo.go.playout import random_move


def flood_groups(board):
    """Reference: groups and true liberty sets by flood fill."""
    col, W, out, seen = board.color, board.W, {}, set()
    for p in board.points:
        if col[p] in (BLACK, WHITE) and p not in seen:
            stones, libs, stack = set(), set(), [p]
            seen.add(p)
            while stack:
                q = stack.pop()
                stones.add(q)
                for n in (q - 1, q + 1, q - W, q + W):
                    if col[n] == EMPTY:
                        libs.add(n)
                    elif col[n] == col[p] and n not in seen:
                        seen.add(n)
                        stack.append(n)
            for s in stones:
                out[s] = (frozenset(stones), libs)
    return out


def check_invariants(board):
    groups = flood_groups(board)
    for p, (stones, libs) in groups.items():
        assert {s for s in stones if board.root[s] == board.root[p]} == stones
        assert board.size_of[board.root[p]] == len(stones)
        assert board.nlib[board.root[p]] > 0
        assert board.in_atari(p) == (len(libs) == 1)
        if len(libs) == 1:
            assert board.liberty_of_atari(p) == next(iter(libs))
    assert sorted(board.empties) == sorted(p for p in board.points if board.color[p] == EMPTY)


def test_incremental_groups_match_flood_fill_in_random_games():
    rng = random.Random(3)
    for size in (5, 9):
        b = Board(size, superko=True)
        for _ in range(250):
            p = random_move(b, rng)
            b.play(p)
            check_invariants(b)
            if b.game_over:
                break


def test_single_capture_and_counts():
    b = Board.from_ascii("""
        . X . . .
        X O . . .
        . X . . .
        . . . . .
        . . . . .
    """)
    b.play(b.parse_gtp("C4"), BLACK)
    assert b.color[b.parse_gtp("B4")] == EMPTY
    assert b.captures[BLACK] == 1


def test_capture_of_four_stones():
    b = Board.from_ascii("""
        X X X X .
        O O O O .
        X X X X .
        . . . . .
        . . . . .
    """)
    b.play(b.parse_gtp("E4"), BLACK)
    assert all(b.color[b.parse_gtp(v)] == EMPTY for v in ("A4", "B4", "C4", "D4"))
    assert b.captures[BLACK] == 4
    check_invariants(b)


def test_suicide_is_illegal_and_board_unchanged():
    b = Board.from_ascii("""
        . X . . .
        X . . . .
        . . . . .
        . . . . .
        . . . . .
    """, to_play=WHITE)
    before = (b.color[:], b.hash)
    with pytest.raises(IllegalMove, match="suicide"):
        b.play(b.parse_gtp("A5"), WHITE)
    assert (b.color, b.hash) == before
    assert not b.is_legal(b.parse_gtp("A5"), WHITE)
    assert b.is_legal(b.parse_gtp("A5"), BLACK)


def test_multi_stone_suicide_is_illegal_but_capture_first_is_legal():
    b = Board.from_ascii("""
        O O X . .
        . X X . .
        X . . . .
        . . . . .
        . . . . .
    """)
    with pytest.raises(IllegalMove, match="suicide"):
        b.play(b.parse_gtp("A4"), WHITE)   # the white pair and A4 would have no liberty
    b.play(b.parse_gtp("A4"), BLACK)       # filling the last liberty captures A5, B5
    assert b.captures[BLACK] == 2


def test_simple_ko_and_superko():
    b = Board.from_ascii("""
        . X O . .
        X O . O .
        . X O . .
        . . . . .
        . . . . .
    """)
    b.play(b.parse_gtp("C4"), BLACK)   # captures B4
    with pytest.raises(IllegalMove, match="ko"):
        b.play(b.parse_gtp("B4"), WHITE)
    b.play(b.parse_gtp("E1"), WHITE)   # ko threat
    b.play(b.parse_gtp("E2"), BLACK)
    b.play(b.parse_gtp("B4"), WHITE)   # now the recapture is legal
    assert b.color[b.parse_gtp("C4")] == EMPTY


def test_superko_hash_recognises_the_position_before_a_ko_capture():
    b = Board.from_ascii("""
        . X O . .
        X O . O .
        . X O . .
        . . . . .
        . . . . .
    """)
    b.play(b.parse_gtp("C4"), BLACK)   # captures B4
    b.ko = 0                           # without the simple-ko rule, superko alone must forbid it
    with pytest.raises(IllegalMove, match="superko"):
        b.play(b.parse_gtp("B4"), WHITE)
    b.superko = False
    b.play(b.parse_gtp("B4"), WHITE)   # legal under simple ko rules only once the ko flag is gone
    assert b.color[b.parse_gtp("C4")] == EMPTY and b.color[b.parse_gtp("B4")] == WHITE


def test_legality_matches_brute_force_superko_in_random_games():
    """is_legal (which skips hashing until the first capture) agrees with a full superko check."""
    rng = random.Random(11)
    for _ in range(3):
        b = Board(5)
        while not b.game_over and len(b.moves) < 120:
            expected = set()
            for p in b.empties:
                full = b._legal_basic(p, b.to_play) and b._hash_after(p, b.to_play) not in b.seen
                assert b.is_legal(p) == full
                if full:
                    expected.add(p)
            assert set(b.legal_moves()) == expected
            b.play(random_move(b, rng))


def test_occupied_and_off_board_and_bad_vertices():
    b = Board(9)
    b.play(b.parse_gtp("E5"))
    with pytest.raises(IllegalMove, match="occupied"):
        b.play(b.parse_gtp("E5"))
    for bad in ("I5", "Z9", "E10", "5E", "", "E"):
        with pytest.raises(IllegalMove):
            b.parse_gtp(bad)
    with pytest.raises(IllegalMove, match="board size"):
        Board(4)
    with pytest.raises(IllegalMove, match="board size"):
        Board(20)


def test_eye_detection():
    b = Board.from_ascii("""
        . X . X .
        X X X X X
        . . . . .
        . . O . .
        . . . . .
    """)
    assert b.is_eye(b.parse_gtp("A5"), BLACK)
    assert b.is_eye(b.parse_gtp("C5"), BLACK)
    assert not b.is_eye(b.parse_gtp("C5"), WHITE)
    assert not b.is_eye(b.parse_gtp("C3"), BLACK)
    false_eye = Board.from_ascii("""
        . X . . .
        X O . . .
        . . . . .
        . . . . .
        . . . . .
    """)
    assert not false_eye.is_eye(false_eye.parse_gtp("A5"), BLACK)  # one enemy diagonal on the edge


def test_tromp_taylor_scores_with_komi():
    b = Board.from_ascii("""
        . X O . .
        . X O . .
        . X O . .
        . X O . .
        . X O . .
    """, komi=0.5)
    assert b.area() == (10, 15)
    assert b.score() == -5.5
    assert b.result() == "W+5.5"
    assert Board(5, komi=7).score() == -7


def test_seki_shared_liberties_count_for_nobody():
    # White C5-A3 and Black A5-A4 share the liberties B5, B4 and have no eye: whoever fills one
    # is captured, so neither does (seki). Tromp-Taylor gives the shared points to nobody.
    b = Board.from_ascii("""
        X . O X .
        X . O X .
        O O O X .
        X X X X .
        . . . . .
    """, komi=0.5)
    assert b.area() == (9 + 9, 5)
    assert b.score() == 12.5
    after_white = b.copy()
    after_white.play(b.parse_gtp("B4"), WHITE)          # White fills a shared liberty ...
    assert after_white.in_atari(b.parse_gtp("C5"))      # ... and is in atari: why nobody plays there
    after_black = b.copy()
    after_black.play(b.parse_gtp("B4"), BLACK)
    assert after_black.in_atari(b.parse_gtp("A5"))
    shared = Board.from_ascii("""
        X . O . .
        X . O . .
        X . O . .
        X . O . .
        X . O . .
    """, komi=0)
    assert shared.area() == (5, 5 + 10)   # column B touches both colours: dame


def test_two_passes_end_the_game_and_undo():
    b = Board(9)
    b.play(b.parse_gtp("D4"))
    b.play(PASS)
    assert not b.game_over
    b.play(PASS)
    assert b.game_over
    b.undo()
    b.undo()
    assert not b.game_over and b.to_play == WHITE and len(b.moves) == 1
    b.undo()
    assert b.color[b.parse_gtp("D4")] == EMPTY and b.to_play == BLACK
    with pytest.raises(IllegalMove):
        b.undo()


def test_coordinates_round_trip_and_array_view():
    b = Board(19)
    for v in ("A1", "T19", "J10", "D16"):
        p = b.parse_gtp(v)
        assert b.to_gtp(p) == v
        assert b.parse_sgf(b.to_sgf(p)) == p
    assert b.to_sgf(b.parse_gtp("A19")) == "aa" and b.to_sgf(b.parse_gtp("A1")) == "as"
    b.play(b.parse_gtp("A19"))
    arr = b.to_array()
    assert arr.shape == (19, 19) and arr[0, 0] == BLACK and int(np.count_nonzero(arr)) == 1


def test_from_ascii_rejects_bad_input():
    with pytest.raises(IllegalMove, match="square"):
        Board.from_ascii(". . .\n. .\n. . .")
    with pytest.raises(IllegalMove, match="character"):
        Board.from_ascii(". . . . .\n. Z . . .\n. . . . .\n. . . . .\n. . . . .")
