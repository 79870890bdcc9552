"""Fixtures for the main-window tests: a small deterministic window, and clicks in data coordinates."""

import numpy as np
import pyqtgraph as pg
import pytest

from kmeans_gui.state import AppState, Params

# pyqtgraph drops mouse moves that come sooner than 1/mouseRateLimit s after the last one it took:
# how many moves of a test's drag arrive would depend on the machine's speed. Tests take them all.
pg.setConfigOption("mouseRateLimit", 0)


def blob_points(seed=0, n=60):
    rng = np.random.default_rng(seed)
    centres = np.array([[-5.0, -5.0], [5.0, -5.0], [0.0, 5.0]])
    return np.concatenate([c + rng.normal(scale=0.8, size=(n // 3, 2)) for c in centres])


class AnsweringDialogs:
    """The sessions' questions answered at once (no modal dialog may block a test): unsaved
    changes are discarded, crashed work is not restored, no file is chosen; warnings are kept."""

    def __init__(self):
        self.warnings = []

    def ask_open_path(self, folder):
        return None

    def ask_save_path(self, suggested):
        return None

    def ask_unsaved(self, name):
        return "discard"

    def ask_restore(self, description):
        return False

    def warn(self, title, text):
        self.warnings.append((title, text))


@pytest.fixture
def make_window(qtbot):
    """make_window(points=None, **params) -> a shown MainWindow whose layout has settled."""
    from kmeans_gui.ui.main_window import MainWindow

    def make(points=None, **params):
        pts = blob_points() if points is None else points
        state = AppState(pts, Params(**{"k": 3, "seed": 0, **params}))
        window = MainWindow(state)
        window.sessions.dialogs = AnsweringDialogs()
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        wait_for_settled_view(qtbot, window.canvas)
        return window

    return make


def wait_for_settled_view(qtbot, canvas, timeout_ms=5000):
    """Wait until the layout has settled: with a locked aspect ratio, every resize of the plot
    moves the view range, and a click mapped before that would land elsewhere."""
    last = [None]

    def stable():
        now = (canvas.viewbox.viewRange(), canvas.viewbox.width(), canvas.viewbox.height())
        same = now == last[0]
        last[0] = now
        return same and not canvas.frame_pending

    qtbot.wait(20)
    qtbot.waitUntil(lambda: qtbot.wait(15) or stable(), timeout=timeout_ms)
