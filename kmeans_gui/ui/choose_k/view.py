"""The "Choose k" view: elbow, silhouette, Calinski-Harabasz and Davies-Bouldin against k.

A sweep (:func:`kmeans_gui.engine.sweep.sweep_k`) fits k = 1..K with a few seeds on the worker
thread of a :class:`~kmeans_gui.ui.common.tasks.TaskRunner`; the elbow fills in as fits finish. Results
are cached per (data version, K, seeds) and dropped when the points change. Clicking a k on any
chart sets k in the main panel (``state.set_params(k=...)``), which restarts the run; the silhouette
plot then shows that k's clustering, as in scikit-learn's silhouette analysis.

"Tutorial's curve" adds, on the elbow chart, the "K-Means from Scratch" tutorial's own elbow: ONE
random run per k from its seed 42, beside the best of several k-means++ runs per k, so a learner
sees how runs stuck in poor local minima bend the tutorial's curve. It is checked by itself when
one of the tutorial's datasets is loaded.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...engine.sweep import SweepResult
from ...state import MAX_K, AppState, words
from ...state.choose_k import TUTORIAL_SEED, ChooseKModel, sweep_task
from ..common.binding import bind
from ..common.style import BACKGROUND, ERROR_HEX, set_title, style_fixed_chart
from ..common.tasks import TaskRunner
from .silhouette_plot import SilhouettePlot

__all__ = ["ChooseKView", "KChart", "match_labels", "render_for_snapshot"]

LINE_HEX = "#0072B2"
SPREAD_HEX = "#9A9A9A"
BEST_HEX = "#D55E00"
KNEE_HEX = "#C0392B"
CURRENT_HEX = "#B0B0B0"
TUTORIAL_HEX = "#E69F00"


class KChart(QWidget):
    """One score against k: a line through the best values, an optional spread, a marked best k.

    ``plot`` is the pg.PlotWidget. Clicking inside the plot emits nothing itself: the view connects
    :attr:`clicked_k` handling through :meth:`k_at_scene_pos`.
    """

    def __init__(self, title: str, y_label: str, parent: QWidget | None = None, *, legend: bool = False):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background=BACKGROUND)
        style_fixed_chart(self.plot)
        set_title(self.plot, title)
        self.plot.setLabel("left", y_label)
        self.plot.setLabel("bottom", "k (click to choose)")
        self.plot.getAxis("left").setWidth(62)
        self.plot.getAxis("left").enableAutoSIPrefix(False)  # "(x0.001)" on a silhouette axis misleads
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        item = self.plot.plotItem
        self.current = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(CURRENT_HEX, width=6))
        self.current.setOpacity(0.45)
        self.current.setZValue(-10)
        if legend:
            self.plot.addLegend(offset=(-6, 6), labelTextColor="#303030", brush=(255, 255, 255, 220))
        # Rings, drawn over the line: seeds that agree show as one ring around the best point.
        self.spread = pg.ScatterPlotItem(size=11, pen=pg.mkPen(SPREAD_HEX, width=1.3), brush=None,
                                         name="each seed" if legend else None)
        self.spread.setZValue(2)
        self.curve = pg.PlotDataItem(pen=pg.mkPen(LINE_HEX, width=2), symbol="o", symbolSize=7,
                                     symbolBrush=LINE_HEX, symbolPen=None,
                                     name="best of the seeds" if legend else None)
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
        for it in (self.current, self.spread, self.curve, self.best, self.marker, self.marker_label, self.extra):
            it.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            item.addItem(it)
        self.marker.hide()
        self.marker_label.hide()
        self.current.hide()
        self.k_values = np.array([], dtype=int)
        self.clickable_k = self.k_values

    def set_values(self, k, values, *, spread=None, best_k=None, marker_k=None, marker_text: str = "",
                   extra=None, extra_name: str = "") -> None:
        """Draw ``values`` (NaN gaps skipped) against ``k``; mark ``best_k`` and a dashed ``marker_k``.

        ``extra`` (same length as ``k``), when given, is drawn as a dashed second curve named
        ``extra_name`` in the legend.
        """
        k = np.asarray(k, dtype=int)
        values = np.asarray(values, dtype=float)
        ok = np.isfinite(values)
        self._set_extra(k, extra, extra_name)
        self.k_values = k
        self.clickable_k = k[ok]
        self.curve.setData(k[ok], values[ok])
        if spread is not None and len(k):
            spread = np.asarray(spread, dtype=float)
            kk = np.repeat(k, spread.shape[1])
            self.spread.setData(kk, spread.ravel())
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
            both = np.concatenate(both)
            both = both[np.isfinite(both)]
            lo, hi = float(np.nanmin(both)), float(np.nanmax(both))
            pad = 0.08 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 0.1)
            self.plot.setYRange(lo - pad, hi + pad, padding=0)
            if marker_k is not None:
                self.marker.setValue(marker_k)
                self.marker_label.setText(marker_text)
                # Half-way up, right of the line: past the elbow the curve is low, and the
                # legend sits in the top right corner.
                self.marker_label.setPos(marker_k + 0.1, lo + 0.55 * (hi - lo))

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


class ChooseKView(QWidget):
    """Charts for choosing k, fed by a cancellable background sweep.

    Parameters
    ----------
    state : AppState
        The Explore model: its points are swept, and a click on a chart sets its k.
    model : ChooseKModel, optional
        Settings, results and cache of the sweep (a new one over ``state`` by default).
    parent : QWidget, optional
    """

    def __init__(self, state: AppState, model: ChooseKModel | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.model = model if model is not None else ChooseKModel(state)
        bar = self._build_bar()
        grid = self._build_charts()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addLayout(grid, 1)
        self.runner = TaskRunner(self)
        self.runner.connect_handlers(self)
        self._connect()
        self.model.follow_tutorial_data()
        self._show(None)

    def _build_bar(self) -> QHBoxLayout:
        """max k, seeds per k, Compute, progress, Cancel; and the status line under them."""
        self.max_k_spin = QSpinBox()
        self.max_k_spin.setRange(2, MAX_K)
        self.max_k_spin.setToolTip("Try k = 1 .. max k")
        self.seeds_spin = QSpinBox()
        self.seeds_spin.setRange(1, 20)
        self.seeds_spin.setToolTip("k-means++ runs per k; the best is kept, the spread is shown in grey")
        self.tutorial_check = QCheckBox("Tutorial's curve")
        self.tutorial_check.setToolTip(
            f"Also draw the tutorial's elbow: ONE random run per k from its seed {TUTORIAL_SEED}\n"
            "(its own code), beside the best of the k-means++ runs per k")
        self.compute_button = QPushButton("Compute")
        self.compute_button.setToolTip("Fit k-means for every k in the background")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("")
        self.progress_bar.setMinimumWidth(160)
        self.status = QLabel(words.SWEEP_PROMPT)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("max k"))
        bar.addWidget(self.max_k_spin)
        bar.addSpacing(8)
        bar.addWidget(QLabel("seeds per k"))
        bar.addWidget(self.seeds_spin)
        bar.addSpacing(8)
        bar.addWidget(self.tutorial_check)
        bar.addSpacing(8)
        bar.addWidget(self.compute_button)
        bar.addWidget(self.progress_bar, 1)
        bar.addWidget(self.cancel_button)
        return bar

    def _build_charts(self) -> QGridLayout:
        self.elbow = KChart("Elbow: inertia against k", "inertia (lower is tighter)", legend=True)
        self.silhouette_chart = KChart("Mean silhouette", "silhouette (higher is better)")
        self.ch_chart = KChart("Calinski-Harabasz index", "CH (higher is better)")
        self.db_chart = KChart("Davies-Bouldin index", "DB (lower is better)")
        self.silhouette_plot = SilhouettePlot()
        self.charts = (self.elbow, self.silhouette_chart, self.ch_chart, self.db_chart)

        grid = QGridLayout()
        grid.setSpacing(6)
        grid.addWidget(self.elbow, 0, 0)
        grid.addWidget(self.silhouette_chart, 0, 1)
        grid.addWidget(self.ch_chart, 1, 0)
        grid.addWidget(self.db_chart, 1, 1)
        grid.addWidget(self.silhouette_plot, 0, 2, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        return grid

    def _connect(self) -> None:
        self.bindings = [
            bind(self.max_k_spin, self.model, "max_k", on_error=lambda text: self._set_status(text, error=True)),
            bind(self.seeds_spin, self.model, "n_seeds", on_error=lambda text: self._set_status(text, error=True)),
            bind(self.tutorial_check, self.model, "tutorial_curve"),
        ]
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button.clicked.connect(self.cancel)
        self.model.events.max_k.connect(self._on_settings_change)
        self.model.events.n_seeds.connect(self._on_settings_change)
        self.model.events.tutorial_curve.connect(self._on_settings_change)
        self.model.events.partial.connect(self._on_partial_fits)
        for chart in self.charts:
            chart.plot.scene().sigMouseClicked.connect(lambda ev, c=chart: self._on_chart_click(c, ev))
        self.state.events.points.connect(self._on_points_change)
        self.state.events.params.connect(self._on_params_change)
        self.state.events.run.connect(self._show_silhouette_plot)

    @property
    def result(self) -> SweepResult | None:
        return self.model.result

    @property
    def _cache(self) -> dict:
        return self.model._cache

    # ------------------------------------------------------------------ computing
    def settings_key(self) -> tuple:
        return self.model.settings_key()

    def compute(self) -> None:
        """Start the sweep in the background (or show the cached result for these settings)."""
        cached = self.model.cached()
        if cached is not None:
            self._show(cached)
            return
        try:
            args = self.model.sweep_args()
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return
        self.model.begin()
        self._show(None, keep_status=True)
        self.silhouette_plot.show_message(words.SWEEP_COMPUTING)
        self.progress_bar.setValue(0)
        self._set_status(words.sweep_started(args[1][-1], args[2]))
        self.runner.submit(sweep_task, *args)

    def compute_now(self) -> SweepResult | None:
        """Compute on this thread, without the worker (for snapshots and scripts)."""
        try:
            result = self.model.compute_now()
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return None
        self.progress_bar.setValue(1000)
        self.progress_bar.setFormat("done")
        self._show(result)
        return self.result

    def cancel(self) -> None:
        self.runner.cancel()

    def shutdown(self) -> None:
        """Stop the worker thread and let go of the state (the main window calls this on close)."""
        self.runner.shutdown(wait=True)
        self.disconnect_state()

    def disconnect_state(self) -> None:
        self.state.events.points.disconnect(self._on_points_change)
        self.state.events.params.disconnect(self._on_params_change)
        self.state.events.run.disconnect(self._show_silhouette_plot)

    # ------------------------------------------------------------------ runner signals
    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(int(round(1000 * fraction)))
        self.progress_bar.setFormat(message)

    def _on_partial(self, fit) -> None:
        self.model.add_fit(fit)

    def _on_partial_fits(self) -> None:
        fits = self.model.partial
        self.elbow.set_values([f.k for f in fits], [f.best_inertia for f in fits],
                              spread=np.array([f.inertias for f in fits]))

    def _on_finished(self, result: SweepResult) -> None:
        self.progress_bar.setValue(1000)
        self.progress_bar.setFormat("done")
        self.model.finish(result)
        self._show(result)

    def _on_failed(self, message: str) -> None:
        self.model.abandon()
        self.progress_bar.setFormat("failed")
        self.silhouette_plot.show_message(words.SWEEP_FAILED_PLOT)
        self._set_status(words.sweep_failed(message), error=True)

    def _on_cancelled(self) -> None:
        self.model.abandon()
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("cancelled")
        # compute() put "Computing ..." there; it must not outlive the sweep.
        self.silhouette_plot.show_message(words.SWEEP_CANCELLED_PLOT)
        self._set_status(words.SWEEP_CANCELLED)

    def _on_running_changed(self, running: bool) -> None:
        self.cancel_button.setEnabled(running)
        self.compute_button.setEnabled(not running)

    # ------------------------------------------------------------------ state events
    def _on_points_change(self) -> None:
        self.model.follow_tutorial_data()
        self.model.forget_other_data()
        if self.runner.is_running():
            self.runner.cancel()
        self._show(None, keep_status=True)
        self._set_status(words.SWEEP_DATA_CHANGED)

    def _on_params_change(self) -> None:
        k = self.state.params.k
        for chart in self.charts:
            chart.set_current(k)
        # The silhouette plot waits for the run event that always follows: it needs the new labels.

    def _on_settings_change(self) -> None:
        cached = self.model.cached()
        if cached is not None and not self.runner.is_running():
            self._show(cached)

    def _on_chart_click(self, chart: KChart, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.result is None:
            return
        k = chart.k_at_scene_pos(event.scenePos())
        if k is None:
            return
        event.accept()
        try:
            self.state.set_params(k=k)
        except ValueError as exc:
            self._set_status(str(exc), error=True)

    # ------------------------------------------------------------------ drawing
    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR_HEX};" if error else "")
        self.status.setText(text)

    def _show(self, result: SweepResult | None, keep_status: bool = False) -> None:
        if result is not self.model.result:
            self.model.show(result)
        if result is None:
            for chart in self.charts:
                chart.clear()
            self.silhouette_plot.show_message(words.SWEEP_PLOT_PROMPT)
            return
        k = result.k_values
        knee = result.knee
        tutorial_name = words.tutorial_curve_name(result.tutorial_seed) if result.tutorial_curve is not None else ""
        self.elbow.set_values(k, result.best_inertia, spread=result.inertias,
                              marker_k=knee.x, marker_text=knee.message,
                              extra=result.tutorial_curve, extra_name=tutorial_name)
        self.silhouette_chart.set_values(k, result.silhouette, best_k=result.best_k("silhouette"))
        self.ch_chart.set_values(k, result.calinski_harabasz, best_k=result.best_k("calinski_harabasz"))
        self.db_chart.set_values(k, result.davies_bouldin, best_k=result.best_k("davies_bouldin"))
        self._on_params_change()
        self._show_silhouette_plot()
        if not keep_status:
            self._set_status(words.sweep_summary(result))

    def _show_silhouette_plot(self) -> None:
        result, k = self.result, self.state.params.k
        if result is None:
            return
        fit = result.fit_for(k)
        if fit is None:
            self.silhouette_plot.show_message(words.k_outside_sweep(k, result.k_values[0], result.k_values[-1]))
        elif fit.silhouette_samples is None:
            self.silhouette_plot.show_message(words.silhouette_needs_two(k))
        else:
            labels = fit.labels
            ref = self._run_labels(k, labels.shape[0])
            if ref is not None:  # number the clusters as the canvas does, so the colours agree
                labels = match_labels(labels, ref, k)[labels]
            idx = result.silhouette_indices
            if idx is not None:
                labels = labels[idx]
            note = words.silhouette_note(result.silhouette_sampled, result.silhouette_n_used, result.n_samples)
            self.silhouette_plot.set_silhouettes(fit.silhouette_samples, labels, k, note=note)

    def _run_labels(self, k: int, n: int) -> np.ndarray | None:
        """Labels of the main run's latest computed state, if it clusters these n points into k."""
        for s in reversed(self.state.history):
            if s.labels is not None:
                ok = s.labels.shape[0] == n and s.centers.shape[0] == k
                return s.labels if ok else None
        return None


