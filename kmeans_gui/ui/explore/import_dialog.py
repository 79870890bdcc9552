"""File > Import CSV: a preview of the file, its layout (delimiter, header) and the columns to use.

The dialog sniffs the file's first megabyte (:func:`~kmeans_gui.data.csv_layout.sniff_csv`, a few
milliseconds) on the GUI thread, so every change of delimiter or header re-previews at once; the
whole file is read by :func:`~kmeans_gui.data.table.load_csv` on a :class:`TaskRunner` worker, with
a progress bar and Cancel. Every problem the library finds is shown in the dialog in its own words;
the data on screen change only when a table was read completely and ``apply`` took it.
"""

from __future__ import annotations

import os
from typing import Callable

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
    QLabel, QListWidget, QListWidgetItem, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from ...data.csv_layout import DELIMITERS, CsvError, CsvLayout, sniff_csv
from ...data.table import NonFiniteRows, Table, check_k, load_csv
from ..common.blocking import signals_blocked
from ..common.tasks import TaskRunner

__all__ = ["ImportDialog", "read_table_task", "DELIMITER_LABELS"]

#: The delimiter choices as the combo box shows them, in the order the sniffer prefers them.
DELIMITER_LABELS = {",": "Comma  ,", ";": "Semicolon  ;", "\t": "Tab", "|": "Pipe  |"}
NO_LABEL = "(none)"
PROGRESS_STEPS = 1000
#: Lines per block read on the worker: NumPy's parser holds the GIL for a whole block, and 10,000
#: lines of a few numbers take 10-20 ms, so the GUI thread gets its turn between blocks.
READ_CHUNK_ROWS = 10_000


def read_table_task(ctx, layout: CsvLayout, columns, label_column, standardize: bool, drop_nonfinite: bool,
                    k: int | None, prepare: Callable[[Table], object] | None = None):
    """Read the table on the worker; a problem with the file comes back as its exception, as a result.

    ``prepare``, when given, is called on the table here too (the slow part of taking it in).

    Returns
    -------
    Table, or (Table, what ``prepare`` made) when ``prepare`` is given,
    or the CsvError / ValueError that names what is wrong (a NonFiniteRows says how many rows)
        Returned rather than raised so the dialog keeps the exception's type and counts (TaskRunner
        passes a failure on as text only) and nothing prints a traceback for a user's bad file.
    """
    try:
        table = load_csv(layout.path, layout=layout, columns=columns, label_column=label_column,
                         standardize=standardize, drop_nonfinite=drop_nonfinite,
                         progress=ctx.set_progress, should_stop=ctx.check_cancelled, chunk_rows=READ_CHUNK_ROWS)
        if k is not None:
            check_k(table, k)
        if prepare is not None:
            ctx.set_progress(1.0, "Preparing the view…")
            return table, prepare(table)
    except (CsvError, ValueError) as exc:
        return exc
    except OSError as exc:  # the file vanished or became unreadable halfway
        return CsvError(f"{layout.path}: cannot be read ({exc.strerror or exc}).")
    return table


