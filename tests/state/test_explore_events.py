"""Events of the Explore model: a listener always meets a consistent state."""

import numpy as np

from kmeans_gui.state import AppState, Params


def test_listeners_never_see_new_points_with_the_old_runs_labels():
    """Found by scripts/monkey.py: Generate with placed centroids emitted "manual" before the run
    restarted, the canvas redrew the old labels over the new points, raised, and the restart
    never happened (300 points, a run with 605 labels)."""
    state = AppState(np.random.default_rng(0).normal(size=(605, 2)), Params(k=2, init="manual"))
    state.add_manual_center(0.0, 0.0)
    state.add_manual_center(1.0, 1.0)
    state.step()
    assert state.current.labels.shape == (605,)
    seen = []

    def consistent():
        current = state.current
        assert current is None or current.labels is None or current.labels.shape == (state.n_points,)
        seen.append(state.n_points)

    for name in ("points", "params", "manual", "run", "cursor", "history"):
        getattr(state.events, name).connect(consistent)
    state.load_dataset("blobs", k=2, n=300, centers=2, seed=5)
    assert state.n_points == 300 and state.manual_centers.shape == (0, 2) and state.current is None
    assert seen and set(seen) == {300}
