"""``export-gif`` and ``filmstrip`` for the variants (``--algorithm``) and for a saved session
(``--session``): frame counts, captions, what the frames draw, and one line with status 2 for
bad input."""

import numpy as np
import pytest
from PIL import Image

from kmeans_gui.cli import build_parser, main
from kmeans_gui.export.filmstrip import iteration_states, panel_title, render_filmstrip
from kmeans_gui.export.frames import _ELLIPSE_SHADE, _UNSURE_FADE, StatePainter, caption, detail
from kmeans_gui.export.source import RunSource, load_source
from kmeans_gui.state import AppState, Params
from kmeans_gui.state import session as sessions
from kmeans_gui.cluster_colours import cluster_rgb


def source_for(*argv):
    return load_source(build_parser("export-gif").parse_args(["export-gif", *argv, "-o", "unused.gif"]))


@pytest.mark.parametrize("algorithm, extra", [("minibatch", ["--batch", "30"]), ("soft", ["--beta", "0.5"]),
                                              ("gmm", ["--covariance", "diag"])])
def test_gif_of_each_variant_has_one_frame_per_half_step(tmp_path, capsys, algorithm, extra):
    argv = ["--dataset", "blobs", "--n", "120", "--k", "3", "--algorithm", algorithm, *extra]
    out = tmp_path / "run.gif"
    assert main(["export-gif", *argv, "--size", "200x160", "--max-frames", "30", "-o", str(out)]) == 0
    source = source_for(*argv)
    assert source.algorithm == algorithm
    states = list(source.steps())
    assert states[0].algorithm == algorithm
    with Image.open(out) as gif:
        assert gif.n_frames == min(len(states), 30)
    assert f"({min(len(states), 30)} frames, 200x160" in capsys.readouterr().out


def test_variant_captions_use_their_phase_names():
    gmm = list(source_for("--dataset", "blobs", "--n", "90", "--k", "3", "--algorithm", "gmm").steps())
    names = [caption(s, 3, "k-means++") for s in gmm]
    assert names[:3] == ["Start - k-means++", "Iteration 1 - E-step", "Iteration 1 - M-step"]
    assert names[-1] == "Final E-step" and "log-likelihood per point" in detail(gmm[-1])
    soft = list(source_for("--dataset", "blobs", "--n", "90", "--k", "3", "--algorithm", "soft").steps())
    assert [caption(s, 3, "k-means++") for s in soft[1:3]] == ["Iteration 1 - soft assign", "Iteration 1 - update"]
    batch = list(source_for("--dataset", "blobs", "--n", "90", "--k", "3", "--algorithm", "minibatch",
                            "--batch", "20").steps())
    assert caption(batch[1], 3, "k-means++") == "Batch 1 - 20 points"
    assert "batch of 20 ringed" in detail(batch[1])


def test_soft_points_are_drawn_in_the_mix_of_their_clusters_colours():
    # beta = 0: every point belongs equally to each of the k clusters, wholly unsure.
    source = source_for("--dataset", "blobs", "--n", "60", "--k", "2", "--algorithm", "soft", "--beta", "0")
    assign = next(s for s in source.steps() if s.phase == "assign")
    np.testing.assert_allclose(assign.responsibilities, 0.5)
    painter = StatePainter(source, (400, 300), regions=True)
    image = np.asarray(painter.render(assign, "t"))
    mix = (np.array(cluster_rgb(0)) + np.array(cluster_rgb(1))) / 2
    expected = mix + (255 - mix) * _UNSURE_FADE
    col, row = painter.image_position(source.X)[0]
    assert np.abs(image[int(row), int(col)].astype(int) - expected).max() <= 2
    # no Voronoi regions behind a soft assignment: the plot's corner stays white
    assert tuple(image[painter.top + 2, painter.left + 2]) == (255, 255, 255)


def test_mixture_frames_draw_each_components_ellipses():
    source = source_for("--dataset", "blobs", "--n", "120", "--k", "2", "--algorithm", "gmm")
    final = list(source.steps())[-1]
    painter = StatePainter(source, (480, 360))
    image = np.asarray(painter.render(final, "t")).astype(int)
    for j in range(2):
        values, vectors = np.linalg.eigh(final.full_covariances[j])
        for sigma in (1.0, 2.0):
            on_curve = final.means[j] + sigma * np.sqrt(values[-1]) * vectors[:, -1]
            col, row = painter.image_position(on_curve[None, :])[0]
            window = image[int(row) - 2:int(row) + 3, int(col) - 2:int(col) + 3].reshape(-1, 3)
            shade = np.array(cluster_rgb(j)) * _ELLIPSE_SHADE
            assert np.abs(window - shade).sum(axis=1).min() < 60, (j, sigma)


