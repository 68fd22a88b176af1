"""Cazenave's worked example: the library reproduces every number of the slides to 9 decimals."""
from __future__ import annotations

import numpy as np
import pytest

from deepdojo.scratch.backprop import (WORKED_INPUT, WORKED_TARGET, exercise_network, sgd_step,
                                       trace_worked_example, worked_example_network)

SLIDES = {
    "net_h1": 0.3775, "out_h1": 0.593269992, "out_h2": 0.596884378, "net_o1": 1.105905967,
    "out_o1": 0.75136507, "out_o2": 0.772928465, "E_o1": 0.274811083, "E_o2": 0.023560026,
    "E_total": 0.298371109, "dE/dout_o1": 0.74136507, "dout_o1/dnet_o1": 0.186815602,
    "dnet_o1/dw5": 0.593269992, "dE/dw5": 0.082167041, "dE/dout_h1": 0.036350306,
    "dout_h1/dnet_h1": 0.241300709, "dE/dw1": 0.000438568,
    "w5+": 0.35891648, "w6+": 0.408666186, "w7+": 0.511301270, "w8+": 0.561370121,
    "w1+": 0.149780716, "w2+": 0.19956143, "w3+": 0.24975114, "w4+": 0.29950229,
}


@pytest.mark.parametrize("name", sorted(SLIDES))
def test_every_slide_value_to_nine_decimals(name):
    # The slides print up to 9 decimals (some values with fewer): compare at the printed precision.
    decimals = len(repr(SLIDES[name]).split(".")[1])
    assert round(trace_worked_example()[name], decimals) == SLIDES[name]


def _train(course_order: bool, steps: int):
    model = worked_example_network()
    errors = [sgd_step(model, WORKED_INPUT, WORKED_TARGET, "half_squared_error", 0.5, course_order=course_order)
              for _ in range(steps)]
    return model, errors


def test_error_after_one_and_ten_thousand_steps_in_the_slides_update_order():
    model, errors = _train(course_order=True, steps=10_000)
    final = model.forward(WORKED_INPUT)[0]
    assert round(errors[1], 9) == 0.291027924
    e_final = 0.5 * ((WORKED_TARGET[0] - final) ** 2).sum()
    assert round(e_final, 9) == 0.000035085
    assert round(final[0], 9) == 0.015912196 and round(final[1], 9) == 0.984065734


def test_textbook_update_order_differs_only_in_the_last_digits():
    model, errors = _train(course_order=False, steps=10_000)
    assert round(errors[1], 9) == 0.291027774
    final = model.forward(WORKED_INPUT)[0]
    assert abs(final[0] - 0.015912196) < 2e-6
    # Biases are not updated, as in the course.
    np.testing.assert_array_equal(model.layers[0].params["b"], [0.35, 0.35])


def test_exercise_mse_loop_matches_the_slide_code():
    # The slide's scalar code, transcribed, against the library's batch code.
    import math
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    w1, w2, w3, i1, i2, out, eta = 0.4, 0.6, 0.1, 0.1, 0.5, 0.2, 0.5
    model = exercise_network()
    x, t = np.array([[i1, i2]]), np.array([[out]])
    for _ in range(50):
        outh = sig(w1 * i1 + w2 * i2)
        o = sig(w3 * outh)
        dw3 = (o - out) * o * (1 - o) * outh
        dw2 = (o - out) * o * (1 - o) * w3 * outh * (1 - outh) * i2
        dw1 = (o - out) * o * (1 - o) * w3 * outh * (1 - outh) * i1
        w3, w2, w1 = w3 - eta * dw3, w2 - eta * dw2, w1 - eta * dw1
        sgd_step(model, x, t, "half_squared_error", eta)
    np.testing.assert_allclose(model.layers[0].params["W"][:, 0], [w1, w2], rtol=1e-12)
    assert model.layers[1].params["W"][0, 0] == pytest.approx(w3, rel=1e-12)
