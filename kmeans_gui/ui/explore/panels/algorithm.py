"""The Algorithm panel: k, initialisation, seed, max iterations, tolerance, empty-cluster policy.

Widgets mirror ``state.params`` both ways: a widget change calls ``state.set_params``; a params
event (for example the choose-k view setting k) updates the widgets with their signals blocked.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QSpinBox, QWidget

from ....state import EMPTY_POLICY_LABELS, INIT_LABELS, MAX_K, AppState
from ...common.blocking import signals_blocked

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
            "Place by clicking lets you click the k starting centroids (drag them before you press Step)."
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

        self._on_params_change()
        self.k_spin.valueChanged.connect(lambda v: self._set(k=int(v)))
        self.init_combo.currentIndexChanged.connect(lambda _: self._set(init=self.init_combo.currentData()))
        self.seed_spin.valueChanged.connect(lambda v: self._set(seed=int(v)))
        self.max_iter_spin.valueChanged.connect(lambda v: self._set(max_iter=int(v)))
        self.tol_spin.valueChanged.connect(lambda v: self._set(tol=float(v)))
        self.empty_combo.currentIndexChanged.connect(lambda _: self._set(empty_policy=self.empty_combo.currentData()))
        state.events.params.connect(self._on_params_change)

    def _set(self, **change) -> None:
        try:
            self.state.set_params(**change)
        except ValueError as exc:
            self.message.emit(str(exc))
            self._on_params_change()

    def _on_params_change(self) -> None:
        p = self.state.params
        widgets = (self.k_spin, self.init_combo, self.seed_spin, self.max_iter_spin, self.tol_spin, self.empty_combo)
        with signals_blocked(*widgets):
            self.k_spin.setValue(p.k)
            self.init_combo.setCurrentIndex(self.init_combo.findData(p.init))
            self.seed_spin.setValue(p.seed)
            self.max_iter_spin.setValue(p.max_iter)
            self.tol_spin.setValue(p.tol)
            self.empty_combo.setCurrentIndex(self.empty_combo.findData(p.empty_policy))
