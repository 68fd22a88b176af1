"""deepdojo's `fit` against a plain PyTorch DataLoader loop and Keras 3 (torch backend), side by side.

The model is Chollet's MNIST convnet (DLwP §5.1): Conv32-MaxPool-Conv64-MaxPool-Conv64-Dense64-Dense10,
RMSprop (Keras defaults), batch 64, categorical cross-entropy, 3 epochs, on the same in-memory 28×28
data: Fashion-MNIST from Debian's ``dataset-fashion-mnist`` package when it is installed
(``/usr/share/datasets/fashion-mnist``), else a synthetic stand-in of the same shapes.

Every run of every contender is its own subprocess (so each one's peak RSS is its own), and the
repeats are interleaved (A B C A B C ...) so that load from other users of a shared machine hits
every contender alike. Library imports (torch, torch._dynamo — which any torch optimizer pulls in —, keras)
happen before the clock starts; the clock covers building nothing but the training call itself (the
engine's own per-fit setup included). Reported: median training samples/s over the repeats, the ratios to
deepdojo, peak RSS, final test accuracy.

    python benchmarks/engine_vs_peers.py --samples 10000 --repeats 3
    python benchmarks/engine_vs_peers.py --contenders deepdojo,deepdojo-bf16,dataloader,keras
    python benchmarks/engine_vs_peers.py --paired 12 --samples 2048 --threads 1   # in-process, rotated rounds
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

FASHION = Path("/usr/share/datasets/fashion-mnist")
CONTENDERS = ("deepdojo", "deepdojo-bf16", "deepdojo-cl", "dataloader", "keras")


def load_data(samples: int, test_samples: int):
    """(x_train, y_train, x_test, y_test): float32 (N, 28, 28) in [0, 1] and int64 labels, plus the source name."""
    import numpy as np

    if (FASHION / "train-images-idx3-ubyte.gz").exists():
        from deepdojo.data.vision import read_idx

        xtr = read_idx(FASHION / "train-images-idx3-ubyte.gz", "fashion-mnist")[:samples]
        ytr = read_idx(FASHION / "train-labels-idx1-ubyte.gz", "fashion-mnist")[:samples]
        xte = read_idx(FASHION / "t10k-images-idx3-ubyte.gz", "fashion-mnist")[:test_samples]
        yte = read_idx(FASHION / "t10k-labels-idx1-ubyte.gz", "fashion-mnist")[:test_samples]
        source = "Fashion-MNIST (Debian dataset-fashion-mnist)"
    else:  # synthetic stand-in: class-dependent blobs of the same shapes, so accuracy still means something
        rng = np.random.default_rng(0)
        protos = rng.random((10, 28, 28)) > 0.7
        ytr, yte = rng.integers(0, 10, samples), rng.integers(0, 10, test_samples)
        xtr = (protos[ytr] * 180 + rng.integers(0, 75, (samples, 28, 28))).astype(np.uint8)
        xte = (protos[yte] * 180 + rng.integers(0, 75, (test_samples, 28, 28))).astype(np.uint8)
        source = "synthetic stand-in (dataset-fashion-mnist not installed)"
    f = lambda a: (a.astype(np.float32) / 255.0)  # noqa: E731
    return f(xtr), ytr.astype(np.int64), f(xte), yte.astype(np.int64), source


def torch_convnet():
    """The book's network in PyTorch, with Keras' initialisation (logits out; softmax lives in the loss)."""
    from torch import nn

    from deepdojo.nn.init import keras_init_

    return keras_init_(nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),     # (B, 32, 13, 13)
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),    # (B, 64, 5, 5)
        nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),       # (B, 576)
        nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10)))   # (B, 10)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith(key + ":"))


def start_training_memory() -> None:
    """Reset the kernel's peak-RSS mark (VmHWM), so the training phase is measured on its own."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        TRAIN_RSS.append(_status_mb("VmRSS"))
    except OSError:  # not Linux: fall back to the process-wide peak
        TRAIN_RSS.append(float("nan"))


def end_training_memory() -> None:
    try:
        TRAIN_RSS.append(_status_mb("VmHWM"))
    except OSError:
        end_training_memory()


TRAIN_RSS: list[float] = []  # [RSS when training starts, peak RSS during training]


def run_deepdojo(data, epochs: int, batch: int, **options) -> tuple[float, float]:
    import torch

    from deepdojo.engine import evaluate, fit

    xtr, ytr, xte, yte = data
    x, xt = torch.from_numpy(xtr).unsqueeze(1), torch.from_numpy(xte).unsqueeze(1)  # (N, 1, 28, 28)
    y = torch.nn.functional.one_hot(torch.from_numpy(ytr), 10).float()  # the book's to_categorical
    model = torch_convnet()
    start_training_memory()
    started = time.perf_counter()
    fit(model, (x, y), epochs=epochs, batch_size=batch, loss="categorical_crossentropy", optimizer="rmsprop",
        metrics=["accuracy"], device="cpu", verbose=False, **options)
    seconds = time.perf_counter() - started
    end_training_memory()
    acc = evaluate(model, (xt, torch.from_numpy(yte)), metrics=["accuracy"], batch_size=1000)["test/acc"]
    return seconds, acc


