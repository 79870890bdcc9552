"""Sweep k: fit k-means for each k with several seeds and score every result.

For each k the best of ``n_seeds`` runs (lowest inertia) is kept, together with all the runs'
inertias, so an elbow chart can show the spread over seeds. The best runs are scored with the
silhouette (all k at once, sharing the distance blocks: see :mod:`.metrics`), and with the
Calinski-Harabasz and Davies-Bouldin indices from scikit-learn. Pure NumPy; callbacks report
progress and let a caller on another thread stop the sweep between units of work.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from . import _validation as v
from .metrics import (
    SILHOUETTE_MAX_POINTS,
    SILHOUETTE_SAMPLE_SIZE,
    Knee,
    SweepCancelled,
    _sample_indices,
    _silhouette_core,
    find_knee,
)

__all__ = ["KFit", "SweepResult", "SweepCancelled", "sweep_k"]


@dataclass(frozen=True, eq=False)
class KFit:
    """Everything the sweep learned about one k.

    Attributes
    ----------
    k : int
    inertias : ndarray of shape (n_seeds,)
        Final inertia of the run from each seed, in the order of ``SweepResult.seeds``.
    best : int
        Index of the best run (lowest inertia).
    labels : ndarray of shape (n_samples,), int32
        The best run's labels.
    centers : ndarray of shape (k, n_features)
    silhouette : float
        Mean silhouette of the best run (NaN for k = 1 or when undefined).
    silhouette_samples : ndarray of shape (n_used,) or None
        Per-point silhouettes on ``SweepResult.silhouette_indices`` (all points when None there).
    calinski_harabasz, davies_bouldin : float
        NaN when undefined (fewer than 2 distinct labels).
    """

    k: int
    inertias: np.ndarray
    best: int
    labels: np.ndarray
    centers: np.ndarray
    silhouette: float = float("nan")
    silhouette_samples: np.ndarray | None = None
    calinski_harabasz: float = float("nan")
    davies_bouldin: float = float("nan")

    @property
    def best_inertia(self) -> float:
        return float(self.inertias[self.best])


@dataclass(frozen=True, eq=False)
class SweepResult:
    """The result of :func:`sweep_k`: per-k fits and scores, and the elbow's knee.

    Attributes
    ----------
    fits : tuple of KFit, in increasing k
    seeds : tuple of int
        The random_state of each run (the same for every k).
    n_samples : int
    silhouette_indices : ndarray or None
        Rows the silhouettes were computed on when they are a sampled estimate; None if exact.
    knee : Knee
        Knee of best inertia against k.
    notes : tuple of str
        Anything else the caller should tell the user (skipped k); whether the silhouette is
        sampled is :meth:`silhouette_note`.
    """

    fits: tuple
    seeds: tuple
    n_samples: int
    silhouette_indices: np.ndarray | None
    knee: Knee
    notes: tuple = field(default=())

    @property
    def k_values(self) -> np.ndarray:
        return np.array([f.k for f in self.fits], dtype=int)

    @property
    def best_inertia(self) -> np.ndarray:
        """Shape (n_k,)."""
        return np.array([f.best_inertia for f in self.fits])

    @property
    def inertias(self) -> np.ndarray:
        """Shape (n_k, n_seeds): every run's inertia."""
        return np.array([f.inertias for f in self.fits])

    @property
    def silhouette(self) -> np.ndarray:
        return np.array([f.silhouette for f in self.fits])

    @property
    def calinski_harabasz(self) -> np.ndarray:
        return np.array([f.calinski_harabasz for f in self.fits])

    @property
    def davies_bouldin(self) -> np.ndarray:
        return np.array([f.davies_bouldin for f in self.fits])

    @property
    def silhouette_sampled(self) -> bool:
        return self.silhouette_indices is not None

    @property
    def silhouette_n_used(self) -> int:
        return self.n_samples if self.silhouette_indices is None else int(self.silhouette_indices.shape[0])

    def fit_for(self, k: int) -> KFit | None:
        for f in self.fits:
            if f.k == k:
                return f
        return None

    def best_k(self, metric: str) -> int | None:
        """k with the best score: "silhouette" and "calinski_harabasz" highest, "davies_bouldin" lowest."""
        values = getattr(self, metric)
        if metric not in ("silhouette", "calinski_harabasz", "davies_bouldin"):
            raise ValueError(f"unknown metric {metric!r}")
        if not np.isfinite(values).any():
            return None
        pick = np.nanargmin if metric == "davies_bouldin" else np.nanargmax
        return int(self.k_values[pick(values)])

    def silhouette_note(self) -> str:
        if not np.isfinite(self.silhouette).any():
            return "no silhouette: it needs at least 2 clusters of distinct points"
        if self.silhouette_sampled:
            return (f"silhouette estimated on a random sample of {self.silhouette_n_used:,} "
                    f"of {self.n_samples:,} points")
        return f"silhouette exact on all {self.n_samples:,} points"


def _check_k_values(k_values) -> list[int]:
    ks = list(k_values)
    if not ks:
        raise ValueError("k_values is empty: pass the numbers of clusters to try, e.g. range(1, 11).")
    for k in ks:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError(f"k_values must be integers >= 1, got {k!r}.")
    return sorted(set(int(k) for k in ks))


