"""Sweep k: fit k-means for each k with several seeds and score every result.

For each k the best of ``n_seeds`` runs (lowest inertia) is kept, together with all the runs'
inertias, so an elbow chart can show the spread over seeds. Every run is scored with the
silhouette (all k at once, sharing the distance blocks: see :mod:`.metrics`), and with the
Calinski-Harabasz and Davies-Bouldin indices from scikit-learn, so each score has a mean and a
spread over the seeds; runs that found the same partition are scored once. Optionally the gap
statistic (:mod:`.gap`), the tutorial's elbow curve (one "tutorial-random" run per k) and, for
a Gaussian mixture, its BIC per seed (EM from the same k-means++ seeds) come too. Pure NumPy; callbacks report progress and let a caller on another thread stop the sweep
between units of work.
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, field, replace

import numpy as np

from . import _validation as v
from .agreement import explain_disagreement
from .gap import GAP_REFERENCES, GapResult, gap_statistic
from .gmm import COVARIANCE_TYPES, fit_bic
from .metrics import (
    SILHOUETTE_MAX_POINTS,
    SILHOUETTE_SAMPLE_SIZE,
    Knee,
    _sample_indices,
    _silhouette_core,
    find_knee,
)
from .progress import Progress
from .steps import kmeans_steps, run_to_end

__all__ = ["KFit", "SweepResult", "sweep_k", "tutorial_elbow", "SCORES", "CRITERIA"]

#: Scores every run gets, each with a mean and a spread over the seeds.
SCORES = ("inertia", "silhouette", "calinski_harabasz", "davies_bouldin", "bic")
#: What can choose k: the elbow (knee of the best inertia), the three indices (best mean), the gap,
#: and the Gaussian mixture's BIC (lowest mean) when the sweep fits one.
CRITERIA = ("elbow", "silhouette", "calinski_harabasz", "davies_bouldin", "gap", "bic")
#: The tutorial's own iteration cap (its ``max_iters=100``), for its elbow curve.
TUTORIAL_MAX_ITER = 100


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
        Of the best run; NaN when undefined (fewer than 2 distinct labels).
    seed_scores : dict of str to ndarray of shape (n_seeds,)
        "silhouette", "calinski_harabasz" and "davies_bouldin" of every seed's run (NaN where
        undefined), in the order of ``SweepResult.seeds``; and "bic", the BIC of a Gaussian mixture
        fitted from each seed, when the sweep was asked for it.
    fit_seconds : ndarray of shape (n_seeds,) or None
        Wall time of each seed's fit.
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
    seed_scores: dict = field(default_factory=dict)
    fit_seconds: np.ndarray | None = None

    @property
    def best_inertia(self) -> float:
        return float(self.inertias[self.best])

    def per_seed(self, score: str) -> np.ndarray:
        """Shape (n_seeds,): one of :data:`SCORES` for every seed's run."""
        if score == "inertia":
            return self.inertias
        if score not in SCORES:
            raise ValueError(f"unknown score {score!r}; choose one of {SCORES}")
        return self.seed_scores.get(score, np.full(self.inertias.shape, np.nan))


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
    gap : GapResult or None
        The gap statistic, when asked for (``gap_refs > 0``).
    tutorial_curve : ndarray of shape (n_k,) or None
        The tutorial's elbow: inertia of one "tutorial-random" run per k from ``tutorial_seed``.
    tutorial_seed : int or None
    gmm_covariance : str or None
        The covariance type of the Gaussian mixtures whose BIC was computed; None when none was.
    disagreement : str or None
        When the criteria choose different k, why, in words
        (:func:`~kmeans_gui.engine.agreement.explain_disagreement`); None when they agree. Worked
        out with the sweep, so a GUI running the sweep on a worker only displays it.
    """

    fits: tuple
    seeds: tuple
    n_samples: int
    silhouette_indices: np.ndarray | None
    knee: Knee
    notes: tuple = field(default=())
    gap: GapResult | None = None
    tutorial_curve: np.ndarray | None = None
    tutorial_seed: int | None = None
    gmm_covariance: str | None = None
    disagreement: str | None = None

    @property
    def has_bic(self) -> bool:
        return self.gmm_covariance is not None

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

    def per_seed(self, score: str) -> np.ndarray:
        """Shape (n_k, n_seeds): one of :data:`SCORES` for every run."""
        return np.array([f.per_seed(score) for f in self.fits])

    def mean(self, score: str) -> np.ndarray:
        """Shape (n_k,): the score's mean over the seeds (NaN where undefined for every seed)."""
        values = self.per_seed(score)
        with np.errstate(invalid="ignore"):
            return np.array([np.mean(row[np.isfinite(row)]) if np.isfinite(row).any() else np.nan
                             for row in values])

    def spread(self, score: str) -> np.ndarray:
        """Shape (n_k,): the score's standard deviation over the seeds (ddof=1; 0 for one seed)."""
        out = []
        for row in self.per_seed(score):
            row = row[np.isfinite(row)]
            out.append(np.nan if row.size == 0 else 0.0 if row.size == 1 else float(np.std(row, ddof=1)))
        return np.array(out)

    def chosen_k(self, criterion: str) -> tuple[int | None, str]:
        """The k a criterion of :data:`CRITERIA` chooses, and why (or why none), in words.

        "elbow" is the knee of the best inertia per k; "silhouette" and "calinski_harabasz" the
        highest mean over the seeds, "davies_bouldin" and "bic" the lowest; "gap" Tibshirani's rule.
        """
        if criterion == "elbow":
            return (None if self.knee.x is None else int(self.knee.x)), self.knee.message
        if criterion == "gap":
            if self.gap is None:
                return None, "not computed (ask for it with gap_refs > 0)"
            return self.gap.chosen_k, self.gap.reason
        if criterion == "bic" and not self.has_bic:
            return None, "not computed (the sweep fits a Gaussian mixture only when asked: gmm_covariance)"
        if criterion not in ("silhouette", "calinski_harabasz", "davies_bouldin", "bic"):
            raise ValueError(f"unknown criterion {criterion!r}; choose one of {CRITERIA}")
        means = self.mean(criterion)
        if not np.isfinite(means).any():
            return None, "undefined for every k tried: it needs at least 2 clusters of distinct points"
        lowest = criterion in ("davies_bouldin", "bic")
        k = int(self.k_values[(np.nanargmin if lowest else np.nanargmax)(means)])
        return k, f"{'lowest' if lowest else 'highest'} mean over the seeds at k = {k}"

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
            silhouette_sample_size: int = SILHOUETTE_SAMPLE_SIZE, gap_refs: int = 0,
            gap_reference: str = "box", tutorial_seed: int | None = None, gmm_covariance: str | None = None,
            progress=None, should_stop=None, on_fit=None) -> SweepResult:
    """Fit k-means for every k with ``n_seeds`` seeds, keep the best run, and score every run.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k_values : iterable of int
        Values of k >= 1. Those above the number of distinct points are skipped (and noted).
    n_seeds : int
        Runs per k, each ``KMeans(k, init=init, n_init=1, random_state=seed)``.
    random_state : None or int
        Draws the seeds.
    init, max_iter, tol
        Passed to :class:`~kmeans_gui.engine.KMeans` (and to the gap statistic's fits); any init
        name the estimator accepts, the tutorial's included.
    silhouette_max_points, silhouette_sample_size : int
        Above ``silhouette_max_points`` points the silhouettes are estimated on one random sample
        of ``silhouette_sample_size`` points (the same sample for every k).
    gap_refs : int
        Reference data sets for the gap statistic (:func:`~kmeans_gui.engine.gap.gap_statistic`,
        on the best run's inertia per k); 0 skips it.
    gap_reference : {"box", "pca"}
        Where the gap statistic's reference data are drawn.
    tutorial_seed : int, optional
        Also compute the tutorial's elbow curve (:func:`tutorial_elbow`) from this seed.
    gmm_covariance : {"full", "tied", "diag", "spherical"}, optional
        Also fit a Gaussian mixture of this covariance type per k and seed
        (:func:`~kmeans_gui.engine.gmm.fit_bic`: EM from the k-means++ seeds ``gmm_steps`` draws
        for that seed, with ``max_iter`` and ``tol``) and score it by its BIC, the score
        "bic" (lowest mean chooses k).
    progress : callable(fraction: float, message: str), optional
    should_stop : callable() -> bool, optional
        Polled between fits and between silhouette blocks; True raises
        :class:`~kmeans_gui.engine.progress.Cancelled`.
    on_fit : callable(KFit), optional
        Called as soon as each k's fits are done (scores not yet filled in).

    Returns
    -------
    SweepResult
    """
    X = v.check_data(X)
    n = X.shape[0]
    ks = _check_k_values(k_values)
    if isinstance(n_seeds, bool) or not isinstance(n_seeds, numbers.Integral) or n_seeds < 1:
        raise ValueError(f"n_seeds={n_seeds!r} must be a positive integer.")
    if isinstance(gap_refs, bool) or not isinstance(gap_refs, numbers.Integral) or gap_refs < 0:
        raise ValueError(f"gap_refs={gap_refs!r} must be an integer >= 0 (0: no gap statistic).")
    if gap_reference not in GAP_REFERENCES:
        raise ValueError(f"gap_reference={gap_reference!r} must be one of {GAP_REFERENCES}.")
    if gmm_covariance is not None and gmm_covariance not in COVARIANCE_TYPES:
        raise ValueError(f"gmm_covariance={gmm_covariance!r} must be None or one of {COVARIANCE_TYPES}.")
    seeds = tuple(int(s) for s in v.check_random_state(random_state).randint(0, 2**31 - 1, size=n_seeds))
    ks, notes = _drop_k_above_distinct(X, ks)
    idx = None
    if n > silhouette_max_points:
        idx = np.sort(_sample_indices(n, min(silhouette_sample_size, n), random_state))
    progress_of = _SweepProgress(n, ks, n_seeds, idx, gap_refs, tutorial_seed is not None, progress, should_stop,
                                 gmm_covariance is not None)

    fits, partitions = [], []
    for k in ks:
        fit, runs = _fit_k(X, k, seeds, init, max_iter, tol, progress_of, gmm_covariance)
        fits.append(fit)
        if on_fit is not None:
            on_fit(fit)
        partitions.append(_distinct_partitions(X, runs, idx, progress_of))
    tutorial_curve = None
    if tutorial_seed is not None:
        progress_of.step("the tutorial's elbow curve", progress_of.tutorial_cost)
        tutorial_curve = tutorial_elbow(X, ks, tutorial_seed)
    gap = None
    if gap_refs:
        gap_steps = progress_of.part(progress_of.gap_cost)
        gap = gap_statistic(
            X, ks, n_refs=gap_refs, reference=gap_reference, random_state=random_state, init=init,
            max_iter=max_iter, tol=tol, data_inertia=[f.best_inertia for f in fits],
            progress=gap_steps.report, should_stop=gap_steps.should_stop,
        )
    final = _score(X, fits, partitions, idx, progress_of)
    knee = find_knee([f.k for f in final], [f.best_inertia for f in final])
    result = SweepResult(fits=tuple(final), seeds=seeds, n_samples=n, silhouette_indices=idx, knee=knee,
                         notes=tuple(notes), gap=gap, tutorial_curve=tutorial_curve, tutorial_seed=tutorial_seed,
                         gmm_covariance=gmm_covariance)
    progress_of.report(1.0, "done")
    return replace(result, disagreement=explain_disagreement(result, X))


