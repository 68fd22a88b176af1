"""Backpropagation by hand on Cazenave's tiny networks (2-2-2 worked example, 2-1-1 exercises).

The networks are ordinary scratch `MLP`s with fixed starting weights, so the numbers the course
derives by hand check the library's forward, loss and backward code. Biases stay fixed as in the
course. The one subtlety is the *order* of the updates:

* textbook order (``course_order=False``): all gradients are computed with the old weights, then
  applied - what the slides describe, and what reproduces every hand-derived gradient and new
  weight (w5 .35891648 ... w1 .149780716 ...);
* course order (``course_order=True``): each layer is updated as soon as its gradient is known and
  the error is propagated to the layer below through the *updated* weights. The slides' reported
  errors after one step (.291027924) and after 10,000 steps (.000035085, outputs .015912196 /
  .984065734) come from this order; the textbook order gives .291027774 and .000035102.
"""
from __future__ import annotations

import numpy as np

from deepdojo.scratch.layers import MLP, Dense
from deepdojo.scratch.losses import Loss, get_loss

# Cazenave's worked example: inputs, targets, weights as named on the slides.
WORKED_INPUT = np.array([[0.05, 0.10]])  # (1, 2): i1, i2
WORKED_TARGET = np.array([[0.01, 0.99]])  # (1, 2): targets of o1, o2


def fixed_mlp(weights: list[np.ndarray], biases: list[np.ndarray], activations: list[str]) -> MLP:
    """An MLP with given float64 weights ``(in, out)`` and biases (``h = f(x @ W + b)``)."""
    layers = []
    for w, b, act in zip(weights, biases, activations):
        dense = Dense(*np.shape(w), act)
        dense.params["W"] = np.array(w, dtype=np.float64)
        dense.params["b"] = np.array(b, dtype=np.float64)
        layers.append(dense)
    return MLP.from_layers(layers)


def worked_example_network() -> MLP:
    """The 2-2-2 sigmoid network: net_h1 = w1 i1 + w2 i2 + b1, net_o1 = w5 out_h1 + w6 out_h2 + b2, ...

    In the ``(in, out)`` layout column j holds the weights into unit j: ``[[w1, w3], [w2, w4]]``.
    """
    return fixed_mlp([[[0.15, 0.25], [0.20, 0.30]], [[0.40, 0.50], [0.45, 0.55]]],
                     [[0.35, 0.35], [0.60, 0.60]], ["sigmoid", "sigmoid"])


def exercise_network(two_outputs: bool = False, softmax: bool = False) -> MLP:
    """The 2-1-1 exercise net (w1 .4, w2 .6, w3 .1, no bias); with two outputs w4 .5 is added."""
    w_out = [[0.1, 0.5]] if two_outputs else [[0.1]]
    n_out = len(w_out[0])
    return fixed_mlp([[[0.4], [0.6]], w_out], [[0.0], [0.0] * n_out],
                     ["sigmoid", "softmax" if softmax else "sigmoid"])


def sgd_step(model: MLP, x: np.ndarray, target: np.ndarray, loss: Loss | str, lr: float, *,
             update_biases: bool = False, course_order: bool = False) -> float:
    """One full-batch gradient step; returns the loss before the step.

    Args:
        update_biases: the course keeps biases fixed.
        course_order: update each layer before propagating the error below it (see module doc).
    """
    loss = get_loss(loss)
    value, grad = loss(model.forward(x), target)
    keys = ("W", "b") if update_biases else ("W",)
    for layer in reversed(model.layers):
        grad_below = layer.backward(grad)
        if course_order:
            _apply(layer, keys, lr)
            grad_below = layer.backward(grad)  # same parameter gradients; error sent through the new weights
        grad = grad_below
    if not course_order:
        for layer in model.layers:
            _apply(layer, keys, lr)
    return value


def _apply(layer, keys, lr):
    for k in keys:
        layer.params[k] -= lr * layer.grads[k]


def trace_worked_example(lr: float = 0.5) -> dict[str, float]:
    """Every intermediate of one forward/backward pass of the worked example, named as on the slides.

    Returns:
        ``{"net_h1": .3775, "out_h1": ..., "E_total": ..., "dE/dw5": ..., "w5+": ..., ...}``.
    """
    model = worked_example_network()
    hidden, output = model.layers
    out = model.forward(WORKED_INPUT)
    loss = get_loss("half_squared_error")
    e_total, grad = loss(out, WORKED_TARGET)
    model.backward(grad)
    (_, net_h, out_h), (_, net_o, out_o) = hidden._cache, output._cache
    t = WORKED_TARGET[0]
    values = {
        "net_h1": net_h[0, 0], "out_h1": out_h[0, 0], "out_h2": out_h[0, 1],
        "net_o1": net_o[0, 0], "out_o1": out_o[0, 0], "out_o2": out_o[0, 1],
        "E_o1": 0.5 * (t[0] - out_o[0, 0]) ** 2, "E_o2": 0.5 * (t[1] - out_o[0, 1]) ** 2, "E_total": e_total,
        "dE/dout_o1": out_o[0, 0] - t[0], "dout_o1/dnet_o1": out_o[0, 0] * (1 - out_o[0, 0]),
        "dnet_o1/dw5": out_h[0, 0],
        "dE/dout_h1": float(((out_o[0] - t) * out_o[0] * (1 - out_o[0])) @ output.params["W"][0]),
        "dout_h1/dnet_h1": out_h[0, 0] * (1 - out_h[0, 0]),
    }
    # Weight names: w1..w4 into the hidden layer, w5..w8 into the outputs (column = receiving unit).
    names = {"w1": (hidden, 0, 0), "w2": (hidden, 1, 0), "w3": (hidden, 0, 1), "w4": (hidden, 1, 1),
             "w5": (output, 0, 0), "w6": (output, 1, 0), "w7": (output, 0, 1), "w8": (output, 1, 1)}
    for name, (layer, i, j) in names.items():
        values[f"dE/d{name}"] = layer.grads["W"][i, j]
        values[f"{name}+"] = layer.params["W"][i, j] - lr * layer.grads["W"][i, j]
    return {k: float(v) for k, v in values.items()}
