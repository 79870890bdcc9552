"""Pixels as a point cloud in colour space: the k-means picture of an image.

A few thousand sampled pixels are projected onto the two principal axes of their RGB values and
drawn in their palette colour; the palette colours themselves are drawn as large outlined discs,
so the clusters k-means found in colour space are visible like on the main canvas.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor

from ...state.image import ColourCloudData, colour_cloud_data
from ..common.style import BACKGROUND, set_title

__all__ = ["ColourCloudData", "colour_cloud_data", "ColourCloud"]


class ColourCloud(pg.PlotWidget):
    """``set_data(ColourCloudData | None)``."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground(BACKGROUND)
        self.plotItem.setMenuEnabled(False)
        self.plotItem.hideButtons()
        self.setAspectLocked(True)
        set_title(self, "Pixels in colour space")
        self._points = pg.ScatterPlotItem(size=4, pen=None, pxMode=True)
        self._centers = pg.ScatterPlotItem(size=15, pen=pg.mkPen("#202020", width=1.5), pxMode=True)
        self.addItem(self._points)
        self.addItem(self._centers)
        self.setLabel("bottom", "principal colour axis 1")
        self.setLabel("left", "axis 2")
        self.data: ColourCloudData | None = None

    def set_data(self, data: ColourCloudData | None) -> None:
        self.data = data
        if data is None:
            self._points.clear()
            self._centers.clear()
            return
        brushes = [pg.mkBrush(QColor(r, g, b)) for r, g, b in data.palette.tolist()]
        self._points.setData(pos=data.points, brush=[brushes[i] for i in data.labels])
        self._centers.setData(pos=data.centers, brush=brushes)
        e1, e2 = data.explained
        self.setLabel("bottom", f"principal colour axis 1 ({100 * e1:.0f}% of variance)")
        self.setLabel("left", f"axis 2 ({100 * e2:.0f}%)")
        self.plotItem.autoRange()