def tutorial_elbow(X, k_values, seed: int = 42) -> np.ndarray:
    """The tutorial's elbow curve: for each k, the inertia of ONE "tutorial-random" run from ``seed``.

    Exactly the tutorial's ``kmeans(X, k, seed=seed)`` per k (its draws, its allclose stop, its
    100 iterations at most). Stuck runs make this curve bend in the wrong places; compare it with
    the best of several k-means++ runs per k.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k_values : iterable of int
    seed : int

    Returns
    -------
    ndarray of shape (n_k,)
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", v.FewDistinctPointsWarning)
        return np.array([
            run_to_end(kmeans_steps(X, int(k), init="tutorial-random", random_state=seed, stop="allclose",
                                    max_iter=TUTORIAL_MAX_ITER)).inertia
            for k in k_values
        ])


def _drop_k_above_distinct(X, ks):
    """(the k that fit the distinct points, notes saying which were dropped)."""
    n = X.shape[0]
    n_distinct = np.unique(X, axis=0).shape[0] if n <= 200_000 else n
    if ks[-1] <= n_distinct:
        return ks, []
    dropped = [k for k in ks if k > n_distinct]
    ks = [k for k in ks if k <= n_distinct]
    which = f"k = {dropped[0]}" if len(dropped) == 1 else f"k = {dropped[0]}..{dropped[-1]}"
    points = "1 distinct point" if n_distinct == 1 else f"{n_distinct} distinct points"
    if not ks:
        raise ValueError(f"every k asked for exceeds the {n_distinct} distinct points in the data.")
    return ks, [f"{which} skipped: the data have only {points}"]


class _SweepProgress(Progress):
    """Progress counted in a rough cost model, so that the bar moves evenly."""

    def __init__(self, n, ks, n_seeds, idx, gap_refs, tutorial, progress, should_stop, gmm=False):
        # A fit costs ~ n k (a mixture's EM about as much again); the silhouette ~ n_used^2 per labelling group.
        n_used = n if idx is None else idx.shape[0]
        self.fit_cost = np.array([n * (k + 2) * 20 for k in ks], dtype=float) * n_seeds
        self.gap_cost = self.fit_cost.sum() / n_seeds * gap_refs
        self.tutorial_cost = self.fit_cost.sum() / n_seeds if tutorial else 0.0
        self.fit_cost *= 2 if gmm else 1
        self.sil_cost = float(n_used) ** 2 * (1.0 + sum(k for k in ks if k >= 2) / 20.0) if ks[-1] >= 2 else 0.0
        super().__init__(progress, should_stop,
                         self.fit_cost.sum() + self.gap_cost + self.tutorial_cost + self.sil_cost)


def _fit_k(X, k, seeds, init, max_iter, tol, progress_of, gmm_covariance=None):
    """Every seed's fit for one k: (KFit without scores but the BIC, the fitted estimators)."""
    # Deferred: the estimator subclasses scikit-learn's BaseEstimator, an import of about a second
    # that opening the window should not pay for a tab nobody has used yet.
    from .estimator import KMeans

    runs, seconds = [], []
    for j, seed in enumerate(seeds):
        progress_of.step(f"k = {k}: seed {j + 1} of {len(seeds)}", X.shape[0] * (k + 2) * 20)
        start = time.perf_counter()
        runs.append(KMeans(n_clusters=k, init=init, n_init=1, max_iter=max_iter, tol=tol,
                           random_state=seed).fit(X))
        seconds.append(time.perf_counter() - start)
    seed_scores = {}
    if gmm_covariance is not None:
        bics = []
        for j, seed in enumerate(seeds):
            progress_of.step(f"k = {k}: Gaussian mixture, seed {j + 1} of {len(seeds)}", X.shape[0] * (k + 2) * 20)
            bics.append(fit_bic(X, k, covariance_type=gmm_covariance, max_iter=max_iter, tol=tol, random_state=seed))
        seed_scores["bic"] = np.array(bics)
    inertias = np.array([r.inertia_ for r in runs])
    best = int(np.argmin(inertias))
    return KFit(k=k, inertias=inertias, best=best, labels=runs[best].labels_, centers=runs[best].cluster_centers_,
                seed_scores=seed_scores, fit_seconds=np.array(seconds)), runs


