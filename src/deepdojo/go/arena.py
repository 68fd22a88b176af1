"""Matches between GTP engines: games refereed by our board, SGF records, win rates and Elo.

Every game is refereed by a `Board` with positional superko and Tromp-Taylor scoring: an engine
that answers an illegal move or fails loses by forfeit (``B+F``/``W+F``), a resignation loses
(``W+R``), two passes end the game and the area score decides. Colours alternate between games.
"""
from __future__ import annotations

import math
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from deepdojo.go import sgf
from deepdojo.go.board import BLACK, WHITE, Board, IllegalMove
from deepdojo.go.gtp import EngineNotFound, GtpClient, GtpEngine, GtpError


class LocalGtp:
    """A `GtpEngine` in this process with the `GtpClient` interface (no subprocess)."""

    def __init__(self, engine: GtpEngine, name: str):
        self.engine, self.name = engine, name

    def send(self, command: str) -> str:
        answer = self.engine.handle(command) or "= "
        if answer.startswith("?"):
            raise GtpError(f"{self.name}: {command!r} -> {answer.strip()}")
        return answer[1:].strip()

    def close(self) -> None:
        pass


def own_engine_command(engine: str = "mcts", playouts: int = 1000, seconds: float | None = None, seed: int = 0) -> list[str]:
    """The command line that runs our GTP engine as a subprocess."""
    cmd = [sys.executable, "-m", "deepdojo", "gtp", "--engine", engine, "--playouts", str(playouts), "--seed", str(seed)]
    return cmd + (["--seconds", str(seconds)] if seconds else [])


def gnugo_command(level: int = 1) -> list[str]:
    """GNU Go in GTP mode; a clear error when it is not installed."""
    exe = shutil.which("gnugo") or shutil.which("gnugo", path="/usr/games")  # Debian installs games there
    if exe is None:
        raise EngineNotFound("GNU Go is not installed: apt-get install gnugo (Debian/Ubuntu) or brew install gnu-go")
    return [exe, "--mode", "gtp", "--level", str(level)]


@dataclass
class GameRecord:
    black: str
    white: str
    result: str      # "B+3.5", "W+R" (resignation), "B+F" (forfeit), "0" (draw)
    winner: int      # BLACK, WHITE or 0
    moves: int
    game: sgf.Game
    note: str = ""   # why a game ended by forfeit


def play_game(black, white, size: int = 9, komi: float = 7.0, max_moves: int | None = None,
              on_move: Callable[[Board], None] | None = None) -> GameRecord:
    """Play one game between two GTP engines (`GtpClient` or `LocalGtp`).

    Args:
        black, white: the engines.
        size, komi: the board.
        max_moves: stop and score after this many moves (default 3 × points).
        on_move: called with the referee board after every move.

    Returns:
        The `GameRecord`; its ``game`` holds the SGF record.
    """
    board = Board(size, komi)
    for eng in (black, white):
        eng.send(f"boardsize {size}")
        eng.send("clear_board")
        eng.send(f"komi {komi:g}")
    players = {BLACK: black, WHITE: white}
    result, winner, note = "", 0, ""
    for _ in range(max_moves or 3 * size * size):
        color = board.to_play
        letter = "B" if color == BLACK else "W"
        other = "W" if color == BLACK else "B"
        try:
            answer = players[color].send(f"genmove {letter}").lower()
            if answer == "resign":
                result, winner = f"{other}+R", 3 - color
                break
            move = board.parse_gtp(answer)
            board.play(move, color)
        except (GtpError, IllegalMove) as e:
            result, winner, note = f"{other}+F", 3 - color, f"{players[color].name} forfeits: {e}"
            break
        try:
            players[3 - color].send(f"play {letter} {board.to_gtp(move)}")
        except GtpError as e:  # the opponent rejects a move our referee accepted: it forfeits
            result, winner, note = f"{letter}+F", color, f"{players[3 - color].name} forfeits: {e}"
            break
        if on_move:
            on_move(board)
        if board.game_over:
            break
    if not result:
        result = board.result()
        s = board.score()
        winner = BLACK if s > 0 else (WHITE if s < 0 else 0)
    game = sgf.game_from_board(board, black.name, white.name, result, **({"C": note} if note else {}))
    return GameRecord(black.name, white.name, result, winner, len(board.moves), game, note)


