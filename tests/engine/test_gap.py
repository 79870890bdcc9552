"""The gap statistic: its formula on k = 1 (no clustering involved), its rule, known answers."""

import numpy as np
import pytest

from kmeans_gui.data.datasets import make_dataset
from kmeans_gui.engine.gap import choose_k_by_gap, gap_statistic, reference_data


def total_sum_of_squares(X):
    return float(((X - X.mean(axis=0)) ** 2).sum())


def test_gap_at_k_1_is_the_papers_formula_on_the_reference_sets():
    # For k = 1, W_1 is the total sum of squares, whatever the clustering: the formula is checkable
    # exactly against the very reference sets the function draws (same RandomState, drawn first).
    X = np.random.default_rng(3).normal(size=(60, 2)) * [3.0, 1.0]
    for reference in ("box", "pca"):
        result = gap_statistic(X, [1, 2], n_refs=7, reference=reference, random_state=5)
        refs = reference_data(X, 7, reference, np.random.RandomState(5).randint(0, 2**31 - 1))
        ref_log = np.log([total_sum_of_squares(R) for R in refs])
        assert result.log_w[0] == pytest.approx(np.log(total_sum_of_squares(X)))
        np.testing.assert_allclose(result.reference_log_w[0], ref_log)
        assert result.gap[0] == pytest.approx(ref_log.mean() - np.log(total_sum_of_squares(X)))
        assert result.sd[0] == pytest.approx(ref_log.std())  # over b, divided by B as in the paper
        assert result.s[0] == pytest.approx(ref_log.std() * np.sqrt(1 + 1 / 7))


def test_the_rule_picks_the_smallest_k_within_one_standard_error():
    ks = [1, 2, 3, 4]
    assert choose_k_by_gap(ks, [0.1, 1.0, 1.05, 1.0], [0.1, 0.1, 0.1, 0.1])[0] == 2  # 1.0 >= 1.05 - 0.1
    assert choose_k_by_gap(ks, [0.1, 1.0, 1.2, 1.25], [0.1, 0.1, 0.1, 0.1])[0] == 3
    k, reason = choose_k_by_gap(ks, [0.1, 0.5, 0.9, 1.3], [0.1] * 4)
    assert k is None and "up to k = 4" in reason and "larger max k" in reason
    assert choose_k_by_gap([1, 3, 4], [5.0, 0.0, 0.0], [0.1] * 3)[0] == 3  # 1 has no k+1 to compare with
    assert choose_k_by_gap([2], [1.0], [0.1])[0] is None


@pytest.mark.parametrize("reference", ["box", "pca"])
def test_one_round_blob_is_one_cluster(reference):
    X = np.random.default_rng(0).normal(size=(300, 2))
    result = gap_statistic(X, range(1, 6), reference=reference, random_state=0)
    assert result.chosen_k == 1
    assert "k = 1" in result.reason


def iris_standardised_pca_2d():
    """Iris as the app once showed it: standardised, then its two principal components. (On the
    full 4-D table the gap statistic says 4 with either reference: Iris is no clean 3.)"""
    from sklearn.decomposition import PCA

    X = make_dataset("iris")
    return PCA(2).fit_transform((X - X.mean(axis=0)) / X.std(axis=0))


@pytest.mark.parametrize(("data", "k"), [(lambda: make_dataset("tutorial-blobs"), 4), (iris_standardised_pca_2d, 3)])
def test_known_numbers_of_clusters(data, k):
    result = gap_statistic(data(), range(1, 7), random_state=0)
    assert result.chosen_k == k


def test_three_separated_blobs_with_the_pca_reference():
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(300, centers=[[0, 0], [10, 10], [20, 20]], random_state=1)  # along a diagonal
    assert gap_statistic(X, range(1, 6), reference="pca", random_state=0).chosen_k == 3


def test_reference_sets_fill_the_box_or_follow_the_principal_axes():
    rng = np.random.default_rng(2)
    t = rng.uniform(0, 10, 400)
    X = np.c_[t, t] + rng.normal(scale=0.05, size=(400, 2))  # a thin diagonal stick
    box = reference_data(X, 3, "box", 0)
    pca = reference_data(X, 3, "pca", 0)
    assert box.shape == pca.shape == (3, 400, 2)
    assert (box >= X.min(axis=0)).all() and (box <= X.max(axis=0)).all()
    across = np.array([1.0, -1.0]) / np.sqrt(2)  # distance from the stick's axis
    assert np.abs((pca - X.mean(axis=0)) @ across).max() < 0.5  # the data's own: about 0.2
    assert np.abs((box - X.mean(axis=0)) @ across).max() > 3.0


def test_duplicates_give_an_undefined_gap_not_a_crash():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]] * 4)
    result = gap_statistic(X, [1, 2, 3], n_refs=3)
    assert np.isnan(result.gap[2]) and np.isfinite(result.gap[:2]).all()


def test_bad_settings_are_explained():
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="reference='cube' must be one of"):
        gap_statistic(X, [1, 2], reference="cube")
    with pytest.raises(ValueError, match="n_refs=0 must be a positive integer"):
        gap_statistic(X, [1, 2], n_refs=0)
    with pytest.raises(ValueError, match="more than the 20 points"):
        gap_statistic(X, [1, 21])
    with pytest.raises(ValueError, match="data_inertia has shape"):
        gap_statistic(X, [1, 2], data_inertia=[1.0])


def test_progress_rises_and_cancel_stops_between_fits():
    from kmeans_gui.engine.progress import Cancelled

    X = np.random.default_rng(0).normal(size=(50, 2))
    seen = []
    gap_statistic(X, [1, 2, 3], n_refs=2, n_seeds=2, progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) == 3 * (2 + 2) + 1
    calls = []
    with pytest.raises(Cancelled):
        gap_statistic(X, [1, 2, 3], n_refs=2, should_stop=lambda: calls.append(1) or len(calls) > 3)
    assert len(calls) == 4
