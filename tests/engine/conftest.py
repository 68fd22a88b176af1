"""Engine test fixtures: one thread, tiny blobs."""
from __future__ import annotations

import pytest
import torch

from engine_helpers import make_blobs


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


@pytest.fixture
def blobs():
    return make_blobs()
