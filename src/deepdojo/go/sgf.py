"""SGF (Smart Game Format, FF[4]) for Go: read game trees, take the main line, write games.

Reading is a small recursive-descent parser over the text; every malformed input raises
`SgfError` with the line and column where parsing stopped, never another exception.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from deepdojo.go.board import BLACK, PASS, WHITE, Board, IllegalMove


class SgfError(ValueError):
    """A malformed SGF file; the message gives the position (line:column)."""


@dataclass
class GameTree:
    """A sequence of nodes (each ``{PROP: [values]}``) followed by variations."""

    nodes: list[dict[str, list[str]]]
    variations: list["GameTree"] = field(default_factory=list)


@dataclass
class Game:
    """The main line of a Go game record.

    ``moves`` hold ``(colour, point)`` on a board of ``size`` (points as `Board` indexes, PASS for a
    pass); ``setup`` the AB/AW stones.
    """

    size: int = 19
    komi: float = 0.0
    black: str = ""
    white: str = ""
    result: str = ""
    setup: list[tuple[int, int]] = field(default_factory=list)
    moves: list[tuple[int, int]] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)

    def board(self, upto: int | None = None, superko: bool = True) -> Board:
        """The position after the setup stones and the first `upto` moves (all by default)."""
        b = Board(self.size, self.komi, superko)
        for color, p in self.setup:
            b.place_setup(p, color)
        if self.setup and self.moves:
            b.to_play = self.moves[0][0]
        for color, p in self.moves[: len(self.moves) if upto is None else upto]:
            b.play(p, color)
        return b

    def snapshots(self, frames: int = 8) -> tuple[list, list[str], list]:
        """Evenly spaced positions of the game for a board-image sequence.

        Returns:
            (``(size, size)`` arrays as `Board.to_array`, captions, last moves as ``(row, col)``
            from the top or None), the final position always included.
        """
        n = len(self.moves)
        marks = sorted({round(i * n / max(frames - 1, 1)) for i in range(frames)}) if n else [0]
        b = Board(self.size, self.komi)
        for color, p in self.setup:
            b.place_setup(p, color)
        arrays, titles, lasts, done = [], [], [], 0
        for mark in marks:
            for color, p in self.moves[done:mark]:
                b.play(p, color)
            done = mark
            arrays.append(b.to_array())
            titles.append(f"move {mark}" if mark < n or not self.result else f"move {mark}, {self.result}")
            last = self.moves[mark - 1][1] if mark else PASS
            if last == PASS:
                lasts.append(None)
            else:
                r, c = b.rowcol(last)
                lasts.append((self.size - 1 - r, c))
        return arrays, titles, lasts


class _Parser:
    def __init__(self, text: str):
        self.text, self.i = text, 0

    def where(self) -> str:
        line = self.text.count("\n", 0, self.i) + 1
        col = self.i - (self.text.rfind("\n", 0, self.i) + 1) + 1
        return f"line {line}, column {col}"

    def error(self, message: str) -> SgfError:
        return SgfError(f"malformed SGF at {self.where()}: {message}")

    def skip_ws(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def peek(self) -> str:
        self.skip_ws()
        return self.text[self.i] if self.i < len(self.text) else ""

    def expect(self, ch: str) -> None:
        if self.peek() != ch:
            got = repr(self.text[self.i]) if self.i < len(self.text) else "end of file"
            raise self.error(f"expected {ch!r}, found {got}")
        self.i += 1

    def collection(self) -> list[GameTree]:
        trees = []
        while self.peek() == "(":
            trees.append(self.tree(depth=0))
        if not trees:
            raise self.error("expected '(' starting a game tree")
        if self.peek():
            raise self.error(f"unexpected {self.text[self.i]!r} after the last game tree")
        return trees

    def tree(self, depth: int) -> GameTree:
        if depth > 500:
            raise self.error("variations nested more than 500 deep")
        self.expect("(")
        nodes = []
        while self.peek() == ";":
            self.i += 1
            nodes.append(self.node())
        if not nodes:
            raise self.error("a game tree needs at least one node (';')")
        variations = []
        while self.peek() == "(":
            variations.append(self.tree(depth + 1))
        self.expect(")")
        return GameTree(nodes, variations)

    def node(self) -> dict[str, list[str]]:
        props: dict[str, list[str]] = {}
        while self.peek().isalpha():
            start = self.i
            while self.i < len(self.text) and self.text[self.i].isalpha():
                self.i += 1
            # FF[3] allowed lower-case letters inside identifiers (e.g. "PlayerBlack"); FF[4] keeps the capitals
            ident = "".join(ch for ch in self.text[start:self.i] if ch.isupper())
            if not ident:
                self.i = start
                raise self.error("property identifier must contain an upper-case letter")
            values = []
            while self.peek() == "[":
                values.append(self.value())
            if not values:
                raise self.error(f"property {ident} has no [value]")
            props.setdefault(ident, []).extend(values)
        return props

    def value(self) -> str:
        self.expect("[")
        out = []
        while True:
            if self.i >= len(self.text):
                raise self.error("unterminated property value (missing ']')")
            ch = self.text[self.i]
            if ch == "\\":
                self.i += 1
                if self.i < len(self.text):
                    if self.text[self.i] != "\n":   # escaped newline = soft line break
                        out.append(self.text[self.i])
                    self.i += 1
                continue
            self.i += 1
            if ch == "]":
                return "".join(out)
            out.append(ch)


def parse(text: str) -> list[GameTree]:
    """Parse an SGF collection into game trees.

    Raises:
        SgfError: malformed input, with the line and column.
    """
    if not isinstance(text, str):
        raise SgfError(f"SGF text must be str, got {type(text).__name__} (decode bytes first)")
    return _Parser(text).collection()


def main_line(tree: GameTree) -> list[dict[str, list[str]]]:
    """The nodes of the first variation at every branch."""
    nodes = list(tree.nodes)
    while tree.variations:
        tree = tree.variations[0]
        nodes += tree.nodes
    return nodes


def read_game(text: str) -> Game:
    """The main line of the first game in an SGF text, checked move by move.

    Raises:
        SgfError: malformed SGF, a non-Go game, a bad size or point, or an illegal move (with its number).
    """
    nodes = main_line(parse(text)[0])
    root = nodes[0]

    def one(prop: str, default: str = "") -> str:
        return root.get(prop, [default])[0]

    if one("GM", "1") != "1":
        raise SgfError(f"GM[{one('GM')}] is not Go (GM[1])")
    size_text = one("SZ", "19").split(":")[0]
    try:
        size = int(size_text)
        komi = float(one("KM", "0") or 0)
        game = Game(size=size, komi=komi, black=one("PB"), white=one("PW"), result=one("RE"))
        board = Board(size, komi)
    except (ValueError, IllegalMove) as e:
        raise SgfError(f"bad SZ/KM in the root node: {e}") from None
    game.info = {k: v[0] for k, v in root.items() if k not in {"B", "W", "AB", "AW"} and v}
    for number, node in enumerate(nodes):
        for prop, color in (("AB", BLACK), ("AW", WHITE)):
            for value in node.get(prop, []):
                for p in _expand_points(board, value):
                    game.setup.append((color, p))
        for prop, color in (("B", BLACK), ("W", WHITE)):
            for value in node.get(prop, []):
                try:
                    game.moves.append((color, board.parse_sgf(value)))
                except IllegalMove as e:
                    raise SgfError(f"node {number}: {prop}[{value}]: {e}") from None
    try:
        game.board()
    except IllegalMove as e:
        raise SgfError(f"the game does not replay: {e}") from None
    return game


def _expand_points(board: Board, value: str) -> list[int]:
    """A point or an SGF compressed rectangle ``"aa:cc"``."""
    try:
        if ":" not in value:
            return [board.parse_sgf(value)]
        a, b = value.split(":", 1)
        ra, ca = board.rowcol(board.parse_sgf(a))
        rb, cb = board.rowcol(board.parse_sgf(b))
        return [board.point(r, c) for r in range(min(ra, rb), max(ra, rb) + 1) for c in range(min(ca, cb), max(ca, cb) + 1)]
    except IllegalMove as e:
        raise SgfError(f"setup stone [{value}]: {e}") from None


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("]", "\\]")


def write_game(game: Game) -> str:
    """SGF FF[4] text of a game (root properties, setup stones, then one node per move)."""
    b = Board(game.size)
    root = [f"FF[4]GM[1]CA[UTF-8]AP[deepdojo]SZ[{game.size}]KM[{game.komi:g}]"]
    for key, value in (("PB", game.black), ("PW", game.white), ("RE", game.result)):
        if value:
            root.append(f"{key}[{_escape(value)}]")
    for key, value in game.info.items():
        if key not in {"FF", "GM", "CA", "AP", "SZ", "KM", "PB", "PW", "RE"}:
            root.append(f"{key}[{_escape(str(value))}]")
    for prop, color in (("AB", BLACK), ("AW", WHITE)):
        stones = [b.to_sgf(p) for c, p in game.setup if c == color]
        if stones:
            root.append(prop + "".join(f"[{s}]" for s in stones))
    moves = "".join(f";{'B' if c == BLACK else 'W'}[{b.to_sgf(p) if p != PASS else ''}]" for c, p in game.moves)
    return f"(;{''.join(root)}\n{moves})\n"


def game_from_board(board: Board, black: str = "", white: str = "", result: str = "", **info: str) -> Game:
    """A `Game` record of a board's setup stones and moves."""
    return Game(board.size, board.komi, black, white, result, list(board.setup), list(board.moves), dict(info))


def load(path: str | Path) -> Game:
    """Read the main line of an SGF file (UTF-8, Latin-1 fallback)."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return read_game(text)


def save(game: Game, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(write_game(game), encoding="utf-8")
    return path
