"""Mini-batch k-means (Sculley, 2010) as a generator of immutable states.

Each step draws a batch of rows, assigns them to the nearest centre and moves every centre
towards the mean of its batch members with a per-centre learning rate ``1 / v_j``, where ``v_j``
is the total weight the centre has absorbed so far. Applied to a whole batch at once that is
``c_j <- (v_j c_j + sum_i w_i x_i) / (v_j + sum_i w_i)``: each centre is the running mean of
every point ever assigned to it, so it slows down as it settles.

This is scikit-learn's ``MiniBatchKMeans`` update (``_mini_batch_step``) without its random
reassignment of rarely hit centres (``reassignment_ratio=0``).

Like :func:`~kmeans_gui.engine.kmeans_steps`, it yields a state after the initialisation and
after every step, in the shared state protocol (:mod:`.protocol`), so a GUI can play it. Labels of
all rows are computed only when asked (``label_all``): the point of mini-batches is that nothing
per step costs more than the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import numpy as np

from . import _validation as v
from ._frozen import frozen as _frozen
from .distances import nearest_center
from ._seeding import initial_centers
from .inits import INITS, init_names
from .steps import check_params, tolerance

__all__ = ["MiniBatchState", "minibatch_steps", "STOP_MAX_STEPS", "STOP_NO_IMPROVEMENT", "STOP_TOL"]

STOP_MAX_STEPS = "max_steps reached"
STOP_NO_IMPROVEMENT = "batch inertia stopped improving"
STOP_TOL = "centres moved less than tol"


@dataclass(frozen=True, eq=False)
class MiniBatchState:
    """Mini-batch k-means after one step. Arrays are read-only.

    Attributes
    ----------
    step : int
        Batches processed so far (0 for the initial state).
    centers : ndarray of shape (n_clusters, n_features)
    counts : ndarray of shape (n_clusters,), float64
        Total weight each centre has absorbed (``v_j``); its learning rate is ``1 / v_j``.
    batch : ndarray of shape (batch_size,), int64, or None
        Rows of X in this step's batch (None for the initial state).
    batch_labels : ndarray of shape (batch_size,), int32, or None
        Nearest centre of each batch row *before* this step's update.
    batch_inertia : float or None
        Weighted mean squared distance of the batch to its centres before the update.
    ewa_inertia : float or None
        Exponentially weighted average of ``batch_inertia`` (the stopping criterion's signal).
    center_shift : ndarray of shape (n_clusters,) or None
        How far (Euclidean) each centre moved in this step.
    stop_reason : str or None
        Set on the final state only.
    labels : ndarray of shape (n_samples,), int32, or None
        With ``label_all``: every row's nearest centre after this step; otherwise None.
    inertia : float or None
        With ``label_all``: the full-data inertia (weighted sum of squared distances to the
        nearest centre) after this step; otherwise None.

    Besides these, a state has the shared protocol's ``phase`` ("init", then "update" for every
    batch: drawn, assigned and applied in one step), ``iteration`` (= ``step``), ``objective``
    (= ``inertia``) and ``responsibilities`` (None: the assignment is hard).
    """

    algorithm: ClassVar[str] = "minibatch"
    objective_name: ClassVar[str] = "inertia"
    objective_increases: ClassVar[bool] = False
    responsibilities: ClassVar[None] = None

    step: int
    centers: np.ndarray
    counts: np.ndarray
    batch: np.ndarray | None = None
    batch_labels: np.ndarray | None = None
    batch_inertia: float | None = None
    ewa_inertia: float | None = None
    center_shift: np.ndarray | None = None
    stop_reason: str | None = None
    labels: np.ndarray | None = None
    inertia: float | None = None

    @property
    def phase(self) -> str:
        return "init" if self.step == 0 else "update"

    @property
    def iteration(self) -> int:
        return self.step

    @property
    def objective(self) -> float | None:
        return self.inertia

    @property
    def is_final(self) -> bool:
        return self.stop_reason is not None

    @property
    def converged(self) -> bool:
        return self.stop_reason in (STOP_NO_IMPROVEMENT, STOP_TOL)


def minibatch_steps(
    X,
    n_clusters: int,
    *,
    batch_size: int = 1024,
    max_steps: int = 1000,
    init="k-means++",
    init_size: int | None = None,
    sample_weight=None,
    tol: float = 0.0,
    max_no_improvement: int | None = 10,
    random_state=None,
    label_all: bool = False,
) -> Iterator[MiniBatchState]:
    """Run mini-batch k-means and yield a :class:`MiniBatchState` after the init and every step.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        An integer ndarray (such as uint8 pixels) is used without a float copy.
    n_clusters : int
    batch_size : int
        Rows per step, drawn uniformly with replacement (weights act in the update). More rows
        than X has are taken as n_samples, as scikit-learn does.
    max_steps : int
        Upper bound on the number of batches.
    init : {"k-means++", "random"} or array-like of shape (n_clusters, n_features)
        Seeding runs on a random subset of ``init_size`` rows.
    init_size : int, optional
        Rows the seeding sees; default ``max(3 * batch_size, 3 * n_clusters)``, at most n_samples.
    sample_weight : array-like of shape (n_samples,), optional
    tol : float
        Stop when the total squared centre shift of a step is at most
        ``tol * mean(var(X, axis=0))``; 0 disables this test.
    max_no_improvement : int or None
        Stop after this many steps without a new minimum of the smoothed batch inertia;
        None disables this test.
    random_state : None, int or RandomState
    label_all : bool
        Also label every row and compute the full-data inertia after each step (a pass over X
        per step), for a viewer that colours all points or charts the true objective.

    Yields
    ------
    MiniBatchState
        The last one has ``stop_reason`` set.
    """
    X = _check_minibatch_data(X)
    n = X.shape[0]
    n_clusters = v.check_n_clusters(n_clusters, n)
    weights = v.check_sample_weight(sample_weight, n)
    if isinstance(init, str) and init in INITS and not INITS[init].minibatch:
        offered = " or ".join(repr(name) for name in init_names(lambda method: method.minibatch))
        raise ValueError(f"init={init!r} is not offered for mini-batch k-means: use {offered}.")
    # Before check_params, which knows max_steps only as the full algorithm's max_iter.
    for name, value in (("batch_size", batch_size), ("max_steps", max_steps)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}={value!r} must be a positive integer.")
    given = check_params(X, n_clusters, init, max_steps, tol, "keep")
    if max_no_improvement is not None and (
        isinstance(max_no_improvement, bool) or not isinstance(max_no_improvement, (int, np.integer))
        or max_no_improvement < 1
    ):
        raise ValueError(f"max_no_improvement={max_no_improvement!r} must be a positive integer or None.")
    rng = v.check_random_state(random_state)
    batch_size = int(min(batch_size, n))
    if init_size is None:
        init_size = max(3 * batch_size, 3 * n_clusters)
    init_size = int(min(max(init_size, n_clusters), n))
    abs_tol = tolerance(X, tol) if tol > 0 else 0.0  # a full pass over X, so only when asked
    yield from _minibatch_steps(
        X, weights, n_clusters, init, given, init_size, batch_size, max_steps, abs_tol,
        max_no_improvement, rng, bool(label_all),
    )


def _check_minibatch_data(X) -> np.ndarray:
    """Integer arrays (uint8 pixels) are kept as they are: only batches become float64, so a
    12-megapixel image costs no float copy. Everything else goes through the usual checks."""
    if isinstance(X, np.ndarray) and X.dtype.kind in "ui" and X.ndim == 2 and X.size > 0:
        return np.ascontiguousarray(X)
    return v.check_data(X)


def _initial_centers(X, weights, n_clusters, init, given, init_size, rng) -> np.ndarray:
    if given is not None:
        return given.copy()
    # With replacement, as scikit-learn does: RandomState.choice(replace=False) permutes all n
    # rows first, which alone costs ~1.7 s for a 12-megapixel image.
    rows = rng.randint(0, X.shape[0], size=init_size) if init_size < X.shape[0] else None
    Xi = (X if rows is None else X[rows]).astype(np.float64, copy=False)
    wi = weights if rows is None else weights[rows]
    if wi.sum() <= 0:  # the subset drew only zero-weight rows: seed from everything instead
        Xi, wi = X, weights
    return initial_centers(Xi, n_clusters, init, None, wi, rng)


def _label_all(X, weights, centers, label_all):
    """(labels, inertia) of every row for these centres when asked, else (None, None)."""
    if not label_all:
        return None, None
    labels, sq = nearest_center(X, centers)  # chunks are made float64 one at a time: no copy of uint8 X
    return _frozen(labels), float(sq @ weights)


def _minibatch_steps(X, weights, n_clusters, init, given, init_size, batch_size, max_steps, tol,
                     max_no_improvement, rng, label_all=False) -> Iterator[MiniBatchState]:
    """The generator behind :func:`minibatch_steps`, for validated input and an absolute tol."""
    n = X.shape[0]
    dtype = X.dtype if X.dtype.kind == "f" else np.dtype(np.float64)
    centers = _initial_centers(X, weights, n_clusters, init, given, init_size, rng)
    counts = np.zeros(n_clusters)
    all_labels, inertia = _label_all(X, weights, centers, label_all)
    yield MiniBatchState(0, _frozen(centers.astype(dtype)), _frozen(counts.copy()), labels=all_labels,
                         inertia=inertia)

    ewa = None
    best_ewa = np.inf
    since_best = 0
    # sklearn's smoothing: an average over roughly the last n / batch_size batches (one epoch).
    alpha = min(1.0, 2.0 * batch_size / (n + 1))
    reason = None
    for step in range(1, max_steps + 1):
        batch = rng.randint(0, n, size=batch_size)
        Xb = X[batch].astype(np.float64)
        wb = weights[batch]
        labels, sq = nearest_center(Xb, centers)
        w_total = wb.sum()
        batch_inertia = float(sq @ wb / w_total) if w_total > 0 else 0.0

        w_per = np.bincount(labels, weights=wb, minlength=n_clusters)
        sums = np.zeros_like(centers)
        for d in range(centers.shape[1]):
            sums[:, d] = np.bincount(labels, weights=wb * Xb[:, d], minlength=n_clusters)
        hit = w_per > 0
        new_counts = counts + w_per
        new_centers = centers.copy()
        new_centers[hit] = (counts[hit, None] * centers[hit] + sums[hit]) / new_counts[hit, None]
        shift = np.sqrt(np.sum((new_centers - centers) ** 2, axis=1))
        centers, counts = new_centers, new_counts

        ewa = batch_inertia if ewa is None else ewa * (1 - alpha) + batch_inertia * alpha
        if ewa < best_ewa:
            best_ewa, since_best = ewa, 0
        else:
            since_best += 1
        if tol > 0 and float(np.sum(shift**2)) <= tol:
            reason = STOP_TOL
        elif max_no_improvement is not None and since_best >= max_no_improvement:
            reason = STOP_NO_IMPROVEMENT
        elif step == max_steps:
            reason = STOP_MAX_STEPS
        all_labels, inertia = _label_all(X, weights, centers, label_all)
        yield MiniBatchState(
            step, _frozen(centers.astype(dtype)), _frozen(counts.copy()), _frozen(batch),
            _frozen(labels), batch_inertia, float(ewa), _frozen(shift), reason, all_labels, inertia,
        )
        if reason is not None:
            return
