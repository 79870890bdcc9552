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

    ``set_series(x, y)`` replaces the line; ``set_cursor(x)`` moves the cursor (None hides it).
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
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(CURSOR, width=1.5, style=Qt.PenStyle.DashLine))
        self.marker = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(CURSOR), pen=pg.mkPen("#000000"))
        self.addItem(self.cursor)
        self.addItem(self.marker)
        self.cursor.setVisible(False)
        self._x = np.empty(0)
        self._y = np.empty(0)

    def set_series(self, x, y) -> None:
        self._x = np.asarray(x, dtype=float)
        self._y = np.asarray(y, dtype=float)
        self.curve.setData(self._x, self._y)
        # Explicit ranges, autorange off: moving the cursor then never re-measures every item.
        self.disableAutoRange()
        if len(self._x):
            x0, x1 = float(self._x.min()), float(self._x.max())
            y0, y1 = float(self._y.min()), float(self._y.max())
            px = max((x1 - x0) * 0.04, 0.25)
            py = max((y1 - y0) * 0.08, abs(y1) * 0.01, 1e-12)
            self.setXRange(min(x0, 0.0) - px, x1 + px, padding=0)
            self.setYRange(y0 - py, y1 + py, padding=0)
        else:
            self.setXRange(0, 1, padding=0)
            self.setYRange(0, 1, padding=0)

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
