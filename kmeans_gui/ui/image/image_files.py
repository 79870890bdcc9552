"""The Image tab's files: opening an image (dialog or drop) and saving the result as an
indexed PNG or a palette CSV, atomically and never over the image being quantized.

A mixin of :class:`~kmeans_gui.ui.image.quantize_tab.QuantizeTab` (it uses the tab's model,
``open_file`` and status helpers), as :mod:`.palette_actions` is.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog

from ...data.atomic import atomic_write, same_file
from ...engine.quantize import indexed_png_bytes, write_palette_csv
from ...state import words

__all__ = ["ImageFiles"]


class ImageFiles:
    """``export_png(path)``, ``export_palette_csv(path)``, ``ask_open()``; drops open a file."""

    def export_png(self, path) -> int:
        """Write the result as an indexed PNG; returns the file size in bytes."""
        if self.outcome is None:
            raise ValueError(words.NOTHING_TO_EXPORT)
        data = indexed_png_bytes(self.outcome.result.indices, self.outcome.result.palette)
        self._refuse_overwriting_the_image(path)
        atomic_write(path, lambda f: f.write(data))
        return len(data)

    def export_palette_csv(self, path) -> None:
        if self.outcome is None:
            raise ValueError(words.NOTHING_TO_EXPORT)
        self._refuse_overwriting_the_image(path)
        r = self.outcome.result
        atomic_write(path, lambda f: write_palette_csv(f, r.palette, r.counts), text=True)

    def _refuse_overwriting_the_image(self, path) -> None:
        source = self.loaded.path if self.loaded else None
        if source and os.path.exists(source) and same_file(path, source):
            raise OSError(17, "that is the image being quantized; choose another file name", os.fspath(path))

    @staticmethod
    def _dropped_path(mime) -> str | None:
        if mime is None or not mime.hasUrls():
            return None
        urls = [u for u in mime.urls() if u.isLocalFile()]
        return urls[0].toLocalFile() if urls else None

    def dragEnterEvent(self, event) -> None:
        if self._dropped_path(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        path = self._dropped_path(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.open_file(path)

    def ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open image", "", "Images (*.png *.jpg *.jpeg *.gif *.bmp *.tif *.tiff *.webp);;All files (*)"
        )
        if path:
            self.open_file(path)

    def _ask_export_png(self) -> None:
        if self.outcome is None:
            return
        default = f"{self._base_name()}_k{self.outcome.result.n_colors}.png"
        path, _ = QFileDialog.getSaveFileName(self, "Save indexed PNG", default, "PNG image (*.png)")
        if path:
            self._save(path, self.export_png, lambda size: f"Saved {os.path.basename(path)} ({size / 1024:.1f} KiB).")

    def _ask_export_csv(self) -> None:
        if self.outcome is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save palette", "palette.csv", "CSV (*.csv)")
        if path:
            self._save(path, self.export_palette_csv, lambda _: f"Saved the palette to {os.path.basename(path)}.")

    def _save(self, path, write, saved) -> None:
        """``write(path)``, then say ``saved(what write returned)``, or why nothing was written."""
        try:
            written = write(path)
        except ValueError as exc:  # what the file name asks for cannot be written (a palette suffix)
            self._show_error(str(exc))
        except OSError as exc:
            self._show_error(words.could_not_write(path, exc.strerror or exc))
        else:
            self._set_status(saved(written))

    def _base_name(self) -> str:
        """The loaded image's file name without its suffix, for the names offered to save under."""
        return os.path.splitext(self.loaded.name if self.loaded else "image")[0]
