"""The Choose k view: background sweep with progress and cancel, charts, clicks that set k."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from sklearn import metrics as skm

from kmeans_gui.engine.sweep import sweep_k
from kmeans_gui.state import AppState, Params
from kmeans_gui.ui.choose_k.view import ChooseKView, render_for_snapshot

CENTRES = np.array([[0.0, 0.0], [9.0, 0.0], [0.0, 9.0], [9.0, 9.0]])


def four_blobs(n=400, seed=0):
    rng = np.random.default_rng(seed)
    return np.concatenate([c + rng.normal(scale=1.0, size=(n // 4, 2)) for c in CENTRES])


@pytest.fixture
def make_view(qtbot):
    views = []

    def make(points=None, **params):
        state = AppState(four_blobs() if points is None else points, Params(**{"k": 3, **params}))
        view = ChooseKView(state)
        qtbot.addWidget(view)
        view.resize(1200, 700)
        view.show()
        qtbot.waitExposed(view)
        views.append(view)
        return view

    yield make
    for view in views:
        view.shutdown()


def click_compute(qtbot, view):
    qtbot.mouseClick(view.compute_button, Qt.MouseButton.LeftButton)


def test_sweep_reports_progress_and_its_result_appears_in_the_charts(qtbot, make_view):
    view = make_view()
    progress, partial = [], []
    view.runner.progress.connect(lambda f, m: progress.append((f, m)))
    view.runner.partial.connect(partial.append)
    with qtbot.waitSignal(view.runner.finished, timeout=60_000) as done:
        click_compute(qtbot, view)
        assert view.cancel_button.isEnabled() and not view.compute_button.isEnabled()
    result = done.args[0]
    assert view.result is result
    assert len(progress) >= 10 and [f for f, _ in progress] == sorted(f for f, _ in progress)
    assert any(m.startswith("k = 4") for _, m in progress) and any("silhouette" in m for _, m in progress)
    assert [fit.k for fit in partial] == list(range(1, 11))
    assert view.progress_bar.value() == 1000 and not view.cancel_button.isEnabled()

    expected = sweep_k(np.array(view.state.points), range(1, 11), 3, random_state=0)
    np.testing.assert_array_equal(result.best_inertia, expected.best_inertia)
    x, y = view.elbow.curve.getData()
    np.testing.assert_array_equal(x, np.arange(1, 11))
    np.testing.assert_array_equal(y, expected.best_inertia)
    assert view.elbow.spread.data.shape[0] == 30  # every seed's inertia is drawn
    assert view.elbow.marker.isVisible() and view.elbow.marker.value() == 4
    assert view.elbow.marker_label.textItem.toPlainText() == "elbow at k = 4"
    x, y = view.silhouette_chart.curve.getData()
    np.testing.assert_array_equal(x, np.arange(2, 11))
    fit4 = result.fit_for(4)
    assert y[2] == pytest.approx(skm.silhouette_score(view.state.points, fit4.labels), abs=1e-10)
    for chart, best in ((view.silhouette_chart, 4), (view.ch_chart, 4), (view.db_chart, 4)):
        assert chart.best.data["x"][0] == best
    assert view.status.text().startswith("Elbow at k = 4; best silhouette at k = 4")

    # The silhouette plot shows the main panel's k (3 here): three bands and the mean line.
    assert len(view.silhouette_plot.bands) == 3
    assert view.silhouette_plot.mean == pytest.approx(result.fit_for(3).silhouette)


def test_cancel_stops_the_sweep_and_leaves_no_thread(qtbot, make_view):
    rng = np.random.default_rng(1)
    view = make_view(rng.normal(size=(15_000, 2)))
    view.max_k_spin.setValue(30)
    view.seeds_spin.setValue(5)
    with qtbot.waitSignal(view.runner.progress, timeout=30_000):
        click_compute(qtbot, view)
    with qtbot.waitSignal(view.runner.cancelled, timeout=5_000):
        qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    assert not view.runner.is_running()
    assert view.runner.wait(timeout=30)  # the worker function has returned
    assert view.result is None and view.progress_bar.format() == "cancelled"
    assert view.compute_button.isEnabled() and not view.cancel_button.isEnabled()
    assert view.settings_key() not in view._cache
    message = view.silhouette_plot.message.toPlainText()
    assert "Computing" not in message and "Cancelled" in message


def test_results_are_cached_per_settings_and_dropped_when_the_data_change(qtbot, make_view):
    view = make_view()
    view.max_k_spin.setValue(6)
    with qtbot.waitSignal(view.runner.finished, timeout=60_000):
        click_compute(qtbot, view)
    first = view.result
    view.max_k_spin.setValue(5)  # no result for these settings yet: the charts keep the old one
    assert view.result is first
    view.max_k_spin.setValue(6)
    click_compute(qtbot, view)  # cached: shown at once, nothing submitted
    assert view.result is first and not view.runner.is_running()

    view.state.add_points([[30.0, 30.0]])
    assert view.result is None and view._cache == {}
    assert "data changed" in view.status.text()
    x, _ = view.elbow.curve.getData()
    assert x is None or len(x) == 0
    with qtbot.waitSignal(view.runner.finished, timeout=60_000):
        click_compute(qtbot, view)
    assert view.result is not first and view.result.n_samples == 401


def test_data_change_during_a_sweep_cancels_it(qtbot, make_view):
    view = make_view(np.random.default_rng(2).normal(size=(15_000, 2)))
    view.max_k_spin.setValue(30)
    with qtbot.waitSignal(view.runner.progress, timeout=30_000):
        click_compute(qtbot, view)
    with qtbot.waitSignal(view.runner.cancelled, timeout=5_000):
        view.state.add_points([[50.0, 50.0]])
    assert view.runner.wait(timeout=30) and view.result is None


def test_compute_without_points_says_why(qtbot, make_view):
    view = make_view(np.empty((0, 2)))
    click_compute(qtbot, view)
    assert "No points yet" in view.status.text() and not view.runner.is_running()


def _choose_k_tab(window):
    view = window.findChild(ChooseKView)
    assert view is not None, "the main window has no Choose k tab"
    return view


def test_clicking_a_k_on_a_chart_sets_k_in_the_main_panel(qtbot, make_window):
    window = make_window(k=3)
    view = _choose_k_tab(window)
    window.tabs.setCurrentWidget(view)
    view.compute_now()
    qtbot.wait(30)  # let the layout settle before mapping data to pixels
    assert window.algorithm_panel.k_spin.value() == 3

    for chart, k in ((view.silhouette_chart, 6), (view.elbow, 2), (view.db_chart, 5), (view.ch_chart, 4)):
        fit = view.result.fit_for(k)
        value = {view.elbow: fit.best_inertia, view.silhouette_chart: fit.silhouette,
                 view.ch_chart: fit.calinski_harabasz, view.db_chart: fit.davies_bouldin}[chart]
        pos = chart.view_to_widget(k + 0.2, value)  # near the point, not on it
        qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        qtbot.wait(5)
        assert window.state.params.k == k
        assert window.algorithm_panel.k_spin.value() == k
        assert chart.current.isVisible() and chart.current.value() == k
        assert len(view.silhouette_plot.bands) == k

    # The silhouette has no value at k = 1, so a click there changes nothing.
    pos = view.silhouette_chart.view_to_widget(1.0, view.result.fit_for(2).silhouette)
    qtbot.mouseClick(view.silhouette_chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.wait(5)
    assert window.state.params.k == 4


def test_render_for_snapshot_selects_the_tab_and_computes_without_a_thread(qtbot, make_window):
    window = make_window(k=3)
    render_for_snapshot(window)
    view = _choose_k_tab(window)
    assert window.tabs.currentWidget() is view
    assert view.result is not None and not view.runner.is_running()
    assert view.elbow.marker.value() == 3  # the fixture's three blobs
    assert len(view.silhouette_plot.bands) == 3


def test_silhouette_plot_numbers_clusters_as_the_main_run_does(qtbot, make_view):
    view = make_view(k=4, seed=3)
    view.compute_now()
    run_labels = view.state.history[-1].labels
    sizes = dict(zip(view.silhouette_plot.band_clusters, view.silhouette_plot.band_sizes))
    assert sizes == {j: int(c) for j, c in enumerate(np.bincount(run_labels, minlength=4))}
    # Each band holds the silhouettes of the canvas's cluster of the same number (and colour).
    s = skm.silhouette_samples(view.state.points, run_labels)
    assert view.silhouette_plot.mean == pytest.approx(s.mean(), abs=1e-10)
    view.state.set_params(seed=7)  # another run, same partition: the numbering follows it
    sizes = dict(zip(view.silhouette_plot.band_clusters, view.silhouette_plot.band_sizes))
    assert sizes == {j: int(c) for j, c in enumerate(np.bincount(view.state.history[-1].labels, minlength=4))}


def test_match_labels_renames_to_agree():
    from kmeans_gui.ui.choose_k.view import match_labels

    ours = np.array([0, 0, 1, 1, 2, 2, 2])
    theirs = np.array([2, 2, 0, 0, 1, 1, 0])
    np.testing.assert_array_equal(match_labels(ours, theirs, 3), [2, 0, 1])


def test_closing_the_window_mid_sweep_stops_the_worker(qtbot, make_window):
    import threading

    window = make_window(np.random.default_rng(4).normal(size=(15_000, 2)), k=3)
    view = _choose_k_tab(window)
    window.tabs.setCurrentWidget(view)
    view.max_k_spin.setValue(30)
    with qtbot.waitSignal(view.runner.progress, timeout=30_000):
        click_compute(qtbot, view)
    assert any(t.name.startswith("kmeans-task") for t in threading.enumerate())
    window.close()  # closeEvent calls view.shutdown(), which cancels and joins the worker
    assert not any(t.name.startswith("kmeans-task") and t.is_alive() for t in threading.enumerate())
    assert view.result is None


def test_a_failing_sweep_is_reported_not_raised(qtbot, make_view, monkeypatch):
    import kmeans_gui.state.choose_k as choose_k

    def broken(*args, **kwargs):
        raise ValueError("k-means could not run: something specific")

    monkeypatch.setattr(choose_k, "sweep_k", broken)
    view = make_view()
    with qtbot.waitSignal(view.runner.failed, timeout=10_000):
        click_compute(qtbot, view)
    assert view.status.text() == "The sweep failed: k-means could not run: something specific"
    assert "B00020" in view.status.styleSheet()
    assert view.compute_button.isEnabled() and view.result is None


def test_the_spin_boxes_follow_the_model(qtbot, make_view):
    view = make_view()
    view.model.load_dict({"max_k": 6, "n_seeds": 2, "tutorial_curve": True})
    assert view.tutorial_check.isChecked()
    assert view.max_k_spin.value() == 6 and view.seeds_spin.value() == 2
    view.max_k_spin.setValue(7)
    assert view.model.max_k == 7 and view.settings_key()[1:4] == (7, 2, True)


def test_tutorials_curve_beside_the_best_runs(qtbot, make_view):
    view = make_view()
    assert not view.tutorial_check.isChecked()
    view.state.load_dataset("tutorial-blobs", k=4)
    assert view.tutorial_check.isChecked()  # the tutorial's data bring the tutorial's curve
    view.max_k_spin.setValue(9)
    with qtbot.waitSignal(view.runner.finished, timeout=60_000):
        click_compute(qtbot, view)
    x, y = view.elbow.extra.getData()
    np.testing.assert_array_equal(x, np.arange(1, 10))
    assert [round(v) for v in y] == [19780, 9211, 1919, 1886, 1854, 1832, 1815, 258, 249]
    legend = [label.text for _, label in view.elbow.plot.plotItem.legend.items]
    assert "tutorial (seed 42)" in legend
    lo, hi = view.elbow.plot.plotItem.vb.viewRange()[1]
    assert lo < 249 and hi > 19780
    assert ("its runs at k = 4, 5, 6, 7 are stuck far above the best of the k-means++ runs"
            in view.status.text())
    # Unchecking shows the sweep without it (computed again: the setting is part of the cache key).
    qtbot.mouseClick(view.tutorial_check, Qt.MouseButton.LeftButton)
    assert not view.tutorial_check.isChecked()
    with qtbot.waitSignal(view.runner.finished, timeout=60_000):
        click_compute(qtbot, view)
    assert view.elbow.extra.getData()[0] is None
    assert "tutorial (seed 42)" not in [lab.text for _, lab in view.elbow.plot.plotItem.legend.items]
    assert "tutorial's curve" not in view.status.text()


def _points_under_the_legend(chart):
    """The drawn points (line, rings, tutorial's curve) whose centres lie under the legend."""
    vb, legend = chart.plot.plotItem.vb, chart.plot.plotItem.legend
    box = legend.sceneBoundingRect()
    under = []
    for item in (chart.curve, chart.extra, chart.spread):
        xs, ys = item.getData()
        for x, y in zip([] if xs is None else xs, [] if ys is None else ys):
            if box.contains(vb.mapViewToScene(QPointF(float(x), float(y)))):
                under.append((x, y))
    return under


@pytest.mark.parametrize("width", [1200, 880])
def test_the_elbow_legend_covers_no_curve(qtbot, make_view, width):
    view = make_view()
    view.resize(width, 700)  # 880: the Choose k page beside the Learn panel at 1280x800
    view.state.load_dataset("tutorial-blobs", k=4)
    view.max_k_spin.setValue(9)
    with qtbot.waitSignal(view.runner.finished, timeout=60_000):
        click_compute(qtbot, view)
    chart = view.elbow
    assert len(chart.plot.plotItem.legend.items) == 3
    qtbot.waitUntil(lambda: not _points_under_the_legend(chart), timeout=2000)
    # The marker's words are not under the legend either.
    assert not chart.plot.plotItem.legend.sceneBoundingRect().intersects(chart.marker_label.sceneBoundingRect())


def test_the_k_axis_label_clears_the_numbers_on_the_first_paint_after_compute(qtbot):
    from PySide6.QtGui import QFontMetricsF

    from kmeans_gui.ui.choose_k.k_chart import KChart

    chart = KChart("Elbow", "inertia")
    qtbot.addWidget(chart)
    chart.resize(300, 220)
    chart.show()
    qtbot.waitExposed(chart)
    chart.clear()
    chart.grab()  # painted empty, as before Compute: no tick numbers
    qtbot.wait(10)
    axis = chart.plot.getAxis("bottom")
    chart.set_values(np.arange(1, 8), np.linspace(900.0, 100.0, 7))
    # The height the axis has when the numbers are first painted (pyqtgraph measures them only
    # while painting) already holds a row of digits and, under it, "k (click to choose)".
    digits = QFontMetricsF(axis.style["tickFont"] or axis.font()).tightBoundingRect("0123456789").height()
    needed = (digits + axis.style["tickTextOffset"][1] + max(0, axis.style["tickLength"])
              + axis.label.boundingRect().height() * 0.8)
    assert axis.height() >= needed, (axis.height(), needed)
    before = axis.height()
    chart.grab()
    qtbot.wait(10)
    assert axis.height() == before  # and nothing jumps after that first paint
