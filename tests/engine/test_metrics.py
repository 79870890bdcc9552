"""Silhouette, inertia, knee detection and the k sweep, checked against scikit-learn and by hand."""

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.datasets import make_blobs

from kmeans_gui.engine import KMeans
from kmeans_gui.engine import metrics
from kmeans_gui.engine.metrics import (
    find_knee,
    inertia,
    silhouette,
    silhouette_samples,
    silhouette_samples_multi,
    silhouette_score,
)
from kmeans_gui.engine.progress import Cancelled
from kmeans_gui.engine.sweep import sweep_k


def naive_silhouette(X, labels):
    """The definition, written out with exact pairwise distances (small n only)."""
    X = np.asarray(X, dtype=float)
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    out = np.zeros(len(X))
    for i in range(len(X)):
        own = labels == labels[i]
        if own.sum() == 1:
            continue
        a = D[i, own].sum() / (own.sum() - 1)
        b = min(D[i, labels == c].mean() for c in np.unique(labels) if c != labels[i])
        out[i] = 0.0 if max(a, b) == 0 else (b - a) / max(a, b)
    return out


# --------------------------------------------------------------------------------- silhouette


@pytest.mark.parametrize("n_features", [1, 2, 3, 6])
@pytest.mark.parametrize("n_clusters", [2, 5])
def test_silhouette_equals_sklearn_on_random_data(n_features, n_clusters):
    rng = np.random.default_rng(n_features * 10 + n_clusters)
    X = rng.normal(size=(600, n_features)) * 3 + 5
    labels = rng.integers(0, n_clusters, 600)
    np.testing.assert_allclose(silhouette_samples(X, labels), skm.silhouette_samples(X, labels),
                               rtol=0, atol=1e-10)


def test_silhouette_equals_sklearn_on_clustered_data_and_float32():
    X, _ = make_blobs(900, centers=4, random_state=1)
    labels = KMeans(4, random_state=0).fit(X).labels_
    expected = skm.silhouette_samples(X, labels)
    np.testing.assert_allclose(silhouette_samples(X, labels), expected, atol=1e-10)
    assert silhouette_score(X, labels) == pytest.approx(skm.silhouette_score(X, labels), abs=1e-10)
    X32 = X.astype(np.float32)
    np.testing.assert_allclose(silhouette_samples(X32, labels), skm.silhouette_samples(X32.astype(float), labels),
                               atol=1e-10)


def test_silhouette_small_blocks_and_threads_give_the_same_answer(monkeypatch):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(1000, 2))
    labels = rng.integers(0, 4, 1000)
    whole = silhouette_samples(X, labels)
    monkeypatch.setattr(metrics, "_BLOCK_ENTRIES", 7 * 1000)  # 7-row blocks, many groups and threads
    np.testing.assert_allclose(silhouette_samples(X, labels), whole, rtol=0, atol=1e-13)  # GEMM order only
    np.testing.assert_allclose(whole, skm.silhouette_samples(X, labels), atol=1e-10)


def test_singleton_cluster_has_silhouette_zero():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [10.0, 10.0], [10.0, 11.0], [50.0, 50.0]])
    labels = np.array([0, 0, 0, 1, 1, 2])
    s = silhouette_samples(X, labels)
    assert s[5] == 0.0
    np.testing.assert_allclose(s, skm.silhouette_samples(X, labels), atol=1e-10)
    np.testing.assert_allclose(s, naive_silhouette(X, labels), atol=1e-12)


def test_identical_points():
    # Coordinates exact in binary, so scikit-learn's ||x||^2 - 2xy + ||y||^2 is exact too.
    X = np.array([[1.0, 2.0]] * 5 + [[4.0, 6.0]] * 4 + [[1.0, 2.0]] * 2)
    labels = np.array([0] * 5 + [1] * 4 + [1] * 2)
    s = silhouette_samples(X, labels)
    np.testing.assert_allclose(s, skm.silhouette_samples(X, labels), atol=1e-10)
    assert np.all(s[:5] == 1.0)  # a = 0 inside a cluster of identical points
    # Every point the same: a = b = 0, and s is 0 (as scikit-learn's nan_to_num makes it).
    same = np.full((6, 2), 3.7)
    np.testing.assert_array_equal(silhouette_samples(same, [0, 0, 0, 1, 1, 1]), np.zeros(6))
    np.testing.assert_array_equal(skm.silhouette_samples(same, [0, 0, 0, 1, 1, 1]), np.zeros(6))


