"""RunContext: what a recipe's ``run(cfg, ctx)`` gets from the runner.

It owns the run directory and hides the plumbing every recipe would otherwise repeat: the metrics
log, the standard callbacks (JSONL log, per-epoch checkpoint for ``--resume``, progress bar), the
training-curve plots, tables that go both to the terminal and to ``report.md``, and saving models
as safetensors. Only rank 0 writes anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from rich.console import Console
from rich.table import Table

from deepdojo.engine import runtime
from deepdojo.report.rundir import MetricsLogger


@dataclass
class RunContext:
    """Args:
        run_dir: this run's directory (exists; ``plots/`` inside it).
        device: the torch device to train on.
        seed: the run's seed (already applied with `seed_everything`).
        quick: smoke-test mode: tiny data, one epoch, seconds.
        resume: continue from the checkpoints found in `run_dir`.
        verbose: print progress bars and tables.
    """

    run_dir: Path
    device: torch.device
    seed: int = 0
    quick: bool = False
    resume: bool = False
    verbose: bool = True
    notes: list[str] = field(default_factory=list)
    extra_results: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        self.run_dir = Path(self.run_dir)
        self.is_main = runtime.is_main()
        self.logger = MetricsLogger(self.run_dir / "metrics.jsonl", enabled=self.is_main)
        self.console = Console(quiet=not (self.verbose and self.is_main), highlight=False)
        self.fit_calls = 0  # engine training phases run (only those checkpoint and resume)

    # -- files ---------------------------------------------------------------------------------
    def plot_path(self, name: str) -> Path:
        """Path of ``plots/<name>.png`` (the folder exists)."""
        path = self.run_dir / "plots" / (name if name.endswith(".png") else f"{name}.png")
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def path(self, name: str) -> Path:
        """A file inside the run directory (parents created)."""
        path = self.run_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def checkpoint_dir(self, tag: str = "model") -> Path:
        return self.run_dir / "checkpoints" / tag

    def save_model(self, model: torch.nn.Module, name: str = "model") -> Path | None:
        """Save the weights as ``<name>.safetensors`` in the run directory (rank 0 only)."""
        from deepdojo.engine.checkpoint import save_weights

        if not self.is_main:
            return None
        path = self.run_dir / f"{name}.safetensors"
        save_weights(model, path)
        return path

    # -- logging -------------------------------------------------------------------------------
    def log(self, metrics: dict[str, Any], **tags: Any) -> None:
        """Append one row to ``metrics.jsonl`` (e.g. ``ctx.log({"rollout/return": r}, step=t)``)."""
        self.logger.log(metrics, **tags)

    def print(self, *args: Any) -> None:
        self.console.print(*args)

    def note(self, text: str) -> None:
        """Add a paragraph (Markdown) to ``report.md`` and print it."""
        self.notes.append(text)
        self.console.print(text)

    def table(self, title: str, columns: list[str], rows: list[list[Any]]) -> None:
        """Print a table and add it to ``report.md`` as Markdown."""
        table = Table(title=title)
        for col in columns:
            table.add_column(str(col))
        cells = [[_fmt(v) for v in row] for row in rows]
        for row in cells:
            table.add_row(*row)
        self.console.print(table)
        md = [f"**{title}**", "", "| " + " | ".join(map(str, columns)) + " |", "|" + "---|" * len(columns)]
        md += ["| " + " | ".join(row) + " |" for row in cells]
        self.notes.append("\n".join(md))

    def summary(self, model: torch.nn.Module, example, **kwargs) -> None:
        """Print the Keras-style model summary and add it to ``report.md`` (see `deepdojo.engine.summary`)."""
        from deepdojo.engine.summary import summary

        table = str(summary(model, example, **kwargs))
        self.console.print(table, markup=False)
        self.notes.append(f"```\n{table}\n```")

    # -- supervised training -------------------------------------------------------------------
    def fit(self, model: torch.nn.Module, train, *, tag: str = "model", plot: bool = True, callbacks=(), **kwargs):
        """`deepdojo.engine.fit` with the run's standard callbacks, checkpoints and curve plot.

        Args:
            model, train, **kwargs: as for `deepdojo.engine.fit`.
            tag: names this training phase in ``metrics.jsonl``, ``checkpoints/<tag>/`` and
                ``plots/<tag>_curves.png`` (a recipe that trains several models uses several tags).
            plot: draw the training curves when done.
            callbacks: extra callbacks, run after the standard ones.

        Returns:
            The `History`.
        """
        from deepdojo.engine import callbacks as cb
        from deepdojo.engine.trainer import fit
        from deepdojo.report.plots import plot_history

        self.fit_calls += 1
        standard = [cb.JSONLLogger(self.logger.path, tags={"phase": tag})] if self.is_main else []
        standard.append(cb.TerminateOnNaN())
        kwargs.setdefault("verbose", self.verbose)
        kwargs.setdefault("device", self.device)
        history = fit(
            model, train, callbacks=[*standard, *callbacks],
            checkpoint_dir=self.checkpoint_dir(tag), resume=self.resume, **kwargs,
        )
        if plot and self.is_main and history.history:
            plot_history(history.history, self.plot_path(f"{tag}_curves"), title=tag)
        return history


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
