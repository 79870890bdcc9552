"""File > Export run as GIF…, Export filmstrip…, Export points and centroids as CSV…: the Explore
tab's current run taken out of the window.

The pictures are drawn by the same code as ``kmeans-gui export-gif`` and ``filmstrip``
(``kmeans_gui/export``), from a :class:`~kmeans_gui.export.source.RunSource` made of the Explore
model's own points, parameters and placed centres, so the GIF shows exactly the run on the canvas.
Each export asks its options (size and speed, or panels), then where to save, then renders on a
worker (:class:`~kmeans_gui.ui.common.tasks.TaskRunner`, one per export, shut down when it ends)
behind a progress dialog with Cancel; the GUI thread only snapshots the model's read-only arrays.
Files are written atomically: a cancelled or failed export leaves no file, and an old file of
that name as it was.

``RunExport.dialogs`` asks where to save and shows failures; tests substitute an object with
the same methods (:class:`ExportDialogs`) that answers at once.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QMessageBox, QProgressDialog, QSpinBox, QVBoxLayout, QWidget,
)

from ..export.filmstrip import MAX_PANELS, grid_shape
from ..export.gif import MAX_FRAMES, frame_memory_problem
from .common.export_dialog import ExportDialog
from .common.tasks import TaskRunner

__all__ = ["RunExport", "ExportDialogs", "GifOptionsDialog", "FilmstripOptionsDialog", "centroids_path_for",
           "image_export_dialog", "chart_title"]

GIF_SIZE = (960, 640)
GIF_FPS = 4.0
PANEL_SIZE = (400, 300)
MIN_SIDE, MAX_SIDE = 160, 4096


def _file_stamp(path: str):
    """What tells whether an export changed ``path``: its (size, modification time), or None."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def centroids_path_for(points_path: str) -> str:
    """Where the centroids go beside the points: ``run.csv`` -> ``run-centroids.csv``."""
    stem, suffix = os.path.splitext(points_path)
    return f"{stem}-centroids{suffix or '.csv'}"


class ExportDialogs:
    """Where to save, and what went wrong, as modal dialogs; tests substitute an answering object."""

    def __init__(self, parent: QWidget):
        self.parent = parent
        self.folder: str | None = None  # where the last export went: the next one starts there

    def ask_save_path(self, title: str, suggested: str, file_filter: str) -> str | None:
        start = os.path.join(self.folder, suggested) if self.folder else suggested
        path, _ = QFileDialog.getSaveFileName(self.parent, title, start, file_filter)
        if path:
            self.folder = os.path.dirname(os.path.abspath(path))
        return path or None

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.parent, title, text)


def _spin(low: int, high: int, value: int, suffix: str = " px", step: int = 10) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    spin.setSingleStep(step)
    return spin


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    dialog.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
    return buttons


def _regions_check(regions: bool, regions_off: str | None) -> QCheckBox:
    """The "shade the regions" box; off and greyed, saying why, where regions would mislead."""
    check = QCheckBox("Shade the Voronoi regions (hard assignments on 2-D data)")
    check.setChecked(regions and regions_off is None)
    if regions_off is not None:
        check.setEnabled(False)
        check.setToolTip(regions_off)
    return check


