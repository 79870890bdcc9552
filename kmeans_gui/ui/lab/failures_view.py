"""The Failures tab: one row per failure case, one small scatter per method, scored and timed.

The grid is computed on the worker of a :class:`~kmeans_gui.ui.common.tasks.TaskRunner`; each cell
is drawn as soon as it arrives, the best score of a row framed. Clicking a cell opens its case in
Explore (k-means at the lab's k, init and seed, ready to step) and emits ``open_explore``.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QFrame, QGridLayout, QLabel, QScrollArea, QSpinBox, QVBoxLayout, QWidget,
)

from ...state import words
from ...state.lab import MAX_CASE_POINTS, FailuresModel, failures_task
from ..common.binding import bind
from ..common.style import ERROR_HEX
from ..common.tasks import TaskRunner
from .scatter_cell import ScatterCell
from .task_bar import TaskBar

__all__ = ["FailuresView"]

TITLE_WIDTH = 170
CELL_SIZE = 118
SPACING = 6
WHY_MIN_WIDTH = 260


def _score_text(cell) -> str:
    if cell.error:
        return "failed"
    name = "ARI" if cell.score_kind == "ARI" else "sil."
    score = "–" if cell.score is None else f"{cell.score:.2f}"
    return f"{name} {score} · {1000 * cell.seconds:.0f} ms"


class FailuresView(QWidget):
    """The grid of cases x methods over a :class:`~kmeans_gui.state.lab.FailuresModel`.

    Signals: ``message(str)`` (a passing note for the status line), ``open_explore()`` (a case was
    loaded into Explore: show it).
    """

    message = Signal(str)
    open_explore = Signal()

    def __init__(self, model: FailuresModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.cells: dict[tuple[str, str], ScatterCell] = {}
        self._started = 0.0
        self._build()
        self.runner = TaskRunner(self)
        self.runner.connect_handlers(self)
        self._connect()
        self._rebuild_rows()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.n_spin = QSpinBox()
        self.n_spin.setRange(20, MAX_CASE_POINTS)
        self.n_spin.setSingleStep(100)
        self.n_spin.setToolTip("Points in each case")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("Seeds the cases' noise and every method")
        self.your_data_check = QCheckBox("Add your data")
        self.your_data_check.setToolTip("Add the Explore data as a last row, with Explore's k; scored against its "
                                        "true groups if it is an unedited built-in dataset, by silhouette otherwise")
        self.bar = TaskBar([("points per case", self.n_spin), ("seed", self.seed_spin), self.your_data_check],
                           "Run every method on every case in the background")
        self.status = QLabel(words.FAILURES_PROMPT)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # The column titles stay in view while the rows scroll up and down, and follow them
        # sideways when the window is narrower than the grid.
        self.header = QWidget()
        self.header_layout = QGridLayout(self.header)
        self.header_layout.setContentsMargins(0, 0, self.scroll.verticalScrollBar().sizeHint().width(), 0)
        self.header_layout.setHorizontalSpacing(SPACING)
        self.header_scroll = QScrollArea()
        self.header_scroll.setWidgetResizable(True)
        self.header_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.header_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.header_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.header_scroll.setWidget(self.header)
        self.scroll.horizontalScrollBar().valueChanged.connect(self.header_scroll.horizontalScrollBar().setValue)
        self.footer = QLabel(words.LAB_SCORE_EXPLAINED)
        self.footer.setWordWrap(True)
        self.footer.setStyleSheet("color: #505050;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.header_scroll)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.footer)
        self._fill_header()
        self.header_scroll.setFixedHeight(self.header.sizeHint().height())

    def _fill_header(self) -> None:
        grid = self.header_layout
        corner = QLabel("Case")
        corner.setFixedWidth(TITLE_WIDTH)
        grid.addWidget(corner, 0, 0)
        for j, method in enumerate(self.model.methods):
            label = QLabel(f"<b>{method.label}</b>")
            label.setFixedWidth(CELL_SIZE)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
            grid.addWidget(label, 0, j + 1)
        why = QLabel("<b>Why k-means fails, and why the remedy works</b>")
        why.setWordWrap(True)
        why.setMinimumWidth(WHY_MIN_WIDTH)
        grid.addWidget(why, 0, len(self.model.methods) + 1)
        grid.setColumnStretch(len(self.model.methods) + 1, 1)

    def _rebuild_rows(self) -> None:
        """One row per case (the model's cases once made, else the rows a Compute will make)."""
        rows = QWidget()
        grid = QGridLayout(rows)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(SPACING)
        grid.setVerticalSpacing(SPACING + 2)
        self.cells = {}
        self.row_labels: dict[str, QLabel] = {}
        for i, (key, title) in enumerate(self.model.row_titles()):
            head = QLabel()
            head.setFixedWidth(TITLE_WIDTH)
            head.setWordWrap(True)
            head.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            self.row_labels[key] = head
            self._set_row_title(key, title)
            grid.addWidget(head, i, 0)
            for j, method in enumerate(self.model.methods):
                cell = ScatterCell(CELL_SIZE)
                cell.set_placeholder("")
                cell.shown = None  # the lab Cell drawn in it
                cell.clicked.connect(lambda key=key, m=method.key: self.open_cell(key, m))
                self.cells[(key, method.key)] = cell
                grid.addWidget(cell, i, j + 1)
                existing = self.model.cell(key, method.key)
                if existing is not None:
                    self._show_cell(existing)
            why = QLabel(words.case_sentences(key))
            why.setWordWrap(True)
            why.setMinimumWidth(WHY_MIN_WIDTH)
            why.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(why, i, len(self.model.methods) + 1)
        grid.setColumnStretch(len(self.model.methods) + 1, 1)
        grid.setRowStretch(len(self.model.row_titles()), 1)
        self.scroll.setWidget(rows)
        for key, _ in self.model.row_titles():
            self._update_highlight(key)

    def _sync_rows(self) -> None:
        """Rows for the model's cases: rebuilt when they are other rows, else refreshed in place."""
        rows = self.model.row_titles()
        if [key for key, _ in rows] != list(self.row_labels):
            self._rebuild_rows()
            return
        for key, title in rows:
            self._set_row_title(key, title)
            for method in self.model.methods:
                cell = self.model.cell(key, method.key)
                if cell is not None:
                    self._show_cell(cell)
                elif self.model.case(key) is None and self.cells[(key, method.key)].placeholder != "waiting":
                    self.cells[(key, method.key)].set_placeholder("")
                    self.cells[(key, method.key)].shown = None
            self._update_highlight(key)

    def _set_row_title(self, key: str, title: str) -> None:
        case = self.model.case(key)
        lines = [f"<b>{title}</b>"]
        if case is not None:
            truth = f"{case.true_k} true groups" if case.true_k is not None else "no true groups"
            lines.append(f"k = {case.k}; {truth}")
            lines.append(f"{case.init} start, seed {case.seed}")
            if case.note:
                lines.append(f"<span style='color:#606060'>{case.note}</span>")
        self.row_labels[key].setText("<br>".join(lines))

    def _connect(self) -> None:
        on_error = lambda text: self._set_status(text, error=True)  # noqa: E731
        self.bindings = [
            bind(self.n_spin, self.model, "n", on_error=on_error),
            bind(self.seed_spin, self.model, "seed", on_error=on_error),
            bind(self.your_data_check, self.model, "your_data"),
        ]
        self.bar.compute_button.clicked.connect(self.compute)
        self.bar.cancel_button.clicked.connect(self.cancel)
        self.model.events.cases.connect(self._sync_rows)
        self.model.events.cell.connect(self._on_cell)
        self.model.events.result.connect(self._sync_rows)
        self.model.events.your_data.connect(self._on_your_data_toggled)

    # ------------------------------------------------------------------ computing
    def compute(self) -> None:
        try:
            args = self.model.task_args()
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return
        self.model.begin()
        for cell in self.cells.values():
            cell.set_placeholder("waiting")
            cell.shown = None
        self._started = time.perf_counter()
        self._set_status(words.failures_started(self.model.n, self.model.seed, self.model.n_cells()))
        self.bar.show_progress(0.0, "starting")
        self.runner.submit(failures_task, *args)

    def compute_now(self):
        """The whole grid on this thread (snapshots)."""
        started = time.perf_counter()
        try:
            grid = self.model.compute_now()
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return None
        self.bar.show_end("done")
        self._set_status(words.failures_done(len(grid.cells), time.perf_counter() - started))
        return grid

    def cancel(self) -> None:
        self.runner.cancel()

    def shutdown(self) -> None:
        """Stop the worker thread (the main window calls this on close)."""
        self.runner.shutdown(wait=True)

    def open_cell(self, case_key: str, method_key: str) -> None:
        if self.model.case(case_key) is None:
            self._set_status("That cell is not computed yet: press Compute.", error=True)
            return
        try:
            text = self.model.open_in_explore(case_key, method_key)
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return
        self.message.emit(text)
        self.open_explore.emit()

    # ------------------------------------------------------------------ runner signals
    def _on_progress(self, fraction: float, message: str) -> None:
        self.bar.show_progress(fraction, message)

    def _on_partial(self, item) -> None:
        self.model.take_partial(item)

    def _on_finished(self, grid) -> None:
        self.bar.show_end("done")
        self.model.finish(grid)
        self._set_status(words.failures_done(len(grid.cells), time.perf_counter() - self._started))

    def _on_failed(self, message: str) -> None:
        self.bar.show_end("failed")
        self._set_status(words.lab_failed(message), error=True)
        self._clear_waiting()

    def _on_cancelled(self) -> None:
        self.bar.show_end("cancelled")
        self._set_status(words.FAILURES_CANCELLED)
        self._clear_waiting()

    def _on_running_changed(self, running: bool) -> None:
        self.bar.set_running(running)

    # ------------------------------------------------------------------ drawing
    def _on_your_data_toggled(self) -> None:
        if not self.runner.is_running() and not self.model.cases:
            self._sync_rows()

    def _clear_waiting(self) -> None:
        for cell in self.cells.values():
            if cell.placeholder == "waiting":
                cell.set_placeholder("")

    def _on_cell(self, cell) -> None:
        self._show_cell(cell)
        self._update_highlight(cell.case)

    def _show_cell(self, cell) -> None:
        widget = self.cells.get((cell.case, cell.method))
        case = self.model.case(cell.case)
        if widget is None or case is None or widget.shown is cell:
            return
        widget.shown = cell
        method = next(m for m in self.model.methods if m.key == cell.method)
        if cell.labels is None:
            widget.set_points(case.X, None)
        else:
            widget.set_points(case.X, self.model.shown_labels(cell.case, cell.method))
        widget.set_caption(_score_text(cell), failed=cell.error is not None)
        detail = cell.error or cell.note
        widget.setToolTip(f"{method.label} on {case.title}: {detail}\nClick to open this case in Explore.")

    def _update_highlight(self, case_key: str) -> None:
        scores = {m.key: self.model.cell(case_key, m.key) for m in self.model.methods}
        scored = [c.score for c in scores.values() if c is not None and c.score is not None]
        best = max(scored) if scored else None
        for method_key, cell in scores.items():
            widget = self.cells.get((case_key, method_key))
            if widget is not None:
                widget.set_highlight(best is not None and cell is not None and cell.score is not None
                                     and cell.score >= best - 0.005)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR_HEX};" if error else "")
        self.status.setText(text)
