"""Keras' default initialisation, so that published Keras numbers are comparable.

Keras initialises ``Dense``/``Conv`` kernels glorot-uniform with zero biases, ``Embedding`` uniform
in [-0.05, 0.05], and recurrent layers with glorot-uniform input kernels, orthogonal recurrent
kernels and zero biases (LSTM: forget-gate bias 1, ``unit_forget_bias=True``). PyTorch's defaults
(Kaiming-uniform with fan-in biases) differ, which changes early training noticeably on the small
networks of the classic examples.
"""
from __future__ import annotations

import torch
from torch import nn

_CONV = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d,
         nn.Bilinear)


def _init_rnn(m: nn.RNNBase) -> None:
    gates = {"LSTM": 4, "GRU": 3}.get(type(m).__name__, 1)
    for name, p in m.named_parameters():
        if name.startswith("weight_ih"):
            nn.init.xavier_uniform_(p)  # (gates*H, in): same limits as Keras' (in, gates*H) kernel
        elif name.startswith("weight_hh"):
            # Keras: one orthogonal (H, gates*H) recurrent kernel; torch stores its transpose
            with torch.no_grad():
                q = torch.empty(p.shape[1], p.shape[0])
                nn.init.orthogonal_(q)
                p.copy_(q.T)
        elif name.startswith("weight_hr"):  # LSTM projection
            nn.init.xavier_uniform_(p)
        elif name.startswith("bias"):
            nn.init.zeros_(p)
            if gates == 4 and name.startswith("bias_ih"):
                h = p.shape[0] // 4
                with torch.no_grad():
                    p[h:2 * h] = 1.0  # torch gate order i, f, g, o: the forget gate is the second block


def keras_init_(model: nn.Module) -> nn.Module:
    """Re-initialise `model` in place the way Keras would, and return it.

    Dense/Conv(Transpose) weights: glorot (xavier) uniform, biases zero; Embedding: U(-0.05, 0.05);
    RNN/LSTM/GRU: glorot-uniform input weights, orthogonal recurrent weights, zero biases, forget
    bias 1 for LSTM; normalisation layers: ones and zeros. Other modules are left as they are.

    Args:
        model: any module; its submodules are visited recursively.

    Returns:
        The same `model`.
    """
    for m in model.modules():
        if isinstance(m, _CONV):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.uniform_(m.weight, -0.05, 0.05)
        elif isinstance(m, nn.RNNBase):
            _init_rnn(m)
        elif isinstance(m, (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm)):
            if getattr(m, "weight", None) is not None:
                nn.init.ones_(m.weight)
            if getattr(m, "bias", None) is not None:
                nn.init.zeros_(m.bias)
    return model