@pytest.mark.parametrize("n_features", [2, 3, 4])
def test_duplicated_points_with_inexact_coordinates_are_exactly_zero_apart(n_features):
    # Here scikit-learn's expanded formula leaves ~1e-9 of rounding; we match the definition.
    rng = np.random.default_rng(0)
    X = np.repeat(rng.normal(size=(30, n_features)) * 7.3 + 20, 4, axis=0)
    labels = rng.integers(0, 3, 120)
    s = silhouette_samples(X, labels)
    np.testing.assert_allclose(s, naive_silhouette(X, labels), atol=1e-12)
    np.testing.assert_allclose(s, skm.silhouette_samples(X, labels), atol=1e-7)


def test_two_clusters_by_hand():
    X = np.array([[0.0], [1.0], [5.0], [7.0]])
    s = silhouette_samples(X, [0, 0, 1, 1])
    # point 0: a = 1, b = (5 + 7) / 2 = 6; point 1: a = 1, b = (4 + 6) / 2 = 5;
    # point 2: a = 2, b = (5 + 4) / 2 = 4.5; point 3: a = 2, b = (7 + 6) / 2 = 6.5
    np.testing.assert_allclose(s, [5 / 6, 4 / 5, 2.5 / 4.5, 4.5 / 6.5], atol=1e-15)
    np.testing.assert_allclose(s, skm.silhouette_samples(X, [0, 0, 1, 1]), atol=1e-12)


def test_string_labels_and_multi_equals_single():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 2))
    lab_a = rng.integers(0, 3, 300)
    lab_b = np.array(["x", "y"])[rng.integers(0, 2, 300)]
    multi = silhouette_samples_multi(X, [lab_a, lab_b])
    np.testing.assert_allclose(multi[0], skm.silhouette_samples(X, lab_a), atol=1e-10)
    np.testing.assert_allclose(multi[1], skm.silhouette_samples(X, lab_b), atol=1e-10)


@pytest.mark.parametrize(
    "labels, match",
    [
        ([0] * 10, "Number of labels is 1"),
        (list(range(10)), "Number of labels is 10"),
        ([0, 1] * 4, "8 entries but X has 10 rows"),
        ([[0, 1]] * 5, "1-D"),
        ([0.0, 1.0, np.nan] + [0.0] * 7, "NaN"),
    ],
)
def test_silhouette_rejects_bad_labels(labels, match):
    X = np.arange(20, dtype=float).reshape(10, 2)
    with pytest.raises(ValueError, match=match):
        silhouette_samples(X, labels)


def test_silhouette_rejects_bad_data():
    with pytest.raises(ValueError, match="NaN"):
        silhouette_samples([[0.0, np.nan], [1.0, 1.0], [2.0, 2.0]], [0, 1, 1])
    with pytest.raises(ValueError, match="sample_size"):
        silhouette_score(np.zeros((5, 2)) + np.arange(5)[:, None], [0, 0, 1, 1, 1], sample_size=1)


def test_sampled_score_is_sklearns_sampled_score():
    X, _ = make_blobs(2000, centers=3, random_state=2)
    labels = KMeans(3, random_state=0).fit(X).labels_
    ours = silhouette_score(X, labels, sample_size=500, random_state=7)
    theirs = skm.silhouette_score(X, labels, sample_size=500, random_state=7)
    assert ours == pytest.approx(theirs, abs=1e-10)


def test_silhouette_says_when_it_is_sampled():
    X, _ = make_blobs(3000, centers=3, random_state=2)
    labels = KMeans(3, random_state=0).fit(X).labels_
    exact = silhouette(X, labels, max_points=5000)
    assert not exact.sampled and exact.n_used == 3000 and "exact" in exact.describe()
    assert exact.mean == pytest.approx(skm.silhouette_score(X, labels), abs=1e-10)
    est = silhouette(X, labels, max_points=1000, sample_size=800, random_state=1)
    assert est.sampled and est.n_used == 800 and est.n_total == 3000
    assert "sample of 800 of 3,000 points" in est.describe()
    np.testing.assert_allclose(est.samples, skm.silhouette_samples(X[est.indices], labels[est.indices]),
                               atol=1e-10)
    assert abs(est.mean - exact.mean) < 0.05


