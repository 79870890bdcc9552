"""Soft k-means as a generator of immutable half-step states.

Every point belongs to every cluster with a responsibility proportional to
``exp(-beta * ||x - c_j||^2)`` (rows sum to 1), and every centre moves to the
responsibility-weighted mean of all points. That is a Gaussian mixture's EM with equal weights and
one shared spherical variance ``1 / (2 beta)``; as ``beta`` grows the responsibilities become k-means'
hard labels (Lloyd's algorithm, step for step), and at ``beta = 0`` every point belongs equally to
every cluster.

Both half-steps lower the same objective, the soft inertia

    sum_i w_i [ sum_j r_ij ||x_i - c_j||^2 + (1 / beta) sum_j r_ij log(k r_ij) ],

(the second term, a Kullback-Leibler divergence from uniform memberships, is 0 at ``beta = 0``
and vanishes as ``beta`` grows, leaving k-means' inertia): the assignment minimises it over the
responsibilities, the update over the centres.

Responsibilities are computed stably: distances are shifted by each point's smallest before the
exponential, so ``beta = 1e12`` or squared distances of 1e300 give exact 0/1 rows, never NaN.
Work is done in row chunks: the extra memory is O(chunk x k), besides the (n, k) responsibilities
each assignment returns.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import ClassVar, Iterator

import numpy as np

from . import _validation as v
from ._frozen import frozen as _frozen
from ._seeding import initial_centers
from .distances import column_stats, feature_major, map_chunks, nearest_in_columns
from .protocol import Phase
from .steps import STOP_MAX_ITER, STOP_TOL, check_params, tolerance

__all__ = ["SoftKMeansState", "soft_kmeans_steps", "STOP_TOL", "STOP_MAX_ITER"]

#: Up to this many features, squared distances are summed per feature, exactly and never
#: negative; beyond it the GEMM form (with its cancellation, clipped at 0) is faster.
_DIRECT_MAX_FEATURES = 8


@dataclass(frozen=True, eq=False)
class SoftKMeansState:
    """Soft k-means after one half-step. Every array is read-only and never changes.

    Attributes
    ----------
    phase : {"init", "assign", "update"}
    iteration : int
        Assignments done so far (0 for the initial state).
    centers : ndarray of shape (n_clusters, n_features)
    responsibilities : ndarray of shape (n_samples, n_clusters), float64, or None
        Rows sum to 1; None before the first assignment. An update state shares the array of the
        assignment it used.
    labels : ndarray of shape (n_samples,), int32, or None
        The most likely cluster of each point (its nearest centre; lowest index on ties).
    objective : float or None
        The soft inertia (see the module's docstring) of these responsibilities and centres.
    center_shift : ndarray of shape (n_clusters,) or None
        How far (Euclidean) each centre moved in this update.
    converged : bool
    stop_reason : str or None
        Set on the final state only.
    beta : float
        The inverse temperature of the run.
    empty_clusters : tuple of int
        Clusters whose total responsibility underflowed to 0 at this update (only with a huge
        beta); their centres stay where they were.
    """

    algorithm: ClassVar[str] = "soft"
    objective_name: ClassVar[str] = "soft inertia"
    objective_increases: ClassVar[bool] = False

    phase: Phase
    iteration: int
    centers: np.ndarray
    responsibilities: np.ndarray | None = None
    labels: np.ndarray | None = None
    objective: float | None = None
    center_shift: np.ndarray | None = None
    converged: bool = False
    stop_reason: str | None = None
    beta: float = 1.0
    empty_clusters: tuple = field(default=())

    @property
    def is_final(self) -> bool:
        return self.stop_reason is not None


def soft_kmeans_steps(
    X,
    n_clusters: int,
    *,
    beta: float,
    init="k-means++",
    sample_weight=None,
    max_iter: int = 300,
    tol: float = 1e-4,
    random_state=None,
) -> Iterator[SoftKMeansState]:
    """Run soft k-means on ``X`` and yield a :class:`SoftKMeansState` after every half-step.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        float32 and float64 keep their dtype for the centres; work is done in float64.
    n_clusters : int
    beta : float
        Inverse temperature, >= 0: responsibilities are proportional to
        ``exp(-beta * squared distance)``. 0 gives uniform responsibilities; a large value gives
        k-means' hard assignment.
    init : {"k-means++", "random", "farthest"} or array-like of shape (n_clusters, n_features)
        As :func:`~kmeans_gui.engine.kmeans_steps`, with the same draws for the same random_state.
    sample_weight : array-like of shape (n_samples,), optional
    max_iter : int
        Maximum number of assign + update iterations.
    tol : float
        Stop when the total squared centre shift of an update is at most
        ``tol * mean(var(X, axis=0))``; 0 stops only when the centres do not move at all.
    random_state : None, int or RandomState

    Yields
    ------
    SoftKMeansState
        The last one, an assignment to the final centres, has ``stop_reason`` set.
    """
    X = v.check_data(X)
    n_clusters = v.check_n_clusters(n_clusters, X.shape[0])
    weights = v.check_sample_weight(sample_weight, X.shape[0])
    beta = check_beta(beta)
    given = check_params(X, n_clusters, init, max_iter, tol, "keep")
    rng = v.check_random_state(random_state)
    stats = column_stats(X)
    centers = initial_centers(X, n_clusters, init, given, weights, rng)
    yield from _soft_steps(X, weights, centers, beta, max_iter, tolerance(X, tol, stats), stats.mean)


def check_beta(beta) -> float:
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not np.isfinite(beta) or beta < 0:
        raise ValueError(
            f"beta={beta!r} must be a finite number >= 0 (0: uniform responsibilities; large: hard "
            "k-means assignments)."
        )
    return float(beta)


class _Assignment:
    """Responsibilities of every point and the sums the update needs, from one pass over X."""

    def __init__(self, n, k, d):
        self.resp = np.empty((n, k))
        self.labels = np.empty(n, dtype=np.int32)
        self.mass = np.zeros(k)  # sum_i w_i r_ij
        self.weighted_sum = np.zeros((k, d))  # sum_i w_i r_ij x_i (centred)
        self.spread = np.zeros(k)  # sum_i w_i r_ij ||x_i - c_j||^2
        self.divergence = 0.0  # sum_i w_i (1 / beta) sum_j r_ij log(k r_ij)

    @property
    def objective(self) -> float:
        return float(self.spread.sum()) + self.divergence

    def objective_after(self, moved_sq: np.ndarray) -> float:
        """The soft inertia of these responsibilities once each centre j has moved to its weighted
        mean, ``moved_sq[j]`` (the squared move) away: sum_i w_i r_ij ||x_i - mean_j||^2 is
        ``spread_j - mass_j * moved_sq[j]``. Unlike expanding the square around the origin, this
        loses no digits when points lie far apart (squared distances of 1e300)."""
        spread = np.maximum(self.spread - self.mass * moved_sq, 0.0)
        return float(spread.sum()) + self.divergence


def _sq_distances(Xt: np.ndarray, C: np.ndarray) -> np.ndarray:
    """(k, m) squared distances from centred centres C to a centred feature-major block."""
    k, d = C.shape
    if d <= _DIRECT_MAX_FEATURES:
        # Row by row with scalar centres: broadcasting a (k, 1) column against (m,) runs an inner
        # loop over k and is about ten times slower.
        D = np.empty((k, Xt.shape[1]))
        diff = np.empty(Xt.shape[1])
        for j in range(k):
            row = D[j]
            np.subtract(Xt[0], C[j, 0], out=row)
            row *= row
            for f in range(1, d):
                np.subtract(Xt[f], C[j, f], out=diff)
                diff *= diff
                row += diff
        return D
    D = (-2.0 * C) @ Xt
    D += np.einsum("ij,ij->i", C, C)[:, None]
    D += np.einsum("ij,ij->j", Xt, Xt)
    np.maximum(D, 0.0, out=D)
    return D


def soft_assign_block(D: np.ndarray, beta: float):
    """Soft assignment of a block of points from their squared distances ``D`` (k, m).

    Returns the responsibilities (k, m), the labels (m,), each point's squared distance to its
    nearest centre ``d_min`` (m,), ``r * (D - d_min)`` (k, m) (in D's memory, which is
    overwritten) and each point's divergence term ``(1/beta) sum_j r_j log(k r_j)`` (m,).

    With ``S = D - d_min`` (>= 0) and ``e = expm1(-beta S)``, ``r = (1 + e) / (k + sum e)``:
    shifting by the minimum keeps exp from overflowing or underflowing to all zeros, and expm1
    keeps ``log(k / sum(1 + e))`` exact when beta is tiny, where the divergence divides it by beta.
    """
    k = D.shape[0]
    labels, d_min = nearest_in_columns(D)
    np.subtract(D, d_min, out=D)  # D is now S, the excess over the nearest centre, >= 0
    if not np.isfinite(d_min).all():  # every centre infinitely far: the excess is undefined
        D[:, ~np.isfinite(d_min)] = 0.0
    if beta == 0:
        D /= k
        return np.full(D.shape, 1.0 / k), labels, d_min, D, np.zeros_like(d_min)
    with np.errstate(over="ignore"):
        e = np.multiply(D, -beta)  # -inf where beta * S overflows: expm1 gives exactly -1
    np.expm1(e, out=e)
    excess = e.sum(axis=0)  # sum_j (exp(-beta S_j) - 1), in [1 - k, 0]: the nearest has e = 0
    e += 1.0
    e /= excess + k
    resp = e
    with np.errstate(invalid="ignore"):
        np.multiply(D, resp, out=D)
    weighted_excess = D.sum(axis=0)
    if np.isnan(weighted_excess).any():  # 0 * inf: a responsibility that underflowed to 0 adds nothing
        D[resp == 0] = 0.0
        weighted_excess = D.sum(axis=0)
    # (1/beta) sum_j r_j log(k r_j) = (1/beta) log(k / sum_j exp(-beta S_j)) - sum_j r_j S_j
    divergence = -np.log1p(excess / k) / beta - weighted_excess
    np.maximum(divergence, 0.0, out=divergence)  # a divergence; rounding may dip below 0
    return resp, labels, d_min, D, divergence


def _assign(X, weights, offset, C, beta) -> _Assignment:
    n, d = X.shape
    k = C.shape[0]
    out = _Assignment(n, k, d)

    def work(a, b):
        Xt = feature_major(X, offset, slice(a, b))
        resp, out.labels[a:b], d_min, resp_excess, divergence = soft_assign_block(_sq_distances(Xt, C), beta)
        out.resp[a:b] = resp.T
        w = weights[a:b]
        resp *= w
        # sum_i w_i r_ij D_ij = sum_i w_i r_ij d_min_i + sum_i w_i r_ij S_ij, from the distances
        # themselves: no cancellation
        spread = resp @ d_min
        spread += resp_excess @ w
        return resp.sum(axis=1), resp @ Xt.T, spread, float(divergence @ w)

    for mass, wsum, spread, divergence in map_chunks(work, n):
        out.mass += mass
        out.weighted_sum += wsum
        out.spread += spread
        out.divergence += divergence
    _frozen(out.resp)
    _frozen(out.labels)
    return out


def _soft_steps(X, weights, centers, beta, max_iter, tol, offset) -> Iterator[SoftKMeansState]:
    """The generator behind :func:`soft_kmeans_steps`, for validated input and an absolute tol."""
    dtype = X.dtype
    C = centers - offset  # centred: the sums and the GEMM lose digits far from the origin
    shown = _frozen(centers.astype(dtype))
    yield SoftKMeansState("init", 0, shown, beta=beta)
    for iteration in range(1, max_iter + 1):
        assignment = _assign(X, weights, offset, C, beta)
        yield SoftKMeansState(
            "assign", iteration, shown, assignment.resp, assignment.labels, assignment.objective, beta=beta
        )
        filled = assignment.mass > 0
        new_C = C.copy()
        new_C[filled] = assignment.weighted_sum[filled] / assignment.mass[filled, None]
        moved_sq = np.einsum("ij,ij->i", new_C - C, new_C - C)
        moved = np.sqrt(moved_sq)
        C = new_C
        shown = shown.copy()
        shown[filled] = C[filled] + offset
        _frozen(shown)
        yield SoftKMeansState(
            "update", iteration, shown, assignment.resp, assignment.labels, assignment.objective_after(moved_sq),
            center_shift=_frozen(moved), beta=beta,
            empty_clusters=tuple(int(j) for j in np.flatnonzero(~filled)),
        )
        if float(np.sum(moved**2)) <= tol:
            reason, converged = STOP_TOL, True
            break
    else:
        reason, converged = STOP_MAX_ITER, False
    # The centres moved since the last assignment: one more, so the final memberships match them.
    assignment = _assign(X, weights, offset, C, beta)
    yield SoftKMeansState(
        "assign", iteration, shown, assignment.resp, assignment.labels, assignment.objective,
        converged=converged, stop_reason=reason, beta=beta,
    )
