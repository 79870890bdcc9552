"""The variants in the window: the Method choice and the beta slider by real clicks and keys, what
the canvas draws for each algorithm, the comparison dialog, and the snapshot command."""

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from kmeans_gui.cli import build_parser
from kmeans_gui.engine import uncertainty
from kmeans_gui.ui import snapshot
from kmeans_gui.ui.explore.ellipses import ellipse_outline
from kmeans_gui.ui.explore.panels.algorithm import beta_to_position, position_to_beta


def choose(qtbot, combo, value):
    """Open the combo's popup with a click and click the item whose data is ``value``."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    # The popup ignores a release that comes within a double-click interval of its opening.
    qtbot.wait(QApplication.doubleClickInterval() + 30)
    index = combo.model().index(combo.findData(value), 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    qtbot.waitUntil(lambda: not view.isVisible())


def click_step(qtbot, window, times=1):
    for _ in range(times):
        qtbot.mouseClick(window.explore.playback.step_button, Qt.MouseButton.LeftButton)


def test_choosing_soft_kmeans_by_clicks_shows_beta_and_mixes_colours(qtbot, make_window):
    w = make_window()
    panel = w.algorithm_panel
    assert panel.algorithm_combo.currentData() == "lloyd"
    assert not panel.beta_row.isVisibleTo(panel) and panel.empty_combo.isVisibleTo(panel)
    choose(qtbot, panel.algorithm_combo, "soft")
    assert w.state.params.algorithm == "soft" and w.state.current.algorithm == "soft"
    assert panel.beta_row.isVisibleTo(panel) and not panel.empty_combo.isVisibleTo(panel)
    assert not panel.batch_spin.isVisibleTo(panel) and not panel.covariance_combo.isVisibleTo(panel)
    click_step(qtbot, w)
    s = w.state.current
    assert s.phase == "assign" and s.responsibilities is not None
    # Each point is the responsibility-weighted mix of the palette, faded by its uncertainty.
    argb = w.canvas.points.argb
    assert argb is not None and argb.shape == (w.state.n_points,)
    assert not w.canvas.regions.isVisible(), "no Voronoi regions for soft memberships"
    assert w.explore.playback.step_button.text() == "Move centroids"
    assert "1/(2β) = 0.5" in w.explore.explain_panel.label.text()
    assert w.explore.chart.getAxis("left").labelText == "soft inertia"


def test_the_beta_slider_changes_the_canvas_live(qtbot, make_window):
    w = make_window(algorithm="soft", beta=0.01)
    click_step(qtbot, w)  # the first soft assignment
    slider = w.algorithm_panel.beta_slider
    unsure_before = float(uncertainty(w.state.current).mean())
    colours_before = w.canvas.points.argb.copy()
    # A mouse click on the groove's right end moves the slider up (a page or all the way, by style).
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(slider.width() - 3, slider.height() // 2))
    assert slider.value() > 0 and w.state.params.beta > 0.01
    s = w.state.current
    assert s.phase == "assign" and s.beta == w.state.params.beta, "the slider keeps the step on show"
    colours_clicked = w.canvas.points.argb.copy()
    assert not np.array_equal(colours_clicked, colours_before)
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)  # a real key press: the slider's far end, beta = 100
    assert w.state.params.beta == pytest.approx(100.0)
    assert w.algorithm_panel.beta_label.text() == "100"
    s = w.state.current
    assert s.phase == "assign" and s.beta == pytest.approx(100.0)
    assert float(uncertainty(s).mean()) < unsure_before / 10
    assert not np.array_equal(w.canvas.points.argb, colours_clicked)


def test_big_data_soft_colours_are_mixed_on_a_worker_and_kept_per_state(qtbot, make_window):
    from kmeans_gui.ui.explore.memberships import membership_rgb

    w = make_window(algorithm="soft", beta=0.05)
    canvas = w.canvas
    canvas.membership_worker_min_points = 1  # as 200,000 points would, at a test's size
    click_step(qtbot, w)  # the first soft assignment
    s = w.state.current
    assert s.responsibilities is not None
    # Until the mix is ready, each point in its most likely cluster's colour.
    assert canvas.points.argb is None
    np.testing.assert_array_equal(canvas.points._colors, s.labels + 1)
    qtbot.waitUntil(lambda: canvas.points.argb is not None, timeout=5000)
    palette = canvas._palette_rgb[: s.responsibilities.shape[1]]
    expected = canvas.points.argb.copy()
    canvas.points.set_rgb(membership_rgb(s.responsibilities, palette, canvas.view.shade_uncertainty))
    np.testing.assert_array_equal(expected, canvas.points.argb)  # the GUI thread's mix, exactly
    click_step(qtbot, w, 2)  # the update, then the next assignment: mixed on the worker again
    qtbot.waitUntil(lambda: canvas.points.argb is not None and not canvas._membership_job.busy, timeout=5000)
    w.state.go_to(w.state.cursor - 2)  # back to the first assignment: its colours were kept
    assert w.state.current is s and not canvas._membership_job.busy
    np.testing.assert_array_equal(canvas.points.argb, expected)
    # Before a grab (a snapshot) the final colours are mixed there and then.
    w.state.go_to(w.state.cursor + 2)
    later = w.state.current
    canvas._membership_cache.clear()
    canvas.redraw()
    assert canvas.points.argb is None
    canvas.finish_drawing()
    canvas.plot.grab()
    canvas.points.set_rgb(membership_rgb(later.responsibilities, palette, canvas.view.shade_uncertainty))
    mixed_here = canvas.points.argb.copy()
    canvas.redraw()  # from the cache now
    np.testing.assert_array_equal(canvas.points.argb, mixed_here)
    qtbot.waitUntil(lambda: not canvas._membership_job.busy, timeout=5000)


def test_soft_colours_mixed_on_the_worker_are_not_mixed_again_before_a_grab(qtbot, make_window, monkeypatch):
    """Once the worker's mix is on screen nothing stands in: finish_drawing has nothing to redo."""
    import kmeans_gui.ui.explore.canvas as canvas_module

    w = make_window(algorithm="soft", beta=0.05)
    canvas = w.canvas
    canvas.membership_worker_min_points = 1  # as 200,000 points would, at a test's size
    click_step(qtbot, w)
    qtbot.waitUntil(lambda: canvas.points.argb is not None and not canvas._membership_job.busy, timeout=5000)
    shown = canvas.points.argb.copy()
    mixed_here = []
    monkeypatch.setattr(canvas_module, "_mix_memberships", lambda *a: mixed_here.append(a) or (None, None, None))
    canvas.finish_drawing()
    assert mixed_here == []
    np.testing.assert_array_equal(canvas.points.argb, shown)


