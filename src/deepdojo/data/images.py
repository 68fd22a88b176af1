"""Image folders: a ``flow_from_directory``-like loader with batched augmentation, and the builders
of the Cats-vs-Dogs and FER2013 folder trees.

Layout everywhere: ``<root>/<class>/<image>``; classes are the sorted sub-folder names and the
label is the class's position (Keras' rule).
"""
from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from deepdojo.data import hub
from deepdojo.data.cache import DataError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
FER_CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")


def list_image_folder(root: str | Path) -> tuple[list[Path], np.ndarray, list[str]]:
    """Files and labels of a class-per-folder tree: ``(paths, labels (N,) int64, class_names)``."""
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"{root} is not a folder of class sub-folders")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir())
    if not classes:
        raise DataError(f"{root} has no class sub-folders (expected <root>/<class>/<image>)")
    paths, labels = [], []
    for k, c in enumerate(classes):
        files = sorted(p for p in (root / c).iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS)
        paths += files
        labels += [k] * len(files)
    return paths, np.array(labels, dtype=np.int64), classes


def load_image(src, target_size: tuple[int, int] | None, color_mode: str = "rgb") -> np.ndarray:
    """Decode one image to ``(H, W, C)`` uint8 (C = 1 for grayscale), resized like Keras (nearest).

    Raises:
        DataError: the file cannot be decoded (names the file).
    """
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(src if not isinstance(src, bytes) else io.BytesIO(src))
        img = img.convert("L" if color_mode == "grayscale" else "RGB")
        if target_size is not None and img.size != (target_size[1], target_size[0]):
            img = img.resize((target_size[1], target_size[0]), Image.NEAREST)
        arr = np.asarray(img, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise DataError(f"{src if not isinstance(src, bytes) else 'image bytes'}: unreadable image ({e})") from None
    return arr[..., None] if arr.ndim == 2 else arr


@dataclass(frozen=True)
class Augment:
    """ImageDataGenerator-style random transforms, applied to whole batches on tensors.

    Ranges follow Keras: rotation in degrees, shifts and zoom as fractions, shear in radians.
    """

    rotation: float = 0.0
    width_shift: float = 0.0
    height_shift: float = 0.0
    shear: float = 0.0
    zoom: float = 0.0
    horizontal_flip: bool = False

    def __call__(self, x, generator=None):
        """Transform a float batch ``(B, C, H, W)`` with one random affine map per image."""
        import torch
        import torch.nn.functional as F

        b = x.shape[0]
        u = lambda lo, hi: lo + (hi - lo) * torch.rand(b, generator=generator)  # noqa: E731
        theta = u(-self.rotation, self.rotation) * math.pi / 180
        shear = u(-self.shear, self.shear)
        zx, zy = u(1 - self.zoom, 1 + self.zoom), u(1 - self.zoom, 1 + self.zoom)
        tx, ty = u(-self.width_shift, self.width_shift) * 2, u(-self.height_shift, self.height_shift) * 2
        flip = torch.where(torch.rand(b, generator=generator) < 0.5, -1.0, 1.0) if self.horizontal_flip else torch.ones(b)
        cos, sin = torch.cos(theta), torch.sin(theta)
        mat = torch.stack([torch.stack([zx * cos * flip, -zy * torch.sin(theta + shear), tx], 1),
                           torch.stack([zx * sin * flip, zy * torch.cos(theta + shear), ty], 1)], 1)  # (B, 2, 3)
        grid = F.affine_grid(mat.to(x.dtype), list(x.shape), align_corners=False)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)


