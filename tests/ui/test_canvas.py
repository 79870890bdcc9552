"""Mouse edits on the canvas and what it draws."""

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from kmeans_gui.cluster_colours import cluster_rgb

from mw_helpers import click_data, data_to_viewport, viewport_to_data


def pixel_tolerance(canvas):
    sx, sy = canvas.viewbox.viewPixelSize()
    return 1.5 * max(abs(sx), abs(sy))


def test_click_adds_a_point_at_the_clicked_data_coordinate(make_window, qtbot):
    w = make_window()
    canvas, state = w.canvas, w.state
    n0 = state.n_points
    pos = click_data(qtbot, canvas, 2.5, -1.25)
    assert state.n_points == n0 + 1
    added = state.points[-1]
    assert np.allclose(added, (2.5, -1.25), atol=pixel_tolerance(canvas))
    # exactly the data coordinate of the pixel clicked
    assert np.allclose(added, viewport_to_data(canvas, pos), atol=pixel_tolerance(canvas))
    assert state.cursor == 0 and state.current.phase == "init"  # the run restarted


def test_several_clicks_add_several_points(make_window, qtbot):
    w = make_window()
    n0 = w.state.n_points
    for x, y in [(1, 1), (2, 2), (3, 1)]:
        click_data(qtbot, w.canvas, x, y)
    assert w.state.n_points == n0 + 3
    assert np.allclose(w.state.points[-3:], [(1, 1), (2, 2), (3, 1)], atol=pixel_tolerance(w.canvas))


def test_right_click_removes_the_nearest_point(make_window, qtbot):
    w = make_window()
    target = w.state.points[7].copy()
    before = w.state.points.copy()
    click_data(qtbot, w.canvas, target[0] + 0.05, target[1], Qt.MouseButton.RightButton)
    assert w.state.n_points == len(before) - 1
    np.testing.assert_array_equal(w.state.points, np.delete(before, 7, axis=0))


def test_right_click_far_from_points_removes_nothing(make_window, qtbot):
    w = make_window()
    n0 = w.state.n_points
    click_data(qtbot, w.canvas, 0.0, -9.0, Qt.MouseButton.RightButton)  # empty corner
    assert w.state.n_points == n0


def test_undo_redo_restore_exact_point_sets(make_window, qtbot):
    w = make_window()
    original = w.state.points.copy()
    click_data(qtbot, w.canvas, 1.0, 1.0)
    after_add = w.state.points.copy()
    target = original[3]
    click_data(qtbot, w.canvas, target[0], target[1], Qt.MouseButton.RightButton)
    after_remove = w.state.points.copy()
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    np.testing.assert_array_equal(w.state.points, after_add)
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    np.testing.assert_array_equal(w.state.points, original)
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    np.testing.assert_array_equal(w.state.points, after_add)
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    np.testing.assert_array_equal(w.state.points, after_remove)


def test_editing_keeps_the_view_range(make_window, qtbot):
    w = make_window()
    w.canvas.viewbox.setRange(xRange=(-3, 3), yRange=(-3, 3), padding=0)
    qtbot.wait(10)
    before = w.canvas.viewbox.viewRange()
    click_data(qtbot, w.canvas, 0.5, 0.5)
    click_data(qtbot, w.canvas, 0.5, 0.5, Qt.MouseButton.RightButton)
    assert np.allclose(w.canvas.viewbox.viewRange(), before)


def test_brush_drag_sprays_points_near_the_path(make_window, qtbot):
    w = make_window()
    w.dataset_panel.brush_check.setChecked(True)
    assert w.canvas.brush_mode and w.brush_action.isChecked()
    n0 = w.state.n_points
    vp = w.canvas.plot.viewport()
    a = data_to_viewport(w.canvas, -2.0, 0.0)
    b = data_to_viewport(w.canvas, 2.0, 0.0)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for t in np.linspace(0, 1, 8):
        QTest.mouseMove(vp, QPoint(int(a.x() + t * (b.x() - a.x())), int(a.y())))
        qtbot.wait(2)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    added = w.state.points[n0:]
    assert len(added) >= w.canvas.brush_density * 3
    radius = w.canvas.brush_radius_px * abs(w.canvas.viewbox.viewPixelSize()[0]) * 1.01
    assert np.all(np.abs(added[:, 1]) <= radius + pixel_tolerance(w.canvas))
    assert added[:, 0].min() > -2 - radius and added[:, 0].max() < 2 + radius
    w.state.undo()  # the whole stroke is one undo step
    assert w.state.n_points == n0


