"""k-means (Lloyd's algorithm) as a generator of immutable half-step states.

``kmeans_steps`` yields a :class:`KMeansState` after the initialisation (one per seed if asked),
after every assignment and after every update, so a GUI can step, play and rewind, and the
``KMeans`` estimator simply runs it to the end.

Speed: the assignment keeps, for every point, a lower bound on (distance to the second-nearest
centre - distance to its own centre) -- Hamerly's bound folded into one number. When centres move
by ``delta``, the gap shrinks by at most ``delta[own] + max(delta)``; points whose gap stays
positive cannot change cluster and are skipped. Only the rest are compared with every centre.
The per-cluster sums the update needs are kept up to date from the points that changed cluster,
so after the first few iterations an iteration costs a few vector passes over n, not n x k work.
The result is exactly Lloyd's: the same labels, iteration for iteration.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import ClassVar, Iterator, Literal

import numpy as np

from . import _kernels
from . import _validation as v
from ._frozen import frozen as _frozen
from .distances import (
    CHUNK_ROWS,
    RUNNING_MIN_MAX_K,
    ColumnStats,
    column_stats,
    feature_major,
    map_chunks,
    nearest_in_columns,
    two_nearest_in_columns,
)
from .init import SeedStep
from .inits import INITS

__all__ = [
    "KMeansState", "kmeans_steps", "run_to_end", "STOP_NO_CHANGE", "STOP_TOL", "STOP_ALLCLOSE", "STOP_MAX_ITER",
    "STOP_RULES",
]

Phase = Literal["init", "assign", "update"]

STOP_NO_CHANGE = "no point changed cluster"
STOP_TOL = "centres moved less than tol"
STOP_ALLCLOSE = "successive centres are allclose"
STOP_MAX_ITER = "max_iter reached"

EMPTY_POLICIES = ("farthest", "keep")
#: "tol": scikit-learn's rule (total squared shift <= tol x mean variance); "allclose": the
#: tutorial's ``np.allclose(centroids, new_centroids)`` (NumPy's default rtol=1e-5, atol=1e-8).
STOP_RULES = ("tol", "allclose")


@dataclass(frozen=True, eq=False)
class KMeansState:
    """The algorithm's state after one half-step. Every array is read-only and never changes.

    Attributes
    ----------
    phase : {"init", "assign", "update"}
        What the half-step that produced this state did.
    iteration : int
        Assignments done so far (0 during initialisation).
    centers : ndarray of shape (n_centres, n_features)
        During an observed initialisation, only the seeds chosen so far; afterwards all k.
    labels : ndarray of shape (n_samples,), int32, or None before the first assignment
    inertia : float or None
        Weighted sum of squared distances of points to the centre of their label, for these
        labels and these centres; None before the first assignment.
    center_shift : ndarray of shape (n_clusters,) or None
        How far (Euclidean) each centre moved in this update; None for other phases.
    n_changed : int or None
        Points whose label changed in this assignment (all of them on the first).
    converged : bool
        True on the final state when the run converged (not when it hit max_iter).
    stop_reason : str or None
        Set on the final state only: "no point changed cluster", "centres moved less than tol"
        or "max_iter reached".
    seed : SeedStep or None
        For an observed initialisation, the seed this state added.
    empty_clusters : tuple of int
        Clusters found empty at this update, and how they were handled is ``empty_policy``.
    """

    phase: Phase
    iteration: int
    centers: np.ndarray
    labels: np.ndarray | None = None
    inertia: float | None = None
    center_shift: np.ndarray | None = None
    n_changed: int | None = None
    converged: bool = False
    stop_reason: str | None = None
    seed: SeedStep | None = None
    empty_clusters: tuple = field(default=())

    # The shared state protocol (protocol.StepState): what a viewer of any algorithm reads.
    algorithm: ClassVar[str] = "lloyd"
    objective_name: ClassVar[str] = "inertia"
    objective_increases: ClassVar[bool] = False
    responsibilities: ClassVar[None] = None  # hard assignment: see protocol.membership

    @property
    def objective(self) -> float | None:
        return self.inertia

    @property
    def is_final(self) -> bool:
        return self.stop_reason is not None

    @property
    def n_seeds(self) -> int:
        return self.centers.shape[0]


def kmeans_steps(
    X,
    n_clusters: int,
    *,
    init="k-means++",
    sample_weight=None,
    max_iter: int = 300,
    tol: float = 1e-4,
    empty_policy: str = "farthest",
    random_state=None,
    observe_init: bool = False,
    stop: str = "tol",
) -> Iterator[KMeansState]:
    """Run k-means on ``X`` and yield a :class:`KMeansState` after every half-step.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        float32 and float64 keep their dtype (centres come back in it); others become float64.
    n_clusters : int
    init : {"k-means++", "random", "farthest", "tutorial-random", "tutorial-k-means++"}, callable or array-like of shape (n_clusters, n_features)
        A callable is called as ``init(X, n_clusters, random_state=RandomState)`` and returns the
        centres (scikit-learn's convention). "random" picks distinct points, drawn by weight; "k-means++" is the greedy variant;
        "farthest" takes a random first point, then each time the point farthest from all seeds.
        "tutorial-random" and "tutorial-k-means++" draw exactly as the "K-Means from Scratch"
        tutorial's code (see :mod:`.init`); with ``stop="allclose"`` the run is the tutorial's.
        An array gives the initial centres (user-placed).
    sample_weight : array-like of shape (n_samples,), optional
    max_iter : int
        Maximum number of assign + update iterations.
    tol : float
        Stop when the total squared centre shift is at most ``tol * mean(var(X, axis=0))``.
        ``tol=0`` stops only when no point changes cluster.
    empty_policy : {"farthest", "keep"}
        An empty cluster's centre moves to the point farthest from its own centre
        (scikit-learn's policy), or stays where it is.
    random_state : None, int or RandomState
    observe_init : bool
        Yield one "init" state per seed (with the D^2 weights it was drawn from), not only one
        state with all k centres.
    stop : {"tol", "allclose"}
        "tol" (default) is the rule above; "allclose" stops, as the tutorial does, when
        ``np.allclose(old_centres, new_centres)`` after an update (``tol`` is then not used).
        Either way a run also stops when no point changes cluster.

    Yields
    ------
    KMeansState
        The last one has ``stop_reason`` set. Its labels match its centres.
    """
    X = v.check_data(X)
    n_clusters = v.check_n_clusters(n_clusters, X.shape[0])
    weights = v.check_sample_weight(sample_weight, X.shape[0])
    given = check_params(X, n_clusters, init, max_iter, tol, empty_policy)
    if stop not in STOP_RULES:
        raise ValueError(f"stop={stop!r} must be one of {STOP_RULES}.")
    stats = column_stats(X)
    v.check_magnitude(stats.min, stats.max, X.dtype)
    rng = v.check_random_state(random_state)
    if callable(init):
        given = check_given(init(X, n_clusters, random_state=rng), n_clusters, X.shape[1], "The centres from init")
    yield from _kmeans_steps(
        X, n_clusters, init, given, weights, rng,
        max_iter, tolerance(X, tol, stats), empty_policy, observe_init, stats, stop=stop,
    )


def check_params(X, n_clusters, init, max_iter, tol, empty_policy):
    """Validate the algorithm's parameters; return the initial centres if ``init`` is an array.

    A callable ``init`` is valid here; its centres are checked by :func:`check_given` once drawn.
    """
    bad = v.InvalidParameterError
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise bad(f"max_iter={max_iter!r} must be a positive integer.")
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.number)) or not np.isfinite(tol) or tol < 0:
        raise bad(f"tol={tol!r} must be a finite number >= 0.")
    if empty_policy not in EMPTY_POLICIES:
        raise bad(f"empty_policy={empty_policy!r} must be one of {EMPTY_POLICIES}.")
    if isinstance(init, str):
        if init not in INITS:
            raise bad(f"init={init!r} must be one of {tuple(INITS)}, a callable or an array of initial centres.")
        return None
    if callable(init):
        return None
    return check_given(init, n_clusters, X.shape[1])


def check_given(init, n_clusters, n_features, source="The initial centres") -> np.ndarray:
    """Initial centres as float64 (n_clusters, n_features), or a ValueError saying what is wrong."""
    try:
        given = np.asarray(init, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{source} must be numbers: {exc}") from exc
    if given.ndim != 2 or given.shape != (n_clusters, n_features):
        raise ValueError(
            f"{source} have shape {given.shape}, which does not match the number of clusters "
            f"({n_clusters}) and of features ({n_features}): expected ({n_clusters}, {n_features}), "
            "one row per cluster, one column per feature."
        )
    if not np.isfinite(given).all():
        raise ValueError(f"{source} contain NaN or inf.")
    return given


def _kmeans_steps(X, n_clusters, init, given, weights, rng, max_iter, tol, empty_policy, observe_init,
                  stats: ColumnStats, share_labels: bool = False, *, stop: str = "tol"):
    """The generator behind :func:`kmeans_steps`, for validated input, an absolute ``tol`` and
    X's column statistics.

    ``share_labels``: for callers that keep only the last state (the estimator), the compiled
    kernel may update one labels array in place, which halves its memory traffic on big data;
    earlier states' labels then change too.
    """
    centers = yield from _init_states(X, n_clusters, init, given, weights, rng, observe_init)
    yield from _lloyd_steps(X, weights, centers, max_iter, tol, empty_policy, stats, share_labels, stop)


def _init_states(X, n_clusters, init, given, weights, rng, observe_init):
    """Yield the init state(s); return the k initial centres as float64."""
    dtype = X.dtype
    if given is not None:
        centers = given
    elif not INITS[init].stepwise:
        centers = X[INITS[init].seeding(X, n_clusters, weights, rng)].astype(np.float64)
    else:
        steps = INITS[init].seeding(X, n_clusters, weights, rng)
        chosen = []
        for seed in steps:
            chosen.append(seed.center)
            if observe_init and len(chosen) < n_clusters:
                yield KMeansState("init", 0, _frozen(np.array(chosen, dtype=dtype)), seed=seed)
            last_seed = seed
        centers = np.array(chosen, dtype=np.float64)
        if observe_init:
            yield KMeansState("init", 0, _frozen(centers.astype(dtype)), seed=last_seed)
            return centers
    yield KMeansState("init", 0, _frozen(centers.astype(dtype)))
    return centers


def tolerance(X: np.ndarray, tol: float, stats: ColumnStats | None = None) -> float:
    """The absolute tolerance: ``tol`` times the mean per-feature variance (scale-free)."""
    if tol == 0:
        return 0.0
    return float(np.mean((stats or column_stats(X)).var) * tol)


def run_to_end(steps: Iterator[KMeansState]) -> KMeansState:
    """Exhaust a step generator and return its final state."""
    state = None
    for state in steps:
        pass
    return state


#: Up to this many features, the per-cluster sums come from one np.bincount; beyond, from a sparse product.
_BINCOUNT_MAX_FEATURES = 8


class _Sums:
    """Per-cluster running sums over the points of each label, float64.

    Columns: ``w*x`` (d of them, on centred data), ``w``, ``w*||x||^2``, count, churn. Counts are
    kept separately from weights so that "empty" is exact even after many +/- updates. Churn is
    the total weight ever added to or taken from a cluster: the rounding left by +/- updates is
    a few ulps of it, so when it dwarfs the cluster's weight (a heavy point passed through) the
    sums are recomputed from the points (:meth:`needs_refresh`).
    """

    #: Sums are recomputed once a cluster's churn exceeds this multiple of its weight: rounding
    #: then stays below about 1e4 ulps of the data's extent.
    REFRESH_CHURN = 1e4

    def __init__(self, n_clusters: int, n_features: int):
        self.k, self.d = n_clusters, n_features
        self.table = np.zeros((n_clusters, n_features + 4))

    @property
    def wx(self):
        return self.table[:, : self.d]

    @property
    def w(self):
        return self.table[:, self.d]

    @property
    def wxx(self):
        return self.table[:, self.d + 1]

    @property
    def count(self):
        return self.table[:, self.d + 2]

    @property
    def churn(self):
        return self.table[:, self.d + 3]

    def needs_refresh(self) -> bool:
        return bool(np.any(self.churn > self.REFRESH_CHURN * self.w))

    def contributions(self, Xt: np.ndarray, wb: np.ndarray, new: np.ndarray, old: np.ndarray | None):
        """The (k, d+4) change in the sums when points move from ``old`` to ``new`` labels.

        ``Xt`` holds the points feature-major, shape (d, m): NumPy's elementwise work over a short
        last axis is several times slower than over a long one.
        """
        k, d = self.k, self.d
        ncol = d + 3
        m = Xt.shape[1]
        feats = np.empty((ncol, m))
        np.multiply(Xt, wb, out=feats[:d])
        feats[d] = wb
        np.einsum("ij,ij->j", Xt, Xt, out=feats[d + 1], dtype=np.float64)
        feats[d + 1] *= wb
        feats[d + 2] = 1.0
        if d <= _BINCOUNT_MAX_FEATURES:
            # One bincount over (label, column) pairs instead of d + 3 separate ones.
            cols = np.arange(ncol)[:, None]
            idx = (new * ncol + cols).ravel()
            vals = feats.ravel()
            if old is not None:
                idx = np.concatenate((idx, (old * ncol + cols).ravel()))
                vals = np.concatenate((vals, -vals))
            delta = np.bincount(idx, weights=vals, minlength=k * ncol).reshape(k, ncol)
            return self._with_churn(delta, wb, new, old)
        # Wide data: a sparse +1/-1 membership matrix times the features, O(m) extra memory
        # where the (label, column) index arrays above would be O(m x d).
        from scipy import sparse  # only wide data needs it; keeps start-up light

        rows = np.arange(m)
        if old is None:
            member = sparse.csr_matrix((np.ones(m), (new, rows)), shape=(k, m))
        else:
            member = sparse.csr_matrix(
                (np.concatenate((np.ones(m), -np.ones(m))), (np.concatenate((new, old)), np.concatenate((rows, rows)))),
                shape=(k, m),
            )
        return self._with_churn(np.asarray(member @ feats.T), wb, new, old)

    def _with_churn(self, delta, wb, new, old):
        churn = np.bincount(new, weights=wb, minlength=self.k)
        if old is not None:
            churn += np.bincount(old, weights=wb, minlength=self.k)
        return np.column_stack((delta, churn))

    def add(self, delta: np.ndarray):
        self.table += delta
        # Empty clusters hold exactly nothing; this wipes the rounding left by +/- updates.
        self.table[self.count == 0] = 0.0

    def recompute(self, X, weights, offset, labels):
        """Sums afresh from the points: no +/- rounding left, churn back to each cluster's weight."""
        dtype = np.float32 if X.dtype == np.float32 else np.float64

        def work(a, b):
            return self.contributions(feature_major(X, offset, slice(a, b), dtype), weights[a:b], labels[a:b], None)

        self.table = np.sum(map_chunks(work, X.shape[0]), axis=0)

    def inertia(self, centers_c: np.ndarray) -> float:
        """sum_j sum_{i in j} w_i ||x_i - c_j||^2, from the sums alone (centred coordinates)."""
        per_cluster = self.wxx - 2.0 * np.einsum("ij,ij->i", centers_c, self.wx) + self.w * np.einsum(
            "ij,ij->i", centers_c, centers_c
        )
        return float(max(per_cluster.sum(), 0.0))


def _relabel(sums, Xt, w, new, old, labels, rows):
    """Write the labels of ``rows`` that changed and return (change of the sums, how many changed).

    ``Xt`` (d, m) and ``w`` (m,) are those rows' centred points and weights, ``new`` and ``old``
    their labels now and before (``old`` None on the first assignment); ``rows`` indexes them in
    ``labels`` (a slice or an index array).
    """
    if old is None:
        labels[rows] = new
        return sums.contributions(Xt, w, new, None), new.size
    moved = np.flatnonzero(new != old)
    if moved.size == 0:
        return None, 0
    changed_new = new.take(moved)
    row_index = np.arange(rows.start, rows.stop) if isinstance(rows, slice) else rows
    labels[row_index.take(moved)] = changed_new
    return sums.contributions(Xt.take(moved, axis=1), w.take(moved), changed_new, old.take(moved)), moved.size


def _lloyd_steps(X, weights, centers, max_iter, tol, empty_policy, stats, share_labels=False,
                 stop="tol") -> Iterator[KMeansState]:
    """Lloyd iterations from prepared input (validated X, float64 weights and centres)."""
    n, d = X.shape
    k = centers.shape[0]
    dtype = X.dtype
    # Work on centred coordinates: the GEMM form of distances loses precision far from the origin.
    offset = stats.mean
    C = centers - offset
    sums = _Sums(k, d)
    assigner = _make_assigner(X, weights, stats, C, share_labels)
    labels = None
    moved = None

    # What states show, in X's dtype. Centres that did not move keep their exact values (the
    # seeds as drawn, a kept empty centre): round-tripping through centred coordinates would not.
    shown = _frozen(centers.astype(dtype))

    def settle(delta):
        sums.add(delta)
        if sums.needs_refresh():
            sums.recompute(X, weights, offset, labels)

    for iteration in range(1, max_iter + 1):
        labels, n_changed, delta = assigner.assign(C, labels, moved, sums)
        settle(delta)
        if n_changed == 0:
            # Same labels, so the update would give the same centres: converged.
            _warn_if_clusters_empty(sums, k)
            yield KMeansState(
                "assign", iteration, shown, labels, _exact_inertia(X, weights, offset, C, labels, assigner), n_changed=0,
                converged=True, stop_reason=STOP_NO_CHANGE,
            )
            return
        yield KMeansState("assign", iteration, shown, labels, sums.inertia(C), n_changed=n_changed)

        new_C, empty, recomputed = _update_centers(X, weights, offset, C, labels, sums, empty_policy)
        moved = np.sqrt(np.einsum("ij,ij->i", new_C - C, new_C - C))
        C = new_C
        previous = shown
        shown = shown.copy()
        shown[recomputed] = C[recomputed] + offset
        _frozen(shown)
        yield KMeansState(
            "update",
            iteration,
            shown,
            labels,
            sums.inertia(C),
            center_shift=_frozen(moved),
            empty_clusters=tuple(int(j) for j in empty),
        )
        if stop == "allclose":
            # On the centres as shown (uncentred): allclose's relative test depends on the origin.
            if np.allclose(previous, shown):
                reason, converged = STOP_ALLCLOSE, True
                break
        elif float(np.sum(moved**2)) <= tol:
            reason, converged = STOP_TOL, True
            break
    else:
        reason, converged = STOP_MAX_ITER, False
    # The centres moved since the last assignment: one more so the final labels match them.
    labels, n_changed, delta = assigner.assign(C, labels, moved, sums)
    settle(delta)
    _warn_if_clusters_empty(sums, k)
    yield KMeansState(
        "assign", iteration, shown, labels, _exact_inertia(X, weights, offset, C, labels, assigner), n_changed=n_changed,
        converged=converged, stop_reason=reason,
    )


def _exact_inertia(X, weights, offset, C, labels, assigner=None) -> float:
    """The final inertia point by point: the sums' closed form ``wxx - 2c.wx + w|c|^2`` cancels
    digits when a cluster lies far from the offset or holds a very heavy point."""
    if isinstance(assigner, _kernels.CompiledAssigner):
        return assigner.inertia(C, labels)
    n = X.shape[0]

    def work(a, b):
        diff = feature_major(X, offset, slice(a, b))
        diff -= C[labels[a:b]].T
        return float(np.einsum("ij,ij->j", diff, diff) @ weights[a:b])

    return float(sum(map_chunks(work, n)))


def _warn_if_clusters_empty(sums, n_clusters):
    """Empty clusters at the end mean fewer distinct points than clusters (scikit-learn warns too)."""
    n_used = int(np.count_nonzero(sums.count))
    if n_used < n_clusters:
        warnings.warn(
            f"Number of distinct clusters ({n_used}) found smaller than n_clusters ({n_clusters}). "
            "Possibly due to duplicate points in X: lower k to at most the number of distinct points.",
            v.few_distinct_points_category(),
            stacklevel=3,
        )


#: Bounds are first built once an assignment changes fewer than this fraction of the points.
WARMUP_CHANGED_FRACTION = 0.4

#: Above this fraction of a block in doubt, the whole block is recomputed densely.
DENSE_FRACTION = 0.6

#: Rows per block of the bounded assignment. Larger than the distance chunks: most rows of a
#: block cost a few cheap vector operations, so per-block Python overhead dominates small blocks.
ASSIGN_BLOCK_ROWS = 262_144


#: Up to this many points, bounds cost more bookkeeping than they save: every point is
#: compared with every centre, in one block, on a centred copy of X made once.
_SMALL_N = 32_768

#: Which assignment runs: "auto", or one of "compiled", "dense", "bounded" (tests compare them).
#: "auto" takes the compiled kernel (see _kernels) from this many points on when Numba is
#: there; below, or without Numba, the NumPy assigners: dense up to _SMALL_N points, bounded above.
ASSIGNER = "auto"
_COMPILED_MIN_N = 2_048


def _make_assigner(X, weights, stats, C, share_labels=False):
    choice = ASSIGNER
    if choice == "auto":
        n = X.shape[0]
        if n >= _COMPILED_MIN_N and _kernels.available():
            choice = "compiled"
        else:
            choice = "dense" if n <= _SMALL_N else "bounded"
    if choice == "compiled":
        if not _kernels.available(wait=True):
            raise RuntimeError("The compiled assignment needs Numba, which is not available here.")
        return _kernels.CompiledAssigner(X, weights, stats.mean, C, in_place=share_labels)
    return (_DenseAssigner if choice == "dense" else _BoundedAssigner)(X, weights, stats, C)


class _DenseAssigner:
    """Plain Lloyd assignment for small data, where per-call overhead is what costs."""

    def __init__(self, X, weights, stats, C):
        self.Xct = feature_major(X, stats.mean)
        self.weights = weights

    def assign(self, C, prev_labels, moved, sums):
        Dt = (-2.0 * C) @ self.Xct
        Dt += np.einsum("ij,ij->i", C, C)[:, None]
        lab = nearest_in_columns(Dt)[0]
        # lab already holds every new label, so _relabel's writes into it change nothing.
        delta, n_changed = _relabel(sums, self.Xct, self.weights, lab, prev_labels, lab, slice(0, lab.size))
        return _frozen(lab), n_changed, np.zeros_like(sums.table) if delta is None else delta


def _round_up_f32(values: np.ndarray) -> np.ndarray:
    """float32 values >= the float64 ``values``: casting moves a value by at most 2**-24 of it."""
    factor = np.copysign(2.0**-22, values)
    factor += 1.0
    factor *= values
    return factor.astype(np.float32)


def _round_down_f32(values: np.ndarray) -> np.ndarray:
    """float32 values <= the float64 ``values`` (infinities stay infinite)."""
    factor = np.copysign(-(2.0**-22), values)
    factor += 1.0
    factor *= values
    return factor.astype(np.float32)


class _BoundedAssigner:
    """Exact nearest-centre assignment that skips points Hamerly's bounds prove cannot move.

    Hamerly's bounds: per point, ``u`` >= distance to its own centre and ``l`` <= distance to any
    other centre. When centres move, ``u`` grows by its own centre's move and ``l`` shrinks by the
    largest move among the other centres. A point can change cluster only if ``u`` exceeds ``l``;
    such points are compared with all k centres, which also makes both bounds exact again.
    (Hamerly's further tests, an exact ``u`` first and half the distance to the nearest other
    centre, cost more in NumPy than the distances they save at the k this app sees: measured.)

    Both shifts depend only on the point's cluster, so instead of rewriting ``u`` and ``l`` for all
    n points every iteration, each point stores them relative to per-cluster running totals of the
    shifts (``u_base``, and ``slack = l_base - u_base``). The skip test is then one gather and one
    comparison per point: ``slack < (up_total + low_total)[label]``.
    """

    def __init__(self, X, weights, stats, C):
        n = X.shape[0]
        offset = stats.mean
        k = C.shape[0]
        self.X, self.weights, self.offset = X, weights, offset
        # float32 halves the memory and the traffic of the per-point test; values are rounded
        # the safe way (upper bounds up, lower bounds and slack down), so tests stay conservative.
        self.u_base = np.empty(n, dtype=np.float32)
        self.slack = np.empty(n, dtype=np.float32)
        self.up_total = np.zeros(k)  # sum of each centre's moves so far
        self.low_total = np.zeros(k)  # sum of the largest move among the *other* centres
        # float32 data are compared in float32, as scikit-learn does: half the memory traffic.
        self.dtype = np.float32 if X.dtype == np.float32 else np.float64
        # Bounds are loosened by what rounding can do, so the skip test stays conservative:
        # ||x||^2 - 2x.c + ||c||^2 is off by at most sq_error (a few ulps of the largest squared
        # norm), which moves its square root d by at most sq_error / max(d, sqrt(sq_error));
        # centring x in the working dtype moves a distance by at most coord_error.
        eps = float(np.finfo(self.dtype).eps)
        d = X.shape[1]
        extent = np.maximum(np.abs(stats.max - offset), np.abs(stats.min - offset))
        scale_sq = float(extent @ extent) + float(np.max(np.einsum("ij,ij->i", C, C)))
        self.sq_error = 4.0 * (d + 2) * eps * scale_sq
        self.sqrt_sq_error = np.sqrt(self.sq_error)
        self.coord_error = 2.0 * eps * float(np.sqrt(d) * extent.max())
        # While many points still change cluster, bounds would be rebuilt every iteration at
        # about three times the cost of a plain assignment; they are built once the run settles.
        self.bounds_valid = False
        self.changed_fraction = 1.0

    def _nearest_two(self, Xt, C, C_sq):
        """Labels, distance to the nearest and to the second-nearest centre (loosened by margin).

        ``Xt`` is a centred block, feature-major (d, m). Done CHUNK_ROWS columns at a time so the
        (k, chunk) distance block stays in cache.
        """
        m = Xt.shape[1]
        if m > CHUNK_ROWS:
            parts = [self._nearest_two(Xt[:, a : a + CHUNK_ROWS], C, C_sq) for a in range(0, m, CHUNK_ROWS)]
            return tuple(np.concatenate(p) for p in zip(*parts))
        k = C.shape[0]
        m = Xt.shape[1]
        x_sq = np.einsum("ij,ij->j", Xt, Xt)
        C_sq = C_sq.astype(Xt.dtype)
        if k <= RUNNING_MIN_MAX_K:
            Dt = (-2.0 * C).astype(Xt.dtype) @ Xt
            Dt += C_sq[:, None]
            lab, best, second = two_nearest_in_columns(Dt)
        else:
            D = Xt.T @ (-2.0 * C.T).astype(Xt.dtype)
            D += C_sq
            lab = D.argmin(axis=1).astype(np.int32)
            rows = np.arange(m)
            best = D[rows, lab]
            D[rows, lab] = np.inf
            second = D.min(axis=1)
        return lab, self._distance(best, x_sq, +1.0), self._distance(second, x_sq, -1.0)

    def _distance(self, partial_sq, x_sq, direction):
        """sqrt(partial + ||x||^2) as float64, moved up (+1) or down (-1) by its rounding bound."""
        dist = partial_sq.astype(np.float64)
        dist += x_sq
        np.maximum(dist, 0.0, out=dist)
        np.sqrt(dist, out=dist)
        slack = self.sq_error / np.maximum(dist, self.sqrt_sq_error)
        slack += self.coord_error
        if direction > 0:
            dist += slack
        else:
            dist -= slack
        return dist

    def _store(self, rows, lab, upper, lower):
        """Record fresh bounds for ``rows`` relative to the running totals."""
        u_base = _round_up_f32(upper - self.up_total.take(lab))
        self.u_base[rows] = u_base
        self.slack[rows] = _round_down_f32(lower + self.low_total.take(lab) - u_base)

    def assign(self, C, prev_labels, moved, sums):
        """Labels for centres C; returns (labels, n_changed, change of the per-cluster sums)."""
        if prev_labels is not None:
            self.up_total += moved
            order = np.argsort(moved)
            other_max = np.full(moved.size, moved[order[-1]])
            if moved.size > 1:
                other_max[order[-1]] = moved[order[-2]]
            self.low_total += other_max
        if not self.bounds_valid and self.changed_fraction > WARMUP_CHANGED_FRACTION / C.shape[0]:
            result = self._assign_plain(C, prev_labels, sums)
        elif not self.bounds_valid:
            result = self._assign_bounded(C, prev_labels, sums, rebuild=True)
            self.bounds_valid = True
        else:
            result = self._assign_bounded(C, prev_labels, sums, rebuild=False)
        self.changed_fraction = result[1] / self.X.shape[0]
        return result

    def _assign_plain(self, C, prev_labels, sums):
        """Plain Lloyd assignment, block by block: labels only, no bounds."""
        X, weights, offset = self.X, self.weights, self.offset
        n = X.shape[0]
        C_sq = np.einsum("ij,ij->i", C, C)
        labels = np.empty(n, dtype=np.int32) if prev_labels is None else prev_labels.copy()

        # ||c||^2 rides in the GEMM as one more column against a row of ones: a pass over the
        # (k, m) block saved.
        C_aug = np.hstack([-2.0 * C, C_sq[:, None]]).astype(self.dtype)
        d = X.shape[1]

        def work(a, b):
            Xt_aug = feature_major(X, offset, slice(a, b), self.dtype, ones_row=True)
            Xt = Xt_aug[:d]
            lab = nearest_in_columns(C_aug @ Xt_aug)[0]
            old = None if prev_labels is None else prev_labels[a:b]
            return _relabel(sums, Xt, weights[a:b], lab, old, labels, slice(a, b))

        return self._gather(labels, map_chunks(work, n, CHUNK_ROWS), sums)

    @staticmethod
    def _gather(labels, results, sums):
        delta = np.zeros_like(sums.table)
        n_changed = 0
        for part, count in results:
            if part is not None:
                delta += part
            n_changed += count
        return _frozen(labels), n_changed, delta

    def _assign_bounded(self, C, prev_labels, sums, rebuild):
        """Assignment that skips points the bounds clear; ``rebuild`` computes every bound afresh."""
        X, weights, offset = self.X, self.weights, self.offset
        n = X.shape[0]
        C_sq = np.einsum("ij,ij->i", C, C)
        labels = np.empty(n, dtype=np.int32) if prev_labels is None else prev_labels.copy()
        if not rebuild:
            skip_below = _round_up_f32(self.up_total + self.low_total)

        def work(a, b):
            if rebuild:
                Xt = feature_major(X, offset, slice(a, b), self.dtype)
                lab, best, second = self._nearest_two(Xt, C, C_sq)
                self._store(slice(a, b), lab, best, second)
                old = None if prev_labels is None else prev_labels[a:b]
                return _relabel(sums, Xt, weights[a:b], lab, old, labels, slice(a, b))
            lab_old = prev_labels[a:b]
            doubt = np.flatnonzero(self.slack[a:b] < skip_below.take(lab_old))
            if doubt.size == 0:
                return None, 0
            if doubt.size > DENSE_FRACTION * (b - a):
                # Gathering most of a block costs more than computing all of it, and doing it
                # all refreshes every bound in the block.
                rows, lab_d = slice(a, b), lab_old
                Xt = feature_major(X, offset, rows, self.dtype)
            else:
                rows = a + doubt
                lab_d = lab_old.take(doubt)
                Xt = feature_major(X, offset, rows, self.dtype)
            lab, best, second = self._nearest_two(Xt, C, C_sq)
            self._store(rows, lab, best, second)
            return _relabel(sums, Xt, weights[rows] if isinstance(rows, slice) else weights.take(rows),
                            lab, lab_d, labels, rows)

        block = CHUNK_ROWS if rebuild else ASSIGN_BLOCK_ROWS
        return self._gather(labels, map_chunks(work, n, block), sums)


def _update_centers(X, weights, offset, C, labels, sums, empty_policy):
    """Weighted means of each cluster; empty clusters handled by ``empty_policy``.

    Returns the new centred centres, the empty clusters and a mask of the centres recomputed.
    """
    wx = sums.wx.copy()
    w = sums.w.copy()
    # Empty means no point, or only points of weight zero (scikit-learn's rule). A cluster whose
    # weight is tiny next to the total is still a cluster: its mean is well defined.
    empty = np.flatnonzero((sums.count == 0) | (w <= 0))
    if empty.size and empty_policy == "farthest":
        _relocate_empty(X, weights, offset, C, labels, wx, w, empty)
    new_C = C.copy()
    filled = w > 0
    new_C[filled] = wx[filled] / w[filled, None]
    return new_C, empty, filled


def _relocate_empty(X, weights, offset, C, labels, wx, w, empty):
    """scikit-learn's policy: each empty centre takes one of the points farthest from their centre.

    The point keeps its label until the next assignment; only this update's sums move.
    """
    n = X.shape[0]
    dist = np.empty(n)

    def work(a, b):
        diff = (X[a:b] - offset) - C[labels[a:b]]
        dist[a:b] = np.einsum("ij,ij->i", diff, diff)

    map_chunks(work, n)
    if dist.max() == 0:
        return  # fewer distinct points than clusters: nowhere better to go
    n_empty = empty.size
    far = np.argpartition(dist, -n_empty)[: -n_empty - 1 : -1]
    for new_id, idx in zip(empty, far):
        wx[new_id] = (X[idx] - offset) * weights[idx]
        w[new_id] = weights[idx]
    # The clusters the points left are summed afresh: subtracting a heavy point from a light
    # cluster's sums would leave rounding of the heavy point's size (measured: centres off by 8).
    staying = np.ones(n, dtype=bool)
    staying[far] = False
    for old_id in np.unique(labels[far]):
        members = np.flatnonzero((labels == old_id) & staying)
        wx[old_id] = weights[members] @ (X[members] - offset)
        w[old_id] = weights[members].sum()
