"""Step, Back, Play, Run to end, Reset, New seed, the timeline, and their keys."""

import time

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def picture(window):
    return window.canvas.plot.grab().toImage()


def test_step_goes_through_seeds_then_assign_update_and_says_what_is_next(make_window, qtbot):
    w = make_window()
    bar, state = w.playback, w.state
    expected_text = {"assign": "Assign points", "update": "Move centroids"}
    phases = [state.current.phase]
    while bar.step_button.isEnabled():
        nxt = state.peek_next()
        if nxt.phase in expected_text:
            assert bar.step_button.text() == expected_text[nxt.phase]
        else:
            assert "seed" in bar.step_button.text().lower()
        qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
        phases.append(state.current.phase)
    assert phases[:3] == ["init", "init", "init"]
    lloyd = phases[3:]
    assert lloyd == (["assign", "update"] * len(lloyd))[: len(lloyd)]
    assert state.current.is_final
    assert bar.step_button.text() == "Done"


def test_back_restores_the_identical_picture_and_state(make_window, qtbot):
    w = make_window()
    w.state.go_to(3)  # the first assignment; the next step moves the centroids
    assert w.state.current.phase == "assign"
    qtbot.wait(10)
    before_state = w.state.current
    before = picture(w)
    qtbot.mouseClick(w.playback.step_button, Qt.MouseButton.LeftButton)
    qtbot.wait(10)
    assert picture(w) != before
    qtbot.mouseClick(w.playback.back_button, Qt.MouseButton.LeftButton)
    qtbot.wait(10)
    assert w.state.current is before_state
    assert picture(w) == before


def test_play_reaches_convergence_and_stops_by_itself(make_window, qtbot):
    w = make_window()
    bar = w.playback
    bar.speed.setValue(bar.speed.maximum())
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert bar.playing and bar.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: not bar.playing, timeout=10_000)
    assert w.state.current.is_final and w.state.current.converged
    assert bar.play_button.text() == "Play"
    assert "Converged after" in w.status_label.text()


def test_play_waits_for_the_previous_frame(make_window, qtbot):
    w = make_window()
    bar = w.playback
    ready = [False]
    bar.frame_ready = lambda: ready[0]
    bar.speed.setValue(bar.speed.maximum())
    bar.play()
    qtbot.wait(200)
    assert w.state.cursor == 0 and bar.skipped_ticks > 0  # nothing queued while the frame is pending
    ready[0] = True
    qtbot.waitUntil(lambda: w.state.cursor > 0, timeout=2000)
    bar.pause()


def test_canvas_frame_pending_clears_when_painted(make_window, qtbot):
    w = make_window()
    w.state.step()
    assert w.canvas.frame_pending
    qtbot.waitUntil(lambda: not w.canvas.frame_pending, timeout=2000)


def test_run_to_end_reset_and_new_seed(make_window, qtbot):
    w = make_window(init="random")
    bar, state = w.playback, w.state
    first = state.current.centers.copy()
    qtbot.mouseClick(bar.end_button, Qt.MouseButton.LeftButton)
    assert state.current.is_final
    qtbot.mouseClick(bar.reset_button, Qt.MouseButton.LeftButton)
    assert state.cursor == 0
    np.testing.assert_array_equal(state.current.centers, first)
    qtbot.mouseClick(bar.seed_button, Qt.MouseButton.LeftButton)
    assert state.params.seed == 1 and w.algorithm_panel.seed_spin.value() == 1
    assert not np.array_equal(state.current.centers, first)


def test_timeline_scrubs_every_state(make_window, qtbot):
    w = make_window()
    w.state.ensure_all()
    tl = w.playback.timeline
    assert tl.maximum() == w.state.n_states - 1
    tl.setValue(4)
    assert w.state.cursor == 4
    w.state.step()
    assert tl.value() == 5
    assert w.playback.position_label.text() == f"6 / {w.state.n_states}"


def test_keyboard_shortcuts(make_window, qtbot):
    w = make_window(init="random")
    state = w.state
    QTest.keyClick(w, Qt.Key.Key_Right)
    assert state.cursor == 1 and state.current.phase == "assign"
    QTest.keyClick(w, Qt.Key.Key_Right)
    assert state.cursor == 2 and state.current.phase == "update"
    QTest.keyClick(w, Qt.Key.Key_Left)
    assert state.cursor == 1
    QTest.keyClick(w, Qt.Key.Key_End)
    assert state.current.is_final
    QTest.keyClick(w, Qt.Key.Key_Home)
    assert state.cursor == 0
    QTest.keyClick(w, Qt.Key.Key_R)
    assert state.params.seed == 1
    QTest.keyClick(w, Qt.Key.Key_Space)
    assert w.playback.playing
    QTest.keyClick(w, Qt.Key.Key_Space)
    assert not w.playback.playing


def test_status_line_says_phase_iteration_inertia_and_changes(make_window, qtbot):
    w = make_window(init="random")
    w.state.step()
    text = w.status_label.text()
    assert "Iteration 1" in text and "Assign" in text and "inertia" in text
    assert f"{w.state.n_points} points assigned" in text
    w.state.step()
    assert "Move centroids" in w.status_label.text()
    assert "moved to the mean" in w.explain_panel.label.text()
    w.state.step()
    assert f"{w.state.current.n_changed} point" in w.status_label.text() and "changed cluster" in w.status_label.text()


def test_chart_follows_the_cursor(make_window, qtbot):
    w = make_window(init="random")
    w.state.ensure_all()
    x, y, _ = w.state.inertia_series()
    assert np.allclose(w.chart.curve.yData, y)
    w.state.go_to(2)  # first update
    assert w.chart.cursor.value() == 1.5
    mx, my = w.chart.marker.getData()
    assert my[0] == w.state.current.inertia


