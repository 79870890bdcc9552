"""The tutorial's mini-batch exercise as a dialog: full-data inertia against elapsed time and
against points processed, for Lloyd and mini-batch (batches of 50, 256, 1024) from one start.

The runs take seconds on a large dataset, so they go to a worker (TaskRunner) with a progress bar
and Cancel; the GUI thread only draws the curves that come back.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget,
)

from ...engine.compare import DEFAULT_BATCH_SIZES, minibatch_vs_lloyd
from ...engine.inits import INITS
from ...state import AppState, words
from ..common.style import AXIS_TEXT_HEX, BACKGROUND, set_title, style_fixed_chart
from ..common.tasks import TaskRunner

__all__ = ["CompareDialog", "compare_task"]

#: One line style per run, Lloyd first; not cluster colours, so no curve reads as "cluster j".
CURVE_PENS = (
    dict(color="#202020", width=2.5),
    dict(color="#B3261E", width=2, style=Qt.PenStyle.DashLine),
    dict(color="#1F6FB2", width=2, style=Qt.PenStyle.DashDotLine),
    dict(color="#2E8540", width=2, style=Qt.PenStyle.DotLine),
)


def compare_task(ctx, X: np.ndarray, k: int, init, seed: int, batch_sizes=DEFAULT_BATCH_SIZES):
    """Worker: :func:`minibatch_vs_lloyd` with the task's progress and cancel."""
    return minibatch_vs_lloyd(
        X, k, batch_sizes=batch_sizes, init=init, random_state=seed,
        progress=lambda fraction, what: ctx.set_progress(fraction, words.compare_progress(fraction, what)),
        should_stop=lambda: ctx.cancelled,
    )


def _chart(title: str, x_label: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background=BACKGROUND)
    style_fixed_chart(plot, grid_alpha=0.2, antialias=True, cache=False)
    set_title(plot, title, color="#303030")
    plot.setLabel("bottom", x_label, color=AXIS_TEXT_HEX)
    plot.setLabel("left", "inertia (all points)", color=AXIS_TEXT_HEX)
    # Mini-batch's advantage is in its first moments: a log scale spreads them out.
    plot.setLogMode(x=True, y=False)
    plot.addLegend(offset=(-10, 10), labelTextColor="#303030", brush=(255, 255, 255, 210))
    return plot


class CompareDialog(QDialog):
    """``compute_button``, ``cancel_button``, ``progress``, ``status``, ``time_chart``,
    ``points_chart``; ``curves`` holds the last result (a list of ConvergenceCurve)."""

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(words.COMPARE_TITLE)
        self.state = state
        self.curves = None
        self.runner = TaskRunner(self)
        self.runner.connect_handlers(self)
        self.time_chart = _chart("Inertia against time", "seconds in the algorithm (log scale)")
        self.points_chart = _chart("Inertia against points processed", "points looked at (log scale)")
        self.compute_button = QPushButton("Compute")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel(words.COMPARE_PROMPT)
        self.status.setWordWrap(True)
        self.compute_button.clicked.connect(self.compute)
        self._computed_for = None  # (data version, k) of the curves on show
        for event in (state.events.points, state.events.params):
            event.connect(self._on_inputs_change)
            # The state may outlive this dialog: never call into a deleted widget.
            self.destroyed.connect(lambda *_, event=event, callback=self._on_inputs_change: event.disconnect(callback))
        # Not connected to cancel directly: clicked(bool) would pass False as its ``emit``.
        self.cancel_button.clicked.connect(lambda: self.runner.cancel())

        charts = QHBoxLayout()
        charts.addWidget(self.time_chart)
        charts.addWidget(self.points_chart)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compute_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(charts, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.resize(980, 460)

    def compute(self) -> None:
        """Start the runs on the current points, k, start and seed."""
        state = self.state
        p = state.params
        if state.n_points < max(p.k, 1) or (p.init == "manual" and state.needs_centers):
            self.status.setText(words.COMPARE_NEEDS_POINTS)
            return
        if p.init == "manual":
            init = state.manual_centers.copy()
        else:  # the start both runs share must be one mini-batch k-means can make
            init = p.init if INITS[p.init].minibatch else "k-means++"
        self.progress.setValue(0)
        self._computed_for = (state.data_version, p.k)
        self.runner.submit(compare_task, state.points, p.k, init, p.seed)

    def _on_inputs_change(self) -> None:
        if self.curves is not None and self._computed_for != (self.state.data_version, self.state.params.k):
            self.status.setText(words.COMPARE_DATA_CHANGED)

    # ------------------------------------------------------------------ TaskRunner handlers
    def _on_running_changed(self, running: bool) -> None:
        self.compute_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(message)

    def _on_finished(self, curves) -> None:
        self.progress.setValue(1000)
        self.show_curves(curves)
        self.status.setText(words.compare_summary(curves))

    def _on_failed(self, message: str) -> None:
        self.status.setText(message)

    def _on_cancelled(self) -> None:
        self.progress.setValue(0)
        self.status.setText(words.COMPARE_CANCELLED)

    def show_curves(self, curves) -> None:
        self.curves = curves
        for plot, x_of in ((self.time_chart, lambda c: c.seconds), (self.points_chart, lambda c: c.points_processed)):
            plot.clear()
            plot.plotItem.legend.clear()
            for curve, pen in zip(curves, CURVE_PENS * 2):
                x = np.asarray(x_of(curve), dtype=float)
                keep = x > 0  # the shared start sits at 0, which a log axis cannot show
                plot.plot(x[keep], curve.inertia[keep], pen=pg.mkPen(**pen), name=curve.label)
            plot.enableAutoRange()

    def shutdown(self) -> None:
        """Cancel the runs and stop the worker (the page calls this when the window closes)."""
        self.runner.shutdown(wait=True)

    def done(self, result: int) -> None:
        self.runner.cancel()
        super().done(result)
