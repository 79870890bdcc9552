"""The status line: one line of text that never widens the window; what does not fit shows on hover."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

__all__ = ["StatusLine"]


class StatusLine(QLabel):
    """A QLabel that draws as much of its text as fits, ending in "…", with the full text as tooltip.

    ``text()`` is always the full text. A wrapping label would change the status bar's height with
    every long message and so resize (and repaint) the canvas above it; this one keeps one line.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self._update_tooltip()

    def is_elided(self) -> bool:
        """Whether the text is wider than the label (and so ends in "…" on screen)."""
        return self.fontMetrics().horizontalAdvance(self._one_line()) > self.contentsRect().width()

    def shown_text(self) -> str:
        """The text as drawn: elided to the label's width."""
        return self.fontMetrics().elidedText(self._one_line(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def _one_line(self) -> str:
        return " ".join(self.text().split("\n"))

    def _update_tooltip(self) -> None:
        self.setToolTip(self.text() if self.is_elided() else "")

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_tooltip()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(self.contentsRect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self.shown_text())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().sizeHint().height())
