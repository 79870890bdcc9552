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
