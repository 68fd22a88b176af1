"""fit / evaluate / predict: History keys, validation split, determinism, learning, data forms, errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from deepdojo.engine import evaluate, fit, predict
from deepdojo.engine.runtime import seed_everything

from engine_helpers import Boring, make_blobs

SCE = "sparse_categorical_crossentropy"


def _train(seed: int, x, y, **kw):
    seed_everything(seed)
    model = Boring(dropout=0.2)
    hist = fit(model, (x, y), epochs=3, batch_size=32, loss=SCE, metrics=["accuracy"], verbose=False, **kw)
    return model, hist


def test_history_keys_and_learning(blobs):
    x, y = blobs
    model, hist = _train(0, x, y, val=make_blobs(64, seed=0), optimizer="adam", lr=1e-2)
    assert set(hist.history) == {"train/loss", "train/acc", "val/loss", "val/acc"}
    assert hist.epoch == [0, 1, 2]
    assert all(len(v) == 3 for v in hist.history.values())
    assert hist["train/loss"][-1] < hist["train/loss"][0]
    assert hist.final()["val/acc"] > 0.9  # separable blobs: must learn
    out = evaluate(model, make_blobs(64, seed=0), loss=SCE, metrics=["accuracy"])
    assert out["test/acc"] == pytest.approx(hist["val/acc"][-1])  # same data, same weights
    assert out["test/loss"] == pytest.approx(hist["val/loss"][-1], rel=1e-5)


def test_same_seed_same_numbers_different_seed_different(blobs):
    x, y = blobs
    m1, h1 = _train(7, x, y)
    m2, h2 = _train(7, x, y)
    _, h3 = _train(8, x, y)
    assert h1.history == h2.history
    assert all(torch.equal(a, b) for a, b in zip(m1.state_dict().values(), m2.state_dict().values()))
    assert h1.history != h3.history


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x = np.zeros((10, 1), np.float32)
    y = np.arange(10, dtype=np.float32)

    def target_mean(pred, target):
        return target.float().mean()

    hist = fit(nn.Linear(1, 1), (x, y), validation_split=0.2, epochs=1, batch_size=4, loss="mse",
               metrics=[target_mean], verbose=False)
    assert hist["val/target_mean"][0] == pytest.approx(8.5)  # samples 8 and 9
    assert hist["train/target_mean"][0] == pytest.approx(3.5)  # samples 0..7


def test_sample_count_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match=r"same number of samples.*x0 has 10, y0 has 9"):
        fit(nn.Linear(2, 1), (np.zeros((10, 2)), np.zeros(9)), loss="mse", verbose=False)


def test_missing_or_unknown_loss_is_a_clear_error():
    with pytest.raises(ValueError, match="need loss="):
        fit(nn.Linear(2, 1), (np.zeros((4, 2)), np.zeros(4)), verbose=False)
    with pytest.raises(ValueError, match="Did you mean 'binary_crossentropy'"):
        fit(nn.Linear(2, 1), (np.zeros((4, 2)), np.zeros(4)), loss="binary_crossentropi", verbose=False)


def test_numpy_float64_and_int32_inputs_are_converted(blobs):
    x, y = blobs
    hist = fit(Boring(), (x.astype(np.float64), y.astype(np.int32)), epochs=1, loss=SCE, verbose=False)
    assert np.isfinite(hist["train/loss"][0])


def test_dataset_path_matches_in_memory_without_shuffle(blobs):
    x, y = blobs
    seed_everything(0)
    m1 = Boring()
    h1 = fit(m1, (x, y), epochs=2, batch_size=32, loss=SCE, shuffle=False, verbose=False)
    seed_everything(0)
    m2 = Boring()
    h2 = fit(m2, TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), epochs=2, batch_size=32, loss=SCE,
             shuffle=False, verbose=False)
    assert h1["train/loss"] == pytest.approx(h2["train/loss"], rel=1e-6)


def test_predict_shapes_and_mode_restored(blobs):
    x, _ = blobs
    model = Boring(dropout=0.5)
    model.train()
    out = predict(model, x, batch_size=50)
    assert out.shape == (len(x), 3) and out.device.type == "cpu"
    assert model.training
    assert torch.allclose(out, predict(model, torch.from_numpy(x)))  # eval mode: dropout off, deterministic


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(8, 16)
        self.cls = nn.Linear(16, 3)
        self.reg = nn.Linear(16, 1)

    def forward(self, a, b):
        h = torch.relu(self.body(a + b))
        return self.cls(h), self.reg(h)


def test_multi_input_multi_output(blobs):
    x, y = blobs
    target = x[:, :1].sum(1)
    hist = fit(TwoHeads(), ((x, x), (y, target)), epochs=2, loss=[SCE, "mse"], loss_weights=[1.0, 0.5],
               metrics=["accuracy"], verbose=False)
    assert {"train/loss", "train/out0_loss", "train/out1_loss", "train/out0_acc"} <= set(hist.history)
    h = hist.history
    assert h["train/loss"][0] == pytest.approx(h["train/out0_loss"][0] + 0.5 * h["train/out1_loss"][0], rel=1e-5)


class TinyGAN(nn.Module):
    """A custom train_step with two optimizers (the GAN pattern)."""

    def __init__(self):
        super().__init__()
        self.g = nn.Linear(2, 2)
        self.d = nn.Linear(2, 1)

    def train_step(self, batch, trainer):
        real = batch
        opt_d, opt_g = trainer.optimizers["d"], trainer.optimizers["g"]
        fake = self.g(torch.randn_like(real))
        bce = nn.functional.binary_cross_entropy_with_logits
        d_loss = bce(self.d(real), torch.ones(len(real), 1)) + bce(self.d(fake.detach()), torch.zeros(len(real), 1))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = bce(self.d(fake), torch.ones(len(real), 1))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        return {"d_loss": d_loss.detach(), "g_loss": float(g_loss.detach())}


def test_custom_train_step_with_optimizer_dict():
    model = TinyGAN()
    opt = {"d": torch.optim.Adam(model.d.parameters()), "g": torch.optim.Adam(model.g.parameters())}
    hist = fit(model, np.random.randn(64, 2).astype(np.float32), epochs=2, batch_size=16, optimizer=opt, verbose=False)
    assert set(hist.history) == {"train/d_loss", "train/g_loss"}


def test_bf16_autocast_still_learns(blobs):
    x, y = blobs
    seed_everything(0)
    hist = fit(Boring(), (x, y), epochs=3, loss=SCE, metrics=["accuracy"], optimizer="adam", lr=1e-2,
               precision="bf16", verbose=False)
    assert hist["train/acc"][-1] > 0.9
    with pytest.raises(ValueError, match="precision"):
        fit(Boring(), (x, y), loss=SCE, precision="fp8", verbose=False)


class ViewConvNet(nn.Module):
    """Flattens with .view, which fails on channels-last activations: auto layout must fall back."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.fc = nn.Linear(4 * 6 * 6, 3)

    def forward(self, x):
        h = torch.relu(self.conv(x))  # (B, 4, 6, 6)
        return self.fc(h.view(h.size(0), -1))


