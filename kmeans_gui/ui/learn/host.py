"""The window's side of a lesson: apply a setup to the models (and undo it), gather the facts a
check reads, find the control a lesson points at, and say when any of that may have changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ...data.datasets import DATASETS
from ...data.images import SAMPLE_IMAGES
from ...lessons.checks import Facts, ImageFigures

__all__ = ["LessonHost", "AVAILABLE_FEATURES"]

#: What this app can check today; "lab" (the failures lab) and "soft" (soft k-means' controls)
#: join when those features are built.
AVAILABLE_FEATURES = frozenset({"explore", "choose-k", "image"})

_ALGORITHM_WORDS = {"minibatch": "Mini-batch k-means", "soft": "Soft k-means", "gmm": "The Gaussian mixture"}
# Datasets whose number of groups is known without a "centers" option.
_KNOWN_GROUPS = {"moons", "circles", "iris", "wine", "tutorial-blobs", "tutorial-moons", "tutorial-circles"}


class LessonHost(QObject):
    """``LessonHost(window)`` for a :class:`~kmeans_gui.ui.main_window.MainWindow`.

    Signals
    -------
    changed()
        Something a check reads may have changed (the run, its cursor, k, an image result).
    """

    changed = Signal()

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

    def _on_change(self, *_) -> None:
        self.changed.emit()

    # ------------------------------------------------------------------ facts
    def _on_image_change(self, *_) -> None:
        self.image_runs = {}
        self.changed.emit()

    def _on_image_outcome(self, *_) -> None:
        outcome = self.image_model.outcome
        if outcome is not None:
            r = outcome.result
            self.image_runs[r.method] = ImageFigures(r.method, int(r.n_colors), float(r.mse), float(r.psnr),
                                                     float(r.seconds))
        self.changed.emit()

    def facts(self) -> Facts:
        state = self.state
        current = state.current
        dataset = state.dataset if isinstance(state.dataset, dict) else {}
        name = dataset.get("name")
        true_k = dataset.get("centers")
        if true_k is None and name in _KNOWN_GROUPS:
            true_k = DATASETS[name].suggested_k
        outcome = self.image_model.outcome
        latest = None
        if outcome is not None:
            latest = self.image_runs.get(outcome.result.method)
        return Facts(
            AVAILABLE_FEATURES, dataset=name, points=state.points, k=state.params.k, seed=state.params.seed,
            init=state.params.init, final=current if current is not None and current.is_final else None,
            true_k=true_k, image_latest=latest, image_runs=dict(self.image_runs),
        )

    # ------------------------------------------------------------------ setup
    def apply_setup(self, setup: dict, code: str = "kmeans"):
        """Apply a lesson's setup; return ``(undo, notes)``: a callable that puts everything back,
        and sentences about what the app cannot set up yet."""
        w = self.window
        state = self.state
        before = {
            "tab": w.tabs.currentIndex(),
            "view": self.view.to_dict(),
            "image": self.image_model.to_dict(),
            "code": self.code_panel.code_name if self.code_panel is not None else None,
            "explore": (state.to_dict(), {name: a.copy() for name, a in state.arrays().items()}),
        }
        notes = []
        undo_depth = None
        if "dataset" in setup:
            name = setup["dataset"]
            options = DATASETS[name].options(seed=setup.get("data_seed", 0), n=setup.get("n", 600),
                                             centers=setup.get("centers", 4), spread=setup.get("spread", 1.0))
            state.load_dataset(name, k=setup.get("k"), **options)
            undo_depth = len(state._undo)
        params = {key: setup[key] for key in ("k", "init", "seed") if key in setup}
        if params:
            state.set_params(**params)
        view = {f"show_{key}": setup[key] for key in ("regions", "trails", "lines") if key in setup}
        if view:
            self.view.load_dict(view, partial=True)
        algorithm = setup.get("algorithm", "kmeans")
        if algorithm != "kmeans":
            notes.append(f"{_ALGORITHM_WORDS[algorithm]} cannot be run in the app yet: its code is shown, "
                         "and the canvas shows k-means.")
        tab = setup.get("tab", "explore")
        if tab == "lab":
            notes.append("The failures lab is not in the app yet.")
            tab = "explore"
        w.tabs.setCurrentWidget(w.pages[tab])
        self._apply_image(setup, notes)
        if self.code_panel is not None:
            self.code_panel.set_code(code)
            if setup.get("code_panel") or code != "kmeans":
                self.code_dock.show()

        def undo():
            explore_data, arrays = before["explore"]
            if undo_depth is not None and len(state._undo) == undo_depth and state.can_undo:
                state.undo()  # keeps the user's own undo history; restores points and params
            if state.to_dict()["params"] != explore_data["params"] or state.dataset != explore_data["dataset"]:
                state.load_dict(explore_data, arrays)
            self.view.load_dict(before["view"])
            self.image_model.load_dict(before["image"])
            if self.code_panel is not None and before["code"] is not None:
                # The code stays in view if it was opened: it is the learner's to close.
                self.code_panel.set_code(before["code"])
            w.tabs.setCurrentIndex(before["tab"])

        return undo, notes

    def _apply_image(self, setup: dict, notes: list) -> None:
        changes = {}
        if "image_k" in setup:
            changes["k"] = setup["image_k"]
        if "image_method" in setup:
            changes["method"] = setup["image_method"]
        if changes:
            self.image_model.load_dict(changes, partial=True)
        image = setup.get("image")
        if image is None:
            return
        if image in SAMPLE_IMAGES:
            self.window.pages["image"].load_sample(image)
        else:
            notes.append(f"The image {image!r} is not one of the samples ({', '.join(SAMPLE_IMAGES)}): "
                         "open it with File > Open image.")

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
        }
        return widgets.get(control)

    def point_at(self, control: str | None) -> None:
        if self.highlight is not None:
            self.highlight.point_at(self.widget_for(control))