class ImportDialog(QDialog):
    """Preview a CSV file, choose its layout and columns, read it on a worker, hand the table on.

    Parameters
    ----------
    path : str
    apply : callable(Table), optional
        Called on the GUI thread with the table read; a ValueError it raises is shown in the dialog
        (which stays open), anything else closes the dialog as accepted.
    prepare : callable(Table) -> object, optional
        Run on the worker after reading (a ValueError it raises is shown); then ``apply`` is called
        as ``apply(table, prepared)``, so the GUI thread only adopts what the worker made.
    k : int, optional
        The current number of clusters: a table with fewer distinct rows is refused with a message.

    Signals
    -------
    imported(object)
        The :class:`Table`, after ``apply`` took it.
    """

    imported = Signal(object)

    def __init__(self, path, apply: Callable[..., None] | None = None, k: int | None = None,
                 parent: QWidget | None = None, prepare: Callable[[Table], object] | None = None):
        super().__init__(parent)
        self.path = os.fspath(path)
        self._apply = apply
        self._prepare = prepare
        self._k = k
        self.layout_: CsvLayout | None = None
        self.table: Table | None = None
        self.setWindowTitle(f"Import {os.path.basename(self.path)}")
        self.runner = TaskRunner(self)
        self.runner.connect_handlers(self)
        self._build()
        self.resize(760, 620)
        self._sniff()

    # ------------------------------------------------------------------ widgets
    def _build(self) -> None:
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.delimiter_combo = QComboBox()
        for delimiter in DELIMITERS:
            self.delimiter_combo.addItem(DELIMITER_LABELS[delimiter], delimiter)
        self.delimiter_combo.currentIndexChanged.connect(self._on_delimiter_chosen)
        self.header_check = QCheckBox("First row holds the column names")
        self.header_check.toggled.connect(self._on_header_toggled)
        layout_row = QHBoxLayout()
        layout_row.addWidget(QLabel("Delimiter"))
        layout_row.addWidget(self.delimiter_combo)
        layout_row.addSpacing(16)
        layout_row.addWidget(self.header_check)
        layout_row.addStretch(1)

        self.preview_table = QTableWidget()
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # One text line per row: the preview should show as many of its rows as it can.
        self.preview_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)

        self.features_list = QListWidget()
        self.features_list.setToolTip("The columns k-means clusters; numeric ones are ticked to begin with.")
        self.features_list.itemChanged.connect(self._update_summary)
        self.label_combo = QComboBox()
        self.label_combo.setToolTip("A column of true classes: not clustered, kept to score the clustering.")
        self.label_combo.currentIndexChanged.connect(self._on_label_chosen)
        self.standardize_check = QCheckBox("Standardise features (each to mean 0, standard deviation 1)")
        self.standardize_check.setToolTip("Use this when columns have different units or scales: k-means "
                                          "measures plain distances, so a wide column would dominate.")
        self.standardize_check.toggled.connect(self._update_summary)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Features", self.features_list)
        form.addRow("True labels", self.label_combo)
        form.addRow("", self.standardize_check)

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setStyleSheet("color: #a61b1b;")
        self.message_label.hide()
        self.drop_button = QPushButton()
        self.drop_button.setAutoDefault(False)
        self.drop_button.clicked.connect(self._import_dropping)
        self.drop_button.hide()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel()
        self.progress_bar.hide()
        self.progress_label.hide()

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(lambda: self.start_import())
        self.cancel_button.clicked.connect(self.cancel_or_close)

        main = QVBoxLayout(self)
        main.addWidget(self.file_label)
        main.addLayout(layout_row)
        main.addWidget(self.preview_table, 3)
        main.addLayout(form, 2)
        main.addWidget(self.summary_label)
        main.addWidget(self.message_label)
        main.addWidget(self.drop_button, 0, Qt.AlignmentFlag.AlignLeft)
        main.addWidget(self.progress_label)
        main.addWidget(self.progress_bar)
        main.addWidget(self.buttons)

    # ------------------------------------------------------------------ sniffing and preview
    def _sniff(self, delimiter: str | None = None, has_header: bool | None = None) -> None:
        """Guess (or, given, apply) the layout and show it; a CsvError is shown and disables Import."""
        self._clear_message()
        try:
            layout = sniff_csv(self.path, delimiter=delimiter, has_header=has_header)
        except CsvError as exc:
            self.layout_ = None
            self._show_layout(None)
            self._show_error(str(exc))
            return
        self.layout_ = layout
        self._show_layout(layout)
        if not layout.preview:
            # Every column looks like text then; say what is really wrong before anything else.
            what = "has a header but no data rows" if layout.has_header else "has no data rows"
            self._show_error(f"{os.path.basename(self.path)} {what}; k-means needs at least two rows.")

    def _show_layout(self, layout: CsvLayout | None) -> None:
        name = os.path.basename(self.path)
        with signals_blocked(self.delimiter_combo, self.header_check, self.label_combo, self.features_list):
            self.preview_table.clear()
            self.features_list.clear()
            self.label_combo.clear()
            if layout is None:
                self.file_label.setText(f"<b>{_escape(name)}</b>")
                self.delimiter_combo.setCurrentIndex(-1)  # so that any choice re-reads the file
                self.preview_table.setRowCount(0)
                self.preview_table.setColumnCount(0)
            else:
                self._fill(layout)
        has_layout = layout is not None
        for widget in (self.preview_table, self.features_list, self.label_combo, self.standardize_check,
                       self.header_check):
            widget.setEnabled(has_layout)
        self._update_summary()

    def _fill(self, layout: CsvLayout) -> None:
        name = os.path.basename(self.path)
        details = [_size_text(layout.size_bytes), "UTF-8" if layout.encoding.startswith("utf") else layout.encoding,
                   f"{layout.n_columns} column{'s' * (layout.n_columns != 1)}"]
        notes = "".join(f"<br><i>{_escape(note[:1].upper() + note[1:])}.</i>" for note in layout.notes)
        self.file_label.setText(f"<b>{_escape(name)}</b> &nbsp; {', '.join(details)}{notes}")
        index = self.delimiter_combo.findData(layout.delimiter)
        if index < 0:
            self.delimiter_combo.addItem(repr(layout.delimiter), layout.delimiter)
            index = self.delimiter_combo.count() - 1
        self.delimiter_combo.setCurrentIndex(index)
        self.header_check.setChecked(layout.has_header)

        table = self.preview_table
        table.setColumnCount(layout.n_columns)
        table.setRowCount(len(layout.preview))
        table.setHorizontalHeaderLabels([_column_title(n, is_num) for n, is_num in zip(layout.names, layout.numeric)])
        for r, row in enumerate(layout.preview):
            for c, cell in enumerate(row[: layout.n_columns]):
                item = QTableWidgetItem(cell)
                if layout.numeric[c]:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

        label = layout.guess_label_column()
        self.label_combo.addItem(NO_LABEL, None)
        for i, column in enumerate(layout.names):
            self.label_combo.addItem(column, i)
        self.label_combo.setCurrentIndex(0 if label is None else label + 1)
        features = set(layout.default_features(label))
        for i, column in enumerate(layout.names):
            item = QListWidgetItem(column if layout.numeric[i] else f"{column}   (text)")
            item.setData(Qt.ItemDataRole.UserRole, i)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if i in features else Qt.CheckState.Unchecked)
            self.features_list.addItem(item)
        self._mark_label_item()

    def _on_delimiter_chosen(self, _index: int) -> None:
        delimiter = self.delimiter_combo.currentData()
        if delimiter is not None:
            self._sniff(delimiter=delimiter)  # the header is guessed again for the new columns

    def _on_header_toggled(self, checked: bool) -> None:
        self._sniff(delimiter=self.delimiter_combo.currentData(), has_header=checked)

    def _on_label_chosen(self, _index: int) -> None:
        self._mark_label_item()
        self._update_summary()

    def _mark_label_item(self) -> None:
        """The label column is never a feature: its box is unticked and cannot be ticked."""
        label = self.label_column()
        with signals_blocked(self.features_list):
            for row in range(self.features_list.count()):
                item = self.features_list.item(row)
                is_label = item.data(Qt.ItemDataRole.UserRole) == label
                flags = item.flags()
                if is_label:
                    item.setCheckState(Qt.CheckState.Unchecked)
                    item.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled)
                elif not flags & Qt.ItemFlag.ItemIsEnabled:
                    item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled)
                    if self.layout_ is not None and self.layout_.numeric[item.data(Qt.ItemDataRole.UserRole)]:
                        item.setCheckState(Qt.CheckState.Checked)  # a former label column, numeric: a feature again

    # ------------------------------------------------------------------ the choice
    def feature_columns(self) -> tuple[int, ...]:
        """The ticked columns, as 0-based indices into the file's columns."""
        return tuple(self.features_list.item(r).data(Qt.ItemDataRole.UserRole)
                     for r in range(self.features_list.count())
                     if self.features_list.item(r).checkState() == Qt.CheckState.Checked)

    def label_column(self) -> int | None:
        return self.label_combo.currentData()

    def _update_summary(self, *_args) -> None:
        features = self.feature_columns() if self.layout_ is not None else ()
        reading = self.runner.is_running()
        if self.layout_ is None:
            self.summary_label.setText("")
        elif len(features) < 2:
            self.summary_label.setText("Tick at least two feature columns: k-means here needs two or more.")
        else:
            names = ", ".join(self.layout_.names[i] for i in features[:8]) + (", …" if len(features) > 8 else "")
            label = self.label_column()
            truth = f"; true labels from {self.layout_.names[label]!r}" if label is not None else ""
            hint = "" if self.standardize_check.isChecked() else _spread_hint(self.layout_, features)
            self.summary_label.setText(f"{len(features)} features: {names}{truth}.{hint}")
        self.import_button.setEnabled(self.layout_ is not None and len(features) >= 2 and not reading)

    # ------------------------------------------------------------------ reading on the worker
    def start_import(self, drop_nonfinite: bool = False) -> None:
        """Read the whole file with the choices made, on the worker (Import)."""
        if self.layout_ is None or len(self.feature_columns()) < 2 or self.runner.is_running():
            return
        self._clear_message()
        self.runner.submit(read_table_task, self.layout_, self.feature_columns(), self.label_column(),
                           self.standardize_check.isChecked(), drop_nonfinite, self._k, self._prepare)

    def _import_dropping(self) -> None:
        self.start_import(drop_nonfinite=True)

    def cancel_or_close(self) -> None:
        """Cancel: stops a read in progress (the dialog stays, nothing changed), else closes."""
        if self.runner.is_running():
            self.runner.cancel()
        else:
            self.reject()

    def _on_running_changed(self, running: bool) -> None:
        for widget in (self.delimiter_combo, self.header_check, self.features_list, self.label_combo,
                       self.standardize_check, self.drop_button):
            widget.setEnabled(not running and (self.layout_ is not None or widget is self.delimiter_combo))
        self.progress_bar.setVisible(running)
        self.progress_label.setVisible(running)
        if running:
            self.progress_bar.setValue(0)
            self.progress_label.setText(f"Reading {os.path.basename(self.path)}…")
        self._update_summary()

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(round(fraction * PROGRESS_STEPS))
        if message:
            self.progress_label.setText(message)

    def _on_cancelled(self) -> None:
        self._show_error("Import cancelled; nothing was changed.", error=False)

    def _on_failed(self, message: str) -> None:
        self._show_error(f"Could not read {os.path.basename(self.path)}: {message}")

    def _on_finished(self, result) -> None:
        if isinstance(result, NonFiniteRows):
            self._show_error(str(result))
            left = result.n_total - result.n_rows
            self.drop_button.setText(f"Drop those {result.n_rows:,} rows and import the other {left:,}")
            self.drop_button.show()
            return
        if isinstance(result, Exception):
            self._show_error(str(result))
            return
        result, prepared = result if isinstance(result, tuple) else (result, None)
        if self._apply is not None:
            try:
                self._apply(result, prepared) if self._prepare is not None else self._apply(result)
            except ValueError as exc:
                self._show_error(str(exc))
                return
        self.table = result
        self.imported.emit(result)
        self.accept()

    def _show_error(self, text: str, error: bool = True) -> None:
        self.message_label.setStyleSheet("color: #a61b1b;" if error else "")
        self.message_label.setText(text)
        self.message_label.show()
        self.drop_button.hide()

    def _clear_message(self) -> None:
        self.message_label.clear()
        self.message_label.hide()
        self.drop_button.hide()

    def message_text(self) -> str:
        """What the dialog says about a problem now ("" when nothing is wrong)."""
        return self.message_label.text() if not self.message_label.isHidden() else ""

    # ------------------------------------------------------------------ closing
    def done(self, result: int) -> None:
        # Closing (Import done, Cancel, Esc, the window's close box) ends the worker: a read still
        # running stops at its next block and its result is ignored.
        self.runner.shutdown(wait=False)
        super().done(result)

    def reject(self) -> None:
        if self.runner.is_running():
            self.runner.cancel()  # Esc while reading: stop reading first, close on the second press
            return
        super().reject()


