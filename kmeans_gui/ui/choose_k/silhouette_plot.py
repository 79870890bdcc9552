"""Silhouette plot of one clustering, as in scikit-learn's silhouette analysis.

Each cluster is a band of horizontal bars, one per sample, sorted by silhouette and filled in the
cluster's colour; the mean silhouette is a dashed line. A band is drawn as one filled path
(a staircase outline), so 20,000 samples cost one item per cluster, not 20,000 bars.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsPathItem, QVBoxLayout, QWidget

from ...cluster_colours import cluster_hex
from ..common.style import BACKGROUND, set_title, style_fixed_chart

__all__ = ["SilhouettePlot", "band_outline"]

MEAN_HEX = "#C0392B"


def band_outline(values: np.ndarray, y0: float) -> tuple[np.ndarray, np.ndarray]:
    """Staircase outline (x, y) of bars of height 1 starting at ``y0``, closed along x = 0.

    Parameters
    ----------
    values : ndarray of shape (m,)
        Bar lengths, in drawing order.

    Returns
    -------
    x, y : ndarrays of shape (2 m + 2,)
    """
    m = values.shape[0]
    x = np.empty(2 * m + 2)
    y = np.empty(2 * m + 2)
    x[0], y[0] = 0.0, y0
    x[1:-1:2] = values
    x[2:-1:2] = values
    y[1:-1:2] = y0 + np.arange(m)
    y[2:-1:2] = y0 + np.arange(1, m + 1)
    x[-1], y[-1] = 0.0, y0 + m
    return x, y


class SilhouettePlot(QWidget):
    """``plot`` is the pg.PlotWidget; :meth:`set_silhouettes` draws, :meth:`show_message` explains."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background=BACKGROUND)
        # Crisp bars: antialiasing only blurs thousands of edges.
        style_fixed_chart(self.plot, grid_y=False, antialias=False)
        self.plot.setLabel("bottom", "silhouette coefficient")
        self.plot.setLabel("left", "clusters (samples sorted)")
        self.plot.getAxis("left").setTicks([[]])  # sample positions mean nothing; clusters are labelled
        self.plot.getAxis("left").setWidth(30)
        set_title(self.plot, "Silhouette plot")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.mean_line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(MEAN_HEX, width=1.5, style=Qt.PenStyle.DashLine),
            label="", labelOpts={"position": 0.975, "color": MEAN_HEX, "fill": (255, 255, 255, 210)},
        )
        self.mean_line.setZValue(10)
        self.zero_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#606060", width=1))
        self.message = pg.TextItem("", color="#404040", anchor=(0.5, 0.5))
        self._items: list = []
        self.bands: list[QGraphicsPathItem] = []
        self.band_clusters: list[int] = []  # cluster id of each band, bottom to top
        self.band_sizes: list[int] = []
        self.mean: float | None = None
        self.show_message("")

    def _reset(self) -> None:
        item = self.plot.plotItem
        for it in self._items:
            item.removeItem(it)
        self._items = []
        self.bands = []
        self.band_clusters = []
        self.band_sizes = []

    def _add(self, it) -> None:
        self.plot.plotItem.addItem(it)
        self._items.append(it)

    def show_message(self, text: str) -> None:
        """Clear the plot and show ``text`` in its middle."""
        self._reset()
        self.mean = None
        set_title(self.plot, "Silhouette plot")
        self.message.setText(text)
        self.message.setPos(0.45, 0.5)
        self._add(self.message)
        self.plot.setXRange(-0.1, 1.0, padding=0)
        self.plot.setYRange(0, 1, padding=0)

    def set_silhouettes(self, samples: np.ndarray, labels: np.ndarray, k: int, note: str = "") -> None:
        """Draw one band per cluster, in cluster order from the bottom, and the mean.

        Parameters
        ----------
        samples : ndarray of shape (n,), silhouette of each sample
        labels : ndarray of shape (n,), ints in [0, k)
        k : int, for the title
        note : str, e.g. whether the silhouettes are a sampled estimate
        """
        self._reset()
        samples = np.asarray(samples, dtype=float)
        labels = np.asarray(labels)
        n = samples.shape[0]
        gap = max(2.0, 0.02 * n)
        y = gap
        for c in np.unique(labels):
            vals = np.sort(samples[labels == c])
            x_out, y_out = band_outline(vals, y)
            path = pg.arrayToQPath(x_out, y_out, connect="all")  # filled from NumPy, no per-point Python
            path.closeSubpath()
            band = QGraphicsPathItem(path)
            colour = pg.mkColor(cluster_hex(int(c)))
            band.setBrush(pg.mkBrush(colour))
            band.setPen(pg.mkPen(colour, width=0))
            self._add(band)
            self.bands.append(band)
            self.band_clusters.append(int(c))
            self.band_sizes.append(int(len(vals)))
            label = pg.TextItem(str(int(c)), color="#202020", anchor=(1.0, 0.5))
            label.setPos(-0.02, y + len(vals) / 2)
            self._add(label)
            y += len(vals) + gap
        self.mean = float(samples.mean())
        self.mean_line.setValue(self.mean)
        self.mean_line.label.setFormat(f"mean {self.mean:.3f}")
        self._add(self.zero_line)
        self._add(self.mean_line)
        lo = min(-0.1, float(samples.min()) - 0.05)
        self.plot.setXRange(lo, 1.0, padding=0)
        self.plot.setYRange(0, y + 0.05 * y, padding=0)  # headroom for the mean's label
        title = f"Silhouette plot, k = {k}"
        if note:
            title += f"<br><span style='font-size:8pt; color:#606060'>{note}</span>"
        self.plot.setTitle(title, color="#202020", size="10pt")

