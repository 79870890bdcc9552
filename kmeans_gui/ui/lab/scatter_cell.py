"""A small scatter of 2-D points coloured by cluster, with a caption: one cell of the lab.

Drawn with QPainter into a cached pixmap (a grid holds 50+ of them; a pyqtgraph plot each would
cost a graphics view apiece). Equal aspect, so circles stay round. Clicking emits ``clicked``.
"""

from __future__ import annotations

import functools

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...cluster_colours import CLUSTER_HEX
from ...data.projection import fit_projection

__all__ = ["ScatterCell"]

NOISE_HEX = "#B4B4B4"
BEST_FRAME_HEX = "#0072B2"
FAILED_HEX = "#B00020"
PLACEHOLDER_HEX = "#8C8C8C"


#: Points drawn at most in one cell; more are thinned by a fixed stride (a small canvas is
#: saturated long before, and each point costs a QPainter call).
MAX_DRAWN = 4000


@functools.lru_cache(maxsize=64)
def _dot(colour: str, diameter: float, ratio: float) -> QPixmap:
    """An antialiased disc, drawn once per colour and size, stamped for every point."""
    side = int(np.ceil(diameter + 2))
    pixmap = QPixmap(int(np.ceil(side * ratio)), int(np.ceil(side * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF((side - diameter) / 2, (side - diameter) / 2, diameter, diameter))
    painter.end()
    return pixmap


class ScatterCell(QWidget):
    """``set_points(X, labels, centers=None)``, ``set_caption(text)``, ``set_placeholder(text)``.

    Labels -1 (DBSCAN's noise) are grey. ``highlight`` draws a frame (the row's best score).
    """

    clicked = Signal()

    def __init__(self, size: int = 118, caption_lines: int = 1, parent: QWidget | None = None):
        super().__init__(parent)
        self._side = size
        self._caption_height = 15 * caption_lines + 2
        self.setFixedSize(size, size + self._caption_height)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.X: np.ndarray | None = None
        self.labels: np.ndarray | None = None
        self.centers: np.ndarray | None = None
        self.caption = ""
        self.placeholder = ""
        self.highlight = False
        self.failed = False
        self._pixmap: QPixmap | None = None

    def set_points(self, X, labels, centers=None) -> None:
        """``X`` of shape (n, d) and ``centers`` of shape (k, d); for d != 2 both are drawn through
        the data's PCA plane (a line at 0 for d == 1), as the Explore canvas draws them."""
        X = np.asarray(X, dtype=float)
        centers = None if centers is None else np.asarray(centers, dtype=float)
        if X.ndim == 2 and X.shape[1] == 1:
            X = np.c_[X, np.zeros(len(X))]
            centers = None if centers is None else np.c_[centers, np.zeros(len(centers))]
        elif X.ndim == 2 and X.shape[1] > 2:
            projection = fit_projection(X, columns=None if len(X) >= 2 else (0, 1))
            X = projection.transform(X)
            centers = None if centers is None else projection.transform(centers)
        self.X = X
        self.labels = None if labels is None else np.asarray(labels)
        self.centers = centers
        self.placeholder = ""
        self._pixmap = None
        self.update()

    def set_caption(self, text: str, *, failed: bool = False) -> None:
        self.caption, self.failed = text, failed
        self.update()

    def set_placeholder(self, text: str) -> None:
        self.X = self.labels = self.centers = None
        self.placeholder, self.caption, self.highlight, self.failed = text, "", False, False
        self._pixmap = None
        self.update()

    def set_highlight(self, on: bool) -> None:
        if on != self.highlight:
            self.highlight = on
            self.update()

    # ------------------------------------------------------------------ drawing
    def _render(self) -> QPixmap:
        """The scatter as a pixmap: one pre-drawn disc stamped per point (a QPolygonF of QPointF
        objects cost ~5 ms a cell to build; stamping 500 discs takes ~1.5 ms)."""
        side = self._side
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(int(side * ratio), int(side * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QColor("white"))
        if self.X is None or self.X.shape[0] == 0:
            return pixmap
        to_pixels = self._mapping(side)
        stride = max(1, -(-self.X.shape[0] // MAX_DRAWN))
        P = to_pixels(self.X[::stride])
        labels = self.labels[::stride] if self.labels is not None else np.zeros(P.shape[0], dtype=int)
        diameter = max(2.5, min(4.5, side / 30))
        half = np.ceil(diameter + 2) / 2
        painter = QPainter(pixmap)
        # Noise first, so clusters are drawn over it.
        for label in sorted(np.unique(labels).tolist()):
            colour = NOISE_HEX if label < 0 else CLUSTER_HEX[label % len(CLUSTER_HEX)]
            dot = _dot(colour, diameter, ratio)
            for x, y in (P[labels == label] - half).tolist():
                painter.drawPixmap(QPointF(x, y), dot)
        if self.centers is not None and self.centers.shape[0]:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            for j, (x, y) in enumerate(to_pixels(self.centers)):
                painter.setPen(QPen(QColor("#202020"), 3.2))
                self._cross(painter, x, y, 5)
                painter.setPen(QPen(QColor(CLUSTER_HEX[j % len(CLUSTER_HEX)]), 1.6))
                self._cross(painter, x, y, 4)
        painter.end()
        return pixmap

    @staticmethod
    def _cross(painter, x, y, r) -> None:
        painter.drawLine(QPointF(x - r, y - r), QPointF(x + r, y + r))
        painter.drawLine(QPointF(x - r, y + r), QPointF(x + r, y - r))

    def _mapping(self, side: int):
        lo, hi = self.X.min(axis=0), self.X.max(axis=0)
        span = float(max(hi - lo)) or 1.0
        margin = 5.0
        scale = (side - 2 * margin) / span
        centre = (lo + hi) / 2

        def to_pixels(A):
            A = np.asarray(A, dtype=float)
            return np.c_[side / 2 + (A[:, 0] - centre[0]) * scale, side / 2 - (A[:, 1] - centre[1]) * scale]

        return to_pixels

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        side = self._side
        if self.X is not None:
            if self._pixmap is None:
                self._pixmap = self._render()
            painter.drawPixmap(0, 0, self._pixmap)
        else:
            painter.fillRect(QRectF(0, 0, side, side), QColor("#F4F4F4"))
            painter.setPen(QColor(PLACEHOLDER_HEX))
            painter.drawText(QRectF(0, 0, side, side), Qt.AlignmentFlag.AlignCenter, self.placeholder)
        frame = QPen(QColor(BEST_FRAME_HEX if self.highlight else "#D0D0D0"), 2.5 if self.highlight else 1.0)
        painter.setPen(frame)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(0.5, 0.5, side - 1, side - 1))
        if self.caption:
            font = QFont(self.font())
            font.setPointSizeF(max(7.5, font.pointSizeF() - 1))
            font.setBold(self.highlight)
            painter.setFont(font)
            painter.setPen(QColor(FAILED_HEX if self.failed else "#202020"))
            painter.drawText(QRectF(0, side + 1, side, self._caption_height - 1),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                             self.caption)
        painter.end()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)
