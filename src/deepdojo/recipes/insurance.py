"""Car-insurance risk groups from speed, age and miles per year: the embarc course's tabular example.

Two networks on the course's 1,500 customers (stratified 80/20 split, seed 42): the overfitting one
(3 × Dense 500 relu, Adam, batch 100, 500 epochs) and the regularised one (2 × [Dense 500, ReLU,
BatchNorm, Dropout 0.7], batch 32, 250 epochs, 20 % of the training rows validating), each with
train and test accuracy beside the course's. The regularised model is saved with its metadata so
that ``deepdojo predict insurance-risk --speed 100 --age 47 --miles 10`` can answer with the risk
group and its probabilities (the course's "risk calculator"). Inputs are used unscaled, as in the
course notebook; ``--set standardize=true`` standardises them with training statistics.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from deepdojo.data.preprocessing import Normalizer
from deepdojo.engine import evaluate, predict
from deepdojo.engine.selection import stratified_split
from deepdojo.nn.mlp import MLP, MLPConfig
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe

FEATURES = ("speed", "age", "miles")
GROUPS = ("many accidents (high risk)", "few accidents (low risk)", "middle (medium risk)")  # group ids 0, 1, 2
PREDICTOR_FILE = "predictor.json"
MODEL_NAME = "insurance_regularised"


@dataclass(frozen=True)
class InsuranceConfig:
    overfit_hidden: tuple[int, ...] = (500, 500, 500)
    """Hidden Dense layers of the overfitting network."""
    overfit_epochs: int = 500
    """Epochs of the overfitting network."""
    overfit_batch_size: int = 100
    """Minibatch size of the overfitting network."""
    reg_hidden: tuple[int, ...] = (500, 500)
    """Hidden blocks [Dense, ReLU, BatchNorm, Dropout] of the regularised network."""
    reg_dropout: float = 0.7
    """Dropout rate of the regularised network."""
    reg_epochs: int = 250
    """Epochs of the regularised network."""
    reg_batch_size: int = 32
    """Minibatch size of the regularised network."""
    validation_split: float = 0.2
    """Last fraction of the training rows validating the regularised network (Keras validation_split)."""
    test_size: float = 0.2
    """Stratified test fraction."""
    split_seed: int = 42
    """Seed of the stratified split (the notebook's random_state)."""
    standardize: bool = False
    """Standardise the three inputs with training statistics (the notebook feeds them raw)."""
    lr: float = 1e-3
    """Adam learning rate (Keras' default)."""
    n_rows: int = 0
    """Use only the first N customers (0 = all 1,500)."""


def standin_customers(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Quick-mode stand-in: speed (mph), age, miles (thousands) with groups driven by speed and age."""
    rng = np.random.default_rng(seed)
    x = np.c_[rng.normal(120, 20, n), rng.uniform(18, 90, n), rng.normal(30, 15, n)].astype(np.float32)  # (n, 3)
    score = (x[:, 0] - 120) / 20 - (x[:, 1] - 50) / 25
    y = np.where(score > 0.5, 0, np.where(score < -0.5, 1, 2)).astype(np.int64)
    return x, y


def _train(ctx: RunContext, cfg: MLPConfig, train, *, tag: str, epochs: int, batch_size: int, lr: float, **kw) -> MLP:
    model = MLP(cfg)
    ctx.fit(model, train, tag=tag, epochs=epochs, batch_size=batch_size, optimizer="adam", lr=lr,
            loss="sparse_categorical_crossentropy", metrics=["accuracy"], **kw)
    return model


@recipe("insurance-risk", source="embarc TensorFlow 2 course, Day 2 (tabular)", config=InsuranceConfig,
        anchors=[Anchor("overfit/train/acc", 0.834, "embarc notebook", tolerance=0.05),
                 Anchor("overfit/test/acc", 0.740, "embarc notebook", tolerance=0.05),
                 Anchor("regularised/train/acc", 0.797, "embarc notebook", tolerance=0.05),
                 Anchor("regularised/test/acc", 0.790, "embarc notebook", tolerance=0.05)],
        quick={"overfit_epochs": 2, "reg_epochs": 2, "n_rows": 300, "overfit_hidden": (32, 32, 32), "reg_hidden": (32, 32)})
def run(cfg: InsuranceConfig, ctx: RunContext) -> dict[str, float]:
    if ctx.quick:
        x, y = standin_customers(cfg.n_rows or 300, ctx.seed)
    else:
        from deepdojo.data import tabular

        x, y = tabular.load_insurance_customers("1500")
        if cfg.n_rows:
            x, y = x[: cfg.n_rows], y[: cfg.n_rows]
    tr, te = stratified_split(y, cfg.test_size, seed=cfg.split_seed)
    norm = Normalizer().fit(x[tr]) if cfg.standardize else None
    xs = norm.transform(x) if norm else x.astype(np.float32)
    train = (torch.from_numpy(xs[tr]), torch.from_numpy(y[tr]))
    test = (torch.from_numpy(xs[te]), torch.from_numpy(y[te]))
    ctx.print(f"insurance customers: {len(tr)} train / {len(te)} test (stratified, seed {cfg.split_seed})"
              + (" (synthetic stand-in)" if ctx.quick else ""))

    results, rows = {}, []
    nets = {
        "overfit": (MLPConfig(in_features=3, hidden=cfg.overfit_hidden, out_features=3),
                    dict(epochs=cfg.overfit_epochs, batch_size=cfg.overfit_batch_size)),
        "regularised": (MLPConfig(in_features=3, hidden=cfg.reg_hidden, out_features=3, batchnorm=True, dropout=cfg.reg_dropout),
                        dict(epochs=cfg.reg_epochs, batch_size=cfg.reg_batch_size, validation_split=cfg.validation_split)),
    }
    for name, (mcfg, kw) in nets.items():
        model = _train(ctx, mcfg, train, tag=name, lr=cfg.lr, **kw)
        for split, data in (("train", train), ("test", test)):
            s = evaluate(model, data, loss="sparse_categorical_crossentropy", metrics=["accuracy"], device=ctx.device,
                         prefix=split)
            results[f"{name}/{split}/acc"] = s[f"{split}/acc"]
        rows.append([name, results[f"{name}/train/acc"], results[f"{name}/test/acc"]])
    ctx.table("Insurance risk: accuracy (course: overfit .834/.740, regularised .797/.790)",
              ["network", "train acc", "test acc"], rows)
    save_predictor(ctx, model, nets["regularised"][0], norm)
    ctx.note("Try it: `deepdojo predict insurance-risk --speed 100 --age 47 --miles 10`.")
    return results


def save_predictor(ctx: RunContext, model: MLP, mcfg: MLPConfig, norm: Normalizer | None) -> None:
    """Save the weights and what `predict_risk` needs to rebuild the model (JSON, no pickle).

    Args:
        ctx: the run context (files go to its run directory, rank 0 only).
        model: the trained regularised network.
        mcfg: its config (rebuilds the architecture).
        norm: the input standardisation, or None when inputs are fed raw.
    """
    if not ctx.is_main:
        return
    ctx.save_model(model, MODEL_NAME)
    meta = {"model": asdict(mcfg), "features": FEATURES, "groups": GROUPS,
            "mean": None if norm is None else norm.mean.ravel().tolist(),
            "std": None if norm is None else (norm.std.ravel() + norm.eps).tolist()}
    ctx.path(PREDICTOR_FILE).write_text(json.dumps(meta, indent=2))


def latest_run(runs: str | Path = "runs") -> Path:
    """The newest insurance-risk run directory under `runs` that holds a saved predictor.

    Args:
        runs: the folder holding ``insurance-risk/<stamp>-s<seed>/`` run directories.

    Returns:
        The run directory with the latest stamp.

    Raises:
        FileNotFoundError: none exists, with the command that makes one.
    """
    found = sorted(p.parent for p in Path(runs).glob(f"insurance-risk/*/{PREDICTOR_FILE}"))
    if not found:
        raise FileNotFoundError(f"no insurance-risk run with a saved model under {runs}/ - train one first: "
                                f"`deepdojo run insurance-risk` (or pass --runs DIR / --run DIR)")
    return max(found, key=lambda p: p.name)


def predict_risk(run_dir: str | Path, speed: float, age: float, miles: float) -> dict[str, float]:
    """Risk-group probabilities of one customer from a saved insurance-risk run.

    Args:
        run_dir: the run directory (holds ``predictor.json`` and the safetensors weights).
        speed: top speed driven, mph.
        age: driver's age, years.
        miles: miles per year, thousands.

    Returns:
        ``{group description: probability}`` in group-id order.
    """
    from deepdojo.engine.checkpoint import load_weights

    run_dir = Path(run_dir)
    meta_path = run_dir / PREDICTOR_FILE
    if not meta_path.exists():
        raise FileNotFoundError(f"{meta_path} does not exist - pass an insurance-risk run directory (runs/insurance-risk/<stamp>)")
    meta = json.loads(meta_path.read_text())
    mcfg = MLPConfig(**{**meta["model"], "hidden": tuple(meta["model"]["hidden"])})
    model = MLP(mcfg)
    load_weights(model, run_dir / f"{MODEL_NAME}.safetensors")
    model.eval()
    x = np.array([[speed, age, miles]], dtype=np.float32)  # (1, 3)
    if meta["mean"] is not None:
        x = (x - np.array(meta["mean"], dtype=np.float32)) / np.array(meta["std"], dtype=np.float32)
    probs = torch.softmax(predict(model, x, device="cpu"), dim=-1)[0]  # (3,)
    return {g: float(p) for g, p in zip(meta["groups"], probs)}
