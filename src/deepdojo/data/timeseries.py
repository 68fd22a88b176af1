"""Time series: the Jena climate CSV, Keras' ``timeseries_dataset_from_array`` windowing, and
normalisation with training statistics only.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from deepdojo.data import hub
from deepdojo.data.cache import DataError

JENA_COLUMNS = ("p (mbar)", "T (degC)", "Tpot (K)", "Tdew (degC)", "rh (%)", "VPmax (mbar)", "VPact (mbar)",
                "VPdef (mbar)", "sh (g/kg)", "H2OC (mmol/mol)", "rho (g/m**3)", "wv (m/s)", "max. wv (m/s)", "wd (deg)")


def load_jena_climate(path: str | Path | None = None):
    """The Jena climate record 2009-2016 (10-minute steps), read from the zip in place or the CSV.

    Returns:
        ``(columns: tuple of 14 names, times (N,) datetime64[s], values (N, 14) float32)``, N = 420,451.

    Raises:
        DataError: the header lacks a column, a value is not a number, or the archive is broken.
    """
    found = hub.fetch_first("jena-climate", ["jena_climate_2009_2016.csv.zip", "jena_climate_2009_2016.csv"], path)
    try:
        if found.suffix == ".zip":
            with zipfile.ZipFile(found) as z:
                member = next((n for n in z.namelist() if n.endswith(".csv")), None)
                if member is None:
                    raise DataError(f"{found}: the zip holds no .csv file")
                text = z.read(member).decode("latin-1")
        else:
            text = found.read_text(encoding="latin-1")
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as e:
        raise DataError(f"{found}: cannot read it ({e}); delete it and run `deepdojo data fetch jena-climate`") from None
    return parse_jena(text, str(found))


def parse_jena(text: str, label: str = "jena csv"):
    """Parse the Jena CSV text (header ``"Date Time",<14 columns>``); see `load_jena_climate`."""
    lines = text.splitlines()
    header = [h.strip().strip('"') for h in lines[0].split(",")]
    missing = [c for c in JENA_COLUMNS if c not in header]
    if header[0] != "Date Time" or missing:
        raise DataError(f"{label}: expected 'Date Time' and {list(JENA_COLUMNS)}; missing {missing or ['Date Time']}")
    body = [ln for ln in lines[1:] if ln]
    try:
        values = np.loadtxt(io.StringIO("\n".join(body)), delimiter=",", usecols=range(1, len(header)),
                            dtype=np.float32, ndmin=2)
    except ValueError as e:
        raise DataError(f"{label}: a value is missing or not a number ({e})") from None
    order = [header.index(c) - 1 for c in JENA_COLUMNS]
    # "01.01.2009 00:10:00" → ISO, so NumPy parses all stamps in one call
    iso = [f"{s[6:10]}-{s[3:5]}-{s[0:2]}T{s[11:19]}" for s in (ln.split(",", 1)[0] for ln in body)]
    try:
        times = np.array(iso, dtype="datetime64[s]")
    except ValueError as e:
        raise DataError(f"{label}: a 'Date Time' value is not dd.mm.yyyy HH:MM:SS ({e})") from None
    hub.check_split("jena-climate", "all", len(values))
    return JENA_COLUMNS, times, values[:, order]


def split_sizes(n: int, train: float = 0.5, val: float = 0.25) -> tuple[int, int, int]:
    """DLwP 2e's chronological split: first 50 % train, next 25 % validation, the rest test."""
    n_train, n_val = int(train * n), int(val * n)
    return n_train, n_val, n - n_train - n_val


def normalize_with_train(values: np.ndarray, num_train: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standardise every column with the mean/std of the first `num_train` rows only (no leak).

    Returns:
        ``(normalised float32, mean (F,), std (F,))``.
    """
    mean = values[:num_train].mean(axis=0)
    std = values[:num_train].std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return ((values - mean) / std).astype(np.float32), mean, std


class TimeseriesWindows:
    """Keras' ``timeseries_dataset_from_array`` as a NumPy batch iterator.

    Window i starts at ``start_index + p_i`` with ``p_i = 0, stride, 2*stride, ...`` and takes
    ``sequence_length`` rows every `sampling_rate` rows; its target is ``targets[start_index + p_i]``
    (so pass ``targets = data[delay:]`` for a target `delay` steps ahead, as DLwP does).

    Args:
        data: ``(T, F)`` array.
        targets: ``(T', ...)`` array or None.
        sequence_length, sequence_stride, sampling_rate, batch_size: as in Keras.
        shuffle: shuffle window order once (``np.random.default_rng(seed)``).
        start_index, end_index: only rows in ``[start_index, end_index)`` are used.
    """

    def __init__(self, data, targets, sequence_length: int, sequence_stride: int = 1, sampling_rate: int = 1,
                 batch_size: int | None = 128, shuffle: bool = False, seed: int | None = None,
                 start_index: int | None = None, end_index: int | None = None):
        if sequence_length < 1 or sampling_rate < 1 or sequence_stride < 1:
            raise ValueError("sequence_length, sampling_rate and sequence_stride must be >= 1")
        self.data, self.targets = np.asarray(data), None if targets is None else np.asarray(targets)
        start = start_index or 0
        end = len(self.data) if end_index is None else end_index
        if not 0 <= start < end <= len(self.data):
            raise ValueError(f"need 0 <= start_index < end_index <= len(data); got {start}, {end}, {len(self.data)}")
        num_seqs = end - start - (sequence_length - 1) * sampling_rate
        if self.targets is not None:
            num_seqs = min(num_seqs, len(self.targets))
        self.positions = start + np.arange(0, max(num_seqs, 0), sequence_stride)  # (S,)
        if shuffle:
            np.random.default_rng(seed).shuffle(self.positions)
        self.offsets = np.arange(sequence_length) * sampling_rate  # (L,)
        self.batch_size = batch_size or max(len(self.positions), 1)

    def __len__(self) -> int:
        return -(-len(self.positions) // self.batch_size)

    def batch(self, positions: np.ndarray):
        """Windows for explicit start rows: ``x (B, L, F)`` and ``y (B, ...)`` (or just x)."""
        x = self.data[positions[:, None] + self.offsets]  # (B, L, F)
        return x if self.targets is None else (x, self.targets[positions])

    def __iter__(self) -> Iterator:
        for i in range(0, len(self.positions), self.batch_size):
            yield self.batch(self.positions[i:i + self.batch_size])

    def arrays(self):
        """All windows at once (small series only)."""
        return self.batch(self.positions)


def timeseries_dataset_from_array(data, targets, sequence_length: int, **kwargs) -> TimeseriesWindows:
    """Keras-named constructor for `TimeseriesWindows`."""
    return TimeseriesWindows(data, targets, sequence_length, **kwargs)


def check_timeseries(values: np.ndarray, label: str) -> None:
    """Raise when a series holds NaN/inf (the Jena CSV has none; a broken copy might)."""
    if not np.isfinite(values).all():
        raise DataError(f"{label}: contains NaN or infinite values")
