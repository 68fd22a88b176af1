"""imdb-dense (deepdojo's engine) against the book's own Keras 3 code, on the same arrays, side by side.

Usage:
    DEEPDOJO_MIRROR=/path/to/mirror python benchmarks/imdb_dense_vs_keras.py [--epochs 4] [--repeats 3]
        [--backend torch] [--threads 1]

Both train DLwP §3.4's network (multi-hot 10,000 → Dense16 relu → Dense16 relu → Dense1 sigmoid,
rmsprop, binary cross-entropy, batch 512) on the same 15,000 reviews and validate on the same
first 10,000 each epoch. Repeats are interleaved (deepdojo, Keras, deepdojo, Keras, ...) so that
load from other processes on a shared machine hits both alike. Reported: wall-clock and CPU
seconds per epoch (medians over every epoch of every repeat; an epoch includes its validation
pass; CPU time, summed over threads, is what contention distorts least), the ratios, and the
validation accuracy after the last epoch (median over repeats). Keras runs on the backend
named by ``--backend`` (``KERAS_BACKEND``; torch by default: it needs no other framework).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np


def load_arrays(num_words: int = 10_000):
    """The book's arrays: float32 multi-hot training reviews, the first 10,000 held out."""
    from deepdojo.data import text
    from deepdojo.data.preprocessing import vectorize_sequences

    (train_seqs, y), _ = text.load_imdb(num_words=num_words)
    x = vectorize_sequences(train_seqs, num_words)  # (25000, 10000) float32
    y = np.asarray(y, dtype=np.float32).reshape(-1, 1)
    return (x[10_000:], y[10_000:]), (x[:10_000], y[:10_000])


def run_deepdojo(train, val, epochs: int, seed: int) -> tuple[list[tuple[float, float]], float]:
    """The recipe's model through deepdojo's `fit`; returns ((wall, cpu) seconds per epoch, final val acc)."""
    import torch

    from deepdojo.engine import callbacks as cb
    from deepdojo.engine import fit
    from deepdojo.nn.mlp import MLP, MLPConfig

    class Timer(cb.Callback):
        def __init__(self):
            self.times: list[tuple[float, float]] = []

        def on_epoch_start(self, trainer, epoch):
            self.t0 = (time.perf_counter(), time.process_time())

        def on_epoch_end(self, trainer, epoch, logs):
            self.times.append((time.perf_counter() - self.t0[0], time.process_time() - self.t0[1]))

    torch.manual_seed(seed)
    model = MLP(MLPConfig(in_features=train[0].shape[1], hidden=(16, 16), out_features=1))
    timer = Timer()
    hist = fit(model, train, val=val, epochs=epochs, batch_size=512, optimizer="rmsprop", loss="binary_crossentropy",
               metrics=["accuracy"], callbacks=[timer], device="cpu", verbose=False)
    return timer.times, hist.history["val/acc"][-1]


def run_keras(train, val, epochs: int, seed: int) -> tuple[list[tuple[float, float]], float]:
    """The book's Keras code (DLwP §3.4) verbatim but for the timing callback."""
    import keras
    from keras import layers

    class Timer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times: list[tuple[float, float]] = []

        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = (time.perf_counter(), time.process_time())

        def on_epoch_end(self, epoch, logs=None):
            self.times.append((time.perf_counter() - self.t0[0], time.process_time() - self.t0[1]))

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(train[0].shape[1],)), layers.Dense(16, activation="relu"),
                              layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    timer = Timer()
    hist = model.fit(train[0], train[1], epochs=epochs, batch_size=512, validation_data=val, verbose=0, callbacks=[timer])
    return timer.times, float(hist.history["val_accuracy"][-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=4, help="epochs per repeat (the book's final model: 4)")
    ap.add_argument("--repeats", type=int, default=3, help="interleaved repeats per framework (>= 3)")
    ap.add_argument("--backend", default=os.environ.get("KERAS_BACKEND", "torch"), help="Keras backend")
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads for both")
    args = ap.parse_args(argv)
    os.environ["KERAS_BACKEND"] = args.backend
    try:
        import keras  # noqa: F401
    except ImportError:
        print("Keras 3 is missing: pip install 'deepdojo[bench]' (keras>=3.3)", file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    train, val = load_arrays()
    print(f"data: {len(train[0])} train / {len(val[0])} val reviews, {time.perf_counter() - t0:.1f} s to load")
    runners = {"deepdojo": run_deepdojo, f"keras-{args.backend}": run_keras}
    times = {k: [] for k in runners}
    accs = {k: [] for k in runners}
    for r in range(args.repeats):
        for name, fn in runners.items():  # interleaved: contention hits both alike
            per_epoch, acc = fn(train, val, args.epochs, seed=r)
            times[name] += per_epoch
            accs[name].append(acc)
            print(f"repeat {r + 1}: {name:14s} wall s/epoch {' '.join(f'{w:.2f}' for w, _ in per_epoch)}"
                  f"  cpu s/epoch {' '.join(f'{c:.2f}' for _, c in per_epoch)}  val acc {acc:.4f}", flush=True)
    keras_name = f"keras-{args.backend}"
    wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    n = len(times["deepdojo"])
    print(f"\n| framework | wall s/epoch (median of {n}) | CPU s/epoch (median of {n}) | final val acc (median of {args.repeats}) |")
    print("|---|---|---|---|")
    for k in runners:
        print(f"| {k} | {wall[k]:.3f} | {cpu[k]:.3f} | {statistics.median(accs[k]):.4f} |")
    gap = 100 * (statistics.median(accs["deepdojo"]) - statistics.median(accs[keras_name]))
    print(f"\nspeed-up deepdojo vs {keras_name}: wall {wall[keras_name] / wall['deepdojo']:.2f}x, "
          f"CPU {cpu[keras_name] / cpu['deepdojo']:.2f}x; val acc difference {gap:+.2f} pt ({args.threads} thread(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