def test_beta_slider_positions_are_a_log_scale():
    assert position_to_beta(0) == 0.01 and position_to_beta(beta_to_position(100.0)) == 100.0
    assert position_to_beta(beta_to_position(1.0)) == 1.0
    for beta in (0.02, 0.5, 3.0, 42.0):
        assert position_to_beta(beta_to_position(beta)) == pytest.approx(beta, rel=0.05)


def test_minibatch_rings_its_batch_and_offers_the_comparison(qtbot, make_window):
    w = make_window()
    panel = w.algorithm_panel
    choose(qtbot, panel.algorithm_combo, "minibatch")
    assert panel.batch_spin.isVisibleTo(panel) and panel.compare_button.isVisibleTo(panel)
    assert not panel.tol_spin.isVisibleTo(panel)
    assert panel.form.labelForField(panel.max_iter_spin).text() == "Max batches"
    panel.batch_spin.setValue(12)
    click_step(qtbot, w, 2)
    s = w.state.current
    assert s.algorithm == "minibatch" and s.iteration == 2
    ringed = w.canvas.batch_marks.getData()
    np.testing.assert_array_equal(np.c_[ringed[0], ringed[1]], w.state.points[s.batch])
    assert len(ringed[0]) == 12 and w.canvas.regions.isVisible()
    assert w.explore.chart.getAxis("bottom").labelText == "batch"