# ------------------------------------------------------------------------------------ inertia


def test_inertia_matches_kmeans_and_sklearn():
    X, _ = make_blobs(500, centers=3, random_state=0)
    km = KMeans(3, random_state=0).fit(X)
    assert inertia(X, km.cluster_centers_) == pytest.approx(km.inertia_, rel=1e-12)
    assert inertia(X, km.cluster_centers_, km.labels_) == pytest.approx(km.inertia_, rel=1e-12)
    X2 = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 0.0]])
    assert inertia(X2, [[1.0, 0.0], [10.0, 0.0]]) == 2.0
    assert inertia(X2, [[1.0, 0.0], [10.0, 0.0]], [1, 0, 0], sample_weight=[1, 1, 2]) == 100 + 1 + 2 * 81
    with pytest.raises(ValueError, match=r"lie in \[0, 2\)"):
        inertia(X2, [[1.0, 0.0], [10.0, 0.0]], [0, 2, 1])


# --------------------------------------------------------------------------------------- knee


def test_knee_of_a_curve_with_a_known_corner():
    k = np.arange(1, 11)
    y = np.where(k <= 4, 1000 - 230 * (k - 1), 310 - 10 * (k - 4)).astype(float)
    knee = find_knee(k, y)
    assert knee.x == 4 and knee.index == 3 and knee.message == "elbow at k = 4"
    assert bool(knee)


def test_knee_of_a_smooth_elbow_curve_and_of_real_inertias():
    k = np.arange(1, 11)
    knee = find_knee(k, 100.0 / k**2)
    assert knee.x in (2, 3)
    X, _ = make_blobs(600, centers=[[0, 0], [12, 0], [0, 12], [12, 12]], cluster_std=1.0, random_state=0)
    inertias = [KMeans(kk, random_state=0).fit(X).inertia_ for kk in k]
    assert find_knee(k, inertias).x == 4


def test_a_straight_line_has_no_knee():
    k = np.arange(1, 11)
    knee = find_knee(k, 500.0 - 40.0 * k)
    assert knee.x is None and knee.index is None and not knee
    assert knee.message == "no clear elbow: the curve is a straight line"
    assert knee.strength < 1e-9


