"""Random playouts per second on 9×9 and 19×19: deepdojo's boards vs PettingZoo's Go (minigo's go_base).

The light policy, the same on every side: a uniformly random legal move that does not fill the
player's own eye, pass when there is none, the game ends on two passes. Ours twice: the pure-Python
`Board` (`deepdojo.go.playout`, with its capture/escape answer) and the numba-compiled board
(`deepdojo.go.fastboard`, ``heavy=False``); plus the compiled heavy policy that the engine plays
(captures, escapes, 3×3 patterns, self-atari rejection), for scale. Repeats are interleaved
(ours, theirs, ours, ...) so that load from other processes on a shared machine hits both alike;
medians and their ratio are printed. Also legal-move generation per call on a mid-game position.

    python benchmarks/go_speed.py [--seconds 3] [--repeats 3]     # needs: pip install pettingzoo
"""
from __future__ import annotations

import argparse
import random
import statistics
import time

import numpy as np

from deepdojo.go.board import Board
from deepdojo.go.playout import playout, random_move


def ours_playouts(size: int, seconds: float, rng: random.Random) -> tuple[float, float]:
    """(playouts/s, moves/s) of our light playouts from the empty board."""
    board = Board(size, 7.5)
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        playout(board, rng)
        n += 1
    elapsed = time.perf_counter() - start
    return n / elapsed, _ours_moves_per_s(size, rng, seconds / 3)


def _ours_moves_per_s(size: int, rng: random.Random, seconds: float) -> float:
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        b = Board(size, 7.5, superko=False)
        while b.passes < 2 and len(b.moves) < 3 * size * size:
            p = random_move(b, rng)
            b._play_unchecked(p, b.to_play)
            b.moves.append(p)
        n += len(b.moves)
    return n / (time.perf_counter() - start)


def compiled_playouts(size: int, seconds: float, heavy: bool) -> float:
    """Playouts/s of the numba board (`deepdojo.go.fastboard`) from the empty board."""
    from deepdojo.go import fastboard as fb

    root = fb.from_board(Board(size, 7.5))
    B, amaf, out, pat = root.copy(), np.zeros(root.shape[1], np.int64), np.zeros(64, np.int64), fb.pattern_table()
    fb.seed(0)
    fb.playout(B, 7.5, amaf, pat, out, heavy)   # compile (or load from the cache) off the clock
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        B[:] = root
        fb.playout(B, 7.5, amaf, pat, out, heavy)
        n += 1
    return n / (time.perf_counter() - start)


def pz_setup(size: int):
    """Create PettingZoo's Go env once so that its module-level board size is `size`."""
    from pettingzoo.classic import go_v5
    from pettingzoo.classic.go import go_base

    go_v5.env(board_size=size, komi=7.5).reset(seed=0)
    return go_base


def pz_playouts(size: int, seconds: float, rng: np.random.Generator) -> tuple[float, float]:
    go = pz_setup(size)
    n = moves = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        pos = go.Position(komi=7.5)
        while not pos.is_game_over() and pos.n < 3 * size * size:
            legal = np.flatnonzero(pos.all_legal_moves()[:-1])
            rng.shuffle(legal)
            move = None
            for flat in legal:
                c = (int(flat) // size, int(flat) % size)
                if go.is_eyeish(pos.board, c) != pos.to_play:
                    move = c
                    break
            pos = pos.play_move(move, mutate=True)
            moves += 1
        pos.score()
        n += 1
    elapsed = time.perf_counter() - start
    return n / elapsed, moves / elapsed


def legal_move_speed(size: int, seconds: float) -> tuple[float, float]:
    """Calls/s of full legal-move generation (superko included for ours) on a mid-game position."""
    rng = random.Random(1)
    b = Board(size, 7.5)
    for _ in range(size * size // 2):
        b.play(random_move(b, rng))
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        b.legal_moves()
        n += 1
    ours = n / (time.perf_counter() - start)
    go = pz_setup(size)
    pos = go.Position(komi=7.5)
    for color, p in b.moves:
        pos = pos.play_move(None if p == -1 else (size - 1 - b.rowcol(p)[0], b.rowcol(p)[1]), mutate=True)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        pos.all_legal_moves()
        n += 1
    return ours, n / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="seconds per measurement")
    ap.add_argument("--repeats", type=int, default=3, help="interleaved repeats (medians reported)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[9, 19])
    args = ap.parse_args()
    try:
        import pettingzoo  # noqa: F401
    except ImportError:
        raise SystemExit("PettingZoo is needed for the comparison: pip install pettingzoo")
    print(f"# go_speed: {args.repeats} interleaved repeats of {args.seconds:g} s, medians")
    print("| board | ours Python playouts/s | ours numba playouts/s | PettingZoo playouts/s | numba / PettingZoo "
          "| Python / PettingZoo | ours numba heavy playouts/s | ours Python moves/s | PettingZoo moves/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        rows = []
        for r in range(args.repeats):
            py = ours_playouts(size, args.seconds, random.Random(r))
            light, heavy = compiled_playouts(size, args.seconds, False), compiled_playouts(size, args.seconds, True)
            pz = pz_playouts(size, args.seconds, np.random.default_rng(r))
            rows.append((py[0], light, pz[0], heavy, py[1], pz[1]))
        py, light, pz, heavy, pym, pzm = (statistics.median(x[i] for x in rows) for i in range(6))
        print(f"| {size}x{size} | {py:.0f} | {light:.0f} | {pz:.1f} | {light / pz:.0f}x | {py / pz:.1f}x | {heavy:.0f} "
              f"| {pym:.0f} | {pzm:.0f} |", flush=True)
    print("\n| board | ours legal_moves() calls/s | PettingZoo all_legal_moves() calls/s | ratio |")
    print("|---|---|---|---|")
    for size in args.sizes:
        runs = [legal_move_speed(size, args.seconds / 3) for _ in range(args.repeats)]
        o, t = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"| {size}x{size} | {o:.0f} | {t:.0f} | {o / t:.1f}x |", flush=True)


if __name__ == "__main__":
    main()
