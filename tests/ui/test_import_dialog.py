"""File > Import CSV in the window: the preview dialog's guesses, the choices made by clicks and
keys, reading on the worker with Cancel, bad files explained in the dialog with the old data kept,
and a .csv dropped on the canvas."""

import threading

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from kmeans_gui.data.datasets import DATASETS
from kmeans_gui.ui.explore.import_dialog import ImportDialog
from kmeans_gui.ui.explore.panels.dataset import TABLE_ITEM

SPECIES = ("setosa", "versicolor", "virginica")


def write(path, text, newline="\n"):
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def labelled_rows(n=9):
    """n rows of three numeric columns and a species, with hand-checkable values."""
    rows = []
    for i in range(n):
        rows.append((float(i), float(10 + 2 * i), float(i % 3), SPECIES[i % 3]))
    return rows


def labelled_csv(tmp_path, delimiter=",", header=True, name="table.csv"):
    lines = [delimiter.join(("width", "height", "depth", "species"))] if header else []
    lines += [delimiter.join((f"{a:g}", f"{b:g}", f"{c:g}", s)) for a, b, c, s in labelled_rows()]
    return write(tmp_path / name, "\n".join(lines) + "\n")


def open_import(qtbot, window, path):
    """File > Import CSV for ``path``; returns the dialog once it is the active window (typed keys
    go to it then, as they do once a real window manager has raised it)."""
    dialog = window.import_csv(path)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def finish_import(qtbot, dialog):
    """Click Import and wait until the read is over: returns the table imported (the dialog closed
    and is deleted then), or None (the dialog is open and says why)."""
    tables, closed = [], []
    dialog.imported.connect(tables.append)
    dialog.finished.connect(closed.append)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(closed) or not dialog.runner.is_running(), timeout=10_000)
    return tables[0] if tables else None


def watch_closing(dialog):
    """A list that receives the dialog's result code when it closes (it is deleted soon after)."""
    closed = []
    dialog.finished.connect(lambda code: closed.append(QDialog.DialogCode(code)))
    return closed


def click_check_box(qtbot, box):
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def choose_in_combo(qtbot, combo, text):
    """Press Down/Up on the closed combo box until it shows ``text`` (keys, as a user would)."""
    combo.setFocus()
    target = combo.findText(text)
    assert target >= 0, f"{text!r} not among {[combo.itemText(i) for i in range(combo.count())]}"
    for _ in range(combo.count() + 1):
        if combo.currentIndex() == target:
            return
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)
    assert combo.currentIndex() == target


def toggle_feature(qtbot, dialog, column):
    """Select the column's row in the features list and press Space, which ticks or unticks it."""
    lst = dialog.features_list
    lst.setFocus()
    lst.setCurrentRow(column)
    qtbot.keyClick(lst, Qt.Key.Key_Space)


@pytest.fixture
def window(make_window):
    return make_window()


# ---------------------------------------------------------------- what the dialog guesses
def test_numeric_columns_are_preselected_and_the_text_column_is_the_label(qtbot, window, tmp_path):
    dialog = open_import(qtbot, window, labelled_csv(tmp_path))
    assert dialog.isVisible() and dialog.message_text() == ""
    assert dialog.layout_.delimiter == "," and dialog.header_check.isChecked()
    assert dialog.feature_columns() == (0, 1, 2)
    assert dialog.label_combo.currentText() == "species" and dialog.label_column() == 3
    table = dialog.preview_table
    assert table.columnCount() == 4 and table.rowCount() == 9
    assert table.horizontalHeaderItem(3).text() == "species (text)"
    assert [table.item(4, c).text() for c in range(4)] == ["4", "18", "1", "versicolor"]
    assert "3 features: width, height, depth; true labels from 'species'" in dialog.summary_label.text()


def test_semicolon_and_no_header_are_detected(qtbot, window, tmp_path):
    dialog = open_import(qtbot, window, labelled_csv(tmp_path, delimiter=";", header=False))
    assert dialog.delimiter_combo.currentData() == ";" and dialog.delimiter_combo.currentText().startswith("Semicolon")
    assert not dialog.header_check.isChecked()
    assert dialog.layout_.names == ("column 1", "column 2", "column 3", "column 4")
    assert dialog.preview_table.rowCount() == 9  # the first line is data, not names
    assert dialog.feature_columns() == (0, 1, 2) and dialog.label_column() == 3


