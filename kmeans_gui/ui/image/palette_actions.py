"""The Image tab's palette actions: palette files, locked colours, the quality target's controls.

A mixin of :class:`~kmeans_gui.ui.image.quantize_tab.QuantizeTab` (it uses the tab's model,
widgets and status helpers), kept apart so that the tab's file stays about layout and running.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QColorDialog, QFileDialog

from ...data.palette_files import PALETTE_FORMATS, format_of, save_palette
from ...state import words
from ...state.image import hex_of

__all__ = ["PaletteActions"]


class PaletteActions:
    """``export_palette(path)``; swatch clicks and the colour picker lock colours."""

    colour_dialog: QColorDialog | None = None

    def export_palette(self, path) -> None:
        """Write the palette in the format the file name's suffix names (.gpl, .ase, .act, .csv)."""
        if self.outcome is None:
            raise ValueError(words.NOTHING_TO_EXPORT)
        format_of(path)  # ValueError for a suffix no paint program reads, before anything else
        self._refuse_overwriting_the_image(path)
        r = self.outcome.result
        save_palette(path, r.palette, r.counts, name=f"{self._base_name()} {r.n_colors_after} colours")

    def _ask_export_palette(self) -> None:
        if self.outcome is None:
            return
        filters = ";;".join(f"{label} (*{suffix})" for suffix, label in PALETTE_FORMATS.items())
        path, chosen = QFileDialog.getSaveFileName(self, "Save palette", f"{self._base_name()}_palette.gpl", filters)
        if not path:
            return
        if not os.path.splitext(path)[1]:  # no suffix typed: take the chosen filter's
            path += next((s for s, label in PALETTE_FORMATS.items() if chosen.startswith(label)), ".gpl")
        self._save(path, self.export_palette, lambda _: f"Saved the palette to {os.path.basename(path)}.")

    def _on_swatch_clicked(self, index: int) -> None:
        """Lock the clicked palette colour (or unlock it): re-quantizing keeps it."""
        if self.outcome is None or not 0 <= index < self.outcome.result.n_colors_after:
            return
        rgb = self.outcome.result.palette[index]
        try:
            now_locked = self.model.toggle_locked(rgb)
        except ValueError as exc:
            self._show_error(str(exc), dialog=False)
            return
        text = words.locked_changed(hex_of(rgb), now_locked, len(self.model.locked_colours()))
        self._set_status(text)
        self._say(text)

    def _ask_colour(self) -> None:
        """Offer a colour picker (non-blocking); the colour chosen is locked."""
        if self.colour_dialog is None:
            self.colour_dialog = QColorDialog(self)
            self.colour_dialog.setWindowTitle("Lock a colour")
            self.colour_dialog.colorSelected.connect(self._lock_picked)
        self.colour_dialog.open()

    def _lock_picked(self, colour) -> None:
        rgb = (colour.red(), colour.green(), colour.blue())
        if hex_of(rgb) in self.model.locked_colours():
            return
        try:
            self.model.toggle_locked(rgb)
        except ValueError as exc:
            self._show_error(str(exc), dialog=False)
            return
        text = words.locked_changed(hex_of(rgb), True, len(self.model.locked_colours()))
        self._set_status(text)
        self._say(text)

    def _show_locked_swatches(self) -> None:
        if self.outcome is None:
            return
        pinned = set(self.model.locked_colours())
        self.palette_strip.set_locked([hex_of(c) in pinned for c in self.outcome.result.palette])

    def _on_target_changed(self) -> None:
        by_hand = self.model.target == "k"
        self.quality.show_target(self.model.target)
        self.k_slider.setEnabled(by_hand)
        self.k_spin.setEnabled(by_hand)
        if by_hand:
            self._show_k(self.model.k)  # the k controls may show the k a search found
