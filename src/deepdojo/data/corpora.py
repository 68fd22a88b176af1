"""Text corpora: Nietzsche (char-level generation), text8 (word vectors), spa-eng (translation pairs),
GloVe 6B vectors, and 20 Newsgroups through scikit-learn.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import numpy as np

from deepdojo.data import hub
from deepdojo.data.cache import DataError


def _zip_member(path: Path, member: str, dataset: str) -> bytes:
    """Read one member of a zip in place, with a clear error for a broken archive."""
    try:
        with zipfile.ZipFile(path) as z:
            return z.read(member)
    except KeyError:
        raise DataError(f"{path}: no member {member!r}; is this the canonical {dataset} archive?") from None
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as e:
        raise DataError(f"{path}: cannot read it ({e}); delete it and run `deepdojo data fetch {dataset}`") from None


def load_nietzsche(path: str | Path | None = None) -> str:
    """``nietzsche.txt`` decoded as UTF-8 (600,893 characters; DLwP lower-cases it itself)."""
    text = hub.fetch("nietzsche", "nietzsche.txt", path).read_bytes().decode("utf-8")
    hub.check_split("nietzsche", "chars", len(text))
    return text


def load_text8(path: str | Path | None = None) -> str:
    """The text8 corpus: one line of lower-case words separated by spaces (10^8 characters)."""
    return _zip_member(hub.fetch("text8", "text8.zip", path), "text8", "text8").decode("ascii")


def load_spa_eng(path: str | Path | None = None) -> list[tuple[str, str]]:
    """English-Spanish pairs from ``spa-eng.zip`` (member ``spa-eng/spa.txt``, ``English<TAB>Spanish``).

    Returns:
        118,964 ``(english, spanish)`` tuples in file order.
    """
    raw = _zip_member(hub.fetch("spa-eng", "spa-eng.zip", path), "spa-eng/spa.txt", "spa-eng").decode("utf-8")
    pairs = []
    for i, line in enumerate(raw.splitlines(), 1):
        parts = line.split("\t")
        if len(parts) < 2:
            raise DataError(f"spa-eng.zip: line {i} has no tab-separated translation: {line[:60]!r}")
        pairs.append((parts[0], parts[1]))
    hub.check_split("spa-eng", "pairs", len(pairs))
    return pairs


def load_glove(dim: int = 100, max_words: int | None = None, path: str | Path | None = None):
    """GloVe 6B vectors of width `dim` (50, 100, 200, 300) from the txt file or the zip in place.

    Args:
        max_words: keep only the first (most frequent) words.

    Returns:
        ``(words: list[str], vectors (V, dim) float32, index: dict word → row)``.
    """
    if dim not in (50, 100, 200, 300):
        raise ValueError(f"glove-6b comes in 50, 100, 200 or 300 dimensions, not {dim}")
    member = f"glove.6B.{dim}d.txt"
    found = hub.fetch_first("glove-6b", [member, "glove.6B.zip"], path)
    data = _zip_member(found, member, "glove-6b") if found.suffix == ".zip" else found.read_bytes()
    lines = data.decode("utf-8").splitlines()[:max_words]
    words, rows = [], []
    for ln in lines:
        word, _, rest = ln.partition(" ")
        words.append(word)
        rows.append(rest)
    vectors = np.loadtxt(io.StringIO("\n".join(rows)), dtype=np.float32, ndmin=2) if rows else np.zeros((0, dim), np.float32)
    if vectors.shape[1] != dim:
        raise DataError(f"{found}: rows have {vectors.shape[1]} values, expected {dim}")
    return words, vectors, {w: i for i, w in enumerate(words)}


def load_newsgroups(subset: str = "train", categories: list[str] | None = None,
                    remove: tuple[str, ...] = ("headers", "footers", "quotes")):
    """20 Newsgroups (by date) through scikit-learn, cached under the hub's cache folder.

    Returns:
        ``(texts: list[str], labels (N,) int64, target_names: list[str])``.
    """
    from sklearn.datasets import fetch_20newsgroups

    from deepdojo.data.tabular import _sklearn_call

    bunch = _sklearn_call("newsgroups20", fetch_20newsgroups, subset=subset, categories=categories, remove=remove,
                          shuffle=True, random_state=42)
    if categories is None and subset in ("train", "test"):
        hub.check_split("newsgroups20", subset, len(bunch.data))
    return list(bunch.data), np.asarray(bunch.target, dtype=np.int64), list(bunch.target_names)
