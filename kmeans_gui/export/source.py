"""What a headless command clusters: a built-in dataset, a CSV table or a saved session, with the
algorithm (Lloyd or a variant) and its parameters.

Shared by ``snapshot``, ``export-gif`` and ``filmstrip`` so ``--data FILE.csv`` means the same
everywhere, and by the window's own GIF and filmstrip export (:meth:`RunSource.from_explore`). A
built-in dataset is generated with the same options the window uses, and the run is the one the
window's Explore tab would make: the same generator with the same options
(:func:`~kmeans_gui.state.run_steps.make_run_steps`). A table is clustered in its full dimension;
the pictures show it through a 2-D :class:`~kmeans_gui.data.projection.Projection`. No Qt is
imported.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field, replace
from typing import Iterator

import numpy as np

from ..data.datasets import DATASETS, dataset_features, make_dataset
from ..data.projection import Projection, fit_projection
from ..engine import KMeansState
from ..engine.inits import INIT_NAMES
from ..state import MAX_K
from ..state.params import ALGORITHM_LABELS, COVARIANCE_LABELS, Params
from ..state.run_steps import make_run_steps

__all__ = ["RunSource", "add_source_arguments", "add_table_arguments", "add_variant_arguments", "load_source",
           "output_problem", "parse_size", "variant_options", "INITS", "MAX_ITER", "TOL"]

INITS = (*INIT_NAMES, "manual")  # "manual": k seeded random points, as the window's clicks would be
# The Explore tab's defaults (state.Params), so a picture shows the run the window would show.
MAX_ITER = 300
TOL = 1e-4


def add_table_arguments(parser: argparse.ArgumentParser) -> None:
    """``--data FILE.csv`` and the options that say how to read it."""
    parser.add_argument("--data", metavar="FILE.csv",
                        help="cluster a CSV table instead of a dataset, in all its feature columns")
    parser.add_argument("--columns", metavar="A,B,C",
                        help="feature columns of --data by name (default: every numeric column)")
    parser.add_argument("--label-column", metavar="NAME", help="column of true labels in --data (not clustered)")
    parser.add_argument("--standardize", action="store_true", help="scale --data's features to mean 0, sd 1")
    parser.add_argument("--drop-missing", action="store_true",
                        help="drop rows of --data with missing, NaN or infinite values")
    parser.add_argument("--axes", dest="view_columns", metavar="A,B",
                        help="show these two columns of --data instead of its PCA plane")


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """Every option that chooses the data and the run (for export-gif and filmstrip)."""
    parser.add_argument("--dataset", choices=list(DATASETS), default=None, help="built-in dataset (default blobs)")
    add_table_arguments(parser)
    parser.add_argument("--n", type=int, default=600, help="points for generated datasets (default 600)")
    parser.add_argument("--k", type=int, default=None,
                        help="number of clusters (default: the dataset's, or the number of true labels)")
    parser.add_argument("--init", choices=INITS, default=None,
                        help="initialisation (default k-means++); 'manual' places the centres on k seeded random points")
    parser.add_argument("--seed", type=int, default=None, help="seed for the data and the initialisation (default 0)")
    add_variant_arguments(parser)
    parser.add_argument("--session", metavar="FILE",
                        help="picture the Explore run of a saved session (.kmsession): its points, parameters "
                             "and placed centres")


def add_variant_arguments(parser: argparse.ArgumentParser) -> None:
    """``--algorithm`` and each variant's own parameter, as ``snapshot`` has them."""
    parser.add_argument("--algorithm", choices=list(ALGORITHM_LABELS), default=None,
                        help="lloyd (default), minibatch, soft (soft k-means) or gmm (Gaussian mixture)")
    parser.add_argument("--batch", type=int, default=None, help="mini-batch: points per batch (default 50)")
    parser.add_argument("--beta", type=float, default=None,
                        help="soft k-means: inverse temperature beta >= 0 (default 1)")
    parser.add_argument("--covariance", choices=list(COVARIANCE_LABELS), default=None,
                        help="Gaussian mixture: covariance type (default full)")


