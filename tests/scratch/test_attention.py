"""NumPy self-attention equals torch's scaled_dot_product_attention."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from deepdojo.scratch.attention import scaled_dot_product_attention, self_attention, self_attention_loops


def test_slide_loops_equal_vectorised_self_attention():
    x = np.random.default_rng(0).normal(size=(7, 4))
    out, weights = self_attention(x)
    np.testing.assert_allclose(self_attention_loops(x), out, rtol=1e-12)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)


@pytest.mark.parametrize("causal", [False, True])
def test_matches_torch_sdpa_with_heads(causal):
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(2, 3, 5, 8)), rng.normal(size=(2, 3, 5, 8)), rng.normal(size=(2, 3, 5, 6))
    ref = F.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v)), is_causal=causal)
    out, weights = scaled_dot_product_attention(q, k, v, causal=causal)
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-10, atol=1e-12)
    if causal:
        assert np.all(np.triu(weights[0, 0], 1) == 0)


def test_boolean_mask_matches_torch_and_shapes_are_checked():
    rng = np.random.default_rng(2)
    q, k, v = rng.normal(size=(4, 3)), rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    mask = rng.random((4, 6)) < 0.7
    mask[:, 0] = True  # every query keeps at least one key
    ref = F.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v)), attn_mask=torch.tensor(mask))
    np.testing.assert_allclose(scaled_dot_product_attention(q, k, v, mask=mask)[0], ref.numpy(), rtol=1e-10)
    with pytest.raises(ValueError, match="incompatible shapes"):
        scaled_dot_product_attention(q, k[:, :2], v)
