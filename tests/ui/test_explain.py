"""The "What just happened?" text follows the empty-cluster policy."""

import numpy as np
import pytest

from kmeans_gui.state import AppState, Params
from kmeans_gui.ui.explore.explain import explanation

SQUARE = np.array([[0, 0], [0, 1], [10, 0], [10, 1]], dtype=float)


@pytest.mark.parametrize(("policy", "said", "not_said"), [
    ("keep", "stayed where it was", "farthest"),
    ("farthest", "moved to the point farthest", "stayed"),
])
def test_update_with_an_empty_cluster_says_what_the_policy_did(policy, said, not_said):
    state = AppState(SQUARE, Params(k=3, init="manual", empty_policy=policy))
    for x, y in ((0, 0.5), (10, 0.5), (100, 100)):  # nobody is nearest to the third centre
        state.add_manual_center(x, y)
    state.ensure(3)
    state.go_to(2)
    assert state.current.phase == "update" and state.current.empty_clusters == (2,)
    text = explanation(state)
    assert said in text and not_said not in text
    if policy == "keep":
        np.testing.assert_array_equal(state.current.centers[2], [100, 100])


@pytest.mark.parametrize(("params", "said"), [
    ({"tol": 0.5}, "Converged after"),
    ({"tol": 0.0, "max_iter": 2}, "Stopped after 2 iterations"),
])
def test_the_last_state_after_a_tol_or_max_iter_stop_says_the_run_ended_and_why(params, said):
    X = np.random.default_rng(5).normal(size=(400, 2))
    state = AppState(X, Params(k=5, seed=0, **params))
    state.run_to_end()
    assert state.current.stop_reason != "no point changed cluster"
    text = explanation(state)
    assert said in text and "done" in text
    assert "Next" not in text


def test_the_end_of_the_tutorials_seed_42_run_explains_why_it_is_stuck():
    state = AppState(params=Params(k=4, init="tutorial-random", seed=42))
    state.load_dataset("tutorial-blobs")
    state.run_to_end()
    text = explanation(state)
    assert "k-means has converged" in text
    assert "Two blobs share a centroid and one blob is split in two" in text
    state.go_to(0)
    assert "picked at random" in explanation(state)


def test_tutorial_kmeans_plusplus_seeds_are_explained_as_plain_draws():
    state = AppState(params=Params(k=4, init="tutorial-k-means++", seed=0))
    state.load_dataset("tutorial-blobs")
    state.go_to(1)
    assert "one draw, no candidates" in explanation(state)


def test_a_stuck_runs_explanation_can_be_read_whole_beside_the_learn_panel(make_window, qtbot):
    from PySide6.QtCore import Qt

    from kmeans_gui.data.datasets import make_dataset

    window = make_window(points=make_dataset("tutorial-blobs"), k=4, init="tutorial-random", seed=6)
    window.learn.button.click()
    window.learn.code_dock.show()
    qtbot.mouseClick(window.playback.end_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state.at_end, timeout=5000)
    panel = window.explain_panel
    assert "Stuck" in panel.label.text()
    # The label is as tall as its wrapped text; what the row cannot show, the panel scrolls to.
    qtbot.waitUntil(lambda: panel.label.height() >= panel.label.heightForWidth(panel.label.width()), timeout=2000)
    bar = panel.scroll.verticalScrollBar()
    assert bar.maximum() + panel.scroll.viewport().height() >= panel.label.height()
