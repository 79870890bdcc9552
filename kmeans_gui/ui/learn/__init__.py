"""Learn: the lessons dock, the code beside the canvas, and the outline on the control to use.

``install_learn(window)`` adds both docks (hidden until asked for), a "Learn" button in the tab
bar's corner and a Learn menu. Lessons come from the built-in folder, the data directory's
``lessons/`` and any ``lessons_dirs``; completed lessons are remembered in a QSettings file in
the data directory (``$KMEANS_GUI_DATA_DIR`` moves it, as the tests do).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["install_learn", "Learn"]

#: The narrowest the right-hand column is asked to be; the code panel's own width (its longest
#: line, in the fixed font) decides when it is wider.
DOCK_WIDTH = 380
#: At most this share of the right-hand column goes to the lesson; the code keeps the rest.
LESSON_SHARE = 0.6


@dataclass
class Learn:
    """What :func:`install_learn` added to the window."""

    host: object
    dock: object
    code_dock: object
    code_panel: object
    highlight: object
    button: object
    fit_docks: object  # callable: give the shown docks their width and share the height


def settings_for_lessons():
    from PySide6.QtCore import QSettings

    from ...lessons.loader import data_dir

    return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def install_learn(window, lessons_dirs=(), settings=None) -> Learn:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QDockWidget, QToolButton

    from ...lessons.loader import load_lessons
    from .code_panel import CodePanel
    from .dock import LearnDock
    from .highlight import ControlHighlight
    from .host import LessonHost

    host = LessonHost(window)
    code_panel = CodePanel()
    code_panel.follow(window.state)
    code_dock = QDockWidget("Code from scratch", window)
    code_dock.setObjectName("codeDock")
    code_dock.setWidget(code_panel)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, code_dock)
    code_dock.hide()

    dock = LearnDock(host, load_lessons(extra=lessons_dirs), settings or settings_for_lessons(), window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    # Stacked: the lesson above, its code below, one column beside the canvas.
    window.splitDockWidget(dock, code_dock, Qt.Orientation.Vertical)
    # The code's lines whole, without a horizontal scroll bar: the canvas gives up the width.
    dock_width = max(DOCK_WIDTH, code_panel.code_width())
    window.resizeDocks([dock, code_dock], [dock_width, dock_width], Qt.Orientation.Horizontal)
    dock.hide()

    def fit_lesson(grow_only: bool = False) -> None:
        # The lesson gets the height its list, text and verdict need (up to LESSON_SHARE of the
        # column); the code and its variables take the rest.
        if not (dock.isVisible() and code_dock.isVisible()):
            return
        total = dock.height() + code_dock.height()
        lesson_height = min(dock.needed_height(), int(total * LESSON_SHARE))
        if grow_only and lesson_height <= dock.height():
            return  # the learner's own split stays while the lesson fits
        window.resizeDocks([dock, code_dock], [lesson_height, total - lesson_height], Qt.Orientation.Vertical)

    def share_height(*_):
        shown = [d for d in (dock, code_dock) if d.isVisible()]
        if shown:
            window.resizeDocks(shown, [dock_width] * len(shown), Qt.Orientation.Horizontal)
        fit_lesson()

    for d in (dock, code_dock):
        d.visibilityChanged.connect(share_height)
    # A longer verdict must not be squeezed under the list; another lesson gets just its height.
    dock.content_changed.connect(lambda: fit_lesson(grow_only=True))
    dock.lesson_list.currentRowChanged.connect(lambda *_: fit_lesson())

    highlight = ControlHighlight(window)
    host.highlight, host.code_dock, host.code_panel = highlight, code_dock, code_panel
    # The outline shows only while the Learn panel does, with the active lesson on show.
    dock.visibilityChanged.connect(lambda shown: dock.point_at_control() if shown else highlight.point_at(None))

    learn_action = dock.toggleViewAction()
    learn_action.setText("&Lessons")
    learn_action.setShortcut(QKeySequence("Ctrl+L"))
    code_action = code_dock.toggleViewAction()
    code_action.setText("&Code beside the canvas")
    code_action.setShortcut(QKeySequence("Ctrl+K"))
    from PySide6.QtWidgets import QMenu

    menu = QMenu("&Learn", window)
    help_menu = next((a for a in window.menuBar().actions() if a.text().replace("&", "") == "Help"), None)
    window.menuBar().insertMenu(help_menu, menu)  # Help stays last
    for action in (learn_action, code_action):
        menu.addAction(action)
        window.addAction(action)

    button = QToolButton()
    button.setObjectName("learnButton")
    button.setDefaultAction(QAction("Learn", window, checkable=True))
    button.defaultAction().setToolTip("Lessons: learn k-means step by step, with its code beside the canvas")
    button.defaultAction().toggled.connect(dock.setVisible)
    dock.visibilityChanged.connect(lambda shown: _set_checked(button.defaultAction(), dock.isVisible()))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    window.tabs.setCornerWidget(button, Qt.Corner.TopRightCorner)
    return Learn(host, dock, code_dock, code_panel, highlight, button, share_height)


def _set_checked(action, checked: bool) -> None:
    if action.isChecked() != checked:
        action.blockSignals(True)
        action.setChecked(checked)
        action.blockSignals(False)
