"""Process-level runtime: seeding, device choice, threads, determinism and DDP setup.

Everything that touches global state lives here so that the trainer stays a pure function of its
arguments. Under ``torchrun`` the environment variables RANK / WORLD_SIZE / LOCAL_RANK are set and
`setup_distributed` joins the process group (gloo on CPU, nccl on CUDA).
"""
from __future__ import annotations

import os
import random

import numpy as np
import torch
import torch.distributed as dist


def seed_everything(seed: int) -> None:
    """Seed Python's `random`, NumPy's global generator and torch (CPU and every CUDA device)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def set_deterministic(on: bool = True) -> None:
    """Ask torch for deterministic kernels (slower on GPU; CPU kernels are already deterministic)."""
    torch.use_deterministic_algorithms(on, warn_only=True)
    if on:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.backends.cudnn.benchmark = not on


def pick_device(device: str | torch.device = "auto") -> torch.device:
    """Resolve ``"auto"`` to CUDA, then MPS, then CPU; under DDP on CUDA use this rank's GPU.

    Raises:
        ValueError: the requested device is not available here, with what is available.
    """
    if isinstance(device, torch.device):
        return device
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", local_rank()) if is_distributed() else torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"--device {device}: CUDA is not available on this machine (use --device cpu or auto)")
    if dev.type == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ValueError(f"--device {device}: MPS is not available on this machine (use --device cpu or auto)")
    return dev


def set_threads(n: int | None = None) -> int:
    """Use one intra-op thread per physical core by default (hyper-threads slow small matmuls down).

    Under DDP on CPU the cores are split between the local processes so they do not oversubscribe.
    """
    if n is None:
        n = int(os.environ.get("DEEPDOJO_THREADS", "0")) or (os.cpu_count() or 1)
        n = max(1, n // max(1, local_world_size()))
    torch.set_num_threads(n)
    return n


# -- distributed -------------------------------------------------------------------------------

def is_distributed() -> bool:
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def rank() -> int:
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else int(os.environ.get("RANK", "0"))


def world_size() -> int:
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else int(os.environ.get("WORLD_SIZE", "1"))


def local_rank() -> int:
    return int(os.environ.get("LOCAL_RANK", "0"))


def local_world_size() -> int:
    return int(os.environ.get("LOCAL_WORLD_SIZE", "1"))


def is_main() -> bool:
    """True on rank 0 (or outside DDP): only this process logs, plots and writes files."""
    return rank() == 0


def setup_distributed(device: torch.device) -> bool:
    """Join the process group when launched by torchrun; returns whether DDP is active."""
    if not is_distributed():
        return False
    if not dist.is_initialized():
        backend = "nccl" if device.type == "cuda" else "gloo"
        if device.type == "cuda":
            torch.cuda.set_device(device)
        dist.init_process_group(backend=backend)
    return True


def broadcast_object(obj):
    """Send rank 0's Python object to every rank (identity outside DDP)."""
    if not (dist.is_available() and dist.is_initialized()):
        return obj
    box = [obj]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def teardown_distributed() -> None:
    """Leave the process group; a barrier first, since gloo aborts a rank torn down mid-exchange."""
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