def match_labels(ours: np.ndarray, theirs: np.ndarray, k: int) -> np.ndarray:
    """Renaming of our cluster ids 0..k-1 that agrees best with ``theirs`` (Hungarian method).

    Returns
    -------
    ndarray of shape (k,): ``mapping[ours]`` is our labelling in their numbering.
    """
    counts = np.bincount(ours.astype(np.intp) * k + theirs, minlength=k * k).reshape(k, k)
    from scipy.optimize import linear_sum_assignment  # imported on first use: keeps start-up light

    rows, cols = linear_sum_assignment(-counts)
    mapping = np.arange(k)
    mapping[rows] = cols
    return mapping


def render_for_snapshot(window) -> None:
    """Show the Choose k tab of ``window``, compute the sweep synchronously and draw it.

    Used by ``kmeans-gui snapshot --view choose-k``: afterwards the window is ready to grab.
    """
    view = window if isinstance(window, ChooseKView) else window.findChild(ChooseKView)
    if view is None:
        raise RuntimeError("this window has no Choose k view")
    page, parent = view, view.parentWidget()
    while parent is not None:
        tabs = parent.parentWidget()
        if isinstance(tabs, QTabWidget):
            tabs.setCurrentWidget(page)
            break
        page, parent = parent, parent.parentWidget()
    view.compute_now()
    QApplication.processEvents()