def variant_options(args: argparse.Namespace) -> dict:
    """``Params`` fields from ``--algorithm``, ``--batch``, ``--beta`` and ``--covariance``;
    ValueError for a parameter given to an algorithm it does not apply to."""
    algorithm = getattr(args, "algorithm", None) or "lloyd"
    out = {"algorithm": algorithm}
    for option, name, applies_to in (("batch", "batch_size", "minibatch"), ("beta", "beta", "soft"),
                                     ("covariance", "covariance", "gmm")):
        value = getattr(args, option, None)
        if value is None:
            continue
        if algorithm != applies_to:
            raise ValueError(f"--{option} applies to --algorithm {applies_to} only (not {algorithm})")
        out[name] = value
    return out


def output_problem(path: str, option: str, suffix: str) -> str | None:
    """Why ``path`` (given as ``option``) cannot be written, in one line; None when it can."""
    if os.path.isdir(path):
        return f"{option} {path} is a folder; give a file name such as out{suffix}"
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"{option} {path}: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"{option} {path}: the folder {folder} cannot be written to"
    return None


def parse_size(text: str, *, minimum: int = 160, maximum: int = 4096) -> tuple[int, int]:
    """``"960x640"`` -> (960, 640); ValueError naming the option otherwise."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--size {text!r} must look like 960x640") from None
    if not (minimum <= w <= maximum and minimum <= h <= maximum):
        raise ValueError(f"--size {text!r}: width and height must be from {minimum} to {maximum} pixels")
    return w, h


@dataclass(frozen=True, eq=False)
class RunSource:
    """The data, how to show them, and the run's parameters.

    Attributes
    ----------
    X : ndarray of shape (n, d), float64
        What is clustered (d may exceed 2).
    names : tuple of str
        Feature names, length d.
    title : str
        "Blobs", or the CSV file's name.
    projection : Projection
        How the pictures show points and centroids (identity on 2-D data).
    k : int
    init : str
    seed : int
    algorithm : str
        "lloyd", "minibatch", "soft" or "gmm".
    options : dict
        The rest of the run's :class:`~kmeans_gui.state.params.Params` (``batch_size``, ``beta``,
        ``covariance``, ``max_iter``, ``tol``, ``empty_policy``); absent ones take the Explore
        tab's defaults.
    manual_centers : ndarray of shape (k, d) or None
        Placed centres for ``init == "manual"``; None there means k seeded random points.
    true_labels : ndarray of shape (n,) or None
    label_names : tuple of str
    notes : tuple of str
    mean, scale : ndarray of shape (d,) or None
        Set when the table was standardised: ``X = (raw - mean) / scale``.
    """

    X: np.ndarray
    names: tuple[str, ...]
    title: str
    projection: Projection
    k: int
    init: str
    seed: int
    algorithm: str = "lloyd"
    options: dict = field(default_factory=dict)
    manual_centers: np.ndarray | None = None
    true_labels: np.ndarray | None = None
    label_names: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None

    def in_file_units(self, A) -> np.ndarray:
        """Rows of shape (m, d) in the file's units (undoing ``--standardize``)."""
        A = np.asarray(A, dtype=np.float64)
        return A if self.mean is None else A * self.scale + self.mean

    @property
    def is_planar(self) -> bool:
        """True when the picture is the data's own plane (so Voronoi regions are truthful)."""
        return self.X.shape[1] == 2

    @property
    def params(self) -> Params:
        """The run's parameters, validated (ValueError names a bad one, e.g. an init the
        algorithm does not offer)."""
        return Params(k=self.k, init=self.init, seed=self.seed, algorithm=self.algorithm,
                      **{"max_iter": MAX_ITER, "tol": TOL, **self.options}).validated()

    def steps(self, *, observe_init: bool = True) -> Iterator[KMeansState]:
        """The run, one state per half-step, as the Explore tab steps it (any algorithm)."""
        manual = self.manual_centers
        if self.init == "manual" and manual is None:
            rng = np.random.default_rng(self.seed)
            manual = self.X[rng.permutation(self.X.shape[0])[: self.k]]
        return make_run_steps(self.X, self.params, manual, observe_init=observe_init)

    @classmethod
    def from_explore(cls, state, *, title: str = "Explore") -> "RunSource":
        """The Explore model's current run (its points, parameters and placed centres).

        Cheap (the arrays are the model's read-only ones, shared), so the GUI thread can call it
        and hand the source to a worker. True labels and feature names are taken when the model
        has them (``true_labels``, ``feature_names``), and so is its 2-D view (``projection``).
        """
        X = np.asarray(state.points, dtype=np.float64)
        p = state.params
        names = tuple(getattr(state, "feature_names", None) or _default_names(X.shape[1]))
        true_labels = getattr(state, "true_labels", None)
        # The window's view (PCA or two chosen columns) when it has one, so a GIF shows what the canvas does.
        shown = getattr(state, "projection", None)
        # 1-D data too: the window draws them along a line, which _view_of cannot fit.
        projection = shown if shown is not None and X.shape[1] != 2 else _view_of(X, names)
        return cls(X=X, names=names, title=title, projection=projection, k=p.k, init=p.init, seed=p.seed,
                   algorithm=p.algorithm, options=_options(p),
                   manual_centers=np.asarray(state.manual_centers) if p.init == "manual" else None,
                   true_labels=None if true_labels is None else np.asarray(true_labels),
                   label_names=tuple(getattr(state, "label_names", None) or ()))