def test_refreshing_the_bar_reads_the_state_without_changing_it(qtbot):
    # Regression: refresh() called peek_next(), which computed the next state and emitted
    # ``history``, which called refresh() again from inside itself.
    from kmeans_gui.state import AppState, Params
    from kmeans_gui.ui.explore.panels import PlaybackBar

    X = np.random.default_rng(1).normal(size=(500, 2))
    state = AppState(X, Params(k=8, seed=0), eager_budget_s=0.0)
    history = []
    state.events.history.connect(lambda: history.append(state.n_states))
    n = state.n_states
    bar = PlaybackBar(state)
    qtbot.addWidget(bar)
    bar.refresh()
    assert history == [] and state.n_states == n
    assert bar.step_button.text() == "Pick seed 2 of 8" and bar.step_button.isEnabled()
    qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
    assert state.cursor == 1 and bar.step_button.text() == "Pick seed 3 of 8"


def test_after_a_tol_stop_explanation_button_status_and_chart_agree(make_window, qtbot):
    w = make_window(tol=0.5, k=5)
    qtbot.mouseClick(w.playback.end_button, Qt.MouseButton.LeftButton)
    state = w.state
    assert state.current.stop_reason == "centres moved less than tol"
    assert w.playback.step_button.text() == "Done" and not w.playback.step_button.isEnabled()
    explained = w.explain_panel.label.text()
    assert "Converged after" in explained and "Next" not in explained
    status = w.status_label.text()
    assert "Final assignment" in status and "Converged after" in status
    at_end = w.chart.cursor.value()
    end_y = w.chart.marker.data["y"][0]
    qtbot.mouseClick(w.playback.back_button, Qt.MouseButton.LeftButton)
    assert state.current.phase == "update"
    # The final assignment closes the last iteration: stepping back keeps the cursor on that
    # iteration and moves the marker to the move's own inertia, never forward.
    assert w.chart.cursor.value() == at_end
    assert w.chart.marker.data["y"][0] == state.current.objective != end_y


def _slow_window(make_window, delay_s=0.01):
    """A window whose run is not computed ahead (as with millions of points), on a worker that
    takes ``delay_s`` per state, so a test's clicks surely come while it works."""
    w = make_window(points=np.random.default_rng(3).normal(size=(3000, 2)), k=8)
    state = w.state
    original = state.detach

    def detach_slowly():
        job = original()
        if job is not None:
            steps = job.steps

            def slow():
                for s in steps:
                    time.sleep(delay_s)
                    yield s
            job.steps = slow()
        return job

    state.detach = detach_slowly
    state.eager_budget_s = 0.0
    state.set_params(max_iter=10_000, tol=0.0)  # restarts: the worker starts by itself
    assert not state.complete and w.playback.computing
    return w


def test_a_big_run_is_computed_on_a_worker_and_run_to_end_jumps_to_its_end(make_window, qtbot):
    import threading

    w = _slow_window(make_window)
    bar, state = w.playback, w.state
    assert bar.progress_row.isVisibleTo(bar) and state.cursor == 0
    takers = []
    state.events.history.connect(lambda: takers.append(threading.current_thread().name))
    assert bar.end_button.isEnabled()
    qtbot.mouseClick(bar.end_button, Qt.MouseButton.LeftButton)
    assert state.cursor == 0  # not there yet: it jumps when the worker is done
    qtbot.waitUntil(lambda: not bar.computing, timeout=20_000)
    assert state.complete and state.current.is_final and state.cursor == state.n_states - 1
    assert bar.progress_row.isHidden() and bar.step_button.text() == "Done"
    assert set(takers) == {threading.main_thread().name}  # states are taken in on the GUI thread
    assert w.chart.curve.xData.size == state.inertia_series()[0].size


def test_step_waits_for_the_worker_instead_of_computing(make_window, qtbot):
    w = _slow_window(make_window, delay_s=0.05)
    bar, state = w.playback, w.state
    qtbot.waitUntil(lambda: bar.step_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
    assert state.cursor == 1
    qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not bar.computing, timeout=10_000)


def test_cancel_keeps_the_states_made_and_stepping_goes_on(make_window, qtbot):
    w = _slow_window(make_window)
    bar, state = w.playback, w.state
    qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not bar.computing, timeout=10_000)
    assert not state.complete and not state.computing and bar.progress_row.isHidden()
    made = state.n_states
    assert state.cursor == 0  # a cancelled run does not jump anywhere
    state.go_to(made - 1)
    qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
    assert state.cursor == made  # the run goes on from where the worker stopped


def test_an_edit_during_the_worker_run_drops_its_states(make_window, qtbot):
    w = _slow_window(make_window)
    bar, state = w.playback, w.state
    state.eager_budget_s = 1.0
    state.set_params(k=2)
    assert not bar.computing and bar.progress_row.isHidden() and state.complete
    bar.runner.wait(10)
    qtbot.wait(20)
    assert all(s.centers.shape[0] <= 2 for s in state.history)


def test_the_speed_is_a_view_option(make_window):
    w = make_window()
    bar, view = w.playback, w.view_options
    bar.speed.setValue(10)
    assert view.play_speed == 10 and bar.timer.interval() == 100 and bar.speed_label.text() == "10/s"
    view.load_dict({**view.to_dict(), "play_speed": 2})  # as a session would
    assert bar.speed.value() == 2 and bar.timer.interval() == 500 and bar.speed_label.text() == "2/s"