def sweep_k(X, k_values=range(1, 11), n_seeds: int = 3, random_state=0, *, init="k-means++",
            max_iter: int = 300, tol: float = 1e-4, silhouette_max_points: int = SILHOUETTE_MAX_POINTS,
            silhouette_sample_size: int = SILHOUETTE_SAMPLE_SIZE, progress=None, should_stop=None,
            on_fit=None) -> SweepResult:
    """Fit k-means for every k with ``n_seeds`` seeds, keep the best run, and score it.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k_values : iterable of int
        Values of k >= 1. Those above the number of distinct points are skipped (and noted).
    n_seeds : int
        Runs per k, each ``KMeans(k, n_init=1, random_state=seed)``.
    random_state : None or int
        Draws the seeds.
    init, max_iter, tol
        Passed to :class:`~kmeans_gui.engine.KMeans`.
    silhouette_max_points, silhouette_sample_size : int
        Above ``silhouette_max_points`` points the silhouettes are estimated on one random sample
        of ``silhouette_sample_size`` points (the same sample for every k).
    progress : callable(fraction: float, message: str), optional
    should_stop : callable() -> bool, optional
        Polled between fits and between silhouette blocks; True raises :class:`SweepCancelled`.
    on_fit : callable(KFit), optional
        Called as soon as each k's fits are done (silhouette not yet filled in).

    Returns
    -------
    SweepResult
    """
    # Deferred: the estimator subclasses scikit-learn's BaseEstimator, an import of about a second
    # that opening the window should not pay for a tab nobody has used yet.
    from .estimator import KMeans

    X = v.check_data(X)
    n = X.shape[0]
    ks = _check_k_values(k_values)
    if isinstance(n_seeds, bool) or not isinstance(n_seeds, numbers.Integral) or n_seeds < 1:
        raise ValueError(f"n_seeds={n_seeds!r} must be a positive integer.")
    seeds = tuple(int(s) for s in v.check_random_state(random_state).randint(0, 2**31 - 1, size=n_seeds))
    notes = []
    n_distinct = np.unique(X, axis=0).shape[0] if n <= 200_000 else n
    if ks[-1] > n_distinct:
        dropped = [k for k in ks if k > n_distinct]
        ks = [k for k in ks if k <= n_distinct]
        which = f"k = {dropped[0]}" if len(dropped) == 1 else f"k = {dropped[0]}..{dropped[-1]}"
        points = "1 distinct point" if n_distinct == 1 else f"{n_distinct} distinct points"
        notes.append(f"{which} skipped: the data have only {points}")
        if not ks:
            raise ValueError(f"every k asked for exceeds the {n_distinct} distinct points in the data.")

    def stop_check():
        if should_stop is not None and should_stop():
            raise SweepCancelled()

    def report(fraction, message):
        if progress is not None:
            progress(min(1.0, fraction), message)

    # Rough cost model for an even progress bar: a fit costs ~ n k, the silhouette ~ n_used^2.
    n_used = n if n <= silhouette_max_points else min(silhouette_sample_size, n)
    fit_cost = np.array([n * (k + 2) * 20 for k in ks], dtype=float) * n_seeds
    sil_cost = float(n_used) ** 2 * (1.0 + sum(k for k in ks if k >= 2) / 20.0) if ks[-1] >= 2 else 0.0
    total = fit_cost.sum() + sil_cost
    done = 0.0

    fits = []
    for i, k in enumerate(ks):
        runs = []
        for j, seed in enumerate(seeds):
            stop_check()
            report(done / total, f"k = {k}: seed {j + 1} of {n_seeds}")
            runs.append(KMeans(n_clusters=k, init=init, n_init=1, max_iter=max_iter, tol=tol,
                               random_state=seed).fit(X))
            done += fit_cost[i] / n_seeds
        inertias = np.array([r.inertia_ for r in runs])
        best = int(np.argmin(inertias))
        fit = KFit(k=k, inertias=inertias, best=best, labels=runs[best].labels_,
                   centers=runs[best].cluster_centers_)
        fits.append(fit)
        if on_fit is not None:
            on_fit(fit)

    idx = None
    if n > silhouette_max_points:
        idx = np.sort(_sample_indices(n, min(silhouette_sample_size, n), random_state))
    Xs = X if idx is None else X[idx]
    scored, encoded = [], []
    for pos, fit in enumerate(fits):
        lab = fit.labels if idx is None else fit.labels[idx]
        uniq, codes = np.unique(lab, return_inverse=True)
        if 2 <= uniq.shape[0] <= Xs.shape[0] - 1:
            scored.append(pos)
            encoded.append((codes.astype(np.intp).reshape(-1), int(uniq.shape[0])))
    sil = []
    if encoded:
        base = done
        sil = _silhouette_core(
            Xs, encoded,
            progress=lambda f, msg: report((base + f * sil_cost) / total, msg),
            should_stop=should_stop,
        )
    sil_by_pos = dict(zip(scored, sil))

    final = []
    for pos, fit in enumerate(fits):
        stop_check()
        s = sil_by_pos.get(pos)
        ch = db = float("nan")
        if 2 <= np.unique(fit.labels).shape[0] <= n - 1:  # where scikit-learn defines them
            from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score  # slow import

            ch = float(calinski_harabasz_score(X, fit.labels))
            db = float(davies_bouldin_score(X, fit.labels))
        final.append(KFit(
            k=fit.k, inertias=fit.inertias, best=fit.best, labels=fit.labels, centers=fit.centers,
            silhouette=float(s.mean()) if s is not None else float("nan"), silhouette_samples=s,
            calinski_harabasz=ch, davies_bouldin=db,
        ))
    report(1.0, "done")
    knee = find_knee([f.k for f in final], [f.best_inertia for f in final])
    return SweepResult(fits=tuple(final), seeds=seeds, n_samples=n, silhouette_indices=idx,
                       knee=knee, notes=tuple(notes))
