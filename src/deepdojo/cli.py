"""The ``deepdojo`` command line: list | run | show | report (plus data, predict, gtp, arena)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="deepdojo: the classic deep-learning curriculum as runnable, tested recipes.\n\n"
    "Start with `deepdojo list`, then `deepdojo run digits-convnet`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # no wrapping: paths stay copyable


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error and exit (no traceback for user errors)."""
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@app.command("list")
def list_recipes(search: Optional[str] = typer.Option(None, "--search", "-s", help="Only recipes whose name, source or description contains WORD.")):
    """Show the catalogue: name, source, description and published anchors."""
    from deepdojo.recipes.registry import load_all

    recipes = sorted(load_all().values(), key=lambda r: r.name)
    if search:
        word = search.lower()
        recipes = [r for r in recipes if word in f"{r.name} {r.source} {r.description}".lower()]
    table = Table(title=f"deepdojo recipes ({len(recipes)})", show_lines=False)
    for col in ("name", "source", "description", "anchors"):
        table.add_column(col, overflow="fold")
    for r in recipes:
        anchors = ", ".join(f"{a.metric} {a.value:g}" for a in r.anchors) or "-"
        table.add_row(r.name, r.source, r.description, anchors)
    console.print(table)


@app.command("run")
def run(
    name: str = typer.Argument(..., help="Recipe name (see `deepdojo list`)."),
    quick: bool = typer.Option(False, "--quick", help="Smoke test: tiny data, one epoch, seconds."),
    seed: int = typer.Option(0, "--seed", help="Seeds Python, NumPy and torch."),
    epochs: Optional[int] = typer.Option(None, "--epochs", help="Shorthand for --set epochs=N."),
    set_: List[str] = typer.Option([], "--set", help="Override a Config field: --set key=value (repeatable; type-checked)."),
    device: str = typer.Option("auto", "--device", help="auto (CUDA, then MPS, then CPU), cpu, cuda, cuda:N, mps."),
    out: Path = typer.Option(Path("runs"), "--out", help="Parent folder of the run directories."),
    resume: Optional[Path] = typer.Option(None, "--resume", help="Continue an interrupted run from its directory."),
    deterministic: bool = typer.Option(False, "--deterministic", help="Use deterministic kernels (slower on GPU)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or tables."),
):
    """Run a recipe: train, evaluate, plot, and compare with the published numbers."""
    from deepdojo.data.cache import DataError
    from deepdojo.recipes.registry import ConfigError, get_recipe, parse_overrides
    from deepdojo.recipes.runner import run_recipe

    try:
        recipe = get_recipe(name)
        pairs = list(set_) + ([f"epochs={epochs}"] if epochs is not None else [])
        overrides = parse_overrides(recipe, pairs)
        if resume is not None and overrides:
            fail("--resume continues a run with its saved config; drop --set/--epochs")
        if resume is not None and not (resume / "config.json").exists():
            fail(f"--resume {resume}: no config.json there - pass a run directory such as runs/{name}/<stamp>-s0")
        run_dir, results = run_recipe(name, quick=quick, seed=seed, overrides=overrides, device=device, out=out,
                                      resume=resume, deterministic=deterministic, verbose=not quiet)
    except (ConfigError, ValueError, FileNotFoundError, DataError) as e:
        if isinstance(e, ConfigError) or _is_user_error(e):
            fail(str(e))
        raise
    from deepdojo.engine import runtime

    if runtime.is_main():
        _print_results(results)
        console.print(f"\nreport: {run_dir / 'report.md'}")


def _is_user_error(e: Exception) -> bool:
    """Errors raised deliberately with guidance (data missing, bad device) rather than bugs."""
    return getattr(e, "user_error", False) or "--" in str(e) or "DEEPDOJO_" in str(e)


@app.command("show")
def show(run_dir: Path = typer.Argument(..., help="A run directory (runs/<recipe>/<stamp>-s<seed>).")):
    """Print a finished run's results beside the published numbers."""
    from deepdojo.report.rundir import read_json

    try:
        results = read_json(run_dir / "results.json")
    except (FileNotFoundError, ValueError) as e:
        fail(str(e))
    _print_results(results)
    plots = sorted((run_dir / "plots").glob("*.png"))
    if plots:
        console.print("plots: " + ", ".join(str(p) for p in plots))


def _print_results(results: dict) -> None:
    from deepdojo.report.markdown import anchor_rows

    mode = " (quick mode: a smoke test, not a result)" if results.get("quick") else ""
    console.print(f"[bold]{results['recipe']}[/] seed {results['seed']}{mode} - {results['wall_time_s']:.1f} s on {results['device']}")
    rows = anchor_rows(results)
    if rows:
        table = Table(title="published vs ours")
        for col in ("metric", "published", "ours", "met", "source"):
            table.add_column(col)
        for r in rows:
            table.add_row(*r)
        console.print(table)
    table = Table(title="final metrics")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in results.get("metrics", {}).items():
        table.add_row(k, "-" if v is None else f"{v:.6g}")
    console.print(table)
    for w in results.get("warnings", []):
        console.print(f"[yellow]warning:[/] {w}")


@app.command("report")
def report(runs_dir: Path = typer.Argument(Path("runs"), help="Folder holding the run directories.")):
    """Write RUNS_DIR/index.html: every run, its numbers beside the anchors, its plots."""
    from deepdojo.report.html import write_index

    if not runs_dir.is_dir():
        fail(f"{runs_dir} is not a folder - run a recipe first (deepdojo run digits-convnet)")
    path, n = write_index(runs_dir)
    console.print(f"{n} runs -> {path}")


from deepdojo.data.cli import app as data_app  # noqa: E402 - light: heavy imports live inside its commands

app.add_typer(data_app, name="data")


from deepdojo.go.cli import arena_command, gtp_command  # noqa: E402  (Go commands live with the engine)

app.command("gtp")(gtp_command)
app.command("arena")(arena_command)


from deepdojo.recipes._predict import predict_command  # noqa: E402  (implemented beside the recipes it serves)

app.command("predict")(predict_command)


@app.command("play")
def play(
    run_dir: Path = typer.Argument(..., help="Directory of a finished RL run (runs/<recipe>/<stamp>-s<seed>)."),
    episodes: int = typer.Option(10, "--episodes", "-n", help="Episodes to play."),
    seed: int = typer.Option(10_000, "--seed", help="Episode i uses env seed SEED + i."),
):
    """Replay an RL run's saved agent greedily and report its returns."""
    from deepdojo.rl.agent import play as play_agent

    if episodes < 1:
        fail("--episodes must be at least 1")
    try:
        returns = play_agent(run_dir, episodes, seed)
    except (FileNotFoundError, ValueError) as e:
        fail(str(e))
    table = Table(title=f"{run_dir}: {episodes} episodes")
    table.add_column("episode")
    table.add_column("return", justify="right")
    for i, r in enumerate(returns):
        table.add_row(str(i + 1), f"{r:.4g}")
    console.print(table)
    console.print(f"mean return {returns.mean():.4g} (min {returns.min():.4g}, max {returns.max():.4g})")


def main() -> None:  # pragma: no cover - console entry for `python -m deepdojo`
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