def test_gentle_or_wrong_way_curves_have_no_knee():
    k = np.arange(1, 11, dtype=float)
    gentle = 100 - 10 * k + 0.05 * k**2  # barely convex
    assert find_knee(k, gentle).x is None
    assert "too gently" in find_knee(k, gentle).message
    assert find_knee(k, 100 - k**2).x is None  # concave
    assert find_knee([1, 2], [5.0, 1.0]).message.startswith("no elbow: need at least 3")
    assert find_knee(k, np.ones(10)).message == "no elbow: the curve is flat"
    with pytest.raises(ValueError, match="increasing"):
        find_knee([1, 3, 2], [3.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="finite"):
        find_knee([1, 2, 3], [3.0, np.nan, 1.0])


# -------------------------------------------------------------------------------------- sweep


def test_sweep_matches_direct_fits_and_sklearn_scores():
    X, _ = make_blobs(400, centers=[[0, 0], [10, 0], [5, 9]], random_state=4)
    events = []
    result = sweep_k(X, range(1, 6), n_seeds=3, random_state=11, progress=lambda f, m: events.append((f, m)))
    assert list(result.k_values) == [1, 2, 3, 4, 5] and len(result.seeds) == 3
    for fit in result.fits:
        direct = [KMeans(fit.k, n_init=1, random_state=s).fit(X) for s in result.seeds]
        np.testing.assert_array_equal(fit.inertias, [d.inertia_ for d in direct])
        best = direct[int(np.argmin([d.inertia_ for d in direct]))]
        np.testing.assert_array_equal(fit.labels, best.labels_)
        assert fit.best_inertia == min(d.inertia_ for d in direct)
        if fit.k == 1:
            assert np.isnan(fit.silhouette) and np.isnan(fit.calinski_harabasz) and np.isnan(fit.davies_bouldin)
            continue
        assert fit.silhouette == pytest.approx(skm.silhouette_score(X, fit.labels), abs=1e-10)
        np.testing.assert_allclose(fit.silhouette_samples, skm.silhouette_samples(X, fit.labels), atol=1e-10)
        assert fit.calinski_harabasz == pytest.approx(skm.calinski_harabasz_score(X, fit.labels))
        assert fit.davies_bouldin == pytest.approx(skm.davies_bouldin_score(X, fit.labels))
    assert result.best_k("silhouette") == 3
    assert result.best_k("davies_bouldin") == 3
    assert result.knee.x == 3
    fractions = [f for f, _ in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(events) > 15
    assert result.inertias.shape == (5, 3)
    assert not result.silhouette_sampled


def test_sweep_can_be_stopped_between_units_of_work():
    X, _ = make_blobs(300, centers=3, random_state=0)
    calls = []

    def should_stop():
        calls.append(1)
        return len(calls) > 4

    with pytest.raises(Cancelled):
        sweep_k(X, range(1, 8), n_seeds=2, should_stop=should_stop)
    assert len(calls) == 5


def test_sweep_samples_silhouette_on_large_data_and_skips_impossible_k():
    X, _ = make_blobs(1500, centers=3, random_state=0)
    result = sweep_k(X, [1, 2, 3], n_seeds=1, silhouette_max_points=1000, silhouette_sample_size=600)
    assert result.silhouette_sampled and result.silhouette_n_used == 600
    assert "600 of 1,500" in result.silhouette_note()
    idx = result.silhouette_indices
    fit = result.fit_for(3)
    assert fit.silhouette == pytest.approx(skm.silhouette_score(X[idx], fit.labels[idx]), abs=1e-10)

    few = np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]] * 4)
    small = sweep_k(few, range(1, 6), n_seeds=2)
    assert list(small.k_values) == [1, 2, 3]
    assert any("k = 4..5 skipped" in note for note in small.notes)


def test_sweep_rejects_bad_settings():
    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(ValueError, match="k_values must be integers >= 1"):
        sweep_k(X, [0, 1])
    with pytest.raises(ValueError, match="n_seeds"):
        sweep_k(X, [1, 2], n_seeds=0)
    with pytest.raises(ValueError, match="empty"):
        sweep_k(X, [])


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_silhouette_matches_the_definition_on_arbitrary_small_inputs(data):
    n = data.draw(st.integers(3, 40))
    d = data.draw(st.integers(1, 4))
    # Small integer grid: many ties and duplicates, and every distance is computed exactly.
    X = np.array(data.draw(st.lists(st.lists(st.integers(-3, 3), min_size=d, max_size=d),
                                    min_size=n, max_size=n)), dtype=float)
    labels = np.array(data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)))
    if not 2 <= np.unique(labels).size <= n - 1:
        with pytest.raises(ValueError, match="Number of labels"):
            silhouette_samples(X, labels)
        return
    s = silhouette_samples(X, labels)
    np.testing.assert_allclose(s, naive_silhouette(X, labels), atol=1e-12)
    np.testing.assert_allclose(s, skm.silhouette_samples(X, labels), atol=1e-10)


def test_many_labellings_are_split_to_bound_memory_and_agree(monkeypatch):
    from sklearn.metrics import silhouette_samples as sk_samples

    from kmeans_gui.engine import metrics

    rng = np.random.default_rng(21)
    X = rng.normal(size=(300, 2))
    labelings = [rng.integers(0, k, 300) for k in (2, 3, 5, 8, 13)]
    monkeypatch.setattr(metrics, "_ONEHOT_BUDGET_BYTES", 300 * 8 * 10)  # at most ~10 columns a group
    seen = []
    results = metrics.silhouette_samples_multi(X, labelings, progress=lambda f, m: seen.append(f))
    for labels, ours in zip(labelings, results):
        np.testing.assert_allclose(ours, sk_samples(X, labels), atol=1e-10)
    assert seen == sorted(seen) and seen[-1] <= 1.0


# ------------------------------------------------------------- scores over seeds, gap, tutorial


