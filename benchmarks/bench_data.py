"""Loader timings and two side-by-side comparisons (interleaved repeats, medians, ratios).

Usage:
    DEEPDOJO_MIRROR=/path/to/mirror python benchmarks/bench_data.py [--repeats 5]

1. IMDB in Keras form: deepdojo's vectorised transform vs Keras' list-by-list algorithm
   (``keras.datasets.imdb.load_data`` body) on the same integer data.
2. Multi-hot: ``vectorize_sequences`` vs DLwP's loop ``results[i, seq] = 1``.
3. Wall time of each loader on the real files (first call = cold, then warm).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

import numpy as np


def keras_imdb_transform(x_train, y_train, x_test, y_test, num_words=10000, seed=113, start_char=1, oov_char=2,
                         index_from=3, skip_top=0):
    """Keras 3's imdb.load_data after np.load (shuffle, offsets, OOV), list by list."""
    rng = np.random.RandomState(seed)
    idx = np.arange(len(x_train))
    rng.shuffle(idx)
    x_train, y_train = x_train[idx], y_train[idx]
    idx = np.arange(len(x_test))
    rng.shuffle(idx)
    x_test, y_test = x_test[idx], y_test[idx]
    x_train = [[start_char] + [w + index_from for w in x] for x in x_train]
    x_test = [[start_char] + [w + index_from for w in x] for x in x_test]
    xs = x_train + x_test
    xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return (xs[:len(x_train)], y_train), (xs[len(x_train):], y_test)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def interleaved(a, b, repeats):
    ta, tb = [], []
    for _ in range(repeats):
        ta.append(timed(a)[0])
        tb.append(timed(b)[0])
    return statistics.median(ta), statistics.median(tb)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DEEPDOJO_OFFLINE", "1")
    tmp = tempfile.TemporaryDirectory()
    os.environ["DEEPDOJO_DATA"] = tmp.name
    import torch

    torch.set_num_threads(1)
    from deepdojo.data import corpora, hub, preprocessing, tabular, text, vision

    print("## loader wall times (s): cold = first call in a fresh cache, warm = second call")
    loaders = [
        ("imdb Keras form (num_words=10000)", lambda: text.load_imdb(num_words=10000)),
        ("imdb raw text (20k/5k/25k)", lambda: text.load_imdb_raw()),
        ("fashion-mnist (Debian package)", vision.load_fashion_mnist),
        ("boston-housing (CSV)", tabular.load_boston_housing),
        ("spa-eng (zip in place)", corpora.load_spa_eng),
        ("movielens ml-latest-small", tabular.load_movielens),
    ]
    mirror = os.environ.get("DEEPDOJO_MIRROR")
    approx = os.path.join(mirror or "", "mnist", "train-images-idx3-ubyte-approx.gz")
    if mirror and os.path.exists(approx):
        hub.import_file("mnist", approx, "train-images-idx3-ubyte.gz", unverified=True)
        loaders.insert(0, ("mnist (approx train images, --unverified)", vision.load_mnist))
    for name, fn in loaders:
        try:
            cold, _ = timed(fn)
            warm, _ = timed(fn)
            print(f"| {name} | {cold:.2f} | {warm:.2f} |")
        except hub.DataError as e:
            print(f"| {name} | missing | {str(e).splitlines()[0][:80]} |")

    print("\n## IMDB Keras transform: deepdojo vectorised vs Keras list-by-list (same data)")
    raw = text._imdb_integer_form()
    objs = {}
    for split in ("train", "test"):
        values, lengths, labels = raw[split]
        ends = np.cumsum(lengths).tolist()
        flat = values.tolist()
        arr = np.empty(len(lengths), dtype=object)
        for i, (a, b) in enumerate(zip([0] + ends[:-1], ends)):
            arr[i] = flat[a:b]
        objs[split] = (arr, labels)
    ours = lambda: text.load_imdb(num_words=10000)  # noqa: E731 - includes reading the cached integer form
    theirs = lambda: keras_imdb_transform(objs["train"][0], objs["train"][1], objs["test"][0], objs["test"][1])  # noqa: E731
    (ox, _), (oxt, _) = ours()
    (kx, _), (kxt, _) = theirs()
    assert list(ox) == kx and list(oxt) == kxt, "the two transforms disagree"
    t_ours, t_keras = interleaved(ours, theirs, args.repeats)
    print(f"| deepdojo load_imdb (cached int form + transform) | {t_ours:.2f} s |\n| Keras algorithm (transform only) | {t_keras:.2f} s |"
          f"\n| ratio Keras/deepdojo | {t_keras / t_ours:.2f}x |  (identical output checked)")

    print("\n## multi-hot: vectorize_sequences vs DLwP loop (25,000 x 10,000)")
    seqs = ox

    def loop():
        out = np.zeros((len(seqs), 10000), dtype=np.float32)
        for i, s in enumerate(seqs):
            out[i, s] = 1.0
        return out

    assert np.array_equal(loop(), preprocessing.vectorize_sequences(seqs, 10000))
    t_vec, t_loop = interleaved(lambda: preprocessing.vectorize_sequences(seqs, 10000), loop, args.repeats)
    print(f"| vectorize_sequences | {t_vec:.3f} s |\n| DLwP loop | {t_loop:.3f} s |\n| ratio loop/ours | {t_loop / t_vec:.2f}x |")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
