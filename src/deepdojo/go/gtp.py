"""GTP v2 (Go Text Protocol): our engine's command loop, and a client that drives any GTP engine.

The engine answers ``=[id] result`` or ``?[id] message`` followed by an empty line, as the
protocol says; an unknown or malformed command is answered with ``? message`` and the loop goes
on. The client runs an engine as a subprocess (GNU Go, our own, anything that speaks GTP).
"""
from __future__ import annotations

import os
import random
import selectors
import shlex
import subprocess
import time
from dataclasses import replace
from typing import Callable, Iterable, TextIO

from deepdojo.go.board import BLACK, MAX_SIZE, MIN_SIZE, PASS, WHITE, Board, IllegalMove
from deepdojo.go.mcts import RESIGN, SearchConfig, make_search
from deepdojo.go.playout import random_move

VERSION = "0.1"


class GtpError(RuntimeError):
    """A ``?`` answer, a dead engine or a timeout on the client side."""


class EngineNotFound(GtpError, ValueError):
    """The engine program is not installed; the message says how to install it."""

    user_error = True   # the CLI prints it as a one-line error, no traceback


# -- players -----------------------------------------------------------------------------------
class RandomPlayer:
    """Uniformly random legal moves that do not fill own eyes (the quick-mode opponent)."""

    name = "random"

    def __init__(self, seed: int = 0):
        self.rng = random.Random(seed)

    def genmove(self, board: Board, color: int) -> int:
        board.to_play = color
        return random_move(board, self.rng, color)

    def set_time(self, seconds: float | None) -> None:
        pass


class MctsPlayer:
    """Our search (`make_search`: compiled RAVE, Python UCT, or PUCT with an evaluator) behind the player interface."""

    name = "deepdojo-mcts"

    def __init__(self, config: SearchConfig = SearchConfig(), seed: int = 0, evaluator=None):
        self.config, self.seed, self.evaluator = config, seed, evaluator
        self.mcts = make_search(config, evaluator, seed)
        self.stats = {"moves": 0, "seconds": 0.0, "playouts": 0}   # our own thinking, for reports

    def genmove(self, board: Board, color: int) -> int:
        board.to_play = color
        start = time.thread_time()   # CPU seconds, as the search's budget counts them
        move = self.mcts.search(board)
        self.stats["moves"] += 1
        self.stats["seconds"] += time.thread_time() - start
        self.stats["playouts"] += self.mcts.last_playouts
        return move

    def set_time(self, seconds: float | None) -> None:
        """Cap the per-move time when the controller's clock says so (time_left)."""
        if seconds is None:
            return
        budget = min(self.config.seconds or float("inf"), max(0.05, seconds / 20))
        if budget != float("inf"):
            self.mcts.config = replace(self.mcts.config, seconds=budget)


def make_player(engine: str, playouts: int = 1000, seconds: float | None = None, seed: int = 0):
    """A player by name: ``mcts`` (compiled RAVE, heavy playouts), ``uct`` (pure-Python UCT+RAVE),
    ``puct`` (PUCT over rollouts) or ``random``."""
    if engine == "random":
        return RandomPlayer(seed)
    if engine in ("mcts", "uct", "puct"):
        return MctsPlayer(search_config(engine, playouts=playouts, seconds=seconds), seed)
    raise ValueError(f"unknown engine {engine!r}: choose mcts, uct, puct or random")


def search_config(engine: str = "mcts", **overrides) -> SearchConfig:
    """The tuned `SearchConfig` of an engine name (``mcts`` → the compiled RAVE engine)."""
    if engine == "mcts":
        tuned = dict(rule="rave", rave_k=3500.0, expand_after=8, resign_threshold=0.1)
        return SearchConfig(**{**tuned, **overrides})
    return SearchConfig(rule=engine, **overrides)


