"""Checking the Explore part of a session before anything changes.

:func:`validate_explore` reads what :meth:`AppState.to_dict <kmeans_gui.state.explore.AppState.to_dict>`
and ``arrays()`` gave (or a file's damaged copy of it) and returns the pieces :meth:`load_dict`
adopts, or raises one ValueError that names every problem, so a bad session never half-loads.
Sessions saved before tables (format 1) have neither names, source, view columns nor true labels,
and 2-D points; those saved before the variants have no algorithm parameters: both load as they
did. Qt-free.
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np

from .params import Params
from .table_data import TableData, _as_label_names, as_points

__all__ = ["validate_explore", "VARIANT_PARAMS"]

#: Parameters a session may lack (saved before the variants existed); their defaults apply.
VARIANT_PARAMS = frozenset({"algorithm", "batch_size", "beta", "covariance"})
ARRAY_NAMES = ("points", "manual_centers", "true_labels")
SETTING_NAMES = ("params", "cursor", "dataset", "feature_names", "source", "label_names", "view_columns")


def validate_explore(data, arrays: dict | None = None) -> tuple:
    """(data as a TableData, params, placed centres, cursor, dataset, view columns) from a session's
    Explore settings and arrays; ValueError naming every problem.

    Without ``arrays`` the arrays are read from ``data`` (lists are fine).
    """
    if not isinstance(data, dict):
        raise ValueError(f"Explore settings must be a dict (JSON object), not {type(data).__name__}.")
    arrays = dict(arrays) if arrays is not None else {k: data[k] for k in ARRAY_NAMES if k in data}
    problems = [f"unknown setting {key!r}" for key in data if key not in (*SETTING_NAMES, *ARRAY_NAMES)]
    problems += [f"unknown array {key!r}" for key in arrays if key not in ARRAY_NAMES]
    table = _table(data, arrays, problems)
    manual = None
    try:
        manual = as_points(arrays.get("manual_centers", np.empty((0, 2))), n_features=2)
    except (ValueError, TypeError) as exc:
        problems.append(f"manual_centers: {exc}".rstrip("."))
    params = _params(data.get("params"), problems)
    if params is not None and manual is not None and params.init == "manual" and manual.shape[0] > params.k:
        problems.append(f"{manual.shape[0]} placed centres for k = {params.k}")
    if params is not None and table is not None and params.init == "manual" and table.n_features != 2:
        problems.append(f"init 'manual' (centroids placed by hand) needs 2-D points; these have "
                        f"{table.n_features} features")
    cursor = data.get("cursor", 0)
    if isinstance(cursor, bool) or not isinstance(cursor, (int, np.integer)) or cursor < 0:
        problems.append(f"cursor={cursor!r} must be a whole number >= 0")
    dataset = data.get("dataset")
    if dataset is not None and not (isinstance(dataset, dict) and isinstance(dataset.get("name"), str)):
        problems.append("dataset must be null or a mapping with a 'name'")
    view_columns = _view_columns(data.get("view_columns"), table, problems)
    if problems:
        raise ValueError("Explore: " + "; ".join(problems) + ".")
    return table, params, manual, int(cursor), dataset, view_columns


def _table(data: dict, arrays: dict, problems: list) -> TableData | None:
    if "points" not in arrays:
        problems.append("missing 'points'")
        return None
    try:
        table = TableData.checked(arrays["points"], arrays.get("true_labels"), data.get("feature_names"),
                                  data.get("source"))
    except (ValueError, TypeError) as exc:
        problems.append(f"points: {exc}".rstrip("."))
        return None
    if data.get("label_names") is not None:
        try:
            table = replace(table, label_names=_as_label_names(data["label_names"], table.true_labels))
        except (ValueError, TypeError) as exc:
            problems.append(f"label_names={data['label_names']!r}: {exc}".rstrip("."))
    return table


def _params(raw, problems: list) -> Params | None:
    if not isinstance(raw, dict):
        problems.append("missing 'params'" if raw is None else "params must be a mapping")
        return None
    names = {f.name for f in fields(Params)}
    # Sessions saved before the variants have no algorithm parameters: they were Lloyd runs.
    unknown, missing = set(raw) - names, names - set(raw) - VARIANT_PARAMS
    if unknown:
        problems.append(f"unknown parameter(s) {', '.join(sorted(map(repr, unknown)))}")
    if missing:
        problems.append(f"missing parameter(s) {', '.join(sorted(map(repr, missing)))}")
    if unknown or missing:
        return None
    try:
        return Params(**raw).validated()
    except ValueError as exc:
        problems.append(str(exc).rstrip("."))
        return None


def _view_columns(raw, table: TableData | None, problems: list) -> tuple[int, int] | None:
    if raw is None:
        return None
    d = table.n_features if table is not None else None
    if (not isinstance(raw, (list, tuple)) or len(raw) != 2
            or not all(isinstance(c, int) and not isinstance(c, bool) for c in raw)
            or raw[0] == raw[1] or (d is not None and not all(0 <= c < d for c in raw))):
        problems.append(f"view_columns={raw!r} must be null or two different column indices"
                        + (f" from 0 to {d - 1}" if d else ""))
        return None
    return int(raw[0]), int(raw[1])
