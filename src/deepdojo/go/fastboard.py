"""The board and the heavy playouts compiled with numba: the hot loop of the Monte-Carlo engine.

A position is one ``int64`` array ``B`` of shape ``(10, n)`` holding the same flat, padded
structures as `deepdojo.go.board.Board` (colour, group root, next-stone ring, pseudo-liberty
count/sum/sum of squares, group size, the list of empty points and each point's place in it) and a
row of scalars (ko point, side to move, passes, last two moves). Copying a position is one
``B[:] = root`` (9×9: 1,110 integers), which is what every simulation of the search does.

Playouts follow MoGo/michi (Gelly et al. 2006; Baudiš's michi): answer the last two moves with a
capture or an atari escape (90% of the time), else play a MoGo 3×3 pattern next to the last move
(95%), else a random move; never fill an own eye; reject self-ataris of two or more stones (90%
for heuristic moves, 50% for random ones). Scoring is Tromp-Taylor area. The pure-Python `Board`
stays the referee (superko, GTP, SGF); this module keeps simple ko only.
"""
from __future__ import annotations

import itertools

import numpy as np
from numba import njit

from deepdojo.go.coords import BLACK, BORDER, EMPTY, WHITE

COL, ROOT, NXT, NLIB, LSUM, LSQ, SIZE, EMP, WHERE, MISC = range(10)        # rows of B
NEMPTY, KO, TOPLAY, PASSES, WIDTH, BSIZE, LAST, LAST2 = range(8)             # columns of B[MISC]
P_CAPTURE, P_PATTERN, P_REJECT_HEURISTIC, P_REJECT_RANDOM = 0.9, 0.95, 0.9, 0.5

# MoGo 3×3 patterns as michi writes them: the centre is the candidate move; X/O are the two
# colours (either way round), x = not X, o = not O, ? = anything, a space = off the board.
PATTERNS = [
    ["XOX", "...", "???"], ["XO.", "...", "?.?"], ["XO?", "X..", "x.?"], [".O.", "X..", "..."],  # hane
    ["XO?", "O.o", "?o?"], ["XO?", "O.X", "???"], ["?X?", "O.O", "ooo"], ["OX?", "o.O", "???"],  # cuts
    ["X.?", "O.?", "   "], ["OX?", "X.O", "   "], ["?X?", "x.O", "   "], ["?XO", "x.x", "   "],  # sides
    ["?OX", "X.O", "   "],
]
_CELL = {"X": (BLACK,), "O": (WHITE,), ".": (EMPTY,), " ": (BORDER,), "?": (EMPTY, BLACK, WHITE, BORDER),
         "x": (EMPTY, WHITE, BORDER), "o": (EMPTY, BLACK, BORDER)}


def pattern_table() -> np.ndarray:
    """A ``(4**8,)`` uint8 lookup: 1 where the 8 neighbours' colours (see `_code`) match a pattern.

    Every pattern is expanded over the 8 symmetries of the square and the colour swap, so the table
    does not depend on whose turn it is.
    """
    table = np.zeros(4 ** 8, np.uint8)
    swap = str.maketrans("XOxo", "OXox")
    for rows in PATTERNS:
        grid = np.array([list(r) for r in rows])
        for k, flip, colours in itertools.product(range(4), (False, True), (False, True)):
            g = np.rot90(grid.T if flip else grid, k)
            cells = [c.translate(swap) if colours else c for c in g.reshape(-1)]
            # row 0 of the grid is the upper row (+W); the order matches `_code`
            around = cells[:4] + cells[5:]
            for combo in itertools.product(*(_CELL[c] for c in around)):
                table[sum(v * 4 ** i for i, v in enumerate(combo))] = 1
    return table


