"""The Algorithm panel: k, initialisation, seed, max iterations, tolerance, empty-cluster policy.

Each widget is bound to one parameter (``ui/common/binding.py``): a widget change calls
``state.set_params``; a params event (for example the choose-k view setting k) updates the widgets
without echoing back; a refused value is said in the status line and the widget shows the state's.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QSpinBox, QWidget

from ....state import EMPTY_POLICY_LABELS, INIT_LABELS, MAX_K, AppState
from ...common.binding import bind_value

__all__ = ["AlgorithmPanel"]


class AlgorithmPanel(QGroupBox):
    message = Signal(str)

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__("Algorithm", parent)
        self.state = state
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
            "as it does (when successive centroids are np.allclose; Tolerance is not used)."
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
                                 "(0: stop only when no point changes cluster)")
        self.empty_combo = QComboBox()
        for value, label in EMPTY_POLICY_LABELS.items():
            self.empty_combo.addItem(label, value)
        self.empty_combo.setToolTip("What happens to a centroid that loses all its points")

        form = QFormLayout(self)
        form.addRow("k (clusters)", self.k_spin)
        form.addRow("Initialisation", self.init_combo)
        form.addRow("Seed", self.seed_spin)
        form.addRow("Max iterations", self.max_iter_spin)
        form.addRow("Tolerance", self.tol_spin)
        form.addRow("Empty cluster", self.empty_combo)

        self.bindings = [
            self._bind(widget, name) for widget, name in (
                (self.k_spin, "k"), (self.init_combo, "init"), (self.seed_spin, "seed"),
                (self.max_iter_spin, "max_iter"), (self.tol_spin, "tol"), (self.empty_combo, "empty_policy"),
            )
        ]

    def _bind(self, widget, name: str):
        state = self.state
        return bind_value(widget, state.events.params, lambda: getattr(state.params, name),
                          lambda value: state.set_params(**{name: value}), on_error=self.message.emit)
