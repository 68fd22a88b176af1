"""The data hub: which files each dataset needs, and finding them on this machine or online.

Resolution order for one file (`fetch`): explicit path → cache (``DEEPDOJO_DATA``) → mirror
(``DEEPDOJO_MIRROR``, ``<dataset>/<file>``) → system location (Debian's dataset packages) →
download (progress bar, SHA-256 verified, atomic rename) → a `DataError` that names the file, its
URL and both environment variables.

The catalogue itself (`DATASETS`) lives in `deepdojo.data.catalog`; tests override entries with
``monkeypatch.setitem(hub.DATASETS, name, Source(...))``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from deepdojo.data import cache
from deepdojo.data.cache import ChecksumError, DataError


@dataclass(frozen=True)
class DataFile:
    """One file (or folder) of a dataset.

    Args:
        name: canonical file name, possibly with a sub-folder (``ml-latest-small/ratings.csv``).
        url: where to download it; None when it can only be imported or found in a mirror.
        sha256: published (or mirror-computed) SHA-256; None when none is known (`note` says why).
        md5: used only where no SHA-256 is published (Keras word-index files).
        size: bytes, for `deepdojo data list`.
        note: provenance of the checksum or why there is none.
        system: absolute paths where a system package installs this data.
        system_sha256: SHA-256 values of those system copies when the package re-compressed the
            canonical file (same content, different bytes).
        standin: non-empty for a documented approximation of the canonical data; the text is
            recorded in ``results.json`` warnings of every run that reads it.
        folder: the entry is a folder (image trees); no checksum.
    """

    name: str
    url: str | None = None
    sha256: str | None = None
    md5: str | None = None
    size: int | None = None
    note: str = ""
    system: tuple[str, ...] = ()
    standin: str = ""
    folder: bool = False
    system_sha256: tuple[str, ...] = ()  # the system package's own (re-compressed) bytes, when they differ


@dataclass(frozen=True)
class Source:
    """A dataset: what it is, its license/origin and its files (see `DataFile`)."""

    name: str
    description: str
    license: str
    files: tuple[DataFile, ...] = ()
    size: str = ""
    hint: str = ""  # extra advice printed when a file is missing (e.g. how to import a stand-in)
    sklearn: bool = False  # loaded through scikit-learn, cached under <cache>/sklearn
    extra: dict = field(default_factory=dict)

    def file(self, name: str) -> DataFile:
        for f in self.files:
            if f.name == name:
                return f
        known = ", ".join(f.name for f in self.files) or "none"
        raise DataError(f"dataset {self.name!r} has no file {name!r} (its files: {known})")


def _catalog() -> dict[str, Source]:
    from deepdojo.data.catalog import build_catalog

    return build_catalog()


DATASETS: dict[str, Source] = _catalog()


def get_source(name: str) -> Source:
    """The `Source` called `name`; an unknown name raises with the closest known names."""
    if name in DATASETS:
        return DATASETS[name]
    close = difflib.get_close_matches(name, DATASETS, n=3, cutoff=0.4)
    hint = f" - did you mean {', '.join(close)}?" if close else ""
    raise DataError(f"unknown dataset {name!r}{hint} (see `deepdojo data list`)")


def check_split(dataset: str, split: str, n: int) -> None:
    """Raise when `split` does not have the canonical size listed in ``Source.extra["splits"]``."""
    expected = get_source(dataset).extra.get("splits", {}).get(split)
    if expected is not None and n != expected:
        raise DataError(f"{dataset}: the {split} split has {n:,} samples, the canonical one has {expected:,}; the file "
                        f"is not the canonical one - run `deepdojo data verify` or `deepdojo data fetch {dataset}`")


def cache_path(dataset: str, filename: str) -> Path:
    """Where `filename` of `dataset` lives in the cache (whether or not it exists)."""
    return cache.cache_dir() / dataset / filename


def _exists(path: Path, spec: DataFile) -> bool:
    return path.is_dir() if spec.folder else path.is_file()


def locate(dataset: str, filename: str, path: str | Path | None = None) -> Path | None:
    """Find a file on this machine without downloading (explicit path, cache, mirror, system).

    Args:
        dataset: a name in `DATASETS`.
        filename: one of its `DataFile` names.
        path: an explicit file (or folder holding it) that takes precedence.

    Returns:
        The path, or None when the file is nowhere on this machine.

    Raises:
        ChecksumError: a mirror or system copy exists but its checksum differs.
    """
    spec = get_source(dataset).file(filename)
    if path is not None:
        p = Path(path).expanduser()
        p = p / filename if p.is_dir() and (p / filename).exists() else p
        if not p.exists():
            raise DataError(f"{p} does not exist (passed explicitly for {dataset}/{filename})")
        _note_use(dataset, spec, p, cached=False)
        return p
    cached = cache_path(dataset, filename)
    if _exists(cached, spec):
        _note_use(dataset, spec, cached, cached=True)
        return cached
    roots = [m / dataset for m in [cache.mirror_dir()] if m is not None]
    system = [Path(s) for s in spec.system]
    for candidate in [r / filename for r in roots] + system:
        if _exists(candidate, spec):
            repacked = candidate in system and spec.system_sha256 and cache.sha256_file(candidate) in spec.system_sha256
            if not spec.folder and not repacked and cache.matches(candidate, spec.sha256, spec.md5) is False:
                raise ChecksumError(
                    f"{candidate} is not the canonical {dataset}/{filename} (checksum differs from "
                    f"{spec.sha256 or spec.md5}). Remove it, or import it knowingly with "
                    f"`deepdojo data import {dataset} {candidate} --as {filename} --unverified`.")
            _note_use(dataset, spec, candidate, cached=False)
            return candidate
    return None


def _note_use(dataset: str, spec: DataFile, path: Path, cached: bool) -> None:
    """Record caveats of a file a loader is about to read (stand-in, unverified import)."""
    if spec.standin:
        cache.note_data_warning(f"stand-in data: {dataset}/{spec.name}: {spec.standin}")
    if cached:
        key = f"{dataset}/{spec.name}"
        entry = cache.unverified_manifest().get(key)
        if entry:
            cache.note_data_warning(f"unverified data: {key} (imported with --unverified from {entry.get('from')}, "
                                    f"sha256 {entry.get('sha256')})")


def fetch(dataset: str, filename: str, path: str | Path | None = None) -> Path:
    """`locate` a file, else download it into the cache, else raise a `DataError` with guidance."""
    found = locate(dataset, filename, path)
    if found is not None:
        return found
    spec = get_source(dataset).file(filename)
    if spec.url and not cache.offline():
        return cache.download(spec.url, cache_path(dataset, filename), spec.sha256, spec.md5)
    raise missing_error(dataset, [filename])


def fetch_first(dataset: str, filenames: list[str], path: str | Path | None = None) -> Path:
    """The first of `filenames` found locally; else the first downloadable one; else an error.

    Loaders use this where a dataset has a canonical file and local alternatives (e.g. IMDB's
    ``imdb.npz`` vs the raw aclImdb tarball); the caller looks at the returned name.
    """
    if path is not None:
        p = Path(path).expanduser()
        for name in filenames:
            if (p / name).exists() or p.name == name:
                return locate(dataset, name, p)
        raise DataError(f"{p} is none of {', '.join(filenames)} (passed explicitly for {dataset})")
    for name in filenames:
        found = locate(dataset, name)
        if found is not None:
            return found
    errors = []
    if not cache.offline():
        for name in filenames:
            spec = get_source(dataset).file(name)
            if spec.url:
                try:
                    return cache.download(spec.url, cache_path(dataset, name), spec.sha256, spec.md5)
                except ChecksumError:
                    raise
                except DataError as e:
                    errors.append(str(e))
    raise missing_error(dataset, filenames, errors)


def missing_error(dataset: str, filenames: list[str], errors: list[str] | None = None) -> DataError:
    """The error for files found nowhere: names, URLs, both env vars, and the dataset's hint."""
    source = get_source(dataset)
    lines = [f"{dataset}: none of these files is on this machine:"]
    for name in filenames:
        spec = source.file(name)
        lines.append(f"  {name}  (url: {spec.url or 'none - import it by hand'})")
    lines.append(f"Looked in the cache {cache.cache_dir() / dataset} (set DEEPDOJO_DATA to move it) and the mirror "
                 f"{(cache.mirror_dir() or Path('<unset>')) / dataset} (set DEEPDOJO_MIRROR=/folder laid out "
                 f"<dataset>/<file>).")
    if cache.offline():
        lines.append("DEEPDOJO_OFFLINE is set, so nothing was downloaded; unset it or run `deepdojo data fetch "
                     f"{dataset}` where the network is reachable.")
    lines += [f"  {e}" for e in errors or []]
    lines.append(f"Or place a copy with `deepdojo data import {dataset} PATH`.")
    if source.hint:
        lines.append(source.hint)
    return DataError("\n".join(lines))


