"""UCT with RAVE and prior knowledge, compiled with numba over `deepdojo.go.fastboard` (``rule="rave"``).

The tree lives in flat arrays (node ``i``: its move, the colour that played it, its first child
and child count; float statistics: visits, wins, prior visits, prior wins, AMAF visits, AMAF wins)
so that a whole simulation (descent, expansion, heavy playout, backup) runs compiled. Selection is
michi's RAVE urgency ``β·AMAF + (1-β)·Q`` with the Gelly-Silver schedule
``β = ñ / (ñ + n + n·ñ/rave_equiv)`` over statistics that include the priors; new children start
with prior knowledge as virtual games (an even prior, captures and escapes, 3×3 patterns and
distance to the last move, edge moves in empty areas discouraged, self-ataris discouraged).

The pure-Python `Board` stays the referee: the root's children exclude superko-illegal moves, the
tree below keeps simple ko. The tree is rebuilt for every move (a fresh search is cheap next to
the thousands of playouts a move gets). A ``seconds`` budget counts this thread's CPU time
(`time.thread_time`), so that the engine's strength does not depend on the machine's load; as in
michi, a timed search stops early when the best move's win rate is at least 95% after 5% of the
budget or 80% after 20% (`FAST_PLAY`: decided positions, mostly won endgames, need no 2 s).
A ``playouts`` budget always runs in full (reproducible).
"""
from __future__ import annotations

import time

import numpy as np
from numba import njit

from deepdojo.go.board import PASS, Board
from deepdojo.go.fastboard import (BSIZE, COL, EMP, LAST, MISC, NEMPTY, PASSES, ROOT, SIZE, TOPLAY, WIDTH,
                                   from_board, in_atari, is_eye, legal, pattern_code, pattern_table, play, playout,
                                   score, self_atari)
from deepdojo.go.fastboard import seed as seed_numba

MOVE, COLOR, CHILD, NCHILD = range(4)        # int rows of the tree
V, WINS, PV, PW, AV, AW = range(6)           # float rows of the tree
PRIOR_CAPTURE_ONE, PRIOR_CAPTURE_MANY, PRIOR_PATTERN, PRIOR_EMPTY_AREA, PRIOR_SELF_ATARI = 15.0, 30.0, 10.0, 10.0, 10.0
PRIOR_DISTANCE = (0.0, 24.0, 22.0, 8.0)      # by Manhattan distance to the last move (michi's CFG prior)
FAST_PLAY = ((0.05, 0.95), (0.2, 0.8))       # (share of the time budget spent, win rate) that ends a search


@njit(cache=True)
def _empty_area(B, p, dist):
    """No stone within Manhattan distance `dist` of `p`."""
    W, size = B[MISC, WIDTH], B[MISC, BSIZE]
    r, c = p // W - 1, p % W - 1
    for dr in range(-dist, dist + 1):
        for dc in range(-dist + abs(dr), dist - abs(dr) + 1):
            rr, cc = r + dr, c + dc
            if 0 <= rr < size and 0 <= cc < size and B[COL, (rr + 1) * W + cc + 1] != 0:
                return False
    return True


