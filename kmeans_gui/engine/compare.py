"""Mini-batch against Lloyd: full-data inertia against time and against points processed.

The tutorial's exercise ("compare convergence speed against accuracy") as data a chart can plot:
Lloyd and mini-batch k-means with several batch sizes run from the same initial centres on the
same data; at checkpoints along each run the centres are kept, and only after the run is each
checkpoint's inertia on the whole data computed, so the time measured is the algorithm's alone.
Pure NumPy, no Qt; progress and cancel follow :mod:`.progress`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from . import _validation as v
from ._frozen import frozen
from ._seeding import initial_centers
from .distances import nearest_center
from .minibatch import minibatch_steps
from .progress import Progress, ProgressCallback, ShouldStop
from .steps import check_params, kmeans_steps

__all__ = ["ConvergenceCurve", "minibatch_vs_lloyd"]

DEFAULT_BATCH_SIZES = (50, 256, 1024)


@dataclass(frozen=True, eq=False)
class ConvergenceCurve:
    """One run's checkpoints. Arrays are read-only and of equal length, in run order.

    Attributes
    ----------
    label : str
        "Lloyd" or "mini-batch 256".
    batch_size : int or None
        None for Lloyd.
    points_processed : ndarray of shape (n_checkpoints,), int64
        Rows the algorithm had looked at (n per Lloyd iteration, the batch size per step).
    seconds : ndarray of shape (n_checkpoints,), float64
        Time spent in the algorithm up to the checkpoint (the inertia evaluation excluded).
    inertia : ndarray of shape (n_checkpoints,), float64
        Full-data inertia (sum of squared distances to the nearest centre) at the checkpoint.
    centers : ndarray of shape (n_clusters, n_features)
        The centres at the last checkpoint.
    """

    label: str
    batch_size: int | None
    points_processed: np.ndarray
    seconds: np.ndarray
    inertia: np.ndarray
    centers: np.ndarray

    @property
    def final_inertia(self) -> float:
        return float(self.inertia[-1])


def minibatch_vs_lloyd(
    X,
    n_clusters: int,
    *,
    batch_sizes=DEFAULT_BATCH_SIZES,
    max_epochs: float = 5.0,
    init="k-means++",
    random_state=None,
    n_checkpoints: int = 40,
    progress: ProgressCallback | None = None,
    should_stop: ShouldStop | None = None,
) -> list[ConvergenceCurve]:
    """Run Lloyd and mini-batch k-means from the same start and record how inertia falls.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_clusters : int
    batch_sizes : sequence of int
        One mini-batch run per size (sizes above n_samples act as n_samples).
    max_epochs : float
        Each mini-batch run processes at most ``max_epochs * n_samples`` points; it does not
        stop early, so the curves show where it levels off. Lloyd runs to convergence
        (``tol=1e-4``, at most 300 iterations).
    init : {"k-means++", "random", "farthest"} or array-like of shape (n_clusters, n_features)
        The start every run shares.
    random_state : None, int or RandomState
        Draws the start and the batches.
    n_checkpoints : int
        About how many checkpoints per mini-batch run, spread geometrically over its steps
        (Lloyd's checkpoints are its iterations).
    progress : callable(fraction, message), optional
    should_stop : callable() -> bool, optional
        Polled between steps; True raises :class:`~kmeans_gui.engine.progress.Cancelled`.

    Returns
    -------
    list of ConvergenceCurve
        Lloyd first, then one per batch size, in the order given.
    """
    X = v.check_data(X)
    n = X.shape[0]
    n_clusters = v.check_n_clusters(n_clusters, n)
    given = check_params(X, n_clusters, init, 300, 1e-4, "keep")
    sizes = [_check_positive_int(b, "batch size") for b in batch_sizes]
    if not np.isfinite(max_epochs) or max_epochs <= 0:
        raise ValueError(f"max_epochs={max_epochs!r} must be a positive number.")
    n_checkpoints = _check_positive_int(n_checkpoints, "n_checkpoints")
    rng = v.check_random_state(random_state)
    start = initial_centers(X, n_clusters, init, given, np.ones(n), rng)

    runs = Progress(progress, should_stop, total=1 + len(sizes))
    lloyd = runs.part(1)
    lloyd.report(0.0, "Lloyd")
    curves = [_evaluate(X, "Lloyd", None, *_lloyd_checkpoints(X, start, lambda f: lloyd.report(f, "Lloyd")))]
    for size in sizes:
        label = f"mini-batch {size}"
        run = runs.part(1)
        steps = int(np.ceil(max_epochs * n / min(size, n)))
        checkpoints = _minibatch_checkpoints(
            X, start, size, steps, n_checkpoints, int(rng.randint(2**31 - 1)),
            lambda f, run=run, label=label: run.report(f, label),
        )
        curves.append(_evaluate(X, label, size, *checkpoints))
    runs.report(1.0, "done")
    return curves


def _check_positive_int(value, name) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}={value!r} must be a positive integer.")
    return int(value)


def _lloyd_checkpoints(X, start, report):
    n = X.shape[0]
    points, seconds, centers = [0], [0.0], [start]
    elapsed = 0.0
    steps = kmeans_steps(X, start.shape[0], init=start, max_iter=300, tol=1e-4)
    while True:
        t0 = time.perf_counter()
        state = next(steps, None)
        elapsed += time.perf_counter() - t0
        if state is None:
            break
        if state.phase == "update":
            points.append(state.iteration * n)
            seconds.append(elapsed)
            centers.append(state.centers)
            report(min(0.95, state.iteration / 50))
    return points, seconds, centers


def _minibatch_checkpoints(X, start, batch_size, n_steps, n_checkpoints, seed, report):
    batch_size = min(batch_size, X.shape[0])
    marks = set(np.unique(np.geomspace(1, n_steps, n_checkpoints).round().astype(np.int64)).tolist())
    marks.add(n_steps)
    points, seconds, centers = [0], [0.0], [start]
    elapsed = 0.0
    steps = minibatch_steps(
        X, start.shape[0], batch_size=batch_size, max_steps=n_steps, init=start, max_no_improvement=None,
        random_state=seed,
    )
    every = max(1, n_steps // 100)
    while True:
        t0 = time.perf_counter()
        state = next(steps, None)
        elapsed += time.perf_counter() - t0
        if state is None:
            break
        if state.step in marks:
            points.append(state.step * batch_size)
            seconds.append(elapsed)
            centers.append(state.centers)
        if state.step % every == 0:
            report(state.step / n_steps)
    return points, seconds, centers


def _evaluate(X, label, batch_size, points, seconds, centers) -> ConvergenceCurve:
    inertia = np.array([float(nearest_center(X, np.asarray(c, dtype=np.float64))[1].sum()) for c in centers])
    arrays = [np.asarray(points, dtype=np.int64), np.asarray(seconds, dtype=np.float64), inertia]
    return ConvergenceCurve(label, batch_size, *map(frozen, arrays), frozen(np.array(centers[-1])))
