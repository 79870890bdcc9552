"""Every question the sessions ask the user, as modal dialogs: where to open or save, whether to
save unsaved changes, whether to restore crashed work. ``SessionController.dialogs`` is an instance
of :class:`Dialogs`; tests and scripts substitute an object with the same methods that answers at
once, so nothing blocks. The boxes are built by functions, so a script can show and grab them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..state import session

__all__ = ["Dialogs", "unsaved_box", "restore_box", "IMAGE_SUFFIXES", "OPEN_FILTER", "SESSION_FILTER"]

SESSION_FILTER = f"k-means sessions (*{session.SUFFIX})"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
OPEN_FILTER = (f"Sessions and images (*{session.SUFFIX} {' '.join('*' + s for s in IMAGE_SUFFIXES)});;"
               f"{SESSION_FILTER};;All files (*)")


def unsaved_box(parent, name: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                      f"Save the changes to {name} before closing it?", parent=parent)
    box.setInformativeText("If you don't save, your changes since the last save are lost.")
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    return box


def restore_box(parent, description: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, "Restore your work?",
                      "kmeans-gui did not close normally last time.", parent=parent)
    box.setInformativeText(f"{description}\n\nRestore it? Discard deletes the autosaved copy.")
    box.restore_button = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(box.restore_button)
    return box


class Dialogs:
    """Every question the sessions ask, as modal dialogs. Tests substitute an object with the same
    methods that answers at once."""

    def __init__(self, parent):
        self.parent = parent

    def ask_open_path(self, folder: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, "Open", folder, OPEN_FILTER)
        return path or None

    def ask_save_path(self, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, "Save session", suggested, SESSION_FILTER)
        return path or None

    def ask_unsaved(self, name: str) -> str:
        """"save", "discard" or "cancel"."""
        answer = unsaved_box(self.parent, name).exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")

    def ask_restore(self, description: str) -> bool:
        box = restore_box(self.parent, description)
        box.exec()
        return box.clickedButton() is box.restore_button

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.parent, title, text)
