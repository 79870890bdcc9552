"""Qt-free application state: the points, the parameters, the current run and a cursor into it.

Views subscribe to :class:`Event` objects in ``state.events`` and redraw from the state; controls
call methods here. Nothing in this module imports Qt, so the whole behaviour of the explorer
(editing, undo, stepping, rewinding, sessions) is testable with plain pytest.

A run is the list of :class:`~kmeans_gui.engine.KMeansState` objects ``kmeans_steps`` yields,
computed eagerly up to a small time budget and lazily after that; the cursor indexes into it.
Because a run is a pure function of (points, params, placed centres), a session is saved as those
three plus the cursor, and restoring it replays the run.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import asdict, dataclass, fields, replace
from types import SimpleNamespace
from typing import Iterator

import numpy as np

from ..engine import FewDistinctPointsWarning, KMeansState, kmeans_steps
from . import words
from .events import Event, batched

__all__ = ["Params", "AppState", "INIT_LABELS", "EMPTY_POLICY_LABELS", "MAX_K"]

# init value -> what the GUI calls it. "manual" means the user places the k centres by clicking.
INIT_LABELS = {
    "random": "Random",
    "k-means++": "k-means++",
    "farthest": "Farthest point",
    "manual": "Place by clicking",
}
EMPTY_POLICY_LABELS = {"farthest": "Move to farthest point", "keep": "Keep in place"}
MAX_K = 50
SESSION_VERSION = 1


@dataclass(frozen=True)
class Params:
    """The algorithm's parameters. ``init`` is one of :data:`INIT_LABELS`."""

    k: int = 4
    init: str = "k-means++"
    seed: int = 0
    max_iter: int = 300
    tol: float = 1e-4
    empty_policy: str = "farthest"

    def validated(self) -> "Params":
        """Return self, or raise ValueError saying which value is wrong and why."""
        if isinstance(self.k, bool) or not isinstance(self.k, (int, np.integer)) or not 1 <= self.k <= MAX_K:
            raise ValueError(f"k={self.k!r} must be a whole number from 1 to {MAX_K}.")
        if self.init not in INIT_LABELS:
            raise ValueError(f"init={self.init!r} must be one of: {', '.join(INIT_LABELS)}.")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise ValueError(f"seed={self.seed!r} must be a whole number >= 0.")
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, (int, np.integer)) or self.max_iter < 1:
            raise ValueError(f"max_iter={self.max_iter!r} must be a whole number >= 1.")
        if not isinstance(self.tol, (int, float, np.number)) or not np.isfinite(self.tol) or self.tol < 0:
            raise ValueError(f"tol={self.tol!r} must be a finite number >= 0.")
        if self.empty_policy not in EMPTY_POLICY_LABELS:
            raise ValueError(f"empty_policy={self.empty_policy!r} must be one of: {', '.join(EMPTY_POLICY_LABELS)}.")
        return self


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _as_points(X) -> np.ndarray:
    if (isinstance(X, np.ndarray) and X.dtype == np.float64 and X.flags.c_contiguous
            and X.flags.owndata and not X.flags.writeable):
        arr = X  # its own read-only memory (a session's array, another state's points): share it
    else:
        arr = np.array(X, dtype=np.float64, copy=True)
    if arr.size == 0:
        arr = np.empty((0, 2))
    elif arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"Points must be an array of shape (n, 2) (one x, y row per point); got shape {arr.shape}.")
    if not np.isfinite(arr).all():
        raise ValueError("Points must be finite numbers (no NaN or inf).")
    return _readonly(np.ascontiguousarray(arr))


def _as_params(data) -> Params:
    if not isinstance(data, dict):
        raise ValueError(f"must be a mapping, not {type(data).__name__}")
    names = {f.name for f in fields(Params)}
    wrong = [f"unknown {key!r}" for key in data if key not in names] + [f"missing {n!r}" for n in names if n not in data]
    if wrong:
        raise ValueError(", ".join(wrong))
    return Params(**data).validated()


