"""BLAS thread control for the scratch training loops.

Minibatch matmuls (64 x 784 @ 784 x 128) are too small for OpenBLAS's threads to pay off, and
its worker threads spin while waiting: on a busy 2-core machine one epoch of the MNIST MLP took
25x longer with the default thread pool than with one thread (measured, see
benchmarks/results/scratch.md). The loops therefore run with a small, explicit BLAS pool.
"""
from __future__ import annotations

import contextlib
import os


def blas_threads(n: int | None = None):
    """Context manager limiting NumPy's BLAS to `n` threads (default: ``DEEPDOJO_BLAS_THREADS`` or 1).

    Falls back to doing nothing when ``threadpoolctl`` (a scikit-learn dependency) is missing.
    """
    n = n or int(os.environ.get("DEEPDOJO_BLAS_THREADS", "1"))
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn always brings it
        return contextlib.nullcontext()
    return threadpool_limits(limits=n, user_api="blas")
