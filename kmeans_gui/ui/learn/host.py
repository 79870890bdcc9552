"""The window's side of a lesson: apply a setup to the models (and undo it), gather the facts a
check reads, find the control a lesson points at, and say when any of that may have changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ...lessons.apply import AVAILABLE_FEATURES, apply_setup, facts_from, image_figures
from ...lessons.checks import Facts, ImageFigures

__all__ = ["LessonHost"]


class LessonHost(QObject):
    """``LessonHost(window)`` for a :class:`~kmeans_gui.ui.main_window.MainWindow`.

    Signals
    -------
    changed()
        Something a check reads may have changed (the run, its cursor, k, an image result).
    """

    changed = Signal()
    #: The features whose checks this window can evaluate.
    available = AVAILABLE_FEATURES

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.state = window.state
        self.view = window.models["view"]
        self.image_model = window.models["image"]
        self.highlight = None  # a ControlHighlight, set by install_learn
        self.code_dock = None
        self.code_panel = None
        self.image_runs: dict[str, ImageFigures] = {}
        for event in (self.state.events.cursor, self.state.events.run, self.state.events.params,
                      self.state.events.points):
            event.connect(self._on_change)
        self.image_model.events.outcome.connect(self._on_image_outcome)
        self.image_model.events.image.connect(self._on_image_change)
        # The failures lab's model, when the window has the lab: its cells are a check's facts.
        self.lab_model = window.models.get("failures")
        if self.lab_model is not None:
            for event in (self.lab_model.events.cell, self.lab_model.events.result):
                event.connect(self._on_change)
        else:
            self.available = AVAILABLE_FEATURES - {"lab"}

    def _on_change(self, *_) -> None:
        self.changed.emit()

    # ------------------------------------------------------------------ facts
    def _on_image_change(self, *_) -> None:
        self.image_runs = {}
        self.changed.emit()

    def _on_image_outcome(self, *_) -> None:
        outcome = self.image_model.outcome
        if outcome is not None:
            figures = image_figures(outcome)
            self.image_runs[figures.method] = figures
        self.changed.emit()

    def facts(self) -> Facts:
        return facts_from(self.state, self.image_model, self.image_runs, self.available, lab=self.lab_model)

    # ------------------------------------------------------------------ setup
    def apply_setup(self, setup: dict, code: str = "kmeans"):
        """Apply a lesson's setup; return ``(undo, notes)``: a callable that puts everything back,
        and sentences about what the app cannot set up yet."""
        w = self.window
        before_tab = w.tabs.currentIndex()
        before_code = self.code_panel.code_name if self.code_panel is not None else None
        applied = apply_setup(setup, self.state, self.view, self.image_model)
        w.tabs.setCurrentWidget(w.pages[applied.tab])
        if applied.image_to_open is not None:
            w.pages["image"].load_sample(applied.image_to_open)
        hid_code = False
        if self.code_panel is not None:
            self.code_panel.set_code(code)
            if setup.get("code_panel") or code != "kmeans":
                self.code_dock.show()
            elif applied.tab != "explore" and self.code_dock.isVisible():
                # The code follows the Explore run, which this lesson's tab does not show: its
                # variables (a k-means++ start half chosen...) would only puzzle the learner.
                self.code_dock.hide()
                hid_code = True

        def undo():
            applied.undo()
            if self.code_panel is not None and before_code is not None:
                # The code stays in view if it was opened: it is the learner's to close.
                self.code_panel.set_code(before_code)
                if hid_code:
                    self.code_dock.show()
            w.tabs.setCurrentIndex(before_tab)

        return undo, applied.notes

    # ------------------------------------------------------------------ pointing
    def widget_for(self, control: str | None):
        if control is None:
            return None
        w = self.window
        playback, algorithm = w.playback, w.algorithm_panel
        image, choose = w.pages["image"], w.pages["choose-k"]
        widgets = {
            "step": playback.step_button, "play": playback.play_button, "back": playback.back_button,
            "timeline": playback.timeline, "run-to-end": playback.end_button, "new-seed": playback.seed_button,
            "k": algorithm.k_spin, "seed": algorithm.seed_spin, "init": algorithm.init_combo,
            "dataset": w.dataset_panel.dataset_combo, "choose-k": choose.compute_button,
            "image-k": image.k_spin, "image-method": image.method_combo, "image-open": image.open_button,
            "algorithm": algorithm.algorithm_combo, "beta": algorithm.beta_slider,
        }
        if "failures" in w.pages:
            widgets["lab"] = w.pages["failures"].bar.compute_button
        return widgets.get(control)

    def point_at(self, control: str | None) -> None:
        if self.highlight is not None:
            self.highlight.point_at(self.widget_for(control))
