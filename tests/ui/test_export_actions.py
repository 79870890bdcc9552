"""File > Export run as GIF…, Export filmstrip…, Export points and centroids as CSV…, and
Export image's charts: real clicks on the menu and the dialogs, files read back."""

import csv
import os
import threading

import numpy as np
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton

from kmeans_gui.export.source import RunSource
from kmeans_gui.ui.export_actions import centroids_path_for, image_export_dialog


class SaveTo:
    """Answers "where to save" with a fixed path at once, and keeps any warning."""

    def __init__(self, path):
        self.path = str(path)
        self.warnings = []

    def ask_save_path(self, title, suggested, file_filter):
        return self.path

    def warn(self, title, text):
        self.warnings.append((title, text))


def click_menu(qtbot, window, menu, action):
    """Open ``menu`` and click ``action`` in it, as a user would."""
    menu.popup(window.mapToGlobal(QPoint(20, 20)))
    qtbot.waitUntil(menu.isVisible)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def type_into(qtbot, spin, text):
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Tab)


def click_radio(qtbot, radio):
    """A click on the radio button's circle (its middle may lie past a short label)."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))


def export_threads():
    return [t for t in threading.enumerate() if t.name.startswith("kmeans-task") and t.is_alive()]


def wait_done(qtbot, export):
    qtbot.waitUntil(lambda: export.runner is None, timeout=20_000)


def test_gif_menu_action_writes_one_frame_per_half_step(qtbot, make_window, tmp_path):
    w = make_window()
    export = w.run_export
    export.dialogs = SaveTo(tmp_path / "run.gif")
    w.state.ensure_all()
    click_menu(qtbot, w, w.file_menu, export.gif_action)
    dialog = export.options_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert f"{w.state.n_states} frames" in dialog.summary.text()
    type_into(qtbot, dialog.width_spin, "240")
    type_into(qtbot, dialog.height_spin, "180")
    type_into(qtbot, dialog.fps_spin, "5")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, export)
    with Image.open(tmp_path / "run.gif") as gif:
        assert (gif.n_frames, gif.size, gif.info["duration"]) == (w.state.n_states, (240, 180), 200)
    assert export.last_result.startswith(f"Saved run.gif: {w.state.n_states} frames") and not export.dialogs.warnings
    assert "Saved run.gif" in w.status_line_text()


def test_gif_of_a_variant_follows_the_windows_run(qtbot, make_window, tmp_path):
    w = make_window(algorithm="gmm", k=3)
    w.state.ensure_all()
    out = tmp_path / "gmm.gif"
    w.run_export.export_gif(str(out), size=(200, 160))
    wait_done(qtbot, w.run_export)
    with Image.open(out) as gif:
        assert gif.n_frames == w.state.n_states
    assert w.state.history[1].algorithm == "gmm"


def test_filmstrip_menu_action_writes_the_grid(qtbot, make_window, tmp_path):
    w = make_window()
    export = w.run_export
    export.dialogs = SaveTo(tmp_path / "grid.png")
    click_menu(qtbot, w, w.file_menu, export.filmstrip_action)
    dialog = export.options_dialog
    qtbot.waitUntil(dialog.isVisible)
    type_into(qtbot, dialog.panels_spin, "4")
    type_into(qtbot, dialog.width_spin, "200")
    type_into(qtbot, dialog.height_spin, "160")
    assert dialog.layout_label.text() == "2 × 2 panels, 404 × 324 px"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, export)
    with Image.open(tmp_path / "grid.png") as im:
        assert im.size == (2 * 200 + 4, 2 * 160 + 4)
    assert "4 panels, 404 × 324" in export.last_result


def test_csv_menu_action_writes_the_points_labels_and_centroids_shown(qtbot, make_window, tmp_path):
    w = make_window()
    for _ in range(3):  # seeds, then the first assignment
        w.step_action.trigger()
    while w.state.current.labels is None:
        w.step_action.trigger()
    w.step_action.trigger()
    shown = w.state.current
    export = w.run_export
    export.dialogs = SaveTo(tmp_path / "points.csv")
    click_menu(qtbot, w, w.file_menu, export.csv_action)
    wait_done(qtbot, export)
    with open(tmp_path / "points.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["x", "y", "cluster"]
    table = np.array(rows[1:], dtype=float)
    np.testing.assert_array_equal(table[:, :2], w.state.points)
    np.testing.assert_array_equal(table[:, 2].astype(int), shown.labels)
    with open(centroids_path_for(str(tmp_path / "points.csv")), newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["cluster", "x", "y", "size"]
    centres = np.array(rows[1:], dtype=float)
    np.testing.assert_array_equal(centres[:, 1:3], shown.centers)
    np.testing.assert_array_equal(centres[:, 3].astype(int), np.bincount(shown.labels, minlength=3))


def test_csv_keeps_true_labels_when_the_model_has_them(qtbot, make_window, tmp_path):
    w = make_window()
    # Data imported with a label column carry true labels (codes into label_names) on the model.
    points = w.state.points
    w.state.set_table(points, true_labels=np.arange(len(points)) % 3,
                      label_names=("setosa", "versicolor", "virginica"))
    w.state.run_to_end()
    w.run_export.export_csv(str(tmp_path / "p.csv"))
    wait_done(qtbot, w.run_export)
    with open(tmp_path / "p.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["x", "y", "cluster", "true_label"]
    assert [r[3] for r in rows[1:4]] == ["setosa", "versicolor", "virginica"]
    np.testing.assert_array_equal([int(r[2]) for r in rows[1:]], w.state.current.labels)


def test_csv_before_any_assignment_says_why_and_writes_nothing(qtbot, make_window, tmp_path):
    w = make_window()
    w.state.reset()
    export = w.run_export
    export.dialogs = SaveTo(tmp_path / "points.csv")
    click_menu(qtbot, w, w.file_menu, export.csv_action)
    assert export.dialogs.warnings and "No point has a cluster yet" in export.dialogs.warnings[0][1]
    assert not os.listdir(tmp_path) and export.runner is None


def test_a_csv_export_cancelled_as_it_writes_leaves_both_files_or_none(make_window, tmp_path):
    """A cancel says "nothing was written": it must not land between the points and the centroids."""
    from kmeans_gui.engine.progress import Cancelled
    from kmeans_gui.ui.export_actions import _csv_task

    class CancelOnceStarted:  # the user presses Cancel as the writing begins
        cancelled = False

        def set_progress(self, fraction, message=""):
            self.cancelled = True

        def check_cancelled(self):
            if self.cancelled:
                raise Cancelled()

    w = make_window()
    w.state.run_to_end()
    points, centroids = str(tmp_path / "p.csv"), str(tmp_path / "p-centroids.csv")
    try:
        _csv_task(CancelOnceStarted(), w.run_export._snapshot(), w.state.current, points, centroids)
    except Cancelled:
        assert os.listdir(tmp_path) == []
    else:
        assert sorted(os.listdir(tmp_path)) == ["p-centroids.csv", "p.csv"]


def test_cancel_mid_render_leaves_no_file_and_no_thread(qtbot, make_window, tmp_path):
    rng = np.random.default_rng(0)
    w = make_window(points=rng.normal(size=(3000, 2)), k=8, init="random")
    out = tmp_path / "slow.gif"
    export = w.run_export
    before = set(export_threads())  # the Explore tab may be computing the rest of its run
    export.export_gif(str(out), size=(960, 640))
    progress = export.progress_dialog
    qtbot.waitUntil(lambda: progress.value() > 0, timeout=20_000)  # some frames drawn
    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert export.runner is None and export.progress_dialog is None
    qtbot.waitUntil(lambda: set(export_threads()) <= before, timeout=10_000)
    assert os.listdir(tmp_path) == []  # no GIF, no temporary file
    assert "cancelled; nothing was written" in w.status_line_text()


def test_a_failed_write_says_so_and_keeps_the_old_file(qtbot, make_window, tmp_path):
    w = make_window()
    export = w.run_export
    export.dialogs = SaveTo(tmp_path / "missing-folder" / "run.gif")
    export.export_filmstrip(str(tmp_path / "missing-folder" / "grid.png"), panels=2, panel_size=(160, 160))
    wait_done(qtbot, export)
    title, text = export.dialogs.warnings[0]
    assert title == "Export filmstrip failed" and "grid.png" in text and "does not exist" in text
    assert not (tmp_path / "missing-folder").exists()


def test_a_csv_pair_failing_half_way_says_which_file_was_written(qtbot, make_window, tmp_path):
    w = make_window()
    w.state.run_to_end()
    export = w.run_export
    points = tmp_path / "run.csv"
    (tmp_path / "run-centroids.csv").mkdir()  # the centroids cannot be written there
    export.dialogs = SaveTo(points)
    export.export_csv(str(points))
    wait_done(qtbot, export)
    title, text = export.dialogs.warnings[0]
    assert title == "Export CSV failed"
    assert text.endswith(f"{points} was written; the rest was not.")  # not "Nothing was written."
    assert points.exists()


def test_a_gif_too_big_for_memory_is_refused_before_drawing(qtbot, make_window, tmp_path, monkeypatch):
    from kmeans_gui.export import gif

    monkeypatch.setattr(gif, "FRAME_MEMORY", 10_000_000)
    w = make_window()
    w.state.ensure_all()
    export = w.run_export
    export.dialogs = SaveTo(tmp_path / "big.gif")
    export.export_gif(str(tmp_path / "big.gif"), size=(1000, 1000))
    assert export.runner is None and "choose a smaller size" in export.dialogs.warnings[0][1]
    assert f"{w.state.n_states} frames of 1000 × 1000" in export.dialogs.warnings[0][1]
    assert not os.listdir(tmp_path)


def test_export_image_offers_the_charts_of_the_tab_on_screen(qtbot, make_window, tmp_path):
    w = make_window()
    dialog = image_export_dialog(w)
    dialog.show()
    qtbot.waitExposed(dialog)
    labels = [r.text() for r in dialog.radios]
    assert labels[0] == "The canvas only" and labels[-1].startswith("The whole tab")
    assert labels[1].startswith("The convergence chart: ")
    click_radio(qtbot, dialog.radios[1])
    assert dialog.target() is w.chart
    dialog.close()
    w.tabs.setCurrentWidget(w.pages["choose-k"])
    page = w.pages["choose-k"]
    dialog = image_export_dialog(w)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert [r.text() for r in dialog.radios][:2] == ["The chart: Elbow: inertia against k",
                                                    "The chart: Mean silhouette (+- sd over seeds)"]
    click_radio(qtbot, dialog.radios[0])
    assert dialog.target() is page.elbow and w.tabs.currentWidget() is page
    click_radio(qtbot, dialog.radios[-2])
    assert dialog.target() is page.silhouette_plot
    target, width = dialog.choice()
    dialog.close()
    from kmeans_gui.ui.common.export_dialog import render_widget, save_png

    save_png(render_widget(target, 400), tmp_path / "sil.png")
    with Image.open(tmp_path / "sil.png") as im:
        assert im.width == 400


def test_window_run_matches_the_source_the_worker_builds(make_window):
    w = make_window(algorithm="soft", beta=0.5)
    w.state.ensure_all()
    source = RunSource.from_explore(w.run_export._snapshot())
    assert [s.phase for s in source.steps()] == [s.phase for s in w.state.history]



def test_one_feature_data_export_along_their_line_as_the_canvas_draws_them(qtbot, make_window, tmp_path):
    """Explore takes 1-D tables (drawn along a line); its exports must too, and say what the view is."""
    from kmeans_gui.export.frames import StatePainter

    rng = np.random.default_rng(0)
    w = make_window()
    w.state.set_table(np.r_[rng.normal(size=(20, 1)), 6 + rng.normal(size=(20, 1))], feature_names=["width"])
    w.state.set_params(k=2)
    w.state.run_to_end()
    source = RunSource.from_explore(w.run_export._snapshot())
    assert source.projection.kind == "line"
    np.testing.assert_array_equal(source.projection.transform(source.X), w.state.view_points)
    notes = []

    class Recording:
        def textlength(self, text, font=None):
            return 10.0

        def text(self, xy, text, **kwargs):
            notes.append(text)

    StatePainter(source, (400, 300))._view_note(Recording(), "Iteration 1", 1000.0)
    assert notes == ["1-D data, drawn along a line, so no regions"]
    export = w.run_export
    export.export_filmstrip(str(tmp_path / "strip.png"), 4, (200, 160))
    wait_done(qtbot, export)
    assert export.last_result.startswith("Saved strip.png") and os.path.exists(tmp_path / "strip.png")
