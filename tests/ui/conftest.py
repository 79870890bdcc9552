"""Fixtures for the main-window tests: a small deterministic window, and clicks in data coordinates."""

import numpy as np
import pytest

from kmeans_gui.state import AppState, Params


def blob_points(seed=0, n=60):
    rng = np.random.default_rng(seed)
    centres = np.array([[-5.0, -5.0], [5.0, -5.0], [0.0, 5.0]])
    return np.concatenate([c + rng.normal(scale=0.8, size=(n // 3, 2)) for c in centres])


@pytest.fixture
def make_window(qtbot):
    """make_window(points=None, **params) -> a shown MainWindow whose layout has settled."""
    from kmeans_gui.ui.main_window import MainWindow

    def make(points=None, **params):
        pts = blob_points() if points is None else points
        state = AppState(pts, Params(**{"k": 3, "seed": 0, **params}))
        window = MainWindow(state)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(20)  # let the layout and the first paint settle
        return window

    return make