def status(dataset: str) -> dict[str, str]:
    """Where each file of `dataset` is now: ``cache``, ``mirror``, ``system`` or ``missing``."""
    source = get_source(dataset)
    out = {}
    for spec in source.files:
        if _exists(cache_path(dataset, spec.name), spec):
            out[spec.name] = "cache"
        elif cache.mirror_dir() and _exists(cache.mirror_dir() / dataset / spec.name, spec):
            out[spec.name] = "mirror"
        elif any(_exists(Path(s), spec) for s in spec.system):
            out[spec.name] = "system"
        else:
            out[spec.name] = "missing"
    return out


def import_file(dataset: str, src: str | Path, as_name: str | None = None, unverified: bool = False) -> Path:
    """Copy a hand-downloaded file (or folder) into the cache, verifying its checksum.

    Args:
        dataset: a name in `DATASETS`.
        src: the file or folder.
        as_name: the canonical file name to store it under (default: `src`'s own name).
        unverified: accept a checksum mismatch; the file is then listed in the cache's
            unverified manifest and every run that reads it records ``unverified data``.

    Returns:
        The cache path.

    Raises:
        ChecksumError: the checksum differs and `unverified` is False, or a verified cached copy
            would be overwritten by an unverified file.
    """
    src = Path(src).expanduser()
    if not src.exists():
        raise DataError(f"{src} does not exist")
    name = as_name or src.name
    spec = get_source(dataset).file(name)
    target = cache_path(dataset, name)
    key = f"{dataset}/{name}"
    ok = None if spec.folder or src.is_dir() else cache.matches(src, spec.sha256, spec.md5)
    if ok is False and not unverified:
        digest = cache.sha256_file(src)
        raise ChecksumError(
            f"{src} has sha256 {digest}, not the canonical {spec.sha256 or spec.md5} of {key}; refused. "
            f"If you know it is an acceptable stand-in, add --unverified (every run using it will say so).")
    if ok is False:
        was_unverified = key in cache.unverified_manifest()
        if target.exists() and not was_unverified:
            raise ChecksumError(f"{target} is a verified copy of {key}; an unverified file never replaces it. "
                                "Delete it first if you really mean to.")
        cache.install(src, target)
        cache.record_unverified(key, {"sha256": cache.sha256_file(target), "from": str(src.resolve())})
        return target
    cache.install(src, target)
    if key in cache.unverified_manifest():
        cache.record_unverified(key, None)
    return target


