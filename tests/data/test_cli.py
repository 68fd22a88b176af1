"""``deepdojo data ...`` commands through typer's runner."""
from __future__ import annotations

from typer.testing import CliRunner

from deepdojo.cli import app
from deepdojo.data import hub
from deepdojo.data.hub import DataFile

from .conftest import override, sha256

runner = CliRunner()


def test_list_shows_every_dataset():
    out = runner.invoke(app, ["data", "list"], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    for name in ("mnist", "imdb", "reuters", "jena-climate", "glove-6b", "fer2013", "newsgroups20", "iris"):
        assert name in out.output


def test_import_unverified_then_verify(monkeypatch, tmp_path):
    good = tmp_path / "f.bin"
    good.write_bytes(b"canonical")
    override(monkeypatch, "nietzsche", files=[DataFile("f.bin", None, sha256(good))])
    bad = tmp_path / "approx.bin"
    bad.write_bytes(b"approx")
    refused = runner.invoke(app, ["data", "import", "nietzsche", str(bad), "--as", "f.bin"])
    assert refused.exit_code == 2 and "--unverified" in refused.output
    ok = runner.invoke(app, ["data", "import", "nietzsche", str(bad), "--as", "f.bin", "--unverified"])
    assert ok.exit_code == 0 and "UNVERIFIED" in ok.output
    out = runner.invoke(app, ["data", "verify", "nietzsche"], env={"COLUMNS": "200"})
    assert out.exit_code == 0 and "unverified" in out.output
    hub.cache_path("nietzsche", "f.bin").write_bytes(b"changed")
    assert runner.invoke(app, ["data", "verify", "nietzsche"]).exit_code == 1


def test_fetch_unknown_and_offline_errors(monkeypatch):
    out = runner.invoke(app, ["data", "fetch", "imbd"])
    assert out.exit_code == 2 and "did you mean imdb" in out.output
    out = runner.invoke(app, ["data", "fetch", "reuters"])
    assert out.exit_code == 2 and "DEEPDOJO_OFFLINE" in out.output


def test_fetch_downloads_verified_file(monkeypatch, tmp_path, http_root):
    root, base = http_root
    (root / "f.bin").write_bytes(b"served bytes")
    ref = tmp_path / "ref.bin"
    ref.write_bytes(b"served bytes")
    override(monkeypatch, "nietzsche", files=[DataFile("f.bin", base + "f.bin", sha256(ref))])
    out = runner.invoke(app, ["data", "fetch", "nietzsche"])
    assert out.exit_code == 0, out.output
    assert hub.cache_path("nietzsche", "f.bin").read_bytes() == b"served bytes"
    (root / "g.bin").write_bytes(b"evil")
    override(monkeypatch, "nietzsche", files=[DataFile("g.bin", base + "g.bin", sha256(ref))])
    out = runner.invoke(app, ["data", "fetch", "nietzsche"])
    assert out.exit_code == 2 and "moved aside" in out.output
