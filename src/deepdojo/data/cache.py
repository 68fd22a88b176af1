"""Where data files live on this machine, and how a file gets there safely.

* cache dir: ``$DEEPDOJO_DATA``, else ``$XDG_CACHE_HOME/deepdojo``, else ``~/.cache/deepdojo``;
  laid out ``<dataset>/<filename>``, like the mirror.
* mirror dir: ``$DEEPDOJO_MIRROR`` (read-only for us), same layout.
* offline: ``DEEPDOJO_OFFLINE=1`` means never touch the network.

Every environment variable is read when a function is called, never at import, so tests can set
them with ``monkeypatch.setenv``.

Downloads go to ``<name>.part`` next to the target, are hashed while they stream, and are renamed
onto the target only when complete and verified; a mismatching file is moved aside as
``<name>.corrupt``. Files imported with ``--unverified`` are listed in ``unverified.json`` in the
cache; every run that reads one records it (`data_warnings`, merged into ``results.json``).
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

UNVERIFIED_MANIFEST = "unverified.json"
_CHUNK = 1 << 20

# Process-level record of data caveats met while loading (unverified imports, lossy stand-ins).
# The runner reads it once a recipe finishes; `reset_data_warnings` clears it between runs.
_WARNINGS: list[str] = []
_HASH_MEMO: dict[tuple[str, int, int], str] = {}


class DataError(RuntimeError):
    """A data file is missing, corrupt or refused; the message says what to do."""

    user_error = True  # the CLI prints the message instead of a traceback


class ChecksumError(DataError):
    """A file's SHA-256 is not the published one."""


