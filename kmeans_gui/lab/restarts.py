"""Many seeds of each initialisation on one data set: how often a start lands in a worse minimum.

Seed s of init i is exactly Explore's run with that init and seed (the same generator, Explore's
max_iter and tol), so any run shown here can be replayed there and ends at the same inertia.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..engine import kmeans_steps
from ..engine.inits import INITS
from ..engine.progress import Progress
from ._threads import single_threaded

__all__ = ["RESTART_INITS", "InitRuns", "Run", "RestartsResult", "run_restarts", "best_of_stats",
           "histogram_edges"]

RESTART_INITS = ("random", "k-means++", "farthest")
#: A run is "as good as the best" within this relative margin of the best inertia found.
NEAR_BEST = 0.01


@dataclass(frozen=True, eq=False)
class InitRuns:
    """Every seed's run of one initialisation.

    Attributes
    ----------
    init : str
    seeds : ndarray of shape (n_seeds,), int
    inertia : ndarray of shape (n_seeds,)
        Final inertia of each run.
    n_iter : ndarray of shape (n_seeds,), int
        Assignments until it stopped.
    """

    init: str
    seeds: np.ndarray
    inertia: np.ndarray
    n_iter: np.ndarray


@dataclass(frozen=True, eq=False)
class Run:
    """One run's outcome, with its final clustering (for the best and the worst run)."""

    init: str
    seed: int
    inertia: float
    n_iter: int
    labels: np.ndarray
    centers: np.ndarray


def best_of_stats(inertia, n_init: int) -> tuple[float, float]:
    """Mean and standard deviation of the best (lowest) inertia of ``n_init`` runs.

    Exact over every subset of ``n_init`` of the given runs (drawn without replacement): with the
    runs sorted from best, the i-th (0-based) is the subset's best with probability
    C(N-1-i, n_init-1) / C(N, n_init).

    Parameters
    ----------
    inertia : array-like of shape (n_runs,)
    n_init : int
        From 1 to n_runs.

    Returns
    -------
    (mean, std) : tuple of float
    """
    values = np.sort(np.asarray(inertia, dtype=np.float64))
    n = values.shape[0]
    if isinstance(n_init, bool) or not isinstance(n_init, (int, np.integer)) or not 1 <= n_init <= n:
        raise ValueError(f"n_init={n_init!r} must be a whole number between 1 and the {n} runs.")
    # p_0 = C(N-1, m-1) / C(N, m) = m / N, and p_{i+1} / p_i = (N-i-m) / (N-1-i): no huge binomials.
    i = np.arange(n - 1)
    ratios = np.clip(n - i - n_init, 0, None) / (n - 1 - i)
    p = n_init / n * np.concatenate([[1.0], np.cumprod(ratios)])
    mean = float(p @ values)
    var = float(p @ (values - mean) ** 2)
    return mean, math.sqrt(max(var, 0.0))


