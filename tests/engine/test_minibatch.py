"""Mini-batch k-means generator: Sculley's update, stopping, agreement with full k-means."""

import tracemalloc

import numpy as np
import pytest
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs

from kmeans_gui.engine.minibatch import STOP_MAX_STEPS, STOP_NO_IMPROVEMENT, minibatch_steps


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
