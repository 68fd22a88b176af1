"""IDX parsing, MNIST/Fashion-MNIST via the hub, CIFAR-10 binary and JPEG stand-in, image folders."""
from __future__ import annotations

import gzip
import io
import tarfile

import numpy as np
import pytest
import torch

from deepdojo.data import cache, images, vision
from deepdojo.data.cache import DataError
from deepdojo.data.hub import DataFile

from .conftest import add_bytes, override, sha256, write_idx


def test_read_idx_gz_and_raw(tmp_path):
    arr = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    for name in ("a-idx3-ubyte.gz", "a-idx3-ubyte"):
        out = vision.read_idx(write_idx(tmp_path / name, arr))
        assert out.dtype == np.uint8 and np.array_equal(out, arr)


def test_read_idx_truncated_and_bad_magic(tmp_path):
    p = write_idx(tmp_path / "x.gz", np.zeros((5, 4, 4), np.uint8))
    raw = gzip.decompress(p.read_bytes())
    p.write_bytes(gzip.compress(raw[:-10]))
    with pytest.raises(DataError, match="x.gz.*only .* follow.*data verify"):
        vision.read_idx(p, "mnist")
    p.write_bytes(gzip.compress(b"\x01\x02\x03\x04junk"))
    with pytest.raises(DataError, match="bad magic"):
        vision.read_idx(p)
    p.write_bytes(b"\x1f\x8bnot really gzip")
    with pytest.raises(DataError, match="decompress"):
        vision.read_idx(p)


def _mnist_folder(tmp_path, n_train=6, n_test=4):
    rng = np.random.default_rng(0)
    folder = tmp_path / "mnist"
    data = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (n_train, 28, 28)),
            "train-labels-idx1-ubyte.gz": rng.integers(0, 10, n_train),
            "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (n_test, 28, 28)),
            "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, n_test)}
    for name, arr in data.items():
        write_idx(folder / name, arr.astype(np.uint8))
    return folder, data


@pytest.mark.parametrize("dataset, loader", [("mnist", vision.load_mnist), ("fashion-mnist", vision.load_fashion_mnist)])
def test_idx_datasets_through_the_mirror(monkeypatch, tmp_path, dataset, loader):
    folder, data = _mnist_folder(tmp_path)
    files = [DataFile(n, None, sha256(folder / n)) for n in data]
    override(monkeypatch, dataset, files=files, splits={"train": 6, "test": 4})
    (tmp_path / "m").mkdir()
    folder.rename(tmp_path / "m" / dataset)
    monkeypatch.setenv("DEEPDOJO_MIRROR", str(tmp_path / "m"))
    (xtr, ytr), (xte, yte) = loader()
    assert xtr.shape == (6, 28, 28) and xtr.dtype == np.uint8 and ytr.shape == (6,) and ytr.dtype == np.uint8
    assert np.array_equal(xte, data["t10k-images-idx3-ubyte.gz"]) and np.array_equal(yte, data["t10k-labels-idx1-ubyte.gz"])


def test_split_size_mismatch_is_an_error(monkeypatch, tmp_path):
    folder, data = _mnist_folder(tmp_path)
    override(monkeypatch, "mnist", files=[DataFile(n) for n in data])  # canonical 60k/10k sizes kept
    with pytest.raises(DataError, match="canonical one has 60,000"):
        vision.load_mnist(folder)


def test_fashion_mnist_system_location(monkeypatch, tmp_path):
    folder, data = _mnist_folder(tmp_path)
    files = [DataFile(n, None, sha256(folder / n), system=(str(folder / n),)) for n in data]
    override(monkeypatch, "fashion-mnist", files=files, splits={"train": 6, "test": 4})
    (xtr, _), _ = vision.load_fashion_mnist()
    assert np.array_equal(xtr, data["train-images-idx3-ubyte.gz"])
    # a package that re-compressed the files: accepted through its own listed checksums only
    files = [DataFile(n, None, "0" * 64, system=(str(folder / n),), system_sha256=(sha256(folder / n),)) for n in data]
    override(monkeypatch, "fashion-mnist", files=files, splits={"train": 6, "test": 4})
    assert np.array_equal(vision.load_fashion_mnist()[1][0], data["t10k-images-idx3-ubyte.gz"])
    files = [DataFile(n, None, "0" * 64, system=(str(folder / n),)) for n in data]
    override(monkeypatch, "fashion-mnist", files=files, splits={"train": 6, "test": 4})
    with pytest.raises(DataError, match="not the canonical"):
        vision.load_fashion_mnist()


def _cifar_binary(path, n_per_batch=3):
    rng = np.random.default_rng(1)
    expected = {}
    with tarfile.open(path, "w:gz") as tf:
        for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
            labels = rng.integers(0, 10, n_per_batch).astype(np.uint8)
            chw = rng.integers(0, 256, (n_per_batch, 3, 32, 32)).astype(np.uint8)
            rec = np.concatenate([labels[:, None], chw.reshape(n_per_batch, -1)], 1)
            add_bytes(tf, f"cifar-10-batches-bin/{name}", rec.tobytes())
            expected[name] = (chw.transpose(0, 2, 3, 1), labels)
    return expected


def test_cifar10_binary(monkeypatch, tmp_path):
    expected = _cifar_binary(tmp_path / "cifar-10-binary.tar.gz")
    override(monkeypatch, "cifar10", splits={"train": 15, "test": 3})
    (xtr, ytr), (xte, yte) = vision.load_cifar10(tmp_path)
    assert xtr.shape == (15, 32, 32, 3) and ytr.shape == (15, 1) and xtr.dtype == np.uint8
    assert np.array_equal(xtr[:3], expected["data_batch_1.bin"][0])
    assert np.array_equal(xte, expected["test_batch.bin"][0]) and np.array_equal(yte[:, 0], expected["test_batch.bin"][1])
    assert cache.data_warnings() == []