def histogram_edges(values, bins: int = 20, integer: bool = False) -> np.ndarray:
    """Shared bin edges for several overlaid histograms of ``values`` (all inits together).

    Integers (iterations) get one bin per value while that makes at most ``bins`` bins. Equal
    values get one narrow bin around them instead of NumPy's +-0.5, which would swamp an inertia
    of 0.001.
    """
    values = np.asarray(values, dtype=np.float64)
    lo, hi = float(values.min()), float(values.max())
    if integer:
        width = max(1, math.ceil((hi - lo + 1) / bins))
        return np.arange(lo - 0.5, hi + 0.5 + width, width)[: int((hi - lo) // width) + 2]
    if hi <= lo:
        pad = max(abs(lo) * 1e-6, 1e-12)
        return np.array([lo - pad, hi + pad])
    return np.linspace(lo, hi, bins + 1)


@dataclass(frozen=True, eq=False)
class RestartsResult:
    """The runs of every init, the best and the worst run over all of them.

    Attributes
    ----------
    k : int
    n_seeds : int
    runs : dict of str -> InitRuns
    best, worst : Run
    """

    k: int
    n_seeds: int
    runs: dict
    best: Run
    worst: Run
    _curves: dict = field(default_factory=dict, repr=False)

    @property
    def inits(self) -> tuple[str, ...]:
        return tuple(self.runs)

    @property
    def best_inertia(self) -> float:
        return self.best.inertia

    def share_near_best(self, init: str, margin: float = NEAR_BEST) -> float:
        """Share of ``init``'s runs within ``margin`` (relative) of the best inertia of all runs."""
        inertia = self.runs[init].inertia
        return float(np.mean(inertia <= self.best_inertia * (1 + margin) + 1e-12))

    def best_of_curve(self, init: str, max_n_init: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(n_init, mean, std) of the best inertia of n_init runs, n_init = 1..max_n_init."""
        key = (init, max_n_init)
        if key not in self._curves:
            inertia = self.runs[init].inertia
            top = min(max_n_init, inertia.shape[0])
            stats = np.array([best_of_stats(inertia, m) for m in range(1, top + 1)])
            self._curves[key] = (np.arange(1, top + 1), stats[:, 0], stats[:, 1])
        return self._curves[key]

    def histograms(self, what: str = "inertia", bins: int = 20) -> tuple[np.ndarray, dict]:
        """(shared edges, {init: counts}) of ``what`` ("inertia" or "n_iter"); counts sum to n_seeds."""
        if what not in ("inertia", "n_iter"):
            raise ValueError(f"what={what!r} must be 'inertia' or 'n_iter'.")
        every = np.concatenate([getattr(r, what) for r in self.runs.values()])
        edges = histogram_edges(every, bins, integer=what == "n_iter")
        return edges, {init: self.bin_of(what, getattr(r, what), edges)[1] for init, r in self.runs.items()}

    @staticmethod
    def bin_of(what, values, edges) -> tuple[np.ndarray, np.ndarray]:
        """(bin index of each value, counts per bin); the last bin includes its right edge."""
        index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, edges.shape[0] - 2)
        return index, np.bincount(index, minlength=edges.shape[0] - 1)

    def seeds_in_bin(self, init: str, what: str, edges, bin_index: int) -> np.ndarray:
        """The seeds of ``init`` whose ``what`` falls in bin ``bin_index`` of ``edges``, in order."""
        runs = self.runs[init]
        index, _ = self.bin_of(what, getattr(runs, what), np.asarray(edges))
        return runs.seeds[index == bin_index]

    def to_dict(self) -> dict:
        out = {"k": self.k, "n_seeds": self.n_seeds, "best_inertia": self.best_inertia, "inits": {}}
        for init, r in self.runs.items():
            n_init, mean, std = self.best_of_curve(init)
            out["inits"][init] = {
                "share_within_1_percent": self.share_near_best(init),
                "inertia_mean": float(r.inertia.mean()), "inertia_min": float(r.inertia.min()),
                "inertia_max": float(r.inertia.max()), "iterations_mean": float(r.n_iter.mean()),
                "best_of_n_init": [{"n_init": int(m), "mean": float(a), "std": float(s)}
                                   for m, a, s in zip(n_init, mean, std)],
            }
        for name in ("best", "worst"):
            run = getattr(self, name)
            out[name] = {"init": run.init, "seed": run.seed, "inertia": run.inertia, "n_iter": run.n_iter}
        return out


def run_restarts(X, k: int, *, n_seeds: int = 100, inits=RESTART_INITS, first_seed: int = 0,
                 max_iter: int = 300, tol: float = 1e-4, empty_policy: str = "farthest", progress=None,
                 should_stop=None) -> RestartsResult:
    """Run k-means from seeds ``first_seed .. first_seed + n_seeds - 1`` with each init.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k : int
    n_seeds : int
        Runs per init.
    inits : sequence of str
        Initialisations (any of the engine's names).
    first_seed : int
    max_iter, tol, empty_policy
        As in :func:`~kmeans_gui.engine.kmeans_steps` (defaults: Explore's).
    progress : callable(fraction: float, message: str), optional
    should_stop : callable() -> bool, optional
        Polled before each run; True raises :class:`~kmeans_gui.engine.progress.Cancelled`.

    Returns
    -------
    RestartsResult
    """
    if isinstance(n_seeds, bool) or not isinstance(n_seeds, (int, np.integer)) or n_seeds < 1:
        raise ValueError(f"n_seeds={n_seeds!r} must be a whole number >= 1.")
    inits = tuple(inits)
    if not inits:
        raise ValueError("inits is empty: name at least one initialisation, e.g. 'k-means++'.")
    for init in inits:
        if init not in INITS:
            raise ValueError(f"init={init!r} must be one of {tuple(INITS)}.")
    seeds = np.arange(first_seed, first_seed + n_seeds)
    steps = Progress(progress, should_stop, total=n_seeds * len(inits))
    runs, best, worst = {}, None, None
    with single_threaded():
        for init in inits:
            inertia = np.empty(n_seeds)
            n_iter = np.empty(n_seeds, dtype=np.int64)
            for j, seed in enumerate(seeds):
                # Before every run, not every few: on large data one run takes a while.
                steps.step(f"{init}: seed {j + 1} of {n_seeds}")
                final = None
                for final in kmeans_steps(X, k, init=init, random_state=int(seed), max_iter=max_iter, tol=tol,
                                          empty_policy=empty_policy):
                    pass
                inertia[j], n_iter[j] = final.inertia, final.iteration
                if best is None or final.inertia < best[0].inertia:
                    best = (final, init, int(seed))
                if worst is None or final.inertia > worst[0].inertia:
                    worst = (final, init, int(seed))
            runs[init] = InitRuns(init, seeds.copy(), inertia, n_iter)
    best_run, worst_run = (Run(init, seed, float(s.inertia), int(s.iteration), s.labels, s.centers)
                           for s, init, seed in (best, worst))
    result = RestartsResult(int(k), int(n_seeds), runs, best_run, worst_run)
    for init in inits:
        result.best_of_curve(init)  # computed here, on the caller's (worker) thread, and kept
    steps.report(1.0, "done")
    return result
