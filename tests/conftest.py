"""Shared test setup: no network, no user cache, quiet plots."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path_factory, monkeypatch):
    """Every test gets an empty data cache, no mirror and offline mode: nothing leaks in from the machine."""
    cache = tmp_path_factory.mktemp("deepdojo-cache")
    monkeypatch.setenv("DEEPDOJO_DATA", str(cache))
    monkeypatch.delenv("DEEPDOJO_MIRROR", raising=False)
    monkeypatch.setenv("DEEPDOJO_OFFLINE", "1")
    monkeypatch.setenv("DEEPDOJO_THREADS", "1")
