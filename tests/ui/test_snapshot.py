"""The snapshot command writes a 1280x800 PNG in which the centroids' colours can be found."""

import argparse
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from kmeans_gui.cli import build_parser
from kmeans_gui.ui import snapshot
from kmeans_gui.ui.palette import cluster_rgb


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


def test_snapshot_centroid_markers_sit_at_the_centres(qtbot, tmp_path):
    """Render without points' colours in play: a single cluster's colour appears where its centre is."""
    out = tmp_path / "one.png"
    args = parse("--dataset", "uniform", "--n", "50", "--k", "2", "--steps", "30", "--no-regions", "-o", str(out))
    assert snapshot.run(args) == 0
    rgb = np.asarray(Image.open(out).convert("RGB"))
    for j in range(2):
        assert colour_count(rgb, cluster_rgb(j)) > 50


@pytest.mark.parametrize("init", ["random", "k-means++", "farthest", "manual"])
def test_snapshot_every_init(qtbot, tmp_path, init):
    out = tmp_path / f"{init}.png"
    assert snapshot.run(parse("--dataset", "moons", "--init", init, "--steps", "2", "--size", "960x640", "-o", str(out))) == 0
    assert Image.open(out).size == (960, 640)


def test_snapshot_bad_options_exit_2_with_a_message(qtbot, tmp_path, capsys):
    assert snapshot.run(parse("--size", "wide", "-o", str(tmp_path / "x.png"))) == 2
    assert "--size" in capsys.readouterr().err
    assert snapshot.run(parse("--steps", "-1", "-o", str(tmp_path / "x.png"))) == 2


def test_snapshot_choose_k_view_uses_the_hook_or_says_it_is_missing(qtbot, tmp_path, capsys):
    out = tmp_path / "k.png"
    code = snapshot.run(parse("--view", "choose-k", "-o", str(out)))
    if code == 0:
        assert snapshot._choose_k_hook() is not None
        assert Image.open(out).size == (1280, 800)
    else:  # the view is not in this build (yet): a clear message, no traceback
        assert code == 2 and "choose-k" in capsys.readouterr().err and not out.exists()


def test_snapshot_command_line_runs_headless(tmp_path):
    out = tmp_path / "cli.png"
    result = subprocess.run(
        [sys.executable, "-m", "kmeans_gui", "snapshot", "--dataset", "iris", "--k", "3", "--steps", "4", "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert Image.open(out).size == (1280, 800)
