"""Go boards drawn with matplotlib: a wooden board, grid, star points, stones, last-move marker."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from deepdojo.report.plots import _save  # noqa: E402

from deepdojo.go.coords import COLUMNS  # noqa: E402
_STARS = {9: (2, 4, 6), 13: (3, 6, 9), 19: (3, 9, 15)}


def draw_board(ax, board: np.ndarray, *, last: tuple[int, int] | None = None, title: str = "",
               labels: bool = True) -> None:
    """Draw one position on `ax`.

    Args:
        ax: a matplotlib Axes.
        board: ``(size, size)`` array, row 0 = the top row; 0 empty, 1 black, 2 white
            (as `Board.to_array` gives).
        last: ``(row, col)`` of the last move in the same orientation, marked with a red dot.
        title: text above the board.
        labels: draw GTP coordinates (A-T without I, 1 at the bottom).
    """
    board = np.asarray(board)
    if board.ndim != 2 or board.shape[0] != board.shape[1]:
        raise ValueError(f"board must be a square 2-D array, got shape {board.shape}")
    n = board.shape[0]
    ax.set_facecolor("#dcb35c")
    for i in range(n):
        ax.plot([0, n - 1], [i, i], color="black", lw=0.7, zorder=1)
        ax.plot([i, i], [0, n - 1], color="black", lw=0.7, zorder=1)
    stars = _STARS.get(n, (n // 2,) if n % 2 else ())
    for r in stars:
        for c in stars:
            ax.plot(c, r, "o", color="black", ms=3, zorder=2)
    ys, xs = np.nonzero(board)                     # (K,) rows from the top, columns
    for y, x in zip(ys, xs):
        black = board[y, x] == 1
        ax.add_patch(plt.Circle((x, n - 1 - y), 0.46, facecolor="black" if black else "white",
                                edgecolor="black", lw=0.8, zorder=3))
    if last is not None:
        ax.plot(last[1], n - 1 - last[0], "o", color="red", ms=4, zorder=4)
    ax.set_xlim(-0.7, n - 0.3)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_aspect("equal")
    if labels:
        ax.set_xticks(range(n), list(COLUMNS[:n]), fontsize=6)
        ax.set_yticks(range(n), [str(i + 1) for i in range(n)], fontsize=6)
        ax.tick_params(length=0)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title, fontsize=8)


def plot_board(board: np.ndarray, path: str | Path, *, last=None, title: str = "") -> Path:
    """One position as a PNG."""
    fig, ax = plt.subplots(figsize=(4, 4))
    draw_board(ax, board, last=last, title=title)
    return _save(fig, path)


def plot_board_sequence(boards: Sequence[np.ndarray], path: str | Path, *, titles: Sequence[str] | None = None,
                        lasts: Sequence[tuple[int, int] | None] | None = None, ncols: int = 4, title: str = "") -> Path:
    """Several positions of a game in a grid (e.g. every 10th move), as one PNG.

    Args:
        boards: arrays as for `draw_board`.
        titles: one caption per board ("move 20").
        lasts: the last move of each board, or None.
    """
    k = len(boards)
    if k == 0:
        raise ValueError("plot_board_sequence needs at least one board")
    ncols = max(1, min(ncols, k))
    nrows = (k + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(3 * ncols, 3.1 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= k:
            ax.axis("off")
            continue
        draw_board(ax, boards[i], last=lasts[i] if lasts else None, title=titles[i] if titles else "",
                   labels=False)
    if title:
        fig.suptitle(title)
    return _save(fig, path)
