"""Qt-free application state: the points, the parameters, the current run and a cursor into it.

Views subscribe to :class:`Event` objects in ``state.events`` and redraw from the state; controls
call methods here. Nothing in this module imports Qt, so the whole behaviour of the explorer
(editing, undo, stepping, rewinding, sessions) is testable with plain pytest.

A run is the list of :class:`~kmeans_gui.engine.KMeansState` objects ``kmeans_steps`` yields,
computed eagerly up to a small time budget and lazily after that; the cursor indexes into it. On
big data with a worker at hand (``start_in_background``), a restart computes nothing itself: the
run is ``starting`` (no state yet) until the worker's first states are collected.
Because a run is a pure function of (points, params, placed centres), a session is saved as those
three plus the cursor (:meth:`AppState.to_dict` and :meth:`AppState.arrays`), and restoring it
replays the run.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import asdict, fields, replace
from types import SimpleNamespace
from typing import Iterator

import numpy as np

from ..engine import FewDistinctPointsWarning, KMeansState
from ..engine._frozen import frozen
from . import words
from .events import Event, batched
from .params import ALGORITHM_INITS, EMPTY_POLICY_LABELS, INIT_LABELS, MAX_K, Params
from .phases import chart_position, is_final_assignment
from .run_steps import make_run_steps
from .step_job import StepJob, final_shortfall, trim_seed
from .explore_session import validate_explore
from .table_data import TableData, TableMixin, as_points

__all__ = [
    "Params", "AppState", "StepJob", "INIT_LABELS", "EMPTY_POLICY_LABELS", "MAX_K", "chart_position",
    "is_final_assignment",
]

#: Above this many points x k, the best known clustering (for the "stuck" note) is not computed:
#: its k-means++ restarts would stall the GUI thread.
STUCK_CHECK_MAX_WORK = 20_000

#: From this many points x max(k, 10), a restart with a worker at hand (``start_in_background``)
#: computes no state on the caller's thread. One state of such a run (a k-means++ draw, an
#: E-step) costs 20-80 ms at the 200,000-point preset; the first two, the eager budget and the
#: paint together stalled the window 100-165 ms (276 ms under load) before.
BACKGROUND_START_WORK = 1_000_000


def _as_points(X) -> np.ndarray:
    """Points drawn on the plane (placed centres, hand edits): shape (n, 2), checked."""
    return as_points(X, n_features=2)


class AppState(TableMixin):
    """Points, parameters, the current run and where the cursor is in it.

    The points may have any number of features d (``set_table``); the run clusters them in all
    d, and the canvas shows them through ``projection`` (see ``state/table_data.py``).

    Events (``state.events.<name>``, emitted with no arguments)
    ------
    points : the points changed (``points_change`` says "edit" or "replace")
    params : the parameters changed
    manual : the user-placed initial centres changed
    run : a new run replaced the old one (history, cursor and error all changed)
    history : more states of the same run were computed
    cursor : the cursor moved to another state of the same run
    message : ``state.message`` changed (a one-line note for the status bar)
    projection : the 2-D view of the data changed (``set_view_columns``), not the data

    Parameters
    ----------
    points : array-like of shape (n, d), optional
    params : Params, optional
    eager_budget_s : float
        After a restart, compute the run ahead for up to this long (on the GUI thread, so well
        under a frame budget of 100 ms), so the timeline and the convergence chart know the whole
        run at once; the rest is computed when stepped into, or on a worker by Run to end.

    Attributes
    ----------
    start_in_background : callable() -> bool, or None
        Set by a view that runs :meth:`detach`'s jobs on a worker: while it returns True, a
        restart on big data (:data:`BACKGROUND_START_WORK`) computes no state here and leaves the
        first ones to that worker (``starting`` is True until they are collected).
    """

    max_undo = 100
    max_undo_bytes = 400_000_000

    def __init__(self, points=None, params: Params | None = None, *, eager_budget_s: float = 0.08):
        self.events = SimpleNamespace(
            **{name: Event(name) for name in ("points", "params", "manual", "run", "history", "cursor", "message",
                                           "projection")}
        )
        self._data = TableData.checked(np.empty((0, 2)) if points is None else points)
        self._data_version = 0
        self._params = (params or Params()).validated()
        self._manual = frozen(np.empty((0, 2)))
        # Each entry is (data, placed centroids, params) as they were before an edit; the last two
        # are None where the edit left them alone (moving a centroid or changing k later must not
        # be undone with a point). A new dataset changes all three. The fourth is the dataset the
        # data came from (None for a table), so the Data panel names the data undo brought back.
        self._undo: list[tuple[TableData, np.ndarray | None, Params | None, dict | None]] = []
        self._redo: list[tuple[TableData, np.ndarray | None, Params | None, dict | None]] = []
        self.points_change = "replace"
        self.dataset: dict | None = None
        self.eager_budget_s = eager_budget_s
        self.message = ""
        self._steps: Iterator[KMeansState] | None = None
        self._history: list[KMeansState] = []
        self._complete = True
        self._cursor = 0
        self._error: str | None = None
        self._warning: str | None = None
        self._seed_cache: tuple[int, int, np.ndarray] | None = None  # (run, seeds before, D^2)
        self._columns: tuple[int, np.ndarray] | None = None  # (data version, points as (2, n))
        self._job: StepJob | None = None  # computing the rest of the run on a worker, if any
        self.run_version = 0
        self.start_in_background = None
        self._best_known: tuple = (None, None)  # ((data version, k), BestKnown) for the stuck note
        self._restart()

    # ------------------------------------------------------------------ points
    @property
    def points(self) -> np.ndarray:
        """ndarray of shape (n, d), float64, read-only: what is clustered (``view_points`` is
        what the canvas draws)."""
        return self._data.X

    @property
    def _points(self) -> np.ndarray:
        return self._data.X

    @property
    def n_points(self) -> int:
        return self._points.shape[0]

    @property
    def data_version(self) -> int:
        return self._data_version

    def set_points(self, X, *, record: bool = True, kind: str = "replace") -> None:
        """Replace the points, of shape (n, d) (undoable when ``record``); ``kind`` tells views
        whether to re-frame. True labels are dropped; feature names stay if d does."""
        new = as_points(X)
        names = self._data.feature_names if new.shape[1] == self.n_features else None
        self._set_data(TableData(new, None, names, self._data.source if names else None), record, kind)

    def _set_data(self, new: TableData, record: bool = True, kind: str = "edit") -> None:
        if record:
            self._push_undo()
        if new.n_features != self.n_features:
            self._view_columns = None
        self._apply_points(new, kind)

    def _refuse_off_plane(self, what: str) -> None:
        reason = self.planar_only_reason(what)
        if reason is not None:
            raise ValueError(reason)

    def add_points(self, P) -> None:
        """Append points of shape (m, 2) (one undo step); 2-D data only (ValueError otherwise).

        Points drawn by hand have no known group, so true labels are dropped (undo restores them).
        """
        self._refuse_off_plane("Adding points by hand")
        P = _as_points(P)
        if P.shape[0]:
            self._set_data(replace(self._data, X=frozen(np.concatenate([self._points, P])), true_labels=None,
                                           label_names=None))

    def remove_nearest(self, x: float, y: float, max_distance: float | None = None) -> int | None:
        """Remove the point nearest to (x, y), if any lies within ``max_distance``; return its old index."""
        self._refuse_off_plane("Removing points by hand")
        if not (np.isfinite(x) and np.isfinite(y)):
            raise ValueError(f"remove_nearest needs finite coordinates; got ({x!r}, {y!r}).")
        if max_distance is not None and not (np.isfinite(max_distance) and max_distance >= 0):
            raise ValueError(f"max_distance={max_distance!r} must be a finite number >= 0 (or None).")
        if self.n_points == 0:
            return None
        d2 = np.einsum("ij,ij->i", self._points - (x, y), self._points - (x, y))
        i = int(np.argmin(d2))
        if max_distance is not None and d2[i] > max_distance**2:
            return None
        self.remove_points([i])
        return i

    def remove_points(self, indices) -> None:
        """Remove the points at ``indices`` (whole numbers from 0 to n - 1; one undo step).

        Negative indices are refused rather than counted from the end: a -1 that slipped through
        from a "nothing found" result must not delete the last point.
        """
        idx = np.asarray(indices)
        if idx.size == 0:
            return
        if idx.dtype.kind not in "iu":
            raise TypeError(f"Point indices must be whole numbers; got {idx.dtype} values.")
        bad = idx[(idx < 0) | (idx >= self.n_points)]
        if bad.size:
            raise ValueError(f"Point index {int(bad[0])} is out of range: indices run from 0 to {self.n_points - 1}.")
        keep = np.ones(self.n_points, dtype=bool)
        keep[idx.astype(np.intp)] = False
        if not keep.all():
            self._set_data(self._data.subset(keep))

    def clear(self) -> None:
        """Remove every point (one undo step). n-D data leave an empty 2-D canvas, where points
        can be drawn again."""
        if self.n_points:
            empty = self._data.subset(np.zeros(self.n_points, dtype=bool))
            self._set_data(empty if self.is_planar else TableData.checked(np.empty((0, 2))))

    def load_dataset(self, name: str, k: int | None = None, **options) -> None:
        """Replace the points with a built-in dataset (undoable). Options go to ``make_dataset``.

        ``k``, when given, becomes the number of clusters too (if the new data has at least k
        points), with a single restart of the run. Placed centroids belong to the old data, so
        they are cleared (undo brings them back with the old points).
        """
        from ..data.datasets import make_labelled_dataset

        X, y = make_labelled_dataset(name, **options)
        self.show_dataset(X, name, k, true_labels=y, **options)

    def show_dataset(self, X, name: str, k: int | None = None, *, true_labels=None, **options) -> None:
        """Replace the points with ``X`` (and its ``true_labels``), made by
        ``make_labelled_dataset(name, **options)`` elsewhere (a worker, for millions of points);
        otherwise as :meth:`load_dataset`."""
        from ..data.datasets import dataset_features

        table = TableData.checked(X, true_labels, dataset_features(name))
        params = self._params
        if k is not None and k <= max(table.X.shape[0], 1):
            params = replace(params, k=k)
        if table.n_features != 2 and params.init == "manual":
            params = replace(params, init="k-means++")  # placing centroids needs the data's plane
        self._push_undo(whole=True)
        self.dataset = {"name": name, **options}
        self._view_columns = None
        self._apply_points(table, "replace", params.validated(), manual=frozen(np.empty((0, 2))))

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> bool:
        """Back to the points (and placed centroids) before the last edit; False if none."""
        if not self._undo:
            return False
        points, manual, params, dataset = self._undo.pop()
        self._redo.append((self._data, None if manual is None else self._manual,
                           None if params is None else self._params, self.dataset))
        self.dataset = dataset
        self._apply_points(points, "edit", params, manual=manual)
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        points, manual, params, dataset = self._redo.pop()
        self._push_undo(clear_redo=False, whole=manual is not None)
        self.dataset = dataset
        self._apply_points(points, "edit", params, manual=manual)
        return True

    def _push_undo(self, clear_redo: bool = True, whole: bool = False) -> None:
        """Record the points (``whole``: and the placed centroids and params) before an edit."""
        # Arrays are read-only, so sharing them between the present and the history is safe.
        self._undo.append((self._data, self._manual if whole else None, self._params if whole else None,
                           self.dataset))
        if clear_redo:
            self._redo.clear()
        while len(self._undo) > self.max_undo or (
            len(self._undo) > 1 and sum(entry[0].nbytes for entry in self._undo) > self.max_undo_bytes
        ):
            self._undo.pop(0)

    def _apply_points(self, new: TableData, kind: str, params: "Params | None" = None,
                      manual: np.ndarray | None = None, view: tuple | None = None) -> None:
        # Listeners hear points, params, manual and run once each, after the restart: a view that
        # redraws on "manual" must never meet the new points with the old run's labels.
        if self._view_columns is not None and max(self._view_columns) >= new.n_features:
            self._view_columns = None
        with batched(self.events.points, self.events.params, self.events.manual, self.events.run):
            self._data = new
            self._data_version += 1
            if view is not None:  # (projection, view points, bounds) of the default view, made on a worker
                self._seed_view(view)
            self.points_change = kind
            self.events.points.emit()
            if params is not None:
                self._adopt_params(params)
            if manual is not None and not np.array_equal(manual, self._manual):
                self._manual = manual
                self.events.manual.emit()
            self._restart()

    # ------------------------------------------------------------------ params
    @property
    def params(self) -> Params:
        return self._params

    def set_params(self, **changes) -> None:
        """Change parameters (validated; ValueError on bad values), emit ``params`` and restart."""
        unknown = set(changes) - {f.name for f in fields(Params)}
        if unknown:
            raise TypeError(f"Unknown parameter(s): {', '.join(sorted(unknown))}")
        new = replace(self._params, **changes).validated()
        if new.init == "manual" and self._params.init != "manual":
            self._refuse_off_plane("Placing centroids by hand")
        if self._adopt_params(new):
            self._restart()

    def _adopt_params(self, new: Params) -> bool:
        """Take ``new`` (validated) and say so, without restarting; False when nothing changed."""
        if new == self._params:
            return False
        self._params = new
        if new.init == "manual" and self._manual.shape[0] > new.k:
            self._manual = frozen(self._manual[: new.k].copy())
            self.events.manual.emit()
        self.events.params.emit()
        return True

    def set_algorithm(self, algorithm: str) -> None:
        """Switch algorithm (one restart). An initialisation the new one does not offer becomes
        k-means++, and the message line says so."""
        if algorithm not in ALGORITHM_INITS:
            replace(self._params, algorithm=algorithm).validated()  # raises, naming the choices
        init = self._params.init
        note = ""
        if init not in ALGORITHM_INITS[algorithm]:
            note = words.init_not_offered(INIT_LABELS[init], algorithm)
            init = "k-means++"
        self.set_params(algorithm=algorithm, init=init)
        if note:
            self._set_message(note)

    def new_seed(self) -> str | None:
        """Next seed: a different random initialisation. Returns None, or why there is none.

        Placed centroids involve no chance, so under "manual" init a new seed would change
        nothing: the seed stays, the run is kept, and the sentence says what to do instead.
        """
        if self._params.init == "manual":
            return ("Placed centroids: a new seed has nothing to draw. Drag the centroids before the run "
                    "starts, or choose a random initialisation.")
        self.set_params(seed=(self._params.seed + 1) % (2**31))
        return None

    # ------------------------------------------------------------------ placed centres
    @property
    def manual_centers(self) -> np.ndarray:
        """ndarray of shape (m, 2): centres placed by clicking (used when init is "manual")."""
        return self._manual

    @property
    def needs_centers(self) -> int:
        """How many more centres must be placed before a "manual" run can start."""
        if self._params.init != "manual":
            return 0
        return max(0, self._params.k - self._manual.shape[0])

    def add_manual_center(self, x: float, y: float) -> bool:
        if self.needs_centers == 0:
            return False
        self._manual = frozen(np.vstack([self._manual, [x, y]]))
        self.events.manual.emit()
        self._restart()
        return True

    def move_manual_center(self, index: int, x: float, y: float) -> None:
        m = self._manual.copy()
        m[index] = (x, y)
        self._manual = frozen(m)
        self.events.manual.emit()
        self._restart()

    def clear_manual_centers(self) -> None:
        self._manual = frozen(np.empty((0, 2)))
        self.events.manual.emit()
        self._restart()

    # ------------------------------------------------------------------ the run
    def make_steps(self) -> Iterator[KMeansState]:
        """The step generator of the chosen algorithm for the current points and parameters.

        Every one yields states of the engine's shared protocol (``engine/protocol.py``), so
        stepping, the timeline, trails, the chart and the words need not know which it is.
        """
        return make_run_steps(self._points, self._params, self._manual)

    @property
    def tutorial_setup(self) -> bool:
        """True when the run uses one of the tutorial's initialisations."""
        return self._params.tutorial_init

    def stuck_message(self) -> str | None:
        """At the end of a run from the tutorial's set-up (its init or its data), the "stuck" note.

        Compares the final inertia with the best of a few k-means++ restarts (computed once per
        points and k); None when the run is not stuck, not finished, or the data are too big.
        """
        s = self.current
        on_tutorial_data = bool(self.dataset and str(self.dataset.get("name", "")).startswith("tutorial-"))
        if (s is None or not s.is_final or s.algorithm != "lloyd" or not (self.tutorial_setup or on_tutorial_data)
                or self.n_points * self._params.k > STUCK_CHECK_MAX_WORK):
            return None
        from .stuck import best_known, stuck_message

        key = (self._data_version, self._params.k)
        if self._best_known[0] != key:
            self._best_known = (key, best_known(self._points, self._params.k))
        noun = "blob" if self.dataset and "blobs" in str(self.dataset.get("name", "")) else "group"
        return stuck_message(s, self._best_known[1], noun)

    def _problem(self) -> str | None:
        """Why no run can start now, in words for the status line; None when it can."""
        return words.no_run_problem(self.n_points, self._params.k, self.needs_centers, self._manual.shape[0])

    def _restart(self) -> None:
        if self._job is not None:
            self._job.stop.set()  # its states belong to the old run; it ends at its next state
            self._job = None
        self._history = []
        self._cursor = 0
        self._complete = True
        self._steps = None
        self._error = self._problem()
        self._warning = None
        start = time.perf_counter()
        if self._error is None and self._starts_in_background():
            self._steps, self._complete = self.make_steps(), False  # a generator: nothing computed yet
        elif self._error is None:
            self._steps = self.make_steps()
            self._complete = False
            try:
                self._extend(2)  # the first state and the one after it (see peek_next)
            except ValueError as exc:
                self._error = str(exc)
                self._history, self._steps, self._complete = [], None, True
        if self._error is None and self._history:
            # Compute ahead, but never start a state the last one says would overrun the budget:
            # on millions of points one state takes longer than the whole budget.
            now = time.perf_counter()
            deadline = start + self.eager_budget_s
            last = now - start
            while not self._complete and now + last < deadline:
                self._extend(len(self._history) + 1)
                last, now = time.perf_counter() - now, time.perf_counter()
        self.run_version += 1
        self._set_message(self._error or self._warning or "")
        self.events.run.emit()

    def _starts_in_background(self) -> bool:
        ask = self.start_in_background
        if ask is None or self.n_points * max(self._params.k, 10) < BACKGROUND_START_WORK:
            return False
        try:
            return bool(ask())
        except RuntimeError:  # the view that set it is gone (its Qt object deleted)
            return False

    @property
    def starting(self) -> bool:
        """True while a run has no state yet because a worker computes its first ones."""
        return not self._history and not self._complete and self._error is None

    def _extend(self, length: int) -> bool:
        """Compute states until the history holds ``length`` of them (or the run ended).

        While a :class:`StepJob` computes the run on a worker, this only collects what it has.
        """
        grew = self._collect()
        if self._job is not None:
            return grew
        while len(self._history) < length and not self._complete:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                state = next(self._steps, None)
            for w in caught:
                self._warning = self._friendly_warning(w, state)
            if state is None:
                self._complete, self._steps = True, None
                break
            self._history.append(trim_seed(state, self._params.k))
            grew = True
            if state.is_final:
                self._complete, self._steps = True, None
                if state.algorithm != "lloyd" and self._warning is None:  # Lloyd's engine warns itself
                    shortfall = final_shortfall(state, self._params.k, self._points)
                    if shortfall is not None:
                        self._warning = self._few_clusters_text(*shortfall)
        return grew

    def seed_distances(self, s: KMeansState | None = None) -> np.ndarray | None:
        """D^2 of every point to its nearest earlier seed, for a seed state of this run.

        What the seed was drawn from (k-means++) or picked by (farthest point): shape (n,). None
        for a first seed and for states that are not seed draws. Arrays dropped to save memory
        are recomputed from the nearest earlier kept one (or the last one recomputed).
        """
        s = self.current if s is None else s
        if s is None or getattr(s, "seed", None) is None or s.n_seeds < 2:
            return None
        if s.seed.sq_dist is not None:
            return s.seed.sq_dist
        want = s.n_seeds - 1
        start, d2 = 0, None
        cache = self._seed_cache
        if cache is not None and cache[0] == self.run_version and cache[1] <= want:
            start, d2 = cache[1], cache[2]
        for earlier in self._history:
            if getattr(earlier, "seed", None) is None:
                continue
            have = earlier.n_seeds - 1
            if earlier.seed is not None and earlier.seed.sq_dist is not None and start < have <= want:
                start, d2 = have, earlier.seed.sq_dist
        d2 = np.full(self.n_points, np.inf) if d2 is None else d2.astype(np.float64)
        centres = np.asarray(s.centers[start:want], dtype=np.float64)
        if len(centres):
            # Whole-column passes over contiguous columns: about 4x faster than (n, d) rows.
            if self._columns is None or self._columns[0] != self._data_version:
                self._columns = (self._data_version, np.ascontiguousarray(self._points.T))
            cols = self._columns[1]
            acc, diff = np.empty(cols.shape[1]), np.empty(cols.shape[1])
            for centre in centres:
                acc.fill(0.0)
                for col, c in zip(cols, centre):
                    np.subtract(col, c, out=diff)
                    diff *= diff
                    acc += diff
                np.minimum(d2, acc, out=d2)
        self._seed_cache = (self.run_version, want, frozen(d2))
        return d2

    def seed_probabilities(self, s: KMeansState | None = None) -> np.ndarray | None:
        """The D^2 probabilities (summing to 1) a seed state's seed was drawn from, or None."""
        d2 = self.seed_distances(s)
        if d2 is None:
            return None
        total = float(d2.sum())
        return d2 / total if total > 0 else np.full(d2.shape, 1.0 / d2.size)

    def _friendly_warning(self, w: warnings.WarningMessage, state: KMeansState | None) -> str:
        if not issubclass(w.category, FewDistinctPointsWarning):
            return str(w.message)
        distinct = len(np.unique(self._points, axis=0))
        n_empty = self._params.k - len(np.unique(state.labels)) if state is not None and state.labels is not None else None
        return self._few_clusters_text(distinct, n_empty)

    def _few_clusters_text(self, distinct: int, n_empty: int | None) -> str:
        """Words for "fewer clusters than k at the end", given the distinct points and empty clusters."""
        k = self._params.k
        if distinct < k:
            return words.few_distinct_points(distinct, k)
        # Enough distinct points: the clusters emptied during the run (the "keep" policy leaves them so).
        return words.clusters_ended_empty(n_empty, self._params.empty_policy)

    # ------------------------------------------------------------------ the run on a worker
    def detach(self) -> "StepJob | None":
        """Hand the rest of the run to a worker thread: returns a job to ``run()`` there, or None
        when the run is complete (or there is none).

        Until the job ends, this state computes nothing itself (``computing`` is True); call
        :meth:`collect` on this state's thread to take in the states the job has made.
        """
        self._collect()
        if self._job is not None:
            return self._job
        if self._complete or self._steps is None:
            return None
        self._job = StepJob(self._steps, self.run_version, self._params.k, self._points, start=len(self._history))
        self._steps = None
        return self._job

    @property
    def computing(self) -> bool:
        """True while a job computes this run on a worker."""
        return self._job is not None and not self._job.released.is_set()

    def collect(self) -> bool:
        """Take in the states a job computed so far (emitting ``history``); True if there were any.

        The first states of a run started in the background also emit ``cursor``: the state
        shown changed (from none to the first), as it does when the cursor moves.
        """
        was_empty = not self._history
        error = self._error
        grew = self._collect()
        if grew:
            self.events.history.emit()
        if (grew and was_empty) or self._error != error:
            self.events.cursor.emit()
        return grew

    def _collect(self) -> bool:
        job = self._job
        if job is None:
            return False
        released = job.released.is_set()  # read first: after it, the states list is final
        new = job.states[len(self._history) - job.start :]
        self._history.extend(new)
        if released:
            self._job = None
            if job.error is not None:
                self._complete, self._steps = True, None
                if not self._history:
                    self._error = job.error  # no run, and why: as when a restart on this thread fails
                self._set_message(job.error)
            elif job.finished:
                self._complete, self._steps = True, None
                if job.final_warning is not None:
                    self._warning = self._few_clusters_text(*job.final_warning)
                    self._set_message(self._warning)
            else:
                self._steps = job.steps  # cancelled: the generator goes on from where it stopped
        return bool(new)

    def ensure(self, length: int) -> None:
        """Make sure at least ``length`` states are computed (fewer if the run ends first)."""
        if self._extend(length):
            self.events.history.emit()

    def ensure_all(self) -> None:
        """Compute the whole run now. A job computing it on a worker is stopped after its state
        in progress (a short wait) and the rest is computed here."""
        if self._job is not None:
            self._job.halt()
        if not self._complete:
            self._extend(10**9)
            self.events.history.emit()

    @property
    def error(self) -> str | None:
        """Why there is no run (no points, k too large, centres still to place), or None."""
        return self._error

    @property
    def warning(self) -> str | None:
        return self._warning

    @property
    def history(self) -> tuple[KMeansState, ...]:
        """The states computed so far (all of them once ``complete``)."""
        return tuple(self._history)

    @property
    def n_states(self) -> int:
        return len(self._history)

    @property
    def complete(self) -> bool:
        return self._complete

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def current(self) -> KMeansState | None:
        return self._history[self._cursor] if self._history else None

    def peek_next(self) -> KMeansState | None:
        """The state Step would go to, or None at the end (or while a worker has not made it yet).
        Never computes and never emits: every change of run or cursor computes one state ahead."""
        return self._history[self._cursor + 1] if self._cursor + 1 < len(self._history) else None

    @property
    def at_end(self) -> bool:
        return self.peek_next() is None

    def go_to(self, index: int) -> None:
        """Move the cursor to state ``index`` (clamped to the run)."""
        if not self._history:
            return
        # One state beyond the target too, so that peek_next and at_end can answer without
        # computing (reading must never change the run or emit).
        self.ensure(index + 2)
        index = int(min(max(index, 0), len(self._history) - 1))
        if index != self._cursor:
            self._cursor = index
            self.events.cursor.emit()

    def step(self) -> bool:
        """One half-step forward; False at the end of the run (or of what a worker has made)."""
        self.ensure(self._cursor + 2)  # a step may compute, or take in a worker's states
        if self.peek_next() is None:
            return False
        self.go_to(self._cursor + 1)
        return True

    def back(self) -> bool:
        """One half-step back; False at the start."""
        if self._cursor == 0:
            return False
        self.go_to(self._cursor - 1)
        return True

    def reset(self) -> None:
        """Back to the first state: the same initialisation, since the run is kept."""
        self.go_to(0)

    def run_to_end(self) -> None:
        self.ensure_all()
        self.go_to(len(self._history) - 1)

    def rerun(self) -> None:
        """Recompute the run from scratch (same parameters and points)."""
        self._restart()

    # ------------------------------------------------------------------ derived views
    def trail(self) -> np.ndarray:
        """ndarray of shape (m, k, d): the k centres after initialisation and after every update
        up to the cursor, for drawing each centroid's path (``project`` it for the canvas)."""
        out = [
            s.centers for s in self._history[: self._cursor + 1]
            if (s.phase == "update") or (s.phase == "init" and s.centers.shape[0] == self._params.k)
        ]
        return np.array(out) if out else np.empty((0, self._params.k, self.n_features))

    def objective_series(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x, objective, state index) for every computed state that has an objective (inertia,
        soft inertia or log-likelihood: the states' ``objective_name`` says which).

        ``x`` is :func:`chart_position`: the iteration, with updates half a step after their
        assignment, so the curve reads left to right in the order things happened.
        """
        xs, ys, idx = [], [], []
        for i, s in enumerate(self._history):
            if s.objective is not None:
                xs.append(chart_position(s))
                ys.append(s.objective)
                idx.append(i)
        return np.array(xs, dtype=float), np.array(ys, dtype=float), np.array(idx, dtype=int)

    inertia_series = objective_series  # the name from before the variants

    def _set_message(self, text: str) -> None:
        if text != self.message:
            self.message = text
            self.events.message.emit()

    # ------------------------------------------------------------------ sessions
    def to_dict(self) -> dict:
        """What restores this run besides the arrays, as JSON-able plain data: the parameters, the
        cursor, the dataset's options, and the table's feature names, source and view columns
        (the points, true labels and placed centres are in :meth:`arrays`)."""
        return {"params": asdict(self._params), "cursor": self._cursor, "dataset": self.dataset,
                "feature_names": None if self._data.feature_names is None else list(self._data.feature_names),
                "source": self._data.source,
                "label_names": None if self._data.label_names is None else list(self._data.label_names),
                "view_columns": None if self._view_columns is None else list(self._view_columns)}

    def arrays(self) -> dict[str, np.ndarray]:
        """``points`` of shape (n, d), ``manual_centers`` of shape (m, 2), float64, and
        ``true_labels`` of shape (n,), int64, when known; read-only."""
        out = {"points": self._points, "manual_centers": self._manual}
        if self._data.true_labels is not None:
            out["true_labels"] = self._data.true_labels
        return out

    def load_dict(self, data: dict, arrays: dict | None = None) -> None:
        """Restore what :meth:`to_dict` and :meth:`arrays` gave (the run is replayed up to the cursor).

        Without ``arrays`` the points and placed centres are read from ``data`` (lists are fine).
        Everything is checked first: on a ValueError, which names every problem, nothing changed.
        """
        table, params, manual, cursor, dataset, view_columns = self.validate_dict(data, arrays)
        # Views hear points, params, manual, run in that order (colours for the new run must
        # meet the new points), each once.
        with batched(self.events.points, self.events.params, self.events.manual, self.events.run):
            self._params = params
            self._manual = manual
            self.dataset = dataset
            self._view_columns = view_columns
            self._undo.clear()
            self._redo.clear()
            self.events.params.emit()
            self.events.manual.emit()
            self._apply_points(table, "replace")
        self.go_to(cursor)

    @staticmethod
    def validate_dict(data, arrays: dict | None = None) -> tuple:
        """Check what :meth:`load_dict` would take, changing nothing: (data as a TableData, params,
        placed centres, cursor, dataset, view columns), or a ValueError naming every problem
        (:func:`~kmeans_gui.state.explore_session.validate_explore`)."""
        return validate_explore(data, arrays)

    @classmethod
    def from_dict(cls, data: dict, arrays: dict | None = None, **kwargs) -> "AppState":
        state = cls(**kwargs)
        state.load_dict(data, arrays)
        return state
