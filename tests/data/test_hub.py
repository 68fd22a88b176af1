"""Resolution order, download + verify + atomic rename, offline errors, import/verify, run warnings."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from deepdojo.data import cache, hub
from deepdojo.data.cache import ChecksumError, DataError
from deepdojo.data.hub import DataFile

from .conftest import override, sha256


def _one_file(monkeypatch, tmp_path, content=b"hello data", url=None, name="f.bin", **kw):
    src = tmp_path / "payload" / name
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_bytes(content)
    override(monkeypatch, "nietzsche", files=[DataFile(name, url, sha256(src), **kw)], splits={})
    return src


def test_download_verifies_and_renames_atomically(monkeypatch, tmp_path, http_root):
    root, base = http_root
    (root / "f.bin").write_bytes(b"hello data")
    _one_file(monkeypatch, tmp_path, url=base + "f.bin")
    path = hub.fetch("nietzsche", "f.bin")
    assert path == hub.cache_path("nietzsche", "f.bin") and path.read_bytes() == b"hello data"
    assert not list(path.parent.glob("*.part"))
    # second call resolves from the cache without the server
    (root / "f.bin").unlink()
    assert hub.fetch("nietzsche", "f.bin") == path


def test_download_with_progress_bar(monkeypatch, tmp_path, http_root):
    root, base = http_root
    (root / "f.bin").write_bytes(b"x" * 3_000_000)
    src = tmp_path / "ref"
    src.write_bytes(b"x" * 3_000_000)
    override(monkeypatch, "nietzsche", files=[DataFile("f.bin", base + "f.bin", sha256(src))])
    out = cache.download(base + "f.bin", tmp_path / "dl" / "f.bin", sha256(src), progress=True)
    assert out.stat().st_size == 3_000_000


def test_bad_checksum_moves_file_aside_and_keeps_target_absent(monkeypatch, tmp_path, http_root):
    root, base = http_root
    (root / "f.bin").write_bytes(b"tampered")
    _one_file(monkeypatch, tmp_path, url=base + "f.bin")
    with pytest.raises(ChecksumError, match="moved aside"):
        hub.fetch("nietzsche", "f.bin")
    target = hub.cache_path("nietzsche", "f.bin")
    assert not target.exists()
    assert target.with_name("f.bin.part.corrupt").exists() or list(target.parent.glob("*.corrupt"))


def test_interrupted_download_leaves_nothing(monkeypatch, tmp_path, http_root):
    _, base = http_root
    _one_file(monkeypatch, tmp_path, url=base + "truncated/f.bin")
    with pytest.raises(DataError):
        hub.fetch("nietzsche", "f.bin")
    folder = hub.cache_path("nietzsche", "f.bin").parent
    assert not folder.exists() or not any(folder.iterdir())


def test_offline_error_names_file_url_and_both_variables(monkeypatch, tmp_path):
    _one_file(monkeypatch, tmp_path, url="https://example.invalid/f.bin")
    with pytest.raises(DataError) as e:
        hub.fetch("nietzsche", "f.bin")
    msg = str(e.value)
    for part in ("f.bin", "https://example.invalid/f.bin", "DEEPDOJO_MIRROR", "DEEPDOJO_DATA", "DEEPDOJO_OFFLINE"):
        assert part in msg


def test_mirror_then_system_resolution(monkeypatch, tmp_path):
    src = _one_file(monkeypatch, tmp_path)
    mirror = tmp_path / "mirror"
    (mirror / "nietzsche").mkdir(parents=True)
    (mirror / "nietzsche" / "f.bin").write_bytes(src.read_bytes())
    monkeypatch.setenv("DEEPDOJO_MIRROR", str(mirror))
    assert hub.fetch("nietzsche", "f.bin") == mirror / "nietzsche" / "f.bin"
    assert hub.status("nietzsche") == {"f.bin": "mirror"}
    # a system copy (Debian-style absolute path) is used when neither cache nor mirror has it
    monkeypatch.delenv("DEEPDOJO_MIRROR")
    override(monkeypatch, "nietzsche", files=[DataFile("f.bin", None, sha256(src), system=(str(src),))])
    assert hub.fetch("nietzsche", "f.bin") == src
    # the cache wins over both
    cached = hub.import_file("nietzsche", src)
    assert hub.fetch("nietzsche", "f.bin") == cached


def test_mirror_copy_with_wrong_checksum_is_refused(monkeypatch, tmp_path):
    _one_file(monkeypatch, tmp_path)
    mirror = tmp_path / "mirror"
    (mirror / "nietzsche").mkdir(parents=True)
    (mirror / "nietzsche" / "f.bin").write_bytes(b"not it")
    monkeypatch.setenv("DEEPDOJO_MIRROR", str(mirror))
    with pytest.raises(ChecksumError, match="--unverified"):
        hub.fetch("nietzsche", "f.bin")


def test_unknown_dataset_suggests_close_names():
    with pytest.raises(DataError, match="did you mean mnist"):
        hub.get_source("minst")


def test_import_refuses_mismatch_and_records_unverified_use(monkeypatch, tmp_path):
    _one_file(monkeypatch, tmp_path)
    other = tmp_path / "approx.bin"
    other.write_bytes(b"approximately")
    with pytest.raises(ChecksumError, match="--unverified"):
        hub.import_file("nietzsche", other, "f.bin")
    assert not hub.cache_path("nietzsche", "f.bin").exists()
    path = hub.import_file("nietzsche", other, "f.bin", unverified=True)
    assert "nietzsche/f.bin" in cache.unverified_manifest()
    assert cache.unverified_files_used() == []
    assert hub.fetch("nietzsche", "f.bin") == path
    used = cache.unverified_files_used()
    assert len(used) == 1 and "nietzsche/f.bin" in used[0] and used[0].startswith("unverified data")


def test_unverified_never_overwrites_verified_copy(monkeypatch, tmp_path):
    src = _one_file(monkeypatch, tmp_path)
    hub.import_file("nietzsche", src)
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"bad")
    with pytest.raises(ChecksumError, match="never replaces"):
        hub.import_file("nietzsche", bad, "f.bin", unverified=True)
    assert hub.cache_path("nietzsche", "f.bin").read_bytes() == src.read_bytes()


def test_verify_reports_and_moves_corrupt_files(monkeypatch, tmp_path):
    src = _one_file(monkeypatch, tmp_path)
    path = hub.import_file("nietzsche", src)
    assert hub.verify(["nietzsche"]) == [("nietzsche/f.bin", "ok", "sha256")]
    path.write_bytes(b"bit rot")
    rows = hub.verify(["nietzsche"])
    assert rows[0][1] == "corrupt" and not path.exists() and path.with_name("f.bin.corrupt").exists()


def test_run_results_carry_data_warnings(monkeypatch, tmp_path):
    from deepdojo.recipes.runner import build_results

    _one_file(monkeypatch, tmp_path)
    other = tmp_path / "approx.bin"
    other.write_bytes(b"approximately")
    hub.import_file("nietzsche", other, "f.bin", unverified=True)
    hub.fetch("nietzsche", "f.bin")
    recipe = SimpleNamespace(name="x", source="s", anchors=[])
    ctx = SimpleNamespace(quick=True, seed=0, device="cpu", extra_results={})
    results = build_results(recipe, None, ctx, {"test/acc": np.float32(0.5)}, 1.0, resumed=False)
    assert any(w.startswith("unverified data: nietzsche/f.bin") for w in results["warnings"])


def test_verify_can_check_the_mirror_without_touching_it(monkeypatch, tmp_path):
    _one_file(monkeypatch, tmp_path)
    mirror = tmp_path / "mirror"
    (mirror / "nietzsche").mkdir(parents=True)
    (mirror / "nietzsche" / "f.bin").write_bytes(b"wrong")
    monkeypatch.setenv("DEEPDOJO_MIRROR", str(mirror))
    rows = hub.verify(["nietzsche"], mirror=True)
    assert rows == [("nietzsche/f.bin", "corrupt", f"mirror {mirror / 'nietzsche' / 'f.bin'}")]
    assert (mirror / "nietzsche" / "f.bin").exists()
