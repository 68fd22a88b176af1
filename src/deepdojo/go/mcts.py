"""Monte-Carlo tree search: UCT with RAVE over random playouts, and PUCT over a pluggable evaluator.

* ``rule="uct"``: children are scored by UCB1 blended with RAVE (all-moves-as-first) statistics
  from light playouts (`deepdojo.go.playout`), which makes a few thousand playouts per move useful.
* ``rule="puct"``: AlphaZero's ``Q + c·P·sqrt(N)/(1+n)`` with priors and values from an
  `Evaluator` (a network later; `RolloutEvaluator` here), evaluated in batches of leaves kept apart
  by a virtual loss, so that a network sees one batch per forward pass.

Both keep the tree between moves (the subtree of the moves actually played becomes the new root),
stop on a playout or time budget, and resign when the root's win rate falls below a threshold.
Node statistics are from the point of view of the player who made the node's move.
"""
from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from deepdojo.go.board import BLACK, EMPTY, PASS, Board, opponent
from deepdojo.go.playout import playout

RESIGN = -2


class Evaluator(Protocol):
    """Priors over moves and a value for a batch of positions (what a policy/value network gives).

    ``__call__(boards)`` returns ``(priors, values)``: priors ``(B, size*size + 1)`` (points in
    row-major order from the bottom-left, A1 first; the last column is pass), values ``(B,)`` the
    probability that the side to move wins.
    """

    def __call__(self, boards: Sequence[Board]) -> tuple[np.ndarray, np.ndarray]: ...


class RolloutEvaluator:
    """Uniform priors and the result of `n` random playouts as the value (a network stand-in)."""

    def __init__(self, n: int = 1, seed: int = 0):
        self.n, self.rng = n, random.Random(seed)

    def __call__(self, boards: Sequence[Board]) -> tuple[np.ndarray, np.ndarray]:
        size = boards[0].size
        priors = np.full((len(boards), size * size + 1), 1.0 / (size * size + 1))
        values = np.empty(len(boards))
        for i, b in enumerate(boards):
            wins = sum((playout(b, self.rng) > 0) == (b.to_play == BLACK) for _ in range(self.n))
            values[i] = wins / self.n
        return priors, values


@dataclass(frozen=True)
class SearchConfig:
    """How the search spends its budget."""

    playouts: int = 1000
    """Simulations per move (ignored when `seconds` is set)."""
    seconds: float | None = None
    """CPU seconds per move (this thread's `time.thread_time`, so load on the machine does not
    change the strength); overrides `playouts`."""
    rule: str = "uct"
    """``uct`` (UCB1 + RAVE over light playouts, pure Python), ``rave`` (the compiled engine of
    `deepdojo.go.fastsearch`: RAVE with priors over heavy playouts) or ``puct`` (priors and values
    from an evaluator)."""
    c_uct: float = 0.2
    """Exploration constant of UCB1."""
    rave_k: float = 600.0
    """RAVE equivalence: at this many visits the node's own and the AMAF estimates weigh the same
    (``rule="rave"`` is tuned at 3500, michi's value)."""
    c_puct: float = 1.5
    """Exploration constant of PUCT."""
    batch_size: int = 8
    """Leaves evaluated together under PUCT."""
    prior_even: float = 10.0
    """Virtual visits at 50% every new UCT child starts with."""
    prior_tactic: float = 20.0
    """Extra virtual wins for captures and atari escapes (and half as many losses for edge moves)."""
    expand_after: int = 2
    """A leaf is expanded once it has this many visits (UCT)."""
    resign_threshold: float = 0.08
    """Resign when the best move's win rate is below this (0 disables)."""
    reuse_tree: bool = True
    """Keep the subtree of the moves played between searches."""


def make_search(config: SearchConfig = SearchConfig(), evaluator: Evaluator | None = None, seed: int = 0):
    """The search for ``config.rule``: `MCTS` (``uct``, ``puct``) or the compiled `RaveSearch` (``rave``)."""
    if config.rule == "rave":
        from deepdojo.go.fastsearch import RaveSearch   # imports numba: only when asked for

        return RaveSearch(config, seed=seed)
    return MCTS(config, evaluator, seed)


class Node:
    __slots__ = ("move", "color", "parent", "children", "n", "w", "an", "aw", "prior")

    def __init__(self, move: int, color: int, parent: "Node | None", prior: float = 0.0):
        self.move, self.color, self.parent, self.prior = move, color, parent, prior
        self.children: list[Node] | None = None
        self.n = self.w = self.an = self.aw = 0.0

    @property
    def q(self) -> float:
        return self.w / self.n if self.n else 0.5


