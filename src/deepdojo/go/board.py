"""The Go board: rules, incremental groups and liberties, Zobrist hashing, Tromp-Taylor scoring.

Points live in a flat, padded array (`deepdojo.go.coords`), so that a neighbour is an index
offset (``p ± 1``, ``p ± W``) and the border is a colour like any other.

Groups are tracked incrementally with flat lists, which copy in a few microseconds (playouts copy
the board once each): ``root[p]`` names the group of a stone, ``nxt[p]`` threads its stones into a
circular list, and each root keeps *pseudo-liberties* (one per stone/empty-neighbour adjacency)
as a count, a sum and a sum of squares. A group has no liberty iff the count is 0 and is in atari
iff all its pseudo-liberties are the same point, i.e. ``sum**2 == count * sum_sq`` (a classic trick
of fast Go programs): no liberty sets are ever built.

Rules: suicide is illegal, positional superko (a move may not recreate any earlier position) via
Zobrist hashes, the game ends on two consecutive passes, area scoring (Tromp-Taylor) with komi.
"""
from __future__ import annotations

import random

import numpy as np

from deepdojo.go.ascii import from_ascii, to_ascii
from deepdojo.go.coords import BLACK, BORDER, EMPTY, MAX_SIZE, MIN_SIZE, PASS, WHITE, Geometry, IllegalMove  # noqa: F401
_ZOBRIST_RNG = random.Random(20240917)  # fixed: hashes must agree between boards and runs
_ZOBRIST = [[_ZOBRIST_RNG.getrandbits(64) for _ in range((MAX_SIZE + 2) * (MAX_SIZE + 1) + 1)] for _ in range(3)]


def opponent(color: int) -> int:
    return 3 - color


