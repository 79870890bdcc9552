"""Seeding: random distinct points, greedy k-means++, farthest-point, user-given centres.

k-means++ and farthest-point are generators of :class:`SeedStep`, so the GUI can show each seed
being drawn and the D^2 weights it was drawn from. Seeded alike, the random and k-means++ draws
are the ones scikit-learn makes (same RandomState calls in the same order).

The "tutorial" flavours draw as the well-known "K-Means from Scratch" tutorial's NumPy code does
(``rng.choice(n, k, replace=False)``; plain k-means++ with ``rng.randint(n)`` then
``rng.choice(n, p=D^2 / sum D^2)``), so a seed gives the tutorial's run, not scikit-learn's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ._frozen import frozen as _readonly
from .distances import data_offset, sq_distances_to_points

__all__ = [
    "SeedStep",
    "kmeans_plusplus_steps",
    "farthest_point_steps",
    "random_seeds",
    "tutorial_random_seeds",
    "tutorial_kmeans_plusplus_steps",
]


@dataclass(frozen=True, eq=False)
class SeedStep:
    """One seed chosen during initialisation.

    Attributes
    ----------
    index : int
        Row of X that became the centre.
    center : ndarray of shape (n_features,)
    sq_dist : ndarray of shape (n_samples,) or None
        Squared distance of every point to its nearest already-chosen centre *before* this pick;
        None for a first seed, which is drawn by sample weight alone.
    weights : ndarray of shape (n_samples,) or None
        Sample weights the draw used (None means all equal).
    candidates : ndarray of int or None
        Rows k-means++ tried for this seed (greedy variant); the one kept lowers the potential most.
    """

    index: int
    center: np.ndarray
    sq_dist: np.ndarray | None = None
    weights: np.ndarray | None = None
    candidates: np.ndarray | None = None

    @property
    def probabilities(self) -> np.ndarray | None:
        """The D^2 sampling probabilities this seed was drawn from (sum to 1), or None."""
        if self.sq_dist is None:
            return None
        p = self.sq_dist if self.weights is None else self.sq_dist * self.weights
        total = p.sum()
        return p / total if total > 0 else np.full_like(p, 1.0 / p.size)


def _first_seed(n: int, sample_weight: np.ndarray, random_state: np.random.RandomState) -> int:
    return int(random_state.choice(n, p=sample_weight / sample_weight.sum()))


def kmeans_plusplus_steps(
    X: np.ndarray,
    n_clusters: int,
    sample_weight: np.ndarray,
    random_state: np.random.RandomState,
    n_local_trials: int | None = None,
) -> Iterator[SeedStep]:
    """Greedy k-means++ (Arthur & Vassilvitskii, as scikit-learn implements it), one seed per step.

    Each seed draws ``2 + int(ln k)`` candidates with probability proportional to
    ``weight * D(x)^2`` and keeps the one that lowers the potential ``sum weight * D^2`` most.
    Assumes validated input.
    """
    n = X.shape[0]
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    weights_out = None if np.all(sample_weight == sample_weight[0]) else sample_weight
    offset = data_offset(X)

    first = _first_seed(n, sample_weight, random_state)
    yield SeedStep(index=first, center=_readonly(X[first].copy()), weights=weights_out)
    closest = sq_distances_to_points(X, X[first], offset)[0]
    potential = closest @ sample_weight
    for _ in range(1, n_clusters):
        rand_vals = random_state.uniform(size=n_local_trials) * potential
        candidates = np.searchsorted(np.cumsum(sample_weight * closest), rand_vals)
        np.clip(candidates, None, n - 1, out=candidates)  # rounding can land one past the end
        to_candidates = sq_distances_to_points(X, X[candidates], offset)
        np.minimum(closest, to_candidates, out=to_candidates)
        candidate_potentials = to_candidates @ sample_weight
        best = int(np.argmin(candidate_potentials))
        chosen = int(candidates[best])
        yield SeedStep(
            index=chosen,
            center=_readonly(X[chosen].copy()),
            sq_dist=_readonly(closest),
            weights=weights_out,
            candidates=_readonly(candidates),
        )
        potential = candidate_potentials[best]
        closest = to_candidates[best].copy()  # a fresh array: the yielded one must not change


def farthest_point_steps(
    X: np.ndarray, n_clusters: int, sample_weight: np.ndarray, random_state: np.random.RandomState
) -> Iterator[SeedStep]:
    """Farthest-point seeding: a random first seed, then each time the point farthest from all seeds."""
    n = X.shape[0]
    offset = data_offset(X)
    first = _first_seed(n, sample_weight, random_state)
    yield SeedStep(index=first, center=_readonly(X[first].copy()))
    closest = sq_distances_to_points(X, X[first], offset)[0]
    for _ in range(1, n_clusters):
        # Zero-weight points can never be cluster members that matter, so never pick one.
        chosen = int(np.argmax(np.where(sample_weight > 0, closest, -1.0)))
        yield SeedStep(index=chosen, center=_readonly(X[chosen].copy()), sq_dist=_readonly(closest))
        closest = np.minimum(closest, sq_distances_to_points(X, X[chosen], offset)[0])


def random_seeds(
    X: np.ndarray, n_clusters: int, sample_weight: np.ndarray, random_state: np.random.RandomState
) -> np.ndarray:
    """Rows of ``n_clusters`` distinct points drawn with probability proportional to weight."""
    n = X.shape[0]
    return random_state.choice(n, size=n_clusters, replace=False, p=sample_weight / sample_weight.sum())


def tutorial_random_seeds(X: np.ndarray, n_clusters: int, random_state: np.random.RandomState) -> np.ndarray:
    """Rows of ``n_clusters`` distinct points drawn as the tutorial does: ``choice(n, k, replace=False)``.

    Every point is equally likely (sample weights play no part, as in the tutorial); without
    ``p``, NumPy draws a permutation, a different sequence from :func:`random_seeds`'.
    """
    return random_state.choice(X.shape[0], n_clusters, replace=False)


def tutorial_kmeans_plusplus_steps(
    X: np.ndarray, n_clusters: int, sample_weight: np.ndarray, random_state: np.random.RandomState
) -> Iterator[SeedStep]:
    """Plain (non-greedy) k-means++ drawn as the tutorial draws it, one seed per step.

    The first seed is ``random_state.randint(n)`` (uniform, weights play no part); each next one is
    ``random_state.choice(n, p=w D^2 / sum w D^2)`` with ``D^2 = sum((X - c)**2, axis=1)`` to the
    nearest seed so far, computed the tutorial's way so the probabilities are the same floats
    (with equal weights, ``w D^2`` is ``D^2`` exactly). One draw per seed, no candidates.
    """
    n = X.shape[0]
    weights_out = None if np.all(sample_weight == sample_weight[0]) else sample_weight
    first = int(random_state.randint(n))
    yield SeedStep(index=first, center=_readonly(X[first].copy()), weights=weights_out)
    closest = np.sum((X - X[first]) ** 2, axis=1)
    for _ in range(1, n_clusters):
        p = closest if weights_out is None else closest * sample_weight
        total = p.sum()
        if total > 0:
            chosen = int(random_state.choice(n, p=p / total))
        else:  # every point sits on a seed already: the tutorial would divide by zero
            chosen = int(random_state.randint(n))
        yield SeedStep(index=chosen, center=_readonly(X[chosen].copy()), sq_dist=_readonly(closest),
                       weights=weights_out)
        closest = np.minimum(closest, np.sum((X - X[chosen]) ** 2, axis=1))
