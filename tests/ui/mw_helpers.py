"""Helpers for the main-window tests: clicks and coordinates in data units."""

from PySide6.QtCore import QPointF, Qt


def data_to_viewport(canvas, x, y):
    scene = canvas.viewbox.mapViewToScene(QPointF(x, y))
    return canvas.plot.mapFromScene(scene)


def viewport_to_data(canvas, pos):
    scene = canvas.plot.mapToScene(pos)
    p = canvas.viewbox.mapSceneToView(scene)
    return p.x(), p.y()


def click_data(qtbot, canvas, x, y, button=Qt.MouseButton.LeftButton):
    """A real click on the plot's viewport at data coordinate (x, y); returns the pixel used."""
    pos = data_to_viewport(canvas, x, y)
    qtbot.mouseClick(canvas.plot.viewport(), button, pos=pos)
    # Two clicks in quick succession would make a double click; keep them apart.
    qtbot.wait(5)
    return pos
