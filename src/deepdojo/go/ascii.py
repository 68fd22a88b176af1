"""ASCII boards: GTP ``showboard`` output, and positions written as rows of ``X``/``O``/``.`` (tests)."""
from __future__ import annotations

from deepdojo.go.coords import BLACK, COLUMNS, EMPTY, WHITE, IllegalMove


def to_ascii(board) -> str:
    """ASCII board as GTP ``showboard`` prints it: ``X`` black, ``O`` white, ``.`` empty."""
    cols = COLUMNS[: board.size]
    lines = ["   " + " ".join(cols)]
    glyph = {EMPTY: ".", BLACK: "X", WHITE: "O"}
    for r in range(board.size - 1, -1, -1):
        row = " ".join(glyph[board.color[board.point(r, c)]] for c in range(board.size))
        lines.append(f"{r + 1:2d} {row} {r + 1}")
    lines.append("   " + " ".join(cols))
    return "\n".join(lines)


def from_ascii(cls, text: str, komi: float = 0.0, to_play: int = BLACK, superko: bool = True):
    """Build a position from rows of ``X``/``O``/``.`` (top row first; spaces ignored).

    Groups without liberties are rejected, so test positions are always legal.
    """
    rows = [ln.replace(" ", "") for ln in text.strip().splitlines() if ln.strip()]
    size = len(rows)
    if any(len(r) != size for r in rows):
        raise IllegalMove(f"ASCII board must be square: {size} rows of lengths {[len(r) for r in rows]}")
    board = cls(size, komi, superko)
    for i, line in enumerate(rows):
        for c, ch in enumerate(line):
            if ch in "XO":
                p = board.point(size - 1 - i, c)
                board._place(p, BLACK if ch == "X" else WHITE)
                board.setup.append((BLACK if ch == "X" else WHITE, p))
            elif ch not in ".+":
                raise IllegalMove(f"unknown character {ch!r} in ASCII board row {i + 1} (use X, O, .)")
    if any(board.color[p] == EMPTY for _, p in board.setup):
        raise IllegalMove("ASCII board has a group without liberties")
    board.captures = {BLACK: 0, WHITE: 0}
    board.seen = {board.hash}
    board.to_play = to_play
    return board
