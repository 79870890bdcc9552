"""What a headless command clusters: a built-in dataset or a CSV table, with k, init and seed.

Shared by ``snapshot``, ``export-gif`` and ``filmstrip`` so ``--data FILE.csv`` means the same
everywhere. A built-in dataset is generated with the same options the window uses, and the run is
the one the window's Explore tab would make (same init, seed, max_iter, tol and empty policy). A
table is clustered in its full dimension; the pictures show it through a 2-D
:class:`~kmeans_gui.data.projection.Projection`. No Qt is imported.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ..data.datasets import DATASETS, dataset_features, make_dataset
from ..data.projection import Projection, fit_projection
from ..engine import KMeansState, kmeans_steps
from ..engine.inits import INIT_NAMES
from ..state import MAX_K

__all__ = ["RunSource", "add_source_arguments", "add_table_arguments", "load_source", "output_problem", "parse_size",
           "INITS", "MAX_ITER", "TOL"]

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
    parser.add_argument("--init", choices=INITS, default="k-means++",
                        help="initialisation; 'manual' places the centres on k seeded random points")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the initialisation (default 0)")


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

    def steps(self, *, observe_init: bool = True) -> Iterator[KMeansState]:
        """The run, one state per half-step, as :func:`~kmeans_gui.engine.kmeans_steps` yields it."""
        init = self.init
        if init == "manual":
            rng = np.random.default_rng(self.seed)
            init = self.X[rng.permutation(self.X.shape[0])[: self.k]]
        return kmeans_steps(self.X, self.k, init=init, max_iter=MAX_ITER, tol=TOL,
                            random_state=self.seed, observe_init=observe_init)


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


def load_source(args: argparse.Namespace) -> RunSource:
    """Build the :class:`RunSource` from parsed options; ValueError with a one-line reason if bad."""
    from ..data.table import NonFiniteRows, check_k, load_csv

    data = getattr(args, "data", None)
    seed = int(args.seed)
    if seed < 0:
        raise ValueError(f"--seed {seed} must be >= 0")
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
                         k=k, init=args.init, seed=seed)
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
                     projection=projection, k=k, init=args.init, seed=seed, true_labels=table.labels,
                     label_names=table.label_names, notes=table.notes, mean=table.mean, scale=table.scale)
