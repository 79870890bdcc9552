"""Agreement with scikit-learn's Lloyd from the same initial centres, and the estimator contract."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SKKMeans
from sklearn.cluster import kmeans_plusplus
from sklearn.datasets import make_blobs
from sklearn.utils.estimator_checks import check_estimator

from kmeans_gui.engine import KMeans, kmeans_steps


def _datasets():
    for seed, (n, d, k) in enumerate([(500, 2, 3), (2000, 3, 5), (3000, 8, 10), (1500, 2, 7)]):
        X, _ = make_blobs(n, n_features=d, centers=k, cluster_std=2.0, random_state=seed)
        X += 100.0 * seed  # also off the origin, where naive distance formulas lose digits
        yield seed, X, k


DATASETS = list(_datasets())


@pytest.mark.parametrize("seed, X, k", DATASETS, ids=[f"blobs{s}" for s, _, _ in DATASETS])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_init_same_result_float64(seed, X, k, weighted, assigner):
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.1, 5.0, X.shape[0]) if weighted else None
    init = X[rng.choice(X.shape[0], k, replace=False)]
    ref = SKKMeans(k, init=init, n_init=1, algorithm="lloyd").fit(X, sample_weight=w)
    ours = KMeans(k, init=init).fit(X, sample_weight=w)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-7)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-7)
    assert ours.n_iter_ == ref.n_iter_


@pytest.mark.parametrize("seed, X, k", DATASETS, ids=[f"blobs{s}" for s, _, _ in DATASETS])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_init_same_result_float32(seed, X, k, weighted, assigner):
    X = X.astype(np.float32)
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.1, 5.0, X.shape[0]) if weighted else None
    init = X[rng.choice(X.shape[0], k, replace=False)]
    ref = SKKMeans(k, init=init, n_init=1, algorithm="lloyd").fit(X, sample_weight=w)
    ours = KMeans(k, init=init).fit(X, sample_weight=w)
    assert ours.cluster_centers_.dtype == np.float32
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    # scikit-learn sums float32 data in float32 (error ~ sqrt(n) ulps); we sum in float64, so the
    # two agree to float32 precision rather than to 1e-7. Against the float64 fit we are closer.
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=2e-6)
    exact = SKKMeans(k, init=init.astype(np.float64), n_init=1, algorithm="lloyd").fit(
        X.astype(np.float64), sample_weight=w
    )
    ours_err = np.abs(ours.cluster_centers_ - exact.cluster_centers_).max()
    ref_err = np.abs(ref.cluster_centers_ - exact.cluster_centers_).max()
    assert ours_err <= ref_err + np.finfo(np.float32).eps * np.abs(exact.cluster_centers_).max()


def test_kmeans_plusplus_draws_the_same_seeds_as_sklearn(assigner):
    X, _ = make_blobs(3000, centers=6, random_state=3)
    w = np.random.default_rng(0).uniform(0.5, 2, 3000)
    for seed in range(4):
        _, ref_idx = kmeans_plusplus(X, 6, random_state=seed, sample_weight=w)
        states = list(kmeans_steps(X, 6, init="k-means++", random_state=seed, sample_weight=w, observe_init=True))
        ours_idx = [s.seed.index for s in states if s.phase == "init"]
        assert ours_idx == list(ref_idx)


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_estimator_matches_sklearn_for_the_same_random_state(init, assigner):
    X, _ = make_blobs(4000, centers=5, cluster_std=1.5, random_state=8)
    ref = SKKMeans(5, init=init, random_state=42, algorithm="lloyd").fit(X)
    ours = KMeans(5, init=init, random_state=42).fit(X)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-7)


def test_empty_cluster_relocation_matches_sklearn(assigner):
    X = np.array([[0.0, 0], [0, 1], [1, 0], [1, 1], [4, 4], [9, 9], [9, 8]])
    init = np.array([[0.5, 0.5], [9, 8.5], [100.0, 100.0]])
    ref = SKKMeans(3, init=init, n_init=1, algorithm="lloyd").fit(X)
    ours = KMeans(3, init=init).fit(X)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-7)


def test_predict_transform_score(assigner):
    X, _ = make_blobs(600, centers=3, random_state=1)
    km = KMeans(3, random_state=0).fit(X)
    D = ((X[:, None] - km.cluster_centers_[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(km.predict(X), D.argmin(1))
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    np.testing.assert_allclose(km.transform(X), np.sqrt(D), rtol=1e-10, atol=1e-10)
    assert km.score(X) == pytest.approx(-D.min(1).sum())
    assert km.score(X) == pytest.approx(-km.inertia_)
    with pytest.raises(ValueError, match="features"):
        km.predict(X[:, :1])


def test_weights_equal_repeats_from_the_same_init(assigner):
    X, _ = make_blobs(300, centers=4, random_state=5)
    repeats = np.random.default_rng(0).integers(0, 4, 300)
    init = X[:4]
    weighted = KMeans(4, init=init).fit(X, sample_weight=repeats.astype(float))
    repeated = KMeans(4, init=init).fit(np.repeat(X, repeats, axis=0))
    np.testing.assert_allclose(weighted.cluster_centers_, repeated.cluster_centers_, rtol=1e-10)
    assert weighted.inertia_ == pytest.approx(repeated.inertia_, rel=1e-10)


def test_check_estimator():
    # Same expected failure scikit-learn declares for its own KMeans: with random seeding, weight 2
    # and a repeated row draw different seeds. With the same initial centres they are equivalent
    # (test_weights_equal_repeats_from_the_same_init).
    reason = "sample_weight is not equivalent to removing/repeating samples under random seeding."
    check_estimator(
        KMeans(n_clusters=3, random_state=0),
        expected_failed_checks={
            "check_sample_weight_equivalence_on_dense_data": reason,
            "check_sample_weight_equivalence_on_sparse_data": reason,
        },
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_large_run_through_warm_up_rebuild_and_bounds_matches_sklearn(dtype):
    # Enough points for the bounded assigner's every path: plain warm-up iterations, the bound
    # rebuild, skipped points, tightened and fully recomputed doubts, dense fallback blocks.
    rng = np.random.default_rng(12)
    centres = rng.uniform(-10, 10, size=(12, 3))
    X = (centres[rng.integers(0, 12, 120_000)] + rng.normal(0, 2.5, size=(120_000, 3))).astype(dtype)
    init = X[:12]
    ref = SKKMeans(12, init=init, n_init=1, algorithm="lloyd", tol=0).fit(X)
    ours = KMeans(12, init=init, tol=0).fit(X)
    assert ours.n_iter_ == ref.n_iter_ > 20
    if dtype is np.float64:
        np.testing.assert_array_equal(ours.labels_, ref.labels_)
        np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-7)
    else:  # float32 near-ties may go either way between float32 and float64 arithmetic
        assert np.mean(ours.labels_ != ref.labels_) < 1e-4
        np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-4, atol=1e-4)
