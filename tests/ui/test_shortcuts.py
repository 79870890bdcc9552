"""Explore's single-key shortcuts act on Explore only, and never while the user types into an input."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def press(qtbot, *keys):
    """Real key presses, delivered where the keyboard focus is (as a keyboard would)."""
    for key in keys:
        QTest.keyClick(QApplication.focusWidget(), key)


def click_tab(qtbot, w, index):
    bar = w.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert w.tabs.currentIndex() == index


def explore_snapshot(w):
    return (w.state.params.seed, w.state.cursor, w.regions_action.isChecked(), w.trails_action.isChecked(),
            w.lines_action.isChecked(), w.brush_action.isChecked(), w.playback.playing)


def test_explore_keys_work_on_explore_from_the_start(make_window, qtbot):
    w = make_window(init="random")
    assert w.canvas.plot.hasFocus()
    press(qtbot, Qt.Key.Key_R, Qt.Key.Key_Right, Qt.Key.Key_V)
    assert w.state.params.seed == 1 and w.state.cursor == 1 and not w.regions_action.isChecked()


def test_typing_on_the_image_tab_leaves_explore_alone(make_window, qtbot):
    w = make_window(init="random")
    before = explore_snapshot(w)
    click_tab(qtbot, w, 1)
    w.image_tab.setFocus()
    press(qtbot, Qt.Key.Key_R, Qt.Key.Key_R, Qt.Key.Key_V, Qt.Key.Key_T, Qt.Key.Key_L, Qt.Key.Key_B,
          Qt.Key.Key_Right, Qt.Key.Key_End, Qt.Key.Key_Space)
    qtbot.mouseClick(w.image_tab.k_spin, Qt.MouseButton.LeftButton)
    press(qtbot, Qt.Key.Key_R, Qt.Key.Key_Space, Qt.Key.Key_Right)
    assert explore_snapshot(w) == before
    click_tab(qtbot, w, 2)  # nor on Choose k
    press(qtbot, Qt.Key.Key_R, Qt.Key.Key_Space)
    assert explore_snapshot(w) == before
    click_tab(qtbot, w, 0)  # back on Explore the keys work again at once
    assert w.canvas.plot.hasFocus()
    press(qtbot, Qt.Key.Key_R)
    assert w.state.params.seed == before[0] + 1


def test_typing_into_an_explore_spin_box_or_list_is_not_a_shortcut(make_window, qtbot):
    w = make_window(init="random")
    before = explore_snapshot(w)
    spin = w.algorithm_panel.max_iter_spin
    spin.setFocus()
    spin.selectAll()
    press(qtbot, Qt.Key.Key_R, Qt.Key.Key_V, Qt.Key.Key_Space, Qt.Key.Key_Left, Qt.Key.Key_Right,
          Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_5)
    assert explore_snapshot(w) == before
    press(qtbot, Qt.Key.Key_F1)  # a function key is no typing: the shortcut still works
    assert not w.explain_action.isChecked()
    w.algorithm_panel.init_combo.setFocus()
    press(qtbot, Qt.Key.Key_R, Qt.Key.Key_T, Qt.Key.Key_L, Qt.Key.Key_B)
    assert explore_snapshot(w)[2:] == before[2:] and w.state.params.seed == before[0]
    w.playback.speed.setFocus()
    press(qtbot, Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_End)
    assert w.state.cursor == before[1]
    # Keys with Ctrl stay commands even in an input.
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert w.state.n_points == 0