def test_gaussian_mixture_draws_two_ellipses_per_component(qtbot, make_window):
    w = make_window()
    panel = w.algorithm_panel
    choose(qtbot, panel.algorithm_combo, "gmm")
    assert panel.covariance_combo.isVisibleTo(panel) and not panel.beta_row.isVisibleTo(panel)
    choose(qtbot, panel.covariance_combo, "spherical")
    click_step(qtbot, w, 2)
    s = w.state.current
    assert s.phase == "update" and s.covariance_type == "spherical"
    assert w.canvas.ellipses.n_visible == 3 and not w.canvas.regions.isVisible()
    for j in range(3):
        (_, one), (_, two) = w.canvas.ellipses.curves[j]
        x, y = one.getData()
        radius = np.hypot(x - s.means[j, 0], y - s.means[j, 1])
        np.testing.assert_allclose(radius, np.sqrt(s.covariances[j]), rtol=1e-9)
        x2, y2 = two.getData()
        np.testing.assert_allclose(np.hypot(x2 - s.means[j, 0], y2 - s.means[j, 1]), 2 * radius, rtol=1e-9)
    assert w.explore.chart.getAxis("left").labelText == "log-likelihood per point"
    choose(qtbot, panel.algorithm_combo, "lloyd")
    assert w.canvas.ellipses.n_visible == 0 and w.canvas.regions.isVisible()


def test_ellipse_outline_follows_the_covariance_axes():
    cov = np.array([[4.0, 0.0], [0.0, 1.0]])
    outline = ellipse_outline(np.array([1.0, -1.0]), cov, 2.0)
    np.testing.assert_allclose(outline[0], outline[-1])
    np.testing.assert_allclose(outline.max(axis=0) - outline.min(axis=0), [8.0, 4.0], rtol=1e-3)
    # Every outline point is at Mahalanobis distance 2.
    d = outline - [1.0, -1.0]
    np.testing.assert_allclose(np.einsum("ij,jk,ik->i", d, np.linalg.inv(cov), d), 4.0)


def test_an_init_the_algorithm_lacks_is_greyed_out(qtbot, make_window):
    w = make_window(init="farthest")
    panel = w.algorithm_panel
    choose(qtbot, panel.algorithm_combo, "gmm")
    assert panel.init_combo.currentData() == "k-means++"
    model = panel.init_combo.model()
    enabled = {panel.init_combo.itemData(r): model.item(r).isEnabled() for r in range(panel.init_combo.count())}
    assert enabled == {"random": False, "k-means++": True, "farthest": False, "tutorial-random": False,
                       "tutorial-k-means++": False, "manual": True}


def test_the_comparison_runs_on_a_worker_and_plots_four_curves(qtbot, make_window):
    w = make_window(algorithm="minibatch")
    qtbot.mouseClick(w.algorithm_panel.compare_button, Qt.MouseButton.LeftButton)
    dialog = w.explore.compare_dialog
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.runner.finished, timeout=20_000):
        qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    labels = [c.label for c in dialog.curves]
    assert labels == ["Lloyd", "mini-batch 50", "mini-batch 256", "mini-batch 1024"]
    for chart in (dialog.time_chart, dialog.points_chart):
        assert len(chart.plotItem.listDataItems()) == 4
    assert dialog.status.text().startswith("Lloyd: within 1% after ")
    assert dialog.compute_button.isEnabled() and not dialog.cancel_button.isEnabled()
    w.state.set_params(seed=5)  # the curves still hold: same points, same k
    assert dialog.status.text().startswith("Lloyd: within 1% after ")
    w.state.add_points([[0.0, 0.0]])
    assert dialog.status.text() == "The data or k changed since these curves: press Compute for new ones."
    dialog.shutdown()


