"""The lab's models: the Failures grid and the Restarts, each over the Explore model's data.

Qt-free. The work itself is two plain functions (:func:`failures_task`, :func:`restarts_task`)
that the tabs run on a worker thread with ``ctx`` (progress, partial results, cancel); the
models hold settings, what has arrived, and open a case or a run in Explore.

FailuresModel events: ``n``, ``seed``, ``your_data``, ``changed`` (settings); ``cases`` (the rows
were made), ``cell`` (one more cell arrived, with the Cell), ``result`` (the grid was replaced or
cleared). RestartsModel events: ``n_seeds``, ``changed``; ``result``.
"""

from __future__ import annotations

import numpy as np

from ..engine.progress import Cancelled
from ..lab.cases import CASE_KEYS, CASE_TITLES, Case, failure_cases, your_data_case
from ..lab.failures import Cell, FailureGrid, align_labels, run_failures
from ..lab.methods import METHODS
from ..lab.restarts import RestartsResult, run_restarts
from . import words
from .events import Event, EventedModel, Field, boolean, whole_number

__all__ = ["FailuresModel", "RestartsModel", "failures_task", "restarts_task", "true_labels_of", "shown_labels"]

MAX_CASE_POINTS = 5000
MAX_SEEDS = 1000
#: Bins of the inertia histogram (iterations get one bin per value, up to this many).
HISTOGRAM_BINS = 30


def true_labels_of(points: np.ndarray, dataset: dict | None) -> np.ndarray | None:
    """The true groups of ``points`` if they are exactly the built-in dataset ``dataset`` names
    (regenerated from its options); None for edited or drawn data, or data without groups."""
    if not dataset or "name" not in dataset:
        return None
    from ..data.datasets import make_labelled_dataset

    try:
        X, y = make_labelled_dataset(**dataset)
    except (TypeError, ValueError):
        return None
    if y is None or X.shape != points.shape or not np.array_equal(X, points):
        return None
    return y


def failures_task(ctx, n: int, seed: int, your_data: dict | None = None) -> FailureGrid:
    """Make the cases (and the "Your data" row from ``your_data``: points, k, init, seed, dataset),
    send them with ``ctx.set_partial(("cases", cases))``, then each cell as ``("cell", cell, shown)``,
    where ``shown`` are its labels numbered for drawing (see :func:`shown_labels`)."""
    ctx.set_progress(0.0, "making the cases")
    cases = failure_cases(n, seed)
    if your_data is not None:
        X = your_data["points"]
        y = your_data.get("true_labels")
        if y is None:
            y = true_labels_of(X, your_data.get("dataset"))
        cases += (your_data_case(X, your_data["k"], y, init=your_data["init"], seed=your_data["seed"]),)
    ctx.set_partial(("cases", cases))
    by_key = {case.key: case for case in cases}
    kmeans_labels: dict[str, np.ndarray] = {}

    def send(cell: Cell) -> None:
        if cell.method == "kmeans" and cell.labels is not None:
            kmeans_labels[cell.case] = cell.labels
        ctx.set_partial(("cell", cell, shown_labels(cell, by_key[cell.case], kmeans_labels.get(cell.case))))

    try:
        return run_failures(cases, METHODS, on_cell=send, progress=ctx.set_progress, should_stop=lambda: ctx.cancelled)
    except Cancelled:
        ctx.check_cancelled()  # the runner's own "cancelled" path, not a failure
        raise


def shown_labels(cell: Cell, case: Case, kmeans_labels: np.ndarray | None = None) -> np.ndarray | None:
    """A cell's labels numbered after the case's true groups (or, without them, after k-means'
    clusters), so one group has one colour along the row. Computed on the worker: aligning needs
    scipy.optimize, whose first import would stall the window for a moment."""
    reference = case.y if case.y is not None else kmeans_labels
    if cell.labels is None or reference is None:
        return cell.labels
    return align_labels(cell.labels, reference)


def restarts_task(ctx, X, k: int, n_seeds: int, max_iter: int, tol: float, empty_policy: str) -> RestartsResult:
    try:
        return run_restarts(X, k, n_seeds=n_seeds, max_iter=max_iter, tol=tol, empty_policy=empty_policy,
                            progress=ctx.set_progress, should_stop=lambda: ctx.cancelled)
    except Cancelled:
        ctx.check_cancelled()
        raise


