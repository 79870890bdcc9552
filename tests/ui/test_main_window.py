"""Window structure, menus, the parameter panel following the state, and bad input."""

import numpy as np
import pytest
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


def test_each_tab_has_its_own_status_text(make_window, qtbot):
    w = make_window()
    explore_text = w.status_label.text()
    assert explore_text.startswith("Step 1")
    w.image_tab.message.emit("Loaded cat.png (3 × 2)")
    assert w.status_line_text() == explore_text  # the Image tab's news waits for the Image tab
    qtbot.mouseClick(w.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=w.tabs.tabBar().tabRect(1).center())
    assert w.tabs.currentWidget() is w.image_tab
    assert w.status_label.text() == "Loaded cat.png (3 × 2)"
    w.state.step()  # Explore moves on unseen: the Image tab's line stays
    assert w.status_label.text() == "Loaded cat.png (3 × 2)"
    qtbot.mouseClick(w.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=w.tabs.tabBar().tabRect(2).center())
    assert "Step" not in w.status_label.text()  # Choose k: not Explore's step
    qtbot.mouseClick(w.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=w.tabs.tabBar().tabRect(0).center())
    assert w.status_label.text().startswith("Step 2 ")


def test_a_long_status_fits_the_line_and_shows_in_full_on_hover(make_window):
    w = make_window()
    w.resize(960, 640)
    long_text = "A long message: " + " ".join(f"word{i}" for i in range(80))
    w.show_message(long_text)
    line = w.message_label
    assert w.status_line_text() == long_text and line.isVisible() and not w.status_label.isVisible()
    assert line.is_elided() and line.shown_text().endswith("…")
    assert line.toolTip() == long_text
    assert w.width() <= 960  # the text did not widen the window
    w.show_message("Short.")
    assert not line.is_elided() and line.toolTip() == ""
    w.state.step()  # the tab's next state replaces the passing message
    assert w.status_line_text() == w.status_label.text() and w.status_label.isVisible()
    w.set_tab_status(w.explore, long_text)
    assert w.status_label.is_elided() and w.status_label.toolTip() == long_text


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
    window_keys = {a.shortcut().toString() for a in w.actions()}
    for key in ("Ctrl+O", "Ctrl+E", "Ctrl+N", "Ctrl+G", "Ctrl+Q", "Ctrl+/"):
        assert QKeySequence(key).toString() in window_keys
    explore_keys = {a.shortcut().toString() for a in w.explore.actions()}
    for key in ("Space", "Right", "Left", "Home", "End", "R", "Ctrl+Z", "Ctrl+Shift+Z", "V", "T", "L", "B", "F", "F1"):
        assert QKeySequence(key).toString() in explore_keys


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
            # The "large" preset is made on a worker, and its first states come from one.
            qtbot.waitUntil(lambda: w.state.dataset["name"] == name and w.state.current is not None, timeout=20_000)
            assert w.state.n_points > 0, name
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
    assert path and Image.open(path).size == (w.canvas.width(), w.canvas.height())


def test_export_at_a_chosen_size_and_the_whole_tab(make_window, tmp_path):
    from PIL import Image

    w = make_window()
    w.regions_action.setChecked(False)
    canvas_w, canvas_h = w.canvas.width(), w.canvas.height()
    path = w.export_image(str(tmp_path / "big.png"), width=2 * canvas_w)
    with Image.open(path) as image:
        assert image.size == (2 * canvas_w, round(canvas_h * 2 * canvas_w / canvas_w))
    tab_path = w.export_image(str(tmp_path / "tab.png"), width=1000, whole_tab=True)
    with Image.open(tab_path) as image:
        assert image.size == (1000, round(w.explore.height() * 1000 / w.explore.width()))
        pixels = np.asarray(image.convert("RGB"))
    # The chart sits under the canvas: the tab's bottom rows hold the chart's drawn curve and
    # text, not a blank white band.
    chart_top = w.chart.mapTo(w.explore, w.chart.rect().topLeft()).y() * 1000 / w.explore.width()
    assert chart_top > pixels.shape[0] / 2
    assert len(np.unique(pixels[int(chart_top):].reshape(-1, 3), axis=0)) > 20
    with pytest.raises(ValueError, match="between 200 and 8000"):
        w.export_image(str(tmp_path / "tiny.png"), width=10)
    assert not (tmp_path / "tiny.png").exists()


