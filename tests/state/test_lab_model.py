"""The lab's models without Qt: a case opens in Explore and replays; a run replays its inertia."""

import numpy as np
import pytest

from kmeans_gui.data.datasets import make_dataset
from kmeans_gui.state import AppState, Params
from kmeans_gui.state.lab import FailuresModel, RestartsModel, true_labels_of


@pytest.fixture
def explore():
    state = AppState(params=Params(k=3, init="farthest", seed=9, max_iter=5, tol=0.5, empty_policy="keep"))
    state.load_dataset("blobs", n=120, centers=3, seed=2)
    return state


@pytest.fixture(scope="module")
def grid_model():
    model = FailuresModel(AppState(), n=40)
    model.compute_now()
    return model


def test_a_case_opens_in_explore_with_the_labs_run_ready_to_step(explore, grid_model):
    model = FailuresModel(explore)
    model.cases, model.cells = grid_model.cases, grid_model.cells
    case, cell = model.case("anisotropic"), model.cell("anisotropic", "kmeans")
    text = model.open_in_explore("anisotropic", "gmm")
    assert text.startswith("Opened “Anisotropic blobs” (40 points) in Explore: k = 3, k-means++, seed 0")
    assert "Gaussian mixture scored ARI" in text
    np.testing.assert_array_equal(explore.points, case.X)
    assert explore.dataset is None
    # Explore's own max_iter, tol and empty policy are put back to the lab's, or the run would differ.
    assert explore.params == Params(k=3, init="k-means++", seed=0)
    assert explore.cursor == 0 and not explore.at_end
    explore.run_to_end()
    assert explore.current.inertia == cell.inertia
    assert explore.can_undo  # the user's points come back with Ctrl+Z


def test_a_case_not_computed_cannot_open(explore):
    with pytest.raises(ValueError, match="not been computed"):
        FailuresModel(explore).open_in_explore("moons")


def test_true_labels_only_for_an_unedited_builtin_dataset(explore):
    y = true_labels_of(explore.points, explore.dataset)
    assert y is not None and np.bincount(y).tolist() == [40, 40, 40]
    edited = explore.points.copy()
    edited[0, 0] += 1e-9
    assert true_labels_of(edited, explore.dataset) is None
    assert true_labels_of(explore.points, None) is None
    assert true_labels_of(make_dataset("uniform", n=10), {"name": "uniform", "n": 10}) is None


def test_your_data_row_takes_explores_points_and_k(explore):
    model = FailuresModel(explore, your_data=True)
    n, seed, your = model.task_args()
    np.testing.assert_array_equal(your["points"], explore.points)
    assert (your["k"], your["init"], your["seed"]) == (3, "farthest", 9)
    assert [key for key, _ in model.row_titles()][-1] == "your-data" and model.n_cells() == 54
    explore.clear()
    with pytest.raises(ValueError, match="No points yet"):
        model.task_args()


def test_settings_round_trip_and_refuse_bad_values(explore):
    model = FailuresModel(explore)
    model.load_dict({"n": 300, "seed": 4, "your_data": True})
    assert model.to_dict() == {"n": 300, "seed": 4, "your_data": True}
    with pytest.raises(ValueError, match="n: 5 must be a whole number from 20"):
        model.n = 5
    restarts = RestartsModel(explore)
    with pytest.raises(ValueError, match="n_seeds"):
        restarts.n_seeds = 0


def test_a_bar_or_a_run_opens_its_seed_with_explores_settings(explore):
    model = RestartsModel(explore, n_seeds=12)
    result = model.compute_now()
    edges, counts = model.histograms("inertia")
    assert all(c.sum() == 12 for c in counts.values())
    b = int(np.flatnonzero(counts["random"])[-1])
    text = model.open_bin("random", "inertia", b)
    seed = int(result.seeds_in_bin("random", "inertia", edges, b)[0])
    assert (explore.params.init, explore.params.seed) == ("random", seed)
    assert text.startswith(f"Seed {seed} of random opened in Explore")
    # The runs used Explore's max_iter 5, tol 0.5 and "keep": the replay ends where they did.
    explore.run_to_end()
    assert explore.current.inertia == result.runs["random"].inertia[seed]
    assert explore.current.iteration == result.runs["random"].n_iter[seed]


def test_restarts_go_stale_when_the_data_or_k_change(explore):
    model = RestartsModel(explore, n_seeds=3)
    model.compute_now()
    explore.set_params(init="random", seed=40)  # opening a run changes these: still current
    assert not model.stale
    explore.set_params(k=2)
    assert model.stale
    with pytest.raises(ValueError, match="changed"):
        model.open_run("random", 0)


def test_cells_are_drawn_numbered_after_the_true_groups(grid_model):
    from kmeans_gui.lab.cases import adjusted_rand

    for (case_key, method_key), cell in grid_model.cells.items():
        shown = grid_model.shown_labels(case_key, method_key)
        assert adjusted_rand(shown, cell.labels) == pytest.approx(1.0)  # the same grouping
        if cell.score > 0.95:  # nearly the truth: nearly every point takes its true group's number
            assert np.mean(shown == grid_model.case(case_key).y) > 0.95


def test_your_data_row_clusters_an_imported_4d_table_scored_by_its_true_labels():
    from kmeans_gui.lab.methods import METHODS

    rng = np.random.default_rng(1)
    centres = np.array([[0, 0, 0, 0], [8, 0, 8, 0], [0, 8, 0, 8]], dtype=float)
    y = np.arange(90) % 3
    explore = AppState(params=Params(k=3))
    explore.set_table(centres[y] + rng.normal(scale=0.5, size=(90, 4)), true_labels=y)
    model = FailuresModel(explore, n=40, your_data=True)
    model.methods = tuple(m for m in METHODS if m.key == "kmeans")
    model.compute_now()
    case, cell = model.case("your-data"), model.cell("your-data", "kmeans")
    assert case.X.shape == (90, 4) and case.true_k == 3
    assert cell.score_kind == "ARI" and cell.score == pytest.approx(1.0)
