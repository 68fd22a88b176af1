"""One epoch of the 784-128-10 MLP on MNIST-shaped data: deepdojo.scratch (NumPy) vs PyTorch on CPU.

Both sides train the same model (ReLU hidden layer, softmax cross-entropy, SGD lr 0.05 momentum
0.9) on the same 60,000 x 784 float32 inputs in shuffled minibatches, with the same number of
threads (NumPy's BLAS pool and torch's intra-op pool, both set by --threads). Repeats are
interleaved (numpy, torch, numpy, ...) so that load from other processes on a shared machine hits
both alike; medians and their ratio are printed. A third row runs NumPy with OpenBLAS's default
thread pool, to show why the scratch loops pin it.

    python benchmarks/scratch_vs_torch.py [--repeats 3] [--batch-size 64] [--threads 1] [--n 60000]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from deepdojo.scratch import MLP, SGD
from deepdojo.scratch.train import train_step


def numpy_epoch(x: np.ndarray, y: np.ndarray, batch_size: int, threads: int | None) -> float:
    """Seconds for one epoch of the scratch MLP (threads=None: OpenBLAS's default pool)."""
    rng = np.random.default_rng(0)
    model = MLP([784, 128, 10], ["relu", "linear"], rng=rng, init="he", dtype=np.float32)
    opt = SGD(0.05, 0.9)
    order = rng.permutation(len(x))
    with threadpool_limits(limits=threads, user_api="blas"):
        start = time.perf_counter()
        for i in range(0, len(x), batch_size):
            idx = order[i:i + batch_size]
            train_step(model, x[idx], y[idx], "softmax_cross_entropy", opt)
        return time.perf_counter() - start


def torch_epoch(x: torch.Tensor, y: torch.Tensor, batch_size: int) -> float:
    """Seconds for one epoch of the same model in PyTorch (eager, CPU)."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    order = torch.randperm(len(x))
    start = time.perf_counter()
    for i in range(0, len(x), batch_size):
        idx = order[i:i + batch_size]
        loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--n", type=int, default=60000, help="training samples per epoch")
    ap.add_argument("--skip-default-pool", action="store_true", help="skip the NumPy default-thread-pool row")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    x = rng.random((args.n, 784), dtype=np.float32)  # MNIST-shaped: pixels in [0, 1]
    y = rng.integers(0, 10, args.n)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    numpy_epoch(x[:2048], y[:2048], args.batch_size, args.threads)  # warm-up both
    torch_epoch(xt[:2048], yt[:2048], args.batch_size)
    times: dict[str, list[float]] = {"numpy (scratch)": [], "torch": [], "numpy, default BLAS pool": []}
    for r in range(args.repeats):
        times["numpy (scratch)"].append(numpy_epoch(x, y, args.batch_size, args.threads))
        times["torch"].append(torch_epoch(xt, yt, args.batch_size))
        if not args.skip_default_pool:
            times["numpy, default BLAS pool"].append(numpy_epoch(x, y, args.batch_size, None))
        print(f"repeat {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items() if v), flush=True)
    base = statistics.median(times["torch"])
    print(f"\none epoch, n={args.n}, batch {args.batch_size}, {args.threads} thread(s), median of {args.repeats}")
    print(f"{'implementation':28s} {'median s':>9s} {'vs torch':>9s}")
    for name, values in times.items():
        if values:
            med = statistics.median(values)
            print(f"{name:28s} {med:9.2f} {med / base:8.2f}x")


if __name__ == "__main__":
    main()
