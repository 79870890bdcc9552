"""Test-wide settings: headless Qt, and no test may leave a worker thread or a Qt timer running."""

import atexit
import os
import shutil
import tempfile
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The app's data directory (teachers' lessons, completed lessons) is a fresh temporary folder in
# tests, never the user's own.
os.environ["KMEANS_GUI_DATA_DIR"] = tempfile.mkdtemp(prefix="kmeans-gui-tests-")
atexit.register(shutil.rmtree, os.environ["KMEANS_GUI_DATA_DIR"], True)

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# The suite is a gate: every run draws the same examples, so a merge cannot fail on an unlucky
# new draw (a rare counterexample found once could not be reproduced by 26,000 later draws).
# Hunting for new counterexamples is a separate, deliberate run: HYPOTHESIS_PROFILE=explore.
settings.register_profile("gate", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "gate"))

# Threads that exist for the whole session and are not any test's to stop.
_BACKGROUND_PREFIXES = ("kmeans-chunks",)


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path_factory, monkeypatch):
    """Autosaves, the crash log and QSettings go to a fresh folder, never the user's."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("KMEANS_GUI_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_blocking_questions(request, monkeypatch):
    """A session question that reaches a real, modal dialog fails the test instead of hanging it
    (windows from make_window answer through tests/ui/conftest.AnsweringDialogs)."""
    if "qtbot" not in request.fixturenames:
        return
    from kmeans_gui.ui.session_dialogs import Dialogs

    for name in ("ask_open_path", "ask_save_path", "ask_unsaved", "ask_restore", "warn"):
        def refuse(self, *args, name=name):
            raise AssertionError(f"a test reached the modal dialog Dialogs.{name}{args!r}")
        monkeypatch.setattr(Dialogs, name, refuse)


@pytest.fixture(autouse=True)
def no_leftover_threads():
    before = set(threading.enumerate())
    yield
    leftover = [
        t for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.name.startswith(_BACKGROUND_PREFIXES)
        and not t.daemon
    ]
    for t in leftover:
        t.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"test left threads running: {still}"


@pytest.fixture(autouse=True)
def no_leftover_timers(request):
    """After a Qt test (and pytest-qt's closing of its widgets), none of the app's widgets that are
    still alive owns an active QTimer."""
    yield
    if "qtbot" not in request.fixturenames:
        return  # no widgets, so no timers of ours
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    running = set()
    for top in QApplication.topLevelWidgets():
        for timer in top.findChildren(QTimer):
            owner = timer.parent()
            # Qt's own (e.g. a status bar's message timeout) are not ours to stop.
            if timer.isActive() and type(owner).__module__.startswith("kmeans_gui"):
                running.add(f"{type(owner).__name__} timer ({timer.interval()} ms)")
    assert not running, f"test left Qt timers running: {sorted(running)}"