# -- locations ---------------------------------------------------------------------------------
def cache_dir() -> Path:
    """The cache root (``DEEPDOJO_DATA`` or the XDG cache); not created here."""
    if os.environ.get("DEEPDOJO_DATA"):
        return Path(os.environ["DEEPDOJO_DATA"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg).expanduser() / "deepdojo"


def mirror_dir() -> Path | None:
    """The mirror root from ``DEEPDOJO_MIRROR``, or None when unset."""
    value = os.environ.get("DEEPDOJO_MIRROR")
    return Path(value).expanduser() if value else None


def offline() -> bool:
    """True when ``DEEPDOJO_OFFLINE`` is set to something other than 0/false/empty."""
    return os.environ.get("DEEPDOJO_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


# -- hashing -----------------------------------------------------------------------------------
def sha256_file(path: str | Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file, read in 1 MiB chunks; memoised per (path, size, mtime) in-process.

    Args:
        path: the file.
        algorithm: any `hashlib` name (``sha256``; ``md5`` where only that is published).
    """
    path = Path(path)
    st = path.stat()
    key = (f"{algorithm}:{path.resolve()}", st.st_size, st.st_mtime_ns)
    if key not in _HASH_MEMO:
        h = hashlib.new(algorithm)
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(_CHUNK), b""):
                h.update(chunk)
        _HASH_MEMO[key] = h.hexdigest()
    return _HASH_MEMO[key]


def matches(path: str | Path, sha256: str | None, md5: str | None = None) -> bool | None:
    """True/False when a checksum is known (sha256 preferred, else md5), None when none is."""
    if sha256:
        return sha256_file(path) == sha256.lower()
    if md5:
        return sha256_file(path, "md5") == md5.lower()
    return None


def move_aside(path: Path) -> Path:
    """Rename a bad file to ``<name>.corrupt`` (replacing an older one) and return the new path."""
    bad = path.with_name(path.name + ".corrupt")
    os.replace(path, bad)
    return bad


# -- download ----------------------------------------------------------------------------------
def download(url: str, target: Path, sha256: str | None, md5: str | None = None,
             timeout: float = 30.0, progress: bool | None = None) -> Path:
    """Stream `url` to `target` through ``target.part``, verify it, then rename atomically.

    Args:
        url: http(s) or file URL.
        target: final path; its folder is created.
        sha256: expected SHA-256 (or None when no checksum is published; then `md5` if given).
        timeout: socket timeout in seconds.
        progress: show a rich progress bar; default only when stderr is a terminal.

    Returns:
        `target`.

    Raises:
        DataError: offline mode, network failure or an interrupted transfer (the partial file is
            removed; nothing reaches `target`).
        ChecksumError: the finished file differs; it is kept as ``target.corrupt``.
    """
    if offline():
        raise DataError(f"DEEPDOJO_OFFLINE is set, so {url} was not downloaded")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    h = hashlib.sha256() if sha256 or not md5 else hashlib.md5()
    show = sys.stderr.isatty() if progress is None else progress
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(part, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            done = _copy_with_progress(response, out, h, total, target.name, show)
        if total is not None and done != total:
            raise DataError(f"download of {url} was interrupted ({done:,} of {total:,} bytes); run the command again")
    except (urllib.error.URLError, OSError, TimeoutError, http.client.HTTPException) as e:  # IncompleteRead too
        part.unlink(missing_ok=True)
        raise DataError(f"could not download {url}: {e}") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    expected = (sha256 or md5 or "").lower()
    if expected and h.hexdigest() != expected:
        bad = move_aside(part)
        raise ChecksumError(
            f"{url} downloaded with {h.name} {h.hexdigest()}, expected {expected}; the file was moved "
            f"aside to {bad}. Try again later, or import a good copy with `deepdojo data import`.")
    os.replace(part, target)
    return target


def _copy_with_progress(src, out, h, total: int | None, label: str, show: bool) -> int:
    """Copy a response body into `out` updating the hash; return the byte count."""
    done = 0
    if not show:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            out.write(chunk)
            h.update(chunk)
            done += len(chunk)
        return done
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), transient=True) as bar:
        task = bar.add_task(f"downloading {label}", total=total)
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            out.write(chunk)
            h.update(chunk)
            done += len(chunk)
            bar.update(task, advance=len(chunk))
    return done


def progress_iter(items, total: int | None, label: str):
    """Yield `items` with a rich progress bar on a terminal; silently otherwise (logs, CI, tests)."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import track

    yield from track(items, total=total, description=label, transient=True)


# -- unverified imports ------------------------------------------------------------------------
def _manifest_path() -> Path:
    return cache_dir() / UNVERIFIED_MANIFEST


def unverified_manifest() -> dict[str, dict]:
    """``{"<dataset>/<file>": {"sha256":..., "from":...}}`` for files imported with --unverified."""
    path = _manifest_path()
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise DataError(f"{path} is not valid JSON ({e}); delete it and re-import the unverified files") from None


def record_unverified(key: str, entry: dict | None) -> None:
    """Add (or with None remove) `key` in the cache's unverified manifest."""
    from deepdojo.report.rundir import atomic_write_text

    manifest = unverified_manifest()
    if entry is None:
        manifest.pop(key, None)
    else:
        manifest[key] = entry
    atomic_write_text(_manifest_path(), json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def install(src: Path, target: Path) -> Path:
    """Copy `src` to `target` via a temporary file and rename (never a half-written cache file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    try:
        if src.is_dir():
            shutil.rmtree(part, ignore_errors=True)
            shutil.copytree(src, part)
            if target.exists():
                shutil.rmtree(target)
        else:
            shutil.copyfile(src, part)
        os.replace(part, target)
    except BaseException:
        shutil.rmtree(part, ignore_errors=True) if part.is_dir() else part.unlink(missing_ok=True)
        raise
    return target


# -- warnings that travel into results.json ----------------------------------------------------
def note_data_warning(message: str) -> None:
    """Record a caveat about data this process read (deduplicated)."""
    if message not in _WARNINGS:
        _WARNINGS.append(message)


def data_warnings() -> list[str]:
    """Caveats recorded since the last reset (unverified imports, lossy stand-ins)."""
    return list(_WARNINGS)


def unverified_files_used() -> list[str]:
    """The subset of `data_warnings` about files imported with ``--unverified``."""
    return [w for w in _WARNINGS if w.startswith("unverified data")]


def reset_data_warnings() -> None:
    _WARNINGS.clear()
