"""Where the app keeps its own files: the data directory (autosave, crash log) and its QSettings.

``KMEANS_GUI_DATA_DIR`` overrides the data directory, and then the settings live there too
(``settings.ini``), so a test or a demo that sets it touches nothing of the user's.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings, QStandardPaths

__all__ = ["data_dir", "app_settings", "DATA_DIR_ENV"]

DATA_DIR_ENV = "KMEANS_GUI_DATA_DIR"
APP_NAME = "kmeans-gui"


def data_dir() -> str:
    """The folder for autosaves and the crash log (created if missing)."""
    folder = os.environ.get(DATA_DIR_ENV) or QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppDataLocation)
    if not folder:  # no home directory at all: better a temporary folder than nothing
        import tempfile

        folder = os.path.join(tempfile.gettempdir(), APP_NAME)
    os.makedirs(folder, exist_ok=True)
    return folder


def app_settings() -> QSettings:
    """The app's QSettings: window geometry, splitter sizes, recent files, last settings."""
    if os.environ.get(DATA_DIR_ENV):
        return QSettings(os.path.join(data_dir(), "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(APP_NAME, APP_NAME)