class _OnThisThread:
    """A task context for running a task on the calling thread: no cancel, partials to a callback."""

    cancelled = False

    def __init__(self, on_partial):
        self._on_partial = on_partial

    def set_progress(self, fraction: float, message: str = "") -> None:
        pass

    def set_partial(self, item) -> None:
        self._on_partial(item)

    def check_cancelled(self) -> None:
        pass


class FailuresModel(EventedModel):
    """Settings and cells of the failure grid; opens a case in Explore.

    Parameters
    ----------
    explore : AppState
        Its points make the "Your data" row, and a clicked case is loaded into it.
    """

    n = Field(500, whole_number(20, MAX_CASE_POINTS), "points per case")
    seed = Field(0, whole_number(0, 2**31 - 1), "seed of the data's noise and of every method")
    your_data = Field(False, boolean, "add the Explore data as a row")

    def __init__(self, explore, **values):
        super().__init__(**values)
        for name in ("cases", "cell", "result"):
            setattr(self.events, name, Event(name))
        self.explore = explore
        self.methods = METHODS
        self.cases: tuple[Case, ...] = ()
        self.cells: dict[tuple[str, str], Cell] = {}
        self.shown: dict[tuple[str, str], np.ndarray | None] = {}
        self.grid: FailureGrid | None = None

    # ------------------------------------------------------------------ reading
    def row_titles(self) -> list[tuple[str, str]]:
        """(key, title) of every row, known before anything is computed."""
        if self.cases:
            return [(c.key, c.title) for c in self.cases]
        rows = [(key, CASE_TITLES[key]) for key in CASE_KEYS]
        return rows + [("your-data", "Your data")] if self.your_data else rows

    def case(self, key: str) -> Case | None:
        return next((c for c in self.cases if c.key == key), None)

    def cell(self, case_key: str, method_key: str) -> Cell | None:
        return self.cells.get((case_key, method_key))

    def n_cells(self) -> int:
        return len(self.row_titles()) * len(self.methods)

    def task_args(self) -> tuple:
        """(n, seed, your_data) for :func:`failures_task`; the Explore points are copied."""
        your = None
        if self.your_data:
            problem = words.no_run_problem(self.explore.n_points, self.explore.params.k, 0, 0)
            if problem is not None:
                raise ValueError(problem)
            p = self.explore.params
            your = {"points": np.array(self.explore.points), "k": p.k, "seed": p.seed,
                    "init": "k-means++" if p.init == "manual" else p.init,
                    "dataset": dict(self.explore.dataset) if self.explore.dataset else None,
                    "true_labels": self.explore.true_labels}
        return self.n, self.seed, your

    # ------------------------------------------------------------------ changing
    def begin(self) -> None:
        """A new grid starts: clear the cells."""
        self.cases, self.cells, self.shown, self.grid = (), {}, {}, None
        self.events.result.emit()

    def take_partial(self, item) -> None:
        """One partial result of :func:`failures_task`: ("cases", cases) or ("cell", cell, shown)."""
        if item[0] == "cases":
            self.cases = tuple(item[1])
            self.events.cases.emit()
        else:
            _, cell, shown = item
            self.cells[(cell.case, cell.method)] = cell
            self.shown[(cell.case, cell.method)] = shown
            self.events.cell.emit(cell)

    def shown_labels(self, case_key: str, method_key: str) -> np.ndarray | None:
        """The cell's labels as drawn (numbered after the true groups)."""
        cell = self.cell(case_key, method_key)
        return self.shown.get((case_key, method_key), None if cell is None else cell.labels)

    def finish(self, grid: FailureGrid) -> None:
        self.grid = grid
        self.cases = grid.cases
        self.cells = dict(grid.cells)
        self.events.result.emit()

    def compute_now(self) -> FailureGrid:
        """The whole grid on this thread (snapshots and scripts)."""
        args = self.task_args()
        self.begin()
        grid = failures_task(_OnThisThread(self.take_partial), *args)
        self.finish(grid)
        return grid

    def open_in_explore(self, case_key: str, method_key: str = "kmeans") -> str:
        """Load a case's points into Explore with k-means as the lab ran it (same k, init and seed,
        Explore's default max_iter, tol and empty policy), ready to step; return what was done."""
        case = self.case(case_key)
        if case is None:
            raise ValueError(f"The case {case_key!r} has not been computed yet.")
        state = self.explore
        if case.dataset is not None:
            state.load_dataset(case.dataset["name"], k=case.k,
                               **{key: v for key, v in case.dataset.items() if key != "name"})
        elif case.key != "your-data" or case.note:  # the user's own data stays as it is unless sampled
            names = state.table.feature_names if case.X.shape[1] == state.n_features else None
            state.set_table(case.X, true_labels=case.y, feature_names=names)
        state.set_params(k=case.k, init=case.init, seed=case.seed, max_iter=300, tol=1e-4,
                         empty_policy="farthest")
        cell = self.cell(case_key, method_key)
        method = next(m for m in self.methods if m.key == method_key)
        score = "-" if cell is None or cell.score is None else f"{cell.score_kind} {cell.score:.2f}"
        return words.case_opened(case.title, case.n_samples, case.k, case.init, case.seed, method.label, score)