def dataloader_epoch(model, opt, loader) -> tuple[float, int, int]:
    """One epoch of the usual tutorial loop, with the per-batch ``.item()`` syncs it pays for its running stats.

    Returns:
        (summed loss, correct predictions, samples seen).
    """
    import torch.nn.functional as F

    model.train()
    running, correct, seen = 0.0, 0, 0
    for xb, yb in loader:
        opt.zero_grad()
        out = model(xb)
        loss = F.cross_entropy(out, yb)
        loss.backward()
        opt.step()
        running += loss.item() * len(xb)
        correct += (out.argmax(1) == yb.argmax(1)).sum().item()
        seen += len(xb)
    return running, correct, seen


def run_dataloader(data, epochs: int, batch: int) -> tuple[float, float]:
    """The loop most PyTorch tutorials write: DataLoader(TensorDataset), .item() per batch for the running loss."""
    import torch
    import torch.nn.functional as F
    from torch.utils.data import DataLoader, TensorDataset

    xtr, ytr, xte, yte = data
    x, xt = torch.from_numpy(xtr).unsqueeze(1), torch.from_numpy(xte).unsqueeze(1)
    y = F.one_hot(torch.from_numpy(ytr), 10).float()
    model = torch_convnet()
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)  # torch's closest to Keras' defaults
    loader = DataLoader(TensorDataset(x, y), batch_size=batch, shuffle=True)
    start_training_memory()
    started = time.perf_counter()
    for _ in range(epochs):
        dataloader_epoch(model, opt, loader)
    seconds = time.perf_counter() - started
    end_training_memory()
    model.eval()
    with torch.no_grad():  # batches of 1000, like the other two
        pred = torch.cat([model(xt[i:i + 1000]).argmax(1) for i in range(0, len(xt), 1000)])
    return seconds, (pred == torch.from_numpy(yte)).float().mean().item()


def run_keras(data, epochs: int, batch: int) -> tuple[float, float]:
    """The book's own code (DLwP §5.1) on Keras 3 with the torch backend."""
    import keras
    from keras import layers, models

    xtr, ytr, xte, yte = data
    model = models.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"), layers.Flatten(),
        layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    y = keras.utils.to_categorical(ytr, 10)
    start_training_memory()
    started = time.perf_counter()
    model.fit(xtr[..., None], y, epochs=epochs, batch_size=batch, verbose=0)
    seconds = time.perf_counter() - started
    end_training_memory()
    _, acc = model.evaluate(xte[..., None], keras.utils.to_categorical(yte, 10), batch_size=1000, verbose=0)
    return seconds, float(acc)


