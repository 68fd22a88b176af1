"""IMDB and Reuters in Keras' integer form (same shuffling, offsets, OOV and filtering), plus the raw
aclImdb text.

``load_imdb`` reads Keras' ``imdb.npz`` when it is on this machine (or downloadable). Otherwise it
builds the same form from the raw aclImdb tarball: lower-case, ``<br />`` and Keras-Tokenizer
punctuation removed, words ranked by frequency over the 25k training reviews (rank 1 = most
frequent; test-only words are dropped, as in Keras). That is the construction Keras' file used,
but the word indices are *not* identical to ``imdb.npz`` (its tokeniser is not published), so
numbers trained on it are comparable in kind, not bit for bit. The derived arrays are cached.
"""
from __future__ import annotations

import itertools
import json
import os
import re
import tarfile
import tempfile
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

from deepdojo.data import cache, hub
from deepdojo.data.cache import DataError
from deepdojo.data.preprocessing import KERAS_FILTERS
from deepdojo.data.safe_npz import load_npz

# The other corpora live in `corpora`; re-exported so `text.load_nietzsche()` etc. work as documented.
from deepdojo.data.corpora import load_glove, load_newsgroups, load_nietzsche, load_spa_eng, load_text8  # noqa: E402

__all__ = ["load_imdb", "load_imdb_raw", "imdb_word_index", "decode", "tokenize", "load_reuters", "reuters_word_index",
           "load_glove", "load_newsgroups", "load_nietzsche", "load_spa_eng", "load_text8"]

_IMDB_RAW = ["aclImdb_v1.tar.gz", "aclImdb_v1_labeled.tar.gz"]
_REVIEW = re.compile(r"aclImdb/(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")
_TABLE = str.maketrans({c: " " for c in KERAS_FILTERS})


# -- Keras sequence semantics ------------------------------------------------------------------
def _to_object_array(lists: list) -> np.ndarray:
    out = np.empty(len(lists), dtype=object)
    for i, x in enumerate(lists):
        out[i] = x
    return out


def _flatten(seqs) -> tuple[np.ndarray, np.ndarray]:
    """Ragged sequences → (values (total,) int64, lengths (N,) int64)."""
    lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
    values = np.fromiter(itertools.chain.from_iterable(seqs), dtype=np.int64, count=int(lengths.sum()))
    return values, lengths


def _offset(values, lengths, start_char, index_from):
    """Add `index_from` to every word and put `start_char` in front of each sequence."""
    if start_char is None:
        return (values + index_from if index_from else values), lengths
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(lengths) else lengths
    out = np.insert(values + index_from, starts, start_char)  # one insert per sequence start
    return out, lengths + 1


def _keras_form(parts, *, num_words, skip_top, maxlen, start_char, oov_char, index_from):
    """Apply Keras' load_data transform to already-shuffled splits.

    Args:
        parts: list of (values, lengths, labels) per split, in Keras' order.

    Returns:
        list of (x object array of int lists, y) per split.
    """
    done = []
    for values, lengths, labels in parts:
        values, lengths = _offset(values, lengths, start_char, index_from)
        if maxlen:  # Keras' remove_long_seq keeps len(x) < maxlen
            seg = np.repeat(np.arange(len(lengths)), lengths)
            keep_seq = lengths < maxlen
            values, lengths, labels = values[keep_seq[seg]], lengths[keep_seq], labels[keep_seq]
            if not len(lengths):
                raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. "
                                 "Increase maxlen.")
        done.append([values, lengths, labels])
    if not num_words:  # Keras' quirk: the largest index itself then falls outside [skip_top, num_words)
        num_words = max(int(v.max()) for v, _, _ in done if len(v))
    out = []
    for values, lengths, labels in done:
        ok = (values >= skip_top) & (values < num_words)
        if oov_char is not None:
            values = np.where(ok, values, oov_char)
        else:
            seg = np.repeat(np.arange(len(lengths)), lengths)
            values, lengths = values[ok], np.bincount(seg[ok], minlength=len(lengths))
        flat, ends = values.tolist(), np.cumsum(lengths).tolist()
        lists = [flat[a:b] for a, b in zip([0] + ends[:-1], ends)]
        out.append((_to_object_array(lists), np.asarray(labels)))
    return out


def _shuffle(rng, values, lengths, labels):
    """Reorder whole sequences with ``RandomState.shuffle`` on an arange, exactly as Keras does."""
    order = np.arange(len(lengths))
    rng.shuffle(order)
    starts = np.cumsum(lengths) - lengths  # (N,) where each sequence begins in `values`
    new_lengths = lengths[order]
    new_starts = np.cumsum(new_lengths) - new_lengths
    take = np.arange(int(new_lengths.sum())) + np.repeat(starts[order] - new_starts, new_lengths)  # (total,)
    return values[take], new_lengths, labels[order]