#: Columns whose spreads differ more than this (in the preview) get a hint to standardise.
SPREAD_RATIO_HINT = 100.0


def _spread_hint(layout: CsvLayout, features) -> str:
    """A sentence suggesting Standardise when the preview's feature columns differ in spread more
    than :data:`SPREAD_RATIO_HINT` times (wine's proline against its hue: k-means would see
    proline alone); "" otherwise."""
    spreads = {}
    for i in features:
        values = []
        for row in layout.preview:
            cell = row[i].strip() if i < len(row) else ""
            try:
                values.append(float(cell.replace(",", ".") if layout.decimal == "," else cell))
            except ValueError:
                continue
        finite = np.asarray(values, dtype=float)
        finite = finite[np.isfinite(finite)]
        if finite.size >= 2 and finite.std() > 0:
            spreads[i] = float(finite.std())
    if len(spreads) < 2:
        return ""
    wide = max(spreads, key=spreads.get)
    narrow = min(spreads, key=spreads.get)
    ratio = spreads[wide] / spreads[narrow]
    if ratio < SPREAD_RATIO_HINT:
        return ""
    return (f" Their spreads differ up to {ratio:,.0f}× ({layout.names[wide]!r} against {layout.names[narrow]!r}):"
            f" unstandardised, the distances follow {layout.names[wide]!r} almost alone; tick Standardise to"
            " weigh the columns alike.")


def _column_title(name: str, numeric: bool) -> str:
    return name if numeric else f"{name} (text)"


def _size_text(n_bytes: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n_bytes >= size:
            return f"{n_bytes / size:.1f} {unit}"
    return f"{n_bytes} bytes"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
