"""``kmeans-gui [gui] [FILE]`` and ``kmeans-gui open FILE``: open the main window (with a session)."""

from __future__ import annotations

import argparse
import os
import sys

from ..data.datasets import DATASETS
from ..state import INIT_LABELS

__all__ = ["add_arguments", "add_open_arguments", "run", "build_window"]

# Test hook: "x,y;x,y" -> real clicks on the canvas at those data coordinates once the window
# is up, so a test of the real process can edit the points without a person.
TEST_CLICKS_ENV = "KMEANS_GUI_TEST_CLICKS"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", nargs="?", default=None, metavar="FILE",
                        help="a session (.kmsession) to open, or an image for the Image tab")
    parser.add_argument("--restore", choices=("ask", "yes", "no"), default="ask",
                        help="work autosaved before a crash: ask whether to restore it (default), restore it, "
                             "or leave it for the next start; with FILE it is left for the next start")
    parser.add_argument("--dataset", choices=list(DATASETS), default=None, help="dataset to open with (default blobs)")
    parser.add_argument("--n", type=int, default=600, help="number of points for generated datasets")
    parser.add_argument("--k", type=int, default=None, help="number of clusters")
    parser.add_argument("--init", choices=list(INIT_LABELS), default=None, help="initialisation method")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the initialisation")
    parser.add_argument("--lessons-dir", action="append", default=[], metavar="DIR",
                        help="also read the lessons in DIR (may be repeated); see the README, 'Lessons'")


def add_open_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="FILE", help="the session (.kmsession) to open")


def build_window(args: argparse.Namespace | None = None):
    """The MainWindow configured from command-line options (shared with ``snapshot``)."""
    from ..state import AppState, Params
    from .main_window import MainWindow, default_state

    if args is None or (getattr(args, "dataset", None) is None and getattr(args, "k", None) is None
                        and getattr(args, "init", None) is None):
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

    from ..state import session
    from .crash import CrashReporter, install
    from .session_dialogs import IMAGE_SUFFIXES

    loaded = image = None
    if getattr(args, "session", None) and args.session.lower().endswith(IMAGE_SUFFIXES):
        image = args.session  # `kmeans-gui photo.jpg`: the Image tab opens it
    elif getattr(args, "session", None):
        try:
            loaded = session.read(args.session)
        except session.SessionError as exc:
            print(f"kmeans-gui: {exc}", file=sys.stderr)
            return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("kmeans-gui")
    app.setOrganizationName("kmeans-gui")
    try:
        window = build_window(args)
    except ValueError as exc:
        print(f"kmeans-gui: {exc}", file=sys.stderr)
        return 2
    reporter = CrashReporter(window)
    uninstall = install(reporter)
    sessions = window.sessions
    sessions.recall_window()
    window.show()
    # With a file to open, crashed work is left for the next start rather than mixed in.
    restored = sessions.start(restore="no" if loaded is not None else getattr(args, "restore", "ask"))
    if loaded is not None:
        try:
            sessions.adopt(loaded, args.session)
        except session.SessionError as exc:
            print(f"kmeans-gui: {os.path.basename(args.session)}: {exc}", file=sys.stderr)
            return 2
    elif not restored:
        explicit = any(getattr(args, name, None) is not None for name in ("dataset", "k", "init"))
        sessions.recall_settings(params=not explicit)
    if image is not None:
        window.open_image(image)
    if os.environ.get(TEST_CLICKS_ENV):
        _schedule_test_clicks(window, os.environ[TEST_CLICKS_ENV])
    try:
        return app.exec()
    finally:
        uninstall()


def _schedule_test_clicks(window, text: str) -> None:
    from PySide6.QtCore import QPointF, Qt, QTimer
    from PySide6.QtTest import QTest

    points = [tuple(float(v) for v in pair.split(",")) for pair in text.split(";") if pair.strip()]

    def click_all():
        canvas = window.canvas
        for x, y in points:
            pos = canvas.plot.mapFromScene(canvas.viewbox.mapViewToScene(QPointF(x, y)))
            QTest.mouseClick(canvas.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
            QTest.qWait(50)  # two quick clicks would be a double click

    QTimer.singleShot(500, click_all)
