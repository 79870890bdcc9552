"""The Explore tab with data of more than two features: PCA axes, no regions, no drawing, the View panel."""

import numpy as np
from PySide6.QtCore import Qt

from kmeans_gui.cluster_colours import cluster_rgb

from conftest import wait_for_settled_view
from mw_helpers import click_data, data_to_viewport


def choose_iris(qtbot, w):
    combo = w.dataset_panel.dataset_combo
    combo.setCurrentIndex(combo.findData("iris"))  # as a pick from the list does
    wait_for_settled_view(qtbot, w.canvas)


def axis_title(canvas, side):
    return canvas.plot.getAxis(side).labelText


def test_iris_in_explore_is_clustered_in_4d_and_shown_through_pca(make_window, qtbot):
    w = make_window()
    choose_iris(qtbot, w)
    state, canvas = w.state, w.canvas
    assert state.points.shape == (150, 4) and state.params.k == 3
    assert axis_title(canvas, "bottom") == "PC 1, 92% of variance"
    assert axis_title(canvas, "left") == "PC 2, 5% of variance"
    qtbot.mouseClick(w.explore.playback.end_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state.complete and state.at_end, timeout=5000)
    # The drawn centroids are the 4-D centroids through the same PCA as the points.
    drawn = np.array([[p.x(), p.y()] for p in (spot.pos() for spot in canvas.centroids.points())])
    np.testing.assert_allclose(drawn, state.project(state.current.centers))
    assert not canvas.regions.isVisible()  # Lloyd, regions on, but the clustering is 4-D
    note = canvas.note.text()
    assert "Regions hidden: the clustering is in 4-D; a 2-D picture of its regions would mislead." in note
    from sklearn.datasets import load_iris
    from sklearn.metrics import adjusted_rand_score

    score = adjusted_rand_score(load_iris().target, state.current.labels)
    assert 0.6 < score < 0.8 and f"adjusted Rand index {score:.2f}" in note


def test_clicks_on_an_iris_canvas_add_nothing_and_say_why(make_window, qtbot):
    w = make_window()
    choose_iris(qtbot, w)
    n, version = w.state.n_points, w.state.data_version
    click_data(qtbot, w.canvas, 0.0, 0.0)
    assert "Adding points by hand needs 2-D data; these data have 4 features" in w.status_line_text()
    click_data(qtbot, w.canvas, 0.0, 0.0, Qt.MouseButton.RightButton)
    assert "Removing points by hand needs 2-D data" in w.status_line_text()
    assert w.state.n_points == n and w.state.data_version == version
    assert not w.dataset_panel.brush_check.isEnabled()
    assert "needs 2-D data" in w.dataset_panel.brush_check.toolTip()
    combo = w.explore.algorithm_panel.init_combo
    manual = combo.model().item(combo.findData("manual"))
    assert not manual.isEnabled() and "Placing centroids by hand needs 2-D data" in manual.toolTip()


def test_back_to_2d_data_draws_regions_and_takes_clicks_again(make_window, qtbot):
    w = make_window()
    choose_iris(qtbot, w)
    w.state.undo()
    wait_for_settled_view(qtbot, w.canvas)
    assert w.state.n_features == 2 and axis_title(w.canvas, "bottom") == "x"
    assert w.canvas.regions.isVisible() and not w.explore.projection_panel.isVisible()
    n = w.state.n_points
    click_data(qtbot, w.canvas, 1.0, 1.0)
    assert w.state.n_points == n + 1 and w.dataset_panel.brush_check.isEnabled()


def test_the_regions_toggle_is_disabled_on_nd_data_and_says_why(make_window, qtbot):
    """Loading 4-D data changes the points, not the algorithm: the toggle must follow it too."""
    w = make_window()
    action = w.regions_action
    assert action.isEnabled()
    choose_iris(qtbot, w)
    assert w.state.params.algorithm == "lloyd"
    assert not action.isEnabled() and "the clustering is in 4-D" in action.toolTip()
    w.state.undo()
    wait_for_settled_view(qtbot, w.canvas)
    assert action.isEnabled() and "4-D" not in action.toolTip()


