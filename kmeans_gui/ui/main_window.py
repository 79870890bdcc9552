"""The main window: the tabs of ``ui/tabs.py`` (Explore, Image, Choose k), menus and shortcuts.

MainWindow owns the Explore model (:class:`AppState`) and every tab's models (``self.models``,
by the name a session saves them under); each tab's page subscribes to its models itself, so
this file is only composition, menus and shortcuts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from ..state import AppState, Params, status_text
from .common.binding import bind
from .tabs import TABS

__all__ = ["MainWindow", "default_state"]


def default_state() -> AppState:
    """What the app opens with: four blobs, k = 4, k-means++, at its first seed."""
    state = AppState(params=Params(k=4, init="k-means++", seed=0))
    state.load_dataset("blobs", n=600, centers=4, spread=1.0, seed=0)
    return state


class MainWindow(QMainWindow):
    """``MainWindow(state=None)``: ``self.state``, ``self.models``, ``self.pages`` (by tab name),
    ``self.tabs`` (first tab "Explore"), ``add_tab``."""

    def __init__(self, state: AppState | None = None):
        super().__init__()
        self.state = state if state is not None else default_state()
        self.setWindowTitle("k-means explorer")
        self.resize(1280, 800)
        self.setMinimumSize(960, 640)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.models: dict[str, object] = {}
        self.pages: dict[str, QWidget] = {}
        for tab in TABS:
            models = tab.models(self)
            self.models.update(models)
            page = self.pages[tab.name] = tab.page(self, models)
            self.add_tab(page, tab.title)
            if hasattr(page, "message"):
                page.message.connect(self.show_message)

        # The Explore tab's parts, which the menus drive.
        self.view_options = self.models["view"]
        self.explore = self.pages["explore"]
        self.canvas = self.explore.canvas
        self.dataset_panel = self.explore.dataset_panel
        self.algorithm_panel = self.explore.algorithm_panel
        self.explain_panel = self.explore.explain_panel
        self.playback = self.explore.playback
        self.chart = self.explore.chart
        self.image_tab = self.pages["image"]

        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.status_label, 1)
        self._build_menus()

        for ev in (self.state.events.run, self.state.events.cursor, self.state.events.history,
                   self.state.events.message, self.state.events.manual):
            ev.connect(self._update_status)
        for ev in (self.state.events.points, self.state.events.run):
            ev.connect(self._update_edit_actions)
        self._update_status()
        self._update_edit_actions()

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a tab after the others; returns its index."""
        return self.tabs.addTab(widget, title)

    def _action(self, menu, text, slot=None, shortcut=None, tip=None, option: str | None = None) -> QAction:
        """A menu action calling ``slot``, or (with ``option``) a check item bound to that view option."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if option is not None:
            action.setCheckable(True)
            self._bindings.append(bind(action, self.view_options, option, on_error=self.show_message))
        else:
            action.triggered.connect(lambda *_: slot())
        if tip:
            action.setStatusTip(tip)
        menu.addAction(action)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _build_menus(self) -> None:
        self._bindings = []
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.generate_action = self._action(file_menu, "&Generate dataset", self.dataset_panel.generate, "Ctrl+G")
        self._action(file_menu, "&New empty canvas", self.new_empty, "Ctrl+N")
        self._action(file_menu, "&Open image to quantize…", self.open_image, "Ctrl+O")
        file_menu.addSeparator()
        self._action(file_menu, "&Export canvas image…", self.export_image, "Ctrl+E")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self._action(edit_menu, "&Undo point edit", self.state.undo, "Ctrl+Z")
        self.redo_action = self._action(edit_menu, "&Redo point edit", self.state.redo, "Ctrl+Shift+Z")
        edit_menu.addSeparator()
        self.brush_action = self._action(edit_menu, "&Brush mode (drag to spray)", shortcut="B", option="brush_mode")
        self._action(edit_menu, "&Clear points", self.state.clear)

        view_menu = bar.addMenu("&View")
        self.regions_action = self._action(view_menu, "Voronoi &regions", shortcut="V", option="show_regions")
        self.trails_action = self._action(view_menu, "Centroid &trails", shortcut="T", option="show_trails")
        self.lines_action = self._action(view_menu, "Point-to-centroid &lines", shortcut="L", option="show_lines")
        self.explain_action = self._action(view_menu, "&Explanation", shortcut="F1", option="show_explanation")
        view_menu.addSeparator()
        self._action(view_menu, "&Frame all points", self.canvas.frame_all, "F")

        run_menu = bar.addMenu("&Run")
        p = self.playback
        self.play_action = self._action(run_menu, "&Play / pause", p.toggle_play, "Space")
        self.step_action = self._action(run_menu, "&Step (half-step forward)", p.step, "Right")
        self.back_action = self._action(run_menu, "&Back (half-step back)", p.back, "Left")
        self._action(run_menu, "Run to &end", p.run_to_end, "End")
        self.reset_action = self._action(run_menu, "&Reset to the same start", p.reset, "Home")
        self.seed_action = self._action(run_menu, "&New seed", p.new_seed, "R")

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "Ctrl+/")
        self._action(help_menu, "&About", self.show_about)

    # ------------------------------------------------------------------ behaviour
    def open_image(self, path: str | None = None) -> None:
        """File > Open: show the Image tab and open a photo there (asks for one without ``path``)."""
        self.tabs.setCurrentWidget(self.image_tab)
        if path is None:
            self.image_tab.ask_open()
        else:
            self.image_tab.open_file(path)

    def _update_status(self) -> None:
        self.status_label.setText(status_text(self.state))

    def _update_edit_actions(self) -> None:
        self.undo_action.setEnabled(self.state.can_undo)
        self.redo_action.setEnabled(self.state.can_redo)

    def show_message(self, text: str, timeout_ms: int = 5000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def new_empty(self) -> None:
        self.dataset_panel.set_dataset("empty")
        self.dataset_panel.generate()

    def export_image(self, path: str | None = None) -> str | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export canvas image", "kmeans.png", "PNG images (*.png)")
            if not path:
                return None
        if not self.canvas.plot.grab().save(path):
            QMessageBox.warning(self, "Export failed", f"Could not write {path}.")
            return None
        self.show_message(f"Saved {path}")
        return path

    def show_shortcuts(self) -> None:
        QMessageBox.information(
            self, "Keyboard shortcuts",
            "Space  play / pause\nRight  step (half-step)\nLeft  back (half-step)\nHome  reset to the same start\n"
            "End  run to end\nR  new seed\nCtrl+Z / Ctrl+Shift+Z  undo / redo point edits\n"
            "B  brush mode\nV / T / L  regions / trails / lines\nF  frame all points\n\n"
            "Mouse: click adds a point, right-click removes the nearest, drag pans, wheel zooms.",
        )

    def show_about(self) -> None:
        QMessageBox.about(
            self, "About k-means explorer",
            "Watch k-means think: initialise, assign, update, converge, one half-step at a time.",
        )

    def closeEvent(self, event) -> None:
        for i in range(self.tabs.count()):
            widget = self.tabs.widget(i)
            shutdown = getattr(widget, "shutdown", None)
            if callable(shutdown):
                shutdown()
        super().closeEvent(event)
