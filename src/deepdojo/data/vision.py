"""Image datasets with Keras semantics: MNIST, Fashion-MNIST (IDX .gz) and CIFAR-10.

All loaders return ``(x_train, y_train), (x_test, y_test)`` NumPy arrays (uint8 images, channels
last) and check the canonical split sizes. CIFAR-10 is read from the *binary* release
(``cifar-10-binary.tar.gz``) - never from the pickled Python batches - or, as a documented lossy
stand-in, from the JPEG tarballs of the shared mirror.
"""
from __future__ import annotations

import gzip
import io
import tarfile
import zlib
from pathlib import Path

import numpy as np

from deepdojo.data import cache, hub
from deepdojo.data.cache import DataError

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def corrupt(path: Path | str, what: str, dataset: str) -> DataError:
    """The error for an unreadable file: which file, what is wrong, how to get a good copy."""
    return DataError(f"{path}: {what}. The file is corrupt or truncated - delete it and run "
                     f"`deepdojo data fetch {dataset}`, or check the cache with `deepdojo data verify`.")


def read_idx(path: str | Path, dataset: str = "?") -> np.ndarray:
    """Parse an IDX file (optionally gzip-compressed) into an array of its declared shape.

    Args:
        path: ``*-idx?-ubyte`` or ``*.gz``.
        dataset: name used in error messages.

    Raises:
        DataError: bad magic number, unknown type code, or fewer bytes than the header declares.
    """
    path = Path(path)
    try:
        raw = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, zlib.error) as e:
        raise corrupt(path, f"cannot decompress ({e})", dataset) from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise corrupt(path, "not an IDX file (bad magic number)", dataset)
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    offset = 4 + 4 * ndim
    need = int(np.prod(dims)) * dtype.itemsize
    if len(raw) - offset < need:
        raise corrupt(path, f"header declares shape {tuple(dims)} ({need:,} bytes) but only {len(raw) - offset:,} follow",
                      dataset)
    return np.frombuffer(raw, dtype=dtype, count=int(np.prod(dims)), offset=offset).reshape(dims).astype(dtype.newbyteorder("="))


def _load_idx_set(dataset: str, path: str | Path | None):
    arrays = {}
    for key, fname in (("x_train", "train-images-idx3-ubyte.gz"), ("y_train", "train-labels-idx1-ubyte.gz"),
                       ("x_test", "t10k-images-idx3-ubyte.gz"), ("y_test", "t10k-labels-idx1-ubyte.gz")):
        arrays[key] = read_idx(hub.fetch(dataset, fname, path), dataset)
    for split in ("train", "test"):
        hub.check_split(dataset, split, len(arrays[f"x_{split}"]))
        hub.check_split(dataset, split, len(arrays[f"y_{split}"]))
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_mnist(path: str | Path | None = None):
    """MNIST like ``keras.datasets.mnist.load_data()``.

    Args:
        path: optional folder holding the four canonical ``*-ubyte.gz`` files.

    Returns:
        ``(x_train (60000, 28, 28) uint8, y_train (60000,) uint8), (x_test (10000, 28, 28), y_test)``.
    """
    return _load_idx_set("mnist", path)


def load_fashion_mnist(path: str | Path | None = None):
    """Fashion-MNIST like ``keras.datasets.fashion_mnist.load_data()`` (same shapes as MNIST).

    Debian's ``dataset-fashion-mnist`` package (``/usr/share/datasets/fashion-mnist``) is used
    when installed; class names are in `FASHION_CLASSES`.
    """
    (xtr, ytr), (xte, yte) = _load_idx_set("fashion-mnist", path)
    counts = np.bincount(ytr, minlength=10)
    if len(ytr) == 60000 and not (counts == 6000).all():  # the canonical set is exactly balanced
        raise DataError(f"fashion-mnist: training labels per class {counts.tolist()}, expected 6000 each - run "
                        "`deepdojo data verify` or reinstall the files")
    return (xtr, ytr), (xte, yte)


def load_cifar10(path: str | Path | None = None):
    """CIFAR-10 like ``keras.datasets.cifar10.load_data()``.

    Reads ``cifar-10-binary.tar.gz`` in place (records of 1 label byte + 3072 pixel bytes, CHW).
    Without it, the mirror's JPEG tarballs are used as a lossy stand-in; the run then records a
    ``stand-in data`` warning. Class order: `CIFAR10_CLASSES`.

    Returns:
        ``(x_train (50000, 32, 32, 3) uint8, y_train (50000, 1) uint8), (x_test (10000, 32, 32, 3), y_test (10000, 1))``.
    """
    found = hub.fetch_first("cifar10", ["cifar-10-binary.tar.gz", "cifar10_train_jpg.tar.gz"], path)
    if found.name == "cifar-10-binary.tar.gz":
        (xtr, ytr), (xte, yte) = _read_cifar_binary(found)
    else:
        test = hub.fetch("cifar10", "cifar10_test_jpg.tar.gz", found.parent if path else None)
        (xtr, ytr), (xte, yte) = _read_jpeg_tar(found), _read_jpeg_tar(test)
    hub.check_split("cifar10", "train", len(xtr))
    hub.check_split("cifar10", "test", len(xte))
    return (xtr, ytr.reshape(-1, 1)), (xte, yte.reshape(-1, 1))


def _read_cifar_binary(path: Path):
    """The binary release: ``cifar-10-batches-bin/data_batch_{1..5}.bin`` and ``test_batch.bin``."""
    record = 1 + 3 * 32 * 32
    batches: dict[str, np.ndarray] = {}
    try:
        with tarfile.open(path) as tf:
            for m in tf:
                name = Path(m.name).name
                if m.isfile() and name.endswith(".bin") and "batch" in name:
                    batches[name] = np.frombuffer(tf.extractfile(m).read(), dtype=np.uint8)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as e:
        raise corrupt(path, f"cannot read the archive ({e})", "cifar10") from None

    def stack(names):
        missing = [n for n in names if n not in batches]
        if missing:
            raise corrupt(path, f"missing members {missing}", "cifar10")
        raw = np.concatenate([batches[n] for n in names])
        if raw.size % record:
            raise corrupt(path, "a batch is truncated", "cifar10")
        raw = raw.reshape(-1, record)  # (N, 3073)
        return raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy(), raw[:, 0].copy()  # (N, 32, 32, 3), (N,)

    return stack([f"data_batch_{i}.bin" for i in range(1, 6)]), stack(["test_batch.bin"])


def _read_jpeg_tar(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """A tar of ``<split>/<class>/NNNN.jpg``: decode every image (sorted by class, then file name)."""
    from PIL import Image

    items = []
    try:
        with tarfile.open(path) as tf:
            for m in tf:
                parts = m.name.split("/")
                if m.isfile() and len(parts) >= 3 and parts[-2] in CIFAR10_CLASSES:
                    items.append((CIFAR10_CLASSES.index(parts[-2]), parts[-1], tf.extractfile(m).read()))
    except (tarfile.TarError, OSError, EOFError, zlib.error) as e:
        raise corrupt(path, f"cannot read the archive ({e})", "cifar10") from None
    items.sort(key=lambda t: (t[0], t[1]))
    x = np.empty((len(items), 32, 32, 3), dtype=np.uint8)
    for i, (_, name, data) in enumerate(cache.progress_iter(items, len(items), f"decoding {path.name}")):
        try:
            x[i] = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        except Exception as e:  # PIL raises several types for broken images
            raise corrupt(path, f"member {name} is not a 32x32 image ({e})", "cifar10") from None
    return x, np.array([t[0] for t in items], dtype=np.uint8)
