"""``deepdojo data list | fetch | import | verify`` - heavy modules are imported inside the commands."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="The curriculum's datasets: list, fetch (verified), import by hand, verify the cache.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(2)


@app.command("list")
def list_datasets():
    """Every dataset: name, description, size, license/origin, and whether it is on this machine."""
    from deepdojo.data import cache, hub

    table = Table(title=f"deepdojo datasets (cache {cache.cache_dir()}, mirror {cache.mirror_dir() or 'unset'})")
    for col in ("name", "description", "size", "license / origin", "on this machine?"):
        table.add_column(col, overflow="fold")
    for name in sorted(hub.DATASETS):
        source = hub.DATASETS[name]
        table.add_row(name, source.description, source.size, source.license, _presence(source))
    console.print(table)


def _presence(source) -> str:
    from deepdojo.data import hub

    if not source.files:
        return "yes (bundled with scikit-learn)"
    if source.sklearn:
        from deepdojo.data import cache

        present = (cache.cache_dir() / "sklearn" / source.extra.get("sklearn_cache", "?")).exists()
        return "yes (scikit-learn cache)" if present else "no"
    where = hub.status(source.name)
    have = {k: v for k, v in where.items() if v != "missing"}
    if not have:
        return "no"
    # a dataset is usable when one complete alternative is here (e.g. imdb.npz OR the raw tarball)
    complete = [alt for alt in source.extra.get("any_of", [list(where)]) if all(f in have for f in alt)]
    if complete:
        standin = any(source.file(f).standin for alt in complete for f in alt)
        files = "; ".join(f"{len(alt)} files ({', '.join(sorted({have[f] for f in alt}))})" if len(alt) > 2
                          else " + ".join(f"{f} ({have[f]})" for f in alt) for alt in complete)
        return ("yes, stand-in: " if standin else "yes: ") + files
    return "partly: " + ", ".join(f"{k} ({v})" for k, v in have.items())


@app.command("fetch")
def fetch(name: str = typer.Argument(..., help="Dataset name (see `deepdojo data list`)."),
          files: List[str] = typer.Option([], "--file", help="Only these files (repeatable); default all downloadable.")):
    """Download a dataset's files once into the cache (progress bar, SHA-256 verified)."""
    from deepdojo.data import hub
    from deepdojo.data.cache import DataError

    try:
        source = hub.get_source(name)
        if source.sklearn and not source.files:
            console.print(f"{name} is bundled with scikit-learn; nothing to fetch")
            return
        if source.sklearn:  # scikit-learn downloads (and checks) its own archive into <cache>/sklearn
            from deepdojo.data import corpora, tabular

            {"california-housing": tabular.load_california_housing, "newsgroups20": corpora.load_newsgroups}[name]()
            console.print(f"{name}: in the scikit-learn cache")
            return
        wanted = files or [f.name for f in source.files if f.url]
        if not wanted:
            _fail(f"{name} has no downloadable file; {source.hint or f'use `deepdojo data import {name} PATH`'}")
        for fname in wanted:
            path = hub.fetch(name, fname)
            console.print(f"{name}/{fname}: {path}")
    except DataError as e:
        _fail(str(e))


@app.command("import")
def import_(name: str = typer.Argument(..., help="Dataset name."),
            path: Path = typer.Argument(..., help="The file or folder you downloaded."),
            as_name: Optional[str] = typer.Option(None, "--as", help="Canonical file name to store it under."),
            unverified: bool = typer.Option(False, "--unverified",
                                            help="Accept a checksum mismatch; every run using the file says so.")):
    """Copy a hand-downloaded file into the cache, refusing one whose checksum differs."""
    from deepdojo.data import hub
    from deepdojo.data.cache import DataError

    try:
        target = hub.import_file(name, path, as_name, unverified)
    except DataError as e:
        _fail(str(e))
    note = " (UNVERIFIED: runs that use it record this in results.json)" if unverified and \
        f"{name}/{target.name}" in _manifest() else ""
    console.print(f"imported {path} -> {target}{note}")


def _manifest() -> dict:
    from deepdojo.data import cache

    return cache.unverified_manifest()


@app.command("verify")
def verify(names: List[str] = typer.Argument(None, help="Datasets to check (default: all)."),
           mirror: bool = typer.Option(False, "--mirror", help="Also check the DEEPDOJO_MIRROR copies (report only).")):
    """Re-check the SHA-256 of every cached file; corrupt ones are moved aside as *.corrupt."""
    from deepdojo.data import hub
    from deepdojo.data.cache import DataError

    try:
        rows = hub.verify(list(names) if names else None, mirror=mirror)
    except DataError as e:
        _fail(str(e))
    table = Table(title="cache check")
    for col in ("file", "state", "detail"):
        table.add_column(col, overflow="fold")
    for row in rows:
        style = {"ok": "green", "corrupt": "red", "unverified": "yellow"}.get(row[1], "")
        table.add_row(row[0], f"[{style}]{row[1]}[/]" if style else row[1], row[2])
    console.print(table if rows else "the cache holds no dataset files yet")
    if any(r[1] == "corrupt" for r in rows):
        raise typer.Exit(1)
