"""Light playouts: random legal moves that never fill the player's own eyes, plus captures and escapes.

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


def tactical_move(board: Board, last: int, color: int) -> int:
    """A capture or an atari escape around the opponent's last move, or 0 when there is none.

    Atari tests are O(1) thanks to the board's pseudo-liberty sums, so this costs a handful of
    list reads per move: (1) capture the stone just played (or a neighbour of it) if it is in
    atari; (2) save one of our groups next to it that it put in atari, when the escape point has
    room to breathe (two empty neighbours) rather than running into a ladder-like self-atari.
    """
    col, W, enemy = board.color, board.W, 3 - color
    legal = board._legal_basic
    for q in (last, last - 1, last + 1, last - W, last + W):
        if col[q] == enemy and board.in_atari(q):
            lib = board.liberty_of_atari(q)
            if legal(lib, color):
                return lib
    for q in (last - 1, last + 1, last - W, last + W):
        if col[q] == color and board.in_atari(q):
            lib = board.liberty_of_atari(q)
            room = (col[lib - 1] == 0) + (col[lib + 1] == 0) + (col[lib - W] == 0) + (col[lib + W] == 0)
            if room >= 2 and legal(lib, color):
                return lib
    return 0


def playout(board: Board, rng: random.Random, max_moves: int | None = None,
            amaf: dict[int, int] | None = None, tactics: bool = True) -> float:
    """Play random moves on a copy of `board` until two passes and return the final score.

    Args:
        board: the start position (not modified).
        rng: the random source (seed it for reproducible playouts).
        max_moves: safety cap (default 3 × points); the position is scored where it stops.
        amaf: if given, filled with ``point -> colour`` of the first stone played on each point
            (the all-moves-as-first statistics of RAVE).
        tactics: answer the last move with a capture or an atari escape when there is one
            (`tactical_move`) before falling back to a random move.

    Returns:
        Black's area minus White's area minus komi (Tromp-Taylor) at the end of the playout.
    """
    b = board.copy(history=False)
    cap = max_moves if max_moves is not None else 3 * board.size * board.size
    last = board.moves[-1][1] if board.moves else PASS
    for _ in range(cap):
        if b.passes >= 2:
            break
        color = b.to_play
        p = tactical_move(b, last, color) if tactics and last > 0 else 0
        if not p:
            p = random_move(b, rng, color)
        if amaf is not None and p != PASS and p not in amaf:
            amaf[p] = color
        b._play_unchecked(p, color)
        last = p
    return b.score()


def black_wins(score: float) -> bool:
    return score > 0


def winner(score: float) -> int:
    """BLACK, WHITE or 0 (a draw, possible only with an integer komi)."""
    return BLACK if score > 0 else (0 if score == 0 else 3 - BLACK)
