"""Export the Explore view as a PNG: the canvas alone or the whole tab, at a size the user picks."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QRegion
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QRadioButton, QSpinBox, QVBoxLayout,
    QWidget,
)

from .blocking import signals_blocked

__all__ = ["ExportDialog", "render_widget", "MIN_EXPORT_WIDTH", "MAX_EXPORT_WIDTH"]

MIN_EXPORT_WIDTH = 200
MAX_EXPORT_WIDTH = 8000


def render_widget(widget: QWidget, width: int) -> QImage:
    """``widget`` and its children painted into a ``width`` pixels wide image, same aspect ratio.

    The widgets paint through a scaled painter, so lines and text are drawn at the new size rather
    than a screen grab being stretched.
    """
    if not MIN_EXPORT_WIDTH <= width <= MAX_EXPORT_WIDTH:
        raise ValueError(f"width {width} must be between {MIN_EXPORT_WIDTH} and {MAX_EXPORT_WIDTH} pixels")
    src = widget.size()
    scale = width / max(src.width(), 1)
    image = QImage(width, max(round(src.height() * scale), 1), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.scale(scale, scale)
    widget.render(painter, QPoint(), QRegion(),
                  QWidget.RenderFlag.DrawChildren | QWidget.RenderFlag.DrawWindowBackground)
    painter.end()
    return image


class ExportDialog(QDialog):
    """Asks what to export (the canvas or the whole tab) and how wide; ``choice()`` -> (widget, width).

    The size is kept as a factor of the on-screen size, so switching between canvas and tab keeps
    "twice the screen" rather than a width that would mean something else for the other widget.
    """

    def __init__(self, canvas: QWidget, tab: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export image")
        self._canvas, self._tab = canvas, tab
        self._factor = 2.0
        self.canvas_radio = QRadioButton("The canvas only")
        self.tab_radio = QRadioButton("The whole tab: canvas, controls, chart and explanation")
        self.canvas_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.canvas_radio)
        group.addButton(self.tab_radio)
        self.width_spin = QSpinBox()
        self.width_spin.setRange(MIN_EXPORT_WIDTH, MAX_EXPORT_WIDTH)
        self.width_spin.setSingleStep(100)
        self.width_spin.setSuffix(" px")
        self.height_label = QLabel()
        quick = QHBoxLayout()
        self.scale_buttons = []
        for factor in (1, 2, 3):
            button = QPushButton(f"{factor}× screen")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, f=factor: self.set_factor(f))
            quick.addWidget(button)
            self.scale_buttons.append(button)
        quick.addStretch(1)

        form = QFormLayout()
        form.addRow("Width", self.width_spin)
        form.addRow("Height", self.height_label)
        form.addRow("Sizes", quick)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Export"))
        layout.addWidget(self.canvas_radio)
        layout.addWidget(self.tab_radio)
        layout.addLayout(form)
        layout.addWidget(buttons)

        self.tab_radio.toggled.connect(lambda _: self.set_factor(self._factor))
        self.width_spin.valueChanged.connect(self._on_width)
        self.set_factor(self._factor)

    def target(self) -> QWidget:
        return self._tab if self.tab_radio.isChecked() else self._canvas

    def choice(self) -> tuple[QWidget, int]:
        return self.target(), self.width_spin.value()

    def set_factor(self, factor: float) -> None:
        """Width = ``factor`` times the target's width on screen (within the allowed range)."""
        self._factor = factor
        with signals_blocked(self.width_spin):
            self.width_spin.setValue(round(self.target().width() * factor))
        self._update_height()

    def _on_width(self, width: int) -> None:
        self._factor = width / max(self.target().width(), 1)
        self._update_height()

    def _update_height(self) -> None:
        target = self.target()
        height = round(target.height() * self.width_spin.value() / max(target.width(), 1))
        self.height_label.setText(f"{height} px   (on screen {target.width()} × {target.height()})")
