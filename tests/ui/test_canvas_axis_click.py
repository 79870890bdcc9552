"""A click on the canvas' axes is not a click on the data (found by scripts/monkey.py: the axis
handed the click on with its own coordinates, and a point appeared away from the pointer)."""

from PySide6.QtCore import QPoint, Qt

from mw_helpers import viewport_to_data


def test_a_click_on_the_left_axis_adds_no_point(make_window, qtbot):
    w = make_window()
    canvas = w.canvas
    viewport = canvas.plot.viewport()
    axis = canvas.plot.getPlotItem().getAxis("left")
    x = int(canvas.plot.mapFromScene(axis.sceneBoundingRect().center()).x())
    y = viewport.height() // 2
    n = w.state.n_points
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    assert w.state.n_points == n


def test_a_click_just_inside_the_view_adds_the_point_under_the_pointer(make_window, qtbot):
    w = make_window()
    canvas = w.canvas
    inside = canvas.plot.mapFromScene(canvas.viewbox.sceneBoundingRect().topLeft()) + QPoint(4, 40)
    qtbot.mouseClick(canvas.plot.viewport(), Qt.MouseButton.LeftButton, pos=inside)
    x, y = viewport_to_data(canvas, inside)
    added = w.state.points[-1]
    (x0, x1), _ = canvas.viewbox.viewRange()
    pixel = (x1 - x0) / canvas.viewbox.width()
    assert abs(added[0] - x) <= 2 * pixel and abs(added[1] - y) <= 2 * pixel
