"""The methods of the lab: k-means (our engine) and the remedies scikit-learn offers.

Every method is a function ``fit(X, k, seed, init) -> MethodResult``; those that need no number
of clusters (DBSCAN) ignore ``k``. scikit-learn is imported inside the functions: the app opens
without paying for it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..engine import kmeans_steps, run_to_end
from ..engine.metrics import find_knee

__all__ = ["Method", "MethodResult", "METHODS", "METHOD_KEYS", "method_named", "dbscan_eps", "DBSCAN_MIN_SAMPLES"]

#: DBSCAN's min_samples (the point itself included); twice the 2-D rule of thumb (2 x dimensions),
#: since the lab's data is noisy enough to break thinner chains.
DBSCAN_MIN_SAMPLES = 8


@dataclass(frozen=True, eq=False)
class MethodResult:
    """What one method made of one data set.

    Attributes
    ----------
    labels : ndarray of shape (n_samples,), int
        The cluster of each point; DBSCAN's noise is -1.
    note : str
        How it was run, for the reader ("eps = 0.78 at the knee of the 8-nearest-neighbour
        distances", "k-means++, seed 0, 6 iterations").
    n_iter : int or None
        k-means' iterations.
    inertia : float or None
        k-means' final inertia (what Explore shows when it replays the run).
    """

    labels: np.ndarray
    note: str = ""
    n_iter: int | None = None
    inertia: float | None = None


@dataclass(frozen=True)
class Method:
    """A column of the lab."""

    key: str
    label: str
    uses_k: bool
    fit: Callable[..., MethodResult]


def _kmeans(X, k, seed, init="k-means++") -> MethodResult:
    # Explore's defaults (max_iter 300, tol 1e-4), so loading (data, k, init, seed) replays this run.
    final = run_to_end(kmeans_steps(X, k, init=init, random_state=seed))
    return MethodResult(np.asarray(final.labels), f"{init}, seed {seed}, {final.iteration} iterations",
                        n_iter=final.iteration, inertia=float(final.inertia))


def _gaussian_mixture(X, k, seed, init=None) -> MethodResult:
    from sklearn.mixture import GaussianMixture

    # Three k-means++ starts: a mixture started from k-means' own answer (scikit-learn's default)
    # inherits its mistakes on the unequal-sizes case.
    gm = GaussianMixture(k, covariance_type="full", init_params="k-means++", n_init=3, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: the labels are still scored
        labels = gm.fit(X).predict(X)
    return MethodResult(labels, "full covariance, best of 3 starts" + ("" if gm.converged_ else ", not converged"))


def _spectral(X, k, seed, init=None) -> MethodResult:
    from sklearn.cluster import SpectralClustering

    n_neighbors = min(10, X.shape[0] - 1)
    model = SpectralClustering(k, affinity="nearest_neighbors", n_neighbors=n_neighbors, random_state=seed,
                               assign_labels="cluster_qr")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        labels = model.fit_predict(X)
    note = f"graph of each point's {n_neighbors} nearest neighbours"
    if any("not fully connected" in str(w.message) for w in caught):
        note += " (not connected: its pieces split first)"
    return MethodResult(labels, note)


def dbscan_eps(X, min_samples: int = DBSCAN_MIN_SAMPLES):
    """DBSCAN's radius from the knee of the sorted k-distance curve.

    Each point's distance to its ``min_samples``-th nearest point (itself counted, as DBSCAN
    counts it) is sorted from largest to smallest: a few far-off points, then a long, slowly
    falling tail of points inside clusters. The knee of that curve
    (:func:`~kmeans_gui.engine.metrics.find_knee`) is where the tail begins; its distance is eps.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    min_samples : int

    Returns
    -------
    eps : float
    how : str
        "the knee of the 8-nearest-neighbour distances", or the fallback used when there is none.
    """
    from sklearn.neighbors import NearestNeighbors

    m = min(int(min_samples), X.shape[0])
    distances, _ = NearestNeighbors(n_neighbors=m).fit(X).kneighbors(X)
    k_distance = np.sort(distances[:, -1])[::-1]
    knee = find_knee(np.arange(k_distance.shape[0]), k_distance, name="rank")
    if knee:
        eps, how = float(k_distance[knee.index]), f"the knee of the {m}-nearest-neighbour distances"
    else:
        eps, how = float(np.quantile(k_distance, 0.9)), f"no knee ({knee.message}): their 90th percentile"
    if eps <= 0:  # duplicated points: any positive radius joins them
        eps = float(np.finfo(np.float64).eps * max(1.0, np.abs(X).max()))
    return eps, how


def _dbscan(X, k, seed, init=None) -> MethodResult:
    from sklearn.cluster import DBSCAN

    eps, how = dbscan_eps(X)
    labels = DBSCAN(eps=eps, min_samples=DBSCAN_MIN_SAMPLES).fit_predict(X)
    found = len(set(labels.tolist()) - {-1})
    noise = int(np.count_nonzero(labels == -1))
    return MethodResult(labels, f"eps = {eps:.3g} from {how}; {found} cluster{'s' * (found != 1)}, {noise} noise "
                                f"point{'s' * (noise != 1)}")


def _agglomerative(linkage: str):
    def fit(X, k, seed, init=None) -> MethodResult:
        from sklearn.cluster import AgglomerativeClustering

        labels = AgglomerativeClustering(k, linkage=linkage).fit_predict(X)
        return MethodResult(labels, f"{linkage} linkage")

    return fit


METHODS: tuple[Method, ...] = (
    Method("kmeans", "k-means", True, _kmeans),
    Method("gmm", "Gaussian mixture", True, _gaussian_mixture),
    Method("spectral", "Spectral (k-NN graph)", True, _spectral),
    Method("dbscan", "DBSCAN (eps from knee)", False, _dbscan),
    Method("single", "Agglomerative, single", True, _agglomerative("single")),
    Method("ward", "Agglomerative, Ward", True, _agglomerative("ward")),
)
METHOD_KEYS = tuple(m.key for m in METHODS)


def method_named(key: str) -> Method:
    for method in METHODS:
        if method.key == key:
            return method
    raise ValueError(f"Unknown method {key!r}; choose one of: {', '.join(METHOD_KEYS)}.")
