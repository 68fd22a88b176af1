"""Helpers for the data tests: tiny files in each canonical format, a registry override, a local
HTTP server (for download tests) - no network, no /work/shared."""
from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import http.server
import io
import tarfile
import threading
from pathlib import Path

import numpy as np
import pytest

from deepdojo.data import cache, hub


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_idx(path: Path, arr: np.ndarray) -> Path:
    """IDX (uint8) exactly as LeCun's files: magic 0x0000 08 <ndim>, big-endian dims, data; gzip if .gz."""
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    raw = header + np.ascontiguousarray(arr, dtype=np.uint8).tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(raw) if path.suffix == ".gz" else raw)
    return path


def add_bytes(tf: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))


def write_acl_tarball(path: Path, reviews: dict[tuple[str, str], list[str]]) -> Path:
    """A tiny aclImdb tarball: reviews[(split, 'pos'|'neg')] = texts, named <id>_<rating>.txt."""
    with tarfile.open(path, "w:gz") as tf:
        for (split, label), texts in reviews.items():
            for i, t in enumerate(texts):
                add_bytes(tf, f"aclImdb/{split}/{label}/{i}_{8 if label == 'pos' else 2}.txt", t.encode())
        add_bytes(tf, "aclImdb/README", b"tiny")
    return path


def save_object_npz(path: Path, **arrays) -> Path:
    """Write an npz the way Keras' imdb/reuters files are: ragged lists as object arrays (test writer only)."""
    out = {}
    for k, v in arrays.items():
        if isinstance(v, list):
            arr = np.empty(len(v), dtype=object)
            for i, x in enumerate(v):
                arr[i] = [int(w) for w in x]  # Python ints, as in the Keras files
            out[k] = arr
        else:
            out[k] = np.asarray(v)
    np.savez(path, **out)
    return path


def override(monkeypatch, name: str, files=None, splits=None, **changes) -> hub.Source:
    """Replace DATASETS[name] for one test (files and/or canonical split sizes)."""
    src = hub.DATASETS[name]
    extra = dict(src.extra)
    if splits is not None:
        extra["splits"] = splits
    new = dataclasses.replace(src, files=tuple(files) if files is not None else src.files, extra=extra, **changes)
    monkeypatch.setitem(hub.DATASETS, name, new)
    return new


@pytest.fixture(autouse=True)
def _fresh_warnings():
    cache.reset_data_warnings()
    yield
    cache.reset_data_warnings()


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        if self.path.startswith("/truncated/"):
            body = b"only part of it"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) + 1000))  # promise more than we send
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


@pytest.fixture
def http_root(tmp_path):
    """Serve a folder on 127.0.0.1; yields (folder, base_url). Offline mode is lifted for the test."""
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    mp = pytest.MonkeyPatch()
    mp.delenv("DEEPDOJO_OFFLINE", raising=False)
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        mp.undo()
        server.shutdown()
        server.server_close()
