"""Weights in safetensors; training state for ``--resume`` alongside; everything written atomically.

A training checkpoint is a folder ``<checkpoint_dir>/epoch-NNNN/`` holding

* ``model.safetensors`` — the weights,
* ``state.pt`` — optimizer/scheduler state dicts, the epoch, the history, callback states and every
  RNG (torch CPU and CUDA, NumPy, Python ``random``, the trainer's shuffle generator), written with
  ``torch.save`` and read back with ``torch.load(weights_only=True)`` (tensors, numbers, strings,
  lists and dicts only — no pickled objects),
* ``meta.json`` — epoch and time, for humans.

The folder is written under a temporary name and renamed, then ``latest.json`` (also written via
temp + rename) points at it, so a crash at any moment leaves the previous checkpoint intact.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_model, save_model


def unwrap(model: torch.nn.Module) -> torch.nn.Module:
    """The plain module inside a DistributedDataParallel and/or torch.compile wrapper."""
    while True:
        if hasattr(model, "_orig_mod"):
            model = model._orig_mod
        elif isinstance(model, torch.nn.parallel.DistributedDataParallel):
            model = model.module
        else:
            return model


def save_weights(model: torch.nn.Module, path: str | Path) -> Path:
    """Save the model's weights (parameters and buffers) as safetensors, atomically.

    Args:
        model: any module (DDP / compiled wrappers are unwrapped; tied weights are stored once).
        path: the ``.safetensors`` file to write (parents created).

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        save_model(unwrap(model), tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_weights(model: torch.nn.Module, path: str | Path, strict: bool = True) -> torch.nn.Module:
    """Load safetensors weights into `model` in place (onto the model's device).

    Raises:
        FileNotFoundError: no such file.
        RuntimeError: the file's tensors do not match the model (missing/unexpected names or shapes).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no weights file at {path}")
    inner = unwrap(model)
    device = next((p.device for p in inner.parameters()), torch.device("cpu"))
    try:
        missing, unexpected = load_model(inner, path, strict=False, device=str(device))
    except RuntimeError as e:  # shape mismatches
        raise RuntimeError(f"{path} does not fit {type(inner).__name__} - was it saved from a different "
                           f"architecture or config? {e}") from None
    if strict and (missing or unexpected):
        raise RuntimeError(f"{path} does not match {type(inner).__name__}: missing {sorted(missing)}, "
                           f"unexpected {sorted(unexpected)} - was it saved from a different architecture?")
    return model


# -- RNG state ----------------------------------------------------------------------------------

def rng_state() -> dict[str, Any]:
    """Every global RNG as tensors and plain numbers (loadable with weights_only=True)."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    version, py_state, gauss = random.getstate()
    state = {
        "torch": torch.get_rng_state(),
        "numpy": {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                  "has_gauss": int(has_gauss), "cached": float(cached)},
        "python": {"version": version, "state": list(py_state), "gauss": gauss},
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore what `rng_state` returned."""
    torch.set_rng_state(state["torch"])
    npst = state["numpy"]
    np.random.set_state((npst["kind"], npst["keys"].numpy().astype(np.uint32), npst["pos"],
                         npst["has_gauss"], npst["cached"]))
    py = state["python"]
    random.setstate((py["version"], tuple(py["state"]), py["gauss"]))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


# -- training checkpoints -----------------------------------------------------------------------

def save_checkpoint(directory: str | Path, epoch: int, model: torch.nn.Module, state: dict[str, Any],
                    keep: int = 1) -> Path:
    """Write ``epoch-NNNN/`` atomically, point ``latest.json`` at it and drop older ones.

    Args:
        directory: the checkpoint folder (created).
        epoch: 0-based index of the epoch just finished.
        model: the model whose weights to save.
        state: everything else (tensors, numbers, strings, lists, dicts).
        keep: how many epoch folders to keep.

    Returns:
        The epoch folder.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"epoch-{epoch:04d}"
    tmp = Path(tempfile.mkdtemp(dir=directory, prefix=f".{final.name}."))
    try:
        save_model(unwrap(model), str(tmp / "model.safetensors"))
        torch.save(state, tmp / "state.pt")
        (tmp / "meta.json").write_text(json.dumps({"epoch": epoch, "time": time.time()}) + "\n")
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fd, ptr = tempfile.mkstemp(dir=directory, prefix=".latest.", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps({"epoch": epoch, "path": final.name}) + "\n")
    os.replace(ptr, directory / "latest.json")
    folders = sorted(p for p in directory.glob("epoch-*") if p.is_dir())
    for old in folders[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def load_checkpoint(directory: str | Path, model: torch.nn.Module) -> dict[str, Any] | None:
    """Load the latest checkpoint's weights into `model` and return its state (None if there is none)."""
    directory = Path(directory)
    pointer = directory / "latest.json"
    if not pointer.is_file():
        return None
    folder = directory / json.loads(pointer.read_text())["path"]
    load_weights(model, folder / "model.safetensors")
    return torch.load(folder / "state.pt", weights_only=True, map_location="cpu")