def test_the_comparison_can_be_cancelled(qtbot, make_window):
    w = make_window(algorithm="minibatch")
    assert w.algorithm_panel.beta_slider.hasTracking()
    w.state.load_dataset("large", k=8, seed=0, centers=8)
    # On 200,000 points a restart costs more than a frame: beta waits for the slider's release.
    assert not w.algorithm_panel.beta_slider.hasTracking()
    w.explore.open_comparison()
    dialog = w.explore.compare_dialog
    with qtbot.waitSignal(dialog.runner.cancelled, timeout=20_000):
        qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Cancelled. Press Compute to start again."
    assert dialog.curves is None and dialog.compute_button.isEnabled()
    dialog.shutdown()


@pytest.mark.parametrize("options, expected", [
    (["--algorithm", "minibatch", "--batch", "40"], {"algorithm": "minibatch", "batch_size": 40}),
    (["--algorithm", "soft", "--beta", "0.2"], {"algorithm": "soft", "beta": 0.2}),
    (["--algorithm", "gmm", "--covariance", "diag"], {"algorithm": "gmm", "covariance": "diag"}),
])
def test_snapshot_of_each_algorithm(qtbot, tmp_path, options, expected, monkeypatch):
    from kmeans_gui.ui import app

    windows = []
    real_build = app.build_window
    monkeypatch.setattr(app, "build_window", lambda args: windows.append(real_build(args)) or windows[-1])
    out = tmp_path / "out.png"
    args = build_parser("snapshot").parse_args(
        ["snapshot", "--dataset", "blobs", "--k", "3", "--steps", "3", *options, "-o", str(out)])
    assert snapshot.run(args) == 0
    assert Image.open(out).size == (1280, 800)
    state = windows[0].state
    for name, value in expected.items():
        assert getattr(state.params, name) == value
    assert state.current.algorithm == expected["algorithm"] and state.cursor == 3


def test_snapshot_refuses_a_parameter_of_another_algorithm(capsys):
    args = build_parser("snapshot").parse_args(["snapshot", "--algorithm", "gmm", "--beta", "2", "-o", "x.png"])
    assert snapshot.run(args) == 2
    assert capsys.readouterr().err.strip() == (
        "kmeans-gui snapshot: --beta applies to --algorithm soft only (not gmm)")


def test_a_deleted_algorithm_panel_stops_listening_to_the_state(qtbot):
    from kmeans_gui.state import AppState, Params
    from kmeans_gui.ui.explore.panels.algorithm import AlgorithmPanel

    state = AppState([[0.0, 0.0], [1.0, 1.0]], Params(k=2))
    before = len(state.events.params._callbacks), len(state.events.points._callbacks)
    panel = AlgorithmPanel(state)
    panel.deleteLater()
    qtbot.waitUntil(lambda: (len(state.events.params._callbacks), len(state.events.points._callbacks)) == before)
    state.set_params(algorithm="soft")  # no call into the deleted panel
    state.add_points([[2.0, 2.0]])


def test_membership_colours_mix_the_palette_and_fade_by_the_engines_uncertainty():
    from types import SimpleNamespace

    from kmeans_gui.ui.explore.memberships import UNSURE_FADE, membership_rgb

    rng = np.random.default_rng(0)
    R = rng.dirichlet(np.full(4, 0.4), size=500)
    R[:3] = [[1, 0, 0, 0], [0.5, 0.5, 0, 0], [0.25] * 4]  # sure, split in two, shared by all
    palette = rng.uniform(0, 255, size=(4, 3))
    mixed = R @ palette
    np.testing.assert_allclose(membership_rgb(R, palette, shade=False), mixed, atol=1e-3)
    unsure = uncertainty(SimpleNamespace(responsibilities=R, labels=None))
    faded = mixed + (255 - mixed) * (UNSURE_FADE * unsure)[:, None]
    np.testing.assert_allclose(membership_rgb(R, palette, shade=True), faded, atol=1e-2)
    out = membership_rgb(R, palette, shade=True)
    np.testing.assert_allclose(out[0], palette[0], atol=1e-3)  # a sure point keeps its colour
    np.testing.assert_allclose(out[2], 255 - (255 - palette.mean(0)) * (1 - UNSURE_FADE), atol=1e-2)
    # Responsibilities too small for float32 (a mixture's far-off components) count as 0.
    tiny = np.array([[1 - 2e-40, 1e-40, 1e-40, 0.0]])
    np.testing.assert_array_equal(membership_rgb(tiny, palette, shade=True),
                                  membership_rgb(np.array([[1.0, 0, 0, 0]]), palette, shade=True))