def verify(datasets: list[str] | None = None, mirror: bool = False) -> list[tuple[str, str, str]]:
    """Re-check every cached file; mismatches are moved aside as ``*.corrupt``.

    Args:
        datasets: names to check (default all).
        mirror: also check the mirror's copies (read-only: mismatches are only reported).

    Returns:
        Rows ``(dataset/file, state, detail)`` with state ``ok``, ``unverified``, ``no checksum``
        or ``corrupt``.
    """
    rows = []
    manifest = cache.unverified_manifest()
    for dataset in datasets or sorted(DATASETS):
        source = get_source(dataset)
        if mirror and cache.mirror_dir() is not None:
            rows += _verify_mirror(dataset, source)
        for spec in source.files:
            path = cache_path(dataset, spec.name)
            key = f"{dataset}/{spec.name}"
            if not _exists(path, spec):
                continue
            if spec.folder:
                rows.append((key, "no checksum", "folder"))
            elif key in manifest:
                same = cache.sha256_file(path) == manifest[key].get("sha256")
                rows.append((key, "unverified" if same else "corrupt", "imported with --unverified"
                             if same else f"changed since import; moved to {cache.move_aside(path)}"))
            else:
                ok = cache.matches(path, spec.sha256, spec.md5)
                if ok is None:
                    rows.append((key, "no checksum", spec.note or "none published"))
                elif ok:
                    rows.append((key, "ok", "sha256" if spec.sha256 else "md5"))
                else:
                    rows.append((key, "corrupt", f"moved to {cache.move_aside(path)}; run `deepdojo data fetch {dataset}`"))
    return rows


def _verify_mirror(dataset: str, source: Source) -> list[tuple[str, str, str]]:
    rows = []
    for spec in source.files:
        path = cache.mirror_dir() / dataset / spec.name
        if spec.folder or not path.is_file():
            continue
        ok = cache.matches(path, spec.sha256, spec.md5)
        state = "no checksum" if ok is None else "ok" if ok else "corrupt"
        rows.append((f"{dataset}/{spec.name}", state, f"mirror {path}"))
    return rows
