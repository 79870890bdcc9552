"""Window structure, menus, the parameter panel following the state, and bad input."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel

from kmeans_gui.ui import main_window as mw


def test_structure_and_add_tab(make_window):
    w = make_window()
    assert w.tabs.count() >= 1 and w.tabs.tabText(0) == "Explore"
    i = w.add_tab(QLabel("hello"), "Extra")
    assert w.tabs.tabText(i) == "Extra"
    titles = [w.tabs.tabText(j) for j in range(w.tabs.count())]
    assert titles[:3] == ["Explore", "Image", "Choose k"]  # the extra tabs, each with its title
    assert w.tabs.widget(1) is w.image_tab


def test_image_tab_messages_reach_the_status_bar(make_window):
    w = make_window()
    w.image_tab.message.emit("Loaded cat.png (3 × 2)")
    assert w.statusBar().currentMessage() == "Loaded cat.png (3 × 2)"


def test_default_window_opens_with_a_run(qtbot):
    w = mw.MainWindow()
    qtbot.addWidget(w)
    assert w.state.n_points == 600 and w.state.current is not None
    assert w.algorithm_panel.k_spin.value() == 4


def test_close_shuts_down_tab_workers(make_window):
    w = make_window()

    class Worker(QLabel):
        stopped = False

        def shutdown(self):
            Worker.stopped = True

    w.add_tab(Worker("busy"), "Worker")
    w.close()
    assert Worker.stopped


def test_k_spin_follows_the_state_and_drives_it(make_window):
    w = make_window()
    w.state.set_params(k=5)
    assert w.algorithm_panel.k_spin.value() == 5
    w.algorithm_panel.k_spin.setValue(2)
    assert w.state.params.k == 2
    w.algorithm_panel.init_combo.setCurrentIndex(w.algorithm_panel.init_combo.findData("farthest"))
    assert w.state.params.init == "farthest"
    w.algorithm_panel.tol_spin.setValue(0.0)
    assert w.state.params.tol == 0.0


def test_menus_show_their_shortcuts(make_window):
    w = make_window()
    titles = [a.text().replace("&", "") for a in w.menuBar().actions()]
    assert titles[:3] == ["File", "Edit", "View"] and titles[-1] == "Help"
    shortcuts = {a.shortcut().toString() for a in w.actions()}
    for key in ("Space", "Right", "Left", "Home", "R", "Ctrl+Z", "Ctrl+Shift+Z", "V", "T", "L"):
        assert QKeySequence(key).toString() in shortcuts


def test_k_larger_than_the_points_is_a_message_not_a_crash(make_window, qtbot):
    pts = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    w = make_window(points=pts, k=2)
    w.algorithm_panel.k_spin.setValue(5)
    assert w.state.current is None
    assert "k = 5 but there are only 3 points" in w.status_label.text()
    assert not w.playback.step_button.isEnabled() and not w.playback.play_button.isEnabled()
    np.testing.assert_array_equal(w.state.points, pts)  # nothing lost
    w.playback.toggle_play()
    assert not w.playback.playing
    w.algorithm_panel.k_spin.setValue(3)
    assert w.state.current is not None


def test_duplicate_points_warn_in_the_status_line(make_window):
    pts = np.array([[1.0, 1.0]] * 4 + [[2.0, 2.0]] * 4)
    w = make_window(points=pts, k=3)
    assert w.state.current is not None
    assert "note:" in w.status_label.text()


def test_empty_canvas_says_what_to_do(make_window, qtbot):
    w = make_window()
    w.dataset_panel.set_dataset("empty")
    qtbot.mouseClick(w.dataset_panel.generate_button, Qt.MouseButton.LeftButton)
    assert w.state.n_points == 0
    assert "click on the canvas" in w.status_label.text().lower()


def test_generate_each_dataset(make_window, qtbot):
    w = make_window()
    for i in range(w.dataset_panel.dataset_combo.count()):
        w.dataset_panel.dataset_combo.setCurrentIndex(i)
        w.dataset_panel.n_spin.setValue(150)
        w.dataset_panel.generate()
        name = w.dataset_panel.dataset_combo.currentData()
        if name != "empty":
            assert w.state.n_points > 0 and w.state.current is not None, name
    w.state.undo()
    assert w.state.n_points > 0  # generating is undoable


def test_clear_then_undo_keeps_points(make_window, qtbot):
    w = make_window()
    pts = w.state.points.copy()
    qtbot.mouseClick(w.dataset_panel.clear_button, Qt.MouseButton.LeftButton)
    assert w.state.n_points == 0
    w.undo_action.trigger()
    np.testing.assert_array_equal(w.state.points, pts)


def test_command_line_options_build_the_window(qtbot):
    from kmeans_gui.cli import build_parser
    from kmeans_gui.ui.app import build_window

    args = build_parser("gui").parse_args(["gui", "--dataset", "moons", "--n", "300", "--k", "2", "--init", "farthest"])
    w = build_window(args)
    qtbot.addWidget(w)
    assert w.state.n_points == 300 and w.state.params.k == 2 and w.state.params.init == "farthest"
    assert w.dataset_panel.dataset_combo.currentData() == "moons" and w.dataset_panel.n_spin.value() == 300
    assert w.algorithm_panel.init_combo.currentData() == "farthest"


def test_export_canvas_image(make_window, tmp_path):
    from PIL import Image

    w = make_window()
    path = w.export_image(str(tmp_path / "canvas.png"))
    assert path and Image.open(path).size[0] > 300


def test_file_open_image_shows_the_image_tab_and_loads_the_file(make_window, qtbot, tmp_path):
    from PIL import Image

    w = make_window()
    pixels = np.zeros((20, 30, 3), dtype=np.uint8)
    pixels[:, 15:] = (200, 40, 10)
    path = tmp_path / "two_colours.png"
    Image.fromarray(pixels).save(path)
    # File > Open... (Ctrl+O) opens sessions and images alike: an image goes to the Image tab.
    action = w.sessions.open_action
    assert action.shortcut() == QKeySequence("Ctrl+O")
    w.sessions.dialogs.ask_open_path = lambda folder: str(path)
    action.trigger()
    assert w.tabs.currentWidget() is w.image_tab
    qtbot.waitUntil(lambda: w.image_tab.outcome is not None and not w.image_tab.runner.is_running(), timeout=20_000)
    np.testing.assert_array_equal(w.image_tab.loaded.pixels, pixels)
    assert w.image_tab.outcome.result.n_colors_after == 2


def test_generate_with_a_new_k_restarts_the_run_once(make_window, qtbot):
    w = make_window()  # k = 3
    runs = []
    w.state.events.run.connect(lambda: runs.append(w.state.params.k))
    w.dataset_panel.set_dataset("blobs")
    w.dataset_panel.centers_spin.setValue(5)
    qtbot.mouseClick(w.dataset_panel.generate_button, Qt.MouseButton.LeftButton)
    assert runs == [5]  # one restart, already with the new k
    assert w.algorithm_panel.k_spin.value() == 5 and w.state.current is not None


def test_loading_a_session_with_another_number_of_points_redraws_the_canvas(make_window, qtbot):
    from kmeans_gui.state import AppState, Params

    w = make_window()  # 60 points
    pts = np.random.default_rng(1).normal(size=(25, 2))
    data = AppState(pts, Params(k=2, seed=4)).to_dict()
    data["cursor"] = 3
    shown_when_run_arrives = []  # views that colour points by the run must already hold the new points
    w.state.events.run.connect(lambda: shown_when_run_arrives.append(len(w.canvas.points._xy)))
    w.state.load_dict(data)
    assert shown_when_run_arrives == [25]
    assert w.state.current.labels is not None
    assert w.state.n_points == 25 and w.state.current is not None
    np.testing.assert_array_equal(w.canvas.points._xy, pts)
    assert w.canvas.points._colors.shape == (25,) and w.algorithm_panel.k_spin.value() == 2
