"""Optimizers by their Keras names, with Keras' default hyperparameters.

What is matched:

* ``"rmsprop"`` — Keras' RMSprop exactly (lr 1e-3, rho 0.9, eps 1e-7): ``v = rho*v + (1-rho)*g²``,
  ``w -= lr * g / sqrt(v + eps)``. Keras puts eps *inside* the square root; torch's
  ``RMSprop(alpha=rho)`` adds it outside (``g / (sqrt(v) + eps)``), which with eps = 1e-7 is a much
  smaller floor and gives larger steps on parameters with tiny gradients. `KerasRMSprop` below
  implements Keras' formula with fused ``torch._foreach_*`` ops (as fast as torch's own).
* ``"adam"`` — ``torch.optim.Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-7)``. Keras adds eps to the
  *uncorrected* ``sqrt(v)``, torch to the bias-corrected one: the two differ only by a factor
  ``sqrt(1 - beta2^t)`` on eps, i.e. in the first few hundred steps and only where ``sqrt(v) ≈ 1e-7``.
* ``"sgd"`` — ``torch.optim.SGD(lr=0.01)`` (Keras' default, no momentum); identical update.
* ``"adagrad"`` (lr 1e-3, initial accumulator 0.1, eps 1e-7) and ``"adadelta"`` (lr 1e-3, rho
  0.95, eps 1e-7) — torch's implementations with Keras' defaults.
"""
from __future__ import annotations

import difflib
from typing import Any, Callable, Iterable

import torch


class KerasRMSprop(torch.optim.Optimizer):
    """RMSprop with Keras' update ``w -= lr * g / sqrt(v + eps)`` (eps inside the root).

    Args:
        params: parameters or parameter groups.
        lr: learning rate (Keras default 1e-3).
        rho: decay of the running mean of squared gradients (torch calls it ``alpha``).
        eps: added to the mean square before the square root.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, rho: float = 0.9, eps: float = 1e-7):
        if lr < 0 or not 0.0 <= rho < 1.0 or eps < 0:
            raise ValueError(f"KerasRMSprop: need lr >= 0, 0 <= rho < 1, eps >= 0 (got {lr}, {rho}, {eps})")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps))

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            grads = [p.grad for p in params]
            for p in params:
                if "square_avg" not in self.state[p]:
                    self.state[p]["square_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
            sq = [self.state[p]["square_avg"] for p in params]
            torch._foreach_mul_(sq, group["rho"])
            torch._foreach_addcmul_(sq, grads, grads, value=1 - group["rho"])
            denom = torch._foreach_add(sq, group["eps"])
            torch._foreach_sqrt_(denom)
            torch._foreach_addcdiv_(params, grads, denom, value=-group["lr"])
        return loss


_OPTIMIZERS: dict[str, Callable[..., torch.optim.Optimizer]] = {
    "rmsprop": lambda p, lr: KerasRMSprop(p, lr=lr or 1e-3, rho=0.9, eps=1e-7),
    "adam": lambda p, lr: torch.optim.Adam(p, lr=lr or 1e-3, betas=(0.9, 0.999), eps=1e-7, foreach=True),
    "sgd": lambda p, lr: torch.optim.SGD(p, lr=lr or 0.01, foreach=True),
    "adagrad": lambda p, lr: torch.optim.Adagrad(p, lr=lr or 1e-3, initial_accumulator_value=0.1, eps=1e-7, foreach=True),
    "adadelta": lambda p, lr: torch.optim.Adadelta(p, lr=lr or 1e-3, rho=0.95, eps=1e-7, foreach=True),
}


def make_optimizer(spec, params: Iterable, lr: float | None = None) -> torch.optim.Optimizer:
    """Build an optimizer from a Keras name, an optimizer instance or a factory.

    Args:
        spec: ``"rmsprop" | "adam" | "sgd" | "adagrad" | "adadelta"``, a ``torch.optim.Optimizer``
            (returned as is), or a callable ``params -> Optimizer``.
        params: the parameters to optimise (ignored for an instance).
        lr: overrides the Keras default learning rate of a named optimizer.

    Raises:
        ValueError: unknown name (with the closest names) or ``lr`` given with an instance.
    """
    if isinstance(spec, torch.optim.Optimizer):
        if lr is not None:
            raise ValueError("lr= applies to an optimizer given by name; set it on your optimizer instance instead")
        return spec
    if isinstance(spec, str):
        name = spec.lower()
        if name not in _OPTIMIZERS:
            close = difflib.get_close_matches(name, list(_OPTIMIZERS), n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            raise ValueError(f"unknown optimizer {spec!r}.{hint} Known: {', '.join(_OPTIMIZERS)}; "
                             "or pass a torch.optim.Optimizer or a callable params -> optimizer.")
        return _OPTIMIZERS[name](list(params), lr)
    if callable(spec):
        opt = spec(params)
        if not isinstance(opt, torch.optim.Optimizer):
            raise TypeError(f"optimizer factory returned {type(opt).__name__}, not a torch.optim.Optimizer")
        return opt
    raise TypeError(f"optimizer must be a name, a torch.optim.Optimizer or a callable, got {type(spec).__name__}")