# -- IMDB --------------------------------------------------------------------------------------
def load_imdb(num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2, index_from=3,
              path: str | Path | None = None):
    """IMDB reviews as Keras' ``imdb.load_data`` returns them.

    Args:
        num_words: keep the `num_words` most frequent words (others become `oov_char`).
        skip_top: also turn the `skip_top` most frequent into `oov_char`.
        maxlen: drop sequences of length >= maxlen (Keras' semantics, counting `start_char`).
        seed: shuffling seed (the train split, then the test split, with one RandomState).
        start_char, oov_char, index_from: Keras' reserved indices (0 = padding).
        path: explicit ``imdb.npz`` or aclImdb tarball.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: object arrays of int lists (25,000 each) and
        int labels (1 = positive).
    """
    raw = _imdb_integer_form(path)
    rng = np.random.RandomState(seed)
    parts = [_shuffle(rng, *raw["train"]), _shuffle(rng, *raw["test"])]
    (xtr, ytr), (xte, yte) = _keras_form(parts, num_words=num_words, skip_top=skip_top, maxlen=maxlen,
                                         start_char=start_char, oov_char=oov_char, index_from=index_from)
    return (xtr, ytr), (xte, yte)


def _imdb_integer_form(path=None) -> dict:
    """{"train": (values, lengths, labels), "test": ..., "source": file name} before Keras' transform."""
    found = hub.fetch_first("imdb", ["imdb.npz", *_IMDB_RAW], path)
    if found.name == "imdb.npz":
        arrays = load_npz(found)
        out = {"source": found.name}
        for split in ("train", "test"):
            values, lengths = _flatten(arrays[f"x_{split}"])
            out[split] = (values, lengths, np.asarray(arrays[f"y_{split}"]).astype(np.int64))
    else:
        out = _derived_from_raw(found)
    for split in ("train", "test"):
        hub.check_split("imdb", split, len(out[split][1]))
    return out


def tokenize(text: str) -> list[str]:
    """Keras-Tokenizer-like: drop ``<br />``, lower-case, punctuation → space, split on whitespace."""
    return text.replace("<br />", " ").lower().translate(_TABLE).split()


def _derived_path(tarball: Path, suffix: str) -> Path:
    key = cache.sha256_file(tarball)[:16]
    return hub.cache_path("imdb", f"derived/keras-form-{key}{suffix}")


def _derived_from_raw(tarball: Path) -> dict:
    """Build (and cache) the Keras integer form from an aclImdb tarball."""
    npz, index_path = _derived_path(tarball, ".npz"), _derived_path(tarball, "-word_index.json")
    if npz.exists() and index_path.exists():
        with np.load(npz, allow_pickle=False) as f:
            return {"source": tarball.name, "train": (f["train_values"], f["train_lengths"], f["train_labels"]),
                    "test": (f["test_values"], f["test_lengths"], f["test_labels"])}
    (tr_text, tr_y), (te_text, te_y) = _read_acl(tarball)
    tr_tok = [tokenize(t) for t in cache.progress_iter(tr_text, len(tr_text), "tokenising IMDB train")]
    counts = Counter(w for toks in tr_tok for w in toks)
    ranked = sorted(counts, key=lambda w: (-counts[w], w))  # ties broken alphabetically: deterministic
    index = {w: i + 1 for i, w in enumerate(ranked)}
    arrays = {}
    for split, toks, y in (("train", tr_tok, tr_y), ("test", [tokenize(t) for t in te_text], te_y)):
        seqs = [[index[w] for w in t if w in index] for t in toks]  # test-only words are skipped, as in Keras
        values, lengths = _flatten(seqs)
        arrays |= {f"{split}_values": values.astype(np.int32), f"{split}_lengths": lengths, f"{split}_labels": y}
    _save_npz(npz, arrays)
    from deepdojo.report.rundir import atomic_write_text

    atomic_write_text(index_path, json.dumps(index))
    return {"source": tarball.name, **{s: (arrays[f"{s}_values"].astype(np.int64), arrays[f"{s}_lengths"],
                                           arrays[f"{s}_labels"]) for s in ("train", "test")}}


def _read_acl(tarball: Path):
    """Every labelled review, sorted by (label, id) per split; cached as UTF-8 bytes + offsets (no pickle)."""
    cached = _derived_path(tarball, "-raw.npz")
    if cached.exists():
        with np.load(cached, allow_pickle=False) as f:
            return [(_split_texts(f[f"{s}_bytes"], f[f"{s}_ends"]), f[f"{s}_labels"]) for s in ("train", "test")]
    out = _read_acl_tar(tarball)
    arrays = {}
    for split, (texts, labels) in zip(("train", "test"), out):
        encoded = [t.encode("utf-8") for t in texts]
        arrays |= {f"{split}_bytes": np.frombuffer(b"".join(encoded), dtype=np.uint8),
                   f"{split}_ends": np.cumsum([len(e) for e in encoded], dtype=np.int64), f"{split}_labels": labels}
    _save_npz(cached, arrays)
    return out


def _split_texts(blob: np.ndarray, ends: np.ndarray) -> list[str]:
    raw, bounds = blob.tobytes(), [0] + ends.tolist()
    return [raw[a:b].decode("utf-8") for a, b in zip(bounds[:-1], bounds[1:])]


