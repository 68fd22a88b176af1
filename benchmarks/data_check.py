"""Load every dataset this machine (or the mirror) holds and check it against the canonical splits.

Usage:
    DEEPDOJO_MIRROR=/path/to/mirror python benchmarks/data_check.py [--keep-cache]

Prints a table: name, source used, split sizes, shapes, load time. Missing datasets are listed
with the reason. A throw-away cache is used unless --keep-cache, so the run leaves nothing behind;
the MNIST approximate training images (if the mirror has them) are imported ``--unverified`` into
that cache to show the stand-in path and its warning.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def _shape(a) -> str:
    import numpy as np

    if isinstance(a, np.ndarray):
        return f"{a.shape} {a.dtype}"
    if isinstance(a, (list, tuple)):
        return f"{len(a)} items"
    if isinstance(a, str):
        return f"{len(a):,} chars"
    return type(a).__name__


def checks():
    """(name, callable returning (source, sizes, shapes))."""
    from deepdojo.data import corpora, hub, images, tabular, text, vision

    def where(name):
        st = {k: v for k, v in hub.status(name).items() if v != "missing"}
        return ", ".join(f"{k}@{v}" for k, v in st.items()) or "-"

    def split_pair(loader, name):
        def run():
            (xtr, ytr), (xte, yte) = loader()
            return where(name), f"{len(xtr):,} / {len(xte):,}", f"x {_shape(xtr)}, y {_shape(ytr)}"
        return run

    def imdb_raw():
        (tr, _), (va, _), (te, _) = text.load_imdb_raw()
        return where("imdb"), f"{len(tr):,} / {len(va):,} / {len(te):,} (train/val/test)", "texts"

    def cats():
        with tempfile.TemporaryDirectory() as d:
            stats = images.make_cats_vs_dogs_tree(d)
        return where("cats-vs-dogs"), f"{stats['train']}/{stats['validation']}/{stats['test']} (skipped {stats['skipped']})", "JPEG tree"

    def movielens(variant):
        def run():
            m = tabular.load_movielens(variant)
            return where("movielens"), f"{len(m['rating']):,} ratings, {len(m['title']):,} movies", f"user {_shape(m['user'])}"
        return run

    def simple(name, loader, describe):
        def run():
            out = loader()
            return where(name), *describe(out)
        return run

    from deepdojo.data import timeseries

    return [
        ("mnist", split_pair(vision.load_mnist, "mnist")),
        ("fashion-mnist", split_pair(vision.load_fashion_mnist, "fashion-mnist")),
        ("cifar10", split_pair(vision.load_cifar10, "cifar10")),
        ("imdb (Keras form, num_words=10000)", split_pair(lambda: text.load_imdb(num_words=10000), "imdb")),
        ("imdb (raw text)", imdb_raw),
        ("reuters", split_pair(lambda: text.load_reuters(num_words=10000), "reuters")),
        ("boston-housing", split_pair(tabular.load_boston_housing, "boston-housing")),
        ("california-housing", simple("california-housing", tabular.load_california_housing,
                                      lambda o: (f"{len(o[0]):,}", _shape(o[0])))),
        ("insurance-customers", simple("insurance-customers", tabular.load_insurance_customers,
                                       lambda o: (f"{len(o[0]):,}", f"x {_shape(o[0])}, groups {sorted(set(o[1].tolist()))}"))),
        ("jena-climate", simple("jena-climate", timeseries.load_jena_climate, lambda o: (f"{len(o[2]):,}", _shape(o[2])))),
        ("nietzsche", simple("nietzsche", corpora.load_nietzsche, lambda o: ("-", _shape(o)))),
        ("text8", simple("text8", corpora.load_text8, lambda o: ("-", _shape(o)))),
        ("spa-eng", simple("spa-eng", corpora.load_spa_eng, lambda o: (f"{len(o):,} pairs", f"first {o[0]}"))),
        ("movielens ml-latest-small", movielens("ml-latest-small")),
        ("movielens ml-100k", movielens("ml-100k")),
        ("movielens ml-1m", movielens("ml-1m")),
        ("cats-vs-dogs", cats),
        ("glove-6b (100d)", simple("glove-6b", lambda: corpora.load_glove(100), lambda o: (f"{len(o[0]):,} words", _shape(o[1])))),
        ("newsgroups20", simple("newsgroups20", corpora.load_newsgroups, lambda o: (f"{len(o[0]):,}", "texts"))),
        ("digits", simple("digits", tabular.load_digits, lambda o: (f"{len(o[0]):,}", _shape(o[0])))),
        ("iris", simple("iris", tabular.load_iris, lambda o: (f"{len(o[0]):,}", _shape(o[0])))),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-cache", action="store_true", help="use the real cache (DEEPDOJO_DATA / XDG)")
    args = parser.parse_args()
    os.environ.setdefault("DEEPDOJO_OFFLINE", "1")
    tmp = None
    if not args.keep_cache:
        tmp = tempfile.TemporaryDirectory()
        os.environ["DEEPDOJO_DATA"] = tmp.name
    from rich.console import Console
    from rich.table import Table

    from deepdojo.data import cache, hub

    mirror = cache.mirror_dir()
    approx = mirror / "mnist" / "train-images-idx3-ubyte-approx.gz" if mirror else None
    if approx is not None and approx.exists() and not args.keep_cache:
        hub.import_file("mnist", approx, "train-images-idx3-ubyte.gz", unverified=True)
    table = Table(title=f"data check (mirror {mirror or 'unset'}, offline={cache.offline()})")
    for col in ("dataset", "source used", "split sizes", "shapes", "load s", "notes"):
        table.add_column(col, overflow="fold")
    for name, fn in checks():
        cache.reset_data_warnings()
        t = time.perf_counter()
        try:
            source, sizes, shapes = fn()
            notes = "; ".join(cache.data_warnings())
            table.add_row(name, source, sizes, shapes, f"{time.perf_counter() - t:.2f}", notes[:160])
        except cache.DataError as e:
            table.add_row(name, "[red]missing[/]", "-", "-", "-", str(e).splitlines()[0][:120])
    Console(width=200).print(table)
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
