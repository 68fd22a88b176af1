"""deepdojo's data hub: the curriculum's datasets, verified, cached and loaded with Keras semantics.

* `hub` / `catalog` / `cache` - which files each dataset needs, and finding, downloading, importing
  and verifying them (``deepdojo data list | fetch | import | verify``).
* loaders returning NumPy arrays: `vision` (MNIST, Fashion-MNIST, CIFAR-10), `text` (IMDB, Reuters,
  raw aclImdb; re-exports the `corpora`), `corpora` (Nietzsche, text8, spa-eng, GloVe, 20 Newsgroups),
  `tabular` (Boston, California, insurance, MovieLens, iris, digits), `timeseries` (Jena + windowing),
  `images` (image folders, Cats-vs-Dogs and FER2013 trees).
* `preprocessing` - multi-hot, one-hot, ``pad_sequences``, a ``TextVectorization``-like vectoriser,
  training-only normalisation.
* `synthetic` - the books' generated sets and the ``fake_*`` stand-ins used by ``--quick`` runs.

Submodules are imported on demand (``from deepdojo.data import vision``) to keep start-up fast.
"""
