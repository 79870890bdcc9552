"""The Algorithm panel: which algorithm (Lloyd, mini-batch, soft k-means, Gaussian mixture), k,
initialisation, seed, max iterations, and the parameters of the chosen algorithm only (tolerance,
empty-cluster policy, batch size, beta, covariance).

Each widget is bound to one parameter (``ui/common/binding.py``): a widget change calls
``state.set_params``; a params event (for example the choose-k view setting k) updates the widgets
without echoing back; a refused value is said in the status line and the widget shows the state's.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSlider,
    QSpinBox, QWidget,
)

from ....state import EMPTY_POLICY_LABELS, INIT_LABELS, MAX_K, AppState
from ....state.params import ALGORITHM_INITS, ALGORITHM_LABELS, BETA_RANGE, COVARIANCE_LABELS, MAX_BATCH_SIZE
from ....state.view import ViewOptions
from ...common.binding import bind, bind_value

__all__ = ["AlgorithmPanel", "beta_to_position", "position_to_beta", "BETA_STEPS_PER_DECADE"]

#: The beta slider's resolution: this many positions per factor of 10.
BETA_STEPS_PER_DECADE = 50
#: Up to this many points the beta slider restarts the run at every position it passes through;
#: beyond, a restart costs more than a frame, so it waits for the release.
LIVE_BETA_MAX_POINTS = 20_000
_LOG_LO, _LOG_HI = math.log10(BETA_RANGE[0]), math.log10(BETA_RANGE[1])


def position_to_beta(position: int) -> float:
    """The beta at a slider position (log scale, rounded to 3 significant digits)."""
    return float(f"{10 ** (_LOG_LO + position / BETA_STEPS_PER_DECADE):.3g}")


def beta_to_position(beta: float) -> int:
    """The slider position nearest to ``beta`` (clamped to the slider's range)."""
    if beta <= 0:
        return 0
    log = min(max(math.log10(beta), _LOG_LO), _LOG_HI)
    return int(round((log - _LOG_LO) * BETA_STEPS_PER_DECADE))


class AlgorithmPanel(QGroupBox):
    """Signals: ``message(str)`` for the status line; ``compare_requested()`` from the mini-batch
    "Compare with Lloyd" button."""

    message = Signal(str)
    compare_requested = Signal()

    def __init__(self, state: AppState, view: ViewOptions | None = None, parent: QWidget | None = None):
        super().__init__("Algorithm", parent)
        self.state = state
        self.view = view if view is not None else ViewOptions()
        self.algorithm_combo = QComboBox()
        for value, label in ALGORITHM_LABELS.items():
            self.algorithm_combo.addItem(label, value)
        self.algorithm_combo.setToolTip(
            "Lloyd: every point to its nearest centroid, then every centroid to the mean of its points.\n"
            "Mini-batch: each step uses a small random batch of points (fast on big data).\n"
            "Soft k-means: every point shared among all centroids, by exp(-beta x distance²).\n"
            "Gaussian mixture: EM with a weight, mean and covariance per component."
        )
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, MAX_K)
        self.k_spin.setToolTip("Number of clusters")
        self.init_combo = QComboBox()
        for value, label in INIT_LABELS.items():
            self.init_combo.addItem(label, value)
        self.init_combo.setToolTip(
            "How the first centroids are chosen. k-means++ and Farthest point are shown seed by seed;\n"
            "Place by clicking lets you click the k starting centroids (drag them before you press Step).\n"
            "Tutorial: random / k-means++ draw as the 'K-Means from Scratch' tutorial's code does and stop\n"
            "as it does (when successive centroids are np.allclose; Tolerance is not used).\n"
            "Greyed-out choices are not offered for the chosen algorithm."
        )
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("Random seed of the initialisation (New seed: R)")
        self.max_iter_spin = QSpinBox()
        self.max_iter_spin.setRange(1, 10_000)
        self.tol_spin = QDoubleSpinBox()
        self.tol_spin.setDecimals(6)
        self.tol_spin.setRange(0.0, 1.0)
        self.tol_spin.setSingleStep(1e-4)
        self.tol_spin.setToolTip("Stop when the centres move less than tol x the data's mean variance\n"
                                 "(0: stop only when no point changes cluster).\n"
                                 "Gaussian mixture: stop when the log-likelihood per point changes less than tol.")
        self.empty_combo = QComboBox()
        for value, label in EMPTY_POLICY_LABELS.items():
            self.empty_combo.addItem(label, value)
        self.empty_combo.setToolTip("What happens to a centroid that loses all its points")
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, MAX_BATCH_SIZE)
        self.batch_spin.setToolTip("Points drawn at random for each mini-batch step")
        self.beta_slider = QSlider(Qt.Orientation.Horizontal)
        self.beta_slider.setRange(0, beta_to_position(BETA_RANGE[1]))
        self.beta_slider.setToolTip(
            f"beta, on a log scale from {BETA_RANGE[0]:g} to {BETA_RANGE[1]:g}: responsibilities are proportional\n"
            "to exp(-beta x squared distance). Small: every point shared by all; large: hard k-means."
        )
        self.beta_label = QLabel()
        self.beta_label.setMinimumWidth(48)
        self.beta_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        beta_row = QWidget()
        beta_layout = QHBoxLayout(beta_row)
        beta_layout.setContentsMargins(0, 0, 0, 0)
        beta_layout.addWidget(self.beta_slider, 1)
        beta_layout.addWidget(self.beta_label)
        self.beta_row = beta_row
        self.covariance_combo = QComboBox()
        for value, label in COVARIANCE_LABELS.items():
            self.covariance_combo.addItem(label, value)
        self.covariance_combo.setToolTip("Full: any ellipse; Diagonal: ellipses along the axes; Spherical: circles")
        self.uncertainty_check = QCheckBox("Paler where unsure")
        self.uncertainty_check.setToolTip("Fade each point towards white by how evenly it is shared among clusters")
        self.compare_button = QPushButton("Compare with Lloyd…")
        self.compare_button.setToolTip("Full-data inertia against time and points processed, for Lloyd and\n"
                                       "mini-batch with batches of 50, 256 and 1024, from the same start")
        self.compare_button.clicked.connect(self.compare_requested)

        self.form = form = QFormLayout(self)
        form.addRow("Method", self.algorithm_combo)
        form.addRow("k (clusters)", self.k_spin)
        form.addRow("Initialisation", self.init_combo)
        form.addRow("Seed", self.seed_spin)
        form.addRow("Max iterations", self.max_iter_spin)
        form.addRow("Tolerance", self.tol_spin)
        form.addRow("Empty cluster", self.empty_combo)
        form.addRow("Batch size", self.batch_spin)
        form.addRow("β (beta)", self.beta_row)
        form.addRow("Covariance", self.covariance_combo)
        form.addRow(self.uncertainty_check)
        form.addRow(self.compare_button)
        # Each parameter's row, shown only for the algorithms that use it.
        self._param_rows = {"tol": self.tol_spin, "empty_policy": self.empty_combo, "batch_size": self.batch_spin,
                            "beta": self.beta_row, "covariance": self.covariance_combo}

        self.bindings = [
            bind_value(self.algorithm_combo, state.events.params, lambda: state.params.algorithm,
                       state.set_algorithm, on_error=self.message.emit),
            bind_value(self.beta_slider, state.events.params, lambda: beta_to_position(state.params.beta),
                       self._set_beta, on_error=self.message.emit),
            bind(self.uncertainty_check, self.view, "shade_uncertainty"),
        ] + [
            self._bind(widget, name) for widget, name in (
                (self.k_spin, "k"), (self.init_combo, "init"), (self.seed_spin, "seed"),
                (self.max_iter_spin, "max_iter"), (self.tol_spin, "tol"), (self.empty_combo, "empty_policy"),
                (self.batch_spin, "batch_size"), (self.covariance_combo, "covariance"),
            )
        ]
        for event, callback in ((state.events.params, self._show_applicable),
                                (state.events.points, self._on_points_change)):
            event.connect(callback)
            # The state may outlive this panel: never call into a deleted widget.
            self.destroyed.connect(lambda *_, event=event, callback=callback: event.disconnect(callback))
        self._show_applicable()
        self._on_points_change()

    def _on_points_change(self) -> None:
        self.beta_slider.setTracking(self.state.n_points <= LIVE_BETA_MAX_POINTS)
        self._show_applicable()

    def _bind(self, widget, name: str):
        state = self.state
        return bind_value(widget, state.events.params, lambda: getattr(state.params, name),
                          lambda value: state.set_params(**{name: value}), on_error=self.message.emit)

    def _set_beta(self, position: int) -> None:
        # Live: the run restarts with the new beta and comes back to the half-step on show, so
        # dragging the slider recolours the points in place. On big data, replaying the run up
        # to there would stall the window: it starts over, as for any other parameter.
        cursor = self.state.cursor
        self.state.set_params(beta=position_to_beta(position))
        if self.state.n_points <= LIVE_BETA_MAX_POINTS:
            self.state.go_to(cursor)

    def _show_applicable(self) -> None:
        """Show the rows of the chosen algorithm's parameters, grey out the inits it lacks."""
        p = self.state.params
        for name, widget in self._param_rows.items():
            self.form.setRowVisible(widget, p.applies(name))
        soft = p.algorithm in ("soft", "gmm")
        self.form.setRowVisible(self.uncertainty_check, soft)
        self.form.setRowVisible(self.compare_button, p.algorithm == "minibatch")
        self.form.labelForField(self.max_iter_spin).setText(
            "Max batches" if p.algorithm == "minibatch" else "Max iterations")
        self.beta_label.setText(f"{p.beta:.3g}")
        offered = ALGORITHM_INITS[p.algorithm]
        off_plane = self.state.planar_only_reason("Placing centroids by hand")
        model = self.init_combo.model()
        for row in range(self.init_combo.count()):
            value = self.init_combo.itemData(row)
            item = model.item(row)
            item.setEnabled(value in offered and (value != "manual" or off_plane is None))
            if value == "manual":
                item.setToolTip(off_plane or "")
