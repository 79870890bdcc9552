"""Issue 8: a dataset choice shows at once, Generate draws anew, new data clears placed centroids."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from mw_helpers import click_data


def test_choosing_a_dataset_shows_it_at_once_and_step_runs_on_it(make_window, qtbot):
    w = make_window()
    panel, state = w.dataset_panel, w.state
    old = state.points
    panel.dataset_combo.setFocus()
    QTest.keyClick(panel.dataset_combo, Qt.Key.Key_Down)  # Blobs -> Moons, no Generate
    assert panel.dataset_combo.currentData() == "moons"
    assert state.dataset["name"] == "moons" and state.n_points == panel.n_spin.value()
    assert not np.array_equal(state.points, old)
    qtbot.mouseClick(w.playback.step_button, Qt.MouseButton.LeftButton)
    assert state.current.labels is None or state.current.labels.shape == (state.n_points,)
    w.undo_action.trigger()
    np.testing.assert_array_equal(state.points, old)


def test_changing_an_option_shows_it_once_the_edit_is_done(make_window, qtbot):
    w = make_window()
    panel, state = w.dataset_panel, w.state
    panel.set_dataset("blobs")
    panel.n_spin.setFocus()
    panel.n_spin.selectAll()
    runs = []
    state.events.run.connect(lambda: runs.append(state.n_points))
    QTest.keyClicks(panel.n_spin, "250")
    assert runs == []  # not at every digit
    QTest.keyClick(panel.n_spin, Qt.Key.Key_Return)
    assert runs == [250] and state.n_points == 250


def test_generate_is_a_new_random_draw(make_window, qtbot):
    w = make_window()
    panel, state = w.dataset_panel, w.state
    panel.set_dataset("blobs")
    shown, seed = state.points, panel.seed_spin.value()
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    assert panel.seed_spin.value() == seed + 1 and state.dataset["seed"] == seed + 1
    assert state.n_points == len(shown) and not np.array_equal(state.points, shown)


def test_new_data_clears_placed_centroids_and_undo_brings_them_back(make_window, qtbot):
    w = make_window(init="manual", k=2)
    canvas, state = w.canvas, w.state
    click_data(qtbot, canvas, -5, -5)
    click_data(qtbot, canvas, 5, -5)
    assert state.manual_centers.shape == (2, 2) and state.current is not None
    placed = state.manual_centers.copy()
    qtbot.mouseClick(w.dataset_panel.generate_button, Qt.MouseButton.LeftButton)
    assert state.manual_centers.shape == (0, 2) and state.current is None
    assert "place centroid 1 of" in w.status_label.text().lower()
    assert len(canvas.centroids.data) == 0  # no stale diamonds on the new data
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    np.testing.assert_array_equal(state.manual_centers, placed)
    assert state.current is not None


def test_new_seed_under_manual_init_says_it_has_nothing_to_draw(make_window, qtbot):
    w = make_window(init="manual", k=2)
    click_data(qtbot, w.canvas, -5, -5)
    click_data(qtbot, w.canvas, 5, -5)
    run = w.state.current
    w.canvas.setFocus()
    QTest.keyClick(w, Qt.Key.Key_R)
    assert w.state.params.seed == 0 and w.state.current is run
    assert "nothing to draw" in w.message_label.text()