@pytest.mark.parametrize("algorithm, own", [
    ("lloyd", {"tol", "empty_policy"}), ("minibatch", {"batch_size"}), ("soft", {"tol", "beta"}),
    ("gmm", {"tol", "covariance"}),
])
def test_each_parameter_row_shows_exactly_when_it_applies(qtbot, algorithm, own):
    from kmeans_gui.state import AppState, Params
    from kmeans_gui.ui.explore.panels.algorithm import AlgorithmPanel

    panel = AlgorithmPanel(AppState([[0.0, 0.0], [1.0, 1.0]], Params(k=2)))
    qtbot.addWidget(panel)
    panel.state.set_algorithm(algorithm)
    rows = {"k": panel.k_spin, "init": panel.init_combo, "seed": panel.seed_spin, "max_iter": panel.max_iter_spin,
            "tol": panel.tol_spin, "empty_policy": panel.empty_combo, "batch_size": panel.batch_spin,
            "beta": panel.beta_row, "covariance": panel.covariance_combo}
    shown = {name for name, widget in rows.items() if panel.form.isRowVisible(widget)}
    assert shown == {"k", "init", "seed", "max_iter"} | own
    assert panel.form.isRowVisible(panel.uncertainty_check) == (algorithm in ("soft", "gmm"))
    assert panel.form.isRowVisible(panel.compare_button) == (algorithm == "minibatch")


def test_the_regions_toggle_is_disabled_where_regions_are_not_drawn_and_says_why(qtbot, make_window):
    w = make_window()
    panel, action = w.algorithm_panel, w.regions_action
    assert action.isEnabled() and action.isChecked() and w.canvas.regions.isVisible()
    for algorithm in ("soft", "gmm"):
        choose(qtbot, panel.algorithm_combo, algorithm)
        assert not action.isEnabled() and "not drawn" in action.toolTip()
        assert action.isChecked()  # the choice is kept for when regions apply again
        w.canvas.plot.setFocus()
        qtbot.keyClick(w.canvas.plot, Qt.Key.Key_V)  # its key does nothing either
        assert w.view_options.show_regions and not w.canvas.regions.isVisible()
    for algorithm in ("minibatch", "lloyd"):
        choose(qtbot, panel.algorithm_combo, algorithm)
        assert action.isEnabled() and "not drawn" not in action.toolTip()
        assert w.canvas.regions.isVisible()
    w.canvas.plot.setFocus()
    qtbot.keyClick(w.canvas.plot, Qt.Key.Key_V)  # and its key works again
    assert not w.view_options.show_regions and not w.canvas.regions.isVisible()


def test_a_snapshot_of_big_data_draws_the_final_points_not_their_stand_ins(qtbot, monkeypatch, tmp_path):
    """A window draws a subsample and hard colours while big data's raster and soft colours are
    made on workers; a snapshot must not catch those stand-ins."""
    import kmeans_gui.ui.explore.canvas as canvas_module
    import kmeans_gui.ui.explore.point_cloud as point_cloud
    from kmeans_gui.ui.explore.paint_jobs import PaintJob

    args = build_parser("snapshot").parse_args(
        ["snapshot", "--dataset", "blobs", "--k", "3", "--steps", "1", "--algorithm", "soft", "--beta", "0.2",
         "-o", str(tmp_path / "unused.png")])
    plain = snapshot.render(args)
    monkeypatch.setattr(point_cloud, "RASTER_WORKER_MIN_POINTS", 1)  # every dataset is "big"
    monkeypatch.setattr(point_cloud, "PREVIEW_POINTS", 5)
    monkeypatch.setattr(canvas_module, "MEMBERSHIP_WORKER_MIN_POINTS", 1)
    monkeypatch.setattr(PaintJob, "start", lambda self, fn, *args: True)  # workers that never finish
    big = snapshot.render(args)
    assert big == plain
