"""The Explore tab's page: the Data and Algorithm panels beside the canvas, the playback bar, the
convergence chart and the explanation under it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QSplitter, QVBoxLayout, QWidget

from ...state import AppState
from ...state.view import ViewOptions
from .canvas import Canvas
from .charts import ConvergenceChart
from .explain import ExplainPanel
from .panels import AlgorithmPanel, DatasetPanel, PlaybackBar, ProjectionPanel

__all__ = ["ExplorePage"]

SIDE_PANEL_WIDTH = 290
BOTTOM_ROW_HEIGHT = 180


def _fit_side_width(scroll: QScrollArea) -> None:
    """In a short window the side panel scrolls: its scroll bar widens the panel rather than
    taking the width from the controls (spin box arrows and buttons were cut off on the right)."""
    bar = scroll.verticalScrollBar()
    scroll.setMinimumWidth(SIDE_PANEL_WIDTH + (bar.sizeHint().width() if bar.maximum() > 0 else 0))


class ExplorePage(QSplitter):
    """``canvas``, ``dataset_panel``, ``projection_panel``, ``algorithm_panel``, ``playback``, ``chart``,
    ``explain_panel``.

    Signals
    -------
    message(str)
        A one-line note from a panel or the canvas, for the status bar.
    """

    message = Signal(str)

    def __init__(self, state: AppState, view: ViewOptions, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.state = state
        self.view = view
        self.canvas = Canvas(state, view)
        self.dataset_panel = DatasetPanel(state, view)
        self.projection_panel = ProjectionPanel(state)
        self.algorithm_panel = AlgorithmPanel(state, view)
        self.compare_dialog = None  # made on first use: mini-batch against Lloyd
        self.algorithm_panel.compare_requested.connect(self.open_comparison)
        self.explain_panel = ExplainPanel(state, view)
        self.playback = PlaybackBar(state, frame_ready=self._frame_ready, view=view)
        self.chart = ConvergenceChart(state)
        self.addWidget(self._build_side())
        self.addWidget(self._build_right())
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setSizes([SIDE_PANEL_WIDTH, 990])
        self.setCollapsible(1, False)
        for source in (self.dataset_panel.message, self.projection_panel.message, self.algorithm_panel.message,
                       self.playback.message, self.canvas.edit_message):
            source.connect(self.message)

    def _build_side(self) -> QScrollArea:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 6, 6, 6)
        side_layout.addWidget(self.dataset_panel)
        side_layout.addWidget(self.projection_panel)
        side_layout.addWidget(self.algorithm_panel)
        side_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(SIDE_PANEL_WIDTH)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.verticalScrollBar().rangeChanged.connect(lambda *_: _fit_side_width(scroll))
        return scroll

    def _build_right(self) -> QWidget:
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 4, 4, 0)
        right_layout.setSpacing(2)
        right_layout.addWidget(self.canvas, 1)
        right_layout.addWidget(self.playback)
        # A fixed-height row: text of a different length in the explanation must not resize the
        # canvas above it (which would re-layout and repaint everything on every step).
        bottom_row = QWidget()
        bottom_row.setFixedHeight(BOTTOM_ROW_HEIGHT)
        bottom = QHBoxLayout(bottom_row)
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.chart, 3)
        bottom.addWidget(self.explain_panel, 2)
        right_layout.addWidget(bottom_row)
        return right

    def _frame_ready(self) -> bool:
        # Hidden windows never paint; back-pressure only makes sense for a visible canvas.
        return not self.canvas.frame_pending or not self.canvas.isVisible()

    def open_comparison(self) -> None:
        """Show the mini-batch against Lloyd dialog (its runs start with its Compute button)."""
        if self.compare_dialog is None:
            from .compare import CompareDialog

            self.compare_dialog = CompareDialog(self.state, self)
        self.compare_dialog.show()
        self.compare_dialog.raise_()

    def shutdown(self) -> None:
        """Stop playback, its worker and the canvas' timer (the main window calls this on close)."""
        if self.compare_dialog is not None:
            self.compare_dialog.shutdown()
        self.playback.shutdown()
        self.dataset_panel.shutdown()
        self.canvas.shutdown()
