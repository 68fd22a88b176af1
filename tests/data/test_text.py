"""IMDB / Reuters Keras semantics, the safe npz reader, raw aclImdb, word index and decode."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

from deepdojo.data import safe_npz, text
from deepdojo.data.cache import DataError

from .conftest import override, save_object_npz, write_acl_tarball


def keras_reference(x_train, y_train, x_test, y_test, num_words=None, skip_top=0, maxlen=None, seed=113,
                    start_char=1, oov_char=2, index_from=3):
    """Keras 3's imdb.load_data body, list by list (the specification we match)."""
    rng = np.random.RandomState(seed)
    idx = np.arange(len(x_train))
    rng.shuffle(idx)
    x_train, y_train = [x_train[i] for i in idx], y_train[idx]
    idx = np.arange(len(x_test))
    rng.shuffle(idx)
    x_test, y_test = [x_test[i] for i in idx], y_test[idx]
    x_train = [[start_char] + [w + index_from for w in x] for x in x_train]
    x_test = [[start_char] + [w + index_from for w in x] for x in x_test]
    if maxlen:
        keep = [i for i, x in enumerate(x_train) if len(x) < maxlen]
        x_train, y_train = [x_train[i] for i in keep], y_train[keep]
        keep = [i for i, x in enumerate(x_test) if len(x) < maxlen]
        x_test, y_test = [x_test[i] for i in keep], y_test[keep]
    xs = x_train + x_test
    if not num_words:
        num_words = max(max(x) for x in xs)
    xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    n = len(x_train)
    return (xs[:n], y_train), (xs[n:], y_test)


def _random_corpus(rng, n, vocab=30):
    return [list(rng.integers(1, vocab, rng.integers(1, 12))) for _ in range(n)]


@pytest.mark.parametrize("kwargs", [{}, {"num_words": 10}, {"num_words": 12, "skip_top": 5}, {"maxlen": 8},
                                    {"seed": 7, "index_from": 2, "num_words": 20}])
def test_imdb_npz_matches_keras_algorithm(monkeypatch, tmp_path, kwargs):
    rng = np.random.default_rng(0)
    xtr, xte = _random_corpus(rng, 9), _random_corpus(rng, 7)
    ytr, yte = rng.integers(0, 2, 9), rng.integers(0, 2, 7)
    save_object_npz(tmp_path / "imdb.npz", x_train=xtr, y_train=ytr, x_test=xte, y_test=yte)
    override(monkeypatch, "imdb", splits={"train": 9, "test": 7})
    (a, b), (c, d) = text.load_imdb(path=tmp_path / "imdb.npz", **kwargs)
    (ra, rb), (rc, rd) = keras_reference(xtr, ytr, xte, yte, **kwargs)
    assert a.dtype == object and list(a) == ra and list(c) == rc
    assert np.array_equal(b, rb) and np.array_equal(d, rd)


def test_reuters_matches_keras_split(monkeypatch, tmp_path):
    rng = np.random.default_rng(1)
    xs, ys = _random_corpus(rng, 10), rng.integers(0, 46, 10)
    save_object_npz(tmp_path / "reuters.npz", x=xs, y=ys)
    override(monkeypatch, "reuters", splits={"all": 10})
    (a, b), (c, d) = text.load_reuters(num_words=15, path=tmp_path / "reuters.npz")
    # Keras: one shuffle of everything, then split at int(len * 0.8)
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    ref = [[1] + [w + 3 if w + 3 < 15 else 2 for w in xs[i]] for i in order]
    assert len(a) == 8 and len(c) == 2 and list(a) + list(c) == ref and np.array_equal(np.r_[b, d], ys[order])
    with pytest.raises(DataError, match="canonical one has 11,228"):
        override(monkeypatch, "reuters", splits={"all": 11228})
        text.load_reuters(path=tmp_path / "reuters.npz")


def test_malicious_pickle_is_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            import os

            return (os.system, ("echo pwned",))

    arr = np.empty(1, dtype=object)
    arr[0] = Evil()
    np.savez(tmp_path / "reuters.npz", x=arr, y=np.zeros(1))
    with pytest.raises(safe_npz.RefusedPickle, match="os.system|posix.system"):
        safe_npz.load_npz(tmp_path / "reuters.npz")
    assert isinstance(safe_npz.RefusedPickle("x"), DataError)


