"""The "Choose k" view: elbow, silhouette, Calinski-Harabasz, Davies-Bouldin and the gap statistic
against k, each score as its mean over the seeds with +- one standard deviation, and the fit time per k.

A sweep (:func:`kmeans_gui.engine.sweep.sweep_k`) fits k = 1..K with a few seeds on the worker
thread of a :class:`~kmeans_gui.ui.common.tasks.TaskRunner`; the elbow fills in as fits finish. Results
are cached per (data version, K, seeds) and dropped when the points change. Clicking a k on any
chart sets k in the main panel (``state.set_params(k=...)``), which restarts the run; the silhouette
plot then shows that k's clustering, as in scikit-learn's silhouette analysis. The sweep uses the
side panel's initialisation, max_iter and tol (k-means++ where those cannot be swept, said in the
status line); when the criteria choose different k, a sentence under the status line says why.

"Tutorial's curve" adds, on the elbow chart, the "K-Means from Scratch" tutorial's own elbow: ONE
random run per k from its seed 42, beside the best of several k-means++ runs per k, so a learner
sees how runs stuck in poor local minima bend the tutorial's curve. It is checked by itself when
one of the tutorial's datasets is loaded.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
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
from ..common.style import ERROR_HEX, set_title
from ..common.tasks import TaskRunner
from .k_chart import KChart
from .silhouette_plot import SilhouettePlot

__all__ = ["ChooseKView", "KChart", "match_labels", "render_for_snapshot"]

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
        layout.addWidget(self.disagreement)
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
        self.seeds_spin.setToolTip("Runs per k, with the side panel's initialisation, max_iter and tol;\n"
                                   "charts show the mean over them with +- one standard deviation")
        self.tutorial_check = QCheckBox("Tutorial's curve")
        self.tutorial_check.setToolTip(
            f"Also draw the tutorial's elbow: ONE random run per k from its seed {TUTORIAL_SEED}\n"
            "(its own code), beside the best of the k-means++ runs per k")
        self.gap_reference_combo = QComboBox()
        for value, label in words.GAP_REFERENCE_LABELS.items():
            self.gap_reference_combo.addItem(f"gap: {label}", value)
        self.gap_reference_combo.setToolTip(
            "Where the gap statistic draws its reference data (uniform noise to compare with):\n"
            "over the data's bounding box, or over the box of its principal components\n"
            "(Tibshirani et al.'s second choice: it follows data lying along a slanted line)")
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
        self.disagreement = QLabel("")
        self.disagreement.setWordWrap(True)
        self.disagreement.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.disagreement.hide()

        bar = QHBoxLayout()
        bar.addWidget(QLabel("max k"))
        bar.addWidget(self.max_k_spin)
        bar.addSpacing(8)
        bar.addWidget(QLabel("seeds per k"))
        bar.addWidget(self.seeds_spin)
        bar.addSpacing(8)
        bar.addWidget(self.tutorial_check)
        bar.addSpacing(8)
        bar.addWidget(self.gap_reference_combo)  # no label of its own: the window's minimum width is tight
        bar.addSpacing(8)
        bar.addWidget(self.compute_button)
        bar.addWidget(self.progress_bar, 1)
        bar.addWidget(self.cancel_button)
        return bar

    def _build_charts(self) -> QGridLayout:
        self.elbow = KChart("Elbow: inertia against k", "inertia (lower is tighter)", legend=True)
        self.silhouette_chart = KChart("Mean silhouette (+- sd over seeds)", "silhouette (higher is better)")
        self.ch_chart = KChart("Calinski-Harabasz index (+- sd)", "CH (higher is better)")
        self.db_chart = KChart("Davies-Bouldin index (+- sd)", "DB (lower is better)")
        self.gap_chart = KChart("Gap statistic (+- s_k)", "gap (Tibshirani's rule)")
        self.time_chart = KChart("Fit time per run (+- sd)", "ms per run")
        # Only when the side panel's algorithm is the Gaussian mixture: hidden otherwise.
        self.bic_chart = KChart("Gaussian mixture's BIC (+- sd)", "BIC (lower is better)")
        self.bic_chart.hide()
        self.silhouette_plot = SilhouettePlot()
        self.charts = (self.elbow, self.silhouette_chart, self.ch_chart, self.db_chart, self.gap_chart, self.time_chart,
                       self.bic_chart)

        grid = QGridLayout()
        grid.setSpacing(6)
        grid.addWidget(self.elbow, 0, 0)
        grid.addWidget(self.silhouette_chart, 0, 1)
        grid.addWidget(self.ch_chart, 1, 0)
        grid.addWidget(self.db_chart, 1, 1)
        grid.addWidget(self.gap_chart, 2, 0)
        grid.addWidget(self.time_chart, 2, 1)
        grid.addWidget(self.bic_chart, 3, 0)
        grid.addWidget(self.silhouette_plot, 0, 2, 4, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        return grid

    def _connect(self) -> None:
        self.bindings = [
            bind(self.max_k_spin, self.model, "max_k", on_error=lambda text: self._set_status(text, error=True)),
            bind(self.seeds_spin, self.model, "n_seeds", on_error=lambda text: self._set_status(text, error=True)),
            bind(self.tutorial_check, self.model, "tutorial_curve"),
            bind(self.gap_reference_combo, self.model, "gap_reference"),
        ]
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button.clicked.connect(self.cancel)
        self.model.events.max_k.connect(self._on_settings_change)
        self.model.events.n_seeds.connect(self._on_settings_change)
        self.model.events.tutorial_curve.connect(self._on_settings_change)
        self.model.events.gap_reference.connect(self._on_settings_change)
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
            self.disagreement.hide()
            self.silhouette_plot.show_message(words.SWEEP_PLOT_PROMPT)
            return
        k = result.k_values
        knee = result.knee
        tutorial_name = words.tutorial_curve_name(result.tutorial_seed) if result.tutorial_curve is not None else ""
        # The knee is found on the best run per k, so that line stays; the bars add the seeds' mean +- sd.
        self.elbow.set_values(k, result.best_inertia, spread=result.inertias,
                              marker_k=knee.x, marker_text=knee.message,
                              extra=result.tutorial_curve, extra_name=tutorial_name,
                              error=result.spread("inertia"), error_at=result.mean("inertia"))
        for chart, score in ((self.silhouette_chart, "silhouette"), (self.ch_chart, "calinski_harabasz"),
                             (self.db_chart, "davies_bouldin")):
            chart.set_values(k, result.mean(score), spread=result.per_seed(score), error=result.spread(score),
                             best_k=result.chosen_k(score)[0])
        self._show_gap(result)
        self._show_bic(result)
        seconds = np.array([f.fit_seconds for f in result.fits], dtype=float) * 1000.0
        self.time_chart.set_values(k, seconds.mean(axis=1), spread=seconds,
                                   error=seconds.std(axis=1, ddof=1) if seconds.shape[1] > 1 else None)
        self._on_params_change()
        self._show_silhouette_plot()
        self._show_disagreement(result)
        if not keep_status:
            note = self.model.init_note()
            self._set_status(words.sweep_summary(result) + (f" {note}" if note else ""))

    def _show_gap(self, result: SweepResult) -> None:
        gap = result.gap
        if gap is None:
            self.gap_chart.clear()
            return
        set_title(self.gap_chart.plot, words.gap_chart_title(gap.reference))
        self.gap_chart.set_values(gap.k_values, gap.gap, error=gap.s, best_k=gap.chosen_k, marker_k=gap.chosen_k,
                                  marker_text=words.gap_marker(gap.chosen_k) if gap.chosen_k is not None else "")

    def _show_bic(self, result: SweepResult) -> None:
        self.bic_chart.setVisible(result.has_bic)
        if not result.has_bic:
            self.bic_chart.clear()
            return
        set_title(self.bic_chart.plot, words.bic_chart_title(result.gmm_covariance))
        self.bic_chart.set_values(result.k_values, result.mean("bic"), spread=result.per_seed("bic"),
                                  error=result.spread("bic"), best_k=result.chosen_k("bic")[0])

    def _show_disagreement(self, result: SweepResult) -> None:
        text = result.disagreement  # worked out on the sweep's worker: 52 ms at 200,000 points
        self.disagreement.setText(text or "")
        self.disagreement.setVisible(bool(text))

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
