"""The "Image" tab: quantize a photo to k colours and compare with Pillow's quantizers.

Loading and quantizing run on a :class:`TaskRunner` (never on the GUI thread); the tab shows our
result as soon as it exists (a partial result) and adds the PNG size and Pillow's median cut and
fast octree when those are done. Parameter changes re-run after a short pause.
"""

from __future__ import annotations

import os

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton,
    QScrollArea, QSizePolicy, QSlider, QSpinBox, QSplitter, QVBoxLayout, QWidget,
)

from ...data.images import SAMPLE_IMAGES, LoadedImage
from ...engine.quantize import PillowResult
from ...formatting import db, size_text
from ...state import words
from ...state.image import METHOD_LABELS, RIGHT_IMAGE_CHOICES, ImageModel, Outcome, load_task, quantize_task
from ..common.binding import bind
from ..common.blocking import signals_blocked
from ..common.style import ERROR_HEX
from ..common.tasks import TaskRunner
from .colour_cloud import ColourCloud
from .figures import figures_html, html_escaped
from .image_files import ImageFiles
from .palette_actions import PaletteActions
from .palette_strip import PaletteStrip
from .quality_box import QualityBox

__all__ = ["QuantizeTab", "Outcome"]

CONTROL_WIDTH = 290
RERUN_DELAY_MS = 350


