"""Our Monte-Carlo engine (compiled RAVE, heavy playouts) against GNU Go 3.8 on 9×9 (komi 7): win rate, Elo.

Cazenave's course ends with Go engines meeting in tournaments at 2 s of CPU per move; this recipe
measures the search those networks will plug into against a real opponent. The engine is
`deepdojo.go.fastsearch` (UCT with RAVE and prior knowledge over MoGo/michi-style heavy playouts,
compiled with numba); its budget is CPU time (`time.thread_time`), so the result does not depend on
how loaded the machine is. Our engine plays in
this process behind the same GTP engine that ``deepdojo gtp`` serves; GNU Go runs as a GTP
subprocess (``gnugo --mode gtp --level L``; install it with ``apt-get install gnugo``). Colours
alternate, every game is refereed by our board (positional superko, Tromp-Taylor area scoring,
forfeit on an illegal move) and saved as SGF in ``sgf/``; one game is drawn as a board sequence.

Quick mode plays two games against a random GTP player (no GNU Go needed) at a tiny budget: a
smoke test of the same code path, not a result.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.progress import Progress

from deepdojo.go.arena import GtpClient, LocalGtp, elo_difference, gnugo_command, match, own_engine_command
from deepdojo.go.gtp import GtpEngine, MctsPlayer, search_config
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.go_board import plot_board_sequence
from deepdojo.report.plots import plot_lines


@dataclass(frozen=True)
class MctsVsGnugoConfig:
    games: int = 50
    """Games in the match (colours alternate); the issue asks for at least 50."""
    size: int = 9
    """Board size."""
    komi: float = 7.0
    """Komi (area scoring)."""
    seconds: float = 2.0
    """CPU seconds of search per move (the course's tournament budget; the search thread's
    `time.thread_time`, not the wall clock); 0 uses `playouts` instead."""
    playouts: int = 1000
    """Playouts per move when `seconds` is 0 (a budget independent of the machine's speed)."""
    opponent: str = "gnugo"
    """``gnugo`` or ``random`` (a random GTP player, as in quick mode)."""
    gnugo_level: int = 1
    """GNU Go's --level (0-10; 1 is the issue's opponent)."""
    render_game: int = 0
    """Index of the game drawn as a board-image sequence."""
    frames: int = 8
    """Positions in that sequence."""


@recipe("go9-mcts-vs-gnugo", source="Cazenave, Deep Learning course: the Go project (tournaments)",
        config=MctsVsGnugoConfig,
        anchors=[Anchor("match/win_rate", 0.5, "deepdojo issue 7 target vs GNU Go level 1 at 2 s/move (no published number)")],
        quick={"games": 2, "size": 7, "seconds": 0.0, "playouts": 16, "opponent": "random", "frames": 4})
def run(cfg: MctsVsGnugoConfig, ctx: RunContext) -> dict[str, float]:
    if ctx.quick and cfg.opponent == "random":
        ctx.note("Quick mode: our engine plays a **random GTP player**, not GNU Go (smoke test, not a result).")
    search = search_config("mcts", playouts=cfg.playouts, seconds=cfg.seconds or None)
    player = MctsPlayer(search, seed=ctx.seed)
    budget = f"{cfg.seconds:g} s/move" if cfg.seconds else f"{cfg.playouts} playouts/move"
    ours = LocalGtp(GtpEngine(player, size=cfg.size, komi=cfg.komi), f"deepdojo-mcts ({budget})")
    if cfg.opponent == "gnugo":
        argv, name = gnugo_command(cfg.gnugo_level), f"gnugo-3.8 level {cfg.gnugo_level}"
    elif cfg.opponent == "random":
        argv, name = own_engine_command("random", seed=ctx.seed + 1), "random"
    else:
        raise ValueError(f"opponent must be 'gnugo' or 'random', got {cfg.opponent!r}: --set opponent=gnugo")

    running = []
    with GtpClient(argv, name=name, timeout=600) as opp, \
            Progress(console=ctx.console, disable=not ctx.console.is_terminal, transient=True) as bar:
        task = bar.add_task("games", total=cfg.games)

        def on_game(i, g):
            won = (g.black == ours.name) == (g.winner == 1) and g.winner != 0
            running.append(float(won))
            ctx.log({"game/won": float(won), "game/moves": g.moves, "match/win_rate": sum(running) / len(running)},
                    game=i, result=g.result, black=g.black)
            bar.advance(task)

        result = match(ours, opp, cfg.games, cfg.size, cfg.komi, sgf_dir=ctx.path("sgf"), on_game=on_game)

    s, st = result.summary(), player.stats
    n = len(result.games)
    # Elo is infinite at 0 or 100%: report it with the usual half-game correction instead
    p_elo = min(max(s["win_rate"], 0.5 / n), 1 - 0.5 / n)
    metrics = {
        "match/games": float(n), "match/wins": s["wins"], "match/win_rate": s["win_rate"],
        "match/win_rate_lo": s["win_rate_lo"], "match/win_rate_hi": s["win_rate_hi"],
        "match/elo": elo_difference(p_elo),
        "match/elo_lo": elo_difference(max(s["win_rate_lo"], 0.5 / n)),
        "match/elo_hi": elo_difference(min(s["win_rate_hi"], 1 - 0.5 / n)),
        "match/moves_mean": sum(g.moves for g in result.games) / n,
        "search/seconds_per_move": st["seconds"] / max(st["moves"], 1),
        "search/playouts_per_move": st["playouts"] / max(st["moves"], 1),
        "search/playouts_per_s": st["playouts"] / max(st["seconds"], 1e-9),
    }
    ctx.table(f"{ours.name} vs {name}, {cfg.size}x{cfg.size}, komi {cfg.komi:g}",
              ["game", "black", "white", "result", "moves"],
              [[i, g.black, g.white, g.result, g.moves] for i, g in enumerate(result.games)])
    ctx.note(f"Win rate {s['win_rate']:.1%} over {n} games (95% Wilson interval {s['win_rate_lo']:.1%}-"
             f"{s['win_rate_hi']:.1%}); Elo difference {metrics['match/elo']:+.0f} "
             f"[{metrics['match/elo_lo']:+.0f}, {metrics['match/elo_hi']:+.0f}].")
    plot_lines({"win rate so far": [sum(running[:i + 1]) / (i + 1) for i in range(n)]},
               ctx.plot_path("win_rate"), title=f"{ours.name} vs {name}", xlabel="games", ylabel="win rate")
    game = result.games[min(cfg.render_game, n - 1)].game
    arrays, titles, lasts = game.snapshots(cfg.frames)
    plot_board_sequence(arrays, ctx.plot_path("game"), titles=titles, lasts=lasts,
                        title=f"B {game.black} - W {game.white}")
    return metrics
