"""The main window: an Explore tab (side panel, canvas, playback, chart) plus tabs other modules add.

MainWindow owns the :class:`AppState` and wires widgets to it; each widget subscribes to the
state's events itself, so this file is only composition, menus and shortcuts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QMainWindow, QMessageBox, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from ..state import AppState, Params, status_text
from ..state.view import ViewOptions
from .common.binding import bind
from .explore.canvas import Canvas
from .explore.charts import ConvergenceChart
from .explore.explain import ExplainPanel
from .explore.panels import AlgorithmPanel, DatasetPanel, PlaybackBar

__all__ = ["MainWindow", "default_state"]

SIDE_PANEL_WIDTH = 290
BOTTOM_ROW_HEIGHT = 180


def default_state() -> AppState:
    """What the app opens with: four blobs, k = 4, k-means++, at its first seed."""
    state = AppState(params=Params(k=4, init="k-means++", seed=0))
    state.load_dataset("blobs", n=600, centers=4, spread=1.0, seed=0)
    return state


class MainWindow(QMainWindow):
    """``MainWindow(state=None)``: ``self.state``, ``self.tabs`` (first tab "Explore"), ``add_tab``."""

    def __init__(self, state: AppState | None = None):
        super().__init__()
        self.state = state if state is not None else default_state()
        self.setWindowTitle("k-means explorer")
        self.resize(1280, 800)
        self.setMinimumSize(960, 640)

        self.view_options = ViewOptions()
        self.canvas = Canvas(self.state, self.view_options)
        self.dataset_panel = DatasetPanel(self.state, self.view_options)
        self.algorithm_panel = AlgorithmPanel(self.state)
        self.explain_panel = ExplainPanel(self.state, self.view_options)
        self.playback = PlaybackBar(self.state, frame_ready=self._frame_ready)
        self.chart = ConvergenceChart(self.state)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.explore = self._build_explore()
        self.add_tab(self.explore, "Explore")

        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.status_label, 1)
        self._build_menus()

        for panel in (self.dataset_panel, self.algorithm_panel):
            panel.message.connect(self.show_message)
        self.canvas.edit_message.connect(self.show_message)
        for ev in (self.state.events.run, self.state.events.cursor, self.state.events.history,
                   self.state.events.message, self.state.events.manual):
            ev.connect(self._update_status)
        for ev in (self.state.events.points, self.state.events.run):
            ev.connect(self._update_edit_actions)
        self._update_status()
        self._update_edit_actions()

        # --- extra tabs (other modules add theirs here) ---
        from .image.quantize_tab import QuantizeTab
        self.image_tab = QuantizeTab()
        self.add_tab(self.image_tab, "Image")
        self.image_tab.message.connect(self.show_message)
        from .choose_k.view import ChooseKView
        self.add_tab(ChooseKView(self.state), "Choose k")
        # --- end extra tabs ---

        from .sessions import SessionController
        self.sessions = SessionController(self)
        self.sessions.add_actions(self.file_menu)

    # ------------------------------------------------------------------ layout
    def _build_explore(self) -> QWidget:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 6, 6, 6)
        side_layout.addWidget(self.dataset_panel)
        side_layout.addWidget(self.algorithm_panel)
        side_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(SIDE_PANEL_WIDTH)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 4, 4, 0)
        right_layout.setSpacing(2)
        right_layout.addWidget(self.canvas, 1)
        right_layout.addWidget(self.playback)
        # A fixed-height row: text of a different length in the explanation must not resize the
        # canvas above it (which would re-layout and repaint everything on every step).
        bottom_row = QWidget()
        bottom_row.setFixedHeight(BOTTOM_ROW_HEIGHT)
        bottom = QHBoxLayout(bottom_row)
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.chart, 3)
        bottom.addWidget(self.explain_panel, 2)
        right_layout.addWidget(bottom_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([SIDE_PANEL_WIDTH, 990])
        splitter.setCollapsible(1, False)
        return splitter

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a tab after Explore; returns its index."""
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
        file_menu = self.file_menu = bar.addMenu("&File")
        self.generate_action = self._action(file_menu, "&Generate dataset", self.dataset_panel.generate, "Ctrl+G")
        # Ctrl+N and Ctrl+O are the session's New and Open (which opens images too).
        self._action(file_menu, "New empty &canvas", self.new_empty)
        self._action(file_menu, "Open &image to quantize…", self.open_image)
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

    def _frame_ready(self) -> bool:
        # Hidden windows never paint; back-pressure only makes sense for a visible canvas.
        return not self.canvas.frame_pending or not self.canvas.isVisible()

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
        if not self.sessions.may_close():  # unsaved changes, and the user chose Cancel
            event.ignore()
            return
        self.playback.pause()
        self.canvas._region_timer.stop()
        for i in range(self.tabs.count()):
            widget = self.tabs.widget(i)
            shutdown = getattr(widget, "shutdown", None)
            if callable(shutdown):
                shutdown()
        super().closeEvent(event)
