"""The code panel's line and live variables for each half-step of a real run."""

import numpy as np

from kmeans_gui.data.datasets import make_dataset
from kmeans_gui.engine import kmeans_steps
from kmeans_gui.lessons.live import live_view
from kmeans_gui.lessons.scratch_kmeans import code_for


def test_live_view_follows_a_run():
    X = make_dataset("blobs", n=600, centers=4, seed=0)
    states = list(kmeans_steps(X, 4, init="random", random_state=3))
    views = [live_view(s, len(X), "random") for s in states]
    assert [v.phase for v in views[:3]] == ["init", "assign", "update"]
    assert views[-1].phase == "converged"
    assign = dict(views[1].variables)
    assert assign["distances.shape"] == "(600, 4)"
    assert assign["moved"] == "600"  # the first assignment places every point
    assert assign["labels"] == "[" + ", ".join(map(str, states[1].labels[:10])) + ", ...]"
    update = dict(views[2].variables)
    assert float(update["shift"]) == np.float64(f"{np.sum(states[2].center_shift ** 2):.4g}")
    assert update["centroids"].startswith("[[") and update["centroids"].count("[") == 5  # 4 rows
    code = code_for("kmeans")
    for view in views:
        assert code.line_for(view.phase) is not None


def test_kmeanspp_seeds_point_at_the_given_centroids_line():
    X = make_dataset("blobs", n=100, centers=3, seed=0)
    first = next(iter(kmeans_steps(X, 3, init="k-means++", random_state=0, observe_init=True)))
    view = live_view(first, len(X), "k-means++", k=3)
    assert view.phase == "init-given"
    assert view.note == "k-means++ has chosen 1 of the 3 starting centroids so far."
    # The code's k is the k asked for, not the seeds chosen so far (it said "k = 1").
    assert dict(view.variables)["k"] == "3"
    assert "centroids = np.array(init" in code_for("kmeans").lines[code_for("kmeans").line_for(view.phase)]


def test_an_empty_cluster_is_explained_by_the_policy():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    start = np.array([[0.0, 0.5], [10.0, 0.5], [100.0, 100.0]])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        update = [s for s in kmeans_steps(X, 3, init=start, empty_policy="keep") if s.phase == "update"][0]
    assert "Cluster 2 was empty: its centroid stayed put." in live_view(update, 4, "placed").note
    assert "the code above would leave it" in live_view(update, 4, "placed", "farthest").note
