"""Read Keras' ``imdb.npz`` / ``reuters.npz`` without ``allow_pickle=True``.

Those files store ragged integer sequences as ``dtype=object`` arrays, which NumPy can only save as
a pickle stream inside the ``.npy`` member. Unpickling untrusted data can run arbitrary code, so
object members are read with a restricted unpickler that resolves only the globals NumPy needs to
rebuild arrays of int lists and refuses everything else (``os.system``, ``builtins.eval``, ...).
"""
from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import numpy as np

from deepdojo.data.cache import DataError

ALLOWED_GLOBALS = frozenset({
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),  # files written by NumPy < 2
    ("numpy._core.multiarray", "_reconstruct"),  # NumPy >= 2
    ("builtins", "list"),
})


class RefusedPickle(DataError):
    """A pickle stream named a global outside `ALLOWED_GLOBALS`."""


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that can rebuild NumPy arrays of int lists and nothing else."""

    def find_class(self, module: str, name: str):
        if (module, name) in ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise RefusedPickle(f"refusing to unpickle {module}.{name}: a dataset file may only hold NumPy arrays "
                            "of integer lists. The file is corrupt or malicious - delete it and fetch it again.")


def _read_member(raw: bytes) -> np.ndarray:
    fp = io.BytesIO(raw)
    try:
        return np.lib.format.read_array(fp, allow_pickle=False)
    except ValueError:  # an object array: skip the header ourselves and unpickle with restrictions
        fp.seek(0)
        major, _ = np.lib.format.read_magic(fp)
        if major == 1:
            np.lib.format.read_array_header_1_0(fp)
        elif major in (2, 3):
            np.lib.format.read_array_header_2_0(fp)
        else:
            raise
        return RestrictedUnpickler(fp).load()


def load_npz(path: str | Path) -> dict[str, np.ndarray]:
    """Load every array of an ``.npz`` safely (numeric arrays with pickling off, object arrays restricted).

    Raises:
        RefusedPickle: a member's pickle names a forbidden global.
        DataError: the file is not a readable zip/npz.
    """
    out = {}
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.filename.endswith(".npy"):
                    out[info.filename[:-4]] = _read_member(z.read(info))
    except RefusedPickle:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, pickle.UnpicklingError) as e:
        raise DataError(f"{path}: not a readable .npz ({e}); delete it and fetch it again, "
                        "or check the cache with `deepdojo data verify`") from None
    return out
