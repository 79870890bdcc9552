"""Mini-batch k-means generator: Sculley's update, stopping, agreement with full k-means."""

import tracemalloc

import numpy as np
import pytest
from sklearn.cluster import KMeans as SkKMeans
from sklearn.cluster import MiniBatchKMeans
from sklearn.datasets import make_blobs

from kmeans_gui.engine import kmeans_steps, run_to_end
from kmeans_gui.engine.distances import nearest_center
from kmeans_gui.engine.minibatch import STOP_MAX_STEPS, STOP_NO_IMPROVEMENT, minibatch_steps
from kmeans_gui.engine.protocol import StepState


def test_first_step_centres_are_batch_means_and_counts_accumulate():
    X, _ = make_blobs(500, centers=3, random_state=0)
    steps = minibatch_steps(X, 3, batch_size=64, max_steps=5, max_no_improvement=None, random_state=0)
    init = next(steps)
    assert init.step == 0 and init.batch is None and np.all(init.counts == 0)
    first = next(steps)
    # counts start at 0, so each hit centre becomes exactly the mean of its batch members
    for j in range(3):
        members = X[first.batch[first.batch_labels == j]]
        if len(members):
            np.testing.assert_allclose(first.centers[j], members.mean(axis=0))
        else:
            np.testing.assert_array_equal(first.centers[j], init.centers[j])
    rest = list(steps)
    assert [s.step for s in rest] == [2, 3, 4, 5]
    assert rest[-1].stop_reason == STOP_MAX_STEPS and rest[-1].is_final
    assert rest[-1].counts.sum() == 5 * 64
    assert not rest[-1].centers.flags.writeable


def test_per_centre_learning_rate_is_one_over_count():
    X, _ = make_blobs(300, centers=2, random_state=1)
    states = list(minibatch_steps(X, 2, batch_size=32, max_steps=3, max_no_improvement=None, random_state=2))
    prev, cur = states[1], states[2]
    for j in range(2):
        members = X[cur.batch[cur.batch_labels == j]]
        expected = (prev.counts[j] * prev.centers[j] + members.sum(axis=0)) / (prev.counts[j] + len(members))
        np.testing.assert_allclose(cur.centers[j], expected)


def test_reaches_the_full_kmeans_centres_on_separated_blobs():
    X, _ = make_blobs(5000, centers=4, cluster_std=0.5, random_state=3)
    *_, final = minibatch_steps(X, 4, batch_size=256, max_steps=300, random_state=0)
    assert final.stop_reason in (STOP_NO_IMPROVEMENT, STOP_MAX_STEPS)
    ref = SkKMeans(4, n_init=3, random_state=0).fit(X).cluster_centers_
    d = np.sqrt(((final.centers[:, None] - ref[None]) ** 2).sum(-1))
    assert d.min(axis=1).max() < 0.1


def test_uint8_input_is_used_without_conversion():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(400_000, 3), dtype=np.uint8)
    tracemalloc.start()
    try:
        *_, final = minibatch_steps(pixels, 5, batch_size=100, max_steps=20, random_state=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # A float64 copy of the input alone would be pixels.size * 8 bytes; the (n,) weights are a third of that.
    assert peak < 0.5 * pixels.size * 8
    assert final.centers.dtype == np.float64 and final.centers.shape == (5, 3)
    assert np.all((final.centers >= 0) & (final.centers <= 255))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(batch_size=0), "batch_size"),
        (dict(max_steps=0), "max_steps=0"),
        (dict(max_no_improvement=0), "max_no_improvement"),
        (dict(init="farthest"), "farthest"),
        (dict(n_clusters=11), "n_clusters"),
    ],
)
def test_bad_parameters(kwargs, match):
    X = np.random.default_rng(0).normal(size=(10, 2))
    n_clusters = kwargs.pop("n_clusters", 2)
    with pytest.raises(ValueError, match=match):
        next(minibatch_steps(X, n_clusters, **kwargs))