def test_changing_the_delimiter_previews_again(qtbot, window, tmp_path):
    dialog = open_import(qtbot, window, write(tmp_path / "semi.csv", "p;q\n1;2\n3;4\n5;7\n"))
    assert dialog.layout_.delimiter == ";" and dialog.preview_table.columnCount() == 2
    choose_in_combo(qtbot, dialog.delimiter_combo, "Comma  ,")
    assert dialog.layout_.delimiter == "," and dialog.layout_.names == ("column 1",)
    assert dialog.preview_table.columnCount() == 1 and dialog.preview_table.item(3, 0).text() == "5;7"
    assert dialog.feature_columns() == () and not dialog.import_button.isEnabled()
    choose_in_combo(qtbot, dialog.delimiter_combo, "Semicolon  ;")
    assert dialog.preview_table.columnCount() == 2 and dialog.preview_table.item(2, 1).text() == "7"
    assert dialog.feature_columns() == (0, 1) and dialog.import_button.isEnabled()


def test_unticking_the_header_makes_the_first_row_data(qtbot, window, tmp_path):
    dialog = open_import(qtbot, window, labelled_csv(tmp_path))
    click_check_box(qtbot, dialog.header_check)
    assert not dialog.header_check.isChecked() and not dialog.layout_.has_header
    assert dialog.preview_table.rowCount() == 10
    assert dialog.preview_table.item(0, 0).text() == "width"
    assert dialog.feature_columns() == ()  # "width" above the numbers: no column is numeric now
    assert not dialog.import_button.isEnabled()
    assert "at least two feature columns" in dialog.summary_label.text()


def test_the_label_column_is_never_a_feature(qtbot, window, tmp_path):
    dialog = open_import(qtbot, window, labelled_csv(tmp_path))
    choose_in_combo(qtbot, dialog.label_combo, "depth")
    assert dialog.label_column() == 2 and dialog.feature_columns() == (0, 1)
    item = dialog.features_list.item(2)
    assert item.checkState() == Qt.CheckState.Unchecked and not item.flags() & Qt.ItemFlag.ItemIsEnabled
    toggle_feature(qtbot, dialog, 2)  # a disabled item cannot be ticked
    assert dialog.feature_columns() == (0, 1)
    choose_in_combo(qtbot, dialog.label_combo, "(none)")
    assert dialog.label_column() is None and dialog.feature_columns() == (0, 1, 2)


# ---------------------------------------------------------------- importing
def test_the_view_of_the_table_is_prepared_on_the_worker_and_adopted_as_it_is(qtbot, window, tmp_path,
                                                                              monkeypatch):
    from kmeans_gui.ui.explore import csv_import

    made, original = [], csv_import.prepare_import

    def prepare(table):
        made.append((threading.current_thread(), original(table)))
        return made[-1][1]

    monkeypatch.setattr(csv_import, "prepare_import", prepare)
    finish_import(qtbot, open_import(qtbot, window, labelled_csv(tmp_path)))
    (thread, prepared), = made
    assert thread is not threading.main_thread()  # the PCA and the checks ran on the worker
    assert window.state.table is prepared.data and window.state.view_points is prepared.view_points


def test_import_loads_every_feature_and_keeps_the_true_labels(qtbot, window, tmp_path):
    old_version = window.state.data_version
    dialog = open_import(qtbot, window, labelled_csv(tmp_path))
    table = finish_import(qtbot, dialog)
    assert table is not None and window.csv_import.dialog is None
    expected = np.array([r[:3] for r in labelled_rows()])
    np.testing.assert_array_equal(table.X, expected)
    assert table.label_names == SPECIES and table.labels.tolist() == [0, 1, 2] * 3
    state = window.state
    assert state.data_version == old_version + 1 and state.n_features == 3
    np.testing.assert_array_equal(state.points, expected)  # clustered in 3-D, not a projection
    assert state.true_labels.tolist() == [0, 1, 2] * 3
    assert state.label_names == SPECIES  # what the codes stand for, for the CSV export
    assert state.feature_names == ("width", "height", "depth")
    assert state.source == "table.csv"
    assert window.status_line_text() == ("Imported table.csv: 9 rows × 3 features, true labels from 'species'; "
                                         "k = 3 to match its 3 classes")
    assert state.params.k == 3  # "Set k to match" is ticked, as for a dataset
    assert window.canvas.plot.getAxis("bottom").labelText.startswith("PC 1, ")  # the canvas shows a projection
    assert state.can_undo


