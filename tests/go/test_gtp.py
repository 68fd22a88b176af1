"""GTP: a transcript fed through the engine, ids echoed, errors as '? message', the client on a real subprocess."""
import shutil
import sys

import pytest
from hypothesis import given, settings, strategies as st

from deepdojo.go.arena import LocalGtp, gnugo_command, match, own_engine_command, play_game
from deepdojo.go.board import BLACK, WHITE
from deepdojo.go.gtp import GtpClient, GtpEngine, GtpError, RandomPlayer, make_player, serve_lines


def engine(playouts=30):
    return GtpEngine(make_player("mcts", playouts=playouts), size=9, komi=7)


def test_transcript_answers_and_ids():
    eng = engine()
    answers = serve_lines(eng, [
        "1 protocol_version", "name", "# a comment line", "", "2 version",
        "3 known_command genmove", "4 known_command frobnicate",
        "5 boardsize 7", "6 clear_board", "7 komi 6.5", "8 play black D4", "9 play w c3",
        "10 genmove b", "11 undo", "12 undo", "13 showboard", "14 final_score",
        "15 time_settings 60 0 0", "16 time_left b 30 0", "17 quit", "18 name",
    ])
    assert answers[0] == "=1 2\n\n"
    assert answers[1] == "= deepdojo-mcts\n\n"
    assert answers[2] == "=2 0.1\n\n"
    assert answers[3:5] == ["=3 true\n\n", "=4 false\n\n"]
    assert answers[5:9] == ["=5\n\n", "=6\n\n", "=7\n\n", "=8\n\n"]
    assert answers[9] == "=9\n\n"
    move = answers[10]
    assert move.startswith("=10 ") and move.endswith("\n\n")
    assert answers[11:13] == ["=11\n\n", "=12\n\n"]
    board = answers[13]
    assert board.startswith("=13\n") and "X" in board and "O" not in board and "7 . . . . . . . 7" in board
    assert answers[14] == "=14 B+42.5\n\n"   # the lone black stone owns all 49 points, minus komi 6.5
    assert answers[15:17] == ["=15\n\n", "=16\n\n"]
    assert answers[17] == "=17\n\n" and len(answers) == 18   # nothing after quit
    assert eng.done


def test_errors_answer_question_mark_and_keep_running():
    eng = engine()
    answers = serve_lines(eng, [
        "7 frobnicate", "boardsize 3", "8 boardsize x", "play b", "9 play purple d4", "play b Z9",
        "play b D4", "10 play w D4", "komi abc", "undo", "genmove", "time_left b x 0", "name",
    ])
    assert answers[0] == "?7 unknown command\n\n"
    assert answers[1] == "? unacceptable size\n\n"
    assert answers[2].startswith("?8 syntax error")
    assert answers[3].startswith("? syntax error")
    assert answers[4].startswith("?9 syntax error")
    assert answers[5].startswith("? ")
    assert answers[6] == "=\n\n"
    assert answers[7] == "?10 illegal move: point occupied\n\n"
    assert answers[8].startswith("? syntax error")
    assert answers[9] == "=\n\n"                    # undoes D4
    assert answers[10].startswith("? syntax error")
    assert answers[11].startswith("? syntax error")
    assert answers[12] == "= deepdojo-mcts\n\n" and not eng.done


def test_illegal_moves_leave_the_board_unchanged():
    eng = GtpEngine(RandomPlayer(), size=5, komi=0)
    serve_lines(eng, ["play b A4", "play b B5", "play w A1"])
    before = eng.board.color[:]
    assert serve_lines(eng, ["play w A5"]) == ["? illegal move: suicide\n\n"]
    assert eng.board.color == before and len(eng.board.moves) == 3


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.text(max_size=25),
    st.tuples(st.sampled_from(["play", "genmove", "boardsize", "komi", "undo", "known_command", "time_left", "showboard"]),
              st.lists(st.sampled_from(["b", "w", "D4", "pass", "A1", "19", "5", "-1", "x", "T19", "black"]), max_size=3))
    .map(lambda t: " ".join([t[0], *t[1]]))), max_size=12))
def test_random_command_lines_never_crash(lines):
    eng = GtpEngine(RandomPlayer(), size=5, komi=0)
    for line in lines:
        if line.strip().lower().startswith("quit"):
            continue
        answer = eng.handle(line)
        assert answer is None or (answer[0] in "=?" and answer.endswith("\n\n"))


