"""The Image tab's "Colour and quality" box: colour space, dithering and the quality target.

Only widgets; :class:`~kmeans_gui.ui.image.quantize_tab.QuantizeTab` binds them to its model.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
)

from ...state.image import SPACE_LABELS, TARGET_LABELS

__all__ = ["QualityBox"]


class QualityBox(QGroupBox):
    """``space_combo``, ``dither_check``, ``strength_spin``, ``target_combo``, ``psnr_spin``, ``delta_e_spin``,
    ``locked_label``, ``pick_button``, ``unlock_button``."""

    def __init__(self, parent=None):
        super().__init__("Colour and quality", parent)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.space_combo = QComboBox()
        for key, label in SPACE_LABELS.items():
            self.space_combo.addItem(label, key)
        self.space_combo.setToolTip(
            "Where k-means measures colour differences.\nsRGB: the pixel values (best PSNR).\n"
            "CIELAB, OKLab: spaces where equal distances look equally different (lower ΔE)."
        )
        form.addRow("Colour space", self.space_combo)
        self.dither_check = QCheckBox("Floyd-Steinberg")
        self.dither_check.setToolTip("Spread each pixel's error to its neighbours: smoother gradients, "
                                     "more noise; the exported PNG is dithered too")
        self.strength_spin = QDoubleSpinBox()
        self.strength_spin.setRange(0.05, 1.0)
        self.strength_spin.setDecimals(2)
        self.strength_spin.setSingleStep(0.05)
        self.strength_spin.setPrefix("strength ")
        self.strength_spin.setToolTip("Share of each pixel's error passed on: 1 is classic Floyd-Steinberg, "
                                      "less gives less noise and more banding")
        dither_row = QHBoxLayout()
        dither_row.addWidget(self.dither_check)
        dither_row.addWidget(self.strength_spin)
        form.addRow("Dither", dither_row)
        self.target_combo = QComboBox()
        for key, label in TARGET_LABELS.items():
            self.target_combo.addItem(label, key)
        self.target_combo.setToolTip("Set k yourself, or let the fewest colours that reach a quality be found")
        form.addRow("Colours from", self.target_combo)
        self.psnr_spin = QDoubleSpinBox()
        self.psnr_spin.setRange(10.0, 60.0)
        self.psnr_spin.setDecimals(1)
        self.psnr_spin.setSingleStep(0.5)
        self.psnr_spin.setSuffix(" dB")
        self.psnr_spin.setToolTip("The fewest colours whose PSNR reaches this")
        self.delta_e_spin = QDoubleSpinBox()
        self.delta_e_spin.setRange(0.5, 30.0)
        self.delta_e_spin.setDecimals(1)
        self.delta_e_spin.setSingleStep(0.5)
        self.delta_e_spin.setToolTip("The fewest colours whose mean ΔE 2000 stays at or below this "
                                     "(about 1: barely visible; 2-3: close; 5+: clearly different)")
        targets = QHBoxLayout()
        targets.addWidget(self.psnr_spin)
        targets.addWidget(self.delta_e_spin)
        form.addRow("Target", targets)
        self.locked_label = QLabel("Click a palette swatch to lock its colour.")
        self.locked_label.setWordWrap(True)
        self.pick_button = QPushButton("Pick a colour…")
        self.pick_button.setToolTip("Lock a colour of your choice: the palette will hold it exactly")
        self.unlock_button = QPushButton("Unlock all")
        buttons = QHBoxLayout()
        buttons.addWidget(self.pick_button)
        buttons.addWidget(self.unlock_button)
        locked_col = QVBoxLayout()
        locked_col.addWidget(self.locked_label)
        locked_col.addLayout(buttons)
        form.addRow("Locked", locked_col)

    def show_target(self, target: str) -> None:
        """Enable the spin box the target uses (the other is greyed out)."""
        self.psnr_spin.setEnabled(target == "psnr")
        self.delta_e_spin.setEnabled(target == "delta_e")

    def show_locked(self, colours: tuple) -> None:
        self.unlock_button.setEnabled(bool(colours))
        if not colours:
            self.locked_label.setText("Click a palette swatch to lock its colour.")
            return
        chips = " ".join(f"<span style='background:{c}; color:{c}'>&nbsp;&nbsp;&nbsp;</span>&nbsp;{c}" for c in colours)
        self.locked_label.setText(f"{chips}<br><small>Click a swatch again to unlock it.</small>")