def test_minibatch_filmstrip_shows_one_batch_per_panel(tmp_path):
    source = source_for("--dataset", "blobs", "--n", "120", "--k", "3", "--algorithm", "minibatch", "--batch", "10")
    picked = iteration_states(source, 4)
    assert [s.iteration for s, _ in picked] == [1, 2, 3, 4] and panel_title(source, 2) == "Batch 2"
    sheet, ended = render_filmstrip(source, 4, (160, 160))
    assert sheet.size == (2 * 160 + 4, 2 * 160 + 4) and ended is None


def test_filmstrip_keeps_the_final_assignment_in_the_last_iterations_panel():
    source = source_for("--dataset", "blobs", "--n", "120", "--k", "3", "--algorithm", "gmm")
    states = list(source.steps(observe_init=False))
    last_iteration = states[-1].iteration
    picked = iteration_states(source, 6)
    assert [s.iteration for s, _ in picked] == list(range(1, last_iteration + 1))
    final, before = picked[-1]
    assert final.is_final and final.phase == "assign"  # the final E-step, not a panel of its own
    np.testing.assert_array_equal(before, states[-3].centers)  # the last M-step's move is still drawn


@pytest.mark.parametrize("argv, message", [
    (["--algorithm", "lloyd", "--beta", "2"], "--beta applies to --algorithm soft only (not lloyd)"),
    (["--algorithm", "gmm", "--init", "random"], "init='random' is not offered for Gaussian mixture"),
    (["--algorithm", "soft", "--beta", "-1"], "beta=-1.0 must be a finite number >= 0"),
])
def test_bad_variant_options_exit_2_with_one_line(tmp_path, capsys, argv, message):
    out = tmp_path / "o.gif"
    assert main(["export-gif", *argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and not out.exists()


@pytest.fixture
def saved_session(tmp_path):
    """A mixture run on five hand-placed points with two placed centres, saved as a session."""
    X = np.array([[0.0, 0.0], [0.2, 0.1], [0.1, 0.3], [5.0, 5.0], [5.3, 4.8], [4.9, 5.2]])
    state = AppState(X, Params(k=2, init="manual", algorithm="gmm", seed=3))
    state.add_manual_center(0.5, 0.5)
    state.add_manual_center(4.0, 4.0)
    path = tmp_path / "run.kmsession"
    sessions.save(path, {"explore": state})
    state.ensure_all()
    return path, state


def test_gif_and_filmstrip_of_a_session(tmp_path, capsys, saved_session):
    path, state = saved_session
    source = load_source(build_parser("export-gif").parse_args(["export-gif", "--session", str(path), "-o", "x"]))
    assert (source.algorithm, source.k, source.init) == ("gmm", 2, "manual")
    np.testing.assert_array_equal(source.manual_centers, [[0.5, 0.5], [4.0, 4.0]])
    ours = list(source.steps())
    assert len(ours) == state.n_states
    np.testing.assert_allclose(ours[-1].centers, state.history[-1].centers)
    out = tmp_path / "s.gif"
    assert main(["export-gif", "--session", str(path), "--size", "200x160", "-o", str(out)]) == 0
    with Image.open(out) as gif:
        assert gif.n_frames == state.n_states
    grid = tmp_path / "g.png"
    assert main(["filmstrip", "--session", str(path), "--panels", "4", "--panel-size", "160x160",
                 "-o", str(grid)]) == 0
    with Image.open(grid) as im:
        assert im.size == (2 * 160 + 4, 2 * 160 + 4)


def test_bad_session_exits_2_with_one_line(tmp_path, capsys, saved_session):
    bad = tmp_path / "bad.kmsession"
    bad.write_text("not a zip")
    for command in ("export-gif", "filmstrip"):
        assert main([command, "--session", str(bad), "-o", str(tmp_path / "o.png")]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"kmeans-gui {command}: --session {bad}: bad.kmsession is not a kmeans-gui session")
        assert err.count("\n") == 1
    assert main(["export-gif", "--session", str(tmp_path / "gone.kmsession"), "-o", str(tmp_path / "o.gif")]) == 2
    assert "gone.kmsession does not exist" in capsys.readouterr().err
    path, _ = saved_session
    assert main(["export-gif", "--session", str(path), "--k", "3", "-o", str(tmp_path / "o.gif")]) == 2
    assert "--k cannot be combined with --session" in capsys.readouterr().err
    assert not (tmp_path / "o.gif").exists() and not (tmp_path / "o.png").exists()


def test_from_explore_is_the_windows_run():
    state = AppState(np.random.default_rng(1).normal(size=(80, 2)),
                     Params(k=3, algorithm="soft", beta=2.0, seed=4, max_iter=7))
    state.ensure_all()
    source = RunSource.from_explore(state)
    ours = list(source.steps())
    assert len(ours) == state.n_states and ours[-1].iteration <= 7
    for a, b in zip(ours, state.history):
        np.testing.assert_array_equal(a.centers, b.centers)