def test_safe_npz_reads_numeric_without_pickle_and_rejects_garbage(tmp_path):
    np.savez(tmp_path / "n.npz", a=np.arange(5))
    assert np.array_equal(safe_npz.load_npz(tmp_path / "n.npz")["a"], np.arange(5))
    (tmp_path / "bad.npz").write_bytes(b"garbage")
    with pytest.raises(DataError, match="not a readable .npz"):
        safe_npz.load_npz(tmp_path / "bad.npz")
    assert pickle  # the restricted unpickler subclasses pickle.Unpickler


REVIEWS = {
    ("train", "pos"): ["A great, great film!<br />Great acting.", "Loved it: great fun"],
    ("train", "neg"): ["A bad film. Bad!", "bad acting, awful"],
    ("test", "pos"): ["great zebra film"],
    ("test", "neg"): ["awful"],
}


def test_imdb_from_raw_tarball_has_keras_semantics(monkeypatch, tmp_path):
    tar = write_acl_tarball(tmp_path / "aclImdb_v1.tar.gz", REVIEWS)
    override(monkeypatch, "imdb", splits={"train": 4, "test": 2})
    (xtr, ytr), (xte, yte) = text.load_imdb(path=tar)
    wi = text.imdb_word_index(path=tar)
    assert wi["great"] == 1 and wi["bad"] == 2  # frequency ranks over the training reviews
    assert "zebra" not in wi  # test-only words are dropped, as in Keras
    assert all(s[0] == 1 for s in list(xtr) + list(xte)) and min(min(s[1:]) for s in xtr) >= 2
    # Keras' quirk with num_words=None: the largest index falls outside [skip_top, max) and becomes OOV
    top = len(wi) + 3
    assert not any(top in s for s in xtr) and any(2 in s for s in xtr)
    decoded = {text.decode(s, wi) for s in xte}
    assert "? great film" in decoded and "? awful" in decoded
    assert sorted(ytr.tolist()) == [0, 0, 1, 1]
    # num_words keeps only indices < num_words; the rest become oov_char
    (xtr5, _), _ = text.load_imdb(num_words=5, path=tar)
    assert max(max(s) for s in xtr5) <= 4 and any(2 in s for s in xtr5)
    # cached derived form gives identical arrays
    (again, _), _ = text.load_imdb(path=tar)
    assert list(again) == list(xtr)


def test_tokenize_is_keras_like():
    assert text.tokenize("It's GREAT!<br />Really... great-ish") == ["it's", "great", "really", "great", "ish"]


def test_imdb_raw_form_and_validation_split(monkeypatch, tmp_path):
    tar = write_acl_tarball(tmp_path / "aclImdb_v1_labeled.tar.gz", REVIEWS)
    override(monkeypatch, "imdb", splits={"train": 4, "test": 2})
    (tr, ytr), (va, yva), (te, yte) = text.load_imdb_raw(validation_size=1, seed=3, path=tar)
    assert len(tr) == 3 and len(va) == 1 and len(te) == 2 and set(tr + va) == {t for k, v in REVIEWS.items()
                                                                               if k[0] == "train" for t in v}
    assert text.load_imdb_raw(validation_size=1, seed=3, path=tar)[1][0] == va


def test_truncated_tarball_is_a_clear_error(monkeypatch, tmp_path):
    tar = write_acl_tarball(tmp_path / "aclImdb_v1.tar.gz", REVIEWS)
    tar.write_bytes(tar.read_bytes()[:60])
    with pytest.raises(DataError, match="corrupt or truncated"):
        text.load_imdb_raw(path=tar)


def test_raw_cache_round_trips_unicode(monkeypatch, tmp_path):
    reviews = {("train", "pos"): ["Très bien — ünïcode ✓"], ("train", "neg"): ["nul"],
               ("test", "pos"): ["ok"], ("test", "neg"): ["non"]}
    tar = write_acl_tarball(tmp_path / "aclImdb_v1.tar.gz", reviews)
    override(monkeypatch, "imdb", splits={"train": 2, "test": 2})
    (tr, ytr), _, (te, yte) = text.load_imdb_raw(validation_size=0, path=tar)
    assert list(text.hub.cache_path("imdb", "derived").glob("*-raw.npz"))  # written on the first call
    (tr2, ytr2), _, (te2, yte2) = text.load_imdb_raw(validation_size=0, path=tar)
    assert tr2 == tr == ["nul", "Très bien — ünïcode ✓"] and te2 == te
    assert np.array_equal(ytr2, ytr) and np.array_equal(yte2, yte)
