"""``deepdojo predict NAME ...``: answer with a trained recipe's saved model (the course's "risk calculator")."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

PREDICTORS = ("insurance-risk",)


def predict_command(
    name: str = typer.Argument(..., help="Recipe whose saved model answers: insurance-risk."),
    speed: Optional[float] = typer.Option(None, "--speed", help="insurance-risk: top speed driven, mph."),
    age: Optional[float] = typer.Option(None, "--age", help="insurance-risk: driver's age, years."),
    miles: Optional[float] = typer.Option(None, "--miles", help="insurance-risk: miles per year, thousands."),
    run: Optional[Path] = typer.Option(None, "--run", help="A run directory (default: the latest run of NAME)."),
    runs: Path = typer.Option(Path("runs"), "--runs", help="Folder holding the run directories."),
):
    """Predict with the saved model of a recipe's latest run, e.g. `deepdojo predict insurance-risk --speed 100 --age 47 --miles 10`."""
    err = Console(stderr=True, highlight=False)

    def fail(message: str) -> None:
        err.print(f"[bold red]error:[/] {message}")
        raise typer.Exit(2)

    if name not in PREDICTORS:
        fail(f"no predictor for {name!r}; recipes with one: {', '.join(PREDICTORS)}")
    missing = [flag for flag, v in (("--speed", speed), ("--age", age), ("--miles", miles)) if v is None]
    if missing:
        fail(f"insurance-risk needs {', '.join(missing)} (e.g. --speed 100 --age 47 --miles 10)")
    from deepdojo.recipes.insurance import latest_run, predict_risk

    try:
        run_dir = run or latest_run(runs)
        probs = predict_risk(run_dir, speed, age, miles)
    except (FileNotFoundError, ValueError, KeyError) as e:
        fail(str(e))
    table = Table(title=f"risk group for speed {speed:g} mph, age {age:g}, {miles:g}k miles/year")
    table.add_column("group")
    table.add_column("probability", justify="right")
    best = max(probs, key=probs.get)
    for group, p in probs.items():
        table.add_row(f"[bold]{group}[/]" if group == best else group, f"{p:.3f}")
    console = Console(highlight=False)
    console.print(table)
    console.print(f"predicted: [bold]{best}[/]  (model: {run_dir})")