def _default_names(d: int) -> tuple[str, ...]:
    return ("x", "y") if d == 2 else tuple(f"x{i + 1}" for i in range(d))


def _view_of(X: np.ndarray, names) -> Projection:
    """The data's own plane when 2-D, else PCA; a single point or column is shown as it is."""
    if X.shape[0] >= 2 and X.shape[1] >= 2:
        return fit_projection(X, names=names)
    raise ValueError(f"there are {X.shape[0]} point(s) in {X.shape[1]} dimension(s): too few to picture a run")


def _options(p: Params) -> dict:
    return {"batch_size": p.batch_size, "beta": p.beta, "covariance": p.covariance, "max_iter": p.max_iter,
            "tol": p.tol, "empty_policy": p.empty_policy}


def _check_k_option(k: int) -> None:
    if not 1 <= k <= MAX_K:
        raise ValueError(f"--k {k} must be from 1 to {MAX_K} (the window's limit; colours repeat after 20)")


def _split_names(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise ValueError("--columns needs column names separated by commas, e.g. --columns a,b,c")
    return names


_SESSION_SETS = ("dataset", "data", "columns", "label_column", "view_columns", "k", "init", "seed", "algorithm",
                 "batch", "beta", "covariance")


def load_source(args: argparse.Namespace, *, session: bool = True) -> RunSource:
    """Build the :class:`RunSource` from parsed options; ValueError with a one-line reason if bad.

    With ``session`` (the default), ``--session FILE`` is read instead of the data options.
    """
    if session and getattr(args, "session", None):
        given = [name for name in _SESSION_SETS if getattr(args, name, None) is not None]
        if given:
            flag = "--" + given[0].replace("_", "-")
            raise ValueError(f"{flag} cannot be combined with --session: the session sets the data and the run")
        return load_session_source(args.session)
    seed = 0 if getattr(args, "seed", None) is None else int(args.seed)
    if seed < 0:
        raise ValueError(f"--seed {seed} must be >= 0")
    init = getattr(args, "init", None) or "k-means++"
    variant = variant_options(args)
    algorithm = variant.pop("algorithm")
    source = _data_source(args, seed, init)
    source = replace(source, algorithm=algorithm, options=variant)
    source.params  # noqa: B018 -- validates (an init the algorithm does not offer, a bad beta)
    return source


def load_session_source(path) -> RunSource:
    """The Explore run saved in the session file ``path``; ValueError naming the problem."""
    from ..state import AppState
    from ..state import session as sessions

    name = os.path.basename(os.fspath(path))
    try:
        saved = sessions.read(path)
    except sessions.SessionError as exc:
        raise ValueError(f"--session {path}: {exc}") from None
    if "explore" not in saved.models:
        raise ValueError(f"--session {path}: the session has no Explore part to picture")
    try:
        # Loaded without computing ahead: only its points, parameters and placed centres are used.
        state = AppState.from_dict(saved.models["explore"], saved.arrays.get("explore", {}), eager_budget_s=0.0)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"--session {path}: {exc}") from None
    if state.n_points == 0:
        raise ValueError(f"--session {path}: the session has no points to cluster")
    if state.error:
        raise ValueError(f"--session {path}: its run cannot start: {state.error}")
    return RunSource.from_explore(state, title=name)