def wilson_interval(wins: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a win rate (draws count half)."""
    if n == 0:
        return 0.0, 1.0
    p = wins / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def elo_difference(p: float) -> float:
    """Elo difference implied by a win rate (±inf at 0 and 1)."""
    if p <= 0:
        return -math.inf
    if p >= 1:
        return math.inf
    return -400.0 * math.log10(1.0 / p - 1.0)


@dataclass
class MatchResult:
    a: str
    b: str
    games: list[GameRecord] = field(default_factory=list)

    @property
    def score_a(self) -> float:
        """Wins of `a` (draws count half)."""
        return sum(1.0 if _won(g, self.a) else 0.5 if g.winner == 0 else 0.0 for g in self.games)

    def summary(self) -> dict[str, float]:
        n = len(self.games)
        p = self.score_a / n if n else 0.0
        lo, hi = wilson_interval(self.score_a, n)
        return {"games": n, "wins": self.score_a, "win_rate": p, "win_rate_lo": lo, "win_rate_hi": hi,
                "elo": elo_difference(p), "elo_lo": elo_difference(lo), "elo_hi": elo_difference(hi)}


def _won(g: GameRecord, name: str) -> bool:
    return (g.winner == BLACK and g.black == name) or (g.winner == WHITE and g.white == name)


def match(a, b, games: int, size: int = 9, komi: float = 7.0, sgf_dir: str | Path | None = None,
          on_game: Callable[[int, GameRecord], None] | None = None, max_moves: int | None = None) -> MatchResult:
    """Play `games` games between engines `a` and `b`, `a` taking Black in the even games.

    Args:
        a, b: GTP engines (`GtpClient`/`LocalGtp`) with distinct names.
        sgf_dir: if given, every game is saved there as ``game-NNN.sgf``.
        on_game: called after each game with its index and record (progress, logging).
    """
    if a.name == b.name:
        raise ValueError(f"the two engines need different names (both are {a.name!r})")
    out = MatchResult(a.name, b.name)
    for i in range(games):
        black, white = (a, b) if i % 2 == 0 else (b, a)
        record = play_game(black, white, size, komi, max_moves)
        out.games.append(record)
        if sgf_dir is not None:
            sgf.save(record.game, Path(sgf_dir) / f"game-{i:03d}.sgf")
        if on_game:
            on_game(i, record)
    return out


def round_robin(engines: dict[str, list[str]], games_per_pair: int, size: int = 9, komi: float = 7.0,
                sgf_dir: str | Path | None = None) -> tuple[list[str], list[list[float | None]], list[MatchResult]]:
    """Every engine against every other (the course's tournament format).

    Args:
        engines: name → command line.
        games_per_pair: games in each pairing (colours alternate).

    Returns:
        (names, cross table of win rates ``table[i][j]`` of engine i against j, the matches).
    """
    names = list(engines)
    table: list[list[float | None]] = [[None] * len(names) for _ in names]
    matches = []
    clients = {n: GtpClient(engines[n], name=n) for n in names}
    try:
        for i, x in enumerate(names):
            for j in range(i + 1, len(names)):
                y = names[j]
                sub = Path(sgf_dir) / f"{x}-vs-{y}" if sgf_dir is not None else None
                m = match(clients[x], clients[y], games_per_pair, size, komi, sub)
                matches.append(m)
                table[i][j] = m.summary()["win_rate"]
                table[j][i] = 1.0 - table[i][j]
    finally:
        for c in clients.values():
            c.close()
    return names, table, matches
