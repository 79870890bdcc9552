"""Pixels as a point cloud in colour space: the k-means picture of an image.

A few thousand sampled pixels are projected onto the two principal axes of their RGB values and
drawn in their palette colour; the palette colours themselves are drawn as large outlined discs,
so the clusters k-means found in colour space are visible like on the main canvas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

__all__ = ["ColourCloudData", "colour_cloud_data", "ColourCloud"]


@dataclass(frozen=True, eq=False)
class ColourCloudData:
    """Projected sample and palette.

    Attributes
    ----------
    points : ndarray of shape (m, 2), float64 -- sampled pixels, projected
    labels : ndarray of shape (m,), int -- their palette index
    centers : ndarray of shape (p, 2) -- palette colours, projected
    palette : ndarray of shape (p, 3), uint8
    explained : tuple of 2 floats -- share of colour variance along each axis
    """

    points: np.ndarray
    labels: np.ndarray
    centers: np.ndarray
    palette: np.ndarray
    explained: tuple


def colour_cloud_data(pixels, indices, palette, *, n=3000, seed=0) -> ColourCloudData:
    """Sample ``n`` pixels and project them and the palette onto the first two principal axes.

    Parameters
    ----------
    pixels : ndarray of shape (h, w, 3), uint8
    indices : ndarray of shape (h, w), uint8 -- palette index per pixel
    palette : ndarray of shape (p, 3), uint8
    """
    flat = pixels.reshape(-1, 3)
    rng = np.random.default_rng(seed)
    rows = rng.choice(flat.shape[0], size=min(n, flat.shape[0]), replace=False)
    X = flat[rows].astype(np.float64)
    mean = X.mean(axis=0)
    cov = np.cov((X - mean).T) if X.shape[0] > 1 else np.eye(3)
    vals, vecs = np.linalg.eigh(np.atleast_2d(cov))
    order = np.argsort(vals)[::-1][:2]
    axes = vecs[:, order]
    # Point the first axis towards brighter colours, so light is right whatever eigh returned.
    axes *= np.where(axes.sum(axis=0) < 0, -1.0, 1.0)
    total = float(vals.sum()) or 1.0
    explained = tuple(float(max(v, 0.0)) / total for v in vals[order])
    return ColourCloudData(
        points=(X - mean) @ axes,
        labels=indices.reshape(-1)[rows].astype(np.intp),
        centers=(palette.astype(np.float64) - mean) @ axes,
        palette=np.asarray(palette, dtype=np.uint8),
        explained=explained,
    )


class ColourCloud(pg.PlotWidget):
    """``set_data(ColourCloudData | None)``."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.plotItem.setMenuEnabled(False)
        self.plotItem.hideButtons()
        self.setAspectLocked(True)
        self.setTitle("Pixels in colour space", color="#202020", size="10pt")
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