class QuantizeTab(ImageFiles, PaletteActions, QWidget):
    """Image colour quantization: ``open_file(path)``, ``load_sample(name)``, ``shutdown()``.

    The settings, the image and the outcome live in ``model`` (an :class:`ImageModel`); the widgets
    are bound to it, and the work runs on a :class:`TaskRunner`.

    Signals
    -------
    message(str)
        One-line status for the main window's status bar.
    """

    message = Signal(str)

    def __init__(self, model: ImageModel | None = None, parent=None):
        super().__init__(parent)
        self.model = model if model is not None else ImageModel()
        self._pending_source: dict | None = None
        self.error_box: QMessageBox | None = None
        self.downscale_box: QMessageBox | None = None
        self.colour_dialog = None
        self.open_downscaled_button: QPushButton | None = None
        self.runner = TaskRunner(self)
        self.runner.connect_handlers(self)
        self._rerun = QTimer(self)
        self._rerun.setSingleShot(True)
        self._rerun.setInterval(RERUN_DELAY_MS)
        self._rerun.timeout.connect(self.start_quantize)

        controls = self.controls_scroll = self._build_controls()
        views = self._build_views()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(controls)
        splitter.addWidget(views)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(1, False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self._bind_model()
        self.setAcceptDrops(True)
        self._update_enabled()

    @property
    def loaded(self) -> LoadedImage | None:
        return self.model.loaded

    @property
    def outcome(self) -> Outcome | None:
        return self.model.outcome

    def _bind_model(self) -> None:
        m = self.model
        self.bindings = [
            bind(self.k_slider, m, "k", on_error=self._say),
            bind(self.k_spin, m, "k", on_error=self._say),
            bind(self.method_combo, m, "method", on_error=self._say),
            bind(self.sample_spin, m, "sample_size", on_error=self._say),
            bind(self.seed_spin, m, "seed", on_error=self._say),
            bind(self.view_combo, m, "right_image", on_error=self._say),
            bind(self.quality.space_combo, m, "space", on_error=self._say),
            bind(self.quality.dither_check, m, "dither", on_error=self._say),
            bind(self.quality.strength_spin, m, "dither_strength", on_error=self._say),
            bind(self.quality.target_combo, m, "target", on_error=self._say),
            bind(self.quality.psnr_spin, m, "target_psnr", on_error=self._say),
            bind(self.quality.delta_e_spin, m, "target_delta_e", on_error=self._say),
        ]
        for ev in (m.events.k, m.events.method, m.events.sample_size, m.events.seed, m.events.space,
                   m.events.dither, m.events.dither_strength, m.events.target, m.events.target_psnr, m.events.target_delta_e,
                   m.events.locked):
            ev.connect(self._schedule_rerun)
        m.events.target.connect(self._on_target_changed)
        m.events.dither.connect(lambda: self.quality.strength_spin.setEnabled(m.dither))
        self.quality.strength_spin.setEnabled(m.dither)
        m.events.locked.connect(lambda: self.quality.show_locked(m.locked_colours()))
        m.events.locked.connect(self._show_locked_swatches)
        self.palette_strip.swatch_clicked.connect(self._on_swatch_clicked)
        self.quality.pick_button.clicked.connect(self._ask_colour)
        self.quality.unlock_button.clicked.connect(lambda: setattr(m, "locked", ""))
        self.quality.show_locked(m.locked_colours())
        self._on_target_changed()
        m.events.method.connect(self._on_method_changed)
        m.events.right_image.connect(self._show_right_image)
        m.events.image.connect(self._on_image_change)
        m.events.outcome.connect(self._on_outcome_change)
        m.events.source.connect(self._on_source_change)
        self._on_method_changed()

    # ------------------------------------------------------------------ layout
    def _build_controls(self) -> QWidget:
        panel = QWidget()
        col = QVBoxLayout(panel)
        col.setContentsMargins(4, 4, 4, 4)
        col.addWidget(self._build_image_box())
        col.addWidget(self._build_palette_box())
        self.quality = QualityBox()
        col.addLayout(self._build_run_row())
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(10)
        self.progress_label = QLabel(" ")
        self.progress_label.setWordWrap(True)
        col.addWidget(self.progress_bar)
        col.addWidget(self.progress_label)
        # The result's figures (and its export) right under k and Quantize, the colour options
        # after them: below those options, the figures began under the fold of a 1200x760
        # window, which showed their first row only.
        col.addWidget(self._build_figures_box())
        col.addWidget(self._build_export_box())
        col.addWidget(self.quality)
        self.status = QLabel(" ")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(self.status)
        col.addStretch(1)
        return _scrolled(panel)

    def _build_image_box(self) -> QGroupBox:
        image_box = QGroupBox("Image")
        image_col = QVBoxLayout(image_box)
        self.open_button = QPushButton("Open image…")
        self.open_button.setToolTip("Open a PNG, JPEG, GIF, BMP, TIFF or WebP file (or drop one on this tab)")
        self.open_button.clicked.connect(self.ask_open)
        self.sample_combo = QComboBox()
        self.sample_combo.addItem("Built-in sample…")
        for name in SAMPLE_IMAGES:
            self.sample_combo.addItem(name)
        self.sample_combo.activated.connect(self._on_sample_chosen)
        self.image_info = QLabel("No image yet: open a file, drop one here, or pick a sample.")
        self.image_info.setWordWrap(True)
        self.image_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        image_col.addWidget(self.open_button)
        image_col.addWidget(self.sample_combo)
        image_col.addWidget(self.image_info)
        return image_box

    def _build_palette_box(self) -> QGroupBox:
        """k, method, sample size and seed; bound to the model in :meth:`_bind_model`."""
        fit_box = QGroupBox("Palette")
        form = QFormLayout(fit_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.k_slider = QSlider(Qt.Orientation.Horizontal)
        self.k_slider.setRange(2, 256)
        self.k_spin = QSpinBox()
        self.k_spin.setRange(2, 256)
        for w in (self.k_slider, self.k_spin):
            w.setToolTip("Number of colours k (an indexed PNG holds up to 256)")
        k_row = QHBoxLayout()
        k_row.addWidget(self.k_slider, 1)
        k_row.addWidget(self.k_spin)
        form.addRow("Colours k", k_row)
        self.method_combo = QComboBox()
        for key, label in METHOD_LABELS.items():
            self.method_combo.addItem(label, key)
        self.method_combo.setToolTip(
            "Sample: k-means on a random sample of pixels, then refined on a histogram of the whole image.\n"
            "Full image: exact k-means on every pixel (slower).\nMini-batch: Sculley's mini-batch k-means."
        )
        form.addRow("Method", self.method_combo)
        self.sample_spin = QSpinBox()
        self.sample_spin.setRange(256, 5_000_000)
        self.sample_spin.setSingleStep(1000)
        self.sample_spin.setGroupSeparatorShown(True)
        self.sample_spin.setToolTip("Pixels drawn at random for the first k-means fit")
        form.addRow("Sample size", self.sample_spin)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("Random seed for the sample and the k-means++ seeding")
        form.addRow("Seed", self.seed_spin)
        return fit_box

    def _build_run_row(self) -> QHBoxLayout:
        run_row = QHBoxLayout()
        self.quantize_button = QPushButton("Quantize")
        self.quantize_button.clicked.connect(self.start_quantize)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        run_row.addWidget(self.quantize_button)
        run_row.addWidget(self.cancel_button)
        return run_row

    def _build_figures_box(self) -> QGroupBox:
        figures_box = QGroupBox("Figures")
        figures_col = QVBoxLayout(figures_box)
        self.figures = QLabel("—")
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        figures_col.addWidget(self.figures)
        return figures_box

    def _build_export_box(self) -> QGroupBox:
        export_box = QGroupBox("Export")
        export_row = QHBoxLayout(export_box)
        self.export_png_button = QPushButton("Indexed PNG…")
        self.export_png_button.setToolTip("Save the result as a palette (indexed) PNG")
        self.export_png_button.clicked.connect(self._ask_export_png)
        self.export_csv_button = QPushButton("Palette CSV…")
        self.export_csv_button.setToolTip("Save the palette: r, g, b, hex, pixels, share")
        self.export_csv_button.clicked.connect(self._ask_export_csv)
        self.export_palette_button = QPushButton("Palette file…")
        self.export_palette_button.setToolTip("Save the palette for a paint program: GIMP .gpl, Adobe .ase or .act")
        self.export_palette_button.clicked.connect(self._ask_export_palette)
        export_row.addWidget(self.export_png_button)
        export_row.addWidget(self.export_csv_button)
        export_row.addWidget(self.export_palette_button)
        return export_box

    def _build_views(self) -> QWidget:
        self.images = pg.GraphicsLayoutWidget()
        self.images.setBackground("#d4d4d4")  # grey, so white areas of an image stay visible
        self.images.setAcceptDrops(False)  # drops go to the tab, not the graphics scene
        self.original_view = self.images.addViewBox(row=0, col=0, lockAspect=True, invertY=True)
        self.result_view = self.images.addViewBox(row=0, col=1, lockAspect=True, invertY=True)
        # Titles live outside the scene: text lengths there would make the two halves unequal,
        # and linked views of unequal width cannot show the same region.
        self.original_title = _Title("Original")
        self.result_title = _Title("Quantized")
        titles = QHBoxLayout()
        titles.addWidget(self.original_title, 1)
        titles.addWidget(self.result_title, 1)
        self.result_view.setXLink(self.original_view)
        self.result_view.setYLink(self.original_view)
        self.original_item = pg.ImageItem(axisOrder="row-major")
        self.result_item = pg.ImageItem(axisOrder="row-major")
        self.original_view.addItem(self.original_item)
        self.result_view.addItem(self.result_item)

        self.view_combo = QComboBox()
        for choice in RIGHT_IMAGE_CHOICES:
            self.view_combo.addItem(choice, choice)
        self.view_combo.setToolTip("What the right-hand image shows")
        self.fit_button = QPushButton("Fit to window")
        self.fit_button.clicked.connect(self.fit_view)
        top_row = QHBoxLayout()
        top_row.addWidget(QLabel("Right image:"))
        top_row.addWidget(self.view_combo)
        top_row.addStretch(1)
        top_row.addWidget(self.fit_button)
        self.fit_button.setToolTip("Show the whole image. The mouse wheel zooms and dragging pans, both images together.")
        self.images.setToolTip("Wheel zooms, drag pans; both images move together")

        self.palette_strip = PaletteStrip()
        self.cloud = ColourCloud()
        self.cloud.setMinimumHeight(160)

        upper = QWidget()
        upper_col = QVBoxLayout(upper)
        upper_col.setContentsMargins(0, 0, 0, 0)
        upper_col.addLayout(top_row)
        upper_col.addLayout(titles)
        upper_col.addWidget(self.images, 1)
        upper_col.addWidget(self.palette_strip)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(self.cloud)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setCollapsible(0, False)
        return splitter

    # ------------------------------------------------------------------ public API
    def open_file(self, path) -> None:
        """Load an image file in the background, then quantize it."""
        self._submit_load("file", os.fspath(path))

    def load_sample(self, name: str) -> None:
        """Load a built-in sample ("china.jpg" or "flower.jpg"), then quantize it."""
        self._submit_load("sample", name)

    def start_quantize(self) -> None:
        """Quantize the loaded image with the current settings (cancels a run in progress)."""
        self._rerun.stop()
        if self.model.loading:
            # A load in flight: submitting would cancel it and re-quantize the old image; its
            # completion quantizes with the settings of that moment.
            return
        try:
            args = self.model.quantize_args()
        except ValueError as exc:
            self._show_error(str(exc), dialog=False)
            return
        self._set_status(words.LOCKED_IGNORED_BY_TARGET if self.model.target != "k" and self.model.locked else "")
        self.runner.submit(quantize_task, *args, known_comparisons=self.model.known_comparisons(),
                           **self.model.quantize_options())

    def cancel(self) -> None:
        self._rerun.stop()
        self.runner.cancel()

    def shutdown(self) -> None:
        """Stop the timer and the worker thread; call before the tab goes away."""
        self._rerun.stop()
        self.runner.shutdown(wait=True)


    def fit_view(self) -> None:
        self.original_view.autoRange(padding=0.01)


    # ------------------------------------------------------------------ slots


    def _on_sample_chosen(self, index: int) -> None:
        if index > 0:
            self.load_sample(self.sample_combo.itemText(index))
        self.sample_combo.setCurrentIndex(0)

    def _on_method_changed(self) -> None:
        self.sample_spin.setEnabled(self.model.method == "sample")

    def _schedule_rerun(self) -> None:
        if self.model.loaded is not None and not self.model.loading:
            self._rerun.start()

    def _on_source_change(self) -> None:
        """A session named another image: open it."""
        source = self.model.source
        if self.model.needs_load and source != self._pending_source:
            self._submit_load(source["kind"], source.get("name") or source.get("path"))

    def _submit_load(self, kind: str, source: str, downscale: bool = False) -> None:
        self._rerun.stop()
        self._set_status("")
        self._pending_source = ImageModel.source_for(kind, source)
        self.model.set_loading(True)
        self.runner.submit(load_task, kind, source, downscale)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(int(round(1000 * fraction)))
        self.progress_label.setText(message)

    def _on_running_changed(self, running: bool) -> None:
        if not running:
            self.progress_bar.setValue(0)
        self._update_enabled()

    def _on_partial(self, outcome) -> None:
        if isinstance(outcome, Outcome):
            self.model.set_outcome(outcome)
        elif outcome[0] == "loaded":  # shown at once; the worker goes on loading the colour kernels
            self._take_loaded(outcome[1])

    def _take_loaded(self, loaded) -> None:
        source, self._pending_source = self._pending_source, None
        self.model.set_loading(False)
        self.model.set_loaded(loaded, source)

    def _on_finished(self, payload) -> None:
        self.progress_label.setText(" ")
        if isinstance(payload, Outcome):
            self.model.set_outcome(payload)
            r = payload.result
            self._say(words.quantized(r.n_colors_after, db(r.psnr), r.seconds))
            return
        kind, value = payload
        if kind == "loaded":
            if self.model.loaded is not value:  # its partial came first, as a rule
                self._take_loaded(value)
            self.start_quantize()
            return
        self._pending_source = None
        self.model.set_loading(False)
        if kind == "error":
            self._show_error(value)
        else:
            self._offer_downscale(*value)

    def _on_failed(self, message: str) -> None:
        self.progress_label.setText(" ")
        if self.model.loading:
            self.model.set_loading(False)
            self._pending_source = None
            self._show_error(words.could_not_open("the image", message))
        else:
            self._show_error(words.quantize_failed(message))

    def _on_cancelled(self) -> None:
        self.model.set_loading(False)
        self._pending_source = None
        self.progress_label.setText("Cancelled.")
        self._set_status(words.QUANTIZE_CANCELLED)

    # ------------------------------------------------------------------ display
    def _on_image_change(self) -> None:
        loaded = self.model.loaded
        self.original_item.setImage(loaded.pixels, autoLevels=False)
        self.result_item.clear()
        self.palette_strip.clear()
        self.cloud.set_data(None)
        size = f", {size_text(loaded.file_size)}" if loaded.file_size else ""
        notes = "".join(f"<br>• {html_escaped(n)}" for n in loaded.notes)
        self.image_info.setText(f"<b>{html_escaped(loaded.name)}</b><br>{loaded.width} × {loaded.height} px{size}{notes}")
        self.original_title.setText(f"Original — {loaded.width} × {loaded.height}")
        self.result_title.setText("Quantized")
        self.figures.setText("—")
        self.fit_view()
        self._say(words.image_loaded(loaded.name, loaded.width, loaded.height))
        self._update_enabled()

    def _on_outcome_change(self) -> None:
        outcome = self.model.outcome
        r = outcome.result
        self.palette_strip.set_palette(r.palette, r.counts)
        self._show_locked_swatches()
        self.cloud.set_data(outcome.cloud)
        self.original_title.setText(f"Original — {r.n_colors_before:,} colours")
        self._show_right_image()
        self.figures.setText(figures_html(outcome, self.loaded))
        notes = list(r.notes)
        if outcome.search is not None:
            self._show_k(outcome.search.k)
            notes.insert(0, words.target_outcome(outcome.search))
            if self.model.locked:
                notes.append(words.LOCKED_IGNORED_BY_TARGET)
        if notes:
            self._set_status(" ".join(notes))
        self._update_enabled()

    def _show_right_image(self) -> None:
        if self.outcome is None:
            return
        choice = self.model.right_image_index()
        r = self.outcome.result
        if choice == 0:
            image, title = self.outcome.quantized, f"k-means — {r.n_colors_after} colours, PSNR {db(r.psnr)}"
        elif choice <= len(self.outcome.comparisons):
            c: PillowResult = self.outcome.comparisons[choice - 1]
            image, title = c.image(), f"Pillow {c.name} — {c.palette.shape[0]} colours, PSNR {db(c.psnr)}"
        else:
            self.result_item.clear()
            self.result_title.setText(f"{RIGHT_IMAGE_CHOICES[choice]}: computing…")
            return
        self.result_item.setImage(image, autoLevels=False)
        self.result_title.setText(title)

    def _show_k(self, k: int) -> None:
        """Show ``k`` in the (greyed-out) k controls without changing the model's k."""
        for widget in (self.k_slider, self.k_spin):
            with signals_blocked(widget):
                widget.setValue(k)


    def _update_enabled(self) -> None:
        has_image = self.loaded is not None
        has_result = self.outcome is not None
        self.quantize_button.setEnabled(has_image)
        self.cancel_button.setEnabled(self.runner.is_running())
        self.export_png_button.setEnabled(has_result)
        self.export_csv_button.setEnabled(has_result)
        self.export_palette_button.setEnabled(has_result)

    def _say(self, text: str) -> None:
        self.message.emit(text)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR_HEX};" if error else "")
        self.status.setText(text or " ")

    def _offer_downscale(self, source: str, text: str) -> None:
        """Ask (without blocking) whether to open a too-large image downscaled to the limit."""
        self._set_status(text)
        self._say(text)
        if self.downscale_box is not None:
            self.downscale_box.close()
        box = QMessageBox(QMessageBox.Icon.Question, "Large image", text, QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText(words.TOO_LARGE_QUESTION)
        self.open_downscaled_button = box.addButton("Open downscaled", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(self.open_downscaled_button)

        def chosen(_result) -> None:
            if box.clickedButton() is self.open_downscaled_button:
                self._submit_load("file", source, downscale=True)
            else:
                self._set_status(words.TOO_LARGE_REFUSED)

        box.finished.connect(chosen)
        self.downscale_box = box
        box.open()  # window-modal but does not block the event loop

    def _show_error(self, text: str, dialog: bool = True) -> None:
        """Say what went wrong in the panel and the status bar, and (non-blocking) in a dialog."""
        self._set_status(text, error=True)
        self._say(text)
        if dialog:
            if self.error_box is not None:
                self.error_box.close()
            self.error_box = QMessageBox(QMessageBox.Icon.Warning, "Image", text, QMessageBox.StandardButton.Ok, self)
            self.error_box.open()  # window-modal but does not block the event loop


def _scrolled(panel: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidget(panel)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    # Wide enough for the panel plus a vertical scroll bar: horizontal scrolling is off, so
    # anything narrower would clip the controls' right edge.
    bar = scroll.verticalScrollBar().sizeHint().width()
    scroll.setMinimumWidth(max(CONTROL_WIDTH, panel.minimumSizeHint().width()) + bar + 2)
    return scroll


class _Title(QLabel):
    """A centred one-line title whose text never widens the layout; ``.text`` like pyqtgraph's."""

    def __init__(self, text: str):
        super().__init__(text)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    @property
    def text(self) -> str:  # shadows QLabel.text() so tests and code read it alike
        return QLabel.text(self)

