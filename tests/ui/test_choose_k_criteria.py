"""The Choose k view after a real Compute click: mean +- sd per score, the gap statistic with s_k,
fit times, the side panel's init, max_iter and tol, and the sentence when the criteria disagree."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from kmeans_gui.engine.agreement import explain_disagreement
from kmeans_gui.engine.sweep import sweep_k
from kmeans_gui.state import AppState, Params
from kmeans_gui.state.choose_k import GAP_REFS
from kmeans_gui.ui.choose_k.view import ChooseKView


def two_close_blobs_among_four(n_per_blob=40):
    """Four blobs, two of them 3 apart: Calinski-Harabasz counts them apart, the elbow does not."""
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [12.0, 0.0], [0.0, 12.0], [3.0, 12.0]])
    return np.concatenate([c + rng.normal(size=(n_per_blob, 2)) for c in centres])


@pytest.fixture
def view(qtbot):
    state = AppState(two_close_blobs_among_four(), Params(k=3, init="farthest", max_iter=20, tol=1e-3))
    view = ChooseKView(state)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    view.max_k_spin.setValue(6)
    view.seeds_spin.setValue(2)
    yield view
    view.shutdown()


def compute(qtbot, view):
    with qtbot.waitSignal(view.runner.finished, timeout=60_000) as done:
        qtbot.mouseClick(view.compute_button, Qt.MouseButton.LeftButton)
    return done.args[0]


def test_compute_draws_mean_and_spread_gap_and_fit_times_with_the_side_panels_settings(qtbot, view):
    result = compute(qtbot, view)
    X = np.array(view.state.points)
    same_settings = sweep_k(X, range(1, 7), 2, random_state=0, init="farthest", max_iter=20, tol=1e-3)
    np.testing.assert_array_equal(result.inertias, same_settings.inertias)  # the panel's init, max_iter and tol
    assert result.gap is not None and result.gap.n_refs == GAP_REFS
    expected = result
    assert "Sweep uses" not in view.status.text()

    for chart, score in ((view.silhouette_chart, "silhouette"), (view.ch_chart, "calinski_harabasz"),
                         (view.db_chart, "davies_bouldin")):
        x, y = chart.curve.getData()
        np.testing.assert_array_equal(x, np.arange(2, 7))
        np.testing.assert_allclose(y, expected.mean(score)[1:])
        bar_k, centre, half = chart.error_bar_data()
        np.testing.assert_array_equal(bar_k, np.arange(2, 7))
        np.testing.assert_allclose(centre, expected.mean(score)[1:])
        np.testing.assert_allclose(half, expected.spread(score)[1:])
        assert chart.spread.data.shape[0] == 2 * 5  # every seed's ring
        assert chart.best.data["x"][0] == expected.chosen_k(score)[0]
    _, centre, half = view.elbow.error_bar_data()
    np.testing.assert_allclose(centre, expected.mean("inertia"))
    np.testing.assert_allclose(half, expected.spread("inertia"))

    x, y = view.gap_chart.curve.getData()
    np.testing.assert_array_equal(x, np.arange(1, 7))
    np.testing.assert_allclose(y, expected.gap.gap)
    np.testing.assert_allclose(view.gap_chart.error_bar_data()[2], expected.gap.s)
    assert view.gap_chart.best.data["x"][0] == expected.gap.chosen_k == view.gap_chart.marker.value()
    assert view.gap_chart.marker.isVisible()

    x, y = view.time_chart.curve.getData()
    seconds = np.array([f.fit_seconds for f in result.fits])
    np.testing.assert_array_equal(x, np.arange(1, 7))
    np.testing.assert_allclose(y, 1000 * seconds.mean(axis=1))
    assert np.all(y > 0)

    sentence = explain_disagreement(expected, X)
    assert sentence is not None and sentence.startswith("The criteria disagree")
    assert view.disagreement.isVisible() and view.disagreement.text() == sentence
    assert "two clusters lie close together" in sentence


def test_placing_centres_by_hand_sweeps_with_k_means_pp_and_says_so(qtbot, view):
    view.state.set_params(init="manual")
    result = compute(qtbot, view)
    expected = sweep_k(np.array(view.state.points), range(1, 7), 2, random_state=0, max_iter=20, tol=1e-3)
    np.testing.assert_array_equal(result.inertias, expected.inertias)
    assert "Sweep uses Lloyd's k-means with k-means++" in view.status.text()
    assert "Place by clicking" in view.status.text()

    view.state.add_points([[40.0, 40.0]])  # data changed: charts and the sentence go
    assert not view.disagreement.isVisible()
    x, _ = view.gap_chart.curve.getData()
    assert x is None or len(x) == 0


def test_with_the_gaussian_mixture_chosen_a_bic_chart_shows_its_mean_spread_and_lowest_k(qtbot, view):
    assert not view.bic_chart.isVisible()
    view.state.set_params(algorithm="gmm", init="k-means++", covariance="diag")
    result = compute(qtbot, view)
    X = np.array(view.state.points)
    expected = sweep_k(X, range(1, 7), 2, random_state=0, max_iter=20, tol=1e-3, gmm_covariance="diag")
    np.testing.assert_allclose(result.per_seed("bic"), expected.per_seed("bic"))
    assert view.bic_chart.isVisible() and "diagonal" in view.bic_chart.plot.plotItem.titleLabel.text
    x, y = view.bic_chart.curve.getData()
    np.testing.assert_array_equal(x, np.arange(1, 7))
    np.testing.assert_allclose(y, expected.mean("bic"))
    np.testing.assert_allclose(view.bic_chart.error_bar_data()[2], expected.spread("bic"))
    assert view.bic_chart.spread.data.shape[0] == 2 * 6
    assert view.bic_chart.best.data["x"][0] == expected.chosen_k("bic")[0] == x[np.argmin(y)]
    assert "BIC" in view.status.text()
    view.grab().save("/tmp/fixes1214_bic.png")

    view.state.set_params(algorithm="lloyd")  # back to k-means: the chart goes with the next result
    compute(qtbot, view)
    assert not view.bic_chart.isVisible()


def test_the_gap_reference_chosen_in_the_bar_is_the_one_the_sweep_uses(qtbot, view):
    view.gap_reference_combo.setFocus()
    qtbot.keyClick(view.gap_reference_combo, Qt.Key.Key_Down)  # gap: bounding box -> gap: PCA box
    assert view.model.gap_reference == "pca"
    result = compute(qtbot, view)
    assert result.gap.reference == "pca"
    expected = sweep_k(np.array(view.state.points), range(1, 7), 2, random_state=0, init="farthest", max_iter=20,
                       tol=1e-3, gap_refs=GAP_REFS, gap_reference="pca")
    np.testing.assert_allclose(view.gap_chart.curve.getData()[1], expected.gap.gap)
    assert "PCA-box reference" in view.gap_chart.plot.plotItem.titleLabel.text
    view.grab().save("/tmp/fixes1214_gapref.png")

    qtbot.keyClick(view.gap_reference_combo, Qt.Key.Key_Up)  # back to the box: its own result, cached apart
    assert view.model.gap_reference == "box" and view.model.cached() is None
    assert compute(qtbot, view).gap.reference == "box"
    assert "), box reference" in view.gap_chart.plot.plotItem.titleLabel.text


def test_why_the_criteria_disagree_is_worked_out_on_the_worker_not_the_gui_thread(qtbot, view, monkeypatch):
    import threading

    from kmeans_gui.engine import agreement

    threads = []
    real_closest_pair = agreement.closest_pair

    def recording_closest_pair(*args):
        threads.append(threading.current_thread())
        return real_closest_pair(*args)

    monkeypatch.setattr(agreement, "closest_pair", recording_closest_pair)
    result = compute(qtbot, view)
    assert "two clusters lie close together" in view.disagreement.text() == result.disagreement
    assert threads and threading.main_thread() not in threads
