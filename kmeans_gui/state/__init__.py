"""Qt-free models of the app, one per tab; views subscribe to their events and redraw.

Import-linter keeps Qt and ``kmeans_gui.ui`` out of this package.
"""

from .events import Event, EventedModel, Field, batched
from .explore import (
    EMPTY_POLICY_LABELS,
    INIT_LABELS,
    MAX_K,
    AppState,
    Params,
    StepJob,
)
from .phases import chart_position, is_final_assignment
from .words import explanation, final_sentence, status_text, step_label

__all__ = [
    "Event", "EventedModel", "Field", "batched", "AppState", "Params", "INIT_LABELS", "EMPTY_POLICY_LABELS", "MAX_K",
    "final_sentence", "status_text", "step_label", "explanation", "StepJob", "chart_position", "is_final_assignment",
]
