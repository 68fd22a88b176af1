"""Every dataset of the curriculum: canonical files, URLs, checksums and where each checksum comes from.

Checksum provenance (never invented):
* ``keras`` - copied from ``keras/src/datasets/*.py`` (``file_hash``; md5 for the word-index JSON files).
* ``tfds/torchvision`` - the MNIST SHA-256 values quoted by many loaders; the three exact files in
  the shared mirror hash to the same values.
* ``sklearn`` - ``RemoteFileMetadata.checksum`` in scikit-learn's fetchers.
* ``mirror`` - computed from the staged copies whose README documents their provenance.
* ``None`` - no published checksum was found; `DataFile.note` says so and ``deepdojo data verify``
  reports ``no checksum``.
"""
from __future__ import annotations

from deepdojo.data.hub import DataFile, Source

KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
FASHION_SYSTEM = "/usr/share/datasets/fashion-mnist/"
NO_SUM = "no published checksum found"


def TT(train: int, test: int) -> dict[str, int]:  # noqa: N802 - reads like a table entry
    """Canonical split sizes checked on load."""
    return {"train": train, "test": test}


def _mnist_files() -> tuple[DataFile, ...]:
    sums = {
        "train-images-idx3-ubyte.gz": ("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422),
        "train-labels-idx1-ubyte.gz": ("3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881),
        "t10k-images-idx3-ubyte.gz": ("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877),
        "t10k-labels-idx1-ubyte.gz": ("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542),
    }
    return tuple(DataFile(n, MNIST_URL + n, s, size=b, note="tfds/torchvision; mirror agrees") for n, (s, b) in sums.items())


def _fashion_files() -> tuple[DataFile, ...]:
    sums = {  # keras/src/datasets/fashion_mnist.py FILE_HASHES
        "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    }
    # Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1 re-gzips the same IDX content, so its
    # .gz bytes differ; these are that package's files as installed (dpkg verifies them by md5).
    debian = {
        "train-images-idx3-ubyte.gz": "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
        "train-labels-idx1-ubyte.gz": "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
        "t10k-images-idx3-ubyte.gz": "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
        "t10k-labels-idx1-ubyte.gz": "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
    }
    return tuple(DataFile(n, KERAS + n, s, note="keras", system=(FASHION_SYSTEM + n,), system_sha256=(debian[n],))
                 for n, s in sums.items())


def _insurance_files() -> tuple[DataFile, ...]:
    base = "https://raw.githubusercontent.com/DJCordhose/ml-workshop/master/data/"
    sums = {  # computed from the embarc copies staged in the shared mirror (README there)
        "insurance-customers-1500.csv": ("51f554ce61d966e3bde4c3dcf34a3eec5a9745f2a341dcc3b547bed80c6dd67c", base),
        "insurance-customers-300.csv": ("c77ea219714755b07543a35c881638371750662d9d55d5e0c47b631a92b7dd15", base),
        "insurance-customers-10000.csv": ("7a43c17d58451cdfe58cf40bdd697d7384715a61b820782c68f921519109a2bf", base),
        "insurance-customers-500-test.csv": ("28b4aa1b9a36228b06795d24e48f72883a294269d69b34e6c2bb5755e0397ac7", base),
        "insurance-customers-risk-1500.csv": ("c6a7b26ec504b8c2c56e1fde9120cb7323c6b167ab9b8352fe0b2acb9bed8606", None),
        "insurance-customers-risk-1500-test.csv": ("439bfcdff8d66665a539b420b599d55838a74f89a43f20cbbc96501d85934a8c", None),
        "insurance-customers-risk-1500-shift.csv": ("0e326d40945f8a30b39ec4e58c915e20d965c0aff0cd38c8769e403a3b2e2bce", None),
    }
    return tuple(DataFile(n, (b + n) if b else None, s, note="mirror (embarc course, MIT)") for n, (s, b) in sums.items())


def _movielens_files() -> tuple[DataFile, ...]:
    gl = "https://files.grouplens.org/datasets/movielens/"
    mirror = {  # extracted files as staged in the mirror (ml-latest-small is LF-normalised)
        "ml-latest-small/ratings.csv": "80da8b3393dae325bbba5a31f291a6ba55d8d4f4396de3c456f2c1635b1b70e8",
        "ml-latest-small/movies.csv": "c47b783f23eb304413307e1bb05335e427737da20ec8d3c0e96335567dd5f3dc",
        "ml-100k/u.data": "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490",
        "ml-100k/u.item": "553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701",
    }
    zips = tuple(DataFile(f"{v}.zip", f"{gl}{v}.zip", None, note=NO_SUM + " (GroupLens publishes none)")
                 for v in ("ml-1m", "ml-latest-small", "ml-100k"))
    return zips + tuple(DataFile(n, None, s, note="mirror") for n, s in mirror.items())


def build_catalog() -> dict[str, Source]:
    """The full catalogue, keyed by dataset name."""
    srcs = [
        Source("mnist", "Handwritten digits, 28x28 uint8, 60k train / 10k test (IDX)", "CC BY-SA 3.0 (LeCun & Cortes)",
               _mnist_files(), "11 MB", extra={"splits": TT(60000, 10000)},
               hint="The shared mirror's approximate training images can stand in, knowingly: `deepdojo data import "
                    "mnist <mirror>/mnist/train-images-idx3-ubyte-approx.gz --as train-images-idx3-ubyte.gz --unverified`."),
        Source("fashion-mnist", "Zalando clothing images, 28x28 uint8, 60k / 10k (IDX)", "MIT (Zalando)",
               _fashion_files(), "30 MB", extra={"splits": TT(60000, 10000)}, hint="Debian: `apt install dataset-fashion-mnist` installs the exact files."),
        Source("cifar10", "Tiny images, 32x32x3 uint8, 10 classes, 50k / 10k", "cite Krizhevsky (2009)", (
            DataFile("cifar-10-binary.tar.gz", "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
                     "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd", size=170052171,
                     note="quoted by several loaders with the author's md5 c32a1d4a..."),
            DataFile("cifar10_train_jpg.tar.gz", None, "3c711becd9d4e1929e667e85dc46bd671b938c16e46410296e2b27240a7b3399",
                     note="mirror", standin="CIFAR-10 re-encoded as JPEG (q~75): lossy, not bit-exact"),
            DataFile("cifar10_test_jpg.tar.gz", None, "33e6efe7655f1be7fb7373783dc369e9a809ff296896e9ff06f093b657170cc7",
                     note="mirror", standin="CIFAR-10 re-encoded as JPEG (q~75): lossy, not bit-exact"),
        ), "170 MB", extra={"splits": TT(50000, 10000), "any_of": [["cifar-10-binary.tar.gz"],
                                                                     ["cifar10_train_jpg.tar.gz", "cifar10_test_jpg.tar.gz"]]}),
        Source("imdb", "Movie-review sentiment, 25k / 25k (Keras integer form and raw aclImdb text)",
               "cite Maas et al. (2011)", (
                   DataFile("imdb.npz", KERAS + "imdb.npz", "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
                            note="keras"),
                   DataFile("imdb_word_index.json", KERAS + "imdb_word_index.json", None,
                            "bfafd718b763782e994055a2d397834f", note="keras publishes md5 only"),
                   DataFile("aclImdb_v1.tar.gz", "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz", None,
                            note=NO_SUM),
                   DataFile("aclImdb_v1_labeled.tar.gz", None,
                            "73c9c16392f861b8fbe65c491d99a5876ad125eb525d6183ec1ebf20dd44e349",
                            note="mirror: the labelled part of aclImdb_v1 repacked (text exact)"),
               ), "84 MB", extra={"splits": TT(25000, 25000), "any_of": [["imdb.npz"], ["aclImdb_v1.tar.gz"],
                                                                         ["aclImdb_v1_labeled.tar.gz"]]}),
        Source("reuters", "Reuters newswires, 46 topics, 8,982 / 2,246 (Keras integer form)", "Reuters-21578 (research use)", (
            DataFile("reuters.npz", KERAS + "reuters.npz", "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
                     note="keras"),
            DataFile("reuters_word_index.json", KERAS + "reuters_word_index.json", None,
                     "4d44cc38712099c9e383dc6e5f11a921", note="keras publishes md5 only"),
        ), "2.6 MB", extra={"splits": {"all": 11228}, "any_of": [["reuters.npz"]]}),
        Source("boston-housing", "Boston house prices, 13 features, Keras 404 / 102 split", "StatLib (public; see ethics note)", (
            DataFile("boston_housing.npz", KERAS + "boston_housing.npz",
                     "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5", note="keras"),
            DataFile("BostonHousing.csv",
                     "https://raw.githubusercontent.com/selva86/datasets/c943fa8851270387c44d26efb0f9c0aac1559e11/BostonHousing.csv",
                     "ab16ba38fbbbbcc69fe930aab1293104f1442c8279c130d9eba03dd864bef675", note="mirror"),
        ), "57 KB", extra={"splits": {"all": 506}, "any_of": [["boston_housing.npz"], ["BostonHousing.csv"]]}),
        Source("california-housing", "California block groups, 8 features, 20,640 rows (scikit-learn)", "StatLib (public)", (
            DataFile("cal_housing.tgz", "https://ndownloader.figshare.com/files/5976036",
                     "aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681", note="sklearn"),
        ), "0.4 MB", sklearn=True, extra={"splits": {"all": 20640}, "sklearn_cache": "cal_housing_py3.pkz"}),
        Source("jena-climate", "Jena weather station 2009-2016, 420,451 rows x 14 features, 10-min steps",
               "Max Planck Institute for Biogeochemistry", (
                   DataFile("jena_climate_2009_2016.csv.zip", KERAS + "jena_climate_2009_2016.csv.zip", None,
                            size=13568290, note=NO_SUM + " (Keras passes no file_hash)"),
                   DataFile("jena_climate_2009_2016.csv", None, None, note="the extracted CSV, if you have it"),
               ), "13 MB", extra={"splits": {"all": 420451}, "any_of": [["jena_climate_2009_2016.csv.zip"],
                                                                        ["jena_climate_2009_2016.csv"]]}),
        Source("nietzsche", "Beyond Good and Evil (English), 600,893 characters, for char-level generation",
               "public domain (Project Gutenberg)", (
                   DataFile("nietzsche.txt", "https://s3.amazonaws.com/text-datasets/nietzsche.txt",
                            "23cf69874ab69d3d256099ab530ea4be24d47d9675b673bcc67cbcd6298ec647", size=600901,
                            note="mirror (canonical length and character count; three copies agree)"),
               ), "0.6 MB", extra={"splits": {"chars": 600893}}),
        Source("text8", "First 10^8 bytes of cleaned English Wikipedia (word2vec/GloVe corpus)", "CC BY-SA (Wikipedia)", (
            DataFile("text8.zip", "http://mattmahoney.net/dc/text8.zip", None, note=NO_SUM),
        ), "31 MB"),
        Source("spa-eng", "English-Spanish sentence pairs (Anki/Tatoeba), 118,964 pairs", "CC BY 2.0 FR (manythings/Tatoeba)", (
            DataFile("spa-eng.zip", "http://storage.googleapis.com/download.tensorflow.org/data/spa-eng.zip",
                     "f80e581ae291aa34dd3aba7bd98b5e9505234da4318e2f3295df70a1520c7f61", size=2767131, note="mirror (canonical zip)"),
        ), "2.8 MB", extra={"splits": {"pairs": 118964}}),
        Source("insurance-customers", "embarc car-insurance customers: speed, age, miles -> group (1,500 rows)",
               "MIT (embarc, synthetic)", _insurance_files(), "0.4 MB",
               extra={"splits": {"all": 1500}, "any_of": [["insurance-customers-1500.csv"]]}),
        Source("movielens", "MovieLens ratings: ml-1m, ml-latest-small, ml-100k", "GroupLens research use (ml-100k: no redistribution)",
               _movielens_files(), "6-25 MB", extra={"any_of": [
                   ["ml-1m.zip"], ["ml-latest-small.zip"], ["ml-latest-small/ratings.csv", "ml-latest-small/movies.csv"],
                   ["ml-100k.zip"], ["ml-100k/u.data", "ml-100k/u.item"]]}),
        Source("cats-vs-dogs", "Kaggle Dogs vs. Cats JPEGs, made into train/validation/test class folders",
               "Kaggle competition rules (keep internal)", (
                   DataFile("cats", None, folder=True, note="folder of cat.N.jpg"),
                   DataFile("dogs", None, folder=True, note="folder of dog.N.jpg"),
                   DataFile("train.zip", None, None, note="Kaggle download, import-only; " + NO_SUM),
                   DataFile("kagglecatsanddogs_5340.zip",
                            "https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/kagglecatsanddogs_5340.zip",
                            None, note=NO_SUM),
               ), "0.8 GB", extra={"any_of": [["cats", "dogs"], ["train.zip"], ["kagglecatsanddogs_5340.zip"]]}, hint="Kaggle needs a login: download train.zip and `deepdojo data import cats-vs-dogs train.zip`."),
        Source("fer2013", "Facial expressions, 48x48 grayscale, 7 classes (CSV -> Usage x class folders)",
               "Kaggle ICML 2013 challenge (research use)", (
                   DataFile("fer2013.csv", None, None, note="Kaggle download, import-only; " + NO_SUM),
               ), "290 MB", hint="Download fer2013.csv from Kaggle and `deepdojo data import fer2013 fer2013.csv`."),
        Source("glove-6b", "GloVe word vectors from Wikipedia 2014 + Gigaword 5 (400k words, 50-300d)", "PDDL 1.0", (
            DataFile("glove.6B.zip", "https://nlp.stanford.edu/data/glove.6B.zip", None, note=NO_SUM),
            *(DataFile(f"glove.6B.{d}d.txt", None, None, note="extracted member of glove.6B.zip") for d in (50, 100, 200, 300)),
        ), "822 MB", extra={"any_of": [["glove.6B.zip"]] + [[f"glove.6B.{d}d.txt"] for d in (50, 100, 200, 300)]}),
        Source("newsgroups20", "20 Newsgroups by date, 11,314 / 7,532 posts (scikit-learn)", "public (Lang 1995)", (
            DataFile("20news-bydate.tar.gz", "https://ndownloader.figshare.com/files/5975967",
                     "8f1b2514ca22a5ade8fbb9cfa5727df95fa587f4c87b786e15c759fa66d95610", note="sklearn"),
        ), "14 MB", sklearn=True, extra={"splits": TT(11314, 7532), "sklearn_cache": "20news-bydate_py3.pkz"}),
        Source("digits", "8x8 handwritten digits, 1,797 images (bundled with scikit-learn)", "UCI (CC BY 4.0)", (),
               "bundled", sklearn=True),
        Source("iris", "Fisher's iris, 150 x 4 features, 3 classes (bundled with scikit-learn)", "UCI (CC BY 4.0)", (),
               "bundled", sklearn=True),
    ]
    return {s.name: s for s in srcs}
