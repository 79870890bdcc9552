"""One score against k, drawn for choosing k: a value per k (the mean over the seeds, or the best
seed's), its spread as error bars, every seed's value as a ring, the chosen k starred, a dashed
marker (the knee) and an optional second curve to compare with."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..common.style import BACKGROUND, set_title, style_fixed_chart

__all__ = ["KChart"]

LINE_HEX = "#0072B2"
SPREAD_HEX = "#9A9A9A"
BEST_HEX = "#D55E00"
KNEE_HEX = "#C0392B"
CURRENT_HEX = "#B0B0B0"
TUTORIAL_HEX = "#E69F00"
ERROR_BAR_HEX = "#56B4E9"


def _axis_height_with_labels(axis: pg.AxisItem) -> float:
    """The height a horizontal axis takes with a row of tick labels and its own label shown
    (pyqtgraph's AxisItem._updateHeight, for labels not yet drawn)."""
    font = axis.style["tickFont"] or axis.font()
    height = QFontMetricsF(font).height() + axis.style["tickTextOffset"][1] + max(0, axis.style["tickLength"])
    if axis.label.isVisible():
        height += axis.label.boundingRect().height() * 0.8
    return height


class KChart(QWidget):
    """One score against k: a line through the best values, an optional spread, a marked best k.

    ``plot`` is the pg.PlotWidget. Clicking inside the plot emits nothing itself: the view connects
    :attr:`clicked_k` handling through :meth:`k_at_scene_pos`.
    """

    def __init__(self, title: str, y_label: str, parent: QWidget | None = None, *, legend: bool = False,
                 line_name: str = "best of the seeds", x_label: str = "k (click to choose)"):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background=BACKGROUND)
        style_fixed_chart(self.plot)
        set_title(self.plot, title)
        self.plot.setLabel("left", y_label)
        self.plot.setLabel("bottom", x_label)
        self.plot.getAxis("left").setWidth(62)
        # Fixed, as the left axis's width: pyqtgraph grows an axis to its tick labels only while
        # painting them, so the first paint after Compute (an empty chart's axis has no labels)
        # drew "k (click to choose)" over the numbers.
        bottom = self.plot.getAxis("bottom")
        bottom.setHeight(_axis_height_with_labels(bottom))
        self.plot.getAxis("left").enableAutoSIPrefix(False)  # "(x0.001)" on a silhouette axis misleads
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        item = self.plot.plotItem
        self.current = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(CURRENT_HEX, width=6))
        self.current.setOpacity(0.45)
        self.current.setZValue(-10)
        if legend:
            # Small, in the top right corner, which the y range keeps free of data (see
            # _apply_y_range): a falling elbow is low on the right, and nothing is drawn under it.
            self.plot.addLegend(offset=(-4, 2), labelTextColor="#303030", brush=(255, 255, 255, 220),
                                labelTextSize="8pt", verSpacing=-6)
        # Rings, drawn over the line: seeds that agree show as one ring around the best point.
        self.spread = pg.ScatterPlotItem(size=11, pen=pg.mkPen(SPREAD_HEX, width=1.3), brush=None,
                                         name="each seed" if legend else None)
        self.spread.setZValue(2)
        self.curve = pg.PlotDataItem(pen=pg.mkPen(LINE_HEX, width=2), symbol="o", symbolSize=7,
                                     symbolBrush=LINE_HEX, symbolPen=None,
                                     name=line_name if legend else None)
        # Mean +- one standard deviation over the seeds; drawn under the line.
        self.error_bars = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), beam=0.18,
                                          pen=pg.mkPen(ERROR_BAR_HEX, width=1.6))
        self.error_bars.setZValue(1)
        self.best = pg.ScatterPlotItem(size=18, symbol="star", pen=pg.mkPen("#FFFFFF", width=0.8),
                                       brush=pg.mkBrush(BEST_HEX))
        # A second curve to compare with (the tutorial's elbow); in the legend only while drawn.
        self.extra = pg.PlotDataItem(pen=pg.mkPen(TUTORIAL_HEX, width=2, style=Qt.PenStyle.DashLine),
                                     symbol="s", symbolSize=6, symbolBrush=TUTORIAL_HEX, symbolPen=None)
        self.extra.setZValue(1)
        self.best.setZValue(10)
        self.marker = pg.InfiniteLine(angle=90, movable=False,
                                      pen=pg.mkPen(KNEE_HEX, width=1.5, style=Qt.PenStyle.DashLine))
        self.marker_label = pg.TextItem("", color=KNEE_HEX, anchor=(0, 0.5), fill=(255, 255, 255, 220))
        self.marker_label.setZValue(12)
        self.marker.setZValue(5)
        for it in (self.current, self.spread, self.curve, self.best, self.marker, self.marker_label, self.extra,
                   self.error_bars):
            it.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            item.addItem(it)
        self.marker.hide()
        self.marker_label.hide()
        self.current.hide()
        self.k_values = np.array([], dtype=int)
        self.clickable_k = self.k_values
        self._y_span: tuple[float, float] | None = None
        self._k_tops = (np.zeros(0), np.zeros(0))  # (k, highest thing drawn at k)
        item.vb.sigResized.connect(self._apply_y_range)

    def set_values(self, k, values, *, spread=None, best_k=None, marker_k=None, marker_text: str = "",
                   extra=None, extra_name: str = "", error=None, error_at=None) -> None:
        """Draw ``values`` (NaN gaps skipped) against ``k``; mark ``best_k`` and a dashed ``marker_k``.

        ``spread`` (shape (n_k, n_seeds)) draws every seed's value as a ring. ``error`` (shape
        (n_k,)) draws error bars of +- ``error`` around ``error_at`` (default ``values``). ``extra``
        (same length as ``k``), when given, is drawn as a dashed second curve named ``extra_name``
        in the legend.
        """
        k = np.asarray(k, dtype=int)
        values = np.asarray(values, dtype=float)
        ok = np.isfinite(values)
        self._set_extra(k, extra, extra_name)
        self.k_values = k
        self.clickable_k = k[ok]
        self.curve.setData(k[ok], values[ok])
        self._set_error_bars(k, values if error_at is None else error_at, error)
        if spread is not None and len(k):
            spread = np.asarray(spread, dtype=float)
            kk, ys = np.repeat(k, spread.shape[1]), spread.ravel()
            drawn = np.isfinite(ys)  # a score undefined at k = 1 has no ring there
            self.spread.setData(kk[drawn], ys[drawn])
        else:
            self.spread.clear()
        if best_k is not None and np.any(k == best_k) and np.isfinite(values[k == best_k][0]):
            self.best.setData([best_k], [values[k == best_k][0]])
        else:
            self.best.clear()
        self.marker.setVisible(marker_k is not None)
        self.marker_label.setVisible(marker_k is not None)
        if len(k):
            self.plot.setXRange(k.min() - 0.5, k.max() + 0.5, padding=0)
            self.plot.getAxis("bottom").setTicks([[(int(v), str(int(v))) for v in k]])
            self.plot.getAxis("left").setTicks(None)
        else:  # no made-up 0.2, 0.4 ... ticks on an empty chart
            self.plot.getAxis("bottom").setTicks([[]])
            self.plot.getAxis("left").setTicks([[]])
        if ok.any():
            both = [values[ok]] + [np.asarray(a, dtype=float).ravel() for a in (spread, extra) if a is not None]
            both += self._error_ends()
            both = np.concatenate(both)
            both = both[np.isfinite(both)]
            lo, hi = float(np.nanmin(both)), float(np.nanmax(both))
            pad = 0.08 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 0.1)
            self._y_span = (lo - pad, hi + pad)
            self._k_tops = self._highest_per_k(k, values, spread, extra)
            if marker_k is not None:
                self.marker.setValue(marker_k)
                self.marker_label.setText(marker_text)
            self._apply_y_range()

    def legend_headroom(self) -> float:
        """The share of the plot's height, from the top, that the legend covers (0: none)."""
        legend = self.plot.plotItem.legend
        plot_height = self.plot.plotItem.vb.height()
        if legend is None or not legend.items or plot_height <= 0:
            return 0.0
        return min((legend.boundingRect().height() + 4) / plot_height, 0.6)

    def _highest_per_k(self, k, values, spread, extra) -> tuple[np.ndarray, np.ndarray]:
        """For each k, the highest value drawn there (line, rings, second curve, error bar)."""
        columns = [np.asarray(values, dtype=float)[:, None]]
        for a in (spread, extra):
            if a is not None:
                columns.append(np.asarray(a, dtype=float).reshape(len(k), -1))
        opts = self.error_bars.opts
        if opts.get("y") is not None and len(opts["y"]):
            ends = np.full(len(k), np.nan)
            for x, y, h in zip(opts["x"], opts["y"], opts["height"]):
                ends[k == int(round(x))] = y + h / 2
            columns.append(ends[:, None])
        stacked = np.concatenate(columns, axis=1)
        highest = np.array([np.nanmax(row) if np.isfinite(row).any() else -np.inf for row in stacked])
        return np.asarray(k, dtype=float), highest

    def _apply_y_range(self, *_) -> None:
        """The data's y span, raised where needed so that the legend in the top right corner
        lies above every value drawn under it."""
        if self._y_span is None:
            return
        lo, hi = self._y_span
        top = hi
        share = self.legend_headroom()
        legend = self.plot.plotItem.legend
        if share > 0:
            vb = self.plot.plotItem.vb
            left = vb.mapSceneToView(legend.sceneBoundingRect().topLeft()).x() - 0.3  # a marker's width
            ks, highest = self._k_tops
            under = highest[ks >= left]
            if under.size and np.isfinite(under).any():
                clear = float(np.max(under[np.isfinite(under)])) + 0.03 * (hi - lo)
                # The legend covers the top `share` of [lo, top]: its lower edge must be above `clear`.
                top = max(hi, (clear - share * lo) / (1.0 - share))
        if self.plot.plotItem.vb.viewRange()[1] != [lo, top]:
            self.plot.setYRange(lo, top, padding=0)
        # The marker's words half-way up the room under the legend, right of the line: past the
        # elbow the curve is low.
        below_legend = top - share * (top - lo)
        self.marker_label.setPos(self.marker.value() + 0.1, lo + 0.55 * (below_legend - lo))

    def _set_error_bars(self, k, centre, error) -> None:
        if error is None or not len(k):
            self.error_bars.setData(x=np.zeros(0), y=np.zeros(0), height=np.zeros(0))
            return
        centre, error = np.asarray(centre, dtype=float), np.asarray(error, dtype=float)
        ok = np.isfinite(centre) & np.isfinite(error)
        self.error_bars.setData(x=k[ok].astype(float), y=centre[ok], height=2 * error[ok])

    def _error_ends(self) -> list:
        """Both ends of every error bar, so the y range shows them whole."""
        opts = self.error_bars.opts
        y, height = opts.get("y"), opts.get("height")
        if y is None or height is None or not len(y):
            return []
        return [np.asarray(y) - np.asarray(height) / 2, np.asarray(y) + np.asarray(height) / 2]

    def error_bar_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(k, centre, half-height) of the error bars drawn (for tests)."""
        opts = self.error_bars.opts
        if opts.get("y") is None or not len(opts["y"]):
            return np.zeros(0), np.zeros(0), np.zeros(0)
        return np.asarray(opts["x"]), np.asarray(opts["y"]), np.asarray(opts["height"]) / 2

    def _set_extra(self, k, extra, name: str) -> None:
        legend = self.plot.plotItem.legend
        if legend is not None:
            legend.removeItem(self.extra)
        if extra is None or not len(k):
            self.extra.clear()
            return
        self.extra.setData(k, np.asarray(extra, dtype=float))
        if legend is not None:
            legend.addItem(self.extra, name)

    def set_current(self, k: int | None) -> None:
        if k is None or not np.any(self.k_values == k):
            self.current.hide()
        else:
            self.current.setValue(k)
            self.current.show()

    def clear(self) -> None:
        self.set_values([], [])
        self._y_span = None
        self.current.hide()

    def k_at_scene_pos(self, scene_pos) -> int | None:
        """The k under a scene position inside the plot area, if this chart has a value there."""
        vb = self.plot.plotItem.vb
        if not vb.sceneBoundingRect().contains(scene_pos) or not len(self.clickable_k):
            return None
        k = int(round(vb.mapSceneToView(scene_pos).x()))
        return k if np.any(self.clickable_k == k) else None

    def view_to_widget(self, x: float, y: float):
        """Viewport pixel (QPoint) of a data point (for tests and synthetic clicks)."""
        scene = self.plot.plotItem.vb.mapViewToScene(QPointF(x, y))
        return self.plot.mapFromScene(scene)