def test_k_is_left_alone_when_set_k_to_match_is_unticked(qtbot, window, tmp_path):
    click_check_box(qtbot, window.dataset_panel.suggest_k)
    assert not window.dataset_panel.suggest_k.isChecked()
    window.state.set_params(k=5)
    k_before = window.state.params.k
    finish_import(qtbot, open_import(qtbot, window, labelled_csv(tmp_path)))
    assert window.state.n_features == 3 and window.state.params.k == k_before != 3
    assert "match" not in window.status_line_text()


def test_undo_brings_the_data_before_the_import_back(qtbot, window, tmp_path):
    window.state.set_params(k=5)
    before, k_before = window.state.points, window.state.params.k
    table = finish_import(qtbot, open_import(qtbot, window, labelled_csv(tmp_path)))
    assert window.state.n_features == 3 and table is not None
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.canvas.plot.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.state.n_features == 2 and window.state.points is before
    assert window.state.params.k == k_before  # the k matched to the classes goes back too


def test_an_unticked_column_is_left_out(qtbot, window, tmp_path):
    dialog = open_import(qtbot, window, labelled_csv(tmp_path))
    toggle_feature(qtbot, dialog, 2)  # leave depth out
    assert dialog.feature_columns() == (0, 1)
    table = finish_import(qtbot, dialog)
    assert table.columns == ("width", "height") and window.state.feature_names == ("width", "height")
    np.testing.assert_array_equal(window.state.points, [r[:2] for r in labelled_rows()])


def test_standardise_gives_mean_0_and_sd_1(qtbot, window, tmp_path):
    dialog = open_import(qtbot, window, labelled_csv(tmp_path))
    toggle_feature(qtbot, dialog, 0)  # width and depth: on different scales
    click_check_box(qtbot, dialog.standardize_check)
    assert dialog.standardize_check.isChecked()
    X = finish_import(qtbot, dialog).X
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1, atol=1e-12)
    heights = np.array([r[1] for r in labelled_rows()])  # 10, 12, ..., 26: mean 18, variance 240 / 9
    np.testing.assert_allclose(X[:, 0], (heights - 18) / np.sqrt(240 / 9))
    np.testing.assert_allclose(window.state.points, X)
    assert "standardised" in window.status_line_text()
    # The values are no longer the file's: the names on the axes and in a CSV export say so.
    assert window.state.feature_names == ("height (standardised)", "depth (standardised)")


