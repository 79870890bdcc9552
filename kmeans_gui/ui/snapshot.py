"""``kmeans-gui snapshot``: render the main window offscreen after N half-steps and save a PNG.

For docs and checks: ``kmeans-gui snapshot --dataset blobs --k 4 --seed 0 --steps 6 -o out.png``.
``--session FILE`` renders a saved session instead (its tab unless ``--view`` says otherwise);
``--save-session FILE`` saves the session it rendered, so ``--session FILE`` renders it again.
``--view choose-k`` hands the window to ``kmeans_gui.ui.choose_k.view.render_for_snapshot(window)``
(provided by the choose-k view), which selects and prepares its tab before the grab.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..data.datasets import DATASETS
from ..state import INIT_LABELS

__all__ = ["add_arguments", "run", "render"]

VIEWS = ("explore", "choose-k")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=list(DATASETS), default="blobs", help="dataset (default blobs)")
    parser.add_argument("--n", type=int, default=600, help="points for generated datasets (default 600)")
    parser.add_argument("--k", type=int, default=None, help="number of clusters (default: the dataset's)")
    parser.add_argument("--init", choices=list(INIT_LABELS), default="k-means++",
                        help="initialisation; 'manual' places the centres on k seeded random points")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the initialisation")
    parser.add_argument("--steps", type=int, default=None,
                        help="half-steps to take before the picture (default 6; 0 with --session)")
    parser.add_argument("--view", choices=VIEWS, default=None, help="which tab to render (default explore, or the session's)")
    parser.add_argument("--session", default=None, metavar="FILE", help="render this session (.kmsession)")
    parser.add_argument("--save-session", default=None, metavar="FILE",
                        help="also save the session that was rendered")
    parser.add_argument("--size", default="1280x800", help="window size WIDTHxHEIGHT (default 1280x800)")
    parser.add_argument("--no-regions", action="store_true", help="hide the Voronoi regions")
    parser.add_argument("--lines", action="store_true", help="draw point-to-centroid lines")
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
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from .app import build_window

    from ..state import session

    app = QApplication.instance() or QApplication([sys.argv[0]])
    width, height = _size(args.size)
    loaded = None
    if getattr(args, "session", None):
        try:
            loaded = session.read(args.session)
        except session.SessionError as exc:
            raise ValueError(f"{args.session}: {exc}") from None
    steps = args.steps if args.steps is not None else (0 if loaded is not None else 6)
    if steps < 0:
        raise ValueError(f"--steps {steps} must be >= 0")
    args.dataset = args.dataset or "blobs"
    window = build_window(args)
    try:
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
        if args.no_regions:
            window.regions_action.setChecked(False)
        if args.lines:
            window.lines_action.setChecked(True)
        for _ in range(steps):
            if not state.step():
                break
        window.show()
        app.processEvents()
        view = args.view or (loaded.window.get("tab") if loaded is not None else None) or "explore"
        if view not in VIEWS:
            view = "explore"
        if view == "choose-k":
            hook = _choose_k_hook()
            if hook is None:
                raise ValueError("the choose-k view is not available in this build")
            try:
                hook(window)
            except Exception as exc:  # the view's own failure becomes a message, not a traceback
                raise ValueError(f"the choose-k view could not render: {exc}") from exc
            app.processEvents()
        if getattr(args, "save_session", None):
            try:
                session.write(args.save_session, window.sessions.capture())
            except OSError as exc:
                raise ValueError(f"could not save the session to {args.save_session}: {exc}") from None
        return window.grab().toImage()
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()


def _choose_k_hook():
    try:
        from .choose_k import view as choose_k
    except ImportError:
        return None
    return getattr(choose_k, "render_for_snapshot", None)


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