# -- engine ------------------------------------------------------------------------------------
class GtpEngine:
    """Executes GTP commands against a `Board` and a player.

    Args:
        player: an object with ``genmove(board, colour) -> point | PASS | RESIGN`` and ``set_time``.
        size, komi: the initial board.
    """

    def __init__(self, player=None, size: int = 9, komi: float = 7.0):
        self.player = player or make_player("mcts")
        self.board = Board(size, komi)
        self.done = False
        self.handlers: dict[str, Callable[[list[str]], str]] = {
            "protocol_version": lambda a: "2",
            "name": lambda a: getattr(self.player, "name", "deepdojo"),
            "version": lambda a: VERSION,
            "known_command": lambda a: "true" if a and a[0] in self.handlers else "false",
            "list_commands": lambda a: "\n".join(self.handlers),
            "quit": self._quit,
            "boardsize": self._boardsize,
            "clear_board": self._clear_board,
            "komi": self._komi,
            "play": self._play,
            "genmove": self._genmove,
            "undo": self._undo,
            "showboard": lambda a: "\n" + str(self.board),
            "final_score": lambda a: self.board.result(),
            "time_settings": self._time_settings,
            "time_left": self._time_left,
        }

    # each handler returns the answer text or raises GtpError(message)
    def _quit(self, args):
        self.done = True
        return ""

    def _boardsize(self, args):
        size = _int(args, 0, "boardsize")
        if not MIN_SIZE <= size <= MAX_SIZE:
            raise GtpError("unacceptable size")
        self.board = Board(size, self.board.komi)
        return ""

    def _clear_board(self, args):
        self.board = Board(self.board.size, self.board.komi)
        return ""

    def _komi(self, args):
        try:
            self.board.komi = float(_arg(args, 0, "komi"))
        except ValueError:
            raise GtpError("syntax error: komi must be a number") from None
        return ""

    def _play(self, args):
        color = _color(_arg(args, 0, "play"))
        try:
            move = self.board.parse_gtp(_arg(args, 1, "play"))
        except IllegalMove:
            raise GtpError("syntax error: bad vertex") from None
        reason = self.board.why_illegal(move, color) if move != PASS else None
        if reason:
            raise GtpError(reason)
        self.board.play(move, color)
        return ""

    def _genmove(self, args):
        color = _color(_arg(args, 0, "genmove"))
        move = self.player.genmove(self.board, color)
        if move == RESIGN:
            return "resign"
        self.board.play(move, color)
        return self.board.to_gtp(move)

    def _undo(self, args):
        try:
            self.board.undo()
        except IllegalMove:
            raise GtpError("cannot undo") from None
        return ""

    def _time_settings(self, args):
        main, byo, stones = (_int(args, i, "time_settings") for i in range(3))
        if min(main, byo, stones) < 0:
            raise GtpError("syntax error: negative time")
        self.player.set_time(main + byo if (main or byo) else None)
        return ""

    def _time_left(self, args):
        _color(_arg(args, 0, "time_left"))
        seconds, _ = _int(args, 1, "time_left"), _int(args, 2, "time_left")
        self.player.set_time(float(seconds))
        return ""

    def handle(self, line: str) -> str | None:
        """Answer one command line (None for an empty or comment line)."""
        line = "".join(ch for ch in line if ch >= " " or ch in "\t\n").replace("\t", " ")
        line = line.split("#", 1)[0].strip()
        if not line:
            return None
        words = line.split()
        ident = ""
        if words[0].isdigit():
            ident, words = words[0], words[1:]
        if not words:
            return f"?{ident} syntax error: missing command\n\n"
        cmd, args = words[0].lower(), words[1:]
        handler = self.handlers.get(cmd)
        if handler is None:
            return f"?{ident} unknown command\n\n"
        try:
            result = handler(args)
        except GtpError as e:
            return f"?{ident} {e}\n\n"
        except IllegalMove as e:
            return f"?{ident} {e}\n\n"
        sep = "" if result.startswith("\n") else " "
        return f"={ident}{sep}{result}".rstrip(" ") + "\n\n"

    def serve(self, stdin: TextIO, stdout: TextIO) -> None:
        """The GTP loop: read commands until ``quit`` or end of input."""
        for line in stdin:
            answer = self.handle(line)
            if answer is not None:
                stdout.write(answer)
                stdout.flush()
            if self.done:
                break