def from_board(board) -> np.ndarray:
    """Pack a `Board` (any size) into the ``(10, n)`` array the compiled functions use."""
    n = len(board.color)
    B = np.zeros((10, n), np.int64)
    for row, name in ((COL, "color"), (ROOT, "root"), (NXT, "nxt"), (NLIB, "nlib"), (LSUM, "lsum"),
                      (LSQ, "lsq"), (SIZE, "size_of"), (WHERE, "where")):
        B[row] = getattr(board, name)
    B[EMP, :len(board.empties)] = board.empties
    moves = [p for _, p in board.moves[-2:]]
    B[MISC, :8] = [len(board.empties), board.ko, board.to_play, board.passes, board.W, board.size,
                   moves[-1] if moves else -1, moves[-2] if len(moves) > 1 else -1]
    return B


@njit(cache=True)
def seed(s):
    """Seed numba's random generator (the playouts' and the search's)."""
    np.random.seed(s)


@njit(cache=True)
def in_atari(B, p):
    r = B[ROOT, p]
    return B[LSUM, r] * B[LSUM, r] == B[NLIB, r] * B[LSQ, r]


@njit(cache=True)
def atari_liberty(B, p):
    r = B[ROOT, p]
    return B[LSUM, r] // B[NLIB, r]


@njit(cache=True)
def legal(B, p, color):
    """Occupancy, simple ko and suicide (as `Board._legal_basic`)."""
    if B[COL, p] != EMPTY or p == B[MISC, KO]:
        return False
    W = B[MISC, WIDTH]
    for q in (p - 1, p + 1, p - W, p + W):
        c = B[COL, q]
        if c == EMPTY:
            return True
        if c != BORDER and (c == color) != in_atari(B, q):
            return True
    return False


@njit(cache=True)
def is_eye(B, p, color):
    """As `Board.is_eye`: own stones around, at most one enemy diagonal (none on the edge)."""
    W = B[MISC, WIDTH]
    for q in (p - 1, p + 1, p - W, p + W):
        if B[COL, q] != color and B[COL, q] != BORDER:
            return False
    bad = edge = 0
    for q in (p - W - 1, p - W + 1, p + W - 1, p + W + 1):
        c = B[COL, q]
        if c == BORDER:
            edge = 1
        elif c == 3 - color:
            bad += 1
    return bad + edge < 2


@njit(cache=True)
def _take_empty(B, p):
    i, k = B[WHERE, p], B[MISC, NEMPTY] - 1
    last = B[EMP, k]
    B[EMP, i] = last
    B[WHERE, last] = i
    B[WHERE, p] = -1
    B[MISC, NEMPTY] = k


@njit(cache=True)
def _merge(B, a, b):
    if B[SIZE, a] < B[SIZE, b]:
        a, b = b, a
    s = b
    while True:
        B[ROOT, s] = a
        s = B[NXT, s]
        if s == b:
            break
    B[NXT, a], B[NXT, b] = B[NXT, b], B[NXT, a]   # splice the two rings
    for row in (NLIB, LSUM, LSQ, SIZE):
        B[row, a] += B[row, b]


@njit(cache=True)
def _remove(B, r):
    """Capture the group rooted at r; returns the number of stones."""
    W, s, count = B[MISC, WIDTH], r, 0
    while True:
        B[COL, s] = EMPTY
        k = B[MISC, NEMPTY]
        B[EMP, k], B[WHERE, s], B[MISC, NEMPTY] = s, k, k + 1
        count += 1
        s = B[NXT, s]
        if s == r:
            break
    while True:   # the neighbours regain a pseudo-liberty per adjacency
        for q in (s - 1, s + 1, s - W, s + W):
            if B[COL, q] == BLACK or B[COL, q] == WHITE:
                g = B[ROOT, q]
                B[NLIB, g], B[LSUM, g], B[LSQ, g] = B[NLIB, g] + 1, B[LSUM, g] + s, B[LSQ, g] + s * s
        s = B[NXT, s]
        if s == r:
            break
    return count