def _save_npz(path: Path, arrays: dict) -> None:
    """np.savez to a temporary file in the same folder, then rename (never half a cache file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
    os.close(fd)
    try:
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_acl_tar(tarball: Path):
    """Read every labelled review from the tarball in place, sorted by (label, id) per split."""
    rows = {"train": [], "test": []}
    try:
        with tarfile.open(tarball) as tf:
            for m in cache.progress_iter(tf, None, f"reading {tarball.name}"):
                g = _REVIEW.search(m.name)
                if g and m.isfile():
                    text = tf.extractfile(m).read().decode("utf-8")
                    rows[g[1]].append((int(g[2] == "pos"), int(g[3]), text))
    except (tarfile.TarError, OSError, EOFError, zlib.error, UnicodeDecodeError) as e:
        raise DataError(f"{tarball}: cannot read the aclImdb archive ({e}); it is corrupt or truncated - delete it "
                        "and run `deepdojo data fetch imdb` (or `deepdojo data verify`)") from None
    out = []
    for split in ("train", "test"):
        items = sorted(rows[split], key=lambda r: (r[0], r[1]))
        out.append(([r[2] for r in items], np.array([r[0] for r in items], dtype=np.int64)))
    return out


def imdb_word_index(path: str | Path | None = None) -> dict[str, int]:
    """Word → rank (1 = most frequent) matching what `load_imdb` reads on this machine.

    Keras' ``imdb_word_index.json`` goes with ``imdb.npz``; the derived index with the raw tarball.
    """
    found = hub.fetch_first("imdb", ["imdb.npz", *_IMDB_RAW], path)
    if found.name == "imdb.npz":
        return _read_json(hub.fetch("imdb", "imdb_word_index.json"), "imdb")
    _derived_from_raw(found)
    return _read_json(_derived_path(found, "-word_index.json"), "imdb")


def decode(seq, word_index: dict[str, int], index_from: int = 3) -> str:
    """Turn an index sequence back into words, as DLwP does (reserved and unknown indices → ``?``)."""
    reverse = {i + index_from: w for w, i in word_index.items()}
    return " ".join(reverse.get(int(i), "?") for i in seq)


def load_imdb_raw(validation_size: int | float = 5000, seed: int = 1337, path: str | Path | None = None):
    """The raw aclImdb reviews: ``(train_texts, y), (val_texts, y), (test_texts, y)``.

    Args:
        validation_size: reviews (int) or fraction (float) drawn from the 25k training reviews,
            reproducibly with `seed` (DLwP 2e: 5,000); 0 for none.
        seed: the validation draw's seed.

    Returns:
        lists of str and int64 label arrays (1 = positive); test has 25,000 reviews.
    """
    tarball = hub.fetch_first("imdb", _IMDB_RAW, path)
    (tr, ytr), (te, yte) = _read_acl(tarball)
    hub.check_split("imdb", "train", len(tr))
    hub.check_split("imdb", "test", len(te))
    n_val = int(round(validation_size * len(tr))) if isinstance(validation_size, float) else int(validation_size)
    perm = np.random.default_rng(seed).permutation(len(tr))
    val_idx, tr_idx = np.sort(perm[:n_val]), np.sort(perm[n_val:])
    pick = lambda idx: ([tr[i] for i in idx], ytr[idx])  # noqa: E731
    return pick(tr_idx), pick(val_idx), (te, yte)


# -- Reuters -----------------------------------------------------------------------------------
def load_reuters(num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1, oov_char=2,
                 index_from=3, path: str | Path | None = None):
    """Reuters newswires as Keras' ``reuters.load_data`` returns them (46 topics, 8,982 / 2,246).

    The whole set is shuffled with ``RandomState(seed)``, transformed like IMDB, then split at
    ``int(len * (1 - test_split))``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: object arrays of int lists and int labels.
    """
    arrays = load_npz(hub.fetch("reuters", "reuters.npz", path))
    values, lengths = _flatten(arrays["x"])
    labels = np.asarray(arrays["y"]).astype(np.int64)
    hub.check_split("reuters", "all", len(lengths))
    rng = np.random.RandomState(seed)
    ((xs, ys),) = _keras_form([_shuffle(rng, values, lengths, labels)], num_words=num_words, skip_top=skip_top,
                              maxlen=maxlen, start_char=start_char, oov_char=oov_char, index_from=index_from)
    idx = int(len(xs) * (1 - test_split))
    return (xs[:idx], ys[:idx]), (xs[idx:], ys[idx:])


def reuters_word_index(path: str | Path | None = None) -> dict[str, int]:
    """Keras' ``reuters_word_index.json`` (word → rank; add `index_from` to match the sequences)."""
    return _read_json(hub.fetch("reuters", "reuters_word_index.json", path), "reuters")


def _read_json(path: Path, dataset: str) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: not valid JSON ({e}); delete it and run `deepdojo data fetch {dataset}`") from None
