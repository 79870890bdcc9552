"""A collapsible panel that says, in two or three sentences, what the current half-step did."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from ...engine import KMeansState
from ...state import AppState
from ...state.view import ViewOptions
from ..common.binding import bind

__all__ = ["ExplainPanel", "explanation"]

_WHY_DOWN = ("Inertia cannot go up: each point now sits with its nearest centroid, so no "
             "point's squared distance grew.")


def explanation(state: AppState) -> str:
    """Plain-language text for the state's current half-step (HTML-free)."""
    s: KMeansState | None = state.current
    k = state.params.k
    if s is None:
        return state.error or "Choose a dataset and press Generate, or click on the canvas to add points."
    init = state.params.init
    if s.phase == "init":
        if init == "manual":
            return ("You placed the starting centroids. Drag them to try another start, then press Step: "
                    "every point will join its nearest centroid.")
        if init == "random":
            return (f"Initialisation: {k} points picked at random become the starting centroids. "
                    "Next, every point joins its nearest centroid.")
        if s.seed is not None and s.seed.sq_dist is None:
            return ("Initialisation: the first seed is a point picked at random. The next seed will be drawn "
                    "with probability proportional to D², the squared distance to the nearest seed.")
        if init == "farthest":
            return (f"Seed {s.n_seeds} of {k} is the point farthest from all earlier seeds. Shading shows "
                    "each point's squared distance D² to its nearest seed: darker and larger is farther.")
        return (f"Seed {s.n_seeds} of {k}: k-means++ drew candidates (dashed circles) with probability "
                "proportional to D² (darker, larger points were likelier) and kept the one that lowers the "
                "total squared distance most. Far-apart seeds make a good start.")
    if s.phase == "assign":
        first = s.iteration == 1
        text = (f"Assign: every point joined its nearest centroid ({s.n_changed:,} "
                f"{'point' if s.n_changed == 1 else 'points'} {'were assigned' if first else 'changed cluster'}). ")
        if s.is_final and s.n_changed == 0:
            return text + "Nothing changed, so moving the centroids would change nothing either: k-means has converged."
        return text + _WHY_DOWN + " Next, each centroid moves to the mean of its points."
    text = ("Update: each centroid moved to the mean of its points. The mean is the spot with the smallest "
            "sum of squared distances to those points, so inertia cannot go up.")
    if s.empty_clusters:
        if state.params.empty_policy == "keep":
            text += " An empty cluster has no points to average, so its centroid stayed where it was."
        else:
            text += " An empty cluster's centroid was moved to the point farthest from its centroid."
    return text


class ExplainPanel(QWidget):
    """A header button that folds a word-wrapped explanation in and out (``view.show_explanation``)."""

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
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.label.setStyleSheet("QLabel { color: #303030; padding: 2px 4px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toggle)
        layout.addWidget(self.label, 1)
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
        self.label.setVisible(expanded)

    def refresh(self) -> None:
        self.label.setText(explanation(self.state))