def test_client_drives_our_engine_subprocess_and_reports_errors():
    with GtpClient(own_engine_command("random", seed=1), name="ours", timeout=60) as c:
        assert c.send("protocol_version") == "2"
        assert c.send("boardsize 5") == ""
        c.send("play b C3")
        with pytest.raises(GtpError, match="occupied"):
            c.send("play w C3")
        move = c.send("genmove w")
        assert move.lower() == "pass" or len(move) >= 2
        assert "X" in c.send("showboard")


def test_client_errors_for_missing_and_silent_engines():
    with pytest.raises(GtpError, match="not found"):
        GtpClient(["no-such-gtp-engine-xyz"])
    silent = GtpClient([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    with pytest.raises(GtpError, match="no answer"):
        silent.send("name")
    silent.proc.kill()
    silent.close()
    dead = GtpClient([sys.executable, "-c", "pass"], timeout=5)
    dead.proc.wait()
    with pytest.raises(GtpError, match="exited"):
        dead.send("name")


def test_local_match_records_games_and_alternates_colours(tmp_path):
    a = LocalGtp(GtpEngine(make_player("mcts", playouts=40, seed=0)), "mcts")
    b = LocalGtp(GtpEngine(RandomPlayer(seed=0)), "random")
    m = match(a, b, 2, size=5, komi=0.5, sgf_dir=tmp_path)
    assert [g.black for g in m.games] == ["mcts", "random"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["game-000.sgf", "game-001.sgf"]
    s = m.summary()
    assert s["games"] == 2 and 0 <= s["win_rate_lo"] <= s["win_rate"] <= s["win_rate_hi"] <= 1


def test_cheating_engine_forfeits():
    class Cheater:
        name = "cheater"

        def genmove(self, board, color):
            return board.parse_gtp("A1")   # occupied after the first time

        def set_time(self, s):
            pass

    cheat = LocalGtp(GtpEngine(Cheater()), "cheater")
    honest = LocalGtp(GtpEngine(RandomPlayer(seed=2)), "random")
    rec = play_game(cheat, honest, size=5, komi=0.5)
    assert rec.result == "W+F" and rec.winner == WHITE and "cheater" in rec.note


@pytest.mark.skipif(shutil.which("gnugo") is None and shutil.which("gnugo", path="/usr/games") is None,
                    reason="GNU Go not installed (apt-get install gnugo); the client is covered above with our own engine")
def test_short_real_game_against_gnugo():
    with GtpClient(gnugo_command(1), name="gnugo", timeout=60) as g:
        ours = LocalGtp(GtpEngine(RandomPlayer(seed=0)), "random")
        rec = play_game(ours, g, size=5, komi=0.5)
    assert rec.result and rec.moves > 0 and rec.winner in (BLACK, WHITE)


def test_round_robin_cross_table(tmp_path):
    from deepdojo.go.arena import round_robin

    engines = {f"r{i}": own_engine_command("random", seed=i) for i in range(3)}
    names, table, matches = round_robin(engines, 2, size=5, komi=0.5, sgf_dir=tmp_path)
    assert names == ["r0", "r1", "r2"] and len(matches) == 3
    for i in range(3):
        assert table[i][i] is None
        for j in range(3):
            if i != j:
                assert table[i][j] + table[j][i] == pytest.approx(1.0)
    assert len(list(tmp_path.rglob("*.sgf"))) == 6


def test_arena_command_line(tmp_path):
    from typer.testing import CliRunner

    from deepdojo.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["arena", "random", f"other={sys.executable} -m deepdojo gtp --engine random --seed 3",
                              "--games", "2", "--size", "5", "--sgf-dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "random vs other" in res.output and "95% CI" in res.output and "Elo" in res.output
    bad = runner.invoke(app, ["arena", "random", "alphago:9"])
    assert bad.exit_code != 0 and "gnugo[:LEVEL]" in bad.output


def test_time_left_caps_the_search_time():
    eng = engine(playouts=10_000)
    assert serve_lines(eng, ["time_left b 10 0"]) == ["=\n\n"]
    assert eng.player.mcts.config.seconds == pytest.approx(0.5)   # a twentieth of the clock
    assert serve_lines(eng, ["time_settings 0 0 0"]) == ["=\n\n"]   # no limit: leaves the budget alone
    assert eng.player.mcts.config.seconds == pytest.approx(0.5)


def test_serve_reads_stdin_until_quit():
    import io

    stdin = io.StringIO("1 boardsize 5\n\n# comment\n2 play b c3\n3 bogus\n4 quit\n5 name\n")
    stdout = io.StringIO()
    GtpEngine(RandomPlayer()).serve(stdin, stdout)
    assert stdout.getvalue() == "=1\n\n=2\n\n?3 unknown command\n\n=4\n\n"
