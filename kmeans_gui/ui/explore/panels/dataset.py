"""The Data panel: choose a dataset and its options, Generate; edit tools (brush, Clear).

Choosing a dataset or changing one of its options shows the new data at once; Generate is a new
random draw of the same dataset (the next data seed). Both are undoable. Datasets of
:data:`BACKGROUND_DATASET_POINTS` points or more are drawn on a worker (2,000,000 blobs take
0.6 s or more), and the panel says so until they are shown.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QPushButton,
    QSpinBox, QVBoxLayout, QWidget,
)

from ....data.datasets import DATASETS, LARGE_N, make_labelled_dataset
from ....state import AppState
from ....state.view import ViewOptions
from ...common.binding import bind
from ...common.blocking import signals_blocked
from ...common.tasks import TaskRunner

__all__ = ["DatasetPanel", "BACKGROUND_DATASET_POINTS", "TABLE_ITEM"]

#: The box's item for data that came from a table (a CSV import), not from a dataset.
TABLE_ITEM = "(table)"

#: Datasets of this many points or more are made on a worker, not on the GUI thread.
BACKGROUND_DATASET_POINTS = 100_000


def _make_dataset(ctx, name: str, options: dict):
    """Worker: the dataset's points and true labels, (X, y)."""
    return make_labelled_dataset(name, **options)


