"""``kmeans-gui snapshot``: render the main window offscreen after N half-steps and save a PNG.

``--algorithm minibatch|soft|gmm`` steps a variant instead of Lloyd (``--batch 50``, ``--beta 2``,
``--covariance full`` set its own parameter).

For docs and checks: ``kmeans-gui snapshot --dataset blobs --k 4 --seed 0 --steps 6 -o out.png``,
or ``--data FILE.csv [--columns a,b]`` for a table (read as ``export-gif`` and ``filmstrip`` read it;
the window shows 2-D data only until its canvas can project, so the table needs two feature columns).
``--view NAME`` selects the tab of that name in ``ui/tabs.py`` and runs the tab's snapshot hook,
which computes what the tab would compute in the background (the sweep, the quantized image).
``--session FILE`` renders a saved session instead (its tab unless ``--view`` says otherwise);
``--save-session FILE`` saves the session it rendered, so ``--session FILE`` renders it again.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from ..data.datasets import DATASETS
from ..export.source import add_table_arguments, load_source, variant_options
from ..state import INIT_LABELS
from ..state.params import ALGORITHM_LABELS, COVARIANCE_LABELS
from .common.pictures import whole_pictures
from .tabs import TABS, tab_named

__all__ = ["add_arguments", "run", "render"]

VIEWS = tuple(tab.name for tab in TABS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=list(DATASETS), default=None, help="dataset (default blobs)")
    add_table_arguments(parser)
    parser.add_argument("--n", type=int, default=600, help="points for generated datasets (default 600)")
    parser.add_argument("--k", type=int, default=None, help="number of clusters (default: the dataset's)")
    parser.add_argument("--init", choices=list(INIT_LABELS), default="k-means++",
                        help="initialisation; 'manual' places the centres on k seeded random points")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the initialisation")
    parser.add_argument("--steps", type=int, default=None,
                        help="half-steps to take before the picture (default 6; 0 with --session or --lesson)")
    parser.add_argument("--view", choices=VIEWS, default=None, help="which tab to render (default explore, or the session's)")
    parser.add_argument("--session", default=None, metavar="FILE", help="render this session (.kmsession)")
    parser.add_argument("--save-session", default=None, metavar="FILE",
                        help="also save the session that was rendered")
    parser.add_argument("--size", default="1280x800", help="window size WIDTHxHEIGHT (default 1280x800)")
    parser.add_argument("--no-regions", action="store_true", help="hide the Voronoi regions")
    parser.add_argument("--lines", action="store_true", help="draw point-to-centroid lines")
    parser.add_argument("--algorithm", choices=list(ALGORITHM_LABELS), default="lloyd",
                        help="lloyd (default), minibatch, soft (soft k-means) or gmm (Gaussian mixture)")
    parser.add_argument("--batch", type=int, default=None, help="mini-batch: points per batch (default 50)")
    parser.add_argument("--beta", type=float, default=None,
                        help="soft k-means: inverse temperature beta >= 0 (default 1)")
    parser.add_argument("--covariance", choices=list(COVARIANCE_LABELS), default=None,
                        help="Gaussian mixture: covariance type (default full)")
    parser.add_argument("--lesson", type=int, default=None, metavar="N",
                        help="set lesson N up (1-based, as the Learn panel lists them) with its panel open")
    parser.add_argument("--lessons-dir", action="append", default=[], metavar="DIR",
                        help="also read the lessons in DIR (may be repeated)")
    parser.add_argument("-o", "--output", required=True, help="PNG file to write")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--size {text!r} must look like 1280x800") from None
    if w < 200 or h < 200:
        raise ValueError(f"--size {text!r} is too small (at least 200x200)")
    return w, h


def render(args: argparse.Namespace):
    """Build the window, take the steps, select the view; return the window's QImage."""
    import numpy as np
    from PySide6.QtCore import QEvent, QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from ..state import session
    from .app import build_window

    app = QApplication.instance() or QApplication([sys.argv[0]])
    width, height = _size(args.size)
    loaded = None
    if getattr(args, "session", None):
        try:
            loaded = session.read(args.session)
        except session.SessionError as exc:
            raise ValueError(f"{args.session}: {exc}") from None
    quiet_start = loaded is not None or getattr(args, "lesson", None) is not None
    steps = args.steps if args.steps is not None else (0 if quiet_start else 6)
    if steps < 0:
        raise ValueError(f"--steps {steps} must be >= 0")
    table = _table_source(args)
    args.dataset = args.dataset or "blobs"
    window = build_window(args)
    # A picture must not tick a lesson as done in the user's own settings (--lesson 5 completes
    # it): the Learn panel remembers completions in a scratch file for this render only.
    scratch = tempfile.TemporaryDirectory(prefix="kmeans-gui-snapshot-")
    window.learn.dock.settings = QSettings(os.path.join(scratch.name, "settings.ini"), QSettings.Format.IniFormat)
    try:
        window.state.set_params(**variant_options(args))
        if table is not None:
            # In full dimension, as the window's own import: the canvas shows the table's projection.
            window.state.set_table(table.X, true_labels=table.true_labels, feature_names=table.names,
                                   source=table.title,
                                   label_names=(table.label_names or None) if table.true_labels is not None else None)
            window.state.set_params(k=table.k)
            if table.projection.kind == "columns" and table.X.shape[1] != 2:
                window.state.set_view_columns(tuple(int(c) for c in table.projection.components.argmax(axis=1)))
        if args.init == "manual" and not window.state.is_planar:
            raise ValueError(f"--init manual places centroids on the canvas, which needs 2-D data; these data "
                             f"have {window.state.n_features} features: choose another --init")
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        window.setMinimumSize(200, 200)
        window.resize(width, height)
        state = window.state
        if loaded is not None:
            try:
                window.sessions.apply(loaded)
            except session.SessionError as exc:
                raise ValueError(f"{args.session}: {exc}") from None
        elif args.init == "manual" and state.n_points:
            rng = np.random.default_rng(args.seed)
            for x, y in state.points[rng.permutation(state.n_points)[: state.params.k]]:
                state.add_manual_center(float(x), float(y))
        if getattr(args, "lesson", None) is not None:
            view = _set_up_lesson(window, args.lesson)
            if view is not None:
                args.view = view
        if args.no_regions:
            window.regions_action.setChecked(False)
        if args.lines:
            window.lines_action.setChecked(True)
        for _ in range(steps):
            if not state.step():
                break
        window.show()
        app.processEvents()
        window.learn.fit_docks()
        app.processEvents()
        view = args.view or (loaded.window.get("tab") if loaded is not None else None) or "explore"
        tab = tab_named(view if view in VIEWS else "explore")
        page = window.pages[tab.name]
        window.tabs.setCurrentWidget(page)
        app.processEvents()
        if tab.snapshot is not None:
            try:
                tab.snapshot(window, page)
            except Exception as exc:  # the view's own failure becomes a message, not a traceback
                raise ValueError(f"the {tab.name} view could not render: {exc}") from exc
            app.processEvents()
        if getattr(args, "save_session", None):
            try:
                session.write(args.save_session, window.sessions.capture())
            except OSError as exc:
                raise ValueError(f"could not save the session to {args.save_session}: {exc}") from None
        window.canvas.finish_drawing()  # big data: the full raster and colours, not their stand-ins
        with whole_pictures():
            return window.grab().toImage()
    finally:
        window.close()
        window.deleteLater()
        # Outside an event loop, processEvents() leaves deferred deletes queued: without this, each
        # render left a whole window (about 140 top-level widgets) alive in a process that renders again.
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
        scratch.cleanup()