def test_export_dialog_offers_sizes_and_the_whole_tab(make_window, qtbot):
    from kmeans_gui.ui.common.export_dialog import ExportDialog

    w = make_window()
    dialog = ExportDialog(w.canvas, w.explore, w)
    qtbot.addWidget(dialog)
    target, width = dialog.choice()
    assert target is w.canvas and width == 2 * w.canvas.width()  # twice the screen to start with
    qtbot.mouseClick(dialog.scale_buttons[2], Qt.MouseButton.LeftButton)
    assert dialog.choice() == (w.canvas, 3 * w.canvas.width())
    qtbot.mouseClick(dialog.tab_radio, Qt.MouseButton.LeftButton)
    assert dialog.choice() == (w.explore, 3 * w.explore.width())  # the same factor for the tab
    assert f"{round(3 * w.explore.height())} px" in dialog.height_label.text()


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
    runs.clear()
    w.dataset_panel.centers_spin.setValue(5)  # shown at once
    assert runs == [5]  # one restart, already with the new k
    qtbot.mouseClick(w.dataset_panel.generate_button, Qt.MouseButton.LeftButton)
    assert runs == [5, 5]  # a new draw: one more restart
    assert w.algorithm_panel.k_spin.value() == 5 and w.state.current is not None


def test_loading_a_session_with_another_number_of_points_redraws_the_canvas(make_window, qtbot):
    from kmeans_gui.state import AppState, Params

    w = make_window()  # 60 points
    pts = np.random.default_rng(1).normal(size=(25, 2))
    other = AppState(pts, Params(k=2, seed=4))
    data, arrays = other.to_dict(), other.arrays()
    data["cursor"] = 3
    shown_when_run_arrives = []  # views that colour points by the run must already hold the new points
    w.state.events.run.connect(lambda: shown_when_run_arrives.append(len(w.canvas.points._xy)))
    w.state.load_dict(data, arrays)
    assert shown_when_run_arrives == [25]
    assert w.state.current.labels is not None
    assert w.state.n_points == 25 and w.state.current is not None
    np.testing.assert_array_equal(w.canvas.points._xy, pts)
    assert w.canvas.points._colors.shape == (25,) and w.algorithm_panel.k_spin.value() == 2


def test_shortcut_help_lists_every_action_with_a_shortcut(make_window):
    from kmeans_gui.ui.common.about import shortcut_rows

    w = make_window()
    text = w.shortcuts_text()
    for key in ("Ctrl+O", "Ctrl+E", "Ctrl+N", "Ctrl+G", "F1", "Ctrl+Q", "Ctrl+/", "Space", "Right", "Left",
                "Home", "End", "R", "V", "T", "L", "B", "F", "Ctrl+Z", "Ctrl+Shift+Z"):
        assert f"<b>{QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)}</b>" in text, key
    # Built from the actions: a new one appears without touching the help.
    w._action(w.menuBar().actions()[0].menu(), "&Frobnicate", lambda: None, "Ctrl+J")
    assert ("File", "Ctrl+J", "Frobnicate") in shortcut_rows(w.menuBar())
    assert "<b>Ctrl+J</b>" in w.shortcuts_text()
    assert "drag pans" not in text and "brush mode (B) spray points" in text


def test_about_names_version_libraries_and_licence(make_window):
    import numpy
    import pyqtgraph

    import kmeans_gui
    from kmeans_gui.ui.common.about import about_html

    text = about_html()
    assert kmeans_gui.__version__ in text and "MIT" in text
    assert f">NumPy</td><td>{numpy.__version__}</td>" in text
    assert f">pyqtgraph</td><td>{pyqtgraph.__version__}</td>" in text
    assert "not installed" not in text


def test_version_option(capsys):
    import kmeans_gui
    from kmeans_gui.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"kmeans-gui {kmeans_gui.__version__}"