def test_turning_the_brush_off_mid_stroke_keeps_the_sprayed_points(make_window, qtbot):
    w = make_window()
    w.dataset_panel.brush_check.setChecked(True)
    n0, view0 = w.state.n_points, w.canvas.viewbox.viewRange()
    vp = w.canvas.plot.viewport()
    a = data_to_viewport(w.canvas, -2.0, 0.0)
    b = data_to_viewport(w.canvas, 2.0, 0.0)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for i, t in enumerate(np.linspace(0, 1, 8)):
        if i == 4:
            w.dataset_panel.brush_check.setChecked(False)
            assert not w.canvas.brush_mode
        QTest.mouseMove(vp, QPoint(int(a.x() + t * (b.x() - a.x())), int(a.y())))
        qtbot.wait(2)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    added = w.state.points[n0:]
    assert len(added) >= w.canvas.brush_density * 3  # the strokes before and after the switch
    assert added[:, 0].max() > 1.0  # the stroke went on spraying to its end...
    assert w.canvas.viewbox.viewRange() == view0  # ...instead of turning into a pan
    assert len(w.canvas.spray_preview.data) == 0  # and no preview is left behind
    w.state.undo()
    assert w.state.n_points == n0


def test_place_by_clicking_then_drag_a_centroid(make_window, qtbot):
    w = make_window(init="manual", k=2)
    assert w.state.current is None and "place centroid 1 of 2" in w.status_label.text().lower()
    n0 = w.state.n_points
    click_data(qtbot, w.canvas, -4.0, -4.0)
    click_data(qtbot, w.canvas, 4.0, 4.0)
    assert w.state.n_points == n0  # clicks placed centroids, not points
    tol = pixel_tolerance(w.canvas)
    assert np.allclose(w.state.current.centers, [(-4, -4), (4, 4)], atol=tol)
    vp = w.canvas.plot.viewport()
    a = data_to_viewport(w.canvas, 4.0, 4.0)
    b = data_to_viewport(w.canvas, 0.0, 6.0)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for t in np.linspace(0, 1, 6):
        QTest.mouseMove(vp, QPoint(int(a.x() + t * (b.x() - a.x())), int(a.y() + t * (b.y() - a.y()))))
        qtbot.wait(2)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    assert np.allclose(w.state.current.centers[1], (0, 6), atol=3 * tol)
    assert np.allclose(w.state.current.centers[0], (-4, -4), atol=tol)


def _grab_rgb(canvas):
    img = canvas.plot.grab().toImage().convertToFormat(canvas.plot.grab().toImage().Format.Format_RGB888)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3).copy(), img.devicePixelRatio()


def test_points_are_drawn_in_their_cluster_colour(make_window, qtbot):
    w = make_window()
    w.regions_action.setChecked(False)
    w.trails_action.setChecked(False)
    w.state.run_to_end()
    qtbot.wait(10)
    rgb, dpr = _grab_rgb(w.canvas)
    s = w.state.current
    # Points far from any centroid marker, so the marker does not cover them.
    far = np.min(np.linalg.norm(w.state.points[:, None] - s.centers[None], axis=2), axis=1) > 1.0
    hits = 0
    for i in np.flatnonzero(far)[:15]:
        p = data_to_viewport(w.canvas, *w.state.points[i])
        q = w.canvas.plot.viewport().mapTo(w.canvas.plot, p)
        px = rgb[int(q.y() * dpr), int(q.x() * dpr)]
        hits += tuple(px) == cluster_rgb(int(s.labels[i]))
    assert hits >= 10  # the rest may be covered by a neighbour of another cluster