def test_channels_last_auto_same_results_and_view_fallback(tmp_path):
    x = torch.rand(64, 1, 8, 8)
    y = (x.mean((1, 2, 3)) > 0.5).long() + (x[:, 0, 0, 0] > 0.5).long()
    conv = lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(144, 3))  # noqa: E731
    runs = {}
    for layout in (None, False):
        seed_everything(0)
        model = conv()
        runs[layout] = fit(model, (x, y), epochs=2, batch_size=16, loss=SCE, channels_last=layout, verbose=False)
        if layout is None:
            assert model[0].weight.is_contiguous(memory_format=torch.channels_last)
            assert torch.allclose(predict(model, x), predict(model.to(memory_format=torch.contiguous_format), x), atol=1e-5)
    assert runs[None]["train/loss"] == pytest.approx(runs[False]["train/loss"], rel=1e-4)
    view_model = ViewConvNet()
    hist = fit(view_model, (x, y), epochs=1, batch_size=16, loss=SCE, verbose=False)
    assert np.isfinite(hist["train/loss"][0]) and view_model.conv.weight.is_contiguous()


def test_empty_data_is_a_clear_error():
    with pytest.raises(ValueError, match="no samples"):
        fit(nn.Linear(2, 1), (np.zeros((0, 2)), np.zeros(0)), loss="mse", verbose=False)
