"""Tabular datasets: Boston and California housing, the embarc insurance customers, MovieLens, and
scikit-learn's iris / digits.

CSV files are parsed with the standard library + NumPy (no pandas dependency); a missing column or
an unparsable value raises an error naming the file and the column.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np

from deepdojo.data import cache, hub
from deepdojo.data.cache import DataError
from deepdojo.data.safe_npz import load_npz

BOSTON_FEATURES = ("crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat")
INSURANCE_COLUMNS = ("speed", "age", "miles", "group")


def read_csv(source: str | Path | io.TextIOBase, columns: tuple[str, ...] | None = None, delimiter: str | None = None,
             dtype=np.float64, name: str | None = None) -> tuple[list[str], np.ndarray]:
    """Read a headed numeric CSV into ``(header, (rows, cols) array)``.

    Args:
        source: a path or an open text stream.
        columns: required columns, returned in this order (others dropped); None keeps all.
        delimiter: ``,`` / ``;`` / tab; sniffed from the header when None.
        name: how to call the file in errors (default: the path).

    Raises:
        DataError: a required column is missing or a value is not a number.
    """
    label = name or str(source)
    text = Path(source).read_text(encoding="utf-8") if isinstance(source, (str, Path)) else source.read()
    lines = text.splitlines()
    if not lines:
        raise DataError(f"{label}: empty file")
    if delimiter is None:
        delimiter = max((",", ";", "\t"), key=lines[0].count)
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [h.strip().strip('"') for h in rows[0]]
    want = list(columns) if columns else header
    missing = [c for c in want if c not in header]
    if missing:
        raise DataError(f"{label}: missing column(s) {missing}; the header is {header}")
    idx = [header.index(c) for c in want]
    body = [r for r in rows[1:] if r]
    try:
        data = np.array([[float(r[i].strip().strip('"')) for i in idx] for r in body], dtype=dtype)
    except (ValueError, IndexError) as e:
        raise DataError(f"{label}: a value in columns {want} is missing or not a number ({e})") from None
    return want, data.reshape(len(body), len(want))


def load_boston_housing(test_split: float = 0.2, seed: int = 113, path: str | Path | None = None):
    """Boston Housing exactly as ``keras.datasets.boston_housing.load_data()`` splits it.

    From Keras' ``boston_housing.npz`` or the 506-row CSV (same rows): shuffle indices with
    ``RandomState(seed)``, first ``int(506 * (1 - test_split))`` rows train.

    Returns:
        ``(x_train (404, 13) float64, y_train (404,)), (x_test (102, 13), y_test (102,))``.
    """
    found = hub.fetch_first("boston-housing", ["boston_housing.npz", "BostonHousing.csv"], path)
    if found.suffix == ".npz":
        arrays = load_npz(found)
        x, y = arrays["x"].astype(np.float64), arrays["y"].astype(np.float64)
    else:
        _, data = read_csv(found, (*BOSTON_FEATURES, "medv"))
        x, y = data[:, :13], data[:, 13]
    hub.check_split("boston-housing", "all", len(x))
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


def load_insurance_customers(variant: str = "1500", path: str | Path | None = None):
    """The embarc course's car-insurance customers.

    Args:
        variant: ``"1500"`` (the course's main file), ``"300"``, ``"10000"``, ``"500-test"``,
            ``"risk-1500"``, ``"risk-1500-test"`` or ``"risk-1500-shift"``.

    Returns:
        ``(x (N, 3) float32 [speed, age, miles], y (N,) int64 group)``; the risk variants add the
        ``risk`` column as a 4th feature.
    """
    fname = f"insurance-customers-{variant}.csv"
    columns = INSURANCE_COLUMNS + (("risk",) if variant.startswith("risk") else ())
    _, data = read_csv(hub.fetch("insurance-customers", fname, path), columns)
    if variant == "1500":
        hub.check_split("insurance-customers", "all", len(data))
    feats = [c for c in columns if c != "group"]
    cols = [columns.index(c) for c in feats]
    return data[:, cols].astype(np.float32), data[:, columns.index("group")].astype(np.int64)


def load_california_housing():
    """scikit-learn's California housing ``(x (20640, 8) float64, y (20640,))``, cached under the hub.

    Downloads scikit-learn's verified ``cal_housing.tgz`` once (never with ``DEEPDOJO_OFFLINE=1``).
    """
    from sklearn.datasets import fetch_california_housing

    bunch = _sklearn_call("california-housing", fetch_california_housing)
    hub.check_split("california-housing", "all", len(bunch.data))
    return bunch.data, bunch.target


def _sklearn_call(dataset: str, fn, **kwargs):
    """Call a scikit-learn fetcher with the hub's cache folder and offline mode."""
    home = cache.cache_dir() / "sklearn"
    home.mkdir(parents=True, exist_ok=True)
    try:
        return fn(data_home=str(home), download_if_missing=not cache.offline(), **kwargs)
    except OSError as e:  # sklearn raises OSError when the data is absent and downloading is off / fails
        raise hub.missing_error(dataset, [f.name for f in hub.get_source(dataset).files], [str(e)]) from None


def load_iris():
    """Fisher's iris (bundled with scikit-learn): ``(x (150, 4), y (150,))``."""
    from sklearn.datasets import load_iris as sk

    bunch = sk()
    return bunch.data, bunch.target


def load_digits():
    """scikit-learn's 8x8 digits: ``(x (1797, 8, 8) float64 in 0..16, y (1797,))``."""
    from sklearn.datasets import load_digits as sk

    bunch = sk()
    return bunch.images, bunch.target


# -- MovieLens ---------------------------------------------------------------------------------
_ML_LAYOUT = {  # variant → (ratings member, separator, movies member, separator, encoding, has header)
    "ml-latest-small": ("ratings.csv", ",", "movies.csv", ",", "utf-8", True),
    "ml-100k": ("u.data", "\t", "u.item", "|", "latin-1", False),
    "ml-1m": ("ratings.dat", "::", "movies.dat", "::", "latin-1", False),
}


def load_movielens(variant: str = "ml-latest-small", path: str | Path | None = None) -> dict[str, np.ndarray]:
    """MovieLens ratings and movie titles, from the extracted files or the GroupLens zip read in place.

    Args:
        variant: ``ml-latest-small``, ``ml-100k`` or ``ml-1m``.

    Returns:
        ``{"user", "item", "rating", "timestamp"}`` arrays of equal length (ids as published) and
        ``{"movie_id", "title"}`` for the movies.
    """
    if variant not in _ML_LAYOUT:
        raise DataError(f"movielens: unknown variant {variant!r}; choose one of {sorted(_ML_LAYOUT)}")
    rfile, rsep, mfile, msep, enc, header = _ML_LAYOUT[variant]
    extracted = f"{variant}/{rfile}"
    names = [extracted, f"{variant}.zip"] if extracted in {f.name for f in hub.get_source("movielens").files} \
        else [f"{variant}.zip"]
    found = hub.fetch_first("movielens", names, path)
    if found.suffix == ".zip":
        try:
            with zipfile.ZipFile(found) as z:
                ratings_text = z.read(f"{variant}/{rfile}").decode(enc)
                movies_text = z.read(f"{variant}/{mfile}").decode(enc)
        except (zipfile.BadZipFile, KeyError, OSError) as e:
            raise DataError(f"{found}: cannot read {variant} from the zip ({e}); delete it and fetch it again") from None
    else:
        ratings_text = found.read_text(encoding=enc)
        movies_text = (found.parent / mfile).read_text(encoding=enc)
    r_lines = ratings_text.splitlines()[1 if header else 0:]
    table = np.array([line.split(rsep)[:4] for line in r_lines if line], dtype=np.float64)  # (N, 4)
    m_rows = list(csv.reader(movies_text.splitlines()[1:])) if header else \
        [line.split(msep) for line in movies_text.splitlines() if line]
    return {"user": table[:, 0].astype(np.int64), "item": table[:, 1].astype(np.int64), "rating": table[:, 2],
            "timestamp": table[:, 3].astype(np.int64), "movie_id": np.array([int(r[0]) for r in m_rows]),
            "title": np.array([r[1] for r in m_rows], dtype=object)}
