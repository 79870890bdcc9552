"""On big data a restart computes nothing on the GUI thread: the worker makes the first states
(issue 12: a parameter change on the 200,000-point preset stalled the window 100-165 ms)."""

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt

import kmeans_gui.state.explore as explore
from kmeans_gui.state import AppState, Params
from kmeans_gui.state.words import RUN_STARTING, explanation


@pytest.fixture
def big(monkeypatch):
    """3,000 points count as big data here (the threshold is lowered, not the data raised)."""
    monkeypatch.setattr(explore, "BACKGROUND_START_WORK", 10_000)
    return np.random.default_rng(3).normal(size=(3000, 2))


def record_threads(state):
    """Every state the run's generators make is recorded with the thread that made it."""
    threads = []
    make = state.make_steps

    def make_recorded():
        for s in make():
            threads.append(threading.current_thread())
            yield s

    state.make_steps = make_recorded
    return threads


@pytest.mark.parametrize("algorithm", ["lloyd", "gmm"])
def test_a_k_change_on_big_data_leaves_the_first_states_to_the_worker(make_window, qtbot, big, algorithm):
    w = make_window(points=big, k=4, algorithm=algorithm)
    qtbot.waitUntil(lambda: not w.playback.computing, timeout=20_000)
    state, bar = w.state, w.playback
    threads = record_threads(state)
    spin = w.algorithm_panel.k_spin
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_Up)  # k 4 -> 5: the run restarts
    assert state.params.k == 5
    if state.current is None:  # the worker may be quick; if it is not done yet, the window says so
        assert state.starting and RUN_STARTING in w.status_label.text()
    qtbot.waitUntil(lambda: state.current is not None and not bar.computing, timeout=20_000)
    assert threads and threading.main_thread() not in threads
    assert state.history[-1].centers.shape[0] == 5 and state.complete and not state.starting
    assert bar.step_button.isEnabled() and "Computing" not in w.status_label.text()
    step_before = state.cursor
    qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
    assert state.cursor == step_before + 1


def test_while_starting_the_window_says_computing_and_shows_the_first_state_when_it_comes(make_window, qtbot, big):
    w = make_window(points=big, k=4)
    qtbot.waitUntil(lambda: not w.playback.computing, timeout=20_000)
    state, bar = w.state, w.playback
    gate = threading.Event()
    make = state.make_steps

    def held_back():  # the worker's first state waits for the test's go
        gate.wait(10)
        yield from make()

    state.make_steps = held_back
    state.set_params(seed=7)
    assert state.current is None and state.starting and state.error is None
    assert w.status_label.text().startswith(RUN_STARTING)
    assert RUN_STARTING in explanation(state)
    assert bar.step_button.text() == "Computing…" and not bar.step_button.isEnabled()
    assert bar.end_button.isEnabled() and bar.progress_row.isVisibleTo(bar)
    w.grab().save("/tmp/fixes1214_starting.png")
    gate.set()
    qtbot.waitUntil(lambda: state.current is not None, timeout=20_000)
    assert w.canvas.centroids.data.shape[0] >= 1  # the first seed is drawn without a click
    qtbot.waitUntil(lambda: not bar.computing, timeout=20_000)
    assert not w.status_label.text().startswith(RUN_STARTING)


def test_a_run_the_engine_refuses_says_why_after_a_background_start(big):
    X = np.array([[0.0, 0.0], [1e200, 1e200], [2e200, 0.0]] * 2000)
    state = AppState(X, Params(k=2), eager_budget_s=0.0)
    assert state.error is not None  # on this thread, the refusal is found at once
    state.start_in_background = lambda: True
    state.rerun()
    assert state.starting and state.error is None
    job = state.detach()
    job.run()
    messages = []
    state.events.message.connect(lambda: messages.append(state.message))
    state.collect()
    assert state.error is not None and "1e" in state.error and state.complete and not state.starting
    assert messages == [state.error]


def test_without_a_worker_or_on_small_data_a_restart_computes_its_first_states_here(big):
    state = AppState(big, Params(k=4))
    assert state.current is not None  # nobody to hand the work to: computed here, as before
    state.start_in_background = lambda: True
    state.set_params(k=5)
    assert state.starting and state.current is None
    small = AppState(big[:100], Params(k=4))
    small.start_in_background = lambda: True
    small.set_params(k=5)
    assert small.current is not None and not small.starting


