"""The Restarts tab: many seeds of random, k-means++ and farthest-point starts on the Explore data.

Histograms of the final inertia and of the iterations (the three inits side by side in each bin),
the best of n_init runs against n_init (mean and spread), and the best and the worst run as small
canvases. Clicking a bar opens that bar's first seed in Explore, clicking a canvas its run; run
to the end there, it reaches the inertia shown here. Computed on a worker with progress and Cancel.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from ...lab.restarts import NEAR_BEST, RESTART_INITS
from ...state import words
from ...state.lab import MAX_SEEDS, RestartsModel, restarts_task
from ..common.binding import bind
from ..common.style import BACKGROUND, ERROR_HEX, set_title, style_fixed_chart
from ..common.tasks import TaskRunner
from .scatter_cell import ScatterCell
from .task_bar import TaskBar

__all__ = ["RestartsView", "HistogramChart", "BestOfChart", "INIT_HEX"]

INIT_HEX = {"random": "#E69F00", "k-means++": "#0072B2", "farthest": "#009E73"}
NEAR_HEX = "#C0392B"
RUN_SIZE = 210


class HistogramChart(QWidget):
    """Histograms of one quantity per init over shared bins, the inits side by side in each bin."""

    def __init__(self, title: str, x_label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background=BACKGROUND)
        style_fixed_chart(self.plot, grid_x=False)
        set_title(self.plot, title)
        self.plot.setLabel("bottom", x_label)
        self.plot.setLabel("left", "runs")
        self.plot.getAxis("left").setWidth(44)
        self.plot.addLegend(offset=(-6, 6), labelTextColor="#303030", brush=(255, 255, 255, 220))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.bars: dict[str, pg.BarGraphItem] = {}
        self.edges = np.array([])
        self.counts: dict[str, np.ndarray] = {}
        self.marker = pg.InfiniteLine(angle=90, movable=False,
                                      pen=pg.mkPen(NEAR_HEX, width=1.5, style=Qt.PenStyle.DashLine))
        self.marker.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.marker.hide()
        self.plot.addItem(self.marker)
        # A legend entry for the dashed line (an InfiniteLine has none of its own).
        self.marker_key = pg.PlotDataItem([], [], pen=self.marker.pen)

    def clear(self) -> None:
        for item in self.bars.values():
            item.hide()
        self.counts, self.edges = {}, np.array([])
        self.plot.plotItem.legend.hide()
        self.marker.hide()

    def set_data(self, edges: np.ndarray, counts: dict, labels: dict, marker: float | None = None,
                 marker_name: str = "") -> None:
        """Bars of ``counts`` ({init: counts per bin}) over ``edges``; the items and legend entries
        are made once and updated after (pyqtgraph's legend is slow to rebuild)."""
        legend = self.plot.plotItem.legend
        self.edges, self.counts = np.asarray(edges, dtype=float), counts
        width = np.diff(self.edges)
        n = len(counts)
        for i, (init, c) in enumerate(counts.items()):
            item = self.bars.get(init)
            opts = dict(x=self.slot_centres(i), height=c, width=width / n * 0.92)
            if item is None:
                item = pg.BarGraphItem(**opts, brush=pg.mkBrush(INIT_HEX[init]), pen=pg.mkPen(None))
                item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
                self.plot.addItem(item)
                legend.addItem(item, labels.get(init, init))
                self.bars[init] = item
            else:
                item.setOpts(**opts)
                legend.getLabel(item).setText(labels.get(init, init))
            item.show()
        if marker is not None:
            self.marker.setValue(marker)
            beyond = marker > self.edges[-1]
            self.marker.setVisible(not beyond)  # kept off the chart, or the bars would shrink to a line
            name = f"{marker_name}: beyond every run" if beyond else marker_name
            if legend.getLabel(self.marker_key) is None:
                legend.addItem(self.marker_key, name)
            else:
                legend.getLabel(self.marker_key).setText(name)
        legend.show()
        top = max((int(c.max()) for c in counts.values()), default=1)
        self.plot.setXRange(self.edges[0], self.edges[-1], padding=0.02)
        self.plot.setYRange(0, top * 1.18, padding=0)

    def slot_centres(self, i: int) -> np.ndarray:
        """x of init number ``i``'s bar in every bin."""
        width = np.diff(self.edges)
        return self.edges[:-1] + (i + 0.5) * width / max(len(self.counts), 1)

    def bar_at(self, scene_pos) -> tuple[str, int] | None:
        """(init, bin) of the bar under a scene position, if there is a non-empty bar there."""
        vb = self.plot.plotItem.vb
        if not len(self.edges) or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        b = int(np.searchsorted(self.edges, p.x(), side="right") - 1)
        if not 0 <= b < len(self.edges) - 1:
            return None
        n = len(self.counts)
        slot = int((p.x() - self.edges[b]) / (self.edges[b + 1] - self.edges[b]) * n)
        init = list(self.counts)[min(max(slot, 0), n - 1)]
        height = self.counts[init][b]
        if height == 0 or not 0 <= p.y() <= height:
            return None
        return init, b

    def view_to_widget(self, x: float, y: float):
        """Viewport pixel (QPoint) of a data point (for tests and synthetic clicks)."""
        scene = self.plot.plotItem.vb.mapViewToScene(QPointF(x, y))
        return self.plot.mapFromScene(scene)


class BestOfChart(QWidget):
    """The best inertia of n_init runs against n_init: mean and one standard deviation, per init."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background=BACKGROUND)
        style_fixed_chart(self.plot)
        set_title(self.plot, "Best of n_init runs: mean ± std")
        self.plot.setLabel("bottom", "n_init (runs kept: the best)")
        self.plot.setLabel("left", "inertia")
        self.plot.getAxis("left").setWidth(62)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.addLegend(offset=(-6, 6), labelTextColor="#303030", brush=(255, 255, 255, 220))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.items: dict[str, tuple] = {}  # init -> (curve, error bars)

    def clear(self) -> None:
        for curve, bars in self.items.values():
            curve.hide()
            bars.hide()
        self.plot.plotItem.legend.hide()

    def set_result(self, result, labels: dict) -> None:
        legend = self.plot.plotItem.legend
        n = len(result.inits)
        for i, init in enumerate(result.inits):
            x, mean, std = result.best_of_curve(init)
            x = x + (i - (n - 1) / 2) * 0.12  # side by side, so equal curves stay visible
            if init not in self.items:
                pen = pg.mkPen(INIT_HEX[init], width=2)
                curve = pg.PlotDataItem(pen=pen, symbol="o", symbolSize=6, symbolBrush=INIT_HEX[init], symbolPen=None)
                bars = pg.ErrorBarItem(x=x, y=mean, top=std, bottom=std, beam=0.1, pen=pen)
                self.plot.addItem(bars)
                self.plot.addItem(curve)
                legend.addItem(curve, labels.get(init, init))
                self.items[init] = (curve, bars)
            curve, bars = self.items[init]
            curve.setData(x, mean)
            bars.setData(x=x, y=mean, top=std, bottom=std)
            curve.show()
            bars.show()
        legend.show()
        self.plot.setXRange(0.5, 10.5, padding=0)


class RestartsView(QWidget):
    """The restarts over a :class:`~kmeans_gui.state.lab.RestartsModel` (the Explore data and k).

    Signals: ``message(str)``, ``open_explore()`` (a run was loaded into Explore: show it).
    """

    message = Signal(str)
    open_explore = Signal()

    def __init__(self, model: RestartsModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self._started = 0.0
        self._build()
        self.runner = TaskRunner(self)
        self.runner.connect_handlers(self)
        self._connect()
        self._show(None)

    def _build(self) -> None:
        self.seeds_spin = QSpinBox()
        self.seeds_spin.setRange(1, MAX_SEEDS)
        self.seeds_spin.setToolTip("Runs per initialisation, from seeds 0, 1, 2, ...")
        self.data_label = QLabel()
        self.bar = TaskBar([("seeds per init", self.seeds_spin), self.data_label],
                           "Run k-means from every seed with each initialisation in the background")
        self.status = QLabel(words.RESTARTS_PROMPT)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.inertia_chart = HistogramChart("Final inertia: each bar counts runs (click one)", "final inertia")
        self.iterations_chart = HistogramChart("Iterations to converge (click a bar)", "iterations")
        self.iterations_chart.plot.getAxis("bottom").setTickSpacing(major=5, minor=1)
        self.best_of_chart = BestOfChart()
        self.best_cell = ScatterCell(RUN_SIZE, caption_lines=2)
        self.worst_cell = ScatterCell(RUN_SIZE, caption_lines=2)
        runs = QWidget()
        runs_layout = QVBoxLayout(runs)
        runs_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("<b>The best and the worst run</b> (click one to replay it in Explore)")
        title.setWordWrap(True)
        pair = QHBoxLayout()
        pair.addWidget(self.best_cell)
        pair.addWidget(self.worst_cell)
        pair.addStretch(1)
        runs_layout.addWidget(title)
        runs_layout.addLayout(pair)
        runs_layout.addStretch(1)

        grid = QGridLayout()
        grid.addWidget(self.inertia_chart, 0, 0)
        grid.addWidget(self.iterations_chart, 0, 1)
        grid.addWidget(self.best_of_chart, 1, 0)
        grid.addWidget(runs, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self.bar)
        layout.addWidget(self.status)
        layout.addLayout(grid, 1)

    def _connect(self) -> None:
        self.bindings = [bind(self.seeds_spin, self.model, "n_seeds",
                              on_error=lambda text: self._set_status(text, error=True))]
        self.bar.compute_button.clicked.connect(self.compute)
        self.bar.cancel_button.clicked.connect(self.cancel)
        for chart, what in ((self.inertia_chart, "inertia"), (self.iterations_chart, "n_iter")):
            chart.plot.scene().sigMouseClicked.connect(lambda ev, c=chart, w=what: self._on_chart_click(c, w, ev))
        self.best_cell.clicked.connect(lambda: self.open_run(self.model.result.best))
        self.worst_cell.clicked.connect(lambda: self.open_run(self.model.result.worst))
        explore = self.model.explore
        explore.events.points.connect(self._on_explore_change)
        explore.events.params.connect(self._on_explore_change)
        self.model.events.n_seeds.connect(self._on_explore_change)
        self._describe_data()

    # ------------------------------------------------------------------ computing
    def compute(self) -> None:
        try:
            args = self.model.task_args()
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return
        self.model.begin()
        self._started = time.perf_counter()
        X, k, n_seeds = args[:3]
        self._set_status(words.restarts_started(n_seeds, len(RESTART_INITS), X.shape[0], k))
        self.bar.show_progress(0.0, "starting")
        self.runner.submit(restarts_task, *args)

    def compute_now(self):
        """On this thread (snapshots)."""
        started = time.perf_counter()
        try:
            result = self.model.compute_now()
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return None
        self.bar.show_end("done")
        self._show(result)
        self._set_status(words.restarts_summary(result, time.perf_counter() - started))
        return result

    def cancel(self) -> None:
        self.runner.cancel()

    def shutdown(self) -> None:
        """Stop the worker thread and let go of the Explore model (the main window calls this on close)."""
        self.runner.shutdown(wait=True)
        explore = self.model.explore
        explore.events.points.disconnect(self._on_explore_change)
        explore.events.params.disconnect(self._on_explore_change)

    def open_run(self, run) -> None:
        self._open(lambda: self.model.open_run(run.init, run.seed))

    def _open(self, do) -> None:
        try:
            text = do()
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return
        self.message.emit(text)
        self.open_explore.emit()

    def _on_chart_click(self, chart: HistogramChart, what: str, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.model.result is None:
            return
        hit = chart.bar_at(event.scenePos())
        if hit is None:
            return
        event.accept()
        init, b = hit
        self._open(lambda: self.model.open_bin(init, what, b))

    # ------------------------------------------------------------------ runner signals
    def _on_progress(self, fraction: float, message: str) -> None:
        self.bar.show_progress(fraction, message)

    def _on_finished(self, result) -> None:
        self.bar.show_end("done")
        self.model.finish(result)
        self._show(result)
        self._set_status(words.restarts_summary(result, time.perf_counter() - self._started))

    def _on_failed(self, message: str) -> None:
        self.model.abandon()
        self.bar.show_end("failed")
        self._set_status(words.lab_failed(message), error=True)

    def _on_cancelled(self) -> None:
        self.model.abandon()
        self.bar.show_end("cancelled")
        self._set_status(words.RESTARTS_CANCELLED)

    def _on_running_changed(self, running: bool) -> None:
        self.bar.set_running(running)

    def _on_explore_change(self) -> None:
        self._describe_data()
        if self.runner.is_running() and self.model._running_key != self.model.settings_key():
            self.runner.cancel()
        if self.model.stale:
            self._show(None)
            self._set_status(words.RESTARTS_DATA_CHANGED)

    # ------------------------------------------------------------------ drawing
    def _describe_data(self) -> None:
        state = self.model.explore
        self.data_label.setText(f"on the Explore data: {state.n_points:,} points, k = {state.params.k}")

    def _labels(self, result) -> dict:
        return {init: f"{init} ({result.share_near_best(init):.0%} within {NEAR_BEST:.0%})" for init in result.inits}

    def _show(self, result) -> None:
        if result is None:
            for chart in (self.inertia_chart, self.iterations_chart, self.best_of_chart):
                chart.clear()
            self.best_cell.set_placeholder("best run")
            self.worst_cell.set_placeholder("worst run")
            return
        labels = self._labels(result)
        edges, counts = self.model.histograms("inertia")
        self.inertia_chart.set_data(edges, counts, labels, marker=result.best_inertia * (1 + NEAR_BEST),
                                    marker_name=f"best + {NEAR_BEST:.0%}")
        edges, counts = self.model.histograms("n_iter")
        self.iterations_chart.set_data(edges, counts, {init: init for init in counts})
        self.best_of_chart.set_result(result, {init: init for init in result.inits})
        X = self.model.explore.points
        for cell, run, name in ((self.best_cell, result.best, "Best"), (self.worst_cell, result.worst, "Worst")):
            cell.set_points(X, run.labels, run.centers)
            cell.set_caption(f"{name}: {run.init}, seed {run.seed}\ninertia {run.inertia:,.6g} · {run.n_iter} it.")
            cell.setToolTip(f"Click to open {run.init} at seed {run.seed} in Explore")

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR_HEX};" if error else "")
        self.status.setText(text)
