"""Backpropagation by hand on Cazenave's tiny networks: the 2-2-2 worked example and the 2-1-1 exercises."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.report.plots import plot_lines
from deepdojo.scratch.backprop import (WORKED_INPUT, WORKED_TARGET, exercise_network, sgd_step, trace_worked_example,
                                       worked_example_network)
from deepdojo.scratch.losses import get_loss, summed_over_units

COURSE = "Cazenave, Deep Learning course (backprop by hand)"


def _close(metric: str, value: float, what: str) -> Anchor:
    """An anchor met when our value rounds to the slide's (printed to 9 decimals)."""
    return Anchor(metric, value, f"{COURSE}: {what}", None, 5e-10)


@dataclass(frozen=True)
class WorkedConfig:
    lr: float = 0.5
    """The slides' eta."""
    steps: int = 10_000
    """Training steps after the first (the slides: 10,000)."""


@recipe("backprop-worked-example", source=f"{COURSE}, 2-2-2 worked example", config=WorkedConfig,
        anchors=[_close("forward/E_total", 0.298371109, "E_total"), _close("forward/out_o1", 0.75136507, "out_o1"),
                 _close("backward/dE_dw5", 0.082167041, "dE/dw5"), _close("update/w5", 0.35891648, "new w5"),
                 _close("update/w1", 0.149780716, "new w1"),
                 _close("course_order/E_step1", 0.291027924, "E after one step"),
                 _close("course_order/E_final", 0.000035085, "E after 10,000 steps"),
                 _close("course_order/out_o1", 0.015912196, "o1 after 10,000 steps"),
                 _close("course_order/out_o2", 0.984065734, "o2 after 10,000 steps")],
        quick={"steps": 100})
