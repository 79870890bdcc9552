"""Export a view as a PNG: the canvas, one of the charts, or the whole tab, at a size the user picks."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QRegion
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QRadioButton, QSpinBox, QVBoxLayout,
    QWidget,
)

from .blocking import signals_blocked
from .pictures import whole_pictures

__all__ = ["ExportDialog", "render_widget", "save_png", "MIN_EXPORT_WIDTH", "MAX_EXPORT_WIDTH"]

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
    try:
        # QWidget's render, called unbound: a chart is a QGraphicsView, whose own render() takes
        # other arguments and refused these. whole_pictures(): big data drawn in full at once.
        with whole_pictures():
            QWidget.render(widget, painter, QPoint(), QRegion(),
                           QWidget.RenderFlag.DrawChildren | QWidget.RenderFlag.DrawWindowBackground)
    finally:
        painter.end()
    return image


def save_png(image: QImage, path) -> None:
    """Write ``image`` as a PNG atomically (an old file of that name stays whole if this fails).

    Raises
    ------
    OSError or ValueError
        The folder is missing or not writable, the disk is full; the message names the path.
    """
    from ...data.atomic import atomic_write

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ValueError(f"the image ({image.width()} x {image.height()}) could not be encoded as PNG")
    buffer.close()
    atomic_write(path, lambda f: f.write(bytes(data)))


class ExportDialog(QDialog):
    """Asks what to export (the canvas, a chart or the whole tab) and how wide; ``choice()`` ->
    (widget, width).

    ``charts`` are (label, widget) pairs offered between the canvas and the whole tab; ``canvas``
    may be None for a tab without one. ``radios`` are the choices in order: ``canvas_radio`` the
    first, ``tab_radio`` the last. The size is kept as a factor of the on-screen size, so
    switching between targets keeps "twice the screen" rather than a width that would mean
    something else for another widget.
    """

    def __init__(self, canvas: QWidget | None, tab: QWidget, parent: QWidget | None = None, *,
                 charts: Sequence[tuple[str, QWidget]] = (), canvas_label: str = "The canvas only",
                 tab_label: str = "The whole tab: canvas, controls, chart and explanation"):
        super().__init__(parent)
        self.setWindowTitle("Export image")
        self._factor = 2.0
        targets = ([(canvas_label, canvas)] if canvas is not None else []) + list(charts) + [(tab_label, tab)]
        self.radios: list[QRadioButton] = []
        self._targets: dict[QRadioButton, QWidget] = {}
        group = QButtonGroup(self)
        for label, widget in targets:
            radio = QRadioButton(label)
            group.addButton(radio)
            self.radios.append(radio)
            self._targets[radio] = widget
        self.canvas_radio, self.tab_radio = self.radios[0], self.radios[-1]
        self.canvas_radio.setChecked(True)
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
        for radio in self.radios:
            layout.addWidget(radio)
            radio.toggled.connect(lambda checked: checked and self.set_factor(self._factor))
        layout.addLayout(form)
        layout.addWidget(buttons)

        self.width_spin.valueChanged.connect(self._on_width)
        self.set_factor(self._factor)

    def target(self) -> QWidget:
        return next(self._targets[r] for r in self.radios if r.isChecked())

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
