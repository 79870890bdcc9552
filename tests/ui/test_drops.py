"""Files dropped anywhere on the window go where their kind belongs: a .csv to the CSV import
(Explore), a session to Open, an image to the Image tab; whichever tab is under the cursor."""

import numpy as np
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication


def drop_on(target, path):
    """Drag ``path`` over ``target`` and drop it, as Qt delivers it: (drag accepted, drop accepted).

    Plain booleans: pytest's report of a failed assert must not touch the events (repr of a
    delivered QDropEvent crashes)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    centre = QPoint(target.width() // 2, target.height() // 2)
    rest = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(centre, *rest)
    QApplication.sendEvent(target, enter)  # Qt delivers a drop only after the drag was accepted
    if not enter.isAccepted():
        return False, False
    drop = QDropEvent(QPointF(centre), *rest)
    QApplication.sendEvent(target, drop)
    return True, drop.isAccepted()


def small_png(tmp_path):
    arr = np.zeros((20, 30, 3), dtype=np.uint8)
    arr[:, 15:] = (200, 40, 10)
    Image.fromarray(arr).save(tmp_path / "two.png")
    return tmp_path / "two.png"


def test_a_csv_dropped_on_the_image_tab_is_imported_into_explore(qtbot, make_window, tmp_path):
    w = make_window()
    w.tabs.setCurrentWidget(w.image_tab)
    path = tmp_path / "table.CSV"
    path.write_text("a,b,c\n1,2,3\n4,5,6\n7,8,10\n")
    entered, dropped = drop_on(w.image_tab, path)
    assert entered and dropped
    dialog = w.csv_import.dialog
    assert dialog is not None and dialog.isVisible() and dialog.path == str(path)
    assert w.tabs.currentWidget() is w.explore
    assert w.image_tab.loaded is None and not w.image_tab.runner.is_running()  # not tried as an image
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(w.state.points, [[1, 2, 3], [4, 5, 6], [7, 8, 10]])


def test_an_image_dropped_on_the_explore_canvas_opens_in_the_image_tab(qtbot, make_window, tmp_path):
    w = make_window()
    points = w.state.points
    entered, dropped = drop_on(w.canvas.plot.viewport(), small_png(tmp_path))
    assert entered and dropped
    assert w.tabs.currentWidget() is w.image_tab and w.csv_import.dialog is None
    tab = w.image_tab
    qtbot.waitUntil(lambda: tab.loaded is not None and not tab.runner.is_running(), timeout=20_000)
    assert tab.loaded.name == "two.png" and tab.loaded.pixels.shape == (20, 30, 3)
    assert w.state.points is points  # Explore's data untouched


def test_a_session_dropped_on_the_image_tab_opens_the_session(qtbot, make_window, tmp_path):
    w = make_window()
    saved = w.state.points
    path = tmp_path / "work.kmsession"
    assert w.sessions.save_as(str(path))
    w.state.set_points(saved[:10])
    w.tabs.setCurrentWidget(w.image_tab)
    entered, dropped = drop_on(w.image_tab, path)
    assert entered and dropped
    np.testing.assert_array_equal(w.state.points, saved)
    assert w.image_tab.loaded is None and w.csv_import.dialog is None


def test_other_files_are_left_to_the_widget_under_the_cursor(qtbot, make_window, tmp_path):
    w = make_window()
    notes = tmp_path / "notes.md"
    notes.write_text("# hello\n")
    entered, _ = drop_on(w.canvas.plot.viewport(), notes)
    assert not entered and w.csv_import.dialog is None
