"""Neural networks built by hand in NumPy: what happens inside a network, small and readable.

Everything here is NumPy only (a test fails if any module imports torch), vectorised over the
batch, and checked against PyTorch autograd in the tests. Conventions: a batch is the first axis,
``x`` is ``(B, features)``; a layer's ``backward(grad_out)`` takes dL/d(output) and returns
dL/d(input), leaving dL/d(parameter) in ``layer.grads`` (same keys as ``layer.params``).
"""
from deepdojo.scratch.activations import ACTIVATIONS, Activation, get_activation
from deepdojo.scratch.layers import MLP, SGD, Adam, Dense, Dropout
from deepdojo.scratch.losses import LOSSES, Loss, get_loss

__all__ = ["ACTIVATIONS", "Activation", "get_activation", "MLP", "SGD", "Adam", "Dense", "Dropout",
           "LOSSES", "Loss", "get_loss"]
