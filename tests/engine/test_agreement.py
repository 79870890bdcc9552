"""When the criteria for k disagree: the closest pair of clusters, and the words."""

from types import SimpleNamespace

import numpy as np

from kmeans_gui.data.datasets import make_dataset
from kmeans_gui.engine.agreement import closest_pair, explain_disagreement
from kmeans_gui.engine.sweep import sweep_k

# Three tight groups on a line at x = 0, 3 and 20 (each point 0.5 from its centre).
LINE = np.array([[x + dx, 0.0] for x in (0.0, 3.0, 20.0) for dx in (-0.5, 0.5)])
LINE_LABELS = np.repeat([0, 1, 2], 2)
LINE_CENTRES = np.array([[0.0, 0.0], [3.0, 0.0], [20.0, 0.0]])


def test_closest_pair_relative_to_spread_by_hand():
    i, j, dist, ratio, next_ratio = closest_pair(LINE, LINE_LABELS, LINE_CENTRES)
    assert (i, j, dist) == (0, 1, 3.0)
    assert ratio == 3.0 / (0.5 + 0.5) and next_ratio == 17.0 / 1.0
    assert closest_pair(LINE, np.zeros(6, dtype=int), LINE_CENTRES[:1]) is None


def fake_result(chosen, fits):
    return SimpleNamespace(chosen_k=lambda c: (chosen.get(c), ""), fit_for=lambda k: fits[k])


def test_names_the_close_pair_when_the_smaller_k_joins_it():
    fits = {3: SimpleNamespace(labels=LINE_LABELS, centers=LINE_CENTRES),
            2: SimpleNamespace(labels=np.array([0, 0, 0, 0, 1, 1]), centers=np.array([[1.5, 0], [20, 0]]))}
    text = explain_disagreement(fake_result({"elbow": 2, "silhouette": 3, "gap": 3}, fits), LINE)
    assert text.startswith("The criteria disagree: the elbow says k = 2; "
                           "the silhouette and the gap statistic say k = 3.")
    assert ("At k = 3, two clusters lie close together (centres 3 apart, 3.0 times their spread, against 17.0 "
            "for the next closest pair), and k = 2 is that clustering with the two joined: the elbow takes them "
            "as one cluster, the silhouette and the gap statistic as two.") in text
    # A smaller clustering that splits differently is not explained by the pair.
    fits[2] = SimpleNamespace(labels=np.array([0, 0, 1, 1, 1, 1]), centers=np.array([[0, 0], [14.3, 0]]))
    text = explain_disagreement(fake_result({"elbow": 2, "silhouette": 3}, fits), LINE)
    assert "close together" not in text and "They measure different things" in text


def test_agreement_says_nothing():
    fits = {3: SimpleNamespace(labels=LINE_LABELS, centers=LINE_CENTRES)}
    assert explain_disagreement(fake_result({"elbow": 3, "silhouette": 3, "gap": None}, fits), LINE) is None


def test_the_tutorials_blobs_elbow_says_3_because_two_blobs_are_close():
    X = make_dataset("tutorial-blobs")
    result = sweep_k(X, range(1, 7), 2, gap_refs=5)
    text = explain_disagreement(result, X)
    assert result.disagreement == text  # the sweep works it out itself, on whatever thread runs it
    assert text.startswith("The criteria disagree: the elbow says k = 3; the silhouette, Calinski-Harabasz, "
                           "Davies-Bouldin and the gap statistic say k = 4.")
    assert "the elbow takes them as one cluster" in text
