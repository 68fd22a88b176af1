"""The replay buffer: ring behaviour, batched adds, sampling."""
import numpy as np
import pytest

from deepdojo.rl.replay import ReplayBuffer


def fill(buf, start, n):
    obs = np.arange(start, start + n, dtype=np.float32)[:, None].repeat(2, 1)
    buf.add(obs, np.arange(n) % 2, np.ones(n), obs + 1, np.zeros(n))


def test_ring_overwrites_oldest():
    buf = ReplayBuffer(5, (2,))
    fill(buf, 0, 3)
    assert len(buf) == 3
    fill(buf, 3, 4)  # 7 added into 5 slots
    assert len(buf) == 5 and buf.pos == 2
    assert sorted(buf.obs[:, 0].tolist()) == [2, 3, 4, 5, 6]
    assert bool((buf.next_obs == buf.obs + 1).all())  # transitions stay aligned across the wrap


def test_sample_shapes_and_determinism():
    buf = ReplayBuffer(100, (2,))
    fill(buf, 0, 10)
    a = buf.sample(32, np.random.default_rng(0))
    b = buf.sample(32, np.random.default_rng(0))
    assert a["obs"].shape == (32, 2) and a["actions"].shape == (32,) and a["actions"].dtype.is_floating_point is False
    assert all((a[k] == b[k]).all() for k in a)
    assert a["obs"].max() < 10  # only stored rows are sampled


def test_errors():
    with pytest.raises(ValueError, match="empty"):
        ReplayBuffer(4, (1,)).sample(2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="capacity"):
        ReplayBuffer(0, (1,))
