"""A tour of the rules: load an SGF game, replay it move by move, draw it, and score the end.

The game is replayed on our board with every rule checked (captures, suicide, positional superko;
a bad record stops with the move number and the reason), its positions are drawn as a board-image
sequence, and the final position is scored by Tromp-Taylor area rules with the record's komi and
compared with the result the record gives. By default it tours a 9×9 game played to the end (two
passes) by two of our engines; ``--set sgf_path=game.sgf`` tours any game.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from deepdojo.go import sgf
from deepdojo.go.board import BLACK, PASS, WHITE
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import recipe
from deepdojo.report.go_board import plot_board, plot_board_sequence

# 9×9, komi 7, played to two passes by deepdojo's UCT engine against itself (400 playouts/move).
BUILTIN_GAME = """(;FF[4]GM[1]CA[UTF-8]AP[deepdojo]SZ[9]KM[7]PB[deepdojo-mcts-a]PW[deepdojo-mcts-b]RE[B+6]
;B[cd];W[dg];B[dd];W[ee];B[eg];W[df];B[ef];W[fe];B[gd];W[db];B[ge];W[ec];B[de];W[fd];B[fc];W[];B[ff];W[ed]
;B[eb];W[dc];B[gf];W[cc];B[bd];W[bc];B[dh];W[ad];B[cf];W[bb];B[cg];W[gc];B[hc];W[fb];B[hg];W[hd];B[ae];W[df]
;B[ac];W[hf];B[he];W[be];B[gg];W[ce];B[bf];W[ie];B[ib];W[id];B[ig];W[be];B[ad];W[af];B[ce];W[ci];B[bg];W[ih]
;B[ic];W[hh];B[gh];W[ah];B[fi];W[di];B[fa];W[fc];B[ag];W[ai];B[ga];W[ha];B[eh];W[ca];B[dg];W[];B[])
"""


@dataclass(frozen=True)
class RulesTourConfig:
    sgf_path: str = ""
    """An SGF file to tour; empty tours the built-in 9×9 game."""
    frames: int = 8
    """Positions drawn in the board-image sequence."""


@recipe("go-rules-tour", source="Cazenave, Deep Learning course: the Go project (rules, SGF records)",
        config=RulesTourConfig, quick={"frames": 4})
def run(cfg: RulesTourConfig, ctx: RunContext) -> dict[str, float]:
    if cfg.sgf_path:
        try:
            game = sgf.load(cfg.sgf_path)
        except FileNotFoundError:
            raise FileNotFoundError(f"no SGF file at {cfg.sgf_path!r}: --set sgf_path=PATH/TO/game.sgf") from None
        except sgf.SgfError as e:
            raise sgf.SgfError(f"{cfg.sgf_path}: {e} (fix the file or --set sgf_path= for the built-in game)") from None
    else:
        game = sgf.read_game(BUILTIN_GAME)

    start = time.perf_counter()
    board = game.board()   # replays every move through the rules
    replay_s = time.perf_counter() - start
    rows = []
    replay = game.board(upto=0)
    for i, (color, p) in enumerate(game.moves):
        before = dict(replay.captures)
        replay.play(p, color)
        took = replay.captures[color] - before[color]
        if took or p == PASS:
            rows.append([i + 1, "B" if color == BLACK else "W", replay.to_gtp(p), took or "-"])
    black_area, white_area = board.area()
    margin = board.score()
    ctx.note(f"Replayed {len(game.moves)} moves of {game.black or '?'} (B) vs {game.white or '?'} (W) "
             f"on {game.size}x{game.size} with komi {game.komi:g} in {replay_s * 1e3:.1f} ms.")
    ctx.table("captures and passes", ["move", "colour", "vertex", "stones captured"], rows)
    ctx.table("Tromp-Taylor area score of the final position", ["", "Black", "White"],
              [["stones + surrounded empty points", black_area, white_area], ["komi", 0, game.komi],
               ["total", black_area, white_area + game.komi]])
    ours = board.result()
    agree = _same_winner(ours, game.result)
    ctx.note(f"Our score: **{ours}**; the record says **{game.result or 'nothing'}**"
             + ("" if agree is None else (" (same winner)" if agree else
                " (different winner: the record was probably scored by another rule set or ended by resignation)")))
    arrays, titles, lasts = game.snapshots(cfg.frames)
    plot_board_sequence(arrays, ctx.plot_path("game"), titles=titles, lasts=lasts,
                        title=f"B {game.black or '?'} - W {game.white or '?'}")
    plot_board(arrays[-1], ctx.plot_path("final"), last=lasts[-1], title=f"final position, {ours}")
    metrics = {"game/moves": float(len(game.moves)), "score/black_area": float(black_area),
               "score/white_area": float(white_area), "score/margin": margin,
               "game/captured_by_black": float(board.captures[BLACK]),
               "game/captured_by_white": float(board.captures[WHITE])}
    if agree is not None:
        metrics["score/matches_record"] = float(agree)
    return metrics


def _same_winner(ours: str, record: str) -> bool | None:
    """Whether two results (``B+6``, ``W+R``, ``0``) name the same winner; None if the record has none."""
    record = (record or "").strip().upper()
    if not record or record[0] not in "BW0D":
        return None
    return ours[0].upper() == record[0] or (ours == "0" and record[0] in "0D")
