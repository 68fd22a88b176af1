"""Boston (Keras split), insurance CSV, CSV errors, California via sklearn (offline), MovieLens, Jena, windowing."""
from __future__ import annotations

import zipfile

import numpy as np
import pytest

from deepdojo.data import tabular, timeseries
from deepdojo.data.cache import DataError

from .conftest import override


def test_boston_csv_reproduces_keras_split(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.random((506, 14)).round(4)
    header = ",".join(tabular.BOSTON_FEATURES + ("medv",))
    body = "\n".join(",".join(f'"{v}"' if j == 3 else str(v) for j, v in enumerate(row)) for row in data)
    (tmp_path / "BostonHousing.csv").write_text(header + "\n" + body + "\n")
    (xtr, ytr), (xte, yte) = tabular.load_boston_housing(path=tmp_path / "BostonHousing.csv")
    idx = np.arange(506)
    np.random.RandomState(113).shuffle(idx)
    assert xtr.shape == (404, 13) and xte.shape == (102, 13)
    assert np.allclose(xtr, data[idx[:404], :13]) and np.allclose(yte, data[idx[404:], 13])


def test_boston_npz_and_wrong_row_count(tmp_path):
    np.savez(tmp_path / "boston_housing.npz", x=np.ones((506, 13)), y=np.arange(506.0))
    (xtr, ytr), _ = tabular.load_boston_housing(path=tmp_path / "boston_housing.npz")
    assert xtr.shape == (404, 13)
    np.savez(tmp_path / "boston_housing.npz", x=np.ones((5, 13)), y=np.arange(5.0))
    with pytest.raises(DataError, match="506"):
        tabular.load_boston_housing(path=tmp_path / "boston_housing.npz")


def test_insurance_and_csv_errors(monkeypatch, tmp_path):
    (tmp_path / "insurance-customers-1500.csv").write_text("speed;age;miles;group\n100;40;20;1\n120;25;30;0\n")
    override(monkeypatch, "insurance-customers", splits={"all": 2})
    x, y = tabular.load_insurance_customers(path=tmp_path)
    assert x.dtype == np.float32 and x.tolist() == [[100, 40, 20], [120, 25, 30]] and y.tolist() == [1, 0]
    (tmp_path / "bad.csv").write_text("speed,age\n1,2\n")
    with pytest.raises(DataError, match=r"bad.csv: missing column\(s\) \['miles', 'group'\]"):
        tabular.read_csv(tmp_path / "bad.csv", tabular.INSURANCE_COLUMNS)
    (tmp_path / "nan.csv").write_text("speed,age,miles,group\n1,x,3,0\n")
    with pytest.raises(DataError, match="not a number"):
        tabular.read_csv(tmp_path / "nan.csv", tabular.INSURANCE_COLUMNS)


def test_california_offline_is_a_clear_error():
    with pytest.raises(DataError, match="cal_housing.tgz.*"):
        tabular.load_california_housing()


def test_iris_and_digits_bundled():
    x, y = tabular.load_iris()
    assert x.shape == (150, 4) and set(y) == {0, 1, 2}
    x, y = tabular.load_digits()
    assert x.shape == (1797, 8, 8)


def test_movielens_zip_in_place(tmp_path):
    with zipfile.ZipFile(tmp_path / "ml-latest-small.zip", "w") as z:
        z.writestr("ml-latest-small/ratings.csv", "userId,movieId,rating,timestamp\n1,10,4.5,100\n2,20,3.0,200\n")
        z.writestr("ml-latest-small/movies.csv", 'movieId,title,genres\n10,"Heat, The (1995)",Action\n20,Up,Comedy\n')
    m = tabular.load_movielens(path=tmp_path / "ml-latest-small.zip")
    assert m["user"].tolist() == [1, 2] and m["rating"].tolist() == [4.5, 3.0] and m["title"][0] == "Heat, The (1995)"
    with pytest.raises(DataError, match="unknown variant"):
        tabular.load_movielens("ml-20m")


def _jena_text(n=5):
    header = '"Date Time",' + ",".join(f'"{c}"' for c in timeseries.JENA_COLUMNS)
    rows = [f"01.01.2009 00:{10 * (i + 1) % 60:02d}:00," + ",".join(str(i * 100 + j) for j in range(14)) for i in range(n)]
    return header + "\n" + "\n".join(rows) + "\n"


def test_jena_from_zip(monkeypatch, tmp_path):
    with zipfile.ZipFile(tmp_path / "jena_climate_2009_2016.csv.zip", "w") as z:
        z.writestr("jena_climate_2009_2016.csv", _jena_text())
    override(monkeypatch, "jena-climate", splits={"all": 5})
    cols, times, values = timeseries.load_jena_climate(path=tmp_path / "jena_climate_2009_2016.csv.zip")
    assert cols[1] == "T (degC)" and values.shape == (5, 14) and values.dtype == np.float32
    assert values[2, 1] == 201 and str(times[0]) == "2009-01-01T00:10:00"
    with pytest.raises(DataError, match="missing"):
        timeseries.parse_jena("a,b\n1,2\n")


def test_timeseries_windows_match_keras_semantics():
    data = np.arange(20).reshape(10, 2)  # row t = [2t, 2t+1]
    targets = np.arange(100, 110)
    ds = timeseries.timeseries_dataset_from_array(data, targets[3:], sequence_length=3, sampling_rate=2,
                                                  sequence_stride=2, batch_size=2)
    x, y = ds.arrays()
    # starts 0, 2 (num_seqs = 10 - (3-1)*2 = 6 → positions 0, 2, 4), target = targets[3 + start]
    assert x[:, :, 0].tolist() == [[0, 4, 8], [4, 8, 12], [8, 12, 16]]
    assert y.tolist() == [103, 105, 107]
    assert [b[0].shape[0] for b in ds] == [2, 1] and len(ds) == 2
    sub = timeseries.TimeseriesWindows(data, None, 2, start_index=5, end_index=8)
    assert sub.arrays()[:, :, 0].tolist() == [[10, 12], [12, 14]]
    shuffled = timeseries.TimeseriesWindows(data, targets, 2, shuffle=True, seed=0)
    assert sorted(shuffled.positions.tolist()) == list(range(9))


def test_normalize_with_train_and_split_sizes():
    v = np.array([[0.0, 1.0], [2.0, 1.0], [10.0, 5.0]])
    out, mean, std = timeseries.normalize_with_train(v, 2)
    assert mean.tolist() == [1.0, 1.0] and out[2].tolist() == [9.0, 4.0]  # zero std guarded → 1
    assert timeseries.split_sizes(420451) == (210225, 105112, 105114)