def test_steps_match_sklearn_minibatch_kmeans_on_the_same_batches():
    # scikit-learn's partial_fit does one Sculley step per call; reassignment_ratio=0 turns off
    # its random relocation of rarely hit centres, which this generator does not do.
    X, _ = make_blobs(400, centers=3, random_state=4)
    start = X[[0, 1, 2]].copy()
    states = list(minibatch_steps(X, 3, batch_size=40, max_steps=6, init=start, max_no_improvement=None,
                                  random_state=0))
    sk = MiniBatchKMeans(3, init=start, n_init=1, batch_size=40, reassignment_ratio=0.0)
    for state in states[1:]:
        sk.partial_fit(X[state.batch])
        np.testing.assert_allclose(state.centers, sk.cluster_centers_, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(state.counts, sk._counts)


def test_given_initial_centres_are_used():
    X, _ = make_blobs(200, centers=2, random_state=0)
    start = np.array([[0.0, 0.0], [1.0, 1.0]])
    first = next(minibatch_steps(X, 2, init=start, random_state=0))
    np.testing.assert_array_equal(first.centers, start)


def test_batch_larger_than_the_data_is_the_whole_data():
    X, _ = make_blobs(30, centers=2, random_state=0)
    states = list(minibatch_steps(X, 2, batch_size=1000, max_steps=3, max_no_improvement=None, random_state=0))
    assert all(s.batch.size == 30 for s in states[1:])
    assert states[-1].counts.sum() == 90


def test_batch_of_one_moves_one_centre_by_its_learning_rate():
    X, _ = make_blobs(50, centers=3, random_state=2)
    states = list(minibatch_steps(X, 3, batch_size=1, max_steps=20, max_no_improvement=None, random_state=1))
    for prev, cur in zip(states, states[1:]):
        (row,), (j,) = cur.batch, cur.batch_labels
        expected = prev.centers.copy()
        expected[j] += (X[row] - prev.centers[j]) / (prev.counts[j] + 1)
        np.testing.assert_allclose(cur.centers, expected, rtol=1e-12, atol=1e-12)
        assert np.count_nonzero(cur.center_shift) <= 1


def test_more_clusters_than_distinct_points():
    X = np.repeat([[0.0, 0.0], [4.0, 4.0]], 20, axis=0)
    states = list(minibatch_steps(X, 4, batch_size=8, max_steps=10, max_no_improvement=None, random_state=0,
                                  label_all=True))
    assert all(np.isfinite(s.centers).all() for s in states)
    assert states[-1].inertia == 0.0


def test_label_all_gives_every_label_and_the_full_inertia_in_the_shared_protocol():
    X, _ = make_blobs(300, centers=3, random_state=0)
    states = list(minibatch_steps(X, 3, batch_size=32, max_steps=4, max_no_improvement=None, random_state=0,
                                  label_all=True))
    assert [(s.phase, s.iteration) for s in states] == [("init", 0)] + [("update", i) for i in range(1, 5)]
    for s in states:
        assert isinstance(s, StepState) and s.algorithm == "minibatch" and s.responsibilities is None
        labels, sq = nearest_center(X, s.centers)
        np.testing.assert_array_equal(s.labels, labels)
        assert s.objective == s.inertia == pytest.approx(sq.sum(), rel=1e-12)
        assert not s.labels.flags.writeable
    plain = list(minibatch_steps(X, 3, batch_size=32, max_steps=4, max_no_improvement=None, random_state=0))
    assert all(s.labels is None and s.objective is None for s in plain)
    np.testing.assert_array_equal(plain[-1].centers, states[-1].centers)


def test_inertia_approaches_lloyds_from_the_same_start():
    X, _ = make_blobs(4000, centers=5, cluster_std=0.8, random_state=7)
    start = X[np.random.default_rng(0).choice(4000, 5, replace=False)]
    lloyd = run_to_end(kmeans_steps(X, 5, init=start, random_state=0)).inertia
    *_, final = minibatch_steps(X, 5, batch_size=256, max_steps=200, init=start, max_no_improvement=None,
                                random_state=0, label_all=False)
    assert nearest_center(X, final.centers)[1].sum() <= 1.02 * lloyd


def test_label_all_on_uint8_pixels():
    pixels = np.random.default_rng(1).integers(0, 256, size=(2000, 3), dtype=np.uint8)
    *_, final = minibatch_steps(pixels, 4, batch_size=64, max_steps=3, random_state=0, label_all=True)
    labels, sq = nearest_center(pixels.astype(np.float64), final.centers)
    np.testing.assert_array_equal(final.labels, labels)
    assert final.inertia == pytest.approx(sq.sum(), rel=1e-12)
