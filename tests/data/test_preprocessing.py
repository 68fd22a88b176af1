"""pad_sequences / to_categorical / multi-hot / TextVectorizer / Normalizer against hand-computed Keras results."""
from __future__ import annotations

import numpy as np
import pytest

from deepdojo.data.preprocessing import (Normalizer, TextVectorizer, hashing_trick, pad_sequences, to_categorical,
                                         train_val_split, vectorize_sequences)

SEQS = [[1, 2, 3, 4], [5, 6], [7], []]


@pytest.mark.parametrize("padding, truncating, expected", [
    ("pre", "pre", [[2, 3, 4], [0, 5, 6], [0, 0, 7], [0, 0, 0]]),
    ("post", "pre", [[2, 3, 4], [5, 6, 0], [7, 0, 0], [0, 0, 0]]),
    ("pre", "post", [[1, 2, 3], [0, 5, 6], [0, 0, 7], [0, 0, 0]]),
    ("post", "post", [[1, 2, 3], [5, 6, 0], [7, 0, 0], [0, 0, 0]]),
])
def test_pad_sequences_keras_cases(padding, truncating, expected):
    out = pad_sequences(SEQS, maxlen=3, padding=padding, truncating=truncating)
    assert out.dtype == np.int32 and out.tolist() == expected


def test_pad_sequences_default_length_value_and_vectors():
    assert pad_sequences([[1], [2, 3]], value=-1).tolist() == [[-1, 1], [2, 3]]
    out = pad_sequences([np.ones((1, 2)), np.ones((3, 2))], maxlen=2, dtype="float32")
    assert out.shape == (2, 2, 2) and out[0, 0].tolist() == [0, 0]
    with pytest.raises(ValueError, match="'pre' or 'post'"):
        pad_sequences(SEQS, padding="middle")


def test_vectorize_and_to_categorical():
    out = vectorize_sequences([[0, 3, 3], [1]], dimension=4)
    assert out.tolist() == [[1, 0, 0, 1], [0, 1, 0, 0]]
    with pytest.raises(ValueError, match="num_words=4"):
        vectorize_sequences([[4]], dimension=4)
    assert to_categorical([2, 0]).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert to_categorical(np.array([[1], [0]]), 3).shape == (2, 3)
    with pytest.raises(ValueError):
        to_categorical([3], num_classes=3)


def test_text_vectorizer_modes():
    tv = TextVectorizer(max_tokens=5, output_sequence_length=4).adapt(["The cat, the hat.", "the dog"])
    assert tv.vocabulary[:3] == ["", "[UNK]", "the"]
    assert len(tv.vocabulary) == 5
    ids = tv(["the fish the cat the"])
    assert ids.shape == (1, 4) and ids[0, 0] == 2 and ids[0, 1] == 1  # unseen word → [UNK] = 1
    mh = TextVectorizer(output_mode="multi_hot").adapt(["a b", "b c"])(["b b z"])
    assert mh[0, mh.argmax()] == 1 and mh.sum() == 2  # "b" and [UNK]
    counts = TextVectorizer(output_mode="count").adapt(["a b", "b c"])(["b b"])
    assert counts.max() == 2
    bigrams = TextVectorizer(ngrams=2).adapt(["good movie"])
    assert "good movie" in bigrams.vocabulary
    with pytest.raises(RuntimeError, match="adapt"):
        TextVectorizer()(["x"])


def test_normalizer_uses_training_statistics_only():
    train, test = np.array([[0.0], [2.0]]), np.array([[4.0]])
    norm = Normalizer().fit(train)
    assert np.allclose(norm.transform(test), [[3.0]], atol=1e-5)
    assert np.allclose(norm.inverse_transform(norm.transform(test)), test, atol=1e-5)


def test_train_val_split_is_reproducible_and_disjoint():
    a, b = train_val_split(10, 0.3, seed=1)
    assert len(b) == 3 and not set(a) & set(b) and train_val_split(10, 0.3, seed=1)[1].tolist() == b.tolist()


def test_hashing_trick_is_deterministic_md5():
    import hashlib

    out = hashing_trick("Good pizza, good!", 20)
    expected = int(hashlib.md5(b"good").hexdigest(), 16) % 19 + 1
    assert out[0] == out[2] == expected and len(out) == 3 and all(1 <= i < 20 for i in out)
