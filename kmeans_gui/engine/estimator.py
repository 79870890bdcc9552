"""A drop-in for ``sklearn.cluster.KMeans``, built on the step generator (dense data) and on
:mod:`._sparse` (scipy.sparse data, never densified)."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _sparse
from . import _validation as v
from .distances import column_stats, nearest_center, sq_distances
from .inits import INITS, draws_at_random, init_names
from .steps import STOP_NO_CHANGE, STOP_TOL, KMeansState, _kmeans_steps, check_given, check_params, tolerance

__all__ = ["KMeans"]

ALGORITHMS = ("lloyd", "elkan")


def _same_clustering(labels_a: np.ndarray, labels_b: np.ndarray, n_clusters: int) -> bool:
    """True when two labellings are the same partition up to renaming the clusters."""
    mapping = np.full(n_clusters, -1)
    mapping[labels_a] = labels_b  # last write wins; a consistent renaming has no conflicts
    return bool(np.array_equal(mapping[labels_a], labels_b))


class KMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """K-means clustering, a drop-in for ``sklearn.cluster.KMeans``.

    Lloyd's algorithm made fast with Hamerly's bounds (a compiled kernel when Numba is there);
    results are exactly Lloyd's. Dense arrays and scipy.sparse matrices (CSR, CSC) are accepted;
    sparse data are never densified.

    Parameters
    ----------
    n_clusters : int, default=8
    init : {"k-means++", "random", "farthest", "tutorial-random", "tutorial-k-means++"}, callable or array-like of shape (n_clusters, n_features)
        A callable is called as ``init(X, n_clusters, random_state=RandomState)``. The tutorial
        flavours draw as the "K-Means from Scratch" tutorial does (see :func:`kmeans_steps`).
    n_init : "auto" or int, default="auto"
        Runs from different seeds; the lowest inertia wins. "auto" (scikit-learn's meaning): 1 for
        k-means++, farthest-point and given centres, 10 for the random ones and for a callable.
    max_iter : int, default=300
    tol : float, default=1e-4
        Relative to the mean per-feature variance of X.
    verbose : int, default=0
        Print the inertia at every iteration and why the run stopped.
    random_state : None, int or RandomState
    copy_x : bool, default=True
        Accepted for compatibility: X is never modified either way (centring is done on the fly).
    algorithm : {"lloyd", "elkan"}, default="lloyd"
        Both run the same exact bounded Lloyd iterations; the result is Lloyd's either way.
    empty_policy : {"farthest", "keep"}, default="farthest"
        An empty cluster's centre moves to the point farthest from its centre (scikit-learn's
        policy), or stays where it is.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features), in X's float dtype
    labels_ : ndarray of shape (n_samples,), int32
    inertia_ : float
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when X has feature names that are all strings (a DataFrame).
    final_state_ : KMeansState or None
        The best run's last state (stop reason included); None for sparse input.
    """

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        verbose=0,
        random_state=None,
        copy_x=True,
        algorithm="lloyd",
        empty_policy="farthest",
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm
        self.empty_policy = empty_policy

    # -- validation ---------------------------------------------------------------------------

    def _validate_X(self, X, reset: bool):
        if _sparse.is_sparse(X):
            Xv = _sparse.check_sparse(X)
        else:
            Xv = v.check_data(X)
        # Feature names and n_features_in_ bookkeeping, done scikit-learn's way.
        validate_data(self, X if hasattr(X, "columns") else Xv, reset=reset, skip_check_array=True)
        return Xv

    def _check_options(self):
        bad = v.InvalidParameterError
        if not isinstance(self.algorithm, str) or self.algorithm not in ALGORITHMS:
            raise bad(f"algorithm={self.algorithm!r} must be one of {ALGORITHMS} (both run exact Lloyd here).")
        if not isinstance(self.copy_x, (bool, np.bool_)):
            raise bad(f"copy_x={self.copy_x!r} must be True or False.")
        if isinstance(self.verbose, bool) is False and not isinstance(self.verbose, (int, np.integer)):
            raise bad(f"verbose={self.verbose!r} must be an integer (0 is silent).")
        init = self.init
        if not (isinstance(init, str) or callable(init) or hasattr(init, "__len__") or hasattr(init, "shape")):
            raise bad(f"init={init!r} must be a name, a callable or an array of initial centres.")
        if self.algorithm == "elkan" and self.n_clusters == 1:
            warnings.warn("algorithm='elkan' makes no sense for a single cluster: using 'lloyd'.",
                          RuntimeWarning, stacklevel=3)

    def _n_init(self) -> int:
        init = self.init
        if isinstance(self.n_init, str) and self.n_init == "auto":
            return 10 if callable(init) or draws_at_random(init) else 1
        if isinstance(self.n_init, bool) or not isinstance(self.n_init, (int, np.integer)) or self.n_init < 1:
            raise v.InvalidParameterError(f"n_init={self.n_init!r} must be 'auto' or a positive integer.")
        if not isinstance(init, str) and not callable(init) and self.n_init != 1:
            warnings.warn(
                f"Explicit initial centres were passed: running once, not n_init={self.n_init} times.",
                RuntimeWarning,
                stacklevel=3,
            )
            return 1
        return int(self.n_init)

    # -- fitting ------------------------------------------------------------------------------

    def fit(self, X, y=None, sample_weight=None):
        """Compute k-means clustering.

        Parameters
        ----------
        X : array-like or scipy.sparse matrix of shape (n_samples, n_features)
            Never modified. Integers and booleans become float64; float32 stays float32.
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        self._check_options()
        X = self._validate_X(X, reset=True)
        n_clusters = v.check_n_clusters(self.n_clusters, X.shape[0])
        weights = v.check_sample_weight(sample_weight, X.shape[0])
        if _sparse.is_sparse(X):
            return self._fit_sparse(X, n_clusters, weights)
        given = check_params(X, n_clusters, self.init, self.max_iter, self.tol, self.empty_policy)
        n_init = self._n_init()
        rng = v.check_random_state(self.random_state)
        stats = column_stats(X)
        # Beyond ~1e150 squared distances overflow (below ~1e-150 they vanish): cluster an exactly
        # rescaled copy instead, and scale the answer back.
        original = X
        scale = v.range_scale(stats.min, stats.max, X.dtype)
        if scale != 1.0:
            X = X * X.dtype.type(scale)
            given = None if given is None else given * scale
            stats = column_stats(X)
        tol = tolerance(X, self.tol, stats)

        best: KMeansState | None = None
        for _ in range(n_init):
            run_given = given
            if callable(self.init):
                drawn = self.init(original, n_clusters, random_state=rng)
                run_given = check_given(drawn, n_clusters, X.shape[1], "The centres from init") * scale
            state = self._run_dense(X, n_clusters, run_given, weights, rng, tol, stats)
            if best is None or (
                state.inertia < best.inertia and not _same_clustering(state.labels, best.labels, n_clusters)
            ):
                best = state
        self.final_state_ = best
        self.cluster_centers_ = np.array(best.centers) / X.dtype.type(scale)
        self.labels_ = np.array(best.labels)
        with np.errstate(over="ignore", under="ignore"):  # an inertia beyond float64 is inf, honestly
            self.inertia_ = float(np.float64(best.inertia) / scale / scale)
        self.n_iter_ = int(best.iteration)
        return self

    def _run_dense(self, X, n_clusters, given, weights, rng, tol, stats) -> KMeansState:
        init = "k-means++" if callable(self.init) else self.init
        state = None
        for state in _kmeans_steps(X, n_clusters, init, given, weights, rng, self.max_iter, tol,
                                   self.empty_policy, False, stats, share_labels=True):
            if self.verbose:
                self._report(state, tol)
        return state

    @staticmethod
    def _report(state: KMeansState, tol: float):
        """scikit-learn's verbose lines (iterations counted from 0 as it does)."""
        if state.phase == "init":
            print("Initialization complete")
        elif state.phase == "assign" and not state.is_final:
            print(f"Iteration {state.iteration - 1}, inertia {state.inertia}.")
        elif state.is_final:
            if state.stop_reason == STOP_NO_CHANGE:
                print(f"Converged at iteration {state.iteration - 1}: strict convergence.")
            elif state.stop_reason == STOP_TOL:
                print(f"Converged at iteration {state.iteration - 1}: center shift within tolerance {tol}.")

    def _fit_sparse(self, X, n_clusters, weights):
        if not isinstance(self.init, str) and not callable(self.init):
            given = check_given(self.init, n_clusters, X.shape[1])
        else:
            check_params(X, n_clusters, self.init, self.max_iter, self.tol, self.empty_policy)
            given = None
        if isinstance(self.init, str) and INITS[self.init].sparse_seeding is None:
            offered = " or ".join(repr(name) for name in init_names(lambda method: method.sparse_seeding is not None))
            raise v.InvalidParameterError(f"init={self.init!r} is not available for sparse X: use {offered}.")
        n_init = self._n_init()
        rng = v.check_random_state(self.random_state)
        x_sq = _sparse.row_sq_norms(X)
        tol = _sparse.tolerance(X, self.tol)
        best = None
        for _ in range(n_init):
            if given is not None:
                start = given
            elif callable(self.init):
                start = check_given(self.init(X, n_clusters, random_state=rng), n_clusters, X.shape[1],
                                    "The centres from init")
            else:
                start = INITS[self.init].sparse_seeding(X, n_clusters, weights, rng, x_sq)
            if self.verbose:
                print("Initialization complete")
            run = _sparse.lloyd(X, weights, start, self.max_iter, tol, self.empty_policy, self.verbose, x_sq)
            if best is None or (run[2] < best[2] and not _same_clustering(run[1], best[1], n_clusters)):
                best = run
        centers, labels, inertia, n_iter, _ = best
        n_used = np.unique(labels).size
        if n_used < n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({n_used}) found smaller than n_clusters ({n_clusters}). "
                "Possibly due to duplicate points in X: lower k to at most the number of distinct points.",
                v.few_distinct_points_category(),
                stacklevel=3,
            )
        self.final_state_ = None
        self.cluster_centers_ = centers.astype(X.dtype)
        self.labels_ = labels
        self.inertia_ = float(inertia)
        self.n_iter_ = int(n_iter)
        return self

    # -- using the fit ------------------------------------------------------------------------

    def _scaled(self, X):
        """X and the centres rescaled into the safe range together, and the factor used."""
        C = self.cluster_centers_
        scale = v.range_scale(min(X.min(), C.min()), max(X.max(), C.max()), X.dtype)
        if scale == 1.0:
            return X, C, 1.0
        return X * X.dtype.type(scale), C * scale, scale

    def predict(self, X):
        """Index of the nearest centre for each sample: ndarray of shape (n_samples,), int32."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        if _sparse.is_sparse(X):
            return _sparse.nearest(X, self.cluster_centers_)[0]
        X, C, _ = self._scaled(X)
        return nearest_center(X, C)[0]

    def transform(self, X):
        """Euclidean distance to every centre: ndarray of shape (n_samples, n_clusters)."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        if _sparse.is_sparse(X):
            return np.sqrt(_sparse.sq_distances(X, self.cluster_centers_)).astype(X.dtype, copy=False)
        X, C, scale = self._scaled(X)
        return (np.sqrt(sq_distances(X, C)) / scale).astype(X.dtype, copy=False)

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit, then the distances of X to every centre: ndarray of shape (n_samples, n_clusters)."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then the label of every sample: ndarray of shape (n_samples,), int32."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X on the fitted centres (higher is better)."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        weights = v.check_sample_weight(sample_weight, X.shape[0])
        if _sparse.is_sparse(X):
            return -float(_sparse.nearest(X, self.cluster_centers_)[1] @ weights)
        X, C, scale = self._scaled(X)
        with np.errstate(over="ignore", under="ignore"):
            return -float(np.float64(nearest_center(X, C)[1] @ weights) / scale / scale)

    @property
    def _n_features_out(self):
        return self.cluster_centers_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
