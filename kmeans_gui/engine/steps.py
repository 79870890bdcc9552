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
The result is exactly Lloyd's: the same labels, iteration for iteration. The assignment lives in
:mod:`._assign`, the running sums in :mod:`._sums`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import ClassVar, Iterator, Literal

import numpy as np

from . import _kernels
from . import _validation as v
from ._assign import _make_assigner
from ._frozen import frozen as _frozen
from ._sums import _Sums
from .distances import ColumnStats, column_stats, feature_major, map_chunks
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
        reason = _stop_reason(stop, previous, shown, moved, tol)
        if reason is not None:
            break
    else:
        reason = STOP_MAX_ITER
    converged = reason != STOP_MAX_ITER
    # The centres moved since the last assignment: one more so the final labels match them.
    labels, n_changed, delta = assigner.assign(C, labels, moved, sums)
    settle(delta)
    _warn_if_clusters_empty(sums, k)
    yield KMeansState(
        "assign", iteration, shown, labels, _exact_inertia(X, weights, offset, C, labels, assigner), n_changed=n_changed,
        converged=converged, stop_reason=reason,
    )


def _stop_reason(stop, previous, shown, moved, tol) -> str | None:
    """Why Lloyd stops after an update that moved the centres by ``moved`` from ``previous`` to
    ``shown``, or None to go on."""
    if stop == "allclose":
        # On the centres as shown (uncentred): allclose's relative test depends on the origin.
        return STOP_ALLCLOSE if np.allclose(previous, shown) else None
    return STOP_TOL if float(np.sum(moved**2)) <= tol else None


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