class GifOptionsDialog(QDialog):
    """Frame size, speed and regions of the GIF; :meth:`choice` -> (size, fps, regions)."""

    def __init__(self, n_frames: int | None, regions: bool, parent: QWidget | None = None,
                 regions_off: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export run as GIF")
        self.width_spin = _spin(MIN_SIDE, MAX_SIDE, GIF_SIZE[0])
        self.height_spin = _spin(MIN_SIDE, MAX_SIDE, GIF_SIZE[1])
        self.fps_spin = QDoubleSpinBox()
        self.fps_spin.setRange(0.5, 50.0)
        self.fps_spin.setDecimals(1)
        self.fps_spin.setSingleStep(0.5)
        self.fps_spin.setValue(GIF_FPS)
        self.fps_spin.setSuffix(" frames per second")
        self.regions_check = _regions_check(regions, regions_off)
        size = QHBoxLayout()
        size.addWidget(self.width_spin)
        size.addWidget(QLabel("×"))
        size.addWidget(self.height_spin)
        size.addStretch(1)
        form = QFormLayout()
        form.addRow("Frame size", size)
        form.addRow("Speed", self.fps_spin)
        form.addRow("", self.regions_check)
        if n_frames is None:
            what = "One frame per half-step of the run on the canvas, with its caption."
        else:
            shown = min(n_frames, MAX_FRAMES)
            what = (f"One frame per half-step of the run on the canvas, with its caption: {shown} frames"
                    + (f" (the first {MAX_FRAMES} of {n_frames})" if n_frames > MAX_FRAMES else "") + ".")
        self.summary = QLabel(what)
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def choice(self) -> tuple[tuple[int, int], float, bool]:
        return (self.width_spin.value(), self.height_spin.value()), self.fps_spin.value(), self.regions_check.isChecked()


class FilmstripOptionsDialog(QDialog):
    """Number of panels and panel size; :meth:`choice` -> (panels, panel size, regions)."""

    def __init__(self, regions: bool, parent: QWidget | None = None, regions_off: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export filmstrip")
        self.panels_spin = _spin(1, MAX_PANELS, 6, suffix="", step=1)
        self.width_spin = _spin(MIN_SIDE, 2000, PANEL_SIZE[0])
        self.height_spin = _spin(MIN_SIDE, 2000, PANEL_SIZE[1])
        self.regions_check = _regions_check(regions, regions_off)
        self.layout_label = QLabel()
        size = QHBoxLayout()
        size.addWidget(self.width_spin)
        size.addWidget(QLabel("×"))
        size.addWidget(self.height_spin)
        size.addStretch(1)
        form = QFormLayout()
        form.addRow("Iterations", self.panels_spin)
        form.addRow("Panel size", size)
        form.addRow("Layout", self.layout_label)
        form.addRow("", self.regions_check)
        intro = QLabel("The first iterations of the run on the canvas side by side, each panel titled "
                       "\"Iteration i\" (\"Batch i\" for mini-batch k-means), as one PNG.")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))
        for spin in (self.panels_spin, self.width_spin, self.height_spin):
            spin.valueChanged.connect(self._update_layout)
        self._update_layout()

    def _update_layout(self) -> None:
        rows, cols = grid_shape(self.panels_spin.value())
        w, h = self.width_spin.value(), self.height_spin.value()
        gap = max(4, w // 50)
        self.layout_label.setText(f"{rows} × {cols} panels, {cols * w + (cols - 1) * gap} × "
                                  f"{rows * h + (rows - 1) * gap} px")

    def choice(self) -> tuple[int, tuple[int, int], bool]:
        return (self.panels_spin.value(), (self.width_spin.value(), self.height_spin.value()),
                self.regions_check.isChecked())


def chart_title(widget: QWidget, fallback: str) -> str:
    """The title a pyqtgraph chart shows (``widget`` or its ``plot``), else ``fallback``."""
    plot = widget if hasattr(widget, "plotItem") else getattr(widget, "plot", None)
    text = getattr(getattr(getattr(plot, "plotItem", None), "titleLabel", None), "text", "") or ""
    return text.strip() or fallback


def image_export_dialog(window) -> ExportDialog:
    """File > Export image's question for the tab on screen: the Choose k tab's charts and
    silhouette plot when it is showing, else (after switching to it) Explore's canvas and
    convergence chart; and the whole tab. What is offered is what the user sees, at its size."""
    choose_k = window.pages.get("choose-k")
    if choose_k is not None and window.tabs.currentWidget() is choose_k:
        charts = [(f"The chart: {chart_title(c, 'score against k')}", c) for c in choose_k.charts]
        charts.append(("The silhouette plot", choose_k.silhouette_plot))
        first_label, first = charts.pop(0)
        return ExportDialog(first, choose_k, window, charts=charts, canvas_label=first_label,
                            tab_label="The whole tab: settings, every chart and the silhouette plot")
    window.tabs.setCurrentWidget(window.explore)
    chart = window.chart
    return ExportDialog(window.canvas, window.explore, window,
                        charts=[(f"The convergence chart: {chart_title(chart, 'objective per iteration')}", chart)])


# ---------------------------------------------------------------------------------------- the work
# These run on the worker: they touch no widget and read only the snapshot they were given.
# ``ctx.check_cancelled`` is the pictures' ``should_stop``: it raises Cancelled itself.

def _source(snapshot):
    from ..export.source import RunSource

    return RunSource.from_explore(snapshot, title="Explore")


def _gif_task(ctx, snapshot, path: str, size, fps: float, regions: bool, expected: int | None):
    from ..export.frames import StatePainter
    from ..export.gif import render_frames, write_gif

    source = _source(snapshot)
    share = 0.85  # of the bar for drawing; the rest is the encoding

    def progress(fraction, message):
        ctx.set_progress(share * fraction, message)

    frames, complete = render_frames(source, size, regions=regions, progress=progress,
                                     should_stop=ctx.check_cancelled, expected=expected)
    ctx.set_progress(share, f"Encoding {len(frames)} frames as GIF…")
    n_bytes = write_gif(path, frames, fps, StatePainter.flat_colours(source.k), should_stop=ctx.check_cancelled)
    note = "" if complete else f" (the first {len(frames)} half-steps)"
    return (f"Saved {os.path.basename(path)}: {len(frames)} frames{note}, {size[0]} × {size[1]}, {fps:g} fps, "
            f"{n_bytes / 1e6:.2f} MB")


def _filmstrip_task(ctx, snapshot, path: str, panels: int, panel_size, regions: bool):
    from ..data.atomic import atomic_file
    from ..export.filmstrip import render_filmstrip

    source = _source(snapshot)
    sheet, ended = render_filmstrip(source, panels, panel_size, regions=regions,
                                    progress=lambda f, m: ctx.set_progress(0.9 * f, m),
                                    should_stop=ctx.check_cancelled)
    ctx.set_progress(0.95, "Writing the PNG…")
    with atomic_file(path, "wb") as f:
        sheet.save(f, format="PNG")
        ctx.check_cancelled()  # inside the atomic write: a cancel removes the temporary file
    note = "" if ended is None else f"; the run ended at iteration {ended}"
    return f"Saved {os.path.basename(path)}: {panels} panels, {sheet.width} × {sheet.height}{note}"


def _csv_task(ctx, snapshot, state, points_path: str, centroids_path: str):
    from ..export.run_csv import write_state_csv

    source = _source(snapshot)
    # The last chance to cancel: once the points are written the centroids (k rows) follow, so a
    # cancel never leaves the points without their centroids under "nothing was written".
    ctx.check_cancelled()
    ctx.set_progress(0.1, "Writing the points…")
    write_state_csv(source, state, points_path, None)
    write_state_csv(source, state, None, centroids_path)
    return (f"Saved {os.path.basename(points_path)} ({source.X.shape[0]:,} points with their clusters) and "
            f"{os.path.basename(centroids_path)} ({state.centers.shape[0]} centroids)")


def _png_task(ctx, image, path: str):
    # The module's save_png, looked up now: encoding a whole tab at 3x the screen takes ~0.2 s.
    from .common import export_dialog

    ctx.set_progress(0.1, f"Writing {os.path.basename(path)}…")
    export_dialog.save_png(image, path)
    return f"Saved {path} ({image.width()} × {image.height()})"


# ---------------------------------------------------------------------------------------- the actions

class RunExport(QObject):
    """The three File menu actions and the export in progress (at most one at a time).

    ``window`` is the MainWindow (``state``, ``view_options``, ``show_message``); the actions
    are appended to ``menu``.
    """

    def __init__(self, window, menu):
        super().__init__(window)
        self.window = window
        self.dialogs = ExportDialogs(window)
        self.runner: TaskRunner | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.options_dialog: QDialog | None = None
        self._job: dict | None = None  # what the export in progress writes, for its messages
        self.last_result: str | None = None
        self.gif_action = self._add(menu, "Export run as &GIF…", self.export_gif,
                                    "The run on the canvas as an animated GIF, one frame per half-step")
        self.filmstrip_action = self._add(menu, "Export &filmstrip…", self.export_filmstrip,
                                          "The first iterations of the run side by side in one PNG")
        self.csv_action = self._add(menu, "Export points and centroids as &CSV…", self.export_csv,
                                    "The points with their clusters at this half-step, and the centroids")

    def _add(self, menu, text: str, slot, tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setStatusTip(tip)
        action.triggered.connect(lambda *_: slot())
        menu.addAction(action)
        return action

    # ------------------------------------------------------------------ what is exported
    @property
    def state(self):
        return self.window.state

    def _snapshot(self) -> SimpleNamespace:
        """The Explore model's run, as read-only arrays and frozen parameters (shared, not copied)."""
        s = self.state
        return SimpleNamespace(points=s.points, params=s.params, manual_centers=s.manual_centers,
                               projection=s.projection,
                               **{name: getattr(s, name) for name in ("true_labels", "feature_names", "label_names")
                                  if getattr(s, name, None) is not None})

    def suggested_name(self, what: str) -> str:
        """A file name for an export: ``iris-run.gif`` after iris.csv was imported, else ``kmeans-run.gif``."""
        source = getattr(self.state, "source", None)
        stem = os.path.splitext(os.path.basename(source))[0] if isinstance(source, str) and source else "kmeans"
        return f"{stem}-{what}"

    def _problem(self) -> str | None:
        """Why the run cannot be exported now, in words; None when it can."""
        if self.runner is not None:
            return "An export is already in progress."
        if self.state.error:
            return f"There is no run to export: {self.state.error}"
        if self.state.n_points < 2:
            return "There is no run to export: add at least two points."
        return None

    def _refuse(self, title: str) -> bool:
        problem = self._problem()
        if problem:
            self.dialogs.warn(title, problem)
        return problem is not None

    # ------------------------------------------------------------------ the three exports
    def export_gif(self, path: str | None = None, size: tuple[int, int] | None = None, fps: float | None = None,
                   regions: bool | None = None) -> None:
        """Render the run as a GIF on a worker. Without ``path`` a dialog asks the size and speed,
        then where to save; the result arrives later (``last_result``, the status line)."""
        if self._refuse("Export run as GIF"):
            return
        expected = self.state.n_states if self.state.complete else None
        default_regions = bool(self.window.view_options.show_regions)
        if path is None:
            dialog = GifOptionsDialog(expected, default_regions, self.window,
                                      regions_off=self.window.canvas.regions_off_reason())

            self._ask(dialog, lambda: self._save_as("Export run as GIF", "run.gif", "GIF animations (*.gif)",
                                                    self.export_gif, *dialog.choice()))
            return
        size = size or GIF_SIZE
        n_frames = min(expected or MAX_FRAMES, MAX_FRAMES)
        problem = frame_memory_problem(n_frames, size)
        if problem:
            self.dialogs.warn("Export run as GIF", problem.replace(" x ", " × ") + ".")
            return
        fps = GIF_FPS if fps is None else fps
        regions = default_regions if regions is None else regions
        self._start("GIF", [path], _gif_task, self._snapshot(), path, size, fps, regions, expected)

    def export_filmstrip(self, path: str | None = None, panels: int | None = None,
                         panel_size: tuple[int, int] | None = None, regions: bool | None = None) -> None:
        """Render the first ``panels`` iterations as one PNG on a worker (asks without ``path``)."""
        if self._refuse("Export filmstrip"):
            return
        default_regions = bool(self.window.view_options.show_regions)
        if path is None:
            dialog = FilmstripOptionsDialog(default_regions, self.window,
                                            regions_off=self.window.canvas.regions_off_reason())

            self._ask(dialog, lambda: self._save_as("Export filmstrip", "filmstrip.png", "PNG images (*.png)",
                                                    self.export_filmstrip, *dialog.choice()))
            return
        panels = 6 if panels is None else panels
        regions = default_regions if regions is None else regions
        self._start("filmstrip", [path], _filmstrip_task, self._snapshot(), path, panels, panel_size or PANEL_SIZE,
                    regions)

    def export_csv(self, path: str | None = None) -> None:
        """Write the points with their clusters at the current half-step to ``path``, and the
        centroids beside it (:func:`centroids_path_for`); asks where without ``path``."""
        if self._refuse("Export points and centroids as CSV"):
            return
        current = self.state.current
        if current is None or current.labels is None:
            self.dialogs.warn("Export points and centroids as CSV",
                              "No point has a cluster yet: step the run to its first assignment, then export.")
            return
        if path is None:
            path = self.dialogs.ask_save_path("Export points and centroids as CSV", self.suggested_name("points.csv"),
                                              "CSV tables (*.csv)")
            if not path:
                return
        centroids = centroids_path_for(path)
        self._start("CSV", [path, centroids], _csv_task, self._snapshot(), current, path, centroids)

    def save_image(self, image, path: str) -> None:
        """Encode and write ``image`` (a QImage the GUI thread rendered) as a PNG on the worker."""
        if self.runner is not None:
            self.dialogs.warn("Export image", "An export is already in progress.")
            return
        self._start("image", [path], _png_task, image, path)

    def _save_as(self, title: str, name: str, file_filter: str, export, *options) -> None:
        """After an options dialog: ask where to save, then ``export(path, *options)``."""
        target = self.dialogs.ask_save_path(title, self.suggested_name(name), file_filter)
        if target:
            export(target, *options)

    def _ask(self, dialog: QDialog, on_accept) -> None:
        """Show ``dialog`` window-modal without blocking; ``on_accept`` runs when Save is pressed."""
        self.options_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(on_accept)
        dialog.finished.connect(lambda _: setattr(self, "options_dialog", None))
        dialog.open()

    # ------------------------------------------------------------------ the worker
    def _start(self, what: str, paths: list[str], fn, *args) -> None:
        self.runner = TaskRunner(self)
        self.runner.connect_handlers(self)
        self._job = {"what": what, "paths": paths, "before": {path: _file_stamp(path) for path in paths}}
        dialog = QProgressDialog(f"Exporting the {what}…", "Cancel", 0, 1000, self.window)
        dialog.setWindowTitle(f"Export {what}")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(420)
        dialog.canceled.connect(self.cancel)
        self.progress_dialog = dialog
        dialog.show()
        self.runner.submit(fn, *args)

    def cancel(self) -> None:
        """Stop the export in progress; nothing is written."""
        if self.runner is not None:
            self.runner.cancel()

    def _on_progress(self, fraction: float, message: str) -> None:
        dialog = self.progress_dialog
        if dialog is not None:
            if message:
                dialog.setLabelText(message)
            # Last: a modal progress dialog's setValue processes events, in which the export may
            # finish and this dialog close.
            dialog.setValue(round(1000 * fraction))

    def _on_finished(self, summary: str) -> None:
        self._end()
        self.last_result = summary
        self.window.show_message(summary)

    def _on_failed(self, message: str) -> None:
        job = self._job or {"what": "file", "paths": ["the file"]}
        self._end()
        self.last_result = None
        # Each file is written atomically, but a pair (points, then centroids) may fail half-way.
        written = [path for path, stamp in job.get("before", {}).items() if _file_stamp(path) != stamp]
        outcome = (f"{', '.join(written)} {'was' if len(written) == 1 else 'were'} written; the rest was not."
                   if written else "Nothing was written.")
        self.dialogs.warn(f"Export {job['what']} failed",
                          f"Could not write {', '.join(job['paths'])}:\n{message}\n\n{outcome}")

    def _on_cancelled(self) -> None:
        job = self._job or {"what": "export"}
        self._end()
        self.last_result = None
        self.window.show_message(f"Export of the {job['what']} cancelled; nothing was written.")

    def _end(self) -> None:
        """Close the progress dialog and let the worker thread end (it finishes any frame it is
        drawing, then stops: a cancelled task writes nothing)."""
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self.cancel)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        if self.runner is not None:
            self.runner.shutdown(wait=False)
            self.runner.deleteLater()
            self.runner = None
        self._job = None

    def shutdown(self) -> None:
        """Cancel any export and wait for its worker (the window is closing)."""
        runner = self.runner
        self._end()
        if runner is not None:
            runner.shutdown(wait=True)
