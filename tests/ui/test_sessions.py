"""Sessions in the window: File menu, the canvas restored pixel for pixel, bad files, the
unsaved-changes question, autosave, recovery and what the window remembers. No dialog blocks:
every question goes through a FakeDialogs that answers at once."""

import os
import subprocess
import sys

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from kmeans_gui.state import session
from kmeans_gui.ui.sessions import AUTOSAVE_DELAY_MS

from conftest import wait_for_settled_view
from mw_helpers import click_data


class FakeDialogs:
    """Answers every question at once and records what was asked."""

    def __init__(self, open_path=None, save_path=None, unsaved="discard", restore=True):
        self.open_path, self.save_path, self.unsaved, self.restore = open_path, save_path, unsaved, restore
        self.asked: list[str] = []
        self.warnings: list[tuple[str, str]] = []

    def ask_open_path(self, folder):
        self.asked.append("open")
        return self.open_path

    def ask_save_path(self, suggested):
        self.asked.append("save path")
        return self.save_path

    def ask_unsaved(self, name):
        self.asked.append(f"unsaved {name}")
        return self.unsaved

    def ask_restore(self, description):
        self.asked.append(f"restore {description}")
        return self.restore

    def warn(self, title, text):
        self.warnings.append((title, text))


def with_fake(window, **answers) -> FakeDialogs:
    window.sessions.dialogs = FakeDialogs(**answers)
    return window.sessions.dialogs


def canvas_picture(qtbot, window):
    # pyqtgraph's "A" (auto-range) button shows while the mouse hovers the plot: not the picture.
    window.canvas.plot.getPlotItem().hideButtons()
    wait_for_settled_view(qtbot, window.canvas)
    return window.canvas.plot.grab().toImage()


def test_file_menu_has_the_session_actions_with_standard_shortcuts(make_window):
    w = make_window()
    texts = [a.text() for a in w.file_menu.actions()]
    assert texts[:5] == ["&New", "&Open…", "Open &Recent", "&Save", "Save &As…"]
    s = w.sessions
    assert s.new_action.shortcut() == QKeySequence("Ctrl+N")
    assert s.open_action.shortcut() == QKeySequence("Ctrl+O")
    assert s.save_action.shortcut() == QKeySequence("Ctrl+S")
    assert s.save_as_action.shortcut() == QKeySequence("Ctrl+Shift+S")