class DatasetPanel(QGroupBox):
    """Dataset chooser. A choice replaces the points at once (undoable) and suggests k;
    ``generate()`` draws the same dataset anew with the next seed.

    The brush controls are bound to ``view`` (the canvas' :class:`ViewOptions`).
    """

    message = Signal(str)

    def __init__(self, state: AppState, view: ViewOptions | None = None, parent: QWidget | None = None):
        super().__init__("Data", parent)
        self.state = state
        self.view = view if view is not None else ViewOptions()
        self.dataset_combo = QComboBox()
        for name, info in DATASETS.items():
            self.dataset_combo.addItem(info.label, name)
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, 2_000_000)
        self.n_spin.setSingleStep(100)
        self.n_spin.setValue(600)
        self.n_spin.setGroupSeparatorShown(True)
        self.centers_spin = QSpinBox()
        self.centers_spin.setRange(1, 20)
        self.centers_spin.setValue(4)
        self.spread_spin = QDoubleSpinBox()
        self.spread_spin.setRange(0.0, 5.0)
        self.spread_spin.setSingleStep(0.1)
        self.spread_spin.setValue(1.0)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 1_000_000)
        # Options apply when an edit is finished (Enter, focus out, arrows), not at every digit
        # typed: "2000000" must not generate 2, 20, 200, ... points on the way.
        for spin in (self.n_spin, self.centers_spin, self.spread_spin, self.seed_spin):
            spin.setKeyboardTracking(False)
        self.generate_button = QPushButton("Generate")
        self.generate_button.setToolTip("A new random draw of this dataset: the next seed (undo with Ctrl+Z)")
        self.suggest_k = QCheckBox("Set k to match")
        self.suggest_k.setChecked(True)
        self.suggest_k.setToolTip("Set k to the number of centres the dataset was made with")

        self.brush_check = QCheckBox("Brush: drag to spray points")
        self.brush_radius = QSpinBox()
        self.brush_radius.setRange(3, 200)
        self.brush_radius.setSuffix(" px")
        self.brush_density = QSpinBox()
        self.brush_density.setRange(1, 100)
        self.brush_density.setSuffix(" per move")
        self.clear_button = QPushButton("Clear points")

        self._form = form = QFormLayout()
        form.addRow("Dataset", self.dataset_combo)
        form.addRow("Points", self.n_spin)
        form.addRow("Centres", self.centers_spin)
        form.addRow("Spread", self.spread_spin)
        form.addRow("Seed", self.seed_spin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.suggest_k)
        buttons.addStretch(1)
        buttons.addWidget(self.generate_button)
        edit = QFormLayout()
        edit.addRow(self.brush_check)
        edit.addRow("Radius", self.brush_radius)
        edit.addRow("Density", self.brush_density)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addLayout(edit)
        layout.addWidget(self.clear_button)

        self._shown: tuple[dict, int] | None = None  # (options, data version) of the data last loaded here
        self._dataset_choice = self.dataset_combo.currentData()  # chosen before a table's item showed
        self._pending: tuple[str, int | None, dict] | None = None  # (name, k, options) being made on the worker
        self.runner = TaskRunner(self)
        self.runner.finished.connect(self._on_made)
        self.runner.failed.connect(self._on_make_failed)
        self.dataset_combo.currentIndexChanged.connect(self._on_choice)
        for spin in (self.n_spin, self.centers_spin, self.spread_spin, self.seed_spin):
            spin.valueChanged.connect(self.show_choice)
        self.generate_button.clicked.connect(self.generate)
        self.clear_button.clicked.connect(state.clear)
        self.bindings = [
            bind(self.brush_check, self.view, "brush_mode", on_error=self.message.emit),
            bind(self.brush_radius, self.view, "brush_radius_px", on_error=self.message.emit),
            bind(self.brush_density, self.view, "brush_density", on_error=self.message.emit),
        ]
        state.events.points.connect(self._on_points_change)
        self._on_points_change()
        self._update_enabled()

    @property
    def making_dataset(self) -> bool:
        """Whether a big dataset asked for is still being made on the worker."""
        return self._pending is not None

    def shutdown(self) -> None:
        """Stop the worker (the page calls this when the window closes)."""
        self._pending = None
        self.runner.shutdown()

    def _on_points_change(self) -> None:
        """Show the options of the dataset now loaded (it may come from the command line or a session)."""
        if self._pending is not None:
            # New data (points drawn, an import, a session, an undo) came after the dataset still
            # being made: they are the user's latest wish, which the older choice must not replace.
            self.runner.cancel(emit=False)
            name, self._pending = self._pending[0], None
            self.message.emit(f"{DATASETS[name].label} will not be shown: the data changed while it was being "
                              "made. Choose it again to show it.")
        self._show_drawing_offered()
        self._show_table_item()
        d = self.state.dataset
        if self.state.points_change != "replace" or not d or d.get("name") not in DATASETS:
            return
        widgets = (self.dataset_combo, self.n_spin, self.centers_spin, self.spread_spin, self.seed_spin)
        with signals_blocked(*widgets):
            self.dataset_combo.setCurrentIndex(self.dataset_combo.findData(d["name"]))
            for key, spin in (("n", self.n_spin), ("centers", self.centers_spin), ("spread", self.spread_spin),
                              ("seed", self.seed_spin)):
                if key in d:
                    spin.setValue(d[key])
        self._update_enabled()

    def table_text(self) -> str | None:
        """What the box says for the imported table on screen ("iris.csv · 150 × 4"), or None when
        the data are a dataset's (or have no source to name)."""
        state = self.state
        if state.dataset is not None or state.source is None:
            return None
        name = state.source if isinstance(state.source, str) else "Imported table"
        return f"{name} · {state.n_points:,} × {state.n_features}"

    def _show_table_item(self) -> None:
        """An item naming the table while one is on screen, chosen; gone (and the dataset chosen
        before back in the box) once a dataset replaces it or undo takes the table away."""
        combo = self.dataset_combo
        index = combo.findData(TABLE_ITEM)
        text = self.table_text()
        with signals_blocked(combo):
            if text is None and index >= 0:
                combo.removeItem(index)
                combo.setCurrentIndex(max(combo.findData(self._dataset_choice), 0))
            elif text is not None:
                if index < 0:
                    self._dataset_choice = combo.currentData()
                    combo.addItem(text, TABLE_ITEM)
                    index = combo.count() - 1
                combo.setItemText(index, text)
                combo.setCurrentIndex(index)
        self._update_enabled()

    def _show_drawing_offered(self) -> None:
        """The brush draws on the data's plane: off, with the reason as its tooltip, for n-D data."""
        reason = self.state.planar_only_reason("The brush")
        for widget in (self.brush_check, self.brush_radius, self.brush_density):
            widget.setEnabled(reason is None)
        self.brush_check.setToolTip(reason or "")

    def set_dataset(self, name: str) -> None:
        """Choose ``name`` in the box and show it (as choosing it by hand does)."""
        index = self.dataset_combo.findData(name)
        if index == self.dataset_combo.currentIndex():
            self.show_choice()  # no index change, no signal: the data may still be other points
        else:
            self.dataset_combo.setCurrentIndex(index)

    def _update_enabled(self) -> None:
        info = DATASETS.get(self.dataset_combo.currentData())  # None for an imported table
        self.n_spin.setEnabled(info is not None and info.uses_n)
        self.centers_spin.setEnabled(info is not None and info.uses_centers)
        self.spread_spin.setEnabled(info is not None and info.uses_spread)
        self.generate_button.setEnabled(info is not None)
        # A table has none of a dataset's options: their rows go, rather than show a stale "600".
        for spin in (self.n_spin, self.centers_spin, self.spread_spin, self.seed_spin):
            self._form.setRowVisible(spin, info is not None)

    def options(self) -> dict:
        name = self.dataset_combo.currentData()
        opts = DATASETS[name].options(seed=self.seed_spin.value(), n=self.n_spin.value(),
                                      centers=self.centers_spin.value(), spread=self.spread_spin.value())
        return {"name": name, **opts}

    def _on_choice(self) -> None:
        self._update_enabled()
        self.show_choice()

    def generate(self) -> None:
        """A new random draw: the next data seed, then load.

        Every dataset with a size is drawn at random; the fixed ones (Iris, Wine, Empty) keep
        their seed and are only reloaded if the points were edited since.
        """
        info = DATASETS.get(self.dataset_combo.currentData())
        if info is None:
            return  # an imported table: nothing to draw anew
        if info.uses_n:
            with signals_blocked(self.seed_spin):
                self.seed_spin.setValue((self.seed_spin.value() + 1) % (self.seed_spin.maximum() + 1))
        self.show_choice()

    def show_choice(self) -> None:
        """Replace the points with the dataset and options now chosen (undoable)."""
        if self.dataset_combo.currentData() not in DATASETS:
            return  # the imported table, already on screen
        opts = self.options()
        if self._shown == (opts, self.state.data_version):
            return  # already on screen, unedited: a second undo step would undo nothing
        name = opts.pop("name")
        info = DATASETS[name]
        k = opts.get("centers", info.suggested_k) if self.suggest_k.isChecked() and name != "empty" else None
        size = LARGE_N if name == "large" else opts.get("n", 0) if info.uses_n else 0
        if size >= BACKGROUND_DATASET_POINTS:
            if self._pending == (name, k, opts):
                return  # already being made
            self._pending = (name, k, opts)
            self.message.emit(f"Making the dataset: {size:,} points…")
            self.runner.submit(_make_dataset, name, opts)
            return
        self.runner.cancel(emit=False)  # a choice made since replaces one still being made
        self._pending = None
        self._show(name, k, opts, None)

    def _on_made(self, made) -> None:
        if self._pending is None:
            return
        name, k, opts = self._pending
        self._pending = None
        self._show(name, k, opts, made)

    def _on_make_failed(self, message: str) -> None:
        if self._pending is not None:
            self.message.emit(f"Could not make {DATASETS[self._pending[0]].label}: {message}")
        self._pending = None

    def _show(self, name: str, k: int | None, opts: dict, made) -> None:
        """Load the dataset (``made``: its (X, y) made already, or None to make it here)."""
        info = DATASETS[name]
        try:
            if made is None:
                self.state.load_dataset(name, k=k, **opts)  # one restart, with the new k
            else:
                self.state.show_dataset(made[0], name, k=k, true_labels=made[1], **opts)
        except (ValueError, MemoryError) as exc:
            self.message.emit(f"Could not make {info.label}: {exc}")
            return
        self._shown = ({"name": name, **opts}, self.state.data_version)
        n = self.state.n_points
        self.message.emit(f"{info.label}: {n:,} points." if n else "Empty canvas: click to add points.")