def _canonical(labels: np.ndarray) -> bytes:
    """The partition, independent of how its clusters are numbered (numbered by first appearance)."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse].astype(np.int32).tobytes()


@dataclass(eq=False)
class _Partition:
    """One distinct partition among a k's runs: its scores, and the labels the silhouette needs."""

    seed_ids: list
    labels: np.ndarray  # on the silhouette's rows only (all rows when the silhouette is exact)
    calinski_harabasz: float = float("nan")
    davies_bouldin: float = float("nan")


def _distinct_partitions(X, runs, idx, progress_of) -> list:
    """The distinct partitions among ``runs``, each with its Calinski-Harabasz and Davies-Bouldin.

    Scored here, right after the fits, so only the silhouette's rows of each labelling are kept.
    """
    n = X.shape[0]
    groups: dict[bytes, _Partition] = {}
    for j, r in enumerate(runs):
        key = _canonical(r.labels_)
        if key in groups:
            groups[key].seed_ids.append(j)
            continue
        part = _Partition([j], r.labels_ if idx is None else r.labels_[idx])
        if 2 <= np.unique(r.labels_).shape[0] <= n - 1:  # where scikit-learn defines them
            from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score  # slow import

            progress_of.check()
            part.calinski_harabasz = float(calinski_harabasz_score(X, r.labels_))
            part.davies_bouldin = float(davies_bouldin_score(X, r.labels_))
        groups[key] = part
    return list(groups.values())