@njit(cache=True)
def _prior(B, p, color, pat, even):
    """Virtual (visits, wins) of a new child `p`: Go knowledge as prior experience (michi's)."""
    W, size = B[MISC, WIDTH], B[MISC, BSIZE]
    pv, pw = even, even / 2
    if p < 0:
        return pv, pw
    for q in (p - 1, p + 1, p - W, p + W):
        c = B[COL, q]
        if c == 3 - color and in_atari(B, q):
            bonus = PRIOR_CAPTURE_MANY if B[SIZE, B[ROOT, q]] > 1 else PRIOR_CAPTURE_ONE
            pv, pw = pv + bonus, pw + bonus
            break
        if c == color and in_atari(B, q) and not self_atari(B, p, color):
            bonus = PRIOR_CAPTURE_MANY if B[SIZE, B[ROOT, q]] > 1 else PRIOR_CAPTURE_ONE
            pv, pw = pv + bonus, pw + bonus
            break
    last = B[MISC, LAST]
    r, c = p // W - 1, p % W - 1
    if last > 0:
        d = abs(r - (last // W - 1)) + abs(c - (last % W - 1))
        if d <= 3:
            pv, pw = pv + PRIOR_DISTANCE[d], pw + PRIOR_DISTANCE[d]
        if d <= 2 and abs(r - (last // W - 1)) <= 1 and abs(c - (last % W - 1)) <= 1 and pat[pattern_code(B, p)]:
            pv, pw = pv + PRIOR_PATTERN, pw + PRIOR_PATTERN
    height = min(r, c, size - 1 - r, size - 1 - c)
    if height <= 2 and _empty_area(B, p, 3):
        pv += PRIOR_EMPTY_AREA          # the first two lines of an empty area: a loss
        if height == 2:
            pw += PRIOR_EMPTY_AREA      # the third line: a win
    if self_atari(B, p, color):
        pv += PRIOR_SELF_ATARI
    return pv, pw


@njit(cache=True)
def _expand(B, node, I, S, meta, pat, even, mask):
    """Create the children of `node` (legal non-eye moves, in random order; pass when sensible)."""
    color, n = B[MISC, TOPLAY], B[MISC, NEMPTY]
    start = meta[0]
    if start + n + 1 >= I.shape[1]:
        return   # the tree is full: the node stays a leaf
    k = 0
    for i in range(n):
        p = B[EMP, i]
        if mask[p] and not is_eye(B, p, color) and legal(B, p, color):
            I[MOVE, start + k] = p
            k += 1
    # pass only when the opponent just passed or few moves are left (an early pass is a lost tempo)
    if B[MISC, PASSES] > 0 or k <= B[MISC, BSIZE]:
        I[MOVE, start + k] = -1
        k += 1
    for i in range(k - 1, 0, -1):   # shuffle so that ties break fairly
        j = np.random.randint(i + 1)
        I[MOVE, start + i], I[MOVE, start + j] = I[MOVE, start + j], I[MOVE, start + i]
    for i in range(start, start + k):
        I[COLOR, i], I[NCHILD, i] = color, -1
        S[V, i] = S[WINS, i] = S[AV, i] = S[AW, i] = 0.0
        S[PV, i], S[PW, i] = _prior(B, I[MOVE, i], color, pat, even)
    I[CHILD, node], I[NCHILD, node] = start, k
    meta[0] = start + k


@njit(cache=True)
def _select(node, I, S, equiv):
    best, best_u = -1, -1.0
    for i in range(I[CHILD, node], I[CHILD, node] + I[NCHILD, node]):
        v = S[V, i] + S[PV, i]
        u = (S[WINS, i] + S[PW, i]) / v
        av = S[AV, i]
        if av > 0:
            beta = av / (av + v + v * av / equiv)
            u = beta * S[AW, i] / av + (1 - beta) * u
        if u > best_u:
            best, best_u = i, u
    return best


@njit(cache=True)
def simulate(root, B, I, S, meta, amaf, path, pat, out, mask, komi, sims, expand_after, equiv, even):
    """Run `sims` simulations from the position `root` on the tree (node 0 is the root)."""
    one = np.ones(mask.shape[0], np.uint8)
    for _ in range(sims):
        B[:, :] = root
        amaf[:] = 0
        node, depth = 0, 0
        path[0] = 0
        while True:
            if I[NCHILD, node] < 0 and B[MISC, PASSES] < 2 and (node == 0 or S[V, node] >= expand_after):
                _expand(B, node, I, S, meta, pat, even, mask if node == 0 else one)
            if I[NCHILD, node] <= 0 or depth + 2 >= path.shape[0]:
                break
            node = _select(node, I, S, equiv)
            m = I[MOVE, node]
            if m > 0 and amaf[m] == 0:
                amaf[m] = I[COLOR, node]
            play(B, m, I[COLOR, node])
            depth += 1
            path[depth] = node
            if S[V, node] == 0:
                break   # a new child: evaluate it by a playout first
        if B[MISC, PASSES] >= 2:
            result = score(B, komi)
        else:
            result = playout(B, komi, amaf, pat, out)
        black = 1.0 if result > 0 else (0.5 if result == 0 else 0.0)   # a draw (integer komi) is half a win
        for j in range(depth + 1):
            nd = path[j]
            S[V, nd] += 1
            S[WINS, nd] += black if I[COLOR, nd] == 1 else 1.0 - black
            for i in range(I[CHILD, nd], I[CHILD, nd] + max(I[NCHILD, nd], 0)):
                m = I[MOVE, i]
                if m > 0 and amaf[m] == I[COLOR, i]:
                    S[AV, i] += 1
                    S[AW, i] += black if I[COLOR, i] == 1 else 1.0 - black


class RaveSearch:
    """The compiled UCT+RAVE engine behind the `MCTS` interface (``search``, ``advance``, ``root_stats``).

    Args:
        config: a `deepdojo.go.mcts.SearchConfig` (``playouts`` or ``seconds`` of CPU time,
            ``rave_k``, ``prior_even``, ``expand_after``, ``resign_threshold``).
        seed: seeds the playouts.
        capacity: tree nodes kept per search (when full, leaves stop expanding).
    """

    def __init__(self, config, seed: int = 0, capacity: int = 1_000_000):
        self.config = config
        self.pat = pattern_table()
        self.I = np.zeros((4, capacity), np.int64)
        self.S = np.zeros((6, capacity), np.float64)
        self.meta = np.zeros(1, np.int64)
        self.out = np.zeros(64, np.int64)
        self.path = np.zeros(1024, np.int64)
        self.last_playouts = 0
        self._root_children: list[tuple[int, int, float]] = []
        seed_value = int(seed) % (2 ** 31)
        self._warm_up()
        seed_numba(seed_value)

    def _warm_up(self) -> None:
        """Compile (or load from numba's cache) before the first move's clock starts."""
        b = Board(5, 0.5)
        b.play(b.point(2, 2))
        self._run(b, sims=2, seconds=None)

    def _run(self, board: Board, sims: int, seconds: float | None) -> None:
        root = from_board(board)
        n = root.shape[1]
        mask = np.zeros(n, np.uint8)
        mask[board.legal_moves(board.to_play)] = 1     # superko applies at the root
        I, S = self.I, self.S
        I[:, 0] = (0, 3 - board.to_play, 0, -1)
        S[:, 0] = 0.0
        self.meta[0] = 1
        B, amaf = root.copy(), np.zeros(n, np.int64)
        cfg, done = self.config, 0
        args = (root, B, I, S, self.meta, amaf, self.path, self.pat, self.out, mask, float(board.komi))
        tail = (int(cfg.expand_after), float(cfg.rave_k), float(cfg.prior_even))
        if seconds is None:
            simulate(*args, sims, *tail)
            done = sims
        else:
            start = time.thread_time()
            while done == 0 or time.thread_time() - start < seconds:
                simulate(*args, 32, *tail)
                done += 32
                if self._decided((time.thread_time() - start) / seconds):
                    break
        self.last_playouts = done
        c0, k = int(I[CHILD, 0]), max(int(I[NCHILD, 0]), 0)
        kids = range(c0, c0 + k)
        self._root_children = sorted(((int(I[MOVE, i]) if I[MOVE, i] > 0 else PASS, int(S[V, i]),
                                       float(S[WINS, i] / S[V, i]) if S[V, i] else 0.5) for i in kids),
                                     key=lambda t: (-t[1], -t[2]))

    def _decided(self, spent: float) -> bool:
        """Fast play (michi's): stop early when the most visited move's win rate is clear enough."""
        c0, k = int(self.I[CHILD, 0]), int(self.I[NCHILD, 0])
        if k <= 0 or spent < FAST_PLAY[0][0]:
            return False
        visits = self.S[V, c0:c0 + k]
        i = c0 + int(np.argmax(visits))
        q = self.S[WINS, i] / max(self.S[V, i], 1.0)
        return any(spent >= frac and q >= thr for frac, thr in FAST_PLAY)

    def search(self, board: Board) -> int:
        """Search from `board` and return a point, PASS or RESIGN (-2)."""
        cfg = self.config
        if board.game_over:
            return PASS
        self._run(board, sims=cfg.playouts, seconds=cfg.seconds)
        if not self._root_children:
            return PASS
        move, visits, q = self._root_children[0]
        if cfg.resign_threshold > 0 and visits >= 50 and q < cfg.resign_threshold:
            return -2
        return move

    def advance(self, board: Board) -> None:
        """Nothing to do: the tree is rebuilt for every move."""

    def root_stats(self) -> list[tuple[int, int, float]]:
        """``(move, visits, win rate)`` for the root's children, most visited first."""
        return list(self._root_children)
