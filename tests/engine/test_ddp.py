"""DDP: two gloo processes on CPU follow the same loss curve as one process with the same global batch."""
from __future__ import annotations

import json
import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from deepdojo.engine import evaluate, fit
from deepdojo.engine.runtime import seed_everything
from engine_helpers import Boring, make_blobs

SCE = "sparse_categorical_crossentropy"
N = 250  # not a multiple of the batch: the last global batch (26) is split 13 / 13


def _train(out_dir=None):
    x, y = make_blobs(N)
    seed_everything(0 + (dist.get_rank() if dist.is_initialized() else 0))  # as the runner seeds each rank
    model = Boring()
    hist = fit(model, (x, y), val=make_blobs(61, seed=1), epochs=3, batch_size=32, loss=SCE, metrics=["accuracy"],
               optimizer="adam", lr=1e-2, verbose=False, checkpoint_dir=out_dir)
    return model, hist, evaluate(model, make_blobs(61, seed=1), loss=SCE, metrics=["accuracy"], batch_size=7)


def _worker(rank: int, world: int, port: int, out: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), WORLD_SIZE=str(world),
                      LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(world))
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        model, hist, final = _train(os.path.join(out, "ckpt"))
        weights = {k: v.tolist() for k, v in model.state_dict().items()}
        with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
            json.dump({"history": hist.history, "final": final, "weights": weights}, f)
        dist.barrier()  # both ranks done before the group goes away (gloo aborts if one tears down mid-exchange)
    finally:
        dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.timeout(120)
def test_ddp_two_gloo_ranks_match_one_process(tmp_path):
    mp.spawn(_worker, args=(2, _free_port(), str(tmp_path)), nprocs=2, join=True)
    r0 = json.loads((tmp_path / "rank0.json").read_text())
    r1 = json.loads((tmp_path / "rank1.json").read_text())
    assert r0["history"] == r1["history"] and r0["final"] == r1["final"]  # metrics all-reduced: every rank agrees
    assert r0["weights"] == r1["weights"]  # gradients all-reduced: replicas stay identical
    assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == ["epoch-0002", "latest.json"]

    _, single, final = _train()
    for key, values in single.history.items():
        assert r0["history"][key] == pytest.approx(values, rel=1e-4, abs=1e-6), key
    assert r0["final"] == pytest.approx(final, rel=1e-4)
