"""``kmeans-gui [gui]``: open the main window."""

from __future__ import annotations

import argparse
import sys

from ..data.datasets import DATASETS
from ..state import INIT_LABELS

__all__ = ["add_arguments", "run", "build_window"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=list(DATASETS), default=None, help="dataset to open with (default blobs)")
    parser.add_argument("--n", type=int, default=600, help="number of points for generated datasets")
    parser.add_argument("--k", type=int, default=None, help="number of clusters")
    parser.add_argument("--init", choices=list(INIT_LABELS), default=None, help="initialisation method")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the initialisation")
    parser.add_argument("--lessons-dir", action="append", default=[], metavar="DIR",
                        help="also read the lessons in DIR (may be repeated); see the README, 'Lessons'")


def build_window(args: argparse.Namespace | None = None):
    """The MainWindow configured from command-line options (shared with ``snapshot``)."""
    from ..state import AppState, Params
    from .main_window import MainWindow, default_state

    if args is None or (args.dataset is None and args.k is None and args.init is None):
        state = default_state()
    else:
        name = args.dataset or "blobs"
        info = DATASETS[name]
        k = args.k if args.k is not None else info.suggested_k
        state = AppState(params=Params(k=k, init=args.init or "k-means++", seed=args.seed))
        state.load_dataset(name, **info.options(seed=args.seed, n=args.n, centers=k))
    return MainWindow(state, getattr(args, "lessons_dir", ()) or ())  # the Data panel shows the loaded dataset's options itself


def run(args: argparse.Namespace) -> int:
    from .preflight import problem

    qt_widgets = sys.modules.get("PySide6.QtWidgets")
    if qt_widgets is None or qt_widgets.QApplication.instance() is None:
        # Qt aborts the process when its platform cannot start, with a hint that may name the wrong
        # library (and importing QtWidgets fails outright without libEGL): say what is missing first.
        reason = problem()
        if reason is not None:
            print(f"kmeans-gui: {reason}", file=sys.stderr)
            return 2
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("kmeans-gui")
    try:
        window = build_window(args)
    except ValueError as exc:
        print(f"kmeans-gui: {exc}", file=sys.stderr)
        return 2
    window.show()
    return app.exec()