def _as_cursor(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{value!r} must be a whole number >= 0")
    return int(value)


def _as_dataset(value) -> dict | None:
    if value is not None and not (isinstance(value, dict) and isinstance(value.get("name"), str)):
        raise ValueError(f"{value!r} must be null or a mapping with a 'name'")
    return value


class AppState:
    """Points, parameters, the current run and where the cursor is in it.

    Events (``state.events.<name>``, emitted with no arguments)
    ------
    points : the points changed (``points_change`` says "edit" or "replace")
    params : the parameters changed
    manual : the user-placed initial centres changed
    run : a new run replaced the old one (history, cursor and error all changed)
    history : more states of the same run were computed
    cursor : the cursor moved to another state of the same run
    message : ``state.message`` changed (a one-line note for the status bar)

    Parameters
    ----------
    points : array-like of shape (n, 2), optional
    params : Params, optional
    eager_budget_s : float
        After a restart, compute the run ahead for up to this long, so the timeline and the
        convergence chart know the whole run at once; the rest is computed when stepped into.
    """

    max_undo = 100
    max_undo_bytes = 400_000_000

    def __init__(self, points=None, params: Params | None = None, *, eager_budget_s: float = 0.2):
        self.events = SimpleNamespace(
            **{name: Event(name) for name in ("points", "params", "manual", "run", "history", "cursor", "message")}
        )
        self._points = _as_points(np.empty((0, 2)) if points is None else points)
        self._data_version = 0
        self._params = (params or Params()).validated()
        self._manual = _readonly(np.empty((0, 2)))
        self._undo: list[np.ndarray] = []
        self._redo: list[np.ndarray] = []
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
        self.run_version = 0
        self._restart()

    # ------------------------------------------------------------------ points
    @property
    def points(self) -> np.ndarray:
        """ndarray of shape (n, 2), float64, read-only."""
        return self._points

    @property
    def n_points(self) -> int:
        return self._points.shape[0]

    @property
    def data_version(self) -> int:
        return self._data_version

    def set_points(self, X, *, record: bool = True, kind: str = "replace") -> None:
        """Replace the points (undoable when ``record``); ``kind`` tells views whether to re-frame."""
        new = _as_points(X)
        if record:
            self._push_undo(self._points)
            self._redo.clear()
        self._apply_points(new, kind)

    def add_points(self, P) -> None:
        """Append points of shape (m, 2) (one undo step)."""
        P = _as_points(P)
        if P.shape[0]:
            self.set_points(np.concatenate([self._points, P]), kind="edit")

    def remove_nearest(self, x: float, y: float, max_distance: float | None = None) -> int | None:
        """Remove the point nearest to (x, y), if any lies within ``max_distance``; return its old index."""
        if self.n_points == 0:
            return None
        d2 = np.einsum("ij,ij->i", self._points - (x, y), self._points - (x, y))
        i = int(np.argmin(d2))
        if max_distance is not None and d2[i] > max_distance**2:
            return None
        self.remove_points([i])
        return i

    def remove_points(self, indices) -> None:
        keep = np.ones(self.n_points, dtype=bool)
        keep[np.asarray(indices, dtype=np.intp)] = False
        if not keep.all():
            self.set_points(self._points[keep], kind="edit")

    def clear(self) -> None:
        if self.n_points:
            self.set_points(np.empty((0, 2)), kind="edit")

    def load_dataset(self, name: str, k: int | None = None, **options) -> None:
        """Replace the points with a built-in dataset (undoable). Options go to ``make_dataset``.

        ``k``, when given, becomes the number of clusters too (if the new data has at least k
        points), with a single restart of the run.
        """
        from ..data.datasets import make_dataset

        X = _as_points(make_dataset(name, **options))
        params = None
        if k is not None and k <= max(X.shape[0], 1):
            params = replace(self._params, k=k).validated()
        self.dataset = {"name": name, **options}
        self._push_undo(self._points)
        self._redo.clear()
        self._apply_points(X, "replace", params)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self._points)
        self._apply_points(self._undo.pop(), "edit")
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._push_undo(self._points, clear_redo=False)
        self._apply_points(self._redo.pop(), "edit")
        return True

    def _push_undo(self, points: np.ndarray, clear_redo: bool = True) -> None:
        self._undo.append(points)  # arrays are read-only, so sharing them is safe
        while len(self._undo) > self.max_undo or (
            len(self._undo) > 1 and sum(a.nbytes for a in self._undo) > self.max_undo_bytes
        ):
            self._undo.pop(0)

    def _apply_points(self, new: np.ndarray, kind: str, params: "Params | None" = None) -> None:
        self._points = new
        self._data_version += 1
        self.points_change = kind
        self.events.points.emit()
        if params is not None:
            self._adopt_params(params)
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
        if self._adopt_params(replace(self._params, **changes).validated()):
            self._restart()

    def _adopt_params(self, new: Params) -> bool:
        """Take ``new`` (validated) and say so, without restarting; False when nothing changed."""
        if new == self._params:
            return False
        self._params = new
        if new.init == "manual" and self._manual.shape[0] > new.k:
            self._manual = _readonly(self._manual[: new.k].copy())
            self.events.manual.emit()
        self.events.params.emit()
        return True

    def new_seed(self) -> None:
        """Next seed: a different random initialisation (placed centres are kept)."""
        self.set_params(seed=(self._params.seed + 1) % (2**31))

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
        self._manual = _readonly(np.vstack([self._manual, [x, y]]))
        self.events.manual.emit()
        self._restart()
        return True

    def move_manual_center(self, index: int, x: float, y: float) -> None:
        m = self._manual.copy()
        m[index] = (x, y)
        self._manual = _readonly(m)
        self.events.manual.emit()
        self._restart()

    def clear_manual_centers(self) -> None:
        self._manual = _readonly(np.empty((0, 2)))
        self.events.manual.emit()
        self._restart()

    # ------------------------------------------------------------------ the run
    def make_steps(self) -> Iterator[KMeansState]:
        """The step generator for the current points and parameters (override for other algorithms)."""
        p = self._params
        init = self._manual.copy() if p.init == "manual" else p.init
        return kmeans_steps(
            self._points, p.k, init=init, max_iter=p.max_iter, tol=p.tol,
            empty_policy=p.empty_policy, random_state=p.seed, observe_init=True,
        )

    def _problem(self) -> str | None:
        """Why no run can start now, in words for the status line; None when it can."""
        return words.no_run_problem(self.n_points, self._params.k, self.needs_centers, self._manual.shape[0])

    def _restart(self) -> None:
        self._history = []
        self._cursor = 0
        self._complete = True
        self._steps = None
        self._error = self._problem()
        self._warning = None
        if self._error is None:
            self._steps = self.make_steps()
            self._complete = False
            try:
                self._extend(2)  # the first state and the one after it (see peek_next)
            except ValueError as exc:
                self._error = str(exc)
                self._history, self._steps, self._complete = [], None, True
        if self._error is None:
            deadline = time.perf_counter() + self.eager_budget_s
            while not self._complete and time.perf_counter() < deadline:
                self._extend(len(self._history) + 1)
        self.run_version += 1
        self._set_message(self._error or self._warning or "")
        self.events.run.emit()

    def _extend(self, length: int) -> bool:
        """Compute states until the history holds ``length`` of them (or the run ended)."""
        grew = False
        while len(self._history) < length and not self._complete:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                state = next(self._steps, None)
            for w in caught:
                self._warning = self._friendly_warning(w, state)
            if state is None:
                self._complete, self._steps = True, None
                break
            self._history.append(state)
            grew = True
            if state.is_final:
                self._complete, self._steps = True, None
        return grew

    def _friendly_warning(self, w: warnings.WarningMessage, state: KMeansState | None) -> str:
        if not issubclass(w.category, FewDistinctPointsWarning):
            return str(w.message)
        k = self._params.k
        distinct = len(np.unique(self._points, axis=0))
        if distinct < k:
            return words.few_distinct_points(distinct, k)
        # Enough distinct points: the clusters emptied during the run (the "keep" policy leaves them so).
        n_empty = k - len(np.unique(state.labels)) if state is not None and state.labels is not None else None
        return words.clusters_ended_empty(n_empty, self._params.empty_policy)

    def ensure(self, length: int) -> None:
        """Make sure at least ``length`` states are computed (fewer if the run ends first)."""
        if self._extend(length):
            self.events.history.emit()

    def ensure_all(self) -> None:
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
        """The state Step would go to, or None at the end. Never computes and never emits: every
        change of run or cursor computes one state ahead of the cursor."""
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
        """One half-step forward; False at the end of the run."""
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
        """ndarray of shape (m, k, 2): the k centres after initialisation and after every update
        up to the cursor, for drawing each centroid's path."""
        out = [
            s.centers for s in self._history[: self._cursor + 1]
            if (s.phase == "update") or (s.phase == "init" and s.centers.shape[0] == self._params.k)
        ]
        return np.array(out) if out else np.empty((0, self._params.k, 2))

    def inertia_series(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x, inertia, state index) for every computed state that has an inertia.

        ``x`` is the iteration, with updates half a step after their assignment, so the curve
        reads left to right in the order things happened.
        """
        xs, ys, idx = [], [], []
        for i, s in enumerate(self._history):
            if s.inertia is not None:
                xs.append(s.iteration + (0.5 if s.phase == "update" else 0.0))
                ys.append(s.inertia)
                idx.append(i)
        return np.array(xs, dtype=float), np.array(ys, dtype=float), np.array(idx, dtype=int)

    def _set_message(self, text: str) -> None:
        if text != self.message:
            self.message = text
            self.events.message.emit()

    # ------------------------------------------------------------------ sessions
    def to_dict(self) -> dict:
        """Everything needed to restore this session: plain data, and the points and placed
        centres as read-only arrays (shared, not copied; ``state.session`` stores them as .npy)."""
        return {
            "version": SESSION_VERSION,
            "points": self._points,
            "params": asdict(self._params),
            "manual_centers": self._manual,
            "cursor": self._cursor,
            "dataset": self.dataset,
        }

    def validate_dict(self, data) -> dict:
        """The cleaned contents of ``data`` (as :meth:`to_dict` makes it), or ValueError naming
        every problem. Changes nothing."""
        if not isinstance(data, dict):
            raise ValueError(f"the Explore settings must be a mapping, not {type(data).__name__}.")
        keys = ("version", "points", "params", "manual_centers", "cursor", "dataset")
        problems = [f"missing {key!r}" for key in keys if key not in data]
        problems += [f"unknown {key!r}" for key in data if key not in keys]
        if problems:
            raise ValueError("; ".join(problems) + ".")
        if data["version"] != SESSION_VERSION:
            raise ValueError(f"version {data['version']!r} is not supported; expected {SESSION_VERSION}.")
        cleaned = {}
        for key, clean in (("points", _as_points), ("manual_centers", _as_points), ("params", _as_params),
                           ("cursor", _as_cursor), ("dataset", _as_dataset)):
            try:
                cleaned[key] = clean(data[key])
            except (ValueError, TypeError) as exc:
                problems.append(f"{key}: {str(exc).rstrip('.')}")
        if not problems and cleaned["manual_centers"].shape[0] > cleaned["params"].k:
            problems.append(f"manual_centers: {cleaned['manual_centers'].shape[0]} placed centres for k = "
                            f"{cleaned['params'].k}")
        if problems:
            raise ValueError("; ".join(problems) + ".")
        return cleaned

    def load_dict(self, data: dict) -> None:
        """Restore a session made by :meth:`to_dict` (the run is replayed up to the cursor).
        Everything is checked first: on ValueError nothing changed."""
        clean = self.validate_dict(data)
        # Views hear points, params, manual, run in that order (colours for the new run must
        # meet the new points), each once.
        with batched(self.events.points, self.events.params, self.events.manual, self.events.run):
            self._params = clean["params"]
            self._manual = clean["manual_centers"]
            self.dataset = clean["dataset"]
            self._undo.clear()
            self._redo.clear()
            self.events.params.emit()
            self.events.manual.emit()
            self._apply_points(clean["points"], "replace")
        self.go_to(clean["cursor"])

    @classmethod
    def from_dict(cls, data: dict, **kwargs) -> "AppState":
        state = cls(**kwargs)
        state.load_dict(data)
        return state
