"""Files dropped anywhere on the main window go where their kind belongs, whichever tab is under
the cursor: a table (.csv, .tsv, .txt) to the CSV import (on the Explore tab), a session to Open,
an image to the Image tab.

Qt hands a drag to the widget under the cursor that accepts drops (the Image tab does, for
images), else to its parents up to the window; so the router watches the window and every
widget in it that accepts drops, and decides before any of them does.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from ..state import session
from .explore.csv_import import CSV_SUFFIXES
from .session_dialogs import IMAGE_SUFFIXES

__all__ = ["DropRouter", "drop_kind"]


def drop_kind(path: str) -> str | None:
    """"table", "session" or "image" by the file's suffix (any case); None for anything else."""
    name = path.lower()
    if name.endswith(CSV_SUFFIXES):
        return "table"
    if name.endswith(session.SUFFIX):
        return "session"
    if name.endswith(IMAGE_SUFFIXES):
        return "image"
    return None


class DropRouter(QObject):
    """Routes files dropped on ``window`` (a MainWindow): ``import_csv``, ``sessions.open_path``
    or ``open_image``, by :func:`drop_kind` of the first local file dragged that has a kind."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        window.setAcceptDrops(True)
        for widget in [window, *window.findChildren(QWidget)]:
            if widget.acceptDrops():
                widget.installEventFilter(self)

    @staticmethod
    def dropped(mime) -> tuple[str, str] | None:
        """(kind, path) of the first local file in a drag that has a kind; None otherwise."""
        if mime is None or not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile():
                path = url.toLocalFile()
                kind = drop_kind(path)
                if kind is not None:
                    return kind, path
        return None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            return super().eventFilter(watched, event)
        found = self.dropped(event.mimeData())
        if found is None:
            return super().eventFilter(watched, event)  # the widget decides (text into a field, say)
        event.acceptProposedAction()
        if kind == QEvent.Type.Drop:
            self.open(*found)
        return True

    def open(self, kind: str, path: str) -> None:
        """Open ``path`` as a ``kind`` ("table", "session" or "image") dropped on the window."""
        window = self.window
        if kind == "table":
            window.import_csv(path)
        elif kind == "session":
            window.sessions.open_path(path)
        else:
            window.open_image(os.fspath(path))
