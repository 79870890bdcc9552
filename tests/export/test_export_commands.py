"""``export-gif`` and ``filmstrip``: what they draw, and one line on stderr with status 2 for bad input."""

import argparse
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from kmeans_gui.cli import build_parser, main
from kmeans_gui.export.filmstrip import grid_shape, iteration_states
from kmeans_gui.export.frames import StatePainter, caption, detail
from kmeans_gui.export.gif import render_frames, write_gif
from kmeans_gui.export.source import load_source
from kmeans_gui.engine.progress import Cancelled
from kmeans_gui.cluster_colours import cluster_rgb


def source_for(*argv):
    return load_source(build_parser("export-gif").parse_args(["export-gif", *argv, "-o", "unused.gif"]))


@pytest.fixture
def table4d(tmp_path):
    """Three tight groups in 4-D, far apart along a diagonal, with a text label column."""
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0, 0, 0], [10, 10, 0, 0], [0, 10, 10, 10]], dtype=float)
    rows = []
    for j, c in enumerate(centres):
        for x in c + rng.normal(scale=0.3, size=(20, 4)):
            rows.append(",".join(f"{v:.6f}" for v in x) + f",g{j}")
    path = tmp_path / "four.csv"
    path.write_text("a,b,c,d,group\n" + "\n".join(rows) + "\n")
    return path


def test_captions_name_the_half_step():
    steps = list(source_for("--dataset", "blobs", "--k", "3").steps())
    captions = [caption(s, 3, "k-means++") for s in steps]
    assert captions[:5] == ["Seed 1 of 3 - k-means++", "Seed 2 of 3 - k-means++", "Seed 3 of 3 - k-means++",
                            "Iteration 1 - assign", "Iteration 1 - update"]
    assert captions[-1].startswith(f"Iteration {steps[-1].iteration} - ")
    assert "converged" in detail(steps[-1]) and "inertia" in detail(steps[-1])


def test_gif_has_one_frame_per_half_step_and_exact_colours(tmp_path, capsys):
    out = tmp_path / "run.gif"
    assert main(["export-gif", "--dataset", "blobs", "--k", "4", "--size", "320x240", "--fps", "5", "-o", str(out)]) == 0
    n_states = len(list(source_for("--dataset", "blobs", "--k", "4").steps()))
    with Image.open(out) as gif:
        assert (gif.n_frames, gif.size) == (n_states, (320, 240))
        assert gif.info["loop"] == 0 and gif.info["duration"] == 200
        gif.seek(gif.n_frames - 1)
        assert gif.info["duration"] == 600  # the last frame is held
        rgb = np.asarray(gif.convert("RGB"))
    assert tuple(rgb[1, 1]) == (255, 255, 255)  # white stays white through the palette
    for j in range(4):
        assert np.all(rgb == cluster_rgb(j), axis=-1).sum() > 20, j
    assert f"wrote {out} ({n_states} frames, 320x240, 5 fps" in capsys.readouterr().out


def test_centroids_are_drawn_where_the_projection_puts_them(table4d):
    source = source_for("--data", str(table4d), "--label-column", "group")
    assert source.k == 3 and source.X.shape == (60, 4) and source.projection.kind == "pca"
    final = list(source.steps())[-1]
    painter = StatePainter(source, (480, 360))
    image = np.asarray(painter.render(final, "t"))
    for j, (col, row) in enumerate(painter.image_position(final.centers)):
        assert tuple(image[int(row), int(col)]) == cluster_rgb(j), j
    # and the three groups' centres are where their points are drawn, the points inside the plot
    points = painter.image_position(source.X)
    assert (points[:, 0] > painter.left).all() and (points[:, 0] < painter.left + painter.plot_w).all()
    assert (points[:, 1] > painter.top).all() and (points[:, 1] < painter.top + painter.plot_h).all()
    # n-D data: no Voronoi regions (the plot's corner is plain white)
    assert tuple(image[painter.top + 2, painter.left + 2]) == (255, 255, 255)


