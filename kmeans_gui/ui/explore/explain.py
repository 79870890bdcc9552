"""A collapsible panel that says, in two or three sentences, what the current half-step did."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from ...state import AppState
from ...state.view import ViewOptions
from ...state.words import explanation
from ..common.binding import bind

__all__ = ["ExplainPanel", "explanation"]


class ExplainPanel(QWidget):
    """A header button that folds a word-wrapped explanation in and out (``view.show_explanation``).

    The text scrolls when it is longer than the room beside the chart (a stuck run's explanation
    is five sentences); ``label`` holds it whole, ``scroll`` shows it."""

    def __init__(self, state: AppState, view: ViewOptions | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.view = view if view is not None else ViewOptions()
        self.toggle = QToolButton()
        self.toggle.setText("What just happened?")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.setStyleSheet("QToolButton { border: none; font-weight: bold; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # As tall as its wrapped text at the width it gets; the scroll area, not the label, is
        # what the row squeezes.
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setStyleSheet("QLabel { color: #303030; padding: 2px 4px; }")
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.scroll.setWidget(self.label)
        self.scroll.viewport().setAutoFillBackground(False)
        self.label.setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toggle)
        layout.addWidget(self.scroll, 1)
        self.binding = bind(self.toggle, self.view, "show_explanation")
        self.view.events.show_explanation.connect(self._on_expanded_change)
        self._on_expanded_change()
        for ev in (state.events.run, state.events.cursor, state.events.manual):
            ev.connect(self.refresh)
        self.refresh()

    def set_expanded(self, expanded: bool) -> None:
        self.view.show_explanation = expanded

    def _on_expanded_change(self) -> None:
        expanded = self.view.show_explanation
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.scroll.setVisible(expanded)

    def refresh(self) -> None:
        self.label.setText(explanation(self.state))
