"""Extreme sample-weight ratios and magnitudes near the float64 limits (issue 8)."""

import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans as SKKMeans
from sklearn.datasets import make_blobs

from kmeans_gui.engine import KMeans, _sums, kmeans_steps, run_to_end


def test_one_huge_weight_keeps_the_light_cluster(assigner):
    # The light cluster's weight (3) is 1e-13 of the total: it is small, not empty.
    X = np.array([[0.0, 0], [0, 1], [10, 0], [10, 1]])
    init = np.array([[0.0, 0.5], [10, 0.5]])
    km = KMeans(2, init=init).fit(X, sample_weight=[1e13, 1, 1, 1])
    np.testing.assert_allclose(km.cluster_centers_, [[0.0, 1e-13], [10, 0.5]], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(km.labels_, [0, 0, 1, 1])


@pytest.mark.parametrize("heavy", [1e6, 1e15])
def test_blobs_with_one_huge_weight_match_sklearn(heavy, assigner):
    X, _ = make_blobs(3000, centers=5, cluster_std=1.0, random_state=4)
    w = np.ones(len(X))
    w[17] = heavy
    init = X[[0, 1, 2, 3, 4]]
    ref = SKKMeans(5, init=init, n_init=1, algorithm="lloyd").fit(X, sample_weight=w)
    ours = KMeans(5, init=init).fit(X, sample_weight=w)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    assert ours.n_iter_ == ref.n_iter_ < 300
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-7, atol=1e-9)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-7)


def test_relocating_a_heavy_point_leaves_its_old_cluster_exact(assigner):
    # Cluster 0 starts empty and takes the point farthest from its centre: the 1e17-weight point
    # at 17.94. The cluster it left must be the plain mean of the light points that stay, not
    # the rounding left by subtracting 1e17 * x (was 5.25 where the truth is 14.01).
    X = np.array([12.5019093, 17.9442760, 15.5137138, 4.5041438, 6.0033257, 17.4710689, 0.1053061, 16.4245684])
    w = np.array([1.0, 1e17, 1, 1, 1, 1, 1e17, 1])
    init = np.array([[100.0], [6.0606485], [5.5685122]])
    km = KMeans(3, init=init, tol=0).fit(X[:, None], sample_weight=w)
    np.testing.assert_array_equal(km.labels_, [1, 0, 1, 2, 2, 0, 2, 0])
    for j in range(3):
        members = km.labels_ == j
        expected = np.average(X[members], weights=w[members])
        assert km.cluster_centers_[j, 0] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_running_sums_are_refreshed_after_a_heavy_point_passes_through():
    X = np.array([[0.3], [1.7], [2.9], [8.1]])
    w = np.array([1.0, 1.0, 1e17, 1.0])
    sums = _sums._Sums(2, 1)
    Xt, offset = X.T - 3.0, np.array([3.0])
    first = np.array([0, 0, 0, 1], dtype=np.int32)
    sums.add(sums.contributions(Xt, w, first, None))
    assert not sums.needs_refresh()
    later = np.array([0, 0, 1, 1], dtype=np.int32)
    sums.add(sums.contributions(Xt, w, later, first))
    assert sums.needs_refresh()  # cluster 0 saw 1e17 pass through; it holds a weight of 2
    sums.recompute(X, w, offset, later)
    assert not sums.needs_refresh()
    np.testing.assert_array_equal(sums.w, [2.0, 1e17 + 1])
    np.testing.assert_allclose(sums.wx[0], [(0.3 - 3) + (1.7 - 3)], rtol=1e-15)
    np.testing.assert_array_equal(sums.count, [2, 2])


def _blobs_scaled(scale):
    X, _ = make_blobs(400, centers=3, cluster_std=0.5, random_state=2)
    return X, X * scale


@pytest.mark.parametrize("scale", [2.0**600, 2.0**-600, 1e300])
def test_data_near_the_float64_limits_clusters_as_if_rescaled(scale, assigner):
    X, big = _blobs_scaled(scale)
    init = X[:3]
    ref = KMeans(3, init=init).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow, no NaN on the way
        km = KMeans(3, init=init * scale).fit(big)
        labels = km.predict(big)
        dist = km.transform(big)
    np.testing.assert_array_equal(km.labels_, ref.labels_)
    np.testing.assert_array_equal(labels, ref.labels_)
    np.testing.assert_allclose(km.cluster_centers_, ref.cluster_centers_ * scale, rtol=1e-12)
    np.testing.assert_allclose(dist, ref.transform(X) * scale, rtol=1e-10)
    assert np.isfinite(km.cluster_centers_).all()
    with np.errstate(over="ignore"):
        expected_inertia = np.float64(ref.inertia_) * scale * scale
    if np.isfinite(expected_inertia):
        assert km.inertia_ == pytest.approx(expected_inertia, rel=1e-10)
    else:  # the true inertia is beyond float64: it says so rather than NaN
        assert km.inertia_ == np.inf


def test_steps_on_data_beyond_the_range_raise_a_clear_error():
    _, big = _blobs_scaled(1e200)
    with pytest.raises(ValueError, match="1e\\+?15"):
        run_to_end(kmeans_steps(big, 3, random_state=0))


@pytest.mark.parametrize("scale", [2.0**100, 2.0**-100])
def test_float32_data_near_the_float32_limits(scale, assigner):
    # Squared distances of 1e30 overflow float32: rescaled first, the float32 answer is right.
    X, _ = _blobs_scaled(1.0)
    X = X.astype(np.float32)
    ref = KMeans(3, init=X[:3]).fit(X)
    big = X * np.float32(scale)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        km = KMeans(3, init=big[:3]).fit(big)
    assert km.cluster_centers_.dtype == np.float32
    np.testing.assert_array_equal(km.labels_, ref.labels_)
    np.testing.assert_allclose(km.cluster_centers_, ref.cluster_centers_ * np.float32(scale), rtol=1e-6)


def test_nan_sample_weight_is_refused():
    X, _ = _blobs_scaled(1.0)
    w = np.ones(len(X))
    w[5] = np.nan
    with pytest.raises(ValueError, match="sample_weight"):
        KMeans(3).fit(X, sample_weight=w)