class RestartsModel(EventedModel):
    """Settings and result of the restarts on the Explore data; opens a run in Explore.

    Parameters
    ----------
    explore : AppState
        Whose points, k, max_iter, tol and empty policy the runs use; a clicked run is loaded into it.
    """

    n_seeds = Field(100, whole_number(1, MAX_SEEDS), "runs per initialisation")

    def __init__(self, explore, **values):
        super().__init__(**values)
        self.events.result = Event("result")
        self.explore = explore
        self.result: RestartsResult | None = None
        self.result_key: tuple | None = None
        self._running_key: tuple | None = None

    def settings_key(self) -> tuple:
        p = self.explore.params
        return (self.explore.data_version, p.k, p.max_iter, p.tol, p.empty_policy, self.n_seeds)

    @property
    def stale(self) -> bool:
        """True when a result is shown but the data or parameters changed since."""
        return self.result is not None and self.result_key != self.settings_key()

    def task_args(self) -> tuple:
        """(X, k, n_seeds, max_iter, tol, empty_policy) for :func:`restarts_task`; ValueError in words
        when no run can start."""
        state = self.explore
        if state.n_points == 0:
            raise ValueError(words.RESTARTS_NO_POINTS)
        problem = words.no_run_problem(state.n_points, state.params.k, 0, 0)
        if problem is not None:
            raise ValueError(problem)
        p = state.params
        return np.array(state.points), p.k, self.n_seeds, p.max_iter, p.tol, p.empty_policy

    def begin(self) -> None:
        self._running_key = self.settings_key()

    def finish(self, result: RestartsResult) -> None:
        self.result, self.result_key = result, self._running_key or self.settings_key()
        self._running_key = None
        self.events.result.emit()

    def abandon(self) -> None:
        self._running_key = None

    def compute_now(self) -> RestartsResult:
        X, k, n_seeds, max_iter, tol, empty_policy = self.task_args()
        self.begin()
        self.finish(run_restarts(X, k, n_seeds=n_seeds, max_iter=max_iter, tol=tol, empty_policy=empty_policy))
        return self.result

    def open_run(self, init: str, seed: int, same_bar: int = 1) -> str:
        """Set Explore to ``init`` at ``seed`` (the run replays to the inertia shown); return what was done."""
        if self.result is None:
            raise ValueError("Compute the restarts first.")
        if self.stale:
            raise ValueError(words.RESTARTS_DATA_CHANGED)
        runs = self.result.runs[init]
        j = int(np.flatnonzero(runs.seeds == seed)[0])
        self.explore.set_params(init=init, seed=int(seed))
        return words.run_opened(init, int(seed), float(runs.inertia[j]), int(runs.n_iter[j]), same_bar)

    def histograms(self, what: str) -> tuple[np.ndarray, dict]:
        """(edges, {init: counts}) of the result's ``what`` ("inertia" or "n_iter") as the tab shows them."""
        return self.result.histograms(what, bins=HISTOGRAM_BINS)

    def open_bin(self, init: str, what: str, bin_index: int) -> str:
        """Open the first seed of ``init`` in bin ``bin_index`` of the ``what`` histogram."""
        if self.result is None:
            raise ValueError("Compute the restarts first.")
        edges, _ = self.histograms(what)
        seeds = self.result.seeds_in_bin(init, what, edges, bin_index)
        if seeds.shape[0] == 0:
            raise ValueError(f"No {init} run falls in that bar.")
        return self.open_run(init, int(seeds[0]), same_bar=int(seeds.shape[0]))
