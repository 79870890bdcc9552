"""A strip of colour swatches, each as wide as its colour's share of the pixels.

Shares are written inside the swatches that are wide enough; every swatch has a tooltip with its
hex code, pixel count and share, so even a 256-colour palette stays readable.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

__all__ = ["PaletteStrip"]

#: Every swatch gets at least this many pixels, so a rare colour is still visible.
MIN_SWATCH_PX = 3.0


class PaletteStrip(QWidget):
    """``set_palette(palette (p, 3) uint8, counts (p,))``; ``set_locked(mask)``; ``clear()``.

    Signals
    -------
    swatch_clicked(int)
        A swatch was clicked with the left button (the tab locks or unlocks its colour).
    """

    swatch_clicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._locked = np.zeros(0, dtype=bool)
        self._palette = np.zeros((0, 3), dtype=np.uint8)
        self._counts = np.zeros(0, dtype=np.int64)
        self._edges = np.zeros(1)
        self.setMouseTracking(True)
        self.setMinimumHeight(34)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Palette: each swatch is as wide as its colour's share of the pixels; click one to lock it")

    def sizeHint(self) -> QSize:
        return QSize(400, 38)

    def set_palette(self, palette: np.ndarray, counts: np.ndarray) -> None:
        self._palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
        self._counts = np.asarray(counts, dtype=np.int64)
        self._locked = np.zeros(self._palette.shape[0], dtype=bool)
        self.update()

    def set_locked(self, mask) -> None:
        """Mark swatches as locked (a framed dot in the corner); ``mask`` has one bool per colour."""
        mask = np.asarray(mask, dtype=bool).reshape(-1)
        self._locked = mask if mask.size == self.n_colors else np.zeros(self.n_colors, dtype=bool)
        self.update()

    @property
    def locked_mask(self) -> np.ndarray:
        return self._locked.copy()

    def clear(self) -> None:
        self.set_palette(np.zeros((0, 3), np.uint8), np.zeros(0, np.int64))

    @property
    def n_colors(self) -> int:
        return int(self._palette.shape[0])

    def _layout(self, width: float) -> np.ndarray:
        """Swatch edges in widget x coordinates, shape (p + 1,)."""
        p = self.n_colors
        if p == 0:
            return np.zeros(1)
        shares = self._counts / max(1, int(self._counts.sum()))
        floor = min(MIN_SWATCH_PX, width / p)
        widths = floor + shares * max(0.0, width - floor * p)
        return np.concatenate([[0.0], np.cumsum(widths)])

    def swatch_at(self, x: float) -> int | None:
        """Index of the swatch under widget x, or None."""
        if self.n_colors == 0:
            return None
        i = int(np.searchsorted(self._edges, x, side="right")) - 1
        return i if 0 <= i < self.n_colors else None

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        rect = self.rect()
        self._edges = self._layout(float(rect.width()))
        if self.n_colors == 0:
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "The palette appears here after quantizing")
            return
        total = max(1, int(self._counts.sum()))
        metrics = painter.fontMetrics()
        for i, (r, g, b) in enumerate(self._palette.tolist()):
            x0, x1 = self._edges[i], self._edges[i + 1]
            box = QRectF(x0, 0, x1 - x0, rect.height())
            painter.fillRect(box, QColor(r, g, b))
            if self._locked[i]:
                self._paint_lock(painter, box, r, g, b)
            text = f"{100.0 * self._counts[i] / total:.0f}%"
            if metrics.horizontalAdvance(text) + 6 <= box.width():
                light = 0.299 * r + 0.587 * g + 0.114 * b > 140
                painter.setPen(QPen(QColor(0, 0, 0) if light else QColor(255, 255, 255)))
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        # A frame, so white and near-background swatches keep their edges.
        painter.setPen(QPen(QColor(110, 110, 110), 1))
        painter.drawRect(QRectF(0.5, 0.5, self._edges[-1] - 1.0, rect.height() - 1.0))
        painter.end()

    @staticmethod
    def _paint_lock(painter: QPainter, box: QRectF, r: int, g: int, b: int) -> None:
        """A thick inner frame and a dot in the top-left corner, in black or white for contrast."""
        light = 0.299 * r + 0.587 * g + 0.114 * b > 140
        ink = QColor(0, 0, 0) if light else QColor(255, 255, 255)
        painter.setPen(QPen(ink, 2))
        painter.drawRect(box.adjusted(1.5, 1.5, -1.5, -1.5))
        size = min(8.0, box.width() - 4, box.height() - 4)
        if size >= 3:
            painter.setBrush(ink)
            painter.drawEllipse(QRectF(box.left() + 3, box.top() + 3, size, size))
            painter.setBrush(Qt.BrushStyle.NoBrush)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            i = self.swatch_at(event.position().x())
            if i is not None:
                self.swatch_clicked.emit(i)
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event) -> None:
        i = self.swatch_at(event.position().x())
        if i is None:
            QToolTip.hideText()
            return
        r, g, b = self._palette[i].tolist()
        total = max(1, int(self._counts.sum()))
        QToolTip.showText(
            event.globalPosition().toPoint(),
            f"#{r:02x}{g:02x}{b:02x}  rgb({r}, {g}, {b})\n{int(self._counts[i]):,} pixels, "
            f"{100.0 * self._counts[i] / total:.2f}%\n"
            + ("Locked: click to unlock" if self._locked[i] else "Click to lock this colour"),
            self,
        )
