"""The main window: the tabs of ``ui/tabs.py`` (Explore, Image, Choose k), menus, shortcuts and
the status line.

MainWindow owns the Explore model (:class:`AppState`) and every tab's models (``self.models``,
by the name a session saves them under); each tab's page subscribes to its models itself, so
this file is only composition, menus, shortcuts and the status line.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QDialog, QLineEdit, QMainWindow,
    QMessageBox, QPlainTextEdit, QTabWidget, QTextEdit, QWidget,
)

from ..state import AppState, Params, status_text, words
from .common.binding import bind
from .common.export_dialog import render_widget, save_png
from .common.status_line import StatusLine
from .learn import install_learn
from .tabs import TABS

__all__ = ["MainWindow", "default_state"]

MESSAGE_MS = 5000

# Widgets that take typed keys: a character, Space or an editing key without Ctrl/Alt/Meta pressed in
# one of them is typing, never a shortcut (Qt's line edits claim most such keys themselves; combo
# boxes and sliders do not). Function keys (F1) stay shortcuts.
TYPING_WIDGETS = (QAbstractSpinBox, QLineEdit, QComboBox, QTextEdit, QPlainTextEdit)
SLIDER_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home,
                         Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown})
EDITING_KEYS = SLIDER_KEYS | {Qt.Key.Key_Space, Qt.Key.Key_Backspace, Qt.Key.Key_Delete}
COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                     | Qt.KeyboardModifier.MetaModifier)


def default_state() -> AppState:
    """What the app opens with: four blobs, k = 4, k-means++, at its first seed."""
    state = AppState(params=Params(k=4, init="k-means++", seed=0))
    state.load_dataset("blobs", n=600, centers=4, spread=1.0, seed=0)
    return state


class MainWindow(QMainWindow):
    """``MainWindow(state=None)``: ``self.state``, ``self.models``, ``self.pages`` (by tab name),
    ``self.tabs`` (first tab "Explore"), ``add_tab``."""

    def __init__(self, state: AppState | None = None, lessons_dirs=()):
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
            self.pages[tab.name] = tab.page(self, models)
            self.add_tab(self.pages[tab.name], tab.title)

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

        # Each tab has its own status text; a message shows over its tab's text for a few seconds.
        self._tab_status: dict[QWidget, str] = {}
        self._message: tuple[QWidget, str] | None = None
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self._end_message)
        self.status_label = StatusLine()  # the current tab's status
        self.message_label = StatusLine()  # a passing message, shown in its place
        self.message_label.hide()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addWidget(self.message_label, 1)
        self._build_menus()
        for tab in TABS:
            self._connect_messages(tab, self.pages[tab.name])

        for ev in (self.state.events.run, self.state.events.cursor, self.state.events.history,
                   self.state.events.message, self.state.events.manual):
            ev.connect(self._update_status)
        for ev in (self.state.events.points, self.state.events.run):
            ev.connect(self._update_edit_actions)
        # Regions apply by algorithm (params) and by the data's width (points: n-D data hides them).
        for ev in (self.state.events.params, self.state.events.points):
            ev.connect(self._update_view_actions)
        self._update_status()
        self._update_edit_actions()
        self._update_view_actions()

        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.learn = install_learn(self, lessons_dirs)
        # Explore's single-key shortcuts need the focus inside Explore: start on the canvas.
        self.canvas.plot.setFocus()

        from .sessions import SessionController
        self.sessions = SessionController(self)
        self.sessions.add_actions(self.file_menu)
        from .explore.csv_import import CsvImport
        self.csv_import = CsvImport(self)  # File > Import CSV…
        from .drops import DropRouter
        self.drops = DropRouter(self)  # tables, sessions and images dropped anywhere on the window

    def _connect_messages(self, tab, page: QWidget) -> None:
        """A page's ``message`` signal: its tab's status, or a passing message (see :class:`Tab`)."""
        if not hasattr(page, "message"):
            return
        if tab.message_is_status:
            page.message.connect(lambda text, page=page: self.set_tab_status(page, text))
        else:
            page.message.connect(self.show_message)

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a tab after the others; returns its index."""
        return self.tabs.addTab(widget, title)

    def _action(self, menu, text, slot=None, shortcut=None, tip=None, tab: QWidget | None = None,
                option: str | None = None) -> QAction:
        """A menu action calling ``slot``, or (with ``option``) a check item bound to that view option;
        with ``tab``, its shortcut works only while the focus is inside that tab."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut if tab is not None
                                      else Qt.ShortcutContext.WindowShortcut)
        if option is not None:
            action.setCheckable(True)
            self._bindings.append(bind(action, self.view_options, option, on_error=self.show_message))
        else:
            action.triggered.connect(lambda *_: slot())
        if tip:
            action.setStatusTip(tip)
        menu.addAction(action)
        # Added to the widget whose focus makes the shortcut work (menu bar hidden or not).
        (tab if tab is not None else self).addAction(action)
        return action

    def _build_menus(self) -> None:
        self._bindings = []
        bar = self.menuBar()
        file_menu = self.file_menu = bar.addMenu("&File")
        self.generate_action = self._action(file_menu, "&Generate dataset", self.generate, "Ctrl+G")
        # Ctrl+N and Ctrl+O are the session's New and Open (which opens images too).
        self._action(file_menu, "New empty &canvas", self.new_empty)
        self._action(file_menu, "Open &image to quantize…", self.open_image)
        self.import_csv_action = self._action(file_menu, "&Import CSV…", self.import_csv,
                                              tip="Cluster your own table: preview it and choose its columns")
        file_menu.addSeparator()
        self._action(file_menu, "&Export image…", self.export_image, "Ctrl+E")
        from .export_actions import RunExport
        self.run_export = RunExport(self, file_menu)  # the run as GIF, filmstrip and CSV
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, "Ctrl+Q")  # StandardKey.Quit is empty on some platforms

        x = self.explore  # the single keys below act on Explore only
        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self._action(edit_menu, "&Undo point edit", self.state.undo, "Ctrl+Z", tab=x)
        self.redo_action = self._action(edit_menu, "&Redo point edit", self.state.redo, "Ctrl+Shift+Z", tab=x)
        edit_menu.addSeparator()
        self.brush_action = self._action(edit_menu, "&Brush mode (drag to spray)", shortcut="B", tab=x,
                                         option="brush_mode")
        self._action(edit_menu, "&Clear points", self.state.clear, tab=x)

        view_menu = bar.addMenu("&View")
        view_menu.setToolTipsVisible(True)  # the regions item says why it is disabled
        self.regions_action = self._action(view_menu, "Voronoi &regions", shortcut="V", tab=x, option="show_regions")
        self.trails_action = self._action(view_menu, "Centroid &trails", shortcut="T", tab=x, option="show_trails")
        self.lines_action = self._action(view_menu, "Point-to-centroid &lines", shortcut="L", tab=x,
                                         option="show_lines")
        self.explain_action = self._action(view_menu, "&Explanation", shortcut="F1", tab=x, option="show_explanation")
        view_menu.addSeparator()
        self._action(view_menu, "&Frame all points", self.canvas.frame_all, "F", tab=x)

        run_menu = bar.addMenu("&Run")
        p = self.playback
        self.play_action = self._action(run_menu, "&Play / pause", p.toggle_play, "Space", tab=x)
        self.step_action = self._action(run_menu, "&Step (half-step forward)", p.step, "Right", tab=x)
        self.back_action = self._action(run_menu, "&Back (half-step back)", p.back, "Left", tab=x)
        self._action(run_menu, "Run to &end", p.run_to_end, "End", tab=x)
        self.reset_action = self._action(run_menu, "&Reset to the same start", p.reset, "Home", tab=x)
        self.seed_action = self._action(run_menu, "&New seed", p.new_seed, "R", tab=x)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "Ctrl+/")
        self._action(help_menu, "&About", self.show_about)
        self.explore_menus = {"Edit", "View", "Run"}  # their shortcuts act on the Explore tab only

    # ------------------------------------------------------------------ behaviour
    def open_image(self, path: str | None = None) -> None:
        """File > Open: show the Image tab and open a photo there (asks for one without ``path``)."""
        self.tabs.setCurrentWidget(self.image_tab)
        if path is None:
            self.image_tab.ask_open()
        else:
            self.image_tab.open_file(path)

    def import_csv(self, path: str | None = None):
        """File > Import CSV: preview a table and load it into Explore (asks for one without ``path``)."""
        return self.csv_import.ask() if path is None else self.csv_import.open_path(path)

    # ------------------------------------------------------------------ status line
    def _update_status(self) -> None:
        self.set_tab_status(self.explore, status_text(self.state))

    def set_tab_status(self, tab: QWidget, text: str) -> None:
        """Set ``tab``'s status text, shown while that tab is current."""
        self._tab_status[tab] = text
        if self._message is not None and self._message[0] is tab:
            self._end_message()  # a newer state of the tab replaces the older message
        self._refresh_status_line()

    def show_message(self, text: str, timeout_ms: int = MESSAGE_MS, tab: QWidget | None = None) -> None:
        """Show ``text`` for ``timeout_ms`` over the status of ``tab`` (default: the current tab)."""
        self._message = (tab if tab is not None else self.tabs.currentWidget(), text)
        self._message_timer.start(timeout_ms)
        self._refresh_status_line()

    def _end_message(self) -> None:
        self._message_timer.stop()
        self._message = None
        self._refresh_status_line()

    def _refresh_status_line(self) -> None:
        current = self.tabs.currentWidget()
        self.status_label.setText(self._tab_status.get(current, ""))
        showing = self._message is not None and self._message[0] is current
        if showing:
            self.message_label.setText(self._message[1])
        self.message_label.setVisible(showing)
        self.status_label.setVisible(not showing)

    def status_line_text(self) -> str:
        """What the status line shows now: a passing message, else the current tab's status."""
        return (self.message_label if self.message_label.isVisibleTo(self) else self.status_label).text()

    def _on_tab_changed(self, _index: int) -> None:
        self.statusBar().clearMessage()
        self._refresh_status_line()
        current = self.tabs.currentWidget()
        # Qt gives the focus to the new page's first input; on Explore that would swallow its keys.
        if current is self.explore:
            self.canvas.plot.setFocus(Qt.FocusReason.TabFocusReason)

    # ------------------------------------------------------------------ keys
    def event(self, event) -> bool:
        # Every key pressed in the window asks its focus widget, then the parents up to here, whether
        # the widget wants it before any shortcut fires (ShortcutOverride). Claim it for typing.
        if event.type() == QEvent.Type.ShortcutOverride and self._is_typing(event):
            event.accept()
            return True
        return super().event(event)

    @staticmethod
    def _is_typing(event) -> bool:
        if event.modifiers() & COMMAND_MODIFIERS:
            return False
        focus = QApplication.focusWidget()
        if isinstance(focus, TYPING_WIDGETS):
            return bool(event.text().strip()) or event.key() in EDITING_KEYS
        return isinstance(focus, QAbstractSlider) and event.key() in SLIDER_KEYS

    def _update_edit_actions(self) -> None:
        self.undo_action.setEnabled(self.state.can_undo)
        self.redo_action.setEnabled(self.state.can_redo)

    def _update_view_actions(self) -> None:
        """Regions are drawn for hard assignments only: their toggle is off elsewhere, saying why."""
        reason = self.canvas.regions_off_reason()
        self.regions_action.setEnabled(reason is None)
        self.regions_action.setToolTip(words.REGIONS_TIP if reason is None else reason)

    def generate(self) -> None:
        """File > Generate: a new draw of the dataset, shown on the Explore tab."""
        self.tabs.setCurrentWidget(self.explore)
        self.dataset_panel.generate()

    def new_empty(self) -> None:
        self.tabs.setCurrentWidget(self.explore)
        self.dataset_panel.set_dataset("empty")
        self.dataset_panel.generate()

    def export_image(self, path: str | None = None, width: int | None = None, whole_tab: bool = False) -> str | None:
        """File > Export image: the canvas, a chart or the whole tab as a PNG ``width`` wide.

        Without ``path`` a dialog asks what to export (from the Choose k tab when it is showing,
        else from Explore) and how large, then where; with it, the Explore canvas (or with
        ``whole_tab`` the whole Explore tab) is written. ``width`` defaults to the size on screen.
        From the dialog the PNG is encoded and written on a worker; the status line says when.
        """
        if path is None:
            from .export_actions import image_export_dialog
            dialog = image_export_dialog(self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            target, width = dialog.choice()
            # The same folder memory as the other exports: a canvas, then a chart, land side by side.
            path = self.run_export.dialogs.ask_save_path("Export image", self.run_export.suggested_name("image.png"),
                                                         "PNG images (*.png)")
            if not path:
                return None
            # Rendering needs the widgets (GUI thread); the slow part, PNG encoding, goes to a worker.
            self.run_export.save_image(render_widget(target, width), path)
            return path
        else:
            self.tabs.setCurrentWidget(self.explore)
            target = self.explore if whole_tab else self.canvas
        # The dialog's range keeps the width valid; a script's bad width is a ValueError.
        image = render_widget(target, width if width is not None else target.width())
        try:
            save_png(image, path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Export failed", f"Could not write {path}:\n{exc}")
            return None
        self.show_message(f"Saved {path} ({image.width()} × {image.height()})")
        return path

    def shortcuts_text(self) -> str:
        from .common.about import shortcuts_html
        return shortcuts_html(self.menuBar(), {menu: "Explore" for menu in self.explore_menus})

    def show_shortcuts(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", self.shortcuts_text(),
                          QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.exec()

    def show_about(self) -> None:
        from .common.about import about_html
        QMessageBox.about(self, "About k-means explorer", about_html())

    def closeEvent(self, event) -> None:
        if not self.sessions.may_close():  # unsaved changes, and the user chose Cancel
            event.ignore()
            return
        self._message_timer.stop()
        self.run_export.shutdown()
        self.csv_import.shutdown(wait=True)
        for i in range(self.tabs.count()):
            widget = self.tabs.widget(i)
            shutdown = getattr(widget, "shutdown", None)
            if callable(shutdown):
                shutdown()
        super().closeEvent(event)
