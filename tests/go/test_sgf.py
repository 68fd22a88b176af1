"""SGF: main line through variations, setup stones, passes, round trip, and malformed files."""
import pytest
from hypothesis import given, settings, strategies as st

from deepdojo.go import sgf
from deepdojo.go.board import BLACK, EMPTY, PASS, WHITE

GAME = r"""(;FF[4]GM[1]SZ[9]KM[7]PB[Alice]PW[Bob \] the second]RE[W+2.5]C[a comment
over two lines]AB[cc][gg]AW[cg]
;B[ee];W[ec]
(;B[dc];W[]
  (;B[ed])
  (;B[fd]))
(;B[fc]C[a side variation]))
"""


def test_main_line_setup_and_passes():
    game = sgf.read_game(GAME)
    assert (game.size, game.komi, game.black, game.white, game.result) == (9, 7.0, "Alice", "Bob ] the second", "W+2.5")
    b = game.board()
    assert [(c, b.to_gtp(p)) for c, p in game.setup] == [(BLACK, "C7"), (BLACK, "G3"), (WHITE, "C3")]
    assert [b.to_gtp(p) for _, p in game.moves] == ["E5", "E7", "D7", "pass", "E6"]
    assert game.moves[3] == (WHITE, PASS)
    assert b.color[b.parse_gtp("E6")] == BLACK and b.color[b.parse_gtp("F7")] == EMPTY


def test_round_trip():
    game = sgf.read_game(GAME)
    again = sgf.read_game(sgf.write_game(game))
    assert (again.size, again.komi, again.black, again.white, again.result) == (game.size, game.komi, game.black, game.white, game.result)
    assert again.setup == game.setup and again.moves == game.moves
    assert again.board().hash == game.board().hash


def test_compressed_rectangle_and_file_io(tmp_path):
    game = sgf.read_game("(;GM[1]SZ[5]AB[aa:bb];W[ee])")
    b = game.board()
    assert sorted(b.to_gtp(p) for _, p in game.setup) == ["A4", "A5", "B4", "B5"]
    path = sgf.save(game, tmp_path / "g.sgf")
    assert sgf.load(path).moves == game.moves


@pytest.mark.parametrize("text, where", [
    ("(;GM[1]SZ[9];B[ee]", "line 1, column 19"),
    ("(;GM[1]SZ[9]\n;B[ee", "line 2, column 6"),
    ("(;GM[1]SZ[9];B", "line 1, column 15"),
    ("(;GM[1] ;B[ee]) junk", "line 1, column 17"),
    ("", "line 1, column 1"),
    ("(B[ee])", "line 1, column 2"),
])
def test_malformed_files_report_positions(text, where):
    with pytest.raises(sgf.SgfError, match=where):
        sgf.read_game(text)


@pytest.mark.parametrize("text, message", [
    ("(;GM[1]SZ[25])", "SZ"),
    ("(;GM[2])", "not Go"),
    ("(;GM[1]SZ[9];B[zz])", "off the"),
    ("(;GM[1]SZ[9];B[ee];W[ee])", "occupied"),
    ("(;GM[1]SZ[9];B[E5])", "bad SGF point"),
])
def test_bad_content_is_an_sgf_error(text, message):
    with pytest.raises(sgf.SgfError, match=message):
        sgf.read_game(text)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
                 st.text(alphabet="();[]\\BWABSZGM19ee: \n", max_size=60)))
def test_random_bytes_never_crash(text):
    try:
        sgf.read_game(text)
    except sgf.SgfError:
        pass
