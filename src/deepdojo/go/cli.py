"""``deepdojo gtp`` (our engine over GTP on stdin/stdout) and ``deepdojo arena`` (matches, round robins).

To play the engine in Sabaki or GoGui, add an engine with the command ``deepdojo`` and the
arguments ``gtp --seconds 2`` (or ``python -m deepdojo gtp --playouts 3000``). To measure it:
``deepdojo arena mcts:1000 gnugo:1 --games 50 --sgf-dir games/``.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import List, Optional

import typer


def gtp_command(
    engine: str = typer.Option("mcts", "--engine", help="mcts (compiled RAVE with heavy playouts), uct (pure-Python UCT+RAVE), puct, or random."),
    playouts: int = typer.Option(1000, "--playouts", help="Simulations per move."),
    seconds: Optional[float] = typer.Option(None, "--seconds", help="CPU seconds per move (overrides --playouts)."),
    size: int = typer.Option(9, "--size", help="Initial board size (the controller may send boardsize)."),
    komi: float = typer.Option(7.0, "--komi", help="Initial komi."),
    seed: int = typer.Option(0, "--seed", help="Seeds the playouts."),
):
    """Speak GTP v2 on stdin/stdout (for GoGui, Sabaki, gnugo's twogtp, or `deepdojo arena`)."""
    from deepdojo.go.gtp import GtpEngine, make_player

    try:
        player = make_player(engine, playouts=playouts, seconds=seconds, seed=seed)
        gtp = GtpEngine(player, size=size, komi=komi)
    except ValueError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    gtp.serve(sys.stdin, sys.stdout)


def engine_spec(spec: str, seed: int = 0) -> tuple[str, list[str]]:
    """``gnugo[:LEVEL]``, ``mcts[:PLAYOUTS]``, ``puct[:PLAYOUTS]``, ``random`` or ``NAME=COMMAND LINE`` → (name, argv)."""
    import shlex

    from deepdojo.go.arena import gnugo_command, own_engine_command

    if "=" in spec:
        name, cmd = spec.split("=", 1)
        return name, shlex.split(cmd)
    kind, _, arg = spec.partition(":")
    try:
        if kind == "gnugo":
            level = int(arg or 1)
            return f"gnugo-l{level}", gnugo_command(level)
        if kind in ("mcts", "puct"):
            playouts = int(arg or 1000)
            return f"{kind}-{playouts}", own_engine_command(kind, playouts, seed=seed)
        if kind == "random":
            return "random", own_engine_command("random", seed=seed)
    except ValueError:
        pass
    raise typer.BadParameter(f"engine {spec!r}: use gnugo[:LEVEL], mcts[:PLAYOUTS], puct[:PLAYOUTS], random or NAME='command line'")


def arena_command(
    engines: List[str] = typer.Argument(..., help="Two or more engines: gnugo:1, mcts:1000, random, or NAME='command'."),
    games: int = typer.Option(10, "--games", "-n", help="Games per pairing (colours alternate)."),
    size: int = typer.Option(9, "--size"),
    komi: float = typer.Option(7.0, "--komi"),
    sgf_dir: Optional[Path] = typer.Option(None, "--sgf-dir", help="Save every game as SGF here."),
    seed: int = typer.Option(0, "--seed"),
):
    """Play GTP engines against each other: wins, win rate with 95% interval, Elo; a cross table for 3+."""
    from rich.console import Console
    from rich.table import Table

    from deepdojo.go.arena import GtpClient, match, round_robin
    from deepdojo.go.gtp import GtpError

    console = Console(highlight=False)
    if len(engines) < 2:
        raise typer.BadParameter("arena needs at least two engines")
    try:
        specs = dict(engine_spec(s, seed) for s in engines)
        if len(specs) < len(engines):
            raise typer.BadParameter("two engines have the same name; use NAME='command' to tell them apart")
        if len(specs) == 2:
            (na, ca), (nb, cb) = specs.items()
            with GtpClient(ca, name=na) as a, GtpClient(cb, name=nb) as b:
                def show(i, g):
                    console.print(f"game {i + 1}/{games}: B {g.black} - W {g.white}: {g.result} ({g.moves} moves)")
                m = match(a, b, games, size, komi, sgf_dir, on_game=show)
            s = m.summary()
            console.print(f"{na} vs {nb}: {s['wins']:g}/{games} = {s['win_rate']:.1%} "
                          f"(95% CI {s['win_rate_lo']:.1%}-{s['win_rate_hi']:.1%}), Elo {_elo(s['elo'])} "
                          f"[{_elo(s['elo_lo'])}, {_elo(s['elo_hi'])}]")
        else:
            names, table, _ = round_robin(specs, games, size, komi, sgf_dir)
            t = Table(title=f"round robin, {games} games per pairing (row's win rate against column)")
            t.add_column("engine")
            for n in names:
                t.add_column(n, justify="right")
            t.add_column("mean", justify="right")
            for n, row in zip(names, table):
                vals = [v for v in row if v is not None]
                t.add_row(n, *("-" if v is None else f"{v:.0%}" for v in row), f"{sum(vals) / len(vals):.0%}")
            console.print(t)
    except GtpError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)


def _elo(x: float) -> str:
    return "inf" if math.isinf(x) and x > 0 else "-inf" if math.isinf(x) else f"{x:+.0f}"
