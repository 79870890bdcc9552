"""Fixes from a teacher's walkthrough of CSV import and export in a real window (issue 10)."""

import numpy as np

from conftest import wait_for_settled_view


def flat_3d_points():
    """Points spread along one direction: the second principal axis holds well under 1%."""
    rng = np.random.default_rng(0)
    t = rng.normal(size=200) * 100.0
    return np.column_stack([t, rng.normal(size=200) * 0.5, rng.normal(size=200) * 0.5])


def test_a_tiny_share_of_variance_shows_on_the_axis_rather_than_vanishing_as_html(make_window, qtbot):
    w = make_window(points=flat_3d_points())
    wait_for_settled_view(qtbot, w.canvas)
    assert w.state.projection.axis_titles[1] == "PC 2, <1% of variance"
    shown = w.canvas.plot.getAxis("left").label.toPlainText().strip()  # pyqtgraph pads for units
    assert shown == "PC 2, <1% of variance"


def test_the_convergence_chart_exports_as_a_png(make_window, qtbot, tmp_path):
    from PIL import Image

    from kmeans_gui.ui.common.export_dialog import render_widget, save_png

    w = make_window()
    w.state.ensure_all()
    image = render_widget(w.chart, 600)
    save_png(image, tmp_path / "chart.png")
    with Image.open(tmp_path / "chart.png") as im:
        assert im.width == 600
        colours = np.asarray(im.convert("RGB")).reshape(-1, 3)
        assert len(np.unique(colours, axis=0)) > 5  # the chart was drawn, not a blank page


def choose_iris(qtbot, w):
    combo = w.dataset_panel.dataset_combo
    combo.setCurrentIndex(combo.findData("iris"))
    wait_for_settled_view(qtbot, w.canvas)


def test_a_gif_of_4d_data_is_drawn_through_the_two_columns_the_window_shows(make_window, qtbot):
    from kmeans_gui.export.source import RunSource

    w = make_window()
    choose_iris(qtbot, w)
    assert RunSource.from_explore(w.run_export._snapshot()).projection.kind == "pca"
    panel = w.explore.projection_panel
    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("columns"))
    panel.x_combo.setCurrentIndex(2)
    panel.y_combo.setCurrentIndex(3)
    assert w.state.view_columns == (2, 3)
    source = RunSource.from_explore(w.run_export._snapshot())
    assert source.projection.axis_titles == ("petal length (cm)", "petal width (cm)")
    np.testing.assert_allclose(source.projection.transform(source.X[:3]), w.state.view_points[:3])


def test_the_regions_box_of_the_gif_and_filmstrip_dialogs_is_off_and_says_why_on_4d_data(make_window, qtbot):
    w = make_window()
    export = w.run_export
    export.export_gif()
    dialog = export.options_dialog
    assert dialog.regions_check.isEnabled() and dialog.regions_check.isChecked()  # 2-D blobs, Lloyd
    dialog.reject()
    choose_iris(qtbot, w)
    for open_dialog in (export.export_gif, export.export_filmstrip):
        open_dialog()
        dialog = export.options_dialog
        check = dialog.regions_check
        assert not check.isEnabled() and not check.isChecked()
        assert "4-D" in check.toolTip()
        dialog.reject()


def test_exports_start_in_the_folder_of_the_last_one_and_are_named_after_the_imported_file(
        make_window, qtbot, tmp_path, monkeypatch):
    from kmeans_gui.ui import export_actions

    asked = []

    def save_dialog(parent, title, start, file_filter):
        asked.append(start)
        return str(tmp_path / f"answer{len(asked)}.png"), file_filter

    monkeypatch.setattr(export_actions.QFileDialog, "getSaveFileName", save_dialog)
    w = make_window()
    export = w.run_export
    export.dialogs = export_actions.ExportDialogs(w)
    assert export.dialogs.ask_save_path("Export filmstrip", export.suggested_name("filmstrip.png"),
                                        "PNG images (*.png)") == str(tmp_path / "answer1.png")
    assert asked[0] == "kmeans-filmstrip.png"
    w.state.set_table(np.random.default_rng(0).normal(size=(30, 3)), feature_names=("a", "b", "c"),
                      source="flowers.csv")
    export.dialogs.ask_save_path("Export run as GIF", export.suggested_name("run.gif"), "GIF animations (*.gif)")
    assert asked[1] == str(tmp_path / "flowers-run.gif")


def test_file_export_image_encodes_the_png_on_a_worker(make_window, qtbot, tmp_path, monkeypatch):
    """A whole tab at 3x the screen takes ~0.2 s to encode: that must not freeze the window."""
    import threading

    from PIL import Image
    from PySide6.QtWidgets import QDialog

    from kmeans_gui.ui import export_actions
    from kmeans_gui.ui.common import export_dialog

    w = make_window()

    class Chosen:
        def exec(self):
            return QDialog.DialogCode.Accepted

        def choice(self):
            return w.chart, 900

    monkeypatch.setattr(export_actions, "image_export_dialog", lambda window: Chosen())
    w.run_export.dialogs = export_actions.ExportDialogs(w)
    monkeypatch.setattr(w.run_export.dialogs, "ask_save_path", lambda *a: str(tmp_path / "chart.png"))
    writers = []
    real_save = export_dialog.save_png

    def recording_save(image, path):
        writers.append(threading.current_thread() is threading.main_thread())
        real_save(image, path)

    monkeypatch.setattr(export_dialog, "save_png", recording_save)
    w.export_image()
    qtbot.waitUntil(lambda: w.run_export.runner is None, timeout=10_000)
    assert writers == [False]
    with Image.open(tmp_path / "chart.png") as im:
        assert im.width == 900
    assert f"Saved {tmp_path / 'chart.png'} (900 × " in w.status_line_text()


def test_a_short_window_scrolls_the_side_panel_without_narrowing_it(make_window, qtbot):
    w = make_window()
    choose_iris(qtbot, w)  # the View panel makes the side panel taller
    scroll = w.explore.widget(0)
    assert scroll.verticalScrollBar().maximum() == 0
    full = scroll.viewport().width()
    w.resize(1280, 600)
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0)
    # The scroll bar widens the panel rather than clipping the right edge of its controls.
    qtbot.waitUntil(lambda: scroll.viewport().width() >= full)



def test_a_gif_caption_names_the_initialisation_as_the_window_does():
    from kmeans_gui.cli import build_parser
    from kmeans_gui.export.frames import caption
    from kmeans_gui.export.source import load_source

    args = build_parser().parse_args(["export-gif", "--dataset", "blobs", "--k", "3",
                                      "--init", "tutorial-k-means++", "-o", "x.gif"])
    source = load_source(args)
    first = next(iter(source.steps()))
    assert caption(first, source.k, source.init) == "Seed 1 of 3 - Tutorial: k-means++"


def test_the_import_dialog_suggests_standardising_columns_of_very_different_spread(make_window, qtbot, tmp_path):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtWidgets import QApplication

    rows = ["alcohol;proline;hue;kind"] + [f"{13 + i % 3},{i};{700 + 97 * i};{1 + (i % 4) / 10};a"
                                           for i in range(10)]
    path = tmp_path / "wine.csv"
    path.write_text("\n".join(rows) + "\n")
    w = make_window()
    dialog = w.import_csv(str(path))
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    summary = dialog.summary_label.text()
    assert "spreads differ" in summary and "'proline'" in summary and "'hue'" in summary
    check = dialog.standardize_check
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))
    assert check.isChecked() and "spreads differ" not in dialog.summary_label.text()
    dialog.reject()
