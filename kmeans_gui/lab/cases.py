"""The failure cases: data where k-means' picture of a cluster does not fit, with the true groups.

Each case's geometry is fixed and only its noise follows the seed, so k-means fails the same way
for every seed (the app's "Anisotropic" or "Unequal sizes" datasets place their centres at
random, and on most seeds k-means gets them right). Moons and circles are the app's own datasets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.datasets import make_labelled_dataset
from ..engine import kmeans_steps, run_to_end

__all__ = ["Case", "CASE_KEYS", "CASE_TITLES", "failure_cases", "make_case", "unlucky_seed", "adjusted_rand"]


@dataclass(frozen=True, eq=False)
class Case:
    """One row of the lab: data, its true groups, and how k-means is started on it.

    Attributes
    ----------
    key : str
        "moons", "circles", ..., or "your-data".
    title : str
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,) or None
        The group each point was drawn from; None when unknown (scored by silhouette instead).
    k : int
        Clusters asked of every method that takes a number of clusters.
    init : str
        k-means' initialisation ("k-means++", or "random" for the unlucky start).
    seed : int
        ``random_state`` of every method; for k-means, the Explore seed that replays the run.
    true_k : int or None
        Number of true groups (differs from ``k`` for the wrong-k cases).
    note : str
        Anything the reader needs about how the case was made ("" if nothing).
    dataset : dict or None
        When the points are one of the app's datasets: its name and ``make_dataset`` options
        (Explore loads it by name then).
    """

    key: str
    title: str
    X: np.ndarray
    y: np.ndarray | None
    k: int
    init: str = "k-means++"
    seed: int = 0
    true_k: int | None = None
    note: str = ""
    dataset: dict | None = None

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])


def adjusted_rand(y_true, y_pred) -> float:
    """Adjusted Rand index of two labelings of the same points (1: the same grouping, ~0: chance)."""
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(y_true, y_pred))


def _blobs(rng, centres, stds, shares, n):
    """Gaussian blobs; ``stds`` per blob, a number or an (x, y) pair; ``shares`` of the n points."""
    sizes = np.floor(np.asarray(shares, dtype=float) / np.sum(shares) * n).astype(int)
    sizes[0] += n - sizes.sum()
    parts = [np.asarray(c) + rng.normal(size=(m, 2)) * np.asarray(s) for c, s, m in zip(centres, stds, sizes)]
    X = np.concatenate(parts)
    y = np.repeat(np.arange(len(sizes)), sizes)
    order = rng.permutation(n)
    return X[order], y[order]


def _rotation(degrees: float) -> np.ndarray:
    a = np.radians(degrees)
    return np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])


def _anisotropic(rng, n):
    # Three long, thin, parallel streaks: the gap between them is narrower than a streak is long.
    X, y = _blobs(rng, [(-2, -3), (0, 0), (2, 3)], [(2.5, 0.4)] * 3, [1, 1, 1], n)
    return X @ _rotation(30), y


def _unequal_variance(rng, n):
    return _blobs(rng, [(0, 0), (5, 1), (-1, 5)], [2.2, 0.5, 0.35], [1, 1, 1], n)


def _unequal_sizes(rng, n):
    return _blobs(rng, [(0, 0), (4.5, 2.5), (4.5, -2.5)], [1.5, 0.5, 0.5], [8, 1, 1], n)


def _three_blobs(rng, n):
    return _blobs(rng, [(0, 0), (7, 0), (3.5, 6)], [0.9] * 3, [1, 1, 1], n)


def _four_blobs(rng, n):
    return _blobs(rng, [(0, 0), (7, 0), (0, 7), (7, 7)], [0.9] * 4, [1, 1, 1, 1], n)


def unlucky_seed(X, y, k: int, first: int = 0, tries: int = 200) -> int | None:
    """The first seed from ``first`` whose random-start k-means merges true groups (ARI < 0.9)."""
    for seed in range(first, first + tries):
        labels = run_to_end(kmeans_steps(X, k, init="random", random_state=seed)).labels
        if adjusted_rand(y, labels) < 0.9:
            return seed
    return None


#: case key -> (title, k, true k)
_CASES = {
    "moons": ("Two moons", 2, 2),
    "circles": ("Concentric circles", 2, 2),
    "anisotropic": ("Anisotropic blobs", 3, 3),
    "unequal-variance": ("Unequal variance", 3, 3),
    "unequal-sizes": ("Unequal sizes", 3, 3),
    "wrong-k-2": ("Wrong k: 3 blobs, asked for 2", 2, 3),
    "wrong-k-5": ("Wrong k: 3 blobs, asked for 5", 5, 3),
    "unlucky-start": ("Unlucky random start", 4, 4),
}
CASE_KEYS = tuple(_CASES)
CASE_TITLES = {key: title for key, (title, _, _) in _CASES.items()}

_MAKERS = {
    "anisotropic": _anisotropic,
    "unequal-variance": _unequal_variance,
    "unequal-sizes": _unequal_sizes,
    "wrong-k-2": _three_blobs,
    "wrong-k-5": _three_blobs,
    "unlucky-start": _four_blobs,
}


def make_case(key: str, n: int = 500, seed: int = 0) -> Case:
    """One failure case.

    Parameters
    ----------
    key : str
        One of :data:`CASE_KEYS`.
    n : int
        Points in the case (at least 20).
    seed : int
        Seeds the data's noise and every method's ``random_state``; for the unlucky start, the
        search for a random start that fails begins there.

    Returns
    -------
    Case
    """
    if key not in _CASES:
        raise ValueError(f"Unknown case {key!r}; choose one of: {', '.join(CASE_KEYS)}.")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 20:
        raise ValueError(f"n={n!r} must be a whole number of points, at least 20.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r} must be a whole number >= 0.")
    title, k, true_k = _CASES[key]
    n, seed = int(n), int(seed)
    dataset = None
    if key in ("moons", "circles"):
        dataset = {"name": key, "n": n, "spread": 1.0, "seed": seed}
        X, y = make_labelled_dataset(**dataset)
    else:
        # Each case draws from its own stream, so adding a case never changes another's data.
        rng = np.random.default_rng([seed, CASE_KEYS.index(key)])
        X, y = _MAKERS[key](rng, n)
    X = np.ascontiguousarray(X, dtype=np.float64)
    if key != "unlucky-start":
        return Case(key, title, X, y, k, seed=seed, true_k=true_k, dataset=dataset)
    found = unlucky_seed(X, y, k, first=seed)
    if found is None:
        return Case(key, title, X, y, k, init="random", seed=seed, true_k=true_k,
                    note=f"no random start from seed {seed} to {seed + 199} failed on these blobs")
    return Case(key, title, X, y, k, init="random", seed=found, true_k=true_k,
                note=f"random start, seed {found}: the first from seed {seed} that lands in a worse minimum")


def failure_cases(n: int = 500, seed: int = 0, keys=CASE_KEYS) -> tuple[Case, ...]:
    """The cases named by ``keys`` (all by default), in that order."""
    return tuple(make_case(key, n, seed) for key in keys)


#: Above this many points the "Your data" row runs on a random sample: single linkage and spectral
#: clustering need memory and time that grow with the square of the points.
YOUR_DATA_MAX_POINTS = 3000


def your_data_case(X, k: int, y=None, *, init: str = "k-means++", seed: int = 0,
                   max_points: int = YOUR_DATA_MAX_POINTS) -> Case:
    """The current data as a lab row: scored against ``y`` when given, by silhouette otherwise.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Any number of features: every method clusters in all of them (the cells draw them
        through PCA when there are more than two).
    k : int
        Clusters asked of the methods that take a number.
    y : array-like of shape (n_samples,), optional
        True groups, if the data has them.
    init : str
        k-means' initialisation (Explore's).
    seed : int
        Explore's seed.
    max_points : int
        Larger data is replaced by a random sample of this many points (the note says so).

    Returns
    -------
    Case
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < 1:
        raise ValueError(f"The data must have shape (n, d), one row per point; got {X.shape}.")
    if not np.isfinite(X).all():
        raise ValueError("The data contain NaN or inf: drop those points first.")
    n = X.shape[0]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise ValueError(f"k={k!r} must be a whole number from 1 to the {n} points.")
    if y is not None:
        y = np.asarray(y)
        if y.shape != (n,):
            raise ValueError(f"The true labels have shape {y.shape}; expected ({n},), one per point.")
    note = ""
    if n > max_points:
        idx = np.sort(np.random.default_rng(seed).choice(n, max_points, replace=False))
        X, y = X[idx], None if y is None else y[idx]
        note = f"a random sample of {max_points:,} of the {n:,} points"
    true_k = None if y is None else int(np.unique(y).shape[0])
    return Case("your-data", "Your data", np.ascontiguousarray(X), y, int(k), init=init, seed=int(seed),
                true_k=true_k, note=note)
