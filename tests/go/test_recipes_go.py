"""Go recipes' helpers: board images, game snapshots, result comparison, a missing GNU Go."""
import pytest

from deepdojo.go import arena, sgf
from deepdojo.go.gtp import EngineNotFound
from deepdojo.recipes.go_rules import BUILTIN_GAME, _same_winner
from deepdojo.report.go_board import plot_board, plot_board_sequence


def test_builtin_game_replays_and_scores_as_recorded():
    game = sgf.read_game(BUILTIN_GAME)
    assert game.board().result() == game.result == "B+6"


def test_snapshots_and_board_images(tmp_path):
    game = sgf.read_game(BUILTIN_GAME)
    arrays, titles, lasts = game.snapshots(5)
    assert len(arrays) == 5 and arrays[0].sum() == 0 and titles[-1].endswith("B+6")
    final = game.board().to_array()
    assert (arrays[-1] == final).all()
    r, c = lasts[-2]
    assert arrays[-2][r, c] in (1, 2)   # the marked last move holds a stone
    path = plot_board_sequence(arrays, tmp_path / "seq.png", titles=titles, lasts=lasts)
    assert path.stat().st_size > 1000
    assert plot_board(final, tmp_path / "one.png").stat().st_size > 1000
    with pytest.raises(ValueError, match="square"):
        plot_board(final[:3], tmp_path / "bad.png")


def test_same_winner():
    assert _same_winner("B+6", "B+R") is True
    assert _same_winner("W+0.5", "B+3") is False
    assert _same_winner("B+6", "") is None and _same_winner("B+6", "?") is None


def test_missing_gnugo_names_the_install_command(monkeypatch):
    monkeypatch.setattr(arena.shutil, "which", lambda *a, **k: None)
    with pytest.raises(EngineNotFound, match="apt-get install gnugo"):
        arena.gnugo_command(1)
    assert isinstance(EngineNotFound("x"), ValueError)   # the CLI turns it into a one-line error


def test_wilson_interval_and_elo():
    lo, hi = arena.wilson_interval(25, 50)
    assert lo == pytest.approx(0.366, abs=1e-3) and hi == pytest.approx(0.634, abs=1e-3)
    assert arena.elo_difference(0.5) == 0
    assert arena.elo_difference(0.76) == pytest.approx(200, abs=1)
    assert arena.elo_difference(0.0) == float("-inf")


def test_recipe_without_gnugo_is_a_one_line_error(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from deepdojo.cli import app

    monkeypatch.setattr(arena.shutil, "which", lambda *a, **k: None)
    res = CliRunner().invoke(app, ["run", "go9-mcts-vs-gnugo", "--set", "games=1", "--out", str(tmp_path), "-q"])
    assert res.exit_code == 2 and "apt-get install gnugo" in res.output
    assert "Traceback" not in res.output
