"""The window at small sizes: the playback buttons never overlap."""

import itertools


def playback_buttons(w):
    p = w.playback
    return (p.back_button, p.step_button, p.play_button, p.end_button, p.reset_button, p.seed_button)


def assert_no_overlap(buttons):
    for a, b in itertools.combinations(buttons, 2):
        ra = a.geometry().translated(a.parentWidget().mapTo(a.window(), a.geometry().topLeft()) - a.geometry().topLeft())
        rb = b.geometry().translated(b.parentWidget().mapTo(b.window(), b.geometry().topLeft()) - b.geometry().topLeft())
        assert not ra.intersects(rb), f"{a.text()!r} {ra} overlaps {b.text()!r} {rb}"


def test_playback_buttons_fit_at_800x560(make_window, qtbot):
    w = make_window()
    # A window manager may hold a window to less than its minimum size (or none is running).
    w.setMinimumSize(200, 200)
    w.resize(800, 560)
    qtbot.waitUntil(lambda: w.playback.width() < w.playback.one_row_width())
    qtbot.waitUntil(lambda: w.playback.two_rows)
    qtbot.waitUntil(lambda: assert_no_overlap(playback_buttons(w)), timeout=2000)  # once laid out again
    assert all(b.isVisible() and b.width() >= b.minimumSizeHint().width() for b in playback_buttons(w))
    w.resize(1280, 800)  # wide again: back to one row
    qtbot.waitUntil(lambda: not w.playback.two_rows)
    qtbot.waitUntil(lambda: assert_no_overlap(playback_buttons(w)), timeout=2000)

    def one_row():
        centres = [b.mapTo(w, b.rect().center()).y() for b in playback_buttons(w)]
        assert max(centres) - min(centres) <= 2

    qtbot.waitUntil(one_row, timeout=2000)


def test_the_minimum_window_size_fits_its_content(make_window):
    w = make_window()
    hint = w.minimumSizeHint()
    assert w.minimumSize().width() >= hint.width() and w.minimumSize().height() >= hint.height()
