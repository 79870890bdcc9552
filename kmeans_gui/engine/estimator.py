"""A scikit-learn compatible ``KMeans`` built on the step generator."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _validation as v
from .distances import column_stats, nearest_center, sq_distances
from .steps import KMeansState, _kmeans_steps, check_params, run_to_end, tolerance

__all__ = ["KMeans"]


def _same_clustering(labels_a: np.ndarray, labels_b: np.ndarray, n_clusters: int) -> bool:
    """True when two labellings are the same partition up to renaming the clusters."""
    mapping = np.full(n_clusters, -1)
    mapping[labels_a] = labels_b  # last write wins; a consistent renaming has no conflicts
    return bool(np.array_equal(mapping[labels_a], labels_b))


class KMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """K-means clustering (Lloyd's algorithm with Hamerly-style bounds), scikit-learn compatible.

    Parameters
    ----------
    n_clusters : int, default=8
    init : str or array-like of shape (n_clusters, n_features)
        "k-means++", "random", "farthest", "tutorial-random" or "tutorial-k-means++"; the tutorial
        flavours draw as the "K-Means from Scratch" tutorial does (see :func:`kmeans_steps`).
    n_init : "auto" or int, default="auto"
        Runs from different seeds; the lowest inertia wins. "auto" is 1 for k-means++,
        farthest-point and given centres, and 10 for the random ones.
    max_iter : int, default=300
    tol : float, default=1e-4
        Relative to the mean per-feature variance of X.
    random_state : None, int or RandomState
    empty_policy : {"farthest", "keep"}, default="farthest"

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features), in X's float dtype
    labels_ : ndarray of shape (n_samples,), int32
    inertia_ : float
    n_iter_ : int
    n_features_in_ : int
    final_state_ : KMeansState
        The best run's last state (stop reason included).
    """

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        random_state=None,
        empty_policy="farthest",
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.empty_policy = empty_policy

    def _validate_X(self, X, reset: bool) -> np.ndarray:
        Xv = v.check_data(X)
        # Feature names and n_features_in_ bookkeeping, done scikit-learn's way.
        validate_data(self, X if hasattr(X, "columns") else Xv, reset=reset, skip_check_array=True)
        return Xv

    def _n_init(self) -> int:
        if self.n_init == "auto":
            return 10 if isinstance(self.init, str) and self.init in ("random", "tutorial-random") else 1
        if isinstance(self.n_init, bool) or not isinstance(self.n_init, (int, np.integer)) or self.n_init < 1:
            raise ValueError(f"n_init={self.n_init!r} must be 'auto' or a positive integer.")
        if not isinstance(self.init, str) and self.n_init != 1:
            warnings.warn(
                f"Explicit initial centres were passed: running once, not n_init={self.n_init} times.",
                RuntimeWarning,
                stacklevel=3,
            )
            return 1
        return int(self.n_init)

    def fit(self, X, y=None, sample_weight=None):
        """Compute k-means clustering.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        X = self._validate_X(X, reset=True)
        n_clusters = v.check_n_clusters(self.n_clusters, X.shape[0])
        weights = v.check_sample_weight(sample_weight, X.shape[0])
        given = check_params(X, n_clusters, self.init, self.max_iter, self.tol, self.empty_policy)
        n_init = self._n_init()
        rng = v.check_random_state(self.random_state)
        stats = column_stats(X)
        tol = tolerance(X, self.tol, stats)

        best: KMeansState | None = None
        for _ in range(n_init):
            state = run_to_end(
                _kmeans_steps(X, n_clusters, self.init, given, weights, rng, self.max_iter, tol,
                              self.empty_policy, False, stats)
            )
            if best is None or (
                state.inertia < best.inertia and not _same_clustering(state.labels, best.labels, n_clusters)
            ):
                best = state
        self.final_state_ = best
        self.cluster_centers_ = np.array(best.centers)
        self.labels_ = np.array(best.labels)
        self.inertia_ = float(best.inertia)
        self.n_iter_ = int(best.iteration)
        return self

    def predict(self, X):
        """Index of the nearest centre for each sample: ndarray of shape (n_samples,), int32."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return nearest_center(X, self.cluster_centers_)[0]

    def transform(self, X):
        """Euclidean distance to every centre: ndarray of shape (n_samples, n_clusters)."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return np.sqrt(sq_distances(X, self.cluster_centers_)).astype(X.dtype, copy=False)

    def fit_transform(self, X, y=None, sample_weight=None):
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def fit_predict(self, X, y=None, sample_weight=None):
        return self.fit(X, sample_weight=sample_weight).labels_

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X on the fitted centres (higher is better)."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        weights = v.check_sample_weight(sample_weight, X.shape[0])
        return -float(nearest_center(X, self.cluster_centers_)[1] @ weights)

    @property
    def _n_features_out(self):
        return self.cluster_centers_.shape[0]
