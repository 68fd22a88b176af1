"""Plots of reinforcement-learning runs: returns per episode, the lab's MEAR/RGR panels, GIFs."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from deepdojo.report.plots import _save, plt


def moving_average(values: Sequence[float], window: int) -> np.ndarray:
    """Trailing mean over the last `window` values (fewer at the start), same length as `values`."""
    v = np.asarray(values, dtype=np.float64)
    if len(v) == 0:
        return v
    c = np.cumsum(np.r_[0.0, v])
    idx = np.arange(1, len(v) + 1)
    lo = np.maximum(0, idx - window)
    return (c[idx] - c[lo]) / (idx - lo)


def plot_returns(returns: dict[str, Sequence[float]] | Sequence[float], path: str | Path, *, window: int = 100,
                 solve: float | None = None, title: str = "", ylabel: str = "return", xlabel: str = "episode",
                 every: int = 1) -> Path:
    """Return per episode (faint), its moving average (bold) and the solve line.

    Args:
        returns: one sequence, or several named ones (e.g. one per seed).
        window: moving-average window in episodes.
        solve: draw a dashed horizontal line at this return.
        every: plot only every `every`-th raw point (the lab's "one point every 100 episodes").
    """
    series = returns if isinstance(returns, dict) else {"": returns}
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for i, (name, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=np.float64)
        x = np.arange(1, len(values) + 1)
        color = f"C{i % 10}"
        if len(series) == 1:
            ax.plot(x[::every], values[::every], ".", color=color, alpha=0.35, ms=3, label="episode")
        ax.plot(x, moving_average(values, window), "-", color=color, lw=1.8,
                label=f"{name} mean of last {window}".strip())
    if solve is not None:
        ax.axhline(solve, color="k", ls="--", lw=1, label=f"solved ({solve:g})")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend(fontsize=8)
    return _save(fig, path)


def plot_check_panels(checks: Sequence[float], top: dict[str, Sequence[float]], bottom: dict[str, Sequence[float]],
                      path: str | Path, *, top_label: str = "MEAR", bottom_label: str = "RGR %", title: str = "",
                      xlabel: str = "episodes / 1000") -> Path:
    """The lab's two-panel figure: a metric per check on top (MEAR), another below (RGR %), one line per run."""
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    for name, values in top.items():
        a1.plot(checks, values, "o-", label=name)
    for name, values in bottom.items():
        a2.plot(checks, values, "o-", label=name)
    a1.set(ylabel=top_label, title=title)
    a2.set(ylabel=bottom_label, xlabel=xlabel)
    if len(top) > 1:
        a1.legend(fontsize=7)
    return _save(fig, path)


def save_gif(frames: Sequence[np.ndarray], path: str | Path, fps: int = 30) -> Path:
    """Write ``(H, W, 3)`` uint8 frames as an animated GIF (Pillow)."""
    from PIL import Image

    if not frames:
        raise ValueError("save_gif needs at least one frame")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    images = [Image.fromarray(np.asarray(f, dtype=np.uint8)) for f in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=max(1, round(1000 / fps)), loop=0)
    return path