# A lesson's tab name -> the window's page (a lesson says "lab"; the page is the Failures lab).
LESSON_PAGES = {"lab": "failures"}


def _set_up_lesson(window, number: int) -> str | None:
    """Open the Learn panel with lesson ``number`` started; return the tab it set (None: unchanged)."""
    learn = window.learn
    lesson = learn.dock.lessons.by_number(number)  # ValueError names the valid range
    learn.dock.show()
    learn.dock.select(number)
    learn.dock.start()
    tab = lesson.setup.get("tab")
    return None if tab is None else LESSON_PAGES.get(tab, tab)


def _table_source(args: argparse.Namespace):
    """The ``--data`` table as a RunSource (None without ``--data``), of any width."""
    if getattr(args, "data", None) is None:
        return None
    return load_source(args, session=False)  # a --session is applied to the window later


def run(args: argparse.Namespace) -> int:
    # No window may appear: render offscreen unless the caller chose a platform.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        image = render(args)
    except ValueError as exc:
        print(f"kmeans-gui snapshot: {exc}", file=sys.stderr)
        return 2
    if not image.save(args.output, "PNG"):
        print(f"kmeans-gui snapshot: could not write {args.output}", file=sys.stderr)
        return 1
    print(f"wrote {args.output} ({image.width()}x{image.height()})")
    return 0
