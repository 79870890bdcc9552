"""The snapshot command writes a 1280x800 PNG in which the centroids' colours can be found."""

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from kmeans_gui.cli import build_parser
from kmeans_gui.ui import snapshot
from kmeans_gui.cluster_colours import cluster_rgb


def parse(*argv):
    return build_parser("snapshot").parse_args(["snapshot", *argv])


def colour_count(rgb, colour):
    return int(np.all(rgb == np.array(colour, dtype=np.uint8), axis=-1).sum())


def test_snapshot_png_has_the_centroid_colours(qtbot, tmp_path):
    out = tmp_path / "out.png"
    args = parse("--dataset", "blobs", "--k", "4", "--seed", "0", "--steps", "6", "-o", str(out))
    assert snapshot.run(args) == 0
    img = Image.open(out).convert("RGB")
    assert img.size == (1280, 800)
    rgb = np.asarray(img)
    for j in range(4):
        # centroid diamonds are filled with exactly the palette colour (and so are their points)
        assert colour_count(rgb, cluster_rgb(j)) > 200, j
    assert colour_count(rgb, cluster_rgb(4)) == 0  # no fifth cluster


def test_a_snapshot_leaves_no_window_behind(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    def windows():
        return sum(type(w).__name__ == "MainWindow" for w in QApplication.topLevelWidgets())

    before = windows()
    assert snapshot.run(parse("--dataset", "blobs", "--k", "3", "--steps", "1", "-o", str(tmp_path / "a.png"))) == 0
    assert windows() == before  # a process that renders many pictures does not pile windows up


def test_snapshot_centroid_markers_sit_at_the_centres(qtbot, tmp_path, monkeypatch):
    """Each centroid's diamond, filled with its cluster's colour, is drawn where the centre maps to
    through the view range the window had when it was grabbed."""
    from PySide6.QtCore import QPointF

    from kmeans_gui.ui import app

    seen = {}
    real_build = app.build_window

    def build_and_watch(args):
        window = real_build(args)
        real_grab = window.grab

        def grab():
            canvas = window.canvas
            vp = canvas.plot.viewport()
            seen["centres"] = np.array(window.state.current.centers)
            seen["pixels"] = []
            for x, y in seen["centres"]:
                p = vp.mapTo(window, canvas.plot.mapFromScene(canvas.viewbox.mapViewToScene(QPointF(x, y))))
                seen["pixels"].append((p.x(), p.y()))
            return real_grab()

        window.grab = grab
        return window

    monkeypatch.setattr(app, "build_window", build_and_watch)
    out = tmp_path / "one.png"
    args = parse("--dataset", "uniform", "--n", "50", "--k", "2", "--steps", "30", "--no-regions", "-o", str(out))
    assert snapshot.run(args) == 0
    rgb = np.asarray(Image.open(out).convert("RGB"))
    assert len(seen["pixels"]) == 2
    for j, (px, py) in enumerate(seen["pixels"]):
        assert 0 <= px < rgb.shape[1] and 0 <= py < rgb.shape[0], j
        around = rgb[py - 2 : py + 3, px - 2 : px + 3]  # the middle of a 24-pixel diamond
        assert colour_count(around, cluster_rgb(j)) == 25, (j, px, py)


@pytest.mark.parametrize("init", ["random", "k-means++", "farthest", "manual"])
def test_snapshot_every_init(qtbot, tmp_path, init):
    out = tmp_path / f"{init}.png"
    assert snapshot.run(parse("--dataset", "moons", "--init", init, "--steps", "2", "--size", "960x640", "-o", str(out))) == 0
    assert Image.open(out).size == (960, 640)


def test_snapshot_bad_options_exit_2_with_a_message(qtbot, tmp_path, capsys):
    assert snapshot.run(parse("--size", "wide", "-o", str(tmp_path / "x.png"))) == 2
    assert "--size" in capsys.readouterr().err
    assert snapshot.run(parse("--steps", "-1", "-o", str(tmp_path / "x.png"))) == 2


def test_snapshot_choose_k_view_renders(qtbot, tmp_path):
    out = tmp_path / "k.png"
    assert snapshot.run(parse("--view", "choose-k", "-o", str(out))) == 0
    assert out.exists()
    rgb = np.asarray(Image.open(out).convert("RGB"))
    assert rgb.shape == (800, 1280, 3)
    colours = np.unique(rgb.reshape(-1, 3), axis=0)
    assert len(colours) > 20  # charts, text and curves, not a blank window
    assert colour_count(rgb, cluster_rgb(0)) > 0  # the silhouette plot's first band


def test_snapshot_command_line_runs_headless(tmp_path):
    out = tmp_path / "cli.png"
    result = subprocess.run(
        [sys.executable, "-m", "kmeans_gui", "snapshot", "--dataset", "iris", "--k", "3", "--steps", "4", "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert Image.open(out).size == (1280, 800)


def test_snapshot_of_a_two_column_table(qtbot, tmp_path, capsys):
    table = tmp_path / "t.csv"
    rows = [f"{x},{y},{'ab'[i % 2]}" for i, (x, y) in enumerate([(0, 0), (0, 1), (1, 0), (9, 9), (9, 10), (10, 9)])]
    table.write_text("u,v,lab\n" + "\n".join(rows) + "\n")
    out = tmp_path / "t.png"
    assert snapshot.run(parse("--data", str(table), "--label-column", "lab", "--k", "2", "--steps", "3",
                              "--size", "640x480", "-o", str(out))) == 0
    rgb = np.asarray(Image.open(out).convert("RGB"))
    assert colour_count(rgb, cluster_rgb(0)) > 0 and colour_count(rgb, cluster_rgb(1)) > 0
    assert colour_count(rgb, cluster_rgb(2)) == 0


def test_snapshot_of_a_table_of_three_columns_clusters_in_full_and_shows_pca(qtbot, tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_text("a,b,c\n1,2,3\n4,5,6\n7,8,10\n30,31,29\n32,30,31\n")
    out = tmp_path / "x.png"
    assert snapshot.run(parse("--data", str(table), "--k", "2", "--steps", "4", "--size", "640x480",
                              "-o", str(out))) == 0
    rgb = np.asarray(Image.open(out).convert("RGB"))
    assert colour_count(rgb, cluster_rgb(0)) > 0 and colour_count(rgb, cluster_rgb(1)) > 0
    assert snapshot.run(parse("--data", str(table), "--k", "2", "--init", "manual", "-o", str(tmp_path / "m.png"))) == 2
    assert "--init manual places centroids on the canvas, which needs 2-D data; these data have 3 features" in (
        capsys.readouterr().err)
    assert not (tmp_path / "m.png").exists()


def test_snapshot_and_side_panel_accept_the_tutorials_names(qtbot):
    from kmeans_gui.ui.app import build_window

    args = parse("--dataset", "tutorial-blobs", "--init", "tutorial-random", "--seed", "42", "-o", "x.png")
    window = build_window(args)
    qtbot.addWidget(window)
    state = window.state
    assert (state.params.init, state.params.k, state.n_points) == ("tutorial-random", 4, 300)
    state.run_to_end()
    assert round(state.current.inertia, 1) == 1886.2
    assert "stuck in a poor local minimum" in window.status_label.text()
    # The side panel offers both tutorial inits; choosing one restarts the run with it.
    from kmeans_gui.ui.explore.panels.algorithm import AlgorithmPanel

    combo = window.findChild(AlgorithmPanel).init_combo
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert "Tutorial: random" in labels and "Tutorial: k-means++" in labels
    combo.setCurrentIndex(combo.findData("tutorial-k-means++"))
    assert state.params.init == "tutorial-k-means++"
    state.run_to_end()
    assert round(state.current.inertia, 1) == 362.5  # seed 42's k-means++ finds the good solution
    assert "stuck" not in window.status_label.text()


def test_snapshot_of_a_lesson_shows_its_panel_and_code(qtbot, tmp_path, monkeypatch):
    from kmeans_gui.ui import main_window

    grabbed = {}
    real_render = snapshot.render

    def render_and_keep(args):
        original_close = main_window.MainWindow.close

        def close(window):
            grabbed["dock"] = window.learn.dock.isVisible()
            grabbed["code"] = window.learn.code_dock.isVisible()
            grabbed["line"] = window.learn.code_panel.highlighted_line
            grabbed["dataset"] = window.state.dataset["name"]
            return original_close(window)

        monkeypatch.setattr(main_window.MainWindow, "close", close)
        return real_render(args)

    monkeypatch.setattr(snapshot, "render", render_and_keep)
    out = tmp_path / "lesson.png"
    assert snapshot.run(parse("--lesson", "1", "--steps", "2", "--size", "1000x640", "-o", str(out))) == 0
    assert Image.open(out).size == (1000, 640)
    from kmeans_gui.lessons.scratch_kmeans import code_for
    assert grabbed == {"dock": True, "code": True, "line": code_for("kmeans").line_for("update"),
                       "dataset": "blobs"}


def test_snapshot_of_a_missing_lesson_says_which_exist(qtbot, tmp_path, capsys):
    lessons = tmp_path / "class"
    lessons.mkdir()
    (lessons / "extra.toml").write_text('title = "Extra"\ntext = "Go."\n[check]\nkind = "run_converged"\n')
    assert snapshot.run(parse("--lesson", "11", "--lessons-dir", str(lessons), "-o", str(tmp_path / "x.png"))) == 2
    assert capsys.readouterr().err.strip() == "kmeans-gui snapshot: There is no lesson 11: choose 1 to 10."


def test_snapshot_of_the_failures_lesson_shows_the_failures_lab(qtbot, tmp_path, monkeypatch):
    from kmeans_gui.ui import main_window

    shown = {}
    original_close = main_window.MainWindow.close

    def close(window):
        shown["page"] = window.tabs.currentWidget() is window.pages["failures"]
        return original_close(window)

    monkeypatch.setattr(main_window.MainWindow, "close", close)
    out = tmp_path / "lesson5.png"
    assert snapshot.run(parse("--lesson", "5", "--size", "1000x640", "-o", str(out))) == 0
    assert shown == {"page": True}
    # The picture shows the lab computed (lesson 5 done), but the user's settings never learn it.
    from kmeans_gui.ui.learn import settings_for_lessons

    assert not settings_for_lessons().value("lessons/completed/05-where-it-fails", False, type=bool)
    assert not [key for key in settings_for_lessons().allKeys() if key.startswith("lessons/completed")]