def test_save_then_open_restores_the_canvas_pixel_for_pixel(make_window, qtbot, tmp_path):
    a = make_window()
    for x, y in ((2.0, 0.0), (-2.0, 0.0)):  # drawn by hand
        click_data(qtbot, a.canvas, x, y)
    a.state.step()
    a.state.step()
    a.state.step()
    a.lines_action.trigger()
    a.regions_action.trigger()
    path = tmp_path / "drawn.kmsession"
    fake = with_fake(a, save_path=str(path))
    qtbot.keyClick(a, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save: asks where (untitled)
    assert fake.asked == ["save path"] and path.exists()
    assert a.sessions.path == str(path) and not a.sessions.dirty and a.windowTitle().startswith("drawn.kmsession")
    expected = canvas_picture(qtbot, a)

    b = make_window(points=np.random.default_rng(9).normal(size=(30, 2)), k=2)
    assert b.sessions.open_path(str(path))
    assert b.state.n_points == a.state.n_points == 62 and b.state.cursor == 3
    assert not b.view_options.show_regions and b.view_options.show_lines
    got = canvas_picture(qtbot, b)
    assert got.size() == expected.size()
    assert got == expected


def test_a_bad_session_is_named_and_the_work_on_screen_stays(make_window, qtbot, tmp_path):
    w = make_window()
    click_data(qtbot, w.canvas, 2.0, 0.0)
    before = w.state.points.copy()
    good = tmp_path / "good.kmsession"
    w.sessions.save_as(str(good))
    broken = tmp_path / "broken.kmsession"
    broken.write_bytes(good.read_bytes()[:300])
    click_data(qtbot, w.canvas, -2.0, 0.0)
    fake = with_fake(w, unsaved="discard")
    assert not w.sessions.open_path(str(broken))
    title, text = fake.warnings[-1]
    assert title == "Could not open the session"
    assert "broken.kmsession" in text and "damaged or truncated" in text and "unchanged" in text
    assert w.state.n_points == before.shape[0] + 1 and w.sessions.path == str(good)


def test_new_asks_about_unsaved_changes_and_cancel_keeps_everything(make_window, qtbot):
    w = make_window()
    click_data(qtbot, w.canvas, 2.0, 0.0)
    assert w.sessions.dirty and w.isWindowModified()
    fake = with_fake(w, unsaved="cancel")
    qtbot.keyClick(w, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert fake.asked == ["unsaved Untitled"] and w.state.n_points == 61
    fake.unsaved = "discard"
    w.sessions.new_action.trigger()
    assert w.state.n_points == 0 and w.state.params.k == 4 and not w.sessions.dirty and w.sessions.path is None


def test_closing_with_unsaved_changes_asks_save_discard_cancel(make_window, qtbot, tmp_path):
    w = make_window()
    fake = with_fake(w, unsaved="cancel")
    w.sessions.start(restore="no")
    click_data(qtbot, w.canvas, 2.0, 0.0)
    w.close()
    assert w.isVisible() and fake.asked == ["unsaved Untitled"]
    fake.unsaved, fake.save_path = "save", str(tmp_path / "kept.kmsession")
    w.close()
    assert not w.isVisible() and (tmp_path / "kept.kmsession").exists()
    assert session.read(tmp_path / "kept.kmsession").arrays["explore"]["points"].shape == (61, 2)
    assert not os.path.exists(w.sessions.autosave_path)  # a normal close leaves no autosave


def test_autosave_writes_soon_after_a_change_off_the_gui_thread(make_window, qtbot, own_data_dir):
    assert AUTOSAVE_DELAY_MS < 2000
    w = make_window()
    with_fake(w, unsaved="discard")
    w.sessions.start(restore="no")
    assert not os.path.exists(w.sessions.autosave_path)  # nothing changed yet
    click_data(qtbot, w.canvas, 2.0, 0.0)
    qtbot.waitUntil(lambda: w.sessions.autosaves_written == 1, timeout=10_000)
    saved = session.read(w.sessions.autosave_path)
    np.testing.assert_array_equal(saved.arrays["explore"]["points"], w.state.points)
    assert os.path.dirname(w.sessions.autosave_path) == str(own_data_dir)
    with_fake(w, unsaved="discard")
    w.close()
    assert not os.path.exists(w.sessions.autosave_path)


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_the_autosave_of_a_killed_process_is_offered_and_restored(make_window, qtbot, own_data_dir):
    donor = make_window(points=np.arange(14.0).reshape(7, 2), k=2)
    orphan = own_data_dir / f"autosave-{dead_pid()}.kmsession"
    session.write(orphan, donor.sessions.capture())
    w = make_window()
    fake = with_fake(w, restore=True)
    assert w.sessions.start(restore="ask")
    assert fake.asked[0].startswith("restore Autosaved at") and "7 points, not saved to a file" in fake.asked[0]
    np.testing.assert_array_equal(w.state.points, np.arange(14.0).reshape(7, 2))
    assert w.sessions.dirty and not orphan.exists() and os.path.exists(w.sessions.autosave_path)
    with_fake(w, unsaved="discard")
    w.close()


def test_declining_the_restore_deletes_the_autosave(make_window, own_data_dir):
    donor = make_window(points=np.arange(14.0).reshape(7, 2), k=2)
    orphan = own_data_dir / f"autosave-{dead_pid()}.kmsession"
    session.write(orphan, donor.sessions.capture())
    w = make_window()
    with_fake(w, restore=False)
    assert not w.sessions.start(restore="ask")
    assert w.state.n_points == 60 and not orphan.exists()
    w.close()


def test_a_living_process_autosave_is_not_offered(make_window, own_data_dir):
    donor = make_window(points=np.arange(14.0).reshape(7, 2), k=2)
    session.write(own_data_dir / f"autosave-{os.getppid()}.kmsession", donor.sessions.capture())
    w = make_window()
    fake = with_fake(w)
    assert not w.sessions.start(restore="ask") and fake.asked == []
    w.close()


def test_recent_files_and_window_geometry_are_remembered(make_window, qtbot, tmp_path, own_data_dir):
    w = make_window()
    with_fake(w, unsaved="discard")
    w.sessions.start(restore="no")
    for name in ("a", "b"):
        w.sessions.save_as(str(tmp_path / name))
    assert w.sessions.recent_files() == [str(tmp_path / "b.kmsession"), str(tmp_path / "a.kmsession")]
    w.sessions.recent_menu.aboutToShow.emit()
    assert [a.text() for a in w.sessions.recent_menu.actions()][:2] == ["b.kmsession", "a.kmsession"]
    w.resize(1100, 720)
    w.state.set_params(k=5)
    w.view_options.show_trails = False
    w.close()
    assert (own_data_dir / "settings.ini").exists()

    again = make_window()
    again.sessions.recall_window()
    again.sessions.recall_settings()
    # The offscreen screen is narrower than the window's minimum width, so Qt clamps the width.
    assert again.height() == 720 and again.width() != 1280
    assert again.state.params.k == 5 and not again.view_options.show_trails
    assert not again.sessions.dirty  # remembered settings are not unsaved work
    next(a for a in again.sessions.recent_menu.actions() if a.text() == "a.kmsession").trigger()
    assert again.sessions.path == str(tmp_path / "a.kmsession")


def test_open_by_the_dialog_sends_an_image_to_the_image_tab_and_a_session_to_the_models(make_window, tmp_path):
    w = make_window()
    path = tmp_path / "s.kmsession"
    other = make_window(points=np.ones((3, 2)) * [[1], [2], [3]], k=2)
    other.sessions.save_as(str(path))
    fake = with_fake(w, open_path=str(path))
    w.sessions.open_action.trigger()
    assert fake.asked == ["open"] and w.state.n_points == 3


def test_a_damaged_autosave_is_kept_aside_and_named(make_window, own_data_dir):
    orphan = own_data_dir / f"autosave-{dead_pid()}.kmsession"
    orphan.write_bytes(b"PK\x03\x04 half a file")
    w = make_window()
    fake = with_fake(w)
    assert not w.sessions.start(restore="ask")
    assert fake.asked == [] and "could not be restored" in fake.warnings[0][1]
    assert not orphan.exists() and (own_data_dir / (orphan.name + ".damaged")).exists()
    assert w.state.n_points == 60 and not w.sessions.dirty
    w.close()


def test_window_extras_that_do_not_fit_are_skipped(make_window, tmp_path):
    a = make_window(points=np.arange(14.0).reshape(7, 2), k=2)
    captured = a.sessions.capture()
    # One window per case, all kept: pytest-qt holds only weak references, and a window collected
    # by the garbage collector in the middle of building the next one can hang or crash Qt.
    windows = [make_window(), make_window()]
    for w, extras in zip(windows, ({"tab": ["explore"], "canvas_range": "wide"},
                                   {"tab": "nowhere", "canvas_range": [[1, 0], [0, 1]]})):
        w.sessions.apply(type(captured)(captured.models, captured.arrays, extras))
        assert w.state.n_points == 7 and w.tabs.currentIndex() == 0