def test_regions_image_matches_nearest_centre(make_window, qtbot):
    from kmeans_gui.engine import nearest_center

    w = make_window()
    w.state.run_to_end()
    qtbot.wait(30)
    img = w.canvas.regions.image
    rect = w.canvas.regions.mapRectToParent(w.canvas.regions.boundingRect())
    ny, nx = img.shape
    gx = rect.left() + (np.arange(nx) + 0.5) * rect.width() / nx
    gy = rect.top() + (np.arange(ny) + 0.5) * rect.height() / ny
    grid = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    labels, _ = nearest_center(grid, np.asarray(w.state.current.centers, dtype=float))
    assert np.mean(labels.reshape(ny, nx) == img) > 0.999


def test_view_toggles_show_and_hide_layers(make_window, qtbot):
    w = make_window()
    w.state.run_to_end()
    assert w.canvas.regions.isVisible()
    QTest.keyClick(w, Qt.Key.Key_V)
    assert not w.regions_action.isChecked() and not w.canvas.regions.isVisible()
    QTest.keyClick(w, Qt.Key.Key_L)
    assert w.canvas.show_lines and len(w.canvas.lines.xData) == 2 * w.state.n_points
    n_updates = sum(s.phase == "update" for s in w.state.history)
    assert len(w.canvas.trail_dots.data) == w.state.params.k * n_updates
    QTest.keyClick(w, Qt.Key.Key_T)
    assert len(w.canvas.trail_dots.data) == 0


def test_large_point_set_renders(make_window, qtbot):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200_000, 2))
    w = make_window(points=X, k=5)
    w.state.step()
    w.state.step()
    w.canvas.plot.viewport().repaint()
    assert w.canvas.points.last_raster_s > 0
    assert not w.canvas.frame_pending


def test_kmeans_plus_plus_seeding_shows_d2_as_shade_and_size(make_window, qtbot):
    from kmeans_gui.ui.explore.canvas import HEAT0, HEAT_LEVELS

    w = make_window(init="k-means++")
    assert w.state.current.phase == "init" and w.state.current.n_seeds == 1
    w.state.step()  # the second seed, drawn from D^2 probabilities
    s = w.state.current
    probs = s.seed.probabilities
    colors = w.canvas.points._colors
    sizes = w.canvas.points._size_class
    assert colors.min() >= HEAT0 and colors.max() < HEAT0 + HEAT_LEVELS
    likeliest, unlikeliest = int(np.argmax(probs)), int(np.argmin(probs))
    assert colors[likeliest] > colors[unlikeliest] and sizes[likeliest] > sizes[unlikeliest]
    assert len(w.canvas.candidates.data) == len(s.seed.candidates)  # the k-means++ trials, circled
    assert "D²" in w.explain_panel.label.text()
    w.state.run_to_end()
    assert w.canvas.points._size_class is None  # plain cluster colours once Lloyd runs


def test_view_options_model_drives_menu_panel_and_canvas(make_window, qtbot):
    w = make_window()
    w.state.run_to_end()
    view = w.view_options
    QTest.keyClick(w, Qt.Key.Key_B)  # the menu's shortcut
    assert view.brush_mode and w.dataset_panel.brush_check.isChecked() and w.canvas.brush_mode
    w.dataset_panel.brush_radius.setValue(55)  # the panel
    assert view.brush_radius_px == 55.0 == w.canvas.brush_radius_px
    view.load_dict({**view.to_dict(), "show_regions": False, "show_lines": True, "show_explanation": False})
    assert not w.regions_action.isChecked() and not w.canvas.regions.isVisible()
    assert w.lines_action.isChecked() and len(w.canvas.lines.xData) == 2 * w.state.n_points
    assert not w.explain_action.isChecked() and not w.explain_panel.toggle.isChecked()
    assert not w.explain_panel.label.isVisibleTo(w)
    w.explain_panel.toggle.click()
    assert view.show_explanation and w.explain_action.isChecked() and w.explain_panel.label.isVisibleTo(w)
