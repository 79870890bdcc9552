"""The Explore state with data of any width: set_table, undo, the 2-D view, sessions, refusals."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kmeans_gui.engine import kmeans_steps
from kmeans_gui.state import AppState, Params
from kmeans_gui.state import session as sessions

SQUARE = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])


def four_d(n=60, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0, 0, 0], [6, 0, 3, 0], [0, 6, 0, 3]], dtype=float)
    y = np.arange(n) % 3
    return centres[y] + rng.normal(scale=0.5, size=(n, 4)), y


def test_set_table_clusters_in_full_dimension_as_the_engine_does():
    X, y = four_d()
    state = AppState(SQUARE, Params(k=3, seed=4))
    state.set_table(X, true_labels=y, feature_names=["a", "b", "c", "d"], source="four.csv")
    assert state.n_features == 4 and state.points.shape == (60, 4) and state.view_points.shape == (60, 2)
    assert state.feature_names == ("a", "b", "c", "d") and state.source == "four.csv"
    np.testing.assert_array_equal(state.true_labels, y)
    state.run_to_end()
    ref = list(kmeans_steps(X, 3, init="k-means++", random_state=4, observe_init=True, max_iter=300, tol=1e-4))[-1]
    np.testing.assert_array_equal(state.current.labels, ref.labels)
    np.testing.assert_allclose(state.current.centers, ref.centers)
    assert state.trail().shape[1:] == (3, 4) and state.project(state.trail()).shape[1:] == (3, 2)
    assert state.true_label_score() == pytest.approx(1.0)  # three clean groups, found


def test_set_table_is_one_undo_step_that_brings_back_points_labels_names_and_placed_centres():
    state = AppState(SQUARE, Params(k=2, init="manual"))
    state.add_manual_center(0, 0)
    state.add_manual_center(10, 0)
    X, y = four_d()
    state.set_table(X, true_labels=y, feature_names="abcd" and ["a", "b", "c", "d"])
    assert state.params.init == "k-means++" and state.manual_centers.shape == (0, 2)
    assert state.error is None and state.current is not None
    assert state.undo()
    np.testing.assert_array_equal(state.points, SQUARE)
    assert state.n_features == 2 and state.true_labels is None and state.feature_names == ("x", "y")
    assert state.params.init == "manual" and state.manual_centers.shape == (2, 2)
    assert state.redo()
    assert state.n_features == 4 and state.feature_names[0] == "a"
    np.testing.assert_array_equal(state.true_labels, y)


def test_the_pca_view_equals_scikit_learn_pca_up_to_sign_and_says_its_share_of_variance():
    from sklearn.datasets import load_iris
    from sklearn.decomposition import PCA

    state = AppState()
    state.load_dataset("iris", k=3)
    assert state.n_features == 4 and state.true_labels is not None
    ref = PCA(2).fit(load_iris().data)
    shown = state.view_points
    for j in range(2):
        sign = np.sign(shown[0, j] * ref.transform(load_iris().data)[0, j])
        np.testing.assert_allclose(shown[:, j], sign * ref.transform(load_iris().data)[:, j], atol=1e-9)
    pct = 100 * ref.explained_variance_ratio_
    assert state.projection.axis_titles == (f"PC 1, {pct[0]:.0f}% of variance", f"PC 2, {pct[1]:.0f}% of variance")
    assert state.projection.axis_titles[0] == "PC 1, 92% of variance"
    # Centroids go through the same map as the points: a centroid at a point lands on its picture.
    np.testing.assert_allclose(state.project(state.points[:5]), shown[:5])


def test_chosen_columns_show_those_columns_and_change_only_the_picture():
    X, _ = four_d()
    state = AppState(X, Params(k=3))
    run_version, seen = state.run_version, []
    state.events.projection.connect(lambda: seen.append("projection"))
    state.events.run.connect(lambda: seen.append("run"))
    state.set_view_columns((2, 0))
    assert seen == ["projection"] and state.run_version == run_version
    np.testing.assert_array_equal(state.view_points, X[:, [2, 0]])
    assert state.projection.axis_titles == ("feature 3", "feature 1")
    np.testing.assert_array_equal(state.project(state.current.centers), state.current.centers[:, [2, 0]])
    for bad in [(0, 0), (0, 4), (1,), "ab"]:
        with pytest.raises(ValueError, match="view columns"):
            state.set_view_columns(bad)
    state.set_view_columns(None)
    assert state.projection.kind == "pca"


def test_2d_data_keep_their_own_axes():
    state = AppState(SQUARE, Params(k=2))
    assert state.projection.kind == "columns" and state.projection.axis_titles == ("x", "y")
    assert state.view_points is state.points  # no copy, no transform
    state.set_table(SQUARE, feature_names=["height", "weight"])
    assert state.projection.axis_titles == ("height", "weight")


def test_one_feature_is_shown_along_a_line_at_zero():
    state = AppState()
    state.set_table([[1.0], [2.0], [10.0], [11.0]], feature_names=["age"])
    state.set_params(k=2)
    state.run_to_end()
    np.testing.assert_array_equal(state.view_points, [[1, 0], [2, 0], [10, 0], [11, 0]])
    assert state.projection.axis_titles[0] == "age"
    np.testing.assert_allclose(np.sort(state.current.centers[:, 0]), [1.5, 10.5])
    assert "one feature" in state.planar_only_reason()


def test_drawing_and_placing_centroids_are_refused_off_the_plane_with_a_reason():
    X, _ = four_d()
    state = AppState(X, Params(k=3))
    with pytest.raises(ValueError, match="Adding points by hand needs 2-D data; these data have 4 features"):
        state.add_points([[0.0, 0.0]])
    with pytest.raises(ValueError, match="Removing points by hand needs 2-D data"):
        state.remove_nearest(0.0, 0.0)
    with pytest.raises(ValueError, match="Placing centroids by hand needs 2-D data"):
        state.set_params(init="manual")
    assert state.params.init == "k-means++" and state.n_points == 60 and not state.can_undo
    assert state.regions_hidden_reason == ("Regions hidden: the clustering is in 4-D; a 2-D picture of its "
                                           "regions would mislead.")
    assert AppState(SQUARE).regions_hidden_reason is None and AppState(SQUARE).planar_only_reason() is None


def test_bad_tables_are_refused_naming_the_problem_and_change_nothing():
    X, y = four_d()
    state = AppState(SQUARE, Params(k=2))
    for kwargs, words in [
        (dict(X=X, true_labels=y[:5]), r"true_labels must have shape \(60,\)"),
        (dict(X=X, true_labels=np.full(60, 0.5)), "whole numbers"),
        (dict(X=X, feature_names=["a"]), "feature_names must be 4 strings"),
        (dict(X=X, feature_names="abcd"), "not one string"),
        (dict(X=np.array([[1.0, np.nan]])), "finite"),
        (dict(X=np.zeros((3, 0))), r"shape \(n, d\) with d >= 1"),
        (dict(X=X, source=object()), "JSON-able"),
    ]:
        X_ = kwargs.pop("X")
        with pytest.raises((ValueError, TypeError), match=words):
            state.set_table(X_, **kwargs)
    np.testing.assert_array_equal(state.points, SQUARE)
    assert not state.can_undo


def test_removing_points_keeps_their_true_labels_and_adding_drops_them():
    state = AppState()
    state.set_table(SQUARE, true_labels=[0, 0, 1, 1])
    state.remove_points([1])
    np.testing.assert_array_equal(state.true_labels, [0, 1, 1])
    state.add_points([[5.0, 5.0]])
    assert state.true_labels is None
    state.undo()
    np.testing.assert_array_equal(state.true_labels, [0, 1, 1])


def test_label_names_name_the_codes_are_kept_by_undo_and_go_with_the_true_labels():
    state = AppState()
    state.set_table(SQUARE, true_labels=[0, 0, 1, 1], label_names=["cat", "dog"])
    assert state.label_names == ("cat", "dog") and state.table.label_names == ("cat", "dog")
    state.remove_points([0])
    assert state.label_names == ("cat", "dog")  # the codes left still mean the same
    state.add_points([[5.0, 5.0]])  # a point drawn by hand is of no known class
    assert state.true_labels is None and state.label_names is None
    state.undo()
    assert state.label_names == ("cat", "dog")
    state.set_points(SQUARE)
    assert state.true_labels is None and state.label_names is None
    state.set_table(SQUARE, true_labels=[0, 0, 1, 1])
    assert state.label_names is None


@pytest.mark.parametrize("kwargs, words", [
    (dict(label_names=["a", "b"]), "there are no true labels"),
    (dict(true_labels=[0, 1, 2, 2], label_names=["a", "b"]), "the true labels run from 0 to 2, but 2 name(s)"),
    (dict(true_labels=[0, 1, 1, 0], label_names="ab"), "not one string"),
    (dict(true_labels=[0, 1, 1, 0], label_names=["a", 1]), "must be strings"),
])
def test_bad_label_names_are_refused_naming_the_problem_and_change_nothing(kwargs, words):
    state = AppState(SQUARE, Params(k=2))
    with pytest.raises((ValueError, TypeError)) as err:
        state.set_table(SQUARE * 2, **kwargs)
    assert words in str(err.value)
    np.testing.assert_array_equal(state.points, SQUARE)
    assert not state.can_undo


def test_a_session_round_trips_nd_points_labels_names_and_the_view(tmp_path):
    X, y = four_d()
    state = AppState(params=Params(k=3, seed=2))
    state.set_table(X, true_labels=y, feature_names=["a", "b", "c", "d"], source={"file": "four.csv"},
                    label_names=["p", "q", "r"])
    state.set_view_columns((1, 3))
    state.go_to(5)
    path = tmp_path / "s.kmsession"
    sessions.save(path, {"explore": state})
    other = AppState()
    sessions.load(path, {"explore": other})
    np.testing.assert_array_equal(other.points, X)
    np.testing.assert_array_equal(other.true_labels, y)
    assert other.feature_names == ("a", "b", "c", "d") and other.source == {"file": "four.csv"}
    assert other.label_names == ("p", "q", "r")
    assert other.view_columns == (1, 3) and other.cursor == 5
    np.testing.assert_array_equal(other.current.centers, state.current.centers)
    # As plain JSON (lists) too.
    lists = {**json.loads(json.dumps(state.to_dict())), **{k: v.tolist() for k, v in state.arrays().items()}}
    assert AppState.from_dict(lists).view_columns == (1, 3)
    assert AppState.from_dict(lists).label_names == ("p", "q", "r")


def test_a_session_saved_before_tables_still_opens():
    old = {"params": AppState(SQUARE).to_dict()["params"], "cursor": 1, "dataset": None}
    state = AppState.from_dict(old, {"points": SQUARE, "manual_centers": np.empty((0, 2))})
    assert state.n_features == 2 and state.true_labels is None and state.view_columns is None
    assert state.label_names is None


@pytest.mark.parametrize("change, words", [
    ({"view_columns": [0, 7]}, "view_columns=[0, 7] must be null or two different column indices from 0 to 3"),
    ({"feature_names": ["a"]}, "feature_names must be 4 strings"),
    ({"label_names": ["a", "b"]}, "label_names=['a', 'b']: label_names name the true labels' codes, but there "
                                  "are no true labels"),
    ({"label_names": 7}, "label_names=7: label_names must be a sequence of strings; got int"),
    ({"params_init": "manual"}, "init 'manual' (centroids placed by hand) needs 2-D points; these have 4 features"),
])
def test_a_bad_nd_session_names_the_problem(change, words):
    X, _ = four_d()
    data = AppState(X).to_dict()
    if "params_init" in change:
        data["params"]["init"] = change.pop("params_init")
    data.update(change)
    with pytest.raises(ValueError) as err:
        AppState.validate_dict(data, {"points": X})
    assert words in str(err.value)


def test_seed_distances_dropped_to_save_memory_are_recomputed_in_full_dimension(monkeypatch):
    from kmeans_gui.state import step_job

    monkeypatch.setattr(step_job, "SEED_DISTANCE_BUDGET", 1)  # keep only the first D^2 array
    X, _ = four_d(30)
    state = AppState(X, Params(k=4, init="k-means++", seed=0))
    state.run_to_end()
    seeds = [s for s in state.history if getattr(s, "seed", None) is not None and s.n_seeds >= 2]
    assert [s.n_seeds for s in seeds] == [2, 3, 4] and seeds[-1].seed.sq_dist is None  # really dropped
    for s in seeds:
        want = np.min([((X - c) ** 2).sum(axis=1) for c in s.centers[: s.n_seeds - 1]], axis=0)
        np.testing.assert_allclose(state.seed_distances(s), want, rtol=1e-6, atol=1e-9)


def test_the_adjusted_rand_index_is_scikit_learns():
    from sklearn.metrics import adjusted_rand_score

    from kmeans_gui.state.table_data import adjusted_rand_index

    rng = np.random.default_rng(0)
    for n, ka, kb in [(50, 3, 3), (200, 2, 5), (7, 7, 1), (30, 1, 1), (1, 1, 1)]:
        a, b = rng.integers(ka, size=n), rng.integers(kb, size=n)
        assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
        assert adjusted_rand_index(a, a + 10) == pytest.approx(1.0)  # the numbers do not matter
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    a, b = rng.integers(4, size=80), rng.integers(3, size=80)
    for odd in (b - 1, b * 10_000, b.astype(np.int32), b.astype(float)):  # noise as -1, big numbers, other dtypes
        assert adjusted_rand_index(a, odd) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    with pytest.raises(ValueError, match="same points"):
        adjusted_rand_index([0, 1], [0, 1, 1])


def test_clearing_nd_data_leaves_a_2d_canvas_to_draw_on_and_undo_brings_the_table_back():
    X, y = four_d()
    state = AppState(params=Params(k=3))
    state.set_table(X, true_labels=y, feature_names=["a", "b", "c", "d"])
    state.set_view_columns((0, 2))
    state.clear()
    assert state.n_points == 0 and state.n_features == 2 and state.view_columns is None
    state.add_points([[1.0, 2.0]])
    state.undo()
    state.undo()
    np.testing.assert_array_equal(state.points, X)
    assert state.feature_names == ("a", "b", "c", "d")


def test_the_note_over_the_canvas_says_what_the_picture_is_and_scores_true_classes():
    from kmeans_gui.state.table_data import view_note

    X, y = four_d()
    state = AppState(params=Params(k=3, seed=1))
    state.set_table(X, true_labels=y)
    assert view_note(state) == (
        "Clustered in all 4 features; shown through PCA. Regions hidden: the clustering is in 4-D; a 2-D picture "
        "of its regions would mislead. Drawing points or centroids needs 2-D data.\n"
        "Against the true classes: no clusters yet.")
    state.run_to_end()
    assert view_note(state).endswith("\nAgainst the true classes: adjusted Rand index 1.00 (1 = the same groups, "
                                     "0 = chance).")
    state.set_view_columns((0, 1))
    assert view_note(state).startswith("Clustered in all 4 features; shown by two of them.")
    assert view_note(AppState(SQUARE)) == ""  # 2-D, no classes: nothing to say


@settings(max_examples=25, deadline=None)
@given(n=st.integers(3, 40), d=st.integers(1, 7), seed=st.integers(0, 10_000))
def test_a_centroid_is_drawn_at_the_mean_of_its_points_pictures(n, d, seed):
    # Any view is affine, so the picture of a mean is the mean of the pictures: a centroid sits
    # among its points on the canvas whatever the dimension or the view.
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.1, 10, size=d)
    state = AppState(X, Params(k=1))
    members = rng.random(n) < 0.5
    members[0] = True
    np.testing.assert_allclose(state.project(X[members].mean(axis=0, keepdims=True))[0],
                               state.view_points[members].mean(axis=0), atol=1e-9 * (1 + np.abs(X).max()))
    if d > 2:  # PCA: centred, uncorrelated axes, the first the wider
        V = state.view_points
        np.testing.assert_allclose(V.mean(axis=0), 0, atol=1e-9 * (1 + np.abs(X).max()))
        cov = np.cov(V.T)
        assert abs(cov[0, 1]) <= 1e-8 * (1 + cov[0, 0]) and cov[0, 0] >= cov[1, 1] - 1e-9


@pytest.mark.parametrize("algorithm, extra", [("minibatch", {"batch_size": 20}), ("soft", {"beta": 2.0}),
                                              ("gmm", {"covariance": "full"}), ("gmm", {"covariance": "diag"})])
def test_every_variant_runs_in_full_dimension(algorithm, extra):
    X, y = four_d(90)
    state = AppState(params=Params(k=3, seed=3))
    state.set_table(X, true_labels=y)
    state.set_algorithm(algorithm)
    state.set_params(**extra)
    state.run_to_end()
    s = state.current
    assert state.error is None and s.is_final and s.centers.shape == (3, 4)
    assert state.project(s.centers).shape == (3, 2) and state.true_label_score() > 0.9


def test_a_prepared_table_is_adopted_as_it_is_with_its_view_and_bounds():
    from kmeans_gui.state.table_data import prepare_table

    X, y = four_d()
    prepared = prepare_table(X, true_labels=y, feature_names=["a", "b", "c", "d"], source="four.csv",
                             label_names=["p", "q", "r"])
    direct = AppState(params=Params(k=3, seed=4))
    direct.set_table(X, true_labels=y, feature_names=["a", "b", "c", "d"], source="four.csv",
                     label_names=["p", "q", "r"])
    state = AppState(SQUARE, Params(k=3, seed=4))
    state.set_table(prepared=prepared)
    # Nothing recomputed on this thread: the worker's arrays are the state's.
    assert state.table is prepared.data and state.projection is prepared.projection
    assert state.view_points is prepared.view_points
    np.testing.assert_array_equal(state.view_points, direct.view_points)
    assert state.label_names == ("p", "q", "r") and state.source == "four.csv"
    lo, hi = state.view_bounds
    np.testing.assert_array_equal(lo, direct.view_points.min(axis=0))
    np.testing.assert_array_equal(hi, direct.view_points.max(axis=0))
    state.run_to_end()
    direct.run_to_end()
    np.testing.assert_array_equal(state.current.labels, direct.current.labels)
    state.set_view_columns((0, 2))  # another view is fitted as before
    np.testing.assert_array_equal(state.view_points, X[:, [0, 2]])
    np.testing.assert_array_equal(state.view_bounds[1], X[:, [0, 2]].max(axis=0))
    assert state.undo()
    np.testing.assert_array_equal(state.points, SQUARE)
    np.testing.assert_array_equal(state.view_bounds[0], [0.0, 0.0])
    assert AppState().view_bounds is None


def test_set_table_takes_a_prepared_table_or_points_not_both():
    from kmeans_gui.state.table_data import prepare_table

    state = AppState(SQUARE)
    with pytest.raises(TypeError, match="either a prepared table or X"):
        state.set_table(SQUARE, prepared=prepare_table(SQUARE))
    with pytest.raises(TypeError, match="must be a PreparedTable"):
        state.set_table(prepared=SQUARE)
    with pytest.raises(TypeError, match="needs the points X"):
        state.set_table()
    with pytest.raises(ValueError, match="finite"):
        prepare_table([[0.0, np.inf]])
    assert not state.can_undo


def test_undo_brings_back_which_dataset_the_data_came_from():
    state = AppState()
    state.load_dataset("moons", n=50, seed=1)
    state.set_table(SQUARE * 3, source="square.csv")
    assert state.dataset is None
    state.undo()
    assert state.dataset["name"] == "moons" and state.n_points == 50
    state.redo()
    assert state.dataset is None and state.source == "square.csv"
    state.undo()
    state.undo()
    assert state.dataset is None and state.n_points == 0  # the empty start
