"""Exceptions that escape anywhere in the GUI: a dialog with the details, a log file, and the app
goes on.

:func:`install` sets ``sys.excepthook`` (an exception in a Qt slot or event handler ends up there)
and ``threading.excepthook`` (a worker thread's); both hand the exception to one
:class:`CrashReporter` on the GUI thread, which appends it to ``kmeans-gui.log`` in the data
directory and shows a non-modal :class:`CrashDialog` (Copy puts the details on the clipboard).
The slot that raised is abandoned; the models were either changed or not, never half, because
they validate before they change, so the work on screen stays intact.
"""

from __future__ import annotations

import datetime
import os
import sys
import threading
import traceback

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from .common.settings import data_dir

__all__ = ["CrashReporter", "CrashDialog", "install", "LOG_NAME"]

LOG_NAME = "kmeans-gui.log"
MAX_DIALOGS = 3  # an exception on every paint must not bury the window under dialogs


class CrashDialog(QDialog):
    """The details of one exception, with Copy and Close. Not modal: the window stays usable."""

    def __init__(self, summary: str, details: str, log_path: str | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.resize(640, 380)
        layout = QVBoxLayout(self)
        where = f"<br>The details are also in <code>{log_path}</code>." if log_path else ""
        self.summary = QLabel(
            f"<b>An error occurred, and the last action was not completed.</b><br>"
            f"Your points and settings are still there; you can go on working (and save).{where}"
            f"<br><br>{_escape(summary)}")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy details")
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.close_button.clicked.connect(self.close)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText("Copied")


class CrashReporter(QObject):
    """Logs and shows exceptions; ``report`` may be called from any thread.

    Attributes
    ----------
    dialogs : list of CrashDialog -- the dialogs shown and not yet closed
    reported : int -- how many exceptions were reported
    show_dialogs : bool -- False logs only (scripts that must never open a window)
    """

    _arrived = Signal(str, str)

    def __init__(self, parent_widget=None, log_dir: str | None = None):
        super().__init__()
        self.parent_widget = parent_widget
        self.log_dir = log_dir
        self.dialogs: list[CrashDialog] = []
        self.reported = 0
        self.show_dialogs = True
        # Queued: a worker thread's exception is shown by the GUI thread.
        self._arrived.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @property
    def log_path(self) -> str:
        return os.path.join(self.log_dir or data_dir(), LOG_NAME)

    def report(self, exc_type, exc, tb, where: str = "") -> None:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        summary = "".join(traceback.format_exception_only(exc_type, exc)).strip()
        if where:
            details = f"In {where}:\n{details}"
        self._log(details)
        self._arrived.emit(summary, details)

    def _log(self, details: str) -> None:
        stamp = datetime.datetime.now().isoformat(timespec="seconds")
        try:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(f"--- {stamp}\n{details}\n")
        except OSError as exc:  # a log we cannot write must not raise from the exception hook
            print(f"kmeans-gui: could not write {self.log_path}: {exc}", file=sys.stderr)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        self.reported += 1
        print(details, file=sys.stderr)
        self.dialogs = [d for d in self.dialogs if _alive(d)]
        if not self.show_dialogs or len(self.dialogs) >= MAX_DIALOGS:
            return
        dialog = CrashDialog(summary, details, self.log_path, self.parent_widget)
        dialog.destroyed.connect(lambda *_: self._forget(dialog))
        self.dialogs.append(dialog)
        dialog.show()

    def _forget(self, dialog) -> None:
        self.dialogs = [d for d in self.dialogs if d is not dialog]

    def close_dialogs(self) -> None:
        for dialog in list(self.dialogs):
            if _alive(dialog):
                dialog.close()
        self.dialogs = []


def _alive(widget) -> bool:
    try:
        widget.isVisible()
        return True
    except RuntimeError:  # its C++ object is gone
        return False


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def install(reporter: CrashReporter):
    """Route ``sys.excepthook`` and ``threading.excepthook`` to ``reporter``; returns a function
    that puts the previous hooks back."""
    previous = (sys.excepthook, threading.excepthook)

    def on_exception(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            previous[0](exc_type, exc, tb)
            return
        reporter.report(exc_type, exc, tb)

    def on_thread_exception(args):
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "a thread"
        reporter.report(args.exc_type, args.exc_value, args.exc_traceback, where=f"thread {name}")

    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception

    def uninstall() -> None:
        sys.excepthook, threading.excepthook = previous

    return uninstall