def _arg(args: list[str], i: int, cmd: str) -> str:
    if len(args) <= i:
        raise GtpError(f"syntax error: {cmd} needs {i + 1} argument(s)")
    return args[i]


def _int(args: list[str], i: int, cmd: str) -> int:
    try:
        return int(_arg(args, i, cmd))
    except ValueError:
        raise GtpError(f"syntax error: {cmd} expects an integer") from None


def _color(text: str) -> int:
    t = text.lower()
    if t in ("b", "black"):
        return BLACK
    if t in ("w", "white"):
        return WHITE
    raise GtpError(f"syntax error: bad colour {text!r}")


# -- client ------------------------------------------------------------------------------------
class GtpClient:
    """Drive a GTP engine subprocess.

    Args:
        command: the engine command line, e.g. ``"gnugo --mode gtp --level 1"``.
        name: how reports call it (default: the command).
        timeout: seconds to wait for one answer before giving up (a hung engine).
    """

    def __init__(self, command: str | list[str], name: str | None = None, timeout: float = 120.0):
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        self.name = name or " ".join(argv)
        self.timeout = timeout
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, bufsize=0)
        except FileNotFoundError:
            hint = " (install it: apt-get install gnugo)" if argv and "gnugo" in argv[0] else ""
            raise EngineNotFound(f"GTP engine not found: {argv[0]!r}{hint}") from None
        self._fd = self.proc.stdout.fileno()
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._fd, selectors.EVENT_READ)
        self._buf = b""   # bytes read but not yet consumed (raw fd reads: select() sees no Python buffer)
        self.next_id = 1

    def _read_answer(self, command: str) -> str:
        """Bytes up to the empty line that ends a GTP answer."""
        deadline = time.monotonic() + self.timeout
        while True:
            self._buf = self._buf.replace(b"\r", b"")
            self._buf = self._buf.lstrip(b"\n")   # stray empty lines before an answer
            end = self._buf.find(b"\n\n")
            if end >= 0:
                answer, self._buf = self._buf[:end], self._buf[end + 2:]
                return answer.decode("utf-8", "replace")
            if not self._sel.select(timeout=max(0.0, deadline - time.monotonic())):
                raise GtpError(f"{self.name}: no answer to {command!r} within {self.timeout:g} s")
            chunk = os.read(self._fd, 65536)
            if not chunk:
                raise GtpError(f"{self.name}: engine exited while answering {command!r}")
            self._buf += chunk

    def send(self, command: str) -> str:
        """Send one command and return the answer text (without ``=``/id).

        Raises:
            GtpError: the engine answered ``?``, died or did not answer within `timeout`.
        """
        if self.proc.poll() is not None:
            raise GtpError(f"{self.name}: engine has exited (code {self.proc.returncode})")
        ident = self.next_id
        self.next_id += 1
        try:
            self.proc.stdin.write(f"{ident} {command}\n".encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise GtpError(f"{self.name}: engine has exited") from None
        answer = self._read_answer(command)
        status, body = answer[:1], answer[1:]
        if body.startswith(str(ident)):
            body = body[len(str(ident)):]
        text = (body[1:] if body.startswith(" ") else body).rstrip()
        if status == "?":
            raise GtpError(f"{self.name}: {command!r} -> ? {text}")
        if status != "=":
            raise GtpError(f"{self.name}: malformed answer {answer[:80]!r}")
        return text

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send("quit")
            except GtpError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._sel.close()

    def __enter__(self) -> "GtpClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def serve_lines(engine: GtpEngine, lines: Iterable[str]) -> list[str]:
    """Feed command lines to an engine and collect the answers (tests, scripts)."""
    out = []
    for line in lines:
        answer = engine.handle(line)
        if answer is not None:
            out.append(answer)
        if engine.done:
            break
    return out