def test_a_big_dataset_is_made_on_a_worker_and_shown_when_made(make_window, qtbot, big, monkeypatch):
    import kmeans_gui.ui.explore.panels.dataset as dataset_panel

    monkeypatch.setattr(dataset_panel, "BACKGROUND_DATASET_POINTS", 2000)
    made_on = []
    real_make = dataset_panel.make_labelled_dataset

    def recording_make(name, **options):
        made_on.append(threading.current_thread())
        return real_make(name, **options)

    monkeypatch.setattr(dataset_panel, "make_labelled_dataset", recording_make)
    w = make_window()
    panel, state = w.dataset_panel, w.state
    messages = []
    panel.message.connect(messages.append)
    panel.n_spin.setFocus()
    panel.n_spin.selectAll()
    qtbot.keyClicks(panel.n_spin, "2500")
    qtbot.keyClick(panel.n_spin, Qt.Key.Key_Return)
    assert messages[-1] == "Making the dataset: 2,500 points…"
    qtbot.waitUntil(lambda: state.n_points == 2500, timeout=20_000)
    assert made_on and threading.main_thread() not in made_on
    assert state.dataset["name"] == "blobs" and state.dataset["n"] == 2500
    assert state.true_labels.shape == (2500,)  # the blobs' own groups come along, as when made here
    assert messages[-1].endswith("2,500 points.")
    qtbot.waitUntil(lambda: state.current is not None and not w.playback.computing, timeout=20_000)
    w.undo_action.trigger()  # undoable as a dataset made here
    assert state.n_points == 60

    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)  # a new draw, and at once a small choice
    panel.n_spin.setValue(100)
    assert state.n_points == 100  # the small one is made here, and the big one still coming is dropped
    panel.runner.wait(10)
    qtbot.wait(50)
    assert state.n_points == 100


def test_run_to_end_takes_back_a_job_no_worker_took_up_instead_of_waiting_for_ever(big):
    state = AppState(big, Params(k=4), eager_budget_s=0.0)
    state.start_in_background = lambda: True
    state.set_params(k=5)
    job = state.detach()  # handed to a worker that never runs it (its runner was shut down, say)
    done = threading.Event()
    worker = threading.Thread(target=lambda: (state.run_to_end(), done.set()), daemon=True)
    worker.start()
    worker.join(20)
    assert done.is_set() and state.complete and state.current.is_final
    assert job.run() == 0  # a worker that comes late finds it halted and leaves the generator alone


def test_points_drawn_while_a_big_dataset_is_made_are_not_replaced_by_it(make_window, qtbot, big, monkeypatch):
    import kmeans_gui.ui.explore.panels.dataset as dataset_panel
    from conftest import wait_for_settled_view
    from mw_helpers import click_data

    monkeypatch.setattr(dataset_panel, "BACKGROUND_DATASET_POINTS", 2000)
    real_make = dataset_panel.make_labelled_dataset

    def slow_make(name, **options):
        time.sleep(0.3)  # the user clicks before it is made
        return real_make(name, **options)

    monkeypatch.setattr(dataset_panel, "make_labelled_dataset", slow_make)
    w = make_window()
    panel, state = w.dataset_panel, w.state
    messages = []
    panel.message.connect(messages.append)
    wait_for_settled_view(qtbot, w.canvas)
    panel.n_spin.setFocus()
    panel.n_spin.selectAll()
    qtbot.keyClicks(panel.n_spin, "2500")
    qtbot.keyClick(panel.n_spin, Qt.Key.Key_Return)
    assert messages[-1] == "Making the dataset: 2,500 points…"
    click_data(qtbot, w.canvas, 0.0, 0.0)
    assert state.n_points == 61
    drawn = state.points
    assert messages[-1].startswith("Blobs will not be shown: the data changed while it was being made")
    panel.runner.wait(10)
    qtbot.wait(50)
    assert state.points is drawn  # the point just drawn is still there, nothing replaced


def test_a_table_loaded_while_a_big_dataset_is_made_is_not_replaced_by_it(make_window, qtbot, monkeypatch):
    """The dataset still coming was chosen before the table (an import, a dropped CSV): the
    newer data stay."""
    import kmeans_gui.ui.explore.panels.dataset as dataset_panel

    monkeypatch.setattr(dataset_panel, "BACKGROUND_DATASET_POINTS", 2000)
    release = threading.Event()
    real_make = dataset_panel.make_labelled_dataset

    def held_make(name, **options):
        release.wait(10)
        return real_make(name, **options)

    monkeypatch.setattr(dataset_panel, "make_labelled_dataset", held_make)
    w = make_window()
    panel, state = w.dataset_panel, w.state
    panel.n_spin.setValue(2500)  # made on the worker, held there
    table = np.random.default_rng(0).normal(size=(30, 3))
    state.set_table(table, source="t.csv")
    release.set()
    panel.runner.wait(10)
    qtbot.wait(50)  # the worker's result, if any, is delivered
    assert state.source == "t.csv" and state.n_points == 30