@njit(cache=True)
def play(B, p, color):
    """Play a legal move `p` (or a pass, ``p < 0``) for `color`; returns the stones captured."""
    B[MISC, TOPLAY] = 3 - color
    B[MISC, LAST2] = B[MISC, LAST]
    B[MISC, LAST] = p
    if p < 0:
        B[MISC, PASSES] += 1
        B[MISC, KO] = 0
        return 0
    B[MISC, PASSES] = 0
    W = B[MISC, WIDTH]
    _take_empty(B, p)
    B[COL, p], B[ROOT, p], B[NXT, p], B[SIZE, p] = color, p, p, 1
    B[NLIB, p] = B[LSUM, p] = B[LSQ, p] = 0
    for q in (p - 1, p + 1, p - W, p + W):
        c = B[COL, q]
        if c == EMPTY:
            B[NLIB, p] += 1
            B[LSUM, p] += q
            B[LSQ, p] += q * q
        elif c != BORDER:
            r = B[ROOT, q]
            B[NLIB, r] -= 1
            B[LSUM, r] -= p
            B[LSQ, r] -= p * p
    for q in (p - 1, p + 1, p - W, p + W):
        if B[COL, q] == color and B[ROOT, q] != B[ROOT, p]:
            _merge(B, B[ROOT, p], B[ROOT, q])
    captured, at = 0, 0
    for q in (p - 1, p + 1, p - W, p + W):
        if B[COL, q] == 3 - color and B[NLIB, B[ROOT, q]] == 0:
            captured += _remove(B, B[ROOT, q])
            at = q
    r = B[ROOT, p]   # simple ko: one stone taken by a lone stone left with one liberty
    B[MISC, KO] = at if captured == 1 and B[SIZE, r] == 1 and B[NLIB, r] == 1 else 0
    return captured


@njit(cache=True)
def score(B, komi):
    """Tromp-Taylor: Black's area minus White's minus komi."""
    W, size, n = B[MISC, WIDTH], B[MISC, BSIZE], B.shape[1]
    seen = np.zeros(n, np.uint8)
    stack = np.empty(n, np.int64)
    black = white = 0
    for r in range(size):
        for c in range(size):
            p = (r + 1) * W + c + 1
            if B[COL, p] == BLACK:
                black += 1
            elif B[COL, p] == WHITE:
                white += 1
            elif not seen[p]:
                reach, region, top = 0, 0, 1
                stack[0], seen[p] = p, 1
                while top:
                    top -= 1
                    x = stack[top]
                    region += 1
                    for q in (x - 1, x + 1, x - W, x + W):
                        cq = B[COL, q]
                        if cq == EMPTY and not seen[q]:
                            seen[q] = 1
                            stack[top] = q
                            top += 1
                        elif cq == BLACK or cq == WHITE:
                            reach |= cq
                if reach == BLACK:
                    black += region
                elif reach == WHITE:
                    white += region
    return black - white - komi


@njit(cache=True)
def self_atari(B, p, color):
    """Whether `color` at `p` leaves a group of two or more stones with one liberty (no capture)."""
    W, lib, stones = B[MISC, WIDTH], -1, 1
    for q in (p - 1, p + 1, p - W, p + W):
        c = B[COL, q]
        if c == EMPTY:
            if lib < 0:
                lib = q
            elif q != lib:
                return False
        elif c == 3 - color and in_atari(B, q):
            return False   # a capture gives liberties
    r0 = r1 = r2 = -1
    for q in (p - 1, p + 1, p - W, p + W):
        if B[COL, q] != color:
            continue
        r = B[ROOT, q]
        if r == r0 or r == r1 or r == r2:
            continue
        r0, r1, r2 = r, r0, r1
        stones += B[SIZE, r]
        s = r
        while True:
            for x in (s - 1, s + 1, s - W, s + W):
                if B[COL, x] == EMPTY and x != p:
                    if lib < 0:
                        lib = x
                    elif x != lib:
                        return False
            s = B[NXT, s]
            if s == r:
                break
    return stones >= 2


@njit(cache=True)
def pattern_code(B, p):
    """The colours of the 8 neighbours of `p` as a base-4 number (upper row first)."""
    W = B[MISC, WIDTH]
    return (B[COL, p + W - 1] + 4 * B[COL, p + W] + 16 * B[COL, p + W + 1] + 64 * B[COL, p - 1]
            + 256 * B[COL, p + 1] + 1024 * B[COL, p - W - 1] + 4096 * B[COL, p - W] + 16384 * B[COL, p - W + 1])


