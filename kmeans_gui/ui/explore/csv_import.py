"""How a CSV file reaches the Explore tab: File > Import CSV…, or a .csv dropped on the window
(routed here by :class:`~kmeans_gui.ui.drops.DropRouter`).

Both open an :class:`~kmeans_gui.ui.explore.import_dialog.ImportDialog` (window-modal, not
blocking: the event loop runs while the file is read); the table it reads goes to the Explore
state through :func:`apply_table`.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from ...data.table import Table
from ...state.params import MAX_K
from ...state.table_data import PreparedTable, prepare_table
from .import_dialog import ImportDialog

__all__ = ["CsvImport", "apply_table", "prepare_import", "CSV_SUFFIXES"]

CSV_SUFFIXES = (".csv", ".tsv", ".txt")


def prepare_import(table: Table) -> PreparedTable:
    """``table`` checked and projected for the Explore state: slow on big tables, so run on the
    import's worker (ValueError if the state would refuse it)."""
    # Standardised values are not the file's: their names say so, on the axes and in a CSV export.
    names = tuple(f"{name} (standardised)" for name in table.columns) if table.standardized else table.columns
    return prepare_table(table.X, true_labels=table.labels, feature_names=names,
                         source=os.path.basename(table.layout.path),
                         label_names=table.label_names if table.labels is not None else None)


def apply_table(state, table: Table, prepared: PreparedTable | None = None, *, match_k: bool = False) -> int | None:
    """Put ``table``'s features, names and true labels into the Explore state ``state`` (one undo
    step); ValueError, changing nothing, if the state refuses them. ``prepared``, from
    :func:`prepare_import` on a worker, is adopted as it is.

    With ``match_k`` (the Data panel's "Set k to match"), k becomes the number of true classes,
    as it does for a dataset; returns that k, or None when k was left alone.
    """
    k = classes_k(table) if match_k else None
    state.set_table(prepared=prepared if prepared is not None else prepare_import(table), k=k)
    return k


def classes_k(table: Table) -> int | None:
    """How many classes the table's label column holds, when that is a k the app offers."""
    if table.labels is None:
        return None
    classes = int(np.unique(table.labels).shape[0])
    return classes if 2 <= classes <= MAX_K else None


class CsvImport(QObject):
    """File > Import CSV… for ``window`` (a MainWindow): ``dialog`` is the one open, if any."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.dialog: ImportDialog | None = None
        self._folder = os.path.expanduser("~")

    def ask(self) -> ImportDialog | None:
        """File > Import CSV…: choose a file, then preview it."""
        path, _ = QFileDialog.getOpenFileName(self.window, "Import CSV", self._folder,
                                              "CSV tables (*.csv *.tsv *.txt);;All files (*)")
        return self.open_path(path) if path else None

    def open_path(self, path) -> ImportDialog:
        """Show the import dialog for ``path`` (a problem with the file is shown in it)."""
        path = os.fspath(path)
        self._folder = os.path.dirname(os.path.abspath(path))
        self.shutdown()  # one import at a time: a read still running in an older dialog stops
        window = self.window
        window.tabs.setCurrentWidget(window.explore)
        dialog = ImportDialog(path, apply=self._apply, k=window.state.params.k, parent=window,
                              prepare=prepare_import)
        dialog.finished.connect(lambda _result, d=dialog: self._forget(d))
        self.dialog = dialog
        dialog.open()
        # Keys typed next belong to the dialog, never to the window's single-key shortcuts (Space
        # plays): some platforms (offscreen) leave the window active after open().
        dialog.activateWindow()
        return dialog

    def _apply(self, table: Table, prepared: PreparedTable | None = None) -> None:
        state = self.window.state
        version = state.data_version
        try:
            k = apply_table(state, table, prepared, match_k=self.window.dataset_panel.suggest_k.isChecked())
        except ValueError as exc:
            if state.data_version == version:
                raise  # refused, nothing changed: the dialog says why
            # The data did change and a view failed on them: a bug, not a bad file.
            raise RuntimeError(f"showing the imported table failed: {exc}") from exc
        notes = "".join(f"; {note}" for note in table.notes)
        scaled = ", standardised" if table.standardized else ""
        truth = f", true labels from {table.label_column!r}" if table.label_column is not None else ""
        if k is not None:
            truth += f"; k = {k} to match its {k} classes"
        self.window.show_message(f"Imported {os.path.basename(table.layout.path)}: {table.n_rows:,} rows × "
                                 f"{table.n_features} features{scaled}{truth}{notes}")

    def _forget(self, dialog: ImportDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def shutdown(self, wait: bool = False) -> None:
        """Close the dialog and stop its reading. ``wait`` (the window closing): also let the
        worker return, so no read outlives the window (a read stops within a block of lines; the
        table's preparation, once started, runs to its end)."""
        if self.dialog is not None:
            runner = self.dialog.runner
            runner.cancel(emit=False)
            self.dialog.reject()
            if wait:
                runner.wait(10.0)