def test_render_frames_reports_progress_and_can_be_cancelled():
    source = source_for("--dataset", "blobs", "--k", "3")
    seen = []
    frames, complete = render_frames(source, (200, 160), max_frames=4, progress=lambda f, m: seen.append(m))
    assert len(frames) == 4 and not complete
    assert seen[0] == "Frame 1: Seed 1 of 3 - k-means++"
    with pytest.raises(Cancelled):
        render_frames(source, (200, 160), should_stop=lambda: len(seen) > 5,
                      progress=lambda f, m: seen.append(m))
    assert len(seen) == 6


def test_write_gif_is_atomic_on_failure(tmp_path):
    out = tmp_path / "keep.gif"
    out.write_bytes(b"old")
    with pytest.raises(ValueError, match="no frames"):
        write_gif(out, [], 4)
    assert out.read_bytes() == b"old"


def test_filmstrip_grid_and_titles(tmp_path, capsys):
    out = tmp_path / "grid.png"
    assert main(["filmstrip", "--dataset", "blobs", "--k", "4", "--init", "random", "--seed", "3",
                 "--panel-size", "200x160", "-o", str(out)]) == 0
    gap = 4
    with Image.open(out) as im:
        assert im.size == (3 * 200 + 2 * gap, 2 * 160 + gap)
    text = capsys.readouterr().out
    source = source_for("--dataset", "blobs", "--k", "4", "--init", "random", "--seed", "3")
    picked = iteration_states(source, 6)
    assert [s.iteration for s, _ in picked] == list(range(1, len(picked) + 1))
    assert all(s.phase == "update" for s, _ in picked[:-1])
    if len(picked) < 6:
        assert f"the run ended at iteration {len(picked)}" in text


def test_grid_shapes():
    assert grid_shape(6) == (2, 3)
    assert grid_shape(1) == (1, 1)
    assert grid_shape(4) == (2, 2)
    assert grid_shape(6, "3x2") == (3, 2)
    with pytest.raises(ValueError, match="holds 4 panels; 6 are needed"):
        grid_shape(6, "2x2")


@pytest.mark.parametrize("argv, message", [
    (["export-gif", "--size", "wide"], "--size 'wide' must look like 960x640"),
    (["export-gif", "--fps", "0"], "--fps 0 must be from 0.5 to 50"),
    (["export-gif", "--k", "0"], "--k 0 must be from 1 to 50"),
    (["filmstrip", "--k", "51"], "--k 51 must be from 1 to 50"),
    (["export-gif", "--dataset", "empty"], "no points to cluster"),
    (["export-gif", "--data", "missing.csv"], "no such file"),
    (["export-gif", "--columns", "a,b"], "--columns applies to --data FILE.csv only"),
    (["filmstrip", "--panels", "0"], "--panels 0 must be from 1 to 48"),
    (["filmstrip", "--grid", "1x2"], "--grid '1x2' holds 2 panels; 6 are needed"),
])
def test_bad_options_exit_2_with_one_line(tmp_path, capsys, argv, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "-o", str(tmp_path / "out.x")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "out.x").exists()


def test_a_run_too_long_for_its_frame_size_stops_before_memory_runs_out(tmp_path, capsys, monkeypatch):
    from kmeans_gui.export import gif

    monkeypatch.setattr(gif, "FRAME_MEMORY", 3 * 960 * 640 * 3)  # three frames' worth
    assert main(["export-gif", "--size", "960x640", "-o", str(tmp_path / "run.gif")]) == 2
    err = capsys.readouterr().err
    assert "4 frames of 960 x 640 would need" in err and "choose a smaller size" in err and err.count("\n") == 1
    assert not (tmp_path / "run.gif").exists()