def run_worked(cfg: WorkedConfig, ctx: RunContext) -> dict[str, float]:
    """Cazenave's 2-2-2 sigmoid network: every value of the forward pass, the gradients and the updates.

    Inputs .05/.10, targets .01/.99, E = sum 1/2 (t - o)^2, eta .5, biases fixed. Every
    hand-derived value on the slides is reproduced to the printed decimals. The slides' errors
    after one step (.291027924) and after 10,000 (.000035085) are only reproduced when the
    hidden layer's error is propagated through the *already updated* output weights, although the
    slides say the original weights are used; the textbook order gives .291027774 and .000035102.
    Both are run and reported.
    """
    trace = trace_worked_example(cfg.lr)
    ctx.table("Forward pass, backward pass and updated weights (one step)", ["quantity", "value"],
              [[k, f"{v:.9f}"] for k, v in trace.items()])
    results = {"forward/E_total": trace["E_total"], "forward/out_o1": trace["out_o1"],
               "backward/dE_dw5": trace["dE/dw5"], "update/w5": trace["w5+"], "update/w1": trace["w1+"]}
    curves, rows = {}, []
    for order, course_order in (("textbook_order", False), ("course_order", True)):
        model = worked_example_network()
        errors = [sgd_step(model, WORKED_INPUT, WORKED_TARGET, "half_squared_error", cfg.lr, course_order=course_order)
                  for _ in range(cfg.steps)]
        out = model.forward(WORKED_INPUT)[0]
        final = 0.5 * float(((WORKED_TARGET[0] - out) ** 2).sum())
        errors.append(final)
        curves[order] = errors
        results.update({f"{order}/E_step1": errors[1], f"{order}/E_final": final,
                        f"{order}/out_o1": float(out[0]), f"{order}/out_o2": float(out[1])})
        rows.append([order, f"{errors[1]:.9f}", f"{final:.9f}", f"{out[0]:.9f}", f"{out[1]:.9f}"])
        for step in range(0, len(errors), max(1, len(errors) // 200)):
            ctx.log({f"{order}/E": errors[step]}, step=step)
    ctx.table(f"Training (slides: .291027924 after 1 step; .000035085, .015912196, .984065734 after 10,000)",
              ["update order", "E after 1 step", f"E after {cfg.steps}", "o1", "o2"], rows)
    if ctx.is_main:
        plot_lines(curves, ctx.plot_path("worked_example_error"), xlabel="step", ylabel="E_total", logy=True,
                   title="2-2-2 network: total error")
    return results


@dataclass(frozen=True)
class ExercisesConfig:
    lr: float = 0.5
    """The slides' eta."""
    iterations: int = 1000
    """Iterations of the first three exercises (the slides: 1,000)."""
    iterations_bce2: int = 100_000
    """Iterations of the two-output BCE exercise (the slides: 100,000)."""


# name -> (two outputs, softmax output, loss, targets, description)
EXERCISES = {
    "mse": (False, False, "half_squared_error", [0.2], "2-1-1, target .2, E = 1/2 (t - o)^2"),
    "bce": (False, False, "binary_crossentropy", [1.0], "2-1-1, target 1, binary cross-entropy"),
    "cce": (True, False, "categorical_crossentropy", [1.0, 0.0], "2-1-2 sigmoid outputs, targets 1/0, categorical CE"),
    "bce2": (True, False, "binary_crossentropy", [1.0, 0.0], "2-1-2 sigmoid outputs, targets 1/0, BCE per output"),
    "softmax": (True, True, "categorical_crossentropy", [1.0, 0.0], "2-1-2 softmax outputs, targets 1/0, categorical CE"),
}


@recipe("backprop-exercises", source=f"{COURSE}, 2-1-1 exercises", config=ExercisesConfig,
        anchors=[Anchor("mse/out", 0.2, f"{COURSE}: the MSE exercise's target", None, 0.01),
                 Anchor("bce2/out2", 0.0, f"{COURSE}: BCE per output drives o2 to its target 0", None, 0.01)],
        quick={"iterations": 50, "iterations_bce2": 200})
def run_exercises(cfg: ExercisesConfig, ctx: RunContext) -> dict[str, float]:
    """The 2-1-1 exercises (w1 .4, w2 .6, w3 .1, inputs .1/.5, eta .5, no bias), each with its loss curve.

    MSE towards .2; BCE towards 1; two sigmoid outputs (w4 .5) with categorical CE towards 1/0;
    two-output BCE (100,000 iterations); and the slides' suggested fix, a softmax output. The
    course's questions are answered in the report from the numbers of the run.
    """
    x = np.array([[0.1, 0.5]])
    results, curves = {}, {}
    for name, (two, soft, loss_name, target, what) in EXERCISES.items():
        model = exercise_network(two_outputs=two, softmax=soft)
        loss = get_loss(loss_name)
        if name == "bce2":
            loss = summed_over_units(loss)  # the slide's err = -log o1 - log(1 - o2)
        steps = cfg.iterations_bce2 if name == "bce2" else cfg.iterations
        t = np.array([target])
        curve = [sgd_step(model, x, t, loss, cfg.lr) for _ in range(steps)]
        out = model.forward(x)[0]
        curves[name] = curve
        results[f"{name}/loss"] = curve[-1]
        results[f"{name}/out"] = float(out[0])
        if two:
            results[f"{name}/out2"] = float(out[1])
        ctx.note(f"**{name}** ({what}, {steps} iterations): loss {curve[0]:.6f} -> {curve[-1]:.6f}, "
                 f"outputs {np.round(out, 6).tolist()}.")
        if ctx.is_main:
            plot_lines({name: curve}, ctx.plot_path(f"{name}_loss"), xlabel="iteration", ylabel="loss", title=what)
    o2_start = float(exercise_network(two_outputs=True).forward(x)[0, 1])
    ctx.note(
        "**What happens with categorical cross-entropy?** With independent sigmoid outputs the loss "
        "is -1*log(o1) - 0*log(o2): the target-0 output contributes nothing, so nothing pushes o2 "
        f"down. o2 went from {o2_start:.4f} to {results['cce/out2']:.4f} while o1 reached "
        f"{results['cce/out']:.4f}: the hidden unit grows to raise o1 and drags o2 up with it.\n\n"
        "**Solutions?** (1) Binary cross-entropy on each output, which gives the 0-target its own "
        f"gradient: o1 {results['bce2/out']:.4f}, o2 {results['bce2/out2']:.4f} after "
        f"{cfg.iterations_bce2} iterations. (2) A softmax output, which couples the outputs so that "
        f"raising o1 lowers o2: o1 {results['softmax/out']:.4f}, o2 {results['softmax/out2']:.4f} after "
        f"{cfg.iterations} iterations (dL/dz = s - y).")
    if ctx.is_main:
        plot_lines({k: v[: cfg.iterations] for k, v in curves.items()}, ctx.plot_path("all_losses"),
                   xlabel="iteration", ylabel="loss", title="Exercises (first iterations)", logy=True)
    return results