def _data_source(args: argparse.Namespace, seed: int, init: str) -> RunSource:
    from ..data.table import NonFiniteRows, check_k, load_csv

    data = getattr(args, "data", None)
    if data is None:
        for option in ("columns", "label_column", "view_columns"):
            if getattr(args, option, None):
                flag = "--axes" if option == "view_columns" else f"--{option.replace('_', '-')}"
                raise ValueError(f"{flag} applies to --data FILE.csv only")
        name = args.dataset or "blobs"
        info = DATASETS[name]
        k = args.k if args.k is not None else info.suggested_k
        _check_k_option(k)
        if name == "empty":
            raise ValueError("the 'empty' dataset has no points to cluster; choose another or give --data")
        if info.uses_n and args.n < 2:
            raise ValueError(f"--n {args.n} must be >= 2")
        X = make_dataset(name, **info.options(seed=seed, n=args.n, centers=k))
        check_k(X, k)
        names = dataset_features(name) or ("x", "y")  # Iris and Wine: 4 and 13 named features
        return RunSource(X=X, names=names, title=info.label, projection=fit_projection(X, names=names),
                         k=k, init=init, seed=seed)
    if getattr(args, "dataset", None) is not None:
        raise ValueError("give either --dataset or --data, not both")
    try:
        table = load_csv(data, columns=_split_names(args.columns), label_column=args.label_column,
                         standardize=bool(getattr(args, "standardize", False)),
                         drop_nonfinite=bool(getattr(args, "drop_missing", False)))
    except NonFiniteRows as exc:
        raise ValueError(f"{str(exc).removesuffix('drop those rows, or fix them.')}add --drop-missing to drop "
                         "those rows, or fix them.") from None
    k = args.k
    if k is None:
        k = len(table.label_names) if table.labels is not None and 2 <= len(table.label_names) <= MAX_K else 3
    _check_k_option(k)
    check_k(table.X, k)
    view = _split_names(getattr(args, "view_columns", None))
    columns = None
    if view is not None:
        if len(view) != 2:
            raise ValueError(f"--axes needs exactly two column names, e.g. --axes {table.columns[0]},{table.columns[1]}")
        missing = [v for v in view if v not in table.columns]
        if missing:
            raise ValueError(f"--axes {missing[0]!r} is not one of the feature columns: {', '.join(table.columns)}")
        columns = tuple(table.columns.index(v) for v in view)
    projection = fit_projection(table.X, columns=columns, names=table.columns)
    return RunSource(X=np.asarray(table.X), names=table.columns, title=os.path.basename(data),
                     projection=projection, k=k, init=init, seed=seed, true_labels=table.labels,
                     label_names=table.label_names, notes=table.notes, mean=table.mean, scale=table.scale)
