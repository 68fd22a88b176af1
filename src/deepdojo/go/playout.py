"""Light random playouts: uniformly random legal moves that never fill the player's own eyes.

This is the rollout policy of plain Monte-Carlo tree search and the hot loop of the engine, so it
works on the board's flat lists directly (simple ko only, no history) and scans the board's list of
empty points from a random offset instead of building a list of legal moves every turn.
"""
from __future__ import annotations

import random

from deepdojo.go.board import BLACK, PASS, Board


def random_move(board: Board, rng: random.Random, color: int | None = None) -> int:
    """A uniformly-ish random legal move for `color` that does not fill its own eye, or PASS.

    The scan starts at a random index of ``board.empties`` and takes the first acceptable point,
    which is O(1) on average and unbiased enough for playouts.
    """
    color = board.to_play if color is None else color
    empties = board.empties
    n = len(empties)
    if n == 0:
        return PASS
    start = rng.randrange(n)
    legal, eye = board._legal_basic, board.is_eye
    for i in range(start, start + n):
        p = empties[i % n]
        if not eye(p, color) and legal(p, color):
            if board.superko and not board.is_legal(p, color):
                continue
            return p
    return PASS


def playout(board: Board, rng: random.Random, max_moves: int | None = None,
            amaf: dict[int, int] | None = None) -> float:
    """Play random moves on a copy of `board` until two passes and return the final score.

    Args:
        board: the start position (not modified).
        rng: the random source (seed it for reproducible playouts).
        max_moves: safety cap (default 3 × points); the position is scored where it stops.
        amaf: if given, filled with ``point -> colour`` of the first stone played on each point
            (the all-moves-as-first statistics of RAVE).

    Returns:
        Black's area minus White's area minus komi (Tromp-Taylor) at the end of the playout.
    """
    b = board.copy(history=False)
    cap = max_moves if max_moves is not None else 3 * board.size * board.size
    for _ in range(cap):
        if b.passes >= 2:
            break
        color = b.to_play
        p = random_move(b, rng, color)
        if amaf is not None and p != PASS and p not in amaf:
            amaf[p] = color
        b._play_unchecked(p, color)
    return b.score()


def black_wins(score: float) -> bool:
    return score > 0


def winner(score: float) -> int:
    """BLACK, WHITE or 0 (a draw, possible only with an integer komi)."""
    return BLACK if score > 0 else (0 if score == 0 else 3 - BLACK)