def test_every_seed_is_scored_and_summarised_as_mean_and_spread():
    from kmeans_gui.data.datasets import make_dataset

    X = make_dataset("tutorial-blobs")
    result = sweep_k(X, range(1, 6), n_seeds=4, random_state=3, init="random")
    for fit in result.fits:
        direct = [KMeans(fit.k, init="random", n_init=1, random_state=s).fit(X) for s in result.seeds]
        for score, sk in (("silhouette", skm.silhouette_score), ("calinski_harabasz", skm.calinski_harabasz_score),
                          ("davies_bouldin", skm.davies_bouldin_score)):
            want = [sk(X, d.labels_) if fit.k > 1 else np.nan for d in direct]
            np.testing.assert_allclose(fit.per_seed(score), want, rtol=1e-9)
    sil = result.per_seed("silhouette")
    assert sil.shape == (5, 4)
    np.testing.assert_allclose(result.mean("silhouette")[1:], sil[1:].mean(axis=1))
    np.testing.assert_allclose(result.spread("silhouette")[1:], sil[1:].std(axis=1, ddof=1))
    assert np.isnan(result.mean("silhouette")[0]) and np.isnan(result.spread("silhouette")[0])
    np.testing.assert_allclose(result.mean("inertia"), result.inertias.mean(axis=1))
    assert all(f.fit_seconds.shape == (4,) and (f.fit_seconds > 0).all() for f in result.fits)


def test_chosen_k_per_criterion_with_reasons():
    from kmeans_gui.data.datasets import make_dataset

    result = sweep_k(make_dataset("tutorial-blobs"), range(1, 8), n_seeds=2, gap_refs=5)
    # Two of the four blobs are close: the elbow's knee comes at 3, the other criteria say 4.
    assert result.chosen_k("elbow") == (3, "elbow at k = 3")
    for criterion in ("silhouette", "calinski_harabasz", "davies_bouldin", "gap"):
        k, reason = result.chosen_k(criterion)
        assert k == 4, (criterion, reason)
    assert result.chosen_k("davies_bouldin")[1] == "lowest mean over the seeds at k = 4"
    assert result.gap.n_refs == 5 and list(result.gap.k_values) == list(result.k_values)
    np.testing.assert_allclose(result.gap.log_w, np.log(result.best_inertia))  # no refit of the data
    one = sweep_k(np.random.default_rng(0).normal(size=(200, 2)), [1], n_seeds=1)
    assert one.chosen_k("silhouette") == (None, "undefined for every k tried: it needs at least 2 clusters "
                                                "of distinct points")
    assert one.chosen_k("gap")[0] is None and "not computed" in one.chosen_k("gap")[1]
    with pytest.raises(ValueError, match="unknown criterion"):
        one.chosen_k("aic")


def test_sweep_honours_init_max_iter_and_tol():
    X, _ = make_blobs(300, centers=4, random_state=2)
    result = sweep_k(X, [3, 4], n_seeds=2, random_state=0, init="farthest", max_iter=2, tol=0.5)
    for fit in result.fits:
        direct = [KMeans(fit.k, init="farthest", n_init=1, max_iter=2, tol=0.5, random_state=s).fit(X)
                  for s in result.seeds]
        np.testing.assert_array_equal(fit.inertias, [d.inertia_ for d in direct])
    assert not np.array_equal(result.inertias, sweep_k(X, [3, 4], n_seeds=2, random_state=0).inertias)


def test_sweep_draws_the_tutorials_elbow_curve_beside_the_best_runs():
    from kmeans_gui.data.datasets import make_dataset

    result = sweep_k(make_dataset("tutorial-blobs"), range(1, 10), n_seeds=3, tutorial_seed=42)
    assert result.tutorial_seed == 42
    assert [round(v) for v in result.tutorial_curve] == [19780, 9211, 1919, 1886, 1854, 1832, 1815, 258, 249]
    assert round(result.best_inertia[3], 1) == 362.5  # the best of three k-means++ runs is not stuck
    assert sweep_k(make_dataset("tutorial-blobs"), [1, 2], n_seeds=1).tutorial_curve is None


def test_sweep_rejects_bad_gap_settings():
    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(ValueError, match="gap_refs=-1"):
        sweep_k(X, [1, 2], gap_refs=-1)
    with pytest.raises(ValueError, match="gap_reference='ball'"):
        sweep_k(X, [1, 2], gap_refs=2, gap_reference="ball")
