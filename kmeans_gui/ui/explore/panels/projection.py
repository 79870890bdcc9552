"""The View panel: how data of more than two features are shown (PCA, or two chosen columns).

Shown only for such data; the run is in full dimension whatever is chosen here, so a choice
changes the picture, never the clustering.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from ....state import AppState
from ...common.blocking import signals_blocked

__all__ = ["ProjectionPanel"]

PCA_LABEL = "PCA: the plane of most variance"
COLUMNS_LABEL = "Two columns"


class ProjectionPanel(QGroupBox):
    """``mode_combo`` (PCA or two columns) and ``x_combo`` / ``y_combo`` (the columns)."""

    message = Signal(str)

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__("View", parent)
        self.state = state
        self.mode_combo = QComboBox()
        self.mode_combo.addItem(PCA_LABEL, "pca")
        self.mode_combo.addItem(COLUMNS_LABEL, "columns")
        self.mode_combo.setToolTip("How the canvas shows data of more than two features.\n"
                                   "The clustering is always in all of them.")
        self.x_combo = QComboBox()
        self.y_combo = QComboBox()
        self.variance = QLabel()
        self.variance.setWordWrap(True)
        self.variance.setStyleSheet("QLabel { color: #505050; }")
        self.form = QFormLayout(self)
        self.form.addRow("Show", self.mode_combo)
        self.form.addRow("Across", self.x_combo)
        self.form.addRow("Up", self.y_combo)
        self.form.addRow(self.variance)
        self.mode_combo.currentIndexChanged.connect(self._on_widgets)
        self.x_combo.currentIndexChanged.connect(self._on_widgets)
        self.y_combo.currentIndexChanged.connect(self._on_widgets)
        for event, callback in ((state.events.points, self.refresh), (state.events.projection, self.refresh)):
            event.connect(callback)
            self.destroyed.connect(lambda *_, event=event, callback=callback: event.disconnect(callback))
        self.refresh()

    def refresh(self) -> None:
        """Show the state's view; hide the panel when the data are the canvas' own plane."""
        state = self.state
        wide = state.n_features > 2
        self.setVisible(wide)
        if not wide:
            return
        names = state.feature_names
        columns = state.view_columns
        with signals_blocked(self.mode_combo, self.x_combo, self.y_combo):
            for combo in (self.x_combo, self.y_combo):
                if [combo.itemText(i) for i in range(combo.count())] != list(names):
                    combo.clear()
                    combo.addItems(names)
            self.mode_combo.setCurrentIndex(0 if columns is None else 1)
            x, y = columns if columns is not None else (0, 1)
            self.x_combo.setCurrentIndex(x)
            self.y_combo.setCurrentIndex(y)
        self.form.setRowVisible(self.x_combo, columns is not None)
        self.form.setRowVisible(self.y_combo, columns is not None)
        proj = state.projection
        if proj.kind == "pca":
            share = float(proj.explained_variance_ratio.sum())
            self.variance.setText(f"The two axes hold {100 * share:.0f}% of the variance; "
                                  "points close here may be far apart in the other directions.")
        else:
            self.variance.setText(f"Two of {state.n_features} columns: points close here may differ in the others.")

    def _on_widgets(self) -> None:
        if self.mode_combo.currentData() == "pca":
            columns = None
        else:
            columns = (self.x_combo.currentIndex(), self.y_combo.currentIndex())
            if columns[0] == columns[1]:
                # The other axis moves on, so the choice is always two different columns.
                other = self.y_combo if self.sender() is self.x_combo else self.x_combo
                with signals_blocked(other):
                    other.setCurrentIndex((columns[0] + 1) % self.state.n_features)
                columns = (self.x_combo.currentIndex(), self.y_combo.currentIndex())
        try:
            self.state.set_view_columns(columns)
        except ValueError as exc:
            self.message.emit(str(exc))
        self.refresh()
