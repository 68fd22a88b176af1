"""The Hands-On RBM recommender on MovieLens, with the missing step: top-N recommendations, evaluated.

One visible unit per movie holding rating/5 (0 when unrated), 20 Bernoulli hidden units, CD-1
with Bernoulli-sampled reconstructions, alpha 0.6, 15 epochs, batch 100 (the book's TF1 code, in
NumPy). The book stops at the reconstruction-error curve; here a random 20% of every user's
ratings is held out before training, each user gets the 10 unseen movies with the highest
reconstruction probability, and precision@10 (held-out movies among them) is compared with
recommending the most-rated movies. Defects fixed: the book's batch loop dropped the last batch
(``zip(range(0, n, bs), range(bs, n, bs))``). MovieLens-1M is not in the offline mirror, so the
default data is ml-100k, the closest in shape to the book's 1,000 users (943 users x 1,682
movies; ``--set variant=ml-1m`` when you have the zip, ``variant=ml-latest-small`` for 610 users
x 9,742 movies, where 15 epochs of 7 batches are too few updates to beat popularity).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deepdojo.data import synthetic
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import recipe
from deepdojo.report.plots import plot_lines
from deepdojo.scratch.rbm import RBM


@dataclass(frozen=True)
class RbmMovielensConfig:
    variant: str = "ml-100k"
    """MovieLens release: ml-100k (default), ml-latest-small or ml-1m (the book's)."""
    n_users: int = 1000
    """Users kept (the book's 1,000; ml-latest-small has 610)."""
    hidden: int = 20
    """Hidden units."""
    lr: float = 0.6
    """The book's alpha."""
    epochs: int = 15
    """Training epochs."""
    batch_size: int = 100
    """Users per CD-1 update."""
    holdout: float = 0.2
    """Fraction of each user's ratings held out for the recommendation test."""
    top_n: int = 10
    """Recommendations per user."""
    user_id: int = 1
    """The user whose recommendations are printed (MovieLens id)."""


def ratings_matrices(ratings: dict, n_users: int, holdout: float, rng: np.random.Generator):
    """Users x movies matrices of rating/5, one for training and a boolean one of held-out ratings.

    Returns:
        ``(train (U, M) float32, held_out (U, M) bool, user_ids (U,), movie_ids (M,))``.
    """
    users, u_idx = np.unique(ratings["user"], return_inverse=True)
    keep = u_idx < n_users
    users = users[:n_users]
    u_idx, items, values = u_idx[keep], ratings["item"][keep], ratings["rating"][keep]
    movies, m_idx = np.unique(items, return_inverse=True)
    # Hold out a random `holdout` share of each user's ratings: rank random keys within each user.
    key = rng.random(len(u_idx))
    order = np.lexsort((key, u_idx))
    counts = np.bincount(u_idx, minlength=len(users))
    starts = np.cumsum(counts) - counts
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - starts[u_idx[order]]
    test = rank < np.floor(holdout * counts[u_idx])
    train = np.zeros((len(users), len(movies)), dtype=np.float32)
    train[u_idx[~test], m_idx[~test]] = values[~test] / 5.0
    held_out = np.zeros(train.shape, dtype=bool)
    held_out[u_idx[test], m_idx[test]] = True
    return train, held_out, users, movies


def top_n(scores: np.ndarray, seen: np.ndarray, n: int) -> np.ndarray:
    """Indices of the `n` highest-scoring unseen items per row, best first: ``(U, n)``."""
    masked = np.where(seen, -np.inf, scores)
    part = np.argpartition(-masked, n, axis=1)[:, :n]  # (U, n) unordered
    best = np.take_along_axis(masked, part, axis=1)
    return np.take_along_axis(part, np.argsort(-best, axis=1), axis=1)


def precision_at(recs: np.ndarray, held_out: np.ndarray) -> float:
    """Mean over users with held-out ratings of (held-out items among the recommendations) / n."""
    hits = np.take_along_axis(held_out, recs, axis=1).sum(axis=1)  # (U,)
    has_test = held_out.any(axis=1)
    return float((hits[has_test] / recs.shape[1]).mean())


@recipe("rbm-movielens", source="Hands-On Neural Networks ch. 9 (RBM recommender)", config=RbmMovielensConfig,
        quick={"epochs": 2, "batch_size": 20, "hidden": 8})
def run(cfg: RbmMovielensConfig, ctx: RunContext) -> dict[str, float]:
    if ctx.quick:
        ratings = synthetic.fake_ratings(seed=ctx.seed)
    else:
        from deepdojo.data.tabular import load_movielens

        ratings = load_movielens(cfg.variant)
    rng = np.random.default_rng(ctx.seed)
    train, held_out, users, movies = ratings_matrices(ratings, cfg.n_users, cfg.holdout, rng)
    if cfg.top_n >= train.shape[1]:
        raise ValueError(f"--set top_n={cfg.top_n}: must be smaller than the {train.shape[1]} movies")
    rbm = RBM(train.shape[1], cfg.hidden, rng)
    errors = rbm.fit(train, epochs=cfg.epochs, batch_size=cfg.batch_size, lr=cfg.lr, k=1, sample_visible=True,
                     on_epoch_end=lambda e, err: ctx.log({"train/recon_error": err}, epoch=e))
    seen = train > 0
    recs = top_n(rbm.reconstruct(train), seen, cfg.top_n)
    popularity = np.broadcast_to(seen.sum(axis=0, dtype=np.float32), train.shape)
    popular = top_n(popularity, seen, cfg.top_n)
    p_rbm, p_pop = precision_at(recs, held_out), precision_at(popular, held_out)

    titles = dict(zip(ratings["movie_id"].tolist(), ratings["title"].tolist()))
    row = int(np.searchsorted(users, cfg.user_id)) if cfg.user_id in users else 0
    ctx.table(f"Top {cfg.top_n} for user {users[row]} ({int(seen[row].sum())} ratings seen, "
              f"{int(held_out[row].sum())} held out)", ["rank", "movie", "held out (a hit)"],
              [[i + 1, titles.get(int(movies[j]), str(movies[j])), bool(held_out[row, j])] for i, j in enumerate(recs[row])])
    ctx.table(f"precision@{cfg.top_n} over {int(held_out.any(axis=1).sum())} users",
              ["recommender", f"precision@{cfg.top_n}"], [["RBM", p_rbm], ["most popular", p_pop]])
    if ctx.is_main:
        plot_lines({"reconstruction MSE": errors}, ctx.plot_path("reconstruction_error"), xlabel="Epoch", ylabel="Error",
                   title=f"RBM on {cfg.variant if not ctx.quick else 'fake ratings'}", style="o-")
    return {"train/recon_error": errors[-1], "train/recon_error_first": errors[0],
            f"test/precision_at_{cfg.top_n}": p_rbm, f"test/popular_precision_at_{cfg.top_n}": p_pop}
