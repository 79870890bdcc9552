"""The failure grid: remedies beat k-means where they should, cells arrive one by one, cancel stops."""

import numpy as np
import pytest

from kmeans_gui.engine import kmeans_steps, run_to_end
from kmeans_gui.engine.progress import Cancelled
from kmeans_gui.lab.cases import CASE_KEYS, adjusted_rand, failure_cases, make_case, your_data_case
from kmeans_gui.lab.failures import run_failures, score_labels
from kmeans_gui.lab.methods import METHODS, dbscan_eps, method_named


@pytest.fixture(scope="module")
def moons_and_circles():
    return run_failures(failure_cases(300, 0, keys=("moons", "circles")))


@pytest.mark.parametrize("case", ["moons", "circles"])
def test_remedies_beat_kmeans_on_moons_and_circles(moons_and_circles, case):
    grid = moons_and_circles
    kmeans = grid.cell(case, "kmeans").score
    assert kmeans < 0.5
    assert max(grid.cell(case, "dbscan").score, grid.cell(case, "spectral").score) > 0.95
    assert grid.cell(case, "spectral").score > kmeans and grid.cell(case, "single").score > kmeans
    assert grid.best_method(case) != "kmeans"


def test_every_cell_is_timed_and_scored_by_ari(moons_and_circles):
    assert moons_and_circles.complete
    for cell in moons_and_circles.cells.values():
        assert cell.score_kind == "ARI" and cell.seconds > 0 and cell.error is None
        assert cell.labels.shape == (300,)


def test_gaussian_mixture_fixes_the_shapes_kmeans_gets_wrong():
    grid = run_failures(failure_cases(300, 1, keys=("anisotropic", "unequal-variance", "unequal-sizes")),
                        [method_named("kmeans"), method_named("gmm")])
    for case in grid.cases:
        assert grid.cell(case.key, "kmeans").score < 0.8
        assert grid.cell(case.key, "gmm").score > grid.cell(case.key, "kmeans").score + 0.15


def test_kmeans_cell_is_the_run_explore_replays():
    case = make_case("unlucky-start", 200, 0)
    cell = run_failures([case], [method_named("kmeans")]).cell(case.key, "kmeans")
    replay = run_to_end(kmeans_steps(case.X, case.k, init=case.init, random_state=case.seed, observe_init=True))
    np.testing.assert_array_equal(cell.labels, replay.labels)
    assert cell.inertia == replay.inertia


def test_the_unlucky_start_is_worse_than_kmeans_plus_plus():
    case = make_case("unlucky-start", 300, 3)
    assert case.init == "random" and case.seed >= 3
    unlucky = run_to_end(kmeans_steps(case.X, 4, init="random", random_state=case.seed))
    assert adjusted_rand(case.y, unlucky.labels) < 0.9
    good = min(run_to_end(kmeans_steps(case.X, 4, random_state=s)).inertia for s in range(5))
    assert unlucky.inertia > 1.2 * good


@pytest.mark.parametrize("key", CASE_KEYS)
def test_each_case_has_its_true_groups(key):
    case = make_case(key, 120, 2)
    assert case.X.shape == (120, 2) and case.y.shape == (120,)
    assert np.unique(case.y).shape[0] == case.true_k
    assert case.k == {"wrong-k-2": 2, "wrong-k-5": 5}.get(key, case.true_k)


def test_cells_arrive_in_order_with_rising_progress():
    seen, fractions = [], []
    cases = failure_cases(60, 0, keys=("moons", "wrong-k-2"))
    methods = [method_named("kmeans"), method_named("dbscan")]
    run_failures(cases, methods, on_cell=lambda c: seen.append((c.case, c.method)),
                 progress=lambda f, msg: fractions.append(f))
    assert seen == [("moons", "kmeans"), ("moons", "dbscan"), ("wrong-k-2", "kmeans"), ("wrong-k-2", "dbscan")]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_cancelling_stops_between_cells():
    seen = []
    cases = failure_cases(60, 0, keys=("moons", "circles"))
    with pytest.raises(Cancelled):
        run_failures(cases, METHODS, on_cell=seen.append, should_stop=lambda: len(seen) >= 3)
    assert len(seen) == 3


def test_your_data_without_labels_is_scored_by_silhouette_without_noise():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0], [5.0, 0.5]])
    case = your_data_case(X, 2)
    score, kind = score_labels(case, np.array([0, 0, 1, 1, -1]))
    b = (10.0 + np.sqrt(101.0)) / 2  # mean distance from (0, 0) to the other pair
    assert kind == "silhouette" and score == pytest.approx(1 - 1 / b)  # the same for all four points
    assert score_labels(case, np.array([0, 0, 0, 0, -1])) == (None, "silhouette")


def test_your_data_with_labels_is_scored_by_ari_and_large_data_is_sampled():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(size=(50, 2)), rng.normal(size=(50, 2)) + 20]
    y = np.repeat([0, 1], 50)
    grid = run_failures([your_data_case(X, 2, y)], [method_named("kmeans")])
    assert grid.cell("your-data", "kmeans").score == 1.0
    big = your_data_case(np.tile(X, (40, 1)), 2, np.tile(y, 40), max_points=500)
    assert big.X.shape == (500, 2) and big.y.shape == (500,) and "500 of the 4,000" in big.note
    with pytest.raises(ValueError, match="k=7"):
        your_data_case(X[:5], 7)


def test_dbscan_eps_sits_between_the_clusters_spacing_and_the_outliers():
    grid = np.stack(np.meshgrid(np.arange(10.0), np.arange(10.0)), -1).reshape(-1, 2)  # spacing 1
    X = np.r_[grid, grid + [30, 0], [[60.0, 60.0], [-40.0, 50.0], [70.0, -30.0]]]
    eps, how = dbscan_eps(X)
    assert "knee" in how and 1.0 <= eps < 20.0
    from sklearn.cluster import DBSCAN

    labels = DBSCAN(eps=eps, min_samples=8).fit_predict(X)
    assert (labels[-3:] == -1).all() and len(set(labels[:-3])) == 2


def test_moons_and_circles_are_the_apps_datasets():
    from kmeans_gui.data.datasets import make_dataset

    for key in ("moons", "circles"):
        case = make_case(key, 150, 4)
        np.testing.assert_array_equal(case.X, make_dataset(**case.dataset))
    assert make_case("anisotropic", 150, 4).dataset is None


def test_aligned_labels_take_the_reference_numbers_and_keep_the_grouping():
    from kmeans_gui.lab.failures import align_labels

    reference = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    labels = np.array([5, 5, 7, 2, 2, 7, 7, -1])  # 5 ~ group 0, 2 ~ group 1, 7 ~ group 2
    np.testing.assert_array_equal(align_labels(labels, reference), [0, 0, 2, 1, 1, 2, 2, -1])
    # more clusters than groups: the extra one gets the next free number
    np.testing.assert_array_equal(align_labels([4, 4, 1, 1, 0], [0, 0, 1, 1, 1]), [0, 0, 1, 1, 2])
    np.testing.assert_array_equal(align_labels([-1, -1], [0, 1]), [-1, -1])


def test_a_method_that_fails_is_reported_in_its_cell():
    from kmeans_gui.lab.failures import run_cell
    from kmeans_gui.lab.methods import Method

    def broken(X, k, seed, init):
        raise ValueError("no can do")

    cell = run_cell(make_case("moons", 40, 0), Method("broken", "Broken", True, broken))
    assert cell.error == "no can do" and cell.labels is None and cell.score is None