@njit(cache=True)
def capture_moves(B, color, last, out, k):
    """Append to ``out[k:]`` the captures and atari escapes around `last`; returns the new k.

    Enemy groups in atari next to the last move are captured; own groups it put in atari are saved
    by extending (when that gives two liberties) or by capturing an enemy group next to them.
    """
    W = B[MISC, WIDTH]
    for q in (last, last - 1, last + 1, last - W, last + W, last - W - 1, last - W + 1, last + W - 1, last + W + 1):
        c = B[COL, q]
        if (c != BLACK and c != WHITE) or not in_atari(B, q) or k >= out.shape[0] - 4:
            continue
        lib = atari_liberty(B, q)
        if c != color:
            if legal(B, lib, color):
                out[k] = lib
                k += 1
            continue
        if legal(B, lib, color) and not self_atari(B, lib, color):
            out[k] = lib
            k += 1
        r = B[ROOT, q]
        s = r
        while True:   # counter-capture: an attacker of the group that is itself in atari
            for x in (s - 1, s + 1, s - W, s + W):
                if B[COL, x] == 3 - color and in_atari(B, x) and k < out.shape[0] - 4:
                    lx = atari_liberty(B, x)
                    if legal(B, lx, color):
                        out[k] = lx
                        k += 1
            s = B[NXT, s]
            if s == r:
                break
    return k


@njit(cache=True)
def _pick(B, color, out, k, reject):
    """A random candidate of ``out[:k]`` that is not rejected as a self-atari, or 0."""
    while k > 0:
        i = np.random.randint(k)
        p = out[i]
        if not (np.random.random() < reject and self_atari(B, p, color)):
            return p
        k -= 1
        out[i] = out[k]
    return 0


@njit(cache=True)
def playout_move(B, color, pat, out, heavy=True):
    """The playout policy's move for `color` (a point, or -1 to pass).

    ``heavy=False`` keeps only the random non-eye-filling move (the light policy, for benchmarks).
    """
    W = B[MISC, WIDTH]
    last, last2 = B[MISC, LAST], B[MISC, LAST2]
    last = last if heavy else 0
    if last > 0 and np.random.random() < P_CAPTURE:
        k = capture_moves(B, color, last, out, 0)
        if last2 > 0:
            k = capture_moves(B, color, last2, out, k)
        p = _pick(B, color, out, k, P_REJECT_HEURISTIC)
        if p:
            return p
    if last > 0 and np.random.random() < P_PATTERN:
        k = 0
        for q in (last - W - 1, last - W, last - W + 1, last - 1, last + 1, last + W - 1, last + W, last + W + 1):
            if B[COL, q] == EMPTY and pat[pattern_code(B, q)] and legal(B, q, color):
                out[k] = q
                k += 1
        p = _pick(B, color, out, k, P_REJECT_HEURISTIC)
        if p:
            return p
    n = B[MISC, NEMPTY]
    start = np.random.randint(n) if n else 0
    for i in range(n):
        p = B[EMP, (start + i) % n]
        if is_eye(B, p, color) or not legal(B, p, color):
            continue
        if heavy and np.random.random() < P_REJECT_RANDOM and self_atari(B, p, color):
            continue
        return p
    return -1


@njit(cache=True)
def playout(B, komi, amaf, pat, out, heavy=True):
    """Play the policy to the end (two passes) on `B` in place and return the Tromp-Taylor score.

    Args:
        B: the position (modified).
        komi: added to White's area.
        amaf: ``(n,)`` colours of the first stone played on each point, filled where still 0.
        pat: `pattern_table()`.
        out: a scratch ``int64`` array (≥ 64) for candidate moves.
        heavy: the heavy policy (captures, escapes, patterns, self-atari rejection) or the light one.
    """
    cap = 3 * B[MISC, BSIZE] * B[MISC, BSIZE]
    for _ in range(cap):
        if B[MISC, PASSES] >= 2:
            break
        color = B[MISC, TOPLAY]
        p = playout_move(B, color, pat, out, heavy)
        if p > 0 and amaf[p] == 0:
            amaf[p] = color
        play(B, p, color)
    return score(B, komi)