class MCTS:
    """A search tree over one game; call `search(board)` for each move of the game.

    Args:
        config: the budget and the selection rule.
        evaluator: priors and values for ``rule="puct"`` (default: `RolloutEvaluator`).
        seed: seeds the playouts.
    """

    def __init__(self, config: SearchConfig = SearchConfig(), evaluator: Evaluator | None = None, seed: int = 0):
        if config.rule not in ("uct", "puct"):
            raise ValueError(f"MCTS runs rule 'uct' or 'puct' ('rave': use make_search), got {config.rule!r}")
        self.config, self.rng = config, random.Random(seed)
        self.evaluator = evaluator or RolloutEvaluator(seed=seed)
        self.root: Node | None = None
        self.root_moves: list[tuple[int, int]] = []
        self.last_playouts = 0

    # -- public --------------------------------------------------------------------------------
    def search(self, board: Board) -> int:
        """Search from `board` and return the move to play: a point, PASS or RESIGN."""
        self._set_root(board)
        if self.root.children is None and not board.game_over and self.config.rule == "uct":
            self.root.children = self._children(board)
            for c in self.root.children:
                c.parent = self.root
        cfg, start, n = self.config, time.thread_time(), 0   # CPU time: see SearchConfig.seconds
        deadline = start + cfg.seconds if cfg.seconds else None
        while (n < cfg.playouts) if deadline is None else (time.thread_time() < deadline or n == 0):
            n += self._iterate_uct(board) if cfg.rule == "uct" else self._iterate_puct(board)
        self.last_playouts = n
        return self._choose()

    def advance(self, board: Board) -> None:
        """Re-root the tree at `board` if it continues the searched game (tree reuse)."""
        self._set_root(board)

    def root_stats(self) -> list[tuple[int, int, float]]:
        """``(move, visits, win rate)`` for the root's children, most visited first."""
        kids = self.root.children or [] if self.root else []
        return sorted(((c.move, int(c.n), c.q) for c in kids), key=lambda t: -t[1])

    # -- tree management -----------------------------------------------------------------------
    def _set_root(self, board: Board) -> None:
        moves, k = board.moves, len(self.root_moves)
        node = self.root
        if node is not None and self.config.reuse_tree and moves[:k] == self.root_moves and len(moves) >= k:
            for color, move in moves[k:]:
                node = next((c for c in node.children or [] if c.move == move and c.color == color), None)
                if node is None:
                    break
        else:
            node = None
        if node is None or node.color != opponent(board.to_play):  # e.g. genmove twice for one colour
            last = board.moves[-1] if board.moves else (opponent(board.to_play), PASS)
            node = Node(last[1], opponent(board.to_play), None)
        node.parent = None
        self.root, self.root_moves = node, list(moves)

    def _children(self, board: Board, priors: np.ndarray | None = None) -> list[Node]:
        """Legal moves (own true eyes left out), in random order so ties break fairly, and pass.

        Pass is offered only when the opponent just passed or few moves are left: random playouts
        value a lost tempo poorly, and an early pass lets the opponent end the game on the spot.
        """
        color = board.to_play
        moves = [p for p in board.legal_moves(color) if not board.is_eye(p, color)]
        if board.passes > 0 or len(moves) <= board.size:
            moves.append(PASS)
        self.rng.shuffle(moves)
        if priors is None:
            nodes = [Node(m, color, None) for m in moves]
            for nd in nodes:
                nd.n, nd.w = self._knowledge(board, nd.move, color)
            return nodes
        index = [self._prior_index(board, m) for m in moves]
        p = priors[index]
        p = p / p.sum() if p.sum() > 0 else np.full(len(moves), 1.0 / len(moves))
        return [Node(m, color, None, float(pm)) for m, pm in zip(moves, p)]

    def _knowledge(self, board: Board, move: int, color: int) -> tuple[float, float]:
        """Virtual (visits, wins) a new UCT child starts with: Go knowledge as prior experience.

        Every move starts even (``prior_even`` visits at 50%); captures and atari escapes get
        ``prior_tactic`` extra won visits, other first-line moves extra lost ones
        (cheap, and the rollouts cannot see these things in a few hundred playouts).
        """
        even, tactic = self.config.prior_even, self.config.prior_tactic
        n, w = even, even / 2
        if move == PASS:
            return n, w
        col, W, enemy = board.color, board.W, opponent(color)
        for q in (move - 1, move + 1, move - W, move + W):
            c = col[q]
            if c == enemy and board.in_atari(q):
                return n + tactic, w + tactic            # captures
            if c == color and board.in_atari(q):
                room = sum(col[x] == EMPTY for x in (move - 1, move + 1, move - W, move + W))
                if room >= 2:
                    return n + tactic, w + tactic        # escapes with room to breathe
        r, c = board.rowcol(move)
        line = min(r, c, board.size - 1 - r, board.size - 1 - c)
        if line == 0:
            return n + tactic / 2, w                     # the edge: rarely right, often a wasted tempo
        if line == 2:
            return n + tactic / 4, w + tactic / 4        # the third line: good shape in the opening
        return n, w

    @staticmethod
    def _prior_index(board: Board, move: int) -> int:
        if move == PASS:
            return board.size * board.size
        r, c = board.rowcol(move)
        return r * board.size + c

    # -- UCT + RAVE ----------------------------------------------------------------------------
    def _iterate_uct(self, root_board: Board) -> int:
        node, board = self.root, root_board.copy()
        path = [node]
        while node.children:
            node = self._select_uct(node)
            board.play(node.move, node.color)
            path.append(node)
        if node.children is None and node.n + 1 >= self.config.expand_after and not board.game_over:
            node.children = self._children(board)
            for c in node.children:
                c.parent = node
            node = self._select_uct(node)
            board.play(node.move, node.color)
            path.append(node)
        amaf: dict[int, int] = {}
        score = board.score() if board.game_over else playout(board, self.rng, amaf=amaf)
        black_won = score > 0
        for nd in reversed(path[1:]):  # tree moves precede the playout's: the earliest wins
            if nd.move != PASS:
                amaf[nd.move] = nd.color
        for nd in path:
            nd.n += 1
            nd.w += (nd.color == BLACK) == black_won
            for c in nd.children or ():
                if amaf.get(c.move) == c.color:
                    c.an += 1
                    c.aw += (c.color == BLACK) == black_won
        return 1

    def _select_uct(self, node: Node) -> Node:
        k, c_uct = self.config.rave_k, self.config.c_uct
        log_n = math.log(node.n + 1)
        best, best_v = None, -1.0
        for c in node.children:
            if c.n == 0 and c.an == 0:
                v = 1.0 + c_uct  # unseen moves first
            else:
                beta = c.an / (c.an + c.n + c.an * c.n / k) if c.an else 0.0
                amaf_q = c.aw / c.an if c.an else 0.0
                v = (1 - beta) * c.q + beta * amaf_q + c_uct * math.sqrt(log_n / (c.n + 1))
            if v > best_v:
                best, best_v = c, v
        return best

    # -- PUCT ----------------------------------------------------------------------------------
    def _iterate_puct(self, root_board: Board) -> int:
        leaves = []  # (path, board) waiting for the evaluator
        for _ in range(self.config.batch_size):
            node, board = self.root, root_board.copy()
            path = [node]
            while node.children:
                node = self._select_puct(node)
                board.play(node.move, node.color)
                path.append(node)
            for nd in path:  # virtual loss keeps the rest of the batch off this path
                nd.n += 1
            if board.game_over:
                self._backup(path, (board.score() > 0) == (board.to_play == BLACK), virtual=True)
            elif any(leaf_path[-1] is node for leaf_path, _ in leaves):
                self._undo_virtual(path)
                break
            else:
                leaves.append((path, board))
        if leaves:
            priors, values = self.evaluator([b for _, b in leaves])
            for (path, board), pri, v in zip(leaves, priors, values):
                leaf = path[-1]
                if leaf.children is None:
                    leaf.children = self._children(board, np.asarray(pri, dtype=np.float64))
                    for c in leaf.children:
                        c.parent = leaf
                self._backup(path, float(v), virtual=True)
        return max(1, len(leaves))

    def _select_puct(self, node: Node) -> Node:
        sqrt_n = math.sqrt(max(node.n, 1))
        c = self.config.c_puct
        return max(node.children, key=lambda ch: (ch.q if ch.n else 0.0) + c * ch.prior * sqrt_n / (1 + ch.n))

    @staticmethod
    def _undo_virtual(path: list[Node]) -> None:
        for nd in path:
            nd.n -= 1

    @staticmethod
    def _backup(path: list[Node], value_to_move: float, virtual: bool) -> None:
        """Add a leaf value (for the side to move at the leaf) along the path."""
        v = 1.0 - value_to_move   # the leaf node's own player made the move into it
        for nd in reversed(path):
            if not virtual:
                nd.n += 1
            nd.w += v
            v = 1.0 - v

    # -- decision ------------------------------------------------------------------------------
    def _choose(self) -> int:
        kids = self.root.children
        if not kids:
            return PASS
        best = max(kids, key=lambda c: (c.n, c.q))
        if self.config.resign_threshold > 0 and best.n >= 50 and best.q < self.config.resign_threshold:
            return RESIGN
        return best.move
