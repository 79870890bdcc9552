"""An exception escaping in the GUI (a slot, or a worker thread) shows a non-modal dialog with the
details and a Copy button, is written to the log in the data directory, and the app goes on with
its data intact."""

import threading

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from kmeans_gui.ui.crash import LOG_NAME, CrashReporter, install


@pytest.fixture
def reporter(make_window, qtbot):
    window = make_window()
    reporter = CrashReporter(window)
    uninstall = install(reporter)
    yield window, reporter
    uninstall()
    reporter.close_dialogs()


def test_an_exception_in_a_slot_shows_the_dialog_logs_it_and_the_app_goes_on(reporter, qtbot, own_data_dir):
    window, rep = reporter
    points = window.state.points.copy()

    def broken_slot():
        window.state.step()
        raise RuntimeError("the slot broke")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: rep.reported == 1, timeout=5000)
    dialog = rep.dialogs[0]
    assert dialog.isVisible() and not dialog.isModal()
    assert "RuntimeError: the slot broke" in dialog.summary.text()
    assert "broken_slot" in dialog.details.toPlainText() and "Traceback" in dialog.details.toPlainText()
    dialog.copy_button.click()
    assert "RuntimeError: the slot broke" in QGuiApplication.clipboard().text()
    log = (own_data_dir / LOG_NAME).read_text()
    assert "RuntimeError: the slot broke" in log and "broken_slot" in log
    # The data is intact and the window still works.
    np.testing.assert_array_equal(window.state.points, points)
    assert window.state.cursor == 1
    window.step_action.trigger()
    assert window.state.cursor == 2


def test_a_worker_threads_exception_reaches_the_dialog_on_the_gui_thread(reporter, qtbot, own_data_dir):
    window, rep = reporter

    def work():
        raise ValueError("a worker failed")

    t = threading.Thread(target=work, name="kmeans-test-worker")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: rep.reported == 1, timeout=5000)
    assert "ValueError: a worker failed" in rep.dialogs[0].summary.text()
    assert "thread kmeans-test-worker" in rep.dialogs[0].details.toPlainText()
    assert "a worker failed" in (own_data_dir / LOG_NAME).read_text()


def test_a_storm_of_exceptions_opens_only_a_few_dialogs(reporter, qtbot):
    window, rep = reporter
    for i in range(10):
        try:
            raise KeyError(i)
        except KeyError as exc:
            rep.report(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: rep.reported == 10, timeout=5000)
    assert len(rep.dialogs) == 3