class ImageFolderIterator:
    """``flow_from_directory``: batches ``(x (B, C, H, W) float32, y)`` from a class-per-folder tree.

    Images are decoded once into memory (uint8) and rescaled per batch; unreadable files are
    skipped and counted in `skipped`.

    Args:
        root: the tree.
        target_size: ``(H, W)``.
        color_mode: ``"rgb"`` or ``"grayscale"``.
        class_mode: ``"binary"`` (float labels), ``"sparse"`` (int64) or ``"categorical"`` (one-hot).
        batch_size, shuffle, seed: as in Keras (shuffled every epoch).
        rescale: multiply pixels by this (Keras' ``rescale=1/255``).
        augment: an `Augment`, or None.
        featurewise: Keras' featurewise centre + std normalisation, *fitted* (the Hands-On FER
            code forgot to fit it): True computes per-channel mean/std from this folder (the
            training set); pass the training iterator's ``(mean, std)`` for validation/test.
    """

    def __init__(self, root, target_size=(150, 150), color_mode="rgb", class_mode="binary", batch_size=32,
                 shuffle=True, seed=0, rescale=1 / 255, augment: Augment | None = None,
                 featurewise: bool | tuple = False):
        if class_mode not in ("binary", "sparse", "categorical"):
            raise ValueError(f"class_mode must be binary, sparse or categorical, not {class_mode!r}")
        paths, labels, self.classes = list_image_folder(root)
        images, keep = [], []
        for i, p in enumerate(paths):
            try:
                images.append(load_image(p, target_size, color_mode))
                keep.append(i)
            except DataError:
                continue
        self.skipped = len(paths) - len(keep)
        if not images:
            raise DataError(f"{root}: no readable image among {len(paths)} files")
        self.x = np.stack(images)  # (N, H, W, C) uint8
        self.y = labels[keep]
        self.class_mode, self.batch_size, self.rescale, self.augment = class_mode, batch_size, rescale, augment
        self.shuffle, self.rng = shuffle, np.random.default_rng(seed)
        self.seed = seed
        self.mean = self.std = None
        if featurewise is True:
            scaled = self.x.reshape(-1, self.x.shape[-1]).astype(np.float64) * rescale  # (N*H*W, C)
            self.mean, self.std = scaled.mean(0).astype(np.float32), (scaled.std(0) + 1e-6).astype(np.float32)
        elif featurewise:
            self.mean, self.std = (np.asarray(v, dtype=np.float32) for v in featurewise)

    def __len__(self) -> int:
        return -(-len(self.y) // self.batch_size)

    def __iter__(self):
        import torch

        order = self.rng.permutation(len(self.y)) if self.shuffle else np.arange(len(self.y))
        gen = torch.Generator().manual_seed(int(self.rng.integers(2**31)))
        for i in range(0, len(order), self.batch_size):
            idx = order[i:i + self.batch_size]
            x = torch.from_numpy(self.x[idx]).permute(0, 3, 1, 2).float() * self.rescale  # (B, C, H, W)
            if self.mean is not None:
                x = (x - torch.from_numpy(self.mean)[:, None, None]) / torch.from_numpy(self.std)[:, None, None]
            if self.augment is not None:
                x = self.augment(x, gen)
            y = torch.from_numpy(self.y[idx])
            if self.class_mode == "binary":
                y = y.float()
            elif self.class_mode == "categorical":
                y = torch.nn.functional.one_hot(y, len(self.classes)).float()
            yield x, y


# -- tree builders -----------------------------------------------------------------------------
_PET = re.compile(r"(?:^|/)(cat|dog)\.(\d+)\.jpe?g$", re.IGNORECASE)
_PETIMAGES = re.compile(r"PetImages/(Cat|Dog)/(\d+)\.jpe?g$", re.IGNORECASE)


def _cat_dog_sources(path=None) -> dict[str, list[tuple[int, object]]]:
    """``{"cats": [(id, path-or-bytes-thunk), ...], "dogs": ...}`` from folders or a zip, sorted by id."""
    found = hub.fetch_first("cats-vs-dogs", ["cats", "train.zip", "kagglecatsanddogs_5340.zip"], path)
    out: dict[str, list] = {"cats": [], "dogs": []}
    if found.is_dir():
        for cls in ("cats", "dogs"):
            folder = found.parent / cls
            for p in folder.iterdir():
                g = _PET.search(p.name)
                if g:
                    out[cls].append((int(g[2]), p))
    else:
        z = zipfile.ZipFile(found)
        for name in z.namelist():
            g = _PET.search(name) or _PETIMAGES.search(name)
            if g:
                out[g[1].lower() + "s"].append((int(g[2]), (z, name)))
    for cls in out:
        out[cls].sort(key=lambda t: t[0])
    return out


def make_cats_vs_dogs_tree(out: str | Path, counts: tuple[int, int, int] | None = None, path=None) -> dict[str, int]:
    """Build DLwP's ``out/{train,validation,test}/{cats,dogs}/`` subset (unreadable JPEGs skipped).

    Args:
        out: target folder (created; existing files are kept).
        counts: images per class for train/validation/test in id order; default the book's
            (1000, 500, 500), or a 2:1:1 split of what exists when fewer images are available.

    Returns:
        ``{"train": n, "validation": n, "test": n, "skipped": n}`` (images per split, both classes).
    """
    import shutil

    sources = _cat_dog_sources(path)
    available = min(len(v) for v in sources.values())
    if counts is None:
        counts = (1000, 500, 500) if available >= 2000 else (available // 2, available // 4, available - available // 2 - available // 4)
    if sum(counts) > available:
        raise DataError(f"cats-vs-dogs: {sum(counts)} images per class requested, only {available} available; pass "
                        f"smaller counts")
    stats = {"train": 0, "validation": 0, "test": 0, "skipped": 0}
    bounds = np.cumsum((0,) + tuple(counts))
    for cls, items in sources.items():
        for split, lo, hi in zip(("train", "validation", "test"), bounds[:-1], bounds[1:]):
            folder = Path(out) / split / cls
            folder.mkdir(parents=True, exist_ok=True)
            for ident, src in items[lo:hi]:
                data = src.read_bytes() if isinstance(src, Path) else src[0].read(src[1])
                try:
                    load_image(data, None)  # the Kaggle set has a few broken JPEGs
                except DataError:
                    stats["skipped"] += 1
                    continue
                target = folder / f"{cls[:-1]}.{ident}.jpg"
                if isinstance(src, Path):
                    shutil.copyfile(src, target)
                else:
                    target.write_bytes(data)
                stats[split] += 1
    return stats


def fer2013_to_tree(out: str | Path, path=None) -> dict[str, int]:
    """Convert the FER2013 CSV (``emotion,pixels,Usage``) into ``out/<Usage>/<class>/<row>.png``.

    Returns:
        images written per Usage (Training 28,709, PublicTest 3,589, PrivateTest 3,589 canonically).

    Raises:
        DataError: a column is missing or a row does not hold 48x48 pixel values.
    """
    from PIL import Image

    src = hub.fetch("fer2013", "fer2013.csv", path)
    counts: dict[str, int] = {}
    with open(src, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = {"emotion", "pixels", "Usage"} - set(reader.fieldnames or [])
        if missing:
            raise DataError(f"{src}: missing column(s) {sorted(missing)}; expected emotion,pixels,Usage")
        for i, row in enumerate(reader):
            pixels = np.array(row["pixels"].split(), dtype=np.uint8)
            if pixels.size != 48 * 48:
                raise DataError(f"{src}: row {i + 2} has {pixels.size} pixel values, expected 2304 (48x48)")
            folder = Path(out) / row["Usage"] / FER_CLASSES[int(row["emotion"])]
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(pixels.reshape(48, 48), "L").save(folder / f"{i:05d}.png")
            counts[row["Usage"]] = counts.get(row["Usage"], 0) + 1
    return counts
