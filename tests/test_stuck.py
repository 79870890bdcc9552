"""The "stuck" note: a run from the tutorial's set-up against the best clustering known."""

import numpy as np
import pytest

from kmeans_gui.state import AppState, Params, status_text
from kmeans_gui.state.stuck import best_known, compare_partitions


def tutorial_state(seed, init="tutorial-random", dataset="tutorial-blobs"):
    state = AppState(params=Params(k=4, init=init, seed=seed))
    state.load_dataset(dataset, seed=0)
    return state


def test_stuck_message_for_the_tutorials_seed_42():
    state = tutorial_state(42)
    state.step()
    assert state.stuck_message() is None  # not before the run has ended
    state.run_to_end()
    msg = state.stuck_message()
    assert msg.startswith("Stuck: this run ended at inertia 1,886; the best clustering of these points has 362 ")
    assert "Two blobs share a centroid and one blob is split in two." in msg
    assert "stuck in a poor local minimum" in status_text(state)


def test_no_stuck_message_for_seed_5_which_finds_the_best_clustering():
    state = tutorial_state(5)
    state.run_to_end()
    assert round(state.current.inertia, 1) == 362.5
    assert state.stuck_message() is None
    assert "stuck" not in status_text(state)


def test_no_note_when_every_start_ends_in_the_same_clustering():
    state = AppState(params=Params(k=4, init="tutorial-random", seed=42))
    state.load_dataset("tutorial-moons", seed=0)
    state.set_params(k=2)
    state.run_to_end()
    assert state.current.is_final
    # Moons with k = 2: every start ends in the same clustering, so the run is not stuck.
    assert state.stuck_message() is None


def test_the_apps_own_init_on_other_data_gets_no_note():
    state = AppState(params=Params(k=4, init="random", seed=42))
    state.load_dataset("blobs", seed=0, n=300, centers=4)
    state.run_to_end()
    assert state.stuck_message() is None


def test_compare_partitions_on_hand_made_labels():
    best = np.repeat([0, 1, 2, 3], 10)
    # Groups 0 and 1 share cluster 0; group 3 is split 5/5 between clusters 2 and 3.
    run = np.r_[[0] * 10, [0] * 10, [1] * 10, [2] * 5, [3] * 5]
    assert compare_partitions(run, best) == ([2], [2])
    assert compare_partitions(best, best) == ([], [])


def test_best_known_is_the_lowest_of_its_restarts():
    X = np.random.default_rng(1).normal(size=(200, 2))
    best = best_known(X, 3, n_restarts=4)
    from kmeans_gui.engine import kmeans_steps, run_to_end

    each = [run_to_end(kmeans_steps(X, 3, random_state=s, tol=0)).inertia for s in range(4)]
    assert best.inertia == pytest.approx(min(each))


def test_no_best_known_computed_for_data_too_big_for_the_gui_thread(monkeypatch):
    import kmeans_gui.state.stuck
    from kmeans_gui.state.explore import STUCK_CHECK_MAX_WORK

    def must_not_run(*args, **kwargs):
        raise AssertionError("best_known ran on the GUI thread for big data")

    monkeypatch.setattr(kmeans_gui.state.stuck, "best_known", must_not_run)
    X = np.random.default_rng(0).normal(size=(STUCK_CHECK_MAX_WORK // 4 + 1, 2))
    state = AppState(X, Params(k=4, init="tutorial-random", seed=0, max_iter=3))
    state.run_to_end()
    assert state.current.is_final and state.stuck_message() is None
    state.set_params(k=3)  # now within the limit: computed (and here, refused loudly)
    state.run_to_end()
    with pytest.raises(AssertionError, match="best_known ran"):
        state.stuck_message()