class Board(Geometry):
    """A Go position plus the game history needed for superko, undo and scoring.

    Args:
        size: board size, 5 to 19.
        komi: points added to White's area score.
        superko: enforce positional superko (playouts turn it off and keep only simple ko).
    """

    def __init__(self, size: int = 9, komi: float = 7.0, superko: bool = True):
        if not isinstance(size, int) or not MIN_SIZE <= size <= MAX_SIZE:
            raise IllegalMove(f"board size must be an integer from {MIN_SIZE} to {MAX_SIZE}, got {size!r}")
        self.size, self.komi, self.superko = size, float(komi), superko
        W = self.W = size + 1
        n = (size + 2) * W + 1
        self.points = [(r + 1) * W + c + 1 for r in range(size) for c in range(size)]
        self.color = [BORDER] * n
        for p in self.points:
            self.color[p] = EMPTY
        self.root = list(range(n))
        self.nxt = list(range(n))
        self.nlib = [0] * n   # pseudo-liberty count, valid at roots
        self.lsum = [0] * n   # sum of pseudo-liberty indices
        self.lsq = [0] * n    # sum of their squares
        self.size_of = [0] * n  # stones in the group, valid at roots
        self.empties = list(self.points)   # the empty points, O(1) removal via `where`
        self.where = [-1] * n
        for i, p in enumerate(self.empties):
            self.where[p] = i
        self.to_play = BLACK
        self.ko = 0          # the point a simple-ko recapture may not be played on (0 = none)
        self.hash = 0
        self.passes = 0
        self.captures = {BLACK: 0, WHITE: 0}   # stones each colour has captured
        self.moves: list[tuple[int, int]] = []  # (colour, point or PASS), for undo and SGF
        self.setup: list[tuple[int, int]] = []  # handicap/setup stones (colour, point)
        self.seen = {0}                          # hashes of every earlier position (superko)

    # -- copying -------------------------------------------------------------------------------
    def copy(self, history: bool = True) -> "Board":
        """An independent copy; ``history=False`` skips the move list and superko set (playouts)."""
        b = Board.__new__(Board)
        b.__dict__.update(self.__dict__)
        for name in ("color", "root", "nxt", "nlib", "lsum", "lsq", "size_of", "empties", "where"):
            setattr(b, name, getattr(self, name)[:])
        b.captures = dict(self.captures)
        if history:
            b.moves, b.setup, b.seen = self.moves[:], self.setup[:], set(self.seen)
        else:
            b.moves, b.setup, b.seen, b.superko = [], [], set(), False
        return b

    # -- legality ------------------------------------------------------------------------------
    def in_atari(self, p: int) -> bool:
        """Whether the group of the stone at `p` has exactly one liberty."""
        r = self.root[p]
        return self.lsum[r] * self.lsum[r] == self.nlib[r] * self.lsq[r]

    def liberty_of_atari(self, p: int) -> int:
        """The single liberty of a group in atari."""
        r = self.root[p]
        return self.lsum[r] // self.nlib[r]

    def _legal_basic(self, p: int, color: int) -> bool:
        """Occupancy, simple ko and suicide; no superko (cheap: used in playouts)."""
        col = self.color
        if col[p] != EMPTY or p == self.ko:
            return False
        W = self.W
        for n in (p - 1, p + 1, p - W, p + W):
            c = col[n]
            if c == EMPTY:
                return True
            if c == BORDER:
                continue
            atari = self.in_atari(n)
            if (c == color) != atari:  # friendly with >1 liberty, or enemy we capture
                return True
        return False

    def is_legal(self, p: int, color: int | None = None) -> bool:
        """Whether `color` (default: the side to move) may play `p` (PASS is always legal)."""
        if p == PASS:
            return True
        color = self.to_play if color is None else color
        if not (0 <= p < len(self.color)) or not self._legal_basic(p, color):
            return False
        if not self.superko or self.captures[BLACK] + self.captures[WHITE] == 0:
            # Until the first capture the stone count only grows, so no position can repeat.
            return True
        return self._hash_after(p, color) not in self.seen

    def why_illegal(self, p: int, color: int) -> str | None:
        """A short reason the move is illegal (GTP error text), or None when it is legal."""
        if p == PASS:
            return None
        if self.color[p] != EMPTY:
            return "illegal move: point occupied"
        if p == self.ko:
            return "illegal move: ko"
        if not self._legal_basic(p, color):
            return "illegal move: suicide"
        if self.superko and self._hash_after(p, color) in self.seen:
            return "illegal move: positional superko"
        return None

    def _hash_after(self, p: int, color: int) -> int:
        """Zobrist hash of the position after `color` plays the (basically legal) move `p`."""
        h = self.hash ^ _ZOBRIST[color][p]
        enemy, W, done = opponent(color), self.W, set()
        for n in (p - 1, p + 1, p - W, p + W):
            r = self.root[n]
            if self.color[n] == enemy and r not in done and self.in_atari(n):
                done.add(r)
                s = r
                while True:
                    h ^= _ZOBRIST[enemy][s]
                    s = self.nxt[s]
                    if s == r:
                        break
        return h

    def legal_moves(self, color: int | None = None) -> list[int]:
        """Every legal point for `color` (superko included when on); PASS not listed."""
        color = self.to_play if color is None else color
        basic = self._legal_basic
        if not self.superko or self.captures[BLACK] + self.captures[WHITE] == 0:  # see is_legal
            return [p for p in self.empties if basic(p, color)]
        hash_after, seen = self._hash_after, self.seen
        return [p for p in self.empties if basic(p, color) and hash_after(p, color) not in seen]

    def is_eye(self, p: int, color: int) -> bool:
        """An empty point whose neighbours are all `color` and which the opponent cannot make false.

        Fewer than two diagonal enemies in the middle, none on the edge: the standard rule that
        keeps random playouts from filling their own eyes.
        """
        col, W = self.color, self.W
        for n in (p - 1, p + 1, p - W, p + W):
            if col[n] != color and col[n] != BORDER:
                return False
        enemy, edge, bad = opponent(color), 0, 0
        for d in (p - W - 1, p - W + 1, p + W - 1, p + W + 1):
            c = col[d]
            if c == BORDER:
                edge = 1
            elif c == enemy:
                bad += 1
        return bad + edge < 2

    # -- playing -------------------------------------------------------------------------------
    def play(self, p: int, color: int | None = None) -> None:
        """Play `p` (a point or PASS) for `color` (default: the side to move).

        Raises:
            IllegalMove: occupied, suicide, ko/superko or off-board; the board is unchanged.
        """
        color = self.to_play if color is None else color
        if color not in (BLACK, WHITE):
            raise IllegalMove(f"colour must be BLACK (1) or WHITE (2), got {color!r}")
        if p != PASS:
            if not (0 <= p < len(self.color)) or self.color[p] == BORDER:
                raise IllegalMove(f"point {p!r} is off the {self.size}x{self.size} board")
            reason = self.why_illegal(p, color)
            if reason:
                raise IllegalMove(f"{reason} ({self.to_gtp(p)})")
        self._play_unchecked(p, color)
        self.moves.append((color, p))

    def _play_unchecked(self, p: int, color: int) -> None:
        """Apply a legal move (no checks; the playout path)."""
        self.to_play = opponent(color)
        if p == PASS:
            self.passes += 1
            self.ko = 0
            return
        self.passes = 0
        captured = self._place(p, color)
        # Simple ko: one stone captured by a lone stone that is left in atari.
        r = self.root[p]
        if len(captured) == 1 and self.size_of[r] == 1 and self.nlib[r] == 1:
            self.ko = captured[0]
        else:
            self.ko = 0
        if self.superko:
            self.seen.add(self.hash)

    def _place(self, p: int, color: int) -> list[int]:
        """Put a stone, merge friendly groups, capture enemy groups left without liberty."""
        col, root, nxt, nlib, lsum, lsq, W = self.color, self.root, self.nxt, self.nlib, self.lsum, self.lsq, self.W
        self._take_empty(p)
        col[p] = color
        self.hash ^= _ZOBRIST[color][p]
        root[p], nxt[p], self.size_of[p] = p, p, 1
        nlib[p] = lsum[p] = lsq[p] = 0
        pp = p * p
        for n in (p - 1, p + 1, p - W, p + W):
            c = col[n]
            if c == EMPTY:
                nlib[p] += 1
                lsum[p] += n
                lsq[p] += n * n
            elif c != BORDER:
                r = root[n]  # the neighbour's group loses the pseudo-liberty at p
                nlib[r] -= 1
                lsum[r] -= p
                lsq[r] -= pp
        for n in (p - 1, p + 1, p - W, p + W):
            if col[n] == color and root[n] != root[p]:
                self._merge(root[p], root[n])
        captured: list[int] = []
        enemy = opponent(color)
        for n in (p - 1, p + 1, p - W, p + W):
            if col[n] == enemy and nlib[root[n]] == 0:
                captured += self._remove(root[n])
        self.captures[color] += len(captured)
        return captured

    def _merge(self, a: int, b: int) -> None:
        """Merge the groups rooted at a and b, relabelling the smaller one."""
        if self.size_of[a] < self.size_of[b]:
            a, b = b, a
        root, nxt = self.root, self.nxt
        s = b
        while True:
            root[s] = a
            s = nxt[s]
            if s == b:
                break
        nxt[a], nxt[b] = nxt[b], nxt[a]  # splice the two circular lists
        self.nlib[a] += self.nlib[b]
        self.lsum[a] += self.lsum[b]
        self.lsq[a] += self.lsq[b]
        self.size_of[a] += self.size_of[b]

    def _remove(self, r: int) -> list[int]:
        """Capture the group rooted at r; its neighbours regain pseudo-liberties."""
        col, root, nxt, W = self.color, self.root, self.nxt, self.W
        z = _ZOBRIST[col[r]]
        stones, s = [], r
        while True:
            stones.append(s)
            s = nxt[s]
            if s == r:
                break
        for s in stones:
            col[s] = EMPTY
            self.hash ^= z[s]
            self._add_empty(s)
        for s in stones:
            ss = s * s
            for n in (s - 1, s + 1, s - W, s + W):
                if col[n] == BLACK or col[n] == WHITE:
                    g = root[n]
                    self.nlib[g] += 1
                    self.lsum[g] += s
                    self.lsq[g] += ss
        return stones

    def _take_empty(self, p: int) -> None:
        i, last = self.where[p], self.empties[-1]
        self.empties[i] = last
        self.where[last] = i
        self.empties.pop()
        self.where[p] = -1

    def _add_empty(self, p: int) -> None:
        self.where[p] = len(self.empties)
        self.empties.append(p)

    def place_setup(self, p: int, color: int) -> None:
        """Put a setup/handicap stone (SGF AB/AW); it must not capture or be suicide."""
        if p == PASS or self.color[p] != EMPTY:
            raise IllegalMove(f"setup stone on {self.to_gtp(p) if p != PASS else 'pass'}: point not empty")
        if not self._legal_basic(p, color):
            raise IllegalMove(f"setup stone on {self.to_gtp(p)} would have no liberty")
        self._place(p, color)
        self.setup.append((color, p))
        self.seen.add(self.hash)

    def undo(self) -> None:
        """Take back the last move (replays the game from the setup stones)."""
        if not self.moves:
            raise IllegalMove("no move to undo")
        moves, setup = self.moves[:-1], self.setup
        fresh = Board(self.size, self.komi, self.superko)
        for color, p in setup:
            fresh.place_setup(p, color)
        for color, p in moves:
            fresh.play(p, color)
        if not moves and setup:
            fresh.to_play = self.moves[-1][0]
        self.__dict__.update(fresh.__dict__)

    @property
    def game_over(self) -> bool:
        return self.passes >= 2

    # -- scoring -------------------------------------------------------------------------------
    def area(self) -> tuple[int, int]:
        """Tromp-Taylor area: stones plus empty regions that reach only that colour."""
        col, W = self.color, self.W
        counts = {BLACK: 0, WHITE: 0}
        seen = set()
        for p in self.points:
            c = col[p]
            if c != EMPTY:
                counts[c] += 1
                continue
            if p in seen:
                continue
            region, reach, stack = 0, set(), [p]
            seen.add(p)
            while stack:
                q = stack.pop()
                region += 1
                for n in (q - 1, q + 1, q - W, q + W):
                    cn = col[n]
                    if cn == EMPTY and n not in seen:
                        seen.add(n)
                        stack.append(n)
                    elif cn == BLACK or cn == WHITE:
                        reach.add(cn)
            if len(reach) == 1:
                counts[reach.pop()] += region
        return counts[BLACK], counts[WHITE]

    def score(self) -> float:
        """Black's area minus White's area minus komi (> 0: Black wins)."""
        b, w = self.area()
        return b - w - self.komi

    def result(self) -> str:
        """SGF/GTP result string, e.g. ``"B+3.5"``, ``"W+0.5"``, ``"0"`` for a draw."""
        s = self.score()
        return "0" if s == 0 else (f"B+{s:g}" if s > 0 else f"W+{-s:g}")

    # -- views ---------------------------------------------------------------------------------
    def to_array(self) -> np.ndarray:
        """``(size, size)`` int8 array, row 0 = the top row as drawn; 0 empty, 1 black, 2 white."""
        a = np.asarray(self.color, dtype=np.int8)[self.W + 1: self.W * (self.size + 1) + 1]
        return a.reshape(self.size, self.W)[::-1, :self.size].copy()

    def __str__(self) -> str:
        """ASCII board as GTP ``showboard`` prints it: ``X`` black, ``O`` white, ``.`` empty."""
        return to_ascii(self)

    from_ascii = classmethod(from_ascii)