def test_the_view_panel_shows_two_chosen_columns(make_window, qtbot):
    w = make_window()
    choose_iris(qtbot, w)
    panel = w.explore.projection_panel
    assert panel.isVisible() and panel.mode_combo.currentData() == "pca"
    assert "98% of the variance" in panel.variance.text()
    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("columns"))
    panel.y_combo.setCurrentIndex(3)
    wait_for_settled_view(qtbot, w.canvas)
    assert w.state.view_columns == (0, 3)
    assert axis_title(w.canvas, "bottom") == "sepal length (cm)"
    assert axis_title(w.canvas, "left") == "petal width (cm)"
    # A point drawn where its two columns say: the first flower (5.1, 0.2) is under that pixel.
    pos = data_to_viewport(w.canvas, 5.1, 0.2)
    np.testing.assert_allclose(w.state.view_points[0], [5.1, 0.2])
    image = w.canvas.plot.grab().toImage()
    colour = image.pixelColor(pos.x(), pos.y())
    assert (colour.red(), colour.green(), colour.blue()) != (255, 255, 255)
    panel.x_combo.setCurrentIndex(3)  # the same column on both axes: the other one moves on
    assert w.state.view_columns[0] == 3 and w.state.view_columns[1] != 3
    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("pca"))
    assert w.state.view_columns is None and axis_title(w.canvas, "bottom").startswith("PC 1")


def test_a_gaussian_mixture_on_wine_draws_the_shadow_of_each_component(make_window, qtbot):
    w = make_window()
    combo = w.dataset_panel.dataset_combo
    combo.setCurrentIndex(combo.findData("wine"))
    w.state.set_algorithm("gmm")
    w.state.run_to_end()
    wait_for_settled_view(qtbot, w.canvas)
    assert w.state.n_features == 13 and w.canvas.ellipses.n_visible == 3
    s = w.state.current
    P = w.state.projection.components
    centre = w.state.project(s.means[:1])[0]
    cov = P @ s.full_covariances[0] @ P.T
    line = w.canvas.ellipses.curves[0][0][1]  # component 0, 1-sigma, the coloured line
    xs, ys = line.getData()
    d = np.c_[xs, ys] - centre
    np.testing.assert_allclose(np.einsum("ij,jk,ik->i", d, np.linalg.inv(cov), d), 1.0, rtol=1e-6)
    assert colour_seen(w.canvas, cluster_rgb(0))


def colour_seen(canvas, rgb):
    image = canvas.plot.grab().toImage()
    for x in range(0, image.width(), 3):
        for y in range(0, image.height(), 3):
            c = image.pixelColor(x, y)
            if (c.red(), c.green(), c.blue()) == tuple(rgb):
                return True
    return False


def test_an_iris_session_with_chosen_columns_reopens_as_it_was_saved(make_window, qtbot, tmp_path):
    from test_sessions import with_fake

    a = make_window()
    choose_iris(qtbot, a)
    panel = a.explore.projection_panel
    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("columns"))
    panel.x_combo.setCurrentIndex(2)
    a.state.step()
    path = tmp_path / "iris.kmsession"
    with_fake(a, save_path=str(path))
    qtbot.keyClick(a, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert path.exists() and not a.sessions.dirty

    b = make_window(k=2)
    assert b.sessions.open_path(str(path))
    wait_for_settled_view(qtbot, b.canvas)
    assert b.state.n_features == 4 and b.state.view_columns == (2, 1) and b.state.cursor == 1
    np.testing.assert_array_equal(b.state.true_labels, a.state.true_labels)
    assert axis_title(b.canvas, "bottom") == "petal length (cm)" and axis_title(b.canvas, "left") == "sepal width (cm)"
    bp = b.explore.projection_panel
    assert bp.isVisible() and bp.mode_combo.currentData() == "columns" and bp.x_combo.currentIndex() == 2
