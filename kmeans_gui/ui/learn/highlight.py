"""A rounded outline drawn over a control the current lesson points at.

It is a transparent child of the window, above everything and blind to the mouse, kept on the
target's geometry by an event filter; the target's own look (style sheet, palette) is untouched.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

__all__ = ["ControlHighlight"]

COLOUR = QColor("#ff8c00")
MARGIN = 3


class ControlHighlight(QWidget):
    """``ControlHighlight(window)``; ``point_at(widget)`` outlines it, ``point_at(None)`` stops."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("lessonHighlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.target: QWidget | None = None
        self._watched: list[QObject] = []
        self.hide()

    def point_at(self, widget: QWidget | None) -> None:
        for obj in self._watched:
            obj.removeEventFilter(self)
        self._watched = []
        self.target = widget
        if widget is not None:
            # The target and its ancestors: a splitter or tab change moves or hides it.
            obj = widget
            while obj is not None and obj is not self.parentWidget():
                obj.installEventFilter(self)
                self._watched.append(obj)
                obj = obj.parentWidget()
            self.parentWidget().installEventFilter(self)
            self._watched.append(self.parentWidget())
        self.follow()

    def eventFilter(self, obj, event) -> bool:
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide):
            self.follow()
        return False

    def follow(self) -> None:
        target = self.target
        if target is None or not target.isVisibleTo(self.parentWidget()) or not target.isVisible():
            self.hide()
            return
        top_left = target.mapTo(self.parentWidget(), target.rect().topLeft())
        rect = QRect(top_left, target.size()).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self.setGeometry(rect)
        self.show()
        self.raise_()
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(COLOUR, 3)
        painter.setPen(pen)
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 5, 5)