def paired(args) -> None:
    """All contenders in one process, one epoch each per round, order rotated every round.

    Load from other users changes on a scale of seconds, so per-round ratios of neighbouring
    epochs cancel it better than whole runs minutes apart. Optimizer state restarts every round
    (a fresh `fit` call), which changes nothing about speed.
    """
    os.environ["KERAS_BACKEND"] = "torch"
    import torch
    import torch._dynamo  # noqa: F401
    import torch.nn.functional as F
    from torch.utils.data import DataLoader, TensorDataset

    from deepdojo.engine import fit

    torch.set_num_threads(args.threads)
    xtr, ytr, _, _, source = load_data(args.samples, 1)
    x = torch.from_numpy(xtr).unsqueeze(1)
    y = F.one_hot(torch.from_numpy(ytr), 10).float()
    models = {n: torch_convnet() for n in ("deepdojo", "deepdojo-bf16", "dataloader")}
    opt = torch.optim.RMSprop(models["dataloader"].parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    loader = DataLoader(TensorDataset(x, y), batch_size=args.batch_size, shuffle=True)

    def loop_epoch():
        dataloader_epoch(models["dataloader"], opt, loader)

    def engine_epoch(name, **kw):
        return lambda: fit(models[name], (x, y), epochs=1, batch_size=args.batch_size, loss="categorical_crossentropy",
                           optimizer="rmsprop", metrics=["accuracy"], device="cpu", verbose=False, **kw)

    epochs = {"deepdojo": engine_epoch("deepdojo"), "deepdojo-bf16": engine_epoch("deepdojo-bf16", precision="bf16"),
              "dataloader": loop_epoch}
    if "keras" in args.contenders:
        import keras
        from keras import layers

        km = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
                               layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
                               layers.Conv2D(64, 3, activation="relu"), layers.Flatten(),
                               layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
        km.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
        kx, ky = xtr[..., None], y.numpy()
        epochs["keras"] = lambda: km.fit(kx, ky, epochs=1, batch_size=args.batch_size, verbose=0)
    names = [n for n in args.contenders.split(",") if n in epochs]
    for fn in epochs.values():  # warm-up: first-call costs (oneDNN primitives, Keras tracing) are not throughput
        fn()
    speed: dict[str, list[float]] = {n: [] for n in names}
    for r in range(args.paired):
        for name in names[r % len(names):] + names[:r % len(names)]:
            started = time.perf_counter()
            epochs[name]()
            speed[name].append(args.samples / (time.perf_counter() - started))
    print(f"paired: {args.paired} rounds x 1 epoch of {args.samples} samples, {args.threads} thread(s), data: {source}")
    print("| contender | median samples/s | median per-round ratio deepdojo ÷ it | rounds |")
    print("|---|---|---|---|")
    for name in names:
        ratios = [a / b for a, b in zip(speed["deepdojo"], speed[name])]
        print(f"| {name} | {statistics.median(speed[name]):,.0f} | {statistics.median(ratios):.2f}x | {len(speed[name])} |")
    if args.json:
        args.json.write_text(json.dumps(speed, indent=1) + "\n")


def worker(args) -> None:
    """Run one contender once in this process and print one JSON line."""
    if args.worker == "keras":
        os.environ["KERAS_BACKEND"] = "torch"  # before keras is imported
    import torch
    import torch._dynamo  # noqa: F401  every torch optimizer imports it on creation (seconds): not the engine's cost

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    *data, source = load_data(args.samples, args.test_samples)
    name = args.worker
    if name == "keras":
        import keras

        keras.utils.set_random_seed(args.seed)
        seconds, acc = run_keras(data, args.epochs, args.batch_size)
    elif name == "dataloader":
        seconds, acc = run_dataloader(data, args.epochs, args.batch_size)
    else:
        options = {"deepdojo": {}, "deepdojo-bf16": {"precision": "bf16"}, "deepdojo-cl": {"channels_last": True},
                   "deepdojo-compile": {"compile": True}}[name]
        seconds, acc = run_deepdojo(data, args.epochs, args.batch_size, **options)
    print(json.dumps({"contender": name, "seconds": seconds, "samples_per_s": args.epochs * args.samples / seconds,
                      "test_acc": acc, "peak_rss_mb": TRAIN_RSS[1], "train_added_mb": TRAIN_RSS[1] - TRAIN_RSS[0],
                      "peak_rss_process_mb": peak_rss_mb(),
                      "data": source}))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--samples", type=int, default=60000, help="training samples (a subset keeps it short)")
    p.add_argument("--test-samples", type=int, default=10000)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--contenders", default="deepdojo,dataloader,keras", help=f"comma list of {', '.join(CONTENDERS)}, deepdojo-compile")
    p.add_argument("--json", type=Path, help="also write all runs to this JSON file")
    p.add_argument("--paired", type=int, default=0, help="instead: this many in-process rounds of one epoch each")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        return worker(args)
    if args.paired:
        return paired(args)

    names = args.contenders.split(",")
    runs: dict[str, list[dict]] = {n: [] for n in names}
    for r in range(args.repeats):
        for name in names:  # interleaved: contention from other processes hits everyone alike
            cmd = [sys.executable, __file__, "--worker", name, "--seed", str(r), "--samples", str(args.samples),
                   "--test-samples", str(args.test_samples), "--epochs", str(args.epochs),
                   "--batch-size", str(args.batch_size), "--threads", str(args.threads)]
            out = subprocess.run(cmd, capture_output=True, text=True)
            if out.returncode != 0:
                print(f"{name} failed:\n{out.stderr[-2000:]}", file=sys.stderr)
                continue
            row = json.loads(out.stdout.strip().splitlines()[-1])
            runs[name].append(row)
            print(f"repeat {r + 1} {name:>14}: {row['samples_per_s']:8.0f} samples/s  acc {row['test_acc']:.4f}  "
                  f"rss {row['peak_rss_mb']:.0f} MB", flush=True)
    base = statistics.median(x["samples_per_s"] for x in runs["deepdojo"]) if runs.get("deepdojo") else None
    print(f"\n{args.samples} training samples x {args.epochs} epochs, batch {args.batch_size}, {args.threads} threads, "
          f"data: {next(iter(runs.values()))[0]['data'] if any(runs.values()) else '?'}")
    print("| contender | median samples/s | deepdojo / it | peak RSS in training (MB) | added by training (MB) "
          "| median test acc | runs |")
    print("|---|---|---|---|---|---|---|")
    for name, rows in runs.items():
        if not rows:
            continue
        sps = statistics.median(x["samples_per_s"] for x in rows)
        ratio = f"{base / sps:.2f}x" if base else "-"
        med = lambda key: statistics.median(x.get(key, float("nan")) for x in rows)  # noqa: E731
        print(f"| {name} | {sps:,.0f} | {ratio} | {med('peak_rss_mb'):,.0f} | {med('train_added_mb'):,.0f} | "
              f"{med('test_acc'):.4f} | {len(rows)} |")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1) + "\n")


if __name__ == "__main__":
    main()
