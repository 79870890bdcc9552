"""The Explore data as a table of any width: points of shape (n, d), true labels, feature names,
and the 2-D view the canvas draws them through.

The run clusters the points in their full dimension; only the picture is 2-D. A
:class:`~kmeans_gui.data.projection.Projection` (PCA by default, or two chosen columns; the data's
own axes when d == 2) maps the points, every centroid and every trail into the canvas, so they
land together. Things that only make sense on the data's own plane (drawing points or centroids by
hand, Voronoi regions) are offered only when d == 2; :func:`planar_only_reason` says why not.

:class:`TableData` is one undoable snapshot of the data; :class:`TableMixin` gives
:class:`~kmeans_gui.state.explore.AppState` its table API (``set_table``, ``n_features``,
``projection``, ...). Qt-free.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import numpy as np

from ..data.projection import Projection, fit_projection
from ..engine._frozen import frozen

__all__ = ["TableData", "PreparedTable", "prepare_table", "TableMixin", "as_points", "line_projection", "planar_only_reason", "regions_hidden_reason",
           "adjusted_rand_index", "view_note"]


def as_points(X, *, n_features: int | None = None) -> np.ndarray:
    """``X`` as a read-only, C-contiguous float64 array of shape (n, d), checked.

    ``n_features``, when given, is the width required (2 for points drawn by hand). An empty input
    becomes shape (0, n_features or 2).
    """
    arr = np.array(X, dtype=np.float64, copy=True)
    if arr.size == 0 and (arr.ndim < 2 or arr.shape[0] == 0):  # no rows (3 rows of 0 features are refused)
        arr = np.empty((0, n_features or (arr.shape[1] if arr.ndim == 2 and arr.shape[1] else 2)))
    elif n_features == 2 and (arr.ndim != 2 or arr.shape[1] != 2):
        raise ValueError(f"Points must be an array of shape (n, 2) (one x, y row per point); got shape {arr.shape}.")
    elif arr.ndim != 2 or arr.shape[1] < 1 or (n_features is not None and arr.shape[1] != n_features):
        want = f"(n, {n_features})" if n_features is not None else "(n, d) with d >= 1"
        raise ValueError(f"Points must be an array of shape {want} (one row per point); got shape {arr.shape}.")
    if not np.isfinite(arr).all():
        raise ValueError("Points must be finite numbers (no NaN or inf).")
    return frozen(np.ascontiguousarray(arr))


def _as_labels(labels, n: int) -> np.ndarray | None:
    if labels is None:
        return None
    arr = np.asarray(labels)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"true_labels must have shape ({n},), one per point; got shape {arr.shape}.")
    if arr.dtype.kind not in "iub":
        if arr.dtype.kind == "f" and np.isfinite(arr).all() and (arr == np.round(arr)).all():
            arr = arr.astype(np.int64)
        else:
            raise ValueError("true_labels must be whole numbers (encode text labels as 0, 1, 2, ... first).")
    return frozen(np.ascontiguousarray(arr, dtype=np.int64))


def _as_names(names, d: int) -> tuple[str, ...] | None:
    if names is None:
        return None
    if isinstance(names, str):
        raise TypeError("feature_names must be a sequence of strings, one per column, not one string.")
    names = tuple(names)
    if len(names) != d or not all(isinstance(s, str) for s in names):
        raise ValueError(f"feature_names must be {d} strings, one per column; got {len(names)} item(s).")
    return names


def _as_label_names(names, labels: np.ndarray | None) -> tuple[str, ...] | None:
    """``names`` as a tuple of str naming the label codes 0, 1, ..., checked against ``labels``."""
    if names is None:
        return None
    if isinstance(names, str):
        raise TypeError("label_names must be a sequence of strings, one per label code, not one string.")
    try:
        names = tuple(names)
    except TypeError:
        raise TypeError(f"label_names must be a sequence of strings; got {type(names).__name__}.") from None
    if not all(isinstance(s, str) for s in names):
        raise TypeError("label_names must be strings, one per label code (0, 1, 2, ...).")
    if labels is None:
        raise ValueError("label_names name the true labels' codes, but there are no true labels: "
                         "give true_labels too, or no label_names.")
    if labels.size and (labels.min() < 0 or labels.max() >= len(names)):
        raise ValueError(f"label_names must name every label code: the true labels run from {int(labels.min())} "
                         f"to {int(labels.max())}, but {len(names)} name(s) were given (codes 0 to "
                         f"{len(names) - 1}).")
    return names


def _as_source(source):
    if source is None or isinstance(source, str):
        return source
    try:
        json.dumps(source)
    except (TypeError, ValueError):
        raise TypeError(f"source must be a string or JSON-able data (it is saved in sessions); "
                        f"got {type(source).__name__}.") from None
    return source


@dataclass(frozen=True, eq=False)
class TableData:
    """One state of the data: what undo brings back.

    Attributes
    ----------
    X : ndarray of shape (n, d), float64, read-only
    true_labels : ndarray of shape (n,), int64, read-only, or None
    feature_names : tuple of d str, or None (then "x", "y" or "feature 1", ...)
    source : str, JSON-able data or None
        Where the table came from (a CSV file's name, say), as the caller described it.
    label_names : tuple of str, or None
        What the true labels' codes stand for: ``label_names[true_labels[i]]`` is row i's class
        (a CSV's label column, say). None when the codes are all there is (or no true labels).
    """

    X: np.ndarray
    true_labels: np.ndarray | None = None
    feature_names: tuple[str, ...] | None = None
    source: object = None
    label_names: tuple[str, ...] | None = None

    @classmethod
    def checked(cls, X, true_labels=None, feature_names=None, source=None, *,
                n_features: int | None = None, label_names=None) -> "TableData":
        """A TableData from plain arguments, each checked (ValueError/TypeError naming the problem)."""
        X = as_points(X, n_features=n_features)
        labels = _as_labels(true_labels, X.shape[0])
        return cls(X, labels, _as_names(feature_names, X.shape[1]), _as_source(source),
                   _as_label_names(label_names, labels))

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def names(self) -> tuple[str, ...]:
        """The feature names, or "x", "y" for 2-D data and "feature 1", ... otherwise."""
        if self.feature_names is not None:
            return self.feature_names
        if self.n_features == 2:
            return ("x", "y")
        return tuple(f"feature {i + 1}" for i in range(self.n_features))

    @property
    def nbytes(self) -> int:
        return self.X.nbytes + (0 if self.true_labels is None else self.true_labels.nbytes)

    def subset(self, keep: np.ndarray) -> "TableData":
        """The rows where ``keep`` (bool, shape (n,)) is True, labels along."""
        labels = None if self.true_labels is None else frozen(self.true_labels[keep])
        return replace(self, X=frozen(np.ascontiguousarray(self.X[keep])), true_labels=labels)


@dataclass(frozen=True, eq=False)
class PreparedTable:
    """A checked table with its default 2-D view already computed, made off the GUI thread by
    :func:`prepare_table` and taken by ``set_table(prepared=...)`` without further work.

    Attributes
    ----------
    data : TableData
    projection : Projection
        The default view (PCA for d > 2, the data's own axes for d == 2, a line for d == 1).
    view_points : ndarray of shape (n, 2), read-only
        ``data.X`` through ``projection``.
    view_bounds : tuple of two ndarrays of shape (2,), or None
        (lowest, highest) of ``view_points``' columns; None when there are no points.
    """

    data: TableData
    projection: Projection
    view_points: np.ndarray
    view_bounds: tuple[np.ndarray, np.ndarray] | None


def prepare_table(X, *, true_labels=None, feature_names=None, source=None, label_names=None) -> PreparedTable:
    """Check a table and fit its default view: the slow part of ``set_table``, for a worker.

    Arguments as :meth:`TableMixin.set_table`'s; on 1,000,000 x 3 points the copy, the checks, the
    PCA and the projection take 0.1-1 s, which the GUI thread must not spend. Raises
    ValueError/TypeError naming the problem.
    """
    data = TableData.checked(X, true_labels, feature_names, source, label_names=label_names)
    projection, shown = fit_view(data, None)
    return PreparedTable(data, projection, shown, column_bounds(shown))


def fit_view(data: TableData, columns: tuple[int, int] | None) -> tuple[Projection, np.ndarray]:
    """The view of ``data`` (``columns``, or the default) and its points as drawn, shape (n, 2)."""
    if data.n_features == 1:
        proj = line_projection(data.names[0])
    elif data.n_features > 2 and columns is None and data.X.shape[0] < 2:
        proj = fit_projection(data.X, columns=(0, 1), names=data.names)  # too few rows for PCA
    else:
        proj = fit_projection(data.X, columns=columns, names=data.names)
    shown = proj.transform(data.X) if data.n_features != 2 or columns else data.X
    return proj, frozen(np.ascontiguousarray(shown))


def column_bounds(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(lowest, highest) of each column of ``xy`` (n, d); None when n == 0.

    Column by column: ``xy.min(axis=0)`` on a narrow C-ordered array is many times slower
    (50 ms against 2 ms at 1,000,000 x 2 here).
    """
    if xy.shape[0] == 0:
        return None
    return (np.array([xy[:, j].min() for j in range(xy.shape[1])]),
            np.array([xy[:, j].max() for j in range(xy.shape[1])]))


def line_projection(name: str = "x") -> Projection:
    """The view of 1-D data: each value along the horizontal axis, at height zero."""
    return Projection("line", np.zeros(1), np.array([[1.0], [0.0]]), (name, "(one feature: all at 0)"))


def planar_only_reason(n_features: int, what: str = "Drawing points") -> str | None:
    """Why ``what`` (something done on the canvas' plane) is off for d-D data; None when d == 2."""
    if n_features == 2:
        return None
    if n_features == 1:
        return f"{what} needs 2-D data; these data have one feature, shown along a line."
    return (f"{what} needs 2-D data; these data have {n_features} features, shown through a 2-D "
            f"projection, and a click on it is no point in {n_features}-D.")


def regions_hidden_reason(n_features: int) -> str | None:
    """Why Voronoi regions are not drawn; None when they are truthful (d == 2)."""
    if n_features == 2:
        return None
    return (f"Regions hidden: the clustering is in {n_features}-D; a 2-D picture of its regions "
            "would mislead.")


class TableMixin:
    """The table API of :class:`~kmeans_gui.state.explore.AppState` (which supplies ``_data``,
    ``_push_undo``, ``_apply_points``, ``_params``, ``events``, ``_data_version``)."""

    _view_columns: tuple[int, int] | None = None
    # (data version, view columns, Projection, view points, view bounds or None when not computed)
    _projection_cache: tuple | None = None

    # ------------------------------------------------------------------ the table
    def set_table(self, X=None, *, true_labels=None, feature_names=None, source=None, label_names=None,
                  prepared: PreparedTable | None = None, k: int | None = None) -> None:
        """Replace the data with a table of any width (undoable, one step).

        Parameters
        ----------
        X : array-like of shape (n, d), d >= 1
            Clustered as it is, in all d features (standardise first if units differ).
        true_labels : array-like of shape (n,) of whole numbers, optional
            Known groups, kept for scoring the clustering against (never clustered).
        feature_names : sequence of d str, optional
            For the axis titles and the column choice; default "feature 1", ... ("x", "y" in 2-D).
        source : str or JSON-able data, optional
            Where the table came from (saved in sessions, shown in titles).
        label_names : sequence of str, optional
            What the true labels' codes 0, 1, ... stand for (needs ``true_labels``; every code
            must have a name). Written by the CSV export in place of the codes.
        prepared : PreparedTable, optional
            Instead of all the above: a table :func:`prepare_table` checked and projected on a
            worker, taken as it is (no copy, no PCA on this thread).
        k : int, optional
            The number of clusters to look for in the new data (say, as many as its true classes),
            set in the same undo step; None keeps the current k.

        Placed centroids belong to the old data, so they are cleared; a "manual" initialisation
        becomes k-means++ unless the table is 2-D (placing needs the data's plane). The view goes
        back to PCA. Raises ValueError/TypeError, changing nothing, on bad input.
        """
        from .params import Params

        view = None
        if prepared is not None:
            if not isinstance(prepared, PreparedTable):
                raise TypeError(f"prepared must be a PreparedTable (from prepare_table); got {type(prepared).__name__}.")
            if X is not None or any(a is not None for a in (true_labels, feature_names, source, label_names)):
                raise TypeError("set_table takes either a prepared table or X and its details, not both.")
            table, view = prepared.data, (prepared.projection, prepared.view_points, prepared.view_bounds)
        elif X is None:
            raise TypeError("set_table needs the points X (or a prepared table).")
        else:
            table = TableData.checked(X, true_labels, feature_names, source, label_names=label_names)
        params: Params | None = None
        if table.n_features != 2 and self._params.init == "manual":
            params = replace(self._params, init="k-means++").validated()
        if k is not None and k != self._params.k:
            params = replace(params or self._params, k=k).validated()  # ValueError before anything changed
        self._push_undo(whole=True)
        self.dataset = None
        self._view_columns = None
        self._apply_points(table, "replace", params, manual=frozen(np.empty((0, 2))), view=view)

    @property
    def table(self) -> TableData:
        """The current data with its labels, names and source."""
        return self._data

    @property
    def n_features(self) -> int:
        """d: how many numbers describe each point (the run clusters in all of them)."""
        return self._data.n_features

    @property
    def is_planar(self) -> bool:
        """True when the canvas shows the data's own plane (d == 2): drawing, placing centroids
        and Voronoi regions are truthful only then."""
        return self._data.n_features == 2

    @property
    def feature_names(self) -> tuple[str, ...]:
        """d names: the table's, or "x", "y" (2-D) / "feature 1", ... when it had none."""
        return self._data.names

    @property
    def true_labels(self) -> np.ndarray | None:
        """ndarray of shape (n,), int64, read-only: the known groups, or None."""
        return self._data.true_labels

    @property
    def label_names(self) -> tuple[str, ...] | None:
        """What the true labels' codes stand for (``label_names[code]``), or None."""
        return self._data.label_names

    @property
    def source(self):
        return self._data.source

    @property
    def view_columns(self) -> tuple[int, int] | None:
        """The two columns the canvas shows, or None for the default view (PCA; own axes in 2-D)."""
        return self._view_columns

    def set_view_columns(self, columns) -> None:
        """Show two chosen columns ``(i, j)`` (0-based), or None for the default view.

        Only the picture changes (``events.projection``); the run, which is in full dimension,
        stays. Not an undo step. ValueError for columns outside the data or equal.
        """
        if columns is not None:
            d = self.n_features
            try:
                i, j = (int(c) for c in columns)
            except (TypeError, ValueError):
                raise ValueError(f"view columns must be None or a pair of column indices; got {columns!r}.") from None
            if i == j or not (0 <= i < d and 0 <= j < d):
                raise ValueError(f"view columns {columns!r} must be two different indices from 0 to {d - 1}.")
            columns = (i, j)
        if columns != self._view_columns:
            self._view_columns = columns
            self.events.projection.emit()

    def _fit_view(self) -> tuple:
        cache = self._projection_cache
        key = (self._data_version, self._view_columns)
        if cache is None or cache[:2] != key:
            self._projection_cache = cache = (*key, *fit_view(self._data, self._view_columns), None)
        return cache

    def _seed_view(self, view: tuple) -> None:
        """Take (projection, view points, bounds) computed elsewhere for the current data, default view."""
        self._projection_cache = (self._data_version, self._view_columns, *view)

    @property
    def projection(self) -> Projection:
        """How the canvas shows the data: fitted once per data (PCA for d > 2 unless columns were
        chosen; the data's own axes for d == 2; a line for d == 1)."""
        return self._fit_view()[2]

    @property
    def view_points(self) -> np.ndarray:
        """ndarray of shape (n, 2), read-only: the points as the canvas draws them."""
        return self._fit_view()[3]

    @property
    def view_bounds(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(lowest, highest) of ``view_points``' two columns, each of shape (2,); None without
        points. Computed once per view (or on the worker that prepared the table)."""
        cache = self._fit_view()
        if cache[4] is None and cache[3].shape[0]:
            self._projection_cache = cache = (*cache[:4], column_bounds(cache[3]))
        return cache[4]

    def project(self, A) -> np.ndarray:
        """Rows of shape (..., d) in the data's space (centroids, trails) to shape (..., 2)."""
        A = np.asarray(A, dtype=np.float64)
        if A.shape[-1] != self.n_features:
            raise ValueError(f"expected rows of {self.n_features} features; got shape {A.shape}.")
        if A.size == 0:
            return np.empty((*A.shape[:-1], 2))
        if self.n_features == 2 and self._view_columns is None:
            return A
        return self.projection.transform(A.reshape(-1, A.shape[-1])).reshape(*A.shape[:-1], 2)

    def planar_only_reason(self, what: str = "Drawing points") -> str | None:
        """Why ``what`` is refused on these data (d != 2); None when it is offered."""
        return planar_only_reason(self.n_features, what)

    @property
    def regions_hidden_reason(self) -> str | None:
        return regions_hidden_reason(self.n_features)

    _score_cache: tuple | None = None  # (run version, cursor, score)

    def true_label_score(self) -> float | None:
        """Adjusted Rand index of the current state's clusters against the true labels, or None
        (no true labels, or no clustering yet): 1 is the same grouping, about 0 is chance."""
        s = self.current
        labels = self.true_labels
        if labels is None or s is None or getattr(s, "labels", None) is None or s.labels.shape != labels.shape:
            return None
        key = (self.run_version, self.cursor)
        if self._score_cache is None or self._score_cache[:2] != key:
            self._score_cache = (*key, adjusted_rand_index(labels, s.labels))
        return self._score_cache[2]


def adjusted_rand_index(truth, labels) -> float:
    """Adjusted Rand index of two labelings of the same n points (as scikit-learn's
    ``adjusted_rand_score``; here so the GUI need not import scikit-learn mid-step).

    Parameters
    ----------
    truth, labels : array-like of shape (n,), whole numbers

    Returns
    -------
    float
        1.0 for the same grouping (whatever the label numbers), about 0 for chance, below 0
        for worse than chance. 1.0 when both put everything together or everything apart.
    """
    a, b = _codes(truth), _codes(labels)
    if a.shape != b.shape:
        raise ValueError(f"two labelings of the same points are needed; got {a.shape[0]} and {b.shape[0]} labels.")
    n = a.shape[0]
    if n == 0:
        return 1.0
    width = int(b.max()) + 1
    table = np.bincount(a * width + b).astype(np.float64)

    def pairs(counts):
        return float((counts * (counts - 1.0)).sum() / 2.0)

    together = pairs(table)
    rows, cols = pairs(np.bincount(a).astype(np.float64)), pairs(np.bincount(b).astype(np.float64))
    expected = rows * cols / (n * (n - 1.0) / 2.0) if n > 1 else 0.0
    best = (rows + cols) / 2.0
    if best == expected:
        return 1.0
    return (together - expected) / (best - expected)


def _codes(labels) -> np.ndarray:
    """Labels as small whole numbers >= 0 (unused numbers only add empty rows to the table)."""
    arr = np.asarray(labels).ravel()
    if arr.dtype.kind in "iu" and arr.size and 0 <= arr.min() and arr.max() < 4096:
        return arr.astype(np.intp, copy=False)  # cluster labels and class numbers: no sort needed
    return np.unique(arr, return_inverse=True)[1].ravel()


def view_note(state) -> str:
    """The line over the canvas: what the picture is when it is not the data's own plane (what
    is hidden or refused, and why), and the score against the true classes when they are known.

    ``state`` is an :class:`~kmeans_gui.state.explore.AppState`; "" when there is nothing to say.
    """
    parts = []
    d = state.n_features
    if d != 2:
        proj = state.projection
        if d == 1:
            parts.append("One feature, shown along a line.")
        elif proj.kind == "pca":
            parts.append(f"Clustered in all {d} features; shown through PCA.")
        else:
            parts.append(f"Clustered in all {d} features; shown by two of them.")
        parts.append(regions_hidden_reason(d))
        parts.append("Drawing points or centroids needs 2-D data.")
    lines = [" ".join(parts)] if parts else []
    if state.true_labels is not None:
        # Said from the first state on (not only once points are assigned), so the line's height
        # never changes during a run.
        score = state.true_label_score()
        lines.append("Against the true classes: " + ("no clusters yet." if score is None else
                     f"adjusted Rand index {score:.2f} (1 = the same groups, 0 = chance)."))
    return "\n".join(lines)

