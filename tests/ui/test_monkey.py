"""The short monkey run (scripts/monkey.py runs 10,000 actions): random but valid clicks, keys,
spin boxes, combos, tabs, saves and opens with a fixed seed; no exception escapes and the state
stays consistent after every action."""

import importlib.util
from pathlib import Path

import numpy as np

from kmeans_gui.ui.main_window import MainWindow

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "monkey.py"


def load_monkey():
    spec = importlib.util.spec_from_file_location("monkey", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_two_hundred_random_actions_leave_a_consistent_state(qtbot, tmp_path):
    monkey = load_monkey()
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.state.eager_budget_s = 0.01  # runs are computed as stepped into: keeps the test short
    window.sessions.start(restore="no")
    m = monkey.Monkey(window, seed=1, folder=str(tmp_path))
    restore = m.watch_exceptions()
    try:
        m.run(200)
    finally:
        restore()
        m.finish()
    assert not m.escaped
    assert len(m.log) == 200 and m.counts["left_click"] > 30 and m.counts["shortcut"] > 30
    assert m.dialogs.counter >= 1  # it saved, and (with Ctrl+O) opened sessions
    labels = window.state.current.labels if window.state.current is not None else None
    if labels is not None:
        assert labels.shape == (window.state.n_points,)
        assert np.all(labels < window.state.current.centers.shape[0])
    window.sessions.dialogs.ask_unsaved = lambda name: "discard"
    window.close()
