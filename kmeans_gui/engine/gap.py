"""The gap statistic (Tibshirani, Walther and Hastie, 2001): how many clusters, against no structure.

For each k, ``W_k`` is the within-cluster sum of squares of the data clustered into k (k-means
inertia). The same is measured on ``B`` reference data sets of the same size drawn uniformly,
with no clusters, over the data's bounding box (or, as an option, over the box of its principal
components, which follows the data's shape). Then

    gap(k) = mean_b log W*_kb - log W_k,    sd_k = std_b log W*_kb,    s_k = sd_k sqrt(1 + 1/B),

and the estimate is the smallest k with ``gap(k) >= gap(k+1) - s_(k+1)``. Unlike the elbow, this
can answer k = 1: on one round blob, the data's ``W_k`` falls no faster than the reference's.

It imports :mod:`.steps` and :mod:`.progress` only; :mod:`.sweep` imports it.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass

import numpy as np

from . import _validation as v
from .progress import Progress
from .steps import kmeans_steps, run_to_end

__all__ = ["GapResult", "gap_statistic", "reference_data", "choose_k_by_gap", "GAP_REFERENCES"]

#: "box": uniform over the data's bounding box; "pca": over the box of its principal components.
GAP_REFERENCES = ("box", "pca")


@dataclass(frozen=True, eq=False)
class GapResult:
    """The gap statistic for each k, and the k it chooses.

    Attributes
    ----------
    k_values : ndarray of int, shape (n_k,)
    log_w : ndarray of shape (n_k,)
        log W_k of the data.
    reference_log_w : ndarray of shape (n_k, n_refs)
        log W*_kb of every reference set.
    gap : ndarray of shape (n_k,)
        NaN where W_k = 0 (as many clusters as distinct points): log W_k is undefined there.
    sd : ndarray of shape (n_k,)
        Standard deviation of the reference log W*_kb (over b, divided by B, as in the paper).
    s : ndarray of shape (n_k,)
        Its standard error, ``sd * sqrt(1 + 1/B)``.
    chosen_k : int or None
        The smallest k with ``gap(k) >= gap(k+1) - s_(k+1)``; None when no k qualifies.
    reason : str
        Why ``chosen_k`` (or why none), in words.
    reference : {"box", "pca"}
    n_refs : int
    """

    k_values: np.ndarray
    log_w: np.ndarray
    reference_log_w: np.ndarray
    gap: np.ndarray
    sd: np.ndarray
    s: np.ndarray
    chosen_k: int | None
    reason: str
    reference: str
    n_refs: int

    def for_k(self, k: int) -> tuple[float, float]:
        """(gap(k), s_k)."""
        i = int(np.flatnonzero(self.k_values == k)[0])
        return float(self.gap[i]), float(self.s[i])


class _ReferenceSampler:
    """Draws one reference set at a time (B sets at once would hold B copies of the data)."""

    def __init__(self, X: np.ndarray, reference: str):
        if reference not in GAP_REFERENCES:
            raise ValueError(f"reference={reference!r} must be one of {GAP_REFERENCES}.")
        X = X.astype(np.float64, copy=False)
        self.n = X.shape[0]
        if reference == "box":
            self.mean, self.basis, coords = None, None, X
        else:
            self.mean = X.mean(axis=0)
            _, _, self.basis = np.linalg.svd(X - self.mean, full_matrices=False)
            coords = (X - self.mean) @ self.basis.T  # principal coordinates, (n, min(n, d))
        self.lo, self.hi = coords.min(axis=0), coords.max(axis=0)

    def draw(self, rng: np.random.RandomState) -> np.ndarray:
        """One set, shape (n_samples, n_features)."""
        sample = self.lo + (self.hi - self.lo) * rng.random_sample((self.n, self.lo.shape[0]))
        return sample if self.basis is None else sample @ self.basis + self.mean


def reference_data(X, n_refs: int, reference: str = "box", random_state=None) -> np.ndarray:
    """``n_refs`` data sets of X's shape, uniform over X's bounding box or principal-component box.

    Drawn one after the other from ``random_state``, as :func:`gap_statistic` draws them.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_refs : int
    reference : {"box", "pca"}
        "pca": X is centred and rotated onto its principal axes (``X V`` from the SVD), the
        reference is drawn uniformly over that box and rotated back (Tibshirani et al., 3b).
    random_state : None, int or RandomState

    Returns
    -------
    ndarray of shape (n_refs, n_samples, n_features), float64
    """
    sampler = _ReferenceSampler(v.check_data(X), reference)
    rng = v.check_random_state(random_state)
    return np.stack([sampler.draw(rng) for _ in range(n_refs)])


def choose_k_by_gap(k_values, gap, s) -> tuple[int | None, str]:
    """The smallest k with ``gap(k) >= gap(k+1) - s_(k+1)`` (only where k+1 was computed too).

    Returns
    -------
    (k or None, the reason in words)
    """
    k_values = np.asarray(k_values, dtype=int)
    gap = np.asarray(gap, dtype=float)
    s = np.asarray(s, dtype=float)
    where = {int(k): i for i, k in enumerate(k_values)}
    checked = 0
    for i, k in enumerate(k_values):
        j = where.get(int(k) + 1)
        if j is None or not (np.isfinite(gap[i]) and np.isfinite(gap[j])):
            continue
        checked += 1
        if gap[i] >= gap[j] - s[j]:
            return int(k), f"gap at k = {k} is within one standard error of (or above) gap at k = {k + 1}"
    if checked == 0:
        return None, "the gap statistic needs two consecutive k with a defined gap"
    return None, (f"the gap still rises by more than its standard error up to k = {int(k_values[-1])}: "
                  "try a larger max k")


def _log(values: np.ndarray) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    np.log(values, out=out, where=values > 0)
    return out


def gap_statistic(X, k_values=range(1, 11), *, n_refs: int = 10, reference: str = "box", random_state=0,
                  n_seeds: int = 1, init="k-means++", max_iter: int = 300, tol: float = 1e-4,
                  data_inertia=None, progress=None, should_stop=None) -> GapResult:
    """Gap statistic of k-means on X for every k, with the k it chooses.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k_values : iterable of int
        Values of k >= 1, at most the number of points.
    n_refs : int
        B, the number of reference data sets (10 is the paper's smallest suggestion; more is steadier).
    reference : {"box", "pca"}
        Uniform over the data's bounding box, or over the box of its principal components.
    random_state : None, int or RandomState
        First draws the seed of the references' own RandomState (they are drawn one after the
        other from it, as :func:`reference_data` does), then the clustering seeds.
    n_seeds : int
        Runs per k on the data; the lowest W_k is kept. Each reference set is clustered once per k.
    init, max_iter, tol
        Passed to :func:`~kmeans_gui.engine.kmeans_steps` for every fit.
    data_inertia : array-like of shape (n_k,), optional
        W_k of the data for each k, already computed (by a sweep): the data are then not refitted.
    progress : callable(fraction: float, message: str), optional
    should_stop : callable() -> bool, optional
        Polled between fits; True raises :class:`~kmeans_gui.engine.progress.Cancelled`.

    Returns
    -------
    GapResult
    """
    X = v.check_data(X)
    ks = sorted(set(int(k) for k in k_values))
    if not ks or any(k < 1 for k in ks):
        raise ValueError(f"k_values must be integers >= 1, got {list(k_values)!r}.")
    if ks[-1] > X.shape[0]:
        raise ValueError(f"k = {ks[-1]} is more than the {X.shape[0]} points: lower the largest k.")
    for name, value in (("n_refs", n_refs), ("n_seeds", n_seeds)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name}={value!r} must be a positive integer.")
    if data_inertia is not None:
        data_inertia = np.asarray(data_inertia, dtype=float)
        if data_inertia.shape != (len(ks),):
            raise ValueError(f"data_inertia has shape {data_inertia.shape}; expected ({len(ks)},), one per k.")
    sampler = _ReferenceSampler(X, reference)
    rng = v.check_random_state(random_state)
    # The references come from their own RandomState, seeded from random_state first.
    reference_rng = np.random.RandomState(rng.randint(0, 2**31 - 1))
    seeds = rng.randint(0, 2**31 - 1, size=(len(ks), n_refs + n_seeds))
    progress_of = Progress(progress, should_stop, total=len(ks) * (n_refs + (n_seeds if data_inertia is None else 0)))
    fits = _Fits(progress_of, init, max_iter, tol)
    w = np.empty(len(ks)) if data_inertia is None else data_inertia.copy()
    ref_w = np.empty((len(ks), n_refs))
    with warnings.catch_warnings():
        # Duplicate points in the data (or k near n) warn once per fit; the gap's NaN says enough.
        warnings.simplefilter("ignore", v.FewDistinctPointsWarning)
        if data_inertia is None:
            for i, k in enumerate(ks):
                w[i] = min(fits.inertia(X, k, seeds[i, n_refs + j], f"gap: k = {k}, data run {j + 1} of {n_seeds}")
                           for j in range(n_seeds))
        for b in range(n_refs):
            ref = sampler.draw(reference_rng)
            for i, k in enumerate(ks):
                ref_w[i, b] = fits.inertia(ref, k, seeds[i, b], f"gap: reference {b + 1} of {n_refs}, k = {k}")
    log_w, ref_log_w = _log(w), _log(ref_w)
    gap = ref_log_w.mean(axis=1) - log_w
    sd = ref_log_w.std(axis=1)
    s = sd * np.sqrt(1.0 + 1.0 / n_refs)
    chosen, reason = choose_k_by_gap(ks, gap, s)
    progress_of.report(1.0, "gap: done")
    return GapResult(k_values=np.array(ks), log_w=log_w, reference_log_w=ref_log_w, gap=gap, sd=sd, s=s,
                     chosen_k=chosen, reason=reason, reference=reference, n_refs=int(n_refs))


class _Fits:
    """k-means fits that report progress and honour cancel, one unit of work each."""

    def __init__(self, progress_of: Progress, init, max_iter, tol):
        self.progress_of = progress_of
        self.init, self.max_iter, self.tol = init, max_iter, tol

    def inertia(self, X, k, seed, message) -> float:
        self.progress_of.step(message)
        steps = kmeans_steps(X, k, init=self.init, max_iter=self.max_iter, tol=self.tol, random_state=seed)
        return float(run_to_end(steps).inertia)
