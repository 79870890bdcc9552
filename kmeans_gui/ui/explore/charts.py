"""Small charts: a reusable line chart with a cursor, and the inertia-per-iteration chart."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ...state import AppState, chart_position, words
from ..common.style import AXIS_TEXT_HEX, BACKGROUND, set_title, style_fixed_chart

__all__ = ["SeriesChart", "ConvergenceChart", "IntegerAxis"]

# Deliberately not cluster colours, so a chart never reads as "cluster j".
LINE = "#3C3C3C"
CURSOR = "#B3261E"


#: Past this many points a series is a plain line: one dot per point costs paint time on every
#: redraw (a mini-batch run has hundreds of batches) and the dots merge into a line anyway.
MAX_SYMBOL_POINTS = 100


class IntegerAxis(pg.AxisItem):
    """An axis that only labels whole numbers (iterations, k)."""

    def tickValues(self, minVal, maxVal, size):
        levels = [(sp, vals) for sp, vals in super().tickValues(minVal, maxVal, size) if sp >= 1]
        if not levels:
            lo, hi = int(np.ceil(minVal)), int(np.floor(maxVal))
            levels = [(1.0, [float(v) for v in range(lo, hi + 1)])]
        return levels


class SeriesChart(pg.PlotWidget):
    """A line with markers, a vertical cursor and a highlighted current point.

    ``set_series(x, y)`` replaces the line (markers only up to :data:`MAX_SYMBOL_POINTS` points); ``set_cursor(x)`` moves the cursor (None hides it).
    """

    def __init__(self, title: str = "", x_label: str = "", y_label: str = "", parent: QWidget | None = None,
                 integer_x: bool = True):
        axes = {"bottom": IntegerAxis("bottom")} if integer_x else None
        super().__init__(parent=parent, background=BACKGROUND, axisItems=axes)
        style_fixed_chart(self, grid_alpha=0.2, antialias=None, cache=True)
        if title:
            set_title(self, title, color="#303030")
        if x_label:
            self.setLabel("bottom", x_label, color=AXIS_TEXT_HEX)
        if y_label:
            self.setLabel("left", y_label, color=AXIS_TEXT_HEX)
        self.curve = self.plot(
            [], [], pen=pg.mkPen(LINE, width=2), symbol="o", symbolSize=5,
            symbolBrush=pg.mkBrush(LINE), symbolPen=None,
        )
        # A long series draws at most about one point per pixel, and only what is in view.
        self.curve.setDownsampling(auto=True, method="peak")
        self.curve.setClipToView(True)
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(CURSOR, width=1.5, style=Qt.PenStyle.DashLine))
        self.marker = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(CURSOR), pen=pg.mkPen("#000000"))
        self.addItem(self.cursor)
        self.addItem(self.marker)
        self.cursor.setVisible(False)
        self._x: np.ndarray | None = None  # None: no series set yet (so an empty one is set once)
        self._y: np.ndarray | None = None

    def set_series(self, x, y) -> None:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if np.array_equal(x, self._x) and np.array_equal(y, self._y, equal_nan=True):
            return  # unchanged (a run event that added no point): nothing to redraw
        n = 0 if self._x is None else len(self._x)
        growing = (0 < n < len(x) and np.array_equal(x[:n], self._x)
                   and np.array_equal(y[:n], self._y, equal_nan=True))
        self._x, self._y = x, y
        symbol = "o" if len(x) <= MAX_SYMBOL_POINTS else None
        if self.curve.opts["symbol"] != symbol:
            self.curve.setSymbol(symbol)
        # Explicit ranges, autorange off (before the data, which would autorange): moving the
        # cursor then never re-measures every item.
        self.disableAutoRange()
        finite = bool(np.isfinite(x).all() and np.isfinite(y).all())
        self.curve.setData(x, y, skipFiniteCheck=finite)
        if len(self._x):
            x0, x1 = float(self._x.min()), float(self._x.max())
            y0, y1 = float(self._y.min()), float(self._y.max())
            px = max((x1 - x0) * 0.04, 0.25)
            py = max((y1 - y0) * 0.08, abs(y1) * 0.01, 1e-12)
            if growing and len(self._x) > MAX_SYMBOL_POINTS:
                self._follow_long_series(min(x0, 0.0), x1, px, y0, y1, py)
                return
            self.setXRange(min(x0, 0.0) - px, x1 + px, padding=0)
            self.setYRange(y0 - py, y1 + py, padding=0)
        else:
            self.setXRange(0, 1, padding=0)
            self.setYRange(0, 1, padding=0)

    def _follow_long_series(self, x_first: float, x_last: float, x_pad: float,
                            y_low: float, y_high: float, y_pad: float) -> None:
        """Range a growing long series (a mini-batch run comes in batch by batch; a series set at
        once is ranged as a short one) so that the view,
        and with it the axes and grid that are redrawn on every range change, changes seldom: x
        grows a quarter ahead when the series reaches the edge, y with twice the padding, and only
        when the data leaves the view or fills under 60% of its height."""
        (vx0, vx1), (vy0, vy1) = self.viewRange()
        if not (vx0 < x_first <= vx0 + 2 * x_pad and x_last + 0.5 * x_pad <= vx1):
            self.setXRange(x_first - x_pad, x_last + max(x_pad, 0.25 * (x_last - x_first)), padding=0)
        if not (vy0 <= y_low and y_high <= vy1 and (y_high - y_low) >= 0.6 * (vy1 - vy0)):
            self.setYRange(y_low - 2 * y_pad, y_high + 2 * y_pad, padding=0)

    def set_cursor(self, x: float | None, y: float | None = None) -> None:
        if x is None:
            self.cursor.setVisible(False)
            self.marker.setData([])
            return
        self.cursor.setVisible(True)
        self.cursor.setPos(x)
        self.marker.setData([x], [y]) if y is not None else self.marker.setData([])


class ConvergenceChart(SeriesChart):
    """The objective per iteration of the current run (as far as it is computed), cursor at the
    state: inertia for k-means and mini-batch, soft inertia, or a mixture's log-likelihood; the
    title and the left axis name it."""

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__("Inertia per iteration", "iteration", "", parent)
        self.setToolTip("Inertia: the sum of squared distances from each point to its centroid.\n"
                        "Assignments sit at whole iterations, centroid moves half a step later;\n"
                        "a final assignment after the last move sits with that move.")
        self.state = state
        self.getAxis("left").setWidth(56)
        self._named = ("inertia", "lloyd")
        self.setLabel("left", "inertia", color=AXIS_TEXT_HEX)
        for ev in (state.events.run, state.events.history):
            ev.connect(self._on_run_change)
        state.events.cursor.connect(self._on_cursor_change)
        self._on_run_change()

    def _on_run_change(self) -> None:
        s = self.state.current
        named = (s.objective_name, s.algorithm) if s is not None else ("inertia", "lloyd")
        if named != self._named:
            self._named = named
            set_title(self, words.chart_title(*named), color="#303030")
            x_label, y_label = words.chart_axes(*named)
            self.setLabel("bottom", x_label, color=AXIS_TEXT_HEX)
            self.setLabel("left", y_label, color=AXIS_TEXT_HEX)
        x, y, self._index = self.state.objective_series()
        self.set_series(x, y)
        self._on_cursor_change()

    def _on_cursor_change(self) -> None:
        s = self.state.current
        if s is None or s.objective is None:
            self.set_cursor(0.0 if s is not None else None)
            return
        self.set_cursor(chart_position(s), s.objective)
