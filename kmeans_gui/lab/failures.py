"""The grid of failure cases x methods, each cell scored against the truth and timed.

A cell's score is the adjusted Rand index against the case's true groups, or, for data without
them ("Your data"), the mean silhouette (DBSCAN's noise left out). Cells are computed one at a
time, each reported as soon as it is done, with progress and cancel between cells.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..engine.progress import Progress
from ._threads import single_threaded
from .cases import Case, adjusted_rand, failure_cases
from .methods import METHODS, Method

__all__ = ["Cell", "FailureGrid", "run_failures", "run_cell", "score_labels", "align_labels"]


@dataclass(frozen=True, eq=False)
class Cell:
    """One method on one case.

    Attributes
    ----------
    case, method : str
        Their keys.
    labels : ndarray of shape (n_samples,) or None
        None when the method failed (see ``error``).
    score : float or None
        ARI, or silhouette; None when it cannot be computed (one cluster, or the method failed).
    score_kind : {"ARI", "silhouette"}
    seconds : float
        Wall time of the method's fit (scoring not included).
    note : str
        How the method was run (eps, iterations...).
    error : str or None
    inertia : float or None
        k-means' final inertia.
    """

    case: str
    method: str
    labels: np.ndarray | None
    score: float | None
    score_kind: str
    seconds: float
    note: str = ""
    error: str | None = None
    inertia: float | None = None


def score_labels(case: Case, labels: np.ndarray) -> tuple[float | None, str]:
    """(score, kind): ARI against ``case.y``, or the silhouette when there are no true groups."""
    if case.y is not None:
        return adjusted_rand(case.y, labels), "ARI"
    from ..engine.metrics import silhouette_score

    kept = labels >= 0
    if np.unique(labels[kept]).shape[0] < 2 or np.unique(labels[kept]).shape[0] >= np.count_nonzero(kept):
        return None, "silhouette"
    return float(silhouette_score(case.X[kept], labels[kept])), "silhouette"


def run_cell(case: Case, method: Method) -> Cell:
    """Fit ``method`` on ``case`` and score it; a method's failure is reported in the cell."""
    start = time.perf_counter()
    try:
        result = method.fit(case.X, case.k, case.seed, case.init)
    except (ValueError, np.linalg.LinAlgError, MemoryError) as exc:
        return Cell(case.key, method.key, None, None, "ARI" if case.y is not None else "silhouette",
                    time.perf_counter() - start, error=str(exc) or type(exc).__name__)
    seconds = time.perf_counter() - start
    labels = np.asarray(result.labels)
    score, kind = score_labels(case, labels)
    return Cell(case.key, method.key, labels, score, kind, seconds, result.note, inertia=result.inertia)


@dataclass(eq=False)
class FailureGrid:
    """Cases x methods; ``cells`` fills in as the grid is computed."""

    cases: tuple[Case, ...]
    methods: tuple[Method, ...]
    cells: dict = field(default_factory=dict)

    def cell(self, case_key: str, method_key: str) -> Cell | None:
        return self.cells.get((case_key, method_key))

    def case(self, key: str) -> Case:
        for case in self.cases:
            if case.key == key:
                return case
        raise KeyError(key)

    @property
    def complete(self) -> bool:
        return len(self.cells) == len(self.cases) * len(self.methods)

    def best_method(self, case_key: str) -> str | None:
        """The key of the best-scoring method on a case (None before any scored)."""
        scored = [(c.score, c.method) for c in (self.cell(case_key, m.key) for m in self.methods)
                  if c is not None and c.score is not None]
        return max(scored)[1] if scored else None

    def to_dict(self) -> dict:
        """Plain, JSON-ready data: per case, per method, the score and the seconds."""
        rows = []
        for case in self.cases:
            cells = {}
            for method in self.methods:
                c = self.cell(case.key, method.key)
                if c is None:
                    continue
                cells[method.key] = {
                    "score": None if c.score is None else round(c.score, 4),
                    "seconds": round(c.seconds, 4),
                    "note": c.note,
                    **({"error": c.error} if c.error else {}),
                }
            rows.append({"case": case.key, "title": case.title, "n": case.n_samples, "k": case.k,
                         "true_k": case.true_k, "score": "ARI" if case.y is not None else "silhouette",
                         "kmeans_init": case.init, "seed": case.seed, "note": case.note, "methods": cells})
        return {"methods": [{"key": m.key, "label": m.label} for m in self.methods], "cases": rows}


def run_failures(cases=None, methods=METHODS, *, n: int = 500, seed: int = 0, on_cell=None,
                 progress=None, should_stop=None) -> FailureGrid:
    """Run every method on every case, row by row.

    Parameters
    ----------
    cases : sequence of Case, optional
        Default: :func:`~kmeans_gui.lab.cases.failure_cases` ``(n, seed)``.
    methods : sequence of Method
    n, seed : int
        For the default cases.
    on_cell : callable(Cell), optional
        Called as each cell is done.
    progress : callable(fraction: float, message: str), optional
    should_stop : callable() -> bool, optional
        Polled before each cell; True raises :class:`~kmeans_gui.engine.progress.Cancelled`.

    Returns
    -------
    FailureGrid
    """
    methods = tuple(methods)
    Progress(progress, should_stop).report(0.0, "making the cases")
    cases = failure_cases(n, seed) if cases is None else tuple(cases)
    grid = FailureGrid(cases, methods)
    steps = Progress(progress, should_stop, total=len(cases) * len(methods))
    with single_threaded():
        for case in cases:
            for method in methods:
                steps.step(f"{case.title}: {method.label}")
                cell = run_cell(case, method)
                grid.cells[(case.key, method.key)] = cell
                if on_cell is not None:
                    on_cell(cell)
    steps.report(1.0, "done")
    return grid


def align_labels(labels, reference) -> np.ndarray:
    """``labels`` renumbered so each cluster takes the number of the reference group it overlaps
    most (one-to-one, by the Hungarian method); clusters left over get numbers after those.

    For drawing only (the same group gets the same colour in every cell of a row); the grouping
    and its score do not change. Noise (-1) stays -1.

    Parameters
    ----------
    labels, reference : array-like of shape (n_samples,), int

    Returns
    -------
    ndarray of shape (n_samples,), int64
    """
    from scipy.optimize import linear_sum_assignment

    labels = np.asarray(labels)
    reference = np.asarray(reference)
    ours = np.unique(labels[labels >= 0])
    theirs = np.unique(reference[reference >= 0])
    out = np.full(labels.shape, -1, dtype=np.int64)
    if ours.size == 0:
        return out
    overlap = np.zeros((ours.size, max(theirs.size, 1)))
    for i, a in enumerate(ours):
        hits = reference[labels == a]
        for j, b in enumerate(theirs):
            overlap[i, j] = np.count_nonzero(hits == b)
    rows, cols = linear_sum_assignment(-overlap)
    number = dict(zip(ours[rows].tolist(), theirs[cols].tolist() if theirs.size else [0] * len(rows)))
    spare = int(theirs.max()) + 1 if theirs.size else 1
    for a in ours.tolist():
        if a not in number:
            number[a], spare = spare, spare + 1
    for a, b in number.items():
        out[labels == a] = b
    return out
