"""Helpers the RL recipes share: a quiet-when-piped progress bar, return plots, summary numbers."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from deepdojo.recipes.context import RunContext
from deepdojo.report.rl_plots import plot_returns


@contextmanager
def progress_bar(ctx: RunContext, total: int, description: str) -> Iterator:
    """Yield ``update(done)``: a rich progress bar on a terminal, nothing when piped or quiet."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    enabled = ctx.verbose and ctx.is_main and ctx.console.is_terminal
    bar = Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=ctx.console, disable=not enabled, transient=True)
    with bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.update(task, completed=min(done, total))


def plot_episode_returns(ctx: RunContext, returns, name: str, *, solve: float | None, window: int = 100,
                         title: str = "", **kwargs) -> None:
    """Return per episode with its moving average and solve line → ``plots/<name>.png``."""
    plot_returns(returns, ctx.plot_path(name), window=window, solve=solve, title=title or name, **kwargs)

