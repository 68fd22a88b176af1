"""Corpora read in place from their canonical archives: nietzsche, text8, spa-eng, GloVe; MovieLens 1M; cats-vs-dogs zip."""
from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from deepdojo.data import corpora, images, tabular
from deepdojo.data.cache import DataError

from .conftest import override


def test_nietzsche_character_count_is_checked(monkeypatch, tmp_path):
    (tmp_path / "nietzsche.txt").write_text("Supposing that Truth is a woman--what then?", encoding="utf-8")
    override(monkeypatch, "nietzsche", splits={"chars": 43})
    assert corpora.load_nietzsche(tmp_path).startswith("Supposing")
    override(monkeypatch, "nietzsche", splits={"chars": 600893})
    with pytest.raises(DataError, match="600,893"):
        corpora.load_nietzsche(tmp_path)


def test_text8_and_spa_eng_from_zips(monkeypatch, tmp_path):
    with zipfile.ZipFile(tmp_path / "text8.zip", "w") as z:
        z.writestr("text8", " anarchism originated as a term")
    assert corpora.load_text8(tmp_path / "text8.zip").split() == ["anarchism", "originated", "as", "a", "term"]
    with zipfile.ZipFile(tmp_path / "spa-eng.zip", "w") as z:
        z.writestr("spa-eng/spa.txt", "Go.\tVe.\nRun!\t¡Corre!\n")
    override(monkeypatch, "spa-eng", splits={"pairs": 2})
    assert corpora.load_spa_eng(tmp_path / "spa-eng.zip") == [("Go.", "Ve."), ("Run!", "¡Corre!")]
    (tmp_path / "bad").mkdir()
    with zipfile.ZipFile(tmp_path / "bad" / "spa-eng.zip", "w") as z:
        z.writestr("spa-eng/spa.txt", "no tab here\n")
    with pytest.raises(DataError, match="line 1 has no tab"):
        corpora.load_spa_eng(tmp_path / "bad" / "spa-eng.zip")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(DataError, match="cannot read"):
        corpora.load_text8(tmp_path / "broken.zip")


def test_glove_txt_and_zip(tmp_path):
    rows = "the 0.1 0.2 0.3 0.4 0.5\n, 1 2 3 4 5\nking -1 0 1 0 1\n"
    rows50 = "".join(f"w{i} " + " ".join(["0.5"] * 50) + "\n" for i in range(3))
    with zipfile.ZipFile(tmp_path / "glove.6B.zip", "w") as z:
        z.writestr("glove.6B.50d.txt", rows50)
    words, vecs, index = corpora.load_glove(50, path=tmp_path / "glove.6B.zip")
    assert words == ["w0", "w1", "w2"] and vecs.shape == (3, 50) and vecs.dtype == np.float32 and index["w2"] == 2
    (tmp_path / "glove.6B.100d.txt").write_text(rows)
    with pytest.raises(DataError, match="expected 100"):
        corpora.load_glove(100, path=tmp_path / "glove.6B.100d.txt")
    with pytest.raises(ValueError, match="50, 100, 200 or 300"):
        corpora.load_glove(64)


def test_newsgroups_offline_is_a_clear_error():
    with pytest.raises(DataError, match="20news-bydate.tar.gz"):
        corpora.load_newsgroups()


def test_movielens_1m_format(tmp_path):
    with zipfile.ZipFile(tmp_path / "ml-1m.zip", "w") as z:
        z.writestr("ml-1m/ratings.dat", "1::1193::5::978300760\n2::661::3::978302109\n")
        z.writestr("ml-1m/movies.dat", "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n".encode("latin-1"))
    m = tabular.load_movielens("ml-1m", path=tmp_path / "ml-1m.zip")
    assert m["item"].tolist() == [1193, 661] and m["rating"].tolist() == [5, 3] and m["movie_id"].tolist() == [1193]


def test_cats_vs_dogs_from_kaggle_zip(tmp_path):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (6, 6)).save(buf, "JPEG")
    with zipfile.ZipFile(tmp_path / "train.zip", "w") as z:
        for i in range(4):
            z.writestr(f"train/cat.{i}.jpg", buf.getvalue())
            z.writestr(f"train/dog.{i}.jpg", buf.getvalue())
    stats = images.make_cats_vs_dogs_tree(tmp_path / "out", path=tmp_path / "train.zip")
    assert stats == {"train": 4, "validation": 2, "test": 2, "skipped": 0}  # 2:1:1 of the 4 per class
    with pytest.raises(DataError, match="only 4 available"):
        images.make_cats_vs_dogs_tree(tmp_path / "out2", counts=(3, 1, 1), path=tmp_path / "train.zip")