def _score(X, fits, partitions, idx, progress_of):
    """The silhouette of every distinct partition of every k (sharing distance blocks); the KFits."""
    Xs = X if idx is None else X[idx]
    encoded, where = [], []
    for pos, parts in enumerate(partitions):
        for part_no, part in enumerate(parts):
            uniq, codes = np.unique(part.labels, return_inverse=True)
            if 2 <= uniq.shape[0] <= Xs.shape[0] - 1:
                encoded.append((codes.astype(np.intp).reshape(-1), int(uniq.shape[0])))
                where.append((pos, part_no))
    samples = {}
    if encoded:
        sil = _silhouette_core(Xs, encoded, progress_of.part(progress_of.sil_cost))
        samples = dict(zip(where, sil))
    final = []
    for pos, (fit, parts) in enumerate(zip(fits, partitions)):
        n_seeds = fit.inertias.shape[0]
        scores = {**fit.seed_scores,
                  **{name: np.full(n_seeds, np.nan) for name in ("silhouette", "calinski_harabasz", "davies_bouldin")}}
        best_samples = None
        for part_no, part in enumerate(parts):
            s = samples.get((pos, part_no))
            scores["silhouette"][part.seed_ids] = float(s.mean()) if s is not None else np.nan
            scores["calinski_harabasz"][part.seed_ids] = part.calinski_harabasz
            scores["davies_bouldin"][part.seed_ids] = part.davies_bouldin
            if fit.best in part.seed_ids:
                best_samples = s
        b = fit.best
        final.append(KFit(
            k=fit.k, inertias=fit.inertias, best=b, labels=fit.labels, centers=fit.centers,
            silhouette=float(scores["silhouette"][b]), silhouette_samples=best_samples,
            calinski_harabasz=float(scores["calinski_harabasz"][b]),
            davies_bouldin=float(scores["davies_bouldin"][b]), seed_scores=scores, fit_seconds=fit.fit_seconds,
        ))
    return final
