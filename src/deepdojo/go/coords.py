"""Board geometry and coordinates: padded point indexes, GTP vertices (``D4``) and SGF points (``dd``).

With ``W = size + 1`` the point at row ``r`` (0 = the bottom row, GTP row 1) and column ``c``
(0 = column A) has index ``(r + 1) * W + c + 1``; index 0 of every stride of ``W`` and the rows
above and below the board are the border, so neighbours are ``p ± 1`` and ``p ± W``.
"""
from __future__ import annotations

EMPTY, BLACK, WHITE, BORDER = 0, 1, 2, 3
PASS = -1
COLUMNS = "ABCDEFGHJKLMNOPQRST"  # GTP columns skip I
MIN_SIZE, MAX_SIZE = 5, 19


class IllegalMove(ValueError):
    """A move the rules forbid or a coordinate that is not on the board; the board is unchanged."""


class Geometry:
    """Coordinate conversions for a ``size × size`` board (the base of `Board`)."""

    size: int
    W: int

    # -- coordinates ---------------------------------------------------------------------------
    def point(self, row: int, col: int) -> int:
        """Index of (row, col), row 0 = the bottom row (GTP "1"), col 0 = column A."""
        if not (0 <= row < self.size and 0 <= col < self.size):
            raise IllegalMove(f"({row}, {col}) is off the {self.size}x{self.size} board")
        return (row + 1) * self.W + col + 1

    def rowcol(self, p: int) -> tuple[int, int]:
        return p // self.W - 1, p % self.W - 1

    def parse_gtp(self, text: str) -> int:
        """``"D4"`` → point, ``"pass"`` → PASS; raises IllegalMove naming the problem."""
        t = text.strip().upper()
        if t == "PASS":
            return PASS
        if len(t) < 2 or t[0] not in COLUMNS or not t[1:].isdigit():
            raise IllegalMove(f"bad vertex {text!r}: expected a column letter A-T (no I) and a row number, e.g. D4, or pass")
        return self.point(int(t[1:]) - 1, COLUMNS.index(t[0]))

    def to_gtp(self, p: int) -> str:
        if p == PASS:
            return "pass"
        r, c = self.rowcol(p)
        return f"{COLUMNS[c]}{r + 1}"

    def parse_sgf(self, text: str) -> int:
        """SGF ``"dd"`` (column, row from the top) → point; ``""`` or ``"tt"`` (≤19×19) → PASS."""
        if text == "" or (text == "tt" and self.size <= 19):
            return PASS
        if len(text) != 2 or not text.isalpha() or not text.islower():
            raise IllegalMove(f"bad SGF point {text!r}: expected two lower-case letters such as 'dd'")
        col, row_from_top = ord(text[0]) - 97, ord(text[1]) - 97
        return self.point(self.size - 1 - row_from_top, col)

    def to_sgf(self, p: int) -> str:
        if p == PASS:
            return ""
        r, c = self.rowcol(p)
        return chr(97 + c) + chr(97 + self.size - 1 - r)