def test_cifar10_truncated_binary(monkeypatch, tmp_path):
    with tarfile.open(tmp_path / "cifar-10-binary.tar.gz", "w:gz") as tf:
        for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
            add_bytes(tf, f"cifar-10-batches-bin/{name}", b"\x01" * 100)
    with pytest.raises(DataError, match="truncated"):
        vision.load_cifar10(tmp_path)


def test_cifar10_jpeg_standin_records_warning(monkeypatch, tmp_path):
    from PIL import Image

    for split, n in (("train", 2), ("test", 1)):
        with tarfile.open(tmp_path / f"cifar10_{split}_jpg.tar.gz", "w:gz") as tf:
            for cls in ("cat", "ship"):
                for i in range(n):
                    buf = io.BytesIO()
                    Image.new("RGB", (32, 32), (200, 10, 10)).save(buf, "JPEG")
                    add_bytes(tf, f"{split}/{cls}/{i:04d}.jpg", buf.getvalue())
    files = [DataFile("cifar-10-binary.tar.gz")] + [DataFile(f"cifar10_{s}_jpg.tar.gz", None, standin="lossy JPEG")
                                                   for s in ("train", "test")]
    override(monkeypatch, "cifar10", files=files, splits={"train": 4, "test": 2})
    mirror = tmp_path / "m" / "cifar10"
    mirror.mkdir(parents=True)
    for s in ("train", "test"):
        (tmp_path / f"cifar10_{s}_jpg.tar.gz").rename(mirror / f"cifar10_{s}_jpg.tar.gz")
    monkeypatch.setenv("DEEPDOJO_MIRROR", str(tmp_path / "m"))
    (xtr, ytr), (xte, yte) = vision.load_cifar10()
    assert xtr.shape == (4, 32, 32, 3) and list(ytr[:, 0]) == [3, 3, 8, 8]
    assert abs(int(xtr[0, 0, 0, 0]) - 200) < 8  # JPEG is lossy but close
    assert any("stand-in" in w for w in cache.data_warnings())


def test_image_folder_iterator_skips_broken_and_augments(tmp_path):
    from PIL import Image

    for cls, color in (("cats", 30), ("dogs", 220)):
        (tmp_path / cls).mkdir()
        for i in range(3):
            Image.new("RGB", (20, 10 + i), (color,) * 3).save(tmp_path / cls / f"{i}.jpg")
    (tmp_path / "dogs" / "broken.jpg").write_bytes(b"not a jpeg")
    it = images.ImageFolderIterator(tmp_path, target_size=(16, 16), batch_size=4, seed=0,
                                    augment=images.Augment(rotation=20, zoom=0.2, horizontal_flip=True))
    assert it.skipped == 1 and it.classes == ["cats", "dogs"] and len(it) == 2
    batches = list(it)
    x = torch.cat([b[0] for b in batches])
    y = torch.cat([b[1] for b in batches])
    assert x.shape == (6, 3, 16, 16) and 0 <= x.min() and x.max() <= 1
    # flat-colour images stay their colour under augmentation (reflection padding)
    assert torch.allclose(x.mean((1, 2, 3))[y == 0], torch.tensor(30 / 255), atol=0.02)
    # featurewise normalisation fitted on the training folder, reused for another iterator
    fit = images.ImageFolderIterator(tmp_path, target_size=(16, 16), batch_size=6, shuffle=False, featurewise=True)
    xs = next(iter(fit))[0]
    assert abs(float(xs.mean())) < 1e-4 and abs(float(xs.std(unbiased=False)) - 1) < 1e-3
    other = images.ImageFolderIterator(tmp_path, target_size=(16, 16), featurewise=(fit.mean, fit.std))
    assert np.allclose(other.mean, fit.mean)


def test_cats_vs_dogs_tree_from_folders(monkeypatch, tmp_path):
    from PIL import Image

    src = tmp_path / "src"
    for cls in ("cats", "dogs"):
        (src / cls).mkdir(parents=True)
        for i in range(8):
            Image.new("RGB", (8, 8)).save(src / cls / f"{cls[:-1]}.{i}.jpg")
    (src / "cats" / "cat.3.jpg").write_bytes(b"broken")
    stats = images.make_cats_vs_dogs_tree(tmp_path / "out", counts=(4, 2, 2), path=src)
    assert stats == {"train": 7, "validation": 4, "test": 4, "skipped": 1}
    assert sorted(p.name for p in (tmp_path / "out" / "validation" / "dogs").iterdir()) == ["dog.4.jpg", "dog.5.jpg"]


def test_fer2013_tree(tmp_path):
    rows = ["emotion,pixels,Usage"] + [f"{e},{' '.join(['7'] * 2304)},{u}" for e, u in
                                       ((0, "Training"), (3, "Training"), (6, "PrivateTest"))]
    (tmp_path / "fer2013.csv").write_text("\n".join(rows) + "\n")
    counts = images.fer2013_to_tree(tmp_path / "out", path=tmp_path / "fer2013.csv")
    assert counts == {"Training": 2, "PrivateTest": 1}
    assert (tmp_path / "out" / "Training" / "happy").is_dir()
    (tmp_path / "bad.csv").write_text("emotion,pixels\n0,1 2 3\n")
    with pytest.raises(DataError, match="missing column"):
        images.fer2013_to_tree(tmp_path / "out2", path=tmp_path / "bad.csv")