def test_nan_rows_are_offered_to_drop_saying_how_many(qtbot, window, tmp_path):
    path = write(tmp_path / "gaps.csv", "a,b\n1,2\nnan,3\n4,5\n6,inf\n7,8\n2,2\n")
    before = window.state.points
    dialog = open_import(qtbot, window, path)
    finish_import(qtbot, dialog)
    assert dialog.isVisible() and window.state.points is before
    assert dialog.message_text().startswith("2 of 6 rows of gaps.csv hold missing, NaN or infinite values")
    assert dialog.drop_button.isVisible()
    assert dialog.drop_button.text() == "Drop those 2 rows and import the other 4"
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        qtbot.mouseClick(dialog.drop_button, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(window.state.points, [[1, 2], [4, 5], [7, 8], [2, 2]])
    assert "dropped 2 rows with missing, NaN or infinite values" in window.status_line_text()


# ---------------------------------------------------------------- bad files: a message, nothing lost
BAD_FILES = {
    "empty": (b"", "is empty"),
    "header only": (b"a,b\n", "has a header but no data rows"),
    "single row": (b"a,b\n1,2\n", "has a single data row"),
    "binary": (b"PK\x03\x04" + bytes(range(256)), "looks like a ZIP archive"),
    "all identical": (b"a,b\n1,2\n1,2\n1,2\n", "are identical in the chosen columns"),
    "one numeric column": (b"x,name\n1,a\n2,b\n3,c\n", "Tick at least two feature columns"),
    "mixed delimiters": (b"x,y\n1;2\n3,4\n5;6\n", "mixes delimiters"),
    "fewer distinct rows than k": (b"a,b\n1,2\n3,4\n1,2\n3,4\n", "k = 3 but the data have only 2 distinct rows"),
    "100,000 columns": ((",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join(["1"] * 100_000) + "\n").encode(),
                        "has about 100,000 columns on its first line; at most 10,000 are supported"),
    "control bytes": (bytes(range(1, 32)) * 40, "is not a CSV text file: it holds binary control bytes"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_shows_its_message_and_keeps_the_old_data(qtbot, window, tmp_path, case):
    content, expected = BAD_FILES[case]
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before, version = window.state.points, window.state.data_version
    dialog = open_import(qtbot, window, path)
    if dialog.import_button.isEnabled():
        finish_import(qtbot, dialog)
    assert dialog.isVisible()
    shown = dialog.message_text() + " " + dialog.summary_label.text()
    assert expected in shown
    assert window.state.points is before and window.state.data_version == version
    closed = watch_closing(dialog)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert closed == [QDialog.DialogCode.Rejected] and window.state.points is before


def test_text_in_a_numeric_column_names_its_line_and_column(qtbot, window, tmp_path):
    path = write(tmp_path / "typo.csv", "a,b\n1,2\n3,4\n5,4 .5\n", newline="\r\n")
    dialog = open_import(qtbot, window, path)
    assert dialog.label_column() == 1  # the only text column looks like labels
    choose_in_combo(qtbot, dialog.label_combo, "(none)")
    toggle_feature(qtbot, dialog, 1)  # the sniffer saw text in b: tick it anyway
    assert dialog.feature_columns() == (0, 1)
    finish_import(qtbot, dialog)
    assert dialog.message_text() == ("text in a numeric column: line 4, column 'b' holds '4 .5'; fix that cell, "
                                     "or leave the column out of the features.")


def test_a_file_over_the_size_limit_is_refused_saying_the_limit(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr("kmeans_gui.data.csv_layout.MAX_FILE_BYTES", 1 << 20)  # a 2 GB file, scaled down
    path = labelled_csv(tmp_path)
    with open(path, "ab") as f:
        f.truncate((1 << 20) + 1)
    dialog = open_import(qtbot, window, path)
    assert "are refused (take a sample of its rows, or fewer columns, first)" in dialog.message_text()
    assert not dialog.import_button.isEnabled()


def test_a_folder_is_not_a_file(qtbot, window, tmp_path):
    dialog = open_import(qtbot, window, tmp_path)
    assert dialog.message_text() == f"{tmp_path} is a folder, not a CSV file."


def test_bom_latin1_windows_lines_and_thousands_are_read(qtbot, window, tmp_path):
    text = 'Größe;Höhe;Stadt\r\n"1,250";2;Köln\r\n"3,500.5";4;Zürich\r\n7;"12,000";Köln\r\n'
    path = tmp_path / "städte.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    dialog = open_import(qtbot, window, path)
    assert dialog.layout_.names == ("Größe", "Höhe", "Stadt") and "byte-order mark was skipped" in dialog.file_label.text()
    assert dialog.feature_columns() == (0, 1) and dialog.label_column() == 2
    table = finish_import(qtbot, dialog)
    np.testing.assert_array_equal(table.X, [[1250, 2], [3500.5, 4], [7, 12000]])
    assert table.label_names == ("Köln", "Zürich")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(text.encode("latin-1"))
    dialog = open_import(qtbot, window, latin)
    assert "it was read as Latin-1" in dialog.file_label.text()
    assert finish_import(qtbot, dialog).label_names == ("Köln", "Zürich")
    np.testing.assert_array_equal(window.state.points, [[1250, 2], [3500.5, 4], [7, 12000]])


def test_a_vanished_path_is_explained(qtbot, window, tmp_path):
    dialog = open_import(qtbot, window, tmp_path / "gone.csv")
    assert "no such file" in dialog.message_text() and not dialog.import_button.isEnabled()


def test_mixed_delimiters_name_the_line_once_a_delimiter_is_chosen(qtbot, window, tmp_path):
    dialog = open_import(qtbot, window, write(tmp_path / "mixed.csv", "p;q\n1;2\n3;4\n7,000\n"))
    assert "mixes delimiters" in dialog.message_text() and dialog.delimiter_combo.currentIndex() == -1
    assert not dialog.import_button.isEnabled()
    choose_in_combo(qtbot, dialog.delimiter_combo, "Semicolon  ;")
    assert dialog.layout_.delimiter == ";" and dialog.message_text() == ""
    assert dialog.feature_columns() == (0, 1)
    finish_import(qtbot, dialog)
    assert dialog.message_text().startswith("line 4 of mixed.csv has 1 field where the header has 2 "
                                            "(semicolon-separated): mixed delimiters")


# ---------------------------------------------------------------- the worker: Cancel, closing
@pytest.fixture
def slow_read(monkeypatch):
    """Reading stops after its first block until ``go_on`` is set: a big file, deterministically."""
    import kmeans_gui.data.table as table_module

    monkeypatch.setattr("kmeans_gui.ui.explore.import_dialog.READ_CHUNK_ROWS", 10)
    first_block, go_on = threading.Event(), threading.Event()
    real = table_module._parse_block

    def parse(*args):
        result = real(*args)
        first_block.set()
        go_on.wait(5)
        return result

    monkeypatch.setattr(table_module, "_parse_block", parse)
    yield first_block, go_on
    go_on.set()


def big_csv(tmp_path, n=200):
    X = np.arange(2 * n, dtype=float).reshape(n, 2)
    return write(tmp_path / "big.csv", "a,b\n" + "".join(f"{a:g},{b:g}\n" for a, b in X)), X


def test_cancel_during_a_read_keeps_the_old_data(qtbot, window, tmp_path, slow_read):
    first_block, go_on = slow_read
    path, _ = big_csv(tmp_path)
    before, version = window.state.points, window.state.data_version
    dialog = open_import(qtbot, window, path)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert first_block.wait(5)
    assert dialog.runner.is_running() and dialog.progress_bar.isVisible()
    assert not dialog.import_button.isEnabled() and not dialog.features_list.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    go_on.set()
    assert dialog.runner.wait(5)
    qtbot.wait(20)  # anything the stopped read still sent is dropped
    assert dialog.isVisible() and dialog.message_text() == "Import cancelled; nothing was changed."
    assert not dialog.progress_bar.isVisible() and dialog.import_button.isEnabled()
    assert window.state.points is before and window.state.data_version == version
    closed = watch_closing(dialog)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # now it closes
    assert closed == [QDialog.DialogCode.Rejected]


def test_progress_reaches_the_dialog_while_reading(qtbot, window, tmp_path, slow_read):
    first_block, go_on = slow_read
    path, X = big_csv(tmp_path)
    dialog = open_import(qtbot, window, path)
    shown = []
    dialog.runner.progress.connect(lambda fraction, message: shown.append((dialog.progress_label.text(),
                                                                          dialog.progress_bar.value())))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert first_block.wait(5)
    assert dialog.progress_bar.isVisible() and dialog.progress_bar.value() == 0
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        go_on.set()
    np.testing.assert_array_equal(window.state.points, X)
    assert len(shown) == 21 and shown[-2] == ("Reading big.csv: 200 rows", 1000)
    assert shown[-1] == ("Preparing the view…", 1000)  # the projection, fitted on the worker too
    assert [text for text, _ in shown[:2]] == ["Reading big.csv: 10 rows", "Reading big.csv: 20 rows"]


def test_closing_the_window_while_reading_stops_the_worker(qtbot, window, tmp_path, slow_read):
    first_block, go_on = slow_read
    path, _ = big_csv(tmp_path)
    dialog = open_import(qtbot, window, path)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert first_block.wait(5)
    closed = watch_closing(dialog)
    runner = dialog.runner
    threading.Timer(0.2, go_on.set).start()  # the read goes on to its next block, and stops there
    window.close()
    assert closed == [QDialog.DialogCode.Rejected] and window.csv_import.dialog is None
    assert runner.wait(0)  # the read returned before the window finished closing


# ---------------------------------------------------------------- the menu and drag and drop
def test_file_menu_import_asks_for_a_file_then_previews_it(qtbot, window, tmp_path, monkeypatch):
    path = labelled_csv(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    assert window.import_csv_action in window.file_menu.actions()
    window.import_csv_action.trigger()
    dialog = window.csv_import.dialog
    assert isinstance(dialog, ImportDialog) and dialog.isVisible() and dialog.path == str(path)
    closed = watch_closing(dialog)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert closed == [QDialog.DialogCode.Rejected] and window.csv_import.dialog is None


def drag_events(path, target):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    pos = QPointF(target.width() / 2, target.height() / 2)
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pos.toPoint(), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    drop = QDropEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    return mime, enter, drop


def test_a_csv_dropped_on_the_canvas_opens_the_dialog(qtbot, window, tmp_path):
    path = write(tmp_path / "dropped.csv", "a,b\n1,2\n3,4\n5,7\n")
    target = window.canvas.plot.viewport()
    mime, enter, drop = drag_events(path, target)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(target, drop)
    assert drop.isAccepted()
    dialog = window.csv_import.dialog
    assert dialog is not None and dialog.isVisible() and dialog.path == str(path)
    finish_import(qtbot, dialog)
    np.testing.assert_array_equal(window.state.points, [[1, 2], [3, 4], [5, 7]])


def test_other_files_dropped_on_the_canvas_are_refused(qtbot, window, tmp_path):
    path = write(tmp_path / "notes.md", "# hello\n")
    target = window.canvas.plot.viewport()
    mime, enter, drop = drag_events(path, target)
    QApplication.sendEvent(target, enter)
    assert not enter.isAccepted()
    assert window.csv_import.dialog is None


def test_a_session_file_dropped_on_the_canvas_opens_the_session(qtbot, window, tmp_path):
    saved = window.state.points
    path = tmp_path / "work.kmsession"
    assert window.sessions.save_as(str(path))
    window.state.set_points(saved[:10])
    _, enter, drop = drag_events(path, window.canvas.plot.viewport())
    QApplication.sendEvent(window.canvas.plot.viewport(), enter)
    assert enter.isAccepted()
    QApplication.sendEvent(window.canvas.plot.viewport(), drop)
    np.testing.assert_array_equal(window.state.points, saved)
    assert window.csv_import.dialog is None


def test_escape_stops_a_read_and_a_second_escape_closes(qtbot, window, tmp_path, slow_read):
    first_block, go_on = slow_read
    path, _ = big_csv(tmp_path)
    before = window.state.points
    dialog = open_import(qtbot, window, path)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert first_block.wait(5)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    go_on.set()
    assert dialog.runner.wait(5)
    assert dialog.isVisible() and dialog.message_text() == "Import cancelled; nothing was changed."
    closed = watch_closing(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert closed == [QDialog.DialogCode.Rejected] and window.state.points is before


def test_a_second_import_replaces_a_dialog_still_reading(qtbot, window, tmp_path, slow_read):
    first_block, go_on = slow_read
    path, _ = big_csv(tmp_path)
    first = open_import(qtbot, window, path)
    qtbot.mouseClick(first.import_button, Qt.MouseButton.LeftButton)
    assert first_block.wait(5)
    closed = watch_closing(first)
    second = window.import_csv(labelled_csv(tmp_path))
    go_on.set()
    assert closed == [QDialog.DialogCode.Rejected]
    assert window.csv_import.dialog is second and second.isVisible()
    assert finish_import(qtbot, second) is not None and window.state.n_features == 3


# ---------------------------------------------------------------- the Data panel after an import
def test_the_data_panel_names_the_imported_table_and_a_dataset_can_be_chosen_again(qtbot, window, tmp_path):
    from PySide6.QtTest import QTest

    panel, state = window.dataset_panel, window.state
    combo = panel.dataset_combo
    panel.set_dataset("moons")
    moons = state.points
    finish_import(qtbot, open_import(qtbot, window, labelled_csv(tmp_path)))
    assert combo.currentText() == "table.csv · 9 × 3" and combo.count() == len(DATASETS) + 1
    assert not panel.generate_button.isEnabled()
    assert not panel.n_spin.isVisible() and not panel.seed_spin.isVisible()  # no stale dataset options
    window.undo_action.trigger()  # back to the moons: the panel says so again
    np.testing.assert_array_equal(state.points, moons)
    assert combo.currentData() == "moons" and combo.count() == len(DATASETS)
    assert panel.n_spin.isVisible() and panel.generate_button.isEnabled()
    window.redo_action.trigger()
    assert combo.currentText() == "table.csv · 9 × 3" and state.n_features == 3
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)  # the first dataset, chosen by hand
    assert combo.currentData() == "blobs" and state.dataset["name"] == "blobs"
    assert state.n_points == panel.n_spin.value() and state.n_features == 2
    assert combo.findData(TABLE_ITEM) == -1 and panel.generate_button.isEnabled()
    window.undo_action.trigger()
    assert combo.currentText() == "table.csv · 9 × 3"