def test_bad_table_and_k(tmp_path, table4d, capsys):
    out = str(tmp_path / "o.gif")
    few = tmp_path / "few.csv"
    few.write_text("a,b\n1,2\n1,2\n3,4\n5,6\n5,6\n")
    assert main(["export-gif", "--data", str(few), "--k", "4", "-o", out]) == 2
    assert "k = 4 but the data have only 3 distinct rows; choose k <= 3" in capsys.readouterr().err
    holes = tmp_path / "holes.csv"
    holes.write_text("a,b\n1,2\nnan,4\n5,6\n7,\n")
    assert main(["filmstrip", "--data", str(holes), "--k", "2", "-o", out]) == 2
    assert "2 of 4 rows of holes.csv hold missing, NaN or infinite values (the first is data row 2); add " \
           "--drop-missing to drop those rows" in capsys.readouterr().err
    assert main(["filmstrip", "--data", str(holes), "--k", "2", "--drop-missing", "-o", out]) == 0
    assert "note: dropped 2 rows with missing, NaN or infinite values" in capsys.readouterr().out
    assert main(["filmstrip", "--data", str(table4d), "--axes", "a,zz", "-o", out]) == 2
    assert "--axes 'zz' is not one of the feature columns: a, b, c, d" in capsys.readouterr().err
    assert main(["filmstrip", "--data", str(table4d), "--dataset", "blobs", "-o", out]) == 2
    assert "either --dataset or --data" in capsys.readouterr().err
    assert main(["export-gif", "--dataset", "blobs", "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_two_columns_view_of_a_table(table4d):
    source = source_for("--data", str(table4d), "--axes", "b,d")
    assert source.projection.axis_titles == ("b", "d")
    np.testing.assert_array_equal(source.projection.transform(source.X), source.X[:, [1, 3]])


def test_command_line_bad_csv_no_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(200)))
    result = subprocess.run([sys.executable, "-m", "kmeans_gui", "filmstrip", "--data", str(bad), "-o",
                             str(tmp_path / "g.png")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "it looks like a PNG image" in result.stderr


def test_namespace_without_table_options_still_loads():
    args = argparse.Namespace(dataset="moons", n=50, k=2, init="farthest", seed=1)
    source = load_source(args)
    assert source.X.shape == (50, 2) and source.is_planar and source.projection.axis_titles == ("x", "y")


def test_points_and_centroids_csv_in_the_files_units(tmp_path, table4d, capsys):
    points, centres = tmp_path / "p.csv", tmp_path / "c.csv"
    assert main(["filmstrip", "--data", str(table4d), "--label-column", "group", "--standardize",
                 "--points-csv", str(points), "--centroids-csv", str(centres), "-o", str(tmp_path / "g.png")]) == 0
    assert f"wrote {points}" in capsys.readouterr().out
    from kmeans_gui.data.table import load_csv

    original = load_csv(table4d, label_column="group")
    written = load_csv(points, columns=["a", "b", "c", "d"], label_column="true_label")
    np.testing.assert_allclose(written.X, original.X, rtol=1e-12, atol=1e-12)  # standardisation undone
    assert written.label_names == ("g0", "g1", "g2")
    clusters = load_csv(points, columns=["a", "b"], label_column="cluster").labels
    # three far-apart groups: each true group is exactly one cluster
    assert len({(t, c) for t, c in zip(written.labels, clusters)}) == 3
    rows = centres.read_text().splitlines()
    assert rows[0] == "cluster,a,b,c,d,size" and len(rows) == 4
    sizes = sorted(int(r.split(",")[-1]) for r in rows[1:])
    assert sizes == [20, 20, 20]
    means = np.array([[float(v) for v in r.split(",")[1:5]] for r in rows[1:]])
    group_means = np.array([original.X[original.labels == g].mean(axis=0) for g in range(3)])
    assert np.abs(means[:, None, :] - group_means[None]).sum(axis=2).min(axis=1).max() < 1e-9


def test_csv_output_into_a_missing_folder_is_refused_first(tmp_path, capsys):
    gif = tmp_path / "run.gif"
    assert main(["export-gif", "--points-csv", str(tmp_path / "no" / "p.csv"), "-o", str(gif)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kmeans-gui export-gif: --points-csv ") and "does not exist" in err
    assert not gif.exists()
