"""The app state without Qt: editing, undo, stepping, rewinding, sessions, messages."""

import json

import numpy as np
import pytest

from kmeans_gui.engine import FewDistinctPointsWarning, kmeans_steps
from kmeans_gui.state import AppState, Event, Params, chart_position, final_sentence, status_text, step_label

SQUARE = np.array([[0, 0], [0, 1], [10, 0], [10, 1]], dtype=float)


def recorder(state):
    seen = []
    for name in vars(state.events):
        getattr(state.events, name).connect(lambda name=name: seen.append(name))
    return seen


def test_event_connect_emit_block_defer():
    ev, calls = Event(), []
    cb = ev.connect(lambda *a: calls.append(a))
    ev.emit(1)
    with ev.blocker():
        ev.emit(2)
    with ev.deferred():
        ev.emit(3)
        ev.emit(3)
        assert calls == [(1,)]
    assert calls == [(1,), (3,)]
    ev.disconnect(cb)
    ev.emit(4)
    assert calls == [(1,), (3,)]


def test_run_matches_engine_states():
    state = AppState(SQUARE, Params(k=2, seed=3))
    state.run_to_end()
    expected = list(kmeans_steps(SQUARE, 2, random_state=3, observe_init=True))
    assert state.n_states == len(expected)
    for got, want in zip(state.history, expected):
        assert got.phase == want.phase
        np.testing.assert_array_equal(got.centers, want.centers)
    final = state.current
    assert final.is_final and final.converged
    assert sorted(map(tuple, final.centers)) == [(0, 0.5), (10, 0.5)]
    assert final.inertia == pytest.approx(1.0)


def test_steps_go_init_then_assign_update_in_order_and_back_restores():
    X = np.random.default_rng(0).normal(size=(200, 2))
    state = AppState(X, Params(k=3, init="k-means++", seed=1))
    phases = [state.current.phase]
    snapshots = [state.current]
    while state.step():
        phases.append(state.current.phase)
        snapshots.append(state.current)
    assert phases[:3] == ["init"] * 3  # one state per k-means++ seed
    lloyd = phases[3:]
    assert lloyd[0::2] == ["assign"] * len(lloyd[0::2])
    assert lloyd[1::2] == ["update"] * len(lloyd[1::2])
    for i in range(len(snapshots) - 1, -1, -1):
        assert state.current is snapshots[i]
        state.back()
    assert state.cursor == 0 and not state.back()


def test_step_label_says_what_comes_next():
    state = AppState(SQUARE, Params(k=2, init="random"))
    assert step_label(state.peek_next(), 2) == "Assign points"
    state.step()
    assert step_label(state.peek_next(), 2) == "Move centroids"
    state.run_to_end()
    assert step_label(state.peek_next(), 2) == "Done"


def test_edit_restarts_run_and_undo_redo_restore_exact_sets():
    state = AppState(SQUARE, Params(k=2))
    state.run_to_end()
    seen = recorder(state)
    v0 = state.data_version
    state.add_points([[5, 5]])
    assert state.cursor == 0 and state.current.phase == "init"
    assert state.data_version == v0 + 1 and state.points_change == "edit"
    assert "points" in seen and "run" in seen
    after_add = state.points.copy()
    assert state.remove_nearest(9.8, 0.1) == 2
    after_remove = state.points.copy()
    assert after_remove.shape == (4, 2) and [10, 0] not in after_remove.tolist()
    state.clear()
    assert state.n_points == 0 and state.error.startswith("No points yet")
    assert state.undo()
    np.testing.assert_array_equal(state.points, after_remove)
    assert state.undo()
    np.testing.assert_array_equal(state.points, after_add)
    assert state.undo()
    np.testing.assert_array_equal(state.points, SQUARE)
    assert not state.undo()
    assert state.redo() and state.redo()
    np.testing.assert_array_equal(state.points, after_remove)
    state.add_points([[1, 1]])  # a new edit drops the redo branch
    assert not state.can_redo


def test_points_are_read_only():
    state = AppState(SQUARE)
    with pytest.raises(ValueError):
        state.points[0, 0] = 5


def test_params_validation_and_restart():
    state = AppState(SQUARE, Params(k=2))
    seen = recorder(state)
    state.set_params(k=3)
    assert seen == ["params", "run"]  # params first, so views know k when the new run arrives
    assert state.params.k == 3
    with pytest.raises(ValueError, match="k=0"):
        state.set_params(k=0)
    with pytest.raises(ValueError, match="init"):
        state.set_params(init="psychic")
    with pytest.raises(TypeError):
        state.set_params(colour="red")
    assert state.params.k == 3


def test_too_few_points_and_duplicates_give_messages_not_crashes():
    state = AppState(SQUARE[:2], Params(k=3))
    assert state.current is None
    assert "only 2 points" in state.error and "lower k" in state.error
    assert not state.step()
    assert status_text(state) == state.error
    dup = np.array([[1.0, 1.0]] * 5 + [[2.0, 2.0]] * 5)
    state.set_points(dup)
    state.set_params(k=3)
    assert state.error is None
    assert state.warning.startswith("only 2 distinct points for k = 3")
    state.run_to_end()
    assert state.current.is_final


def test_manual_init_waits_for_k_clicks_then_runs():
    state = AppState(SQUARE, Params(k=2, init="manual"))
    assert state.current is None and "place centroid 1 of 2" in state.error.lower()
    assert state.add_manual_center(1, 1)
    assert "2 of 2" in state.error
    assert state.add_manual_center(9, 0)
    assert not state.add_manual_center(5, 5)  # all placed
    assert state.error is None
    np.testing.assert_array_equal(state.current.centers, [[1, 1], [9, 0]])
    state.move_manual_center(0, 0, 0)
    np.testing.assert_array_equal(state.current.centers, [[0, 0], [9, 0]])
    state.set_params(k=1)
    assert state.manual_centers.shape == (1, 2)


def test_reset_and_new_seed():
    X = np.random.default_rng(0).normal(size=(300, 2))
    state = AppState(X, Params(k=5, init="random", seed=0))
    first = state.current.centers.copy()
    state.run_to_end()
    state.reset()
    np.testing.assert_array_equal(state.current.centers, first)
    state.new_seed()
    assert state.params.seed == 1
    assert not np.array_equal(state.current.centers, first)


def test_lazy_history_extends_on_demand():
    X = np.random.default_rng(1).normal(size=(500, 2))
    state = AppState(X, Params(k=8, seed=0), eager_budget_s=0.0)
    assert state.n_states == 2 and not state.complete  # the first state and the next
    state.step()
    assert state.n_states == 3
    state.run_to_end()
    assert state.complete and state.current.is_final


def test_reading_the_state_never_computes_or_emits():
    # Regression: peek_next() used to extend a lazy run and emit ``history`` from inside a redraw.
    X = np.random.default_rng(1).normal(size=(500, 2))
    state = AppState(X, Params(k=8, seed=0), eager_budget_s=0.0)
    for _ in range(3):
        state.step()
    seen = recorder(state)
    n = state.n_states
    nxt = state.peek_next()
    assert nxt is state.history[state.cursor + 1]
    assert not state.at_end
    status_text(state), state.trail(), state.inertia_series(), state.history, state.current
    assert seen == [] and state.n_states == n
    state.run_to_end()
    seen.clear()
    assert state.peek_next() is None and state.at_end and seen == []


def test_trail_and_inertia_series():
    X = np.random.default_rng(2).normal(size=(300, 2))
    state = AppState(X, Params(k=3, seed=0))
    state.run_to_end()
    trail = state.trail()
    n_updates = sum(s.phase == "update" for s in state.history)
    assert trail.shape == (n_updates + 1, 3, 2)
    x, y, idx = state.inertia_series()
    assert np.all(np.diff(x) > 0)
    assert np.all(np.diff(y) <= 1e-9 * y[0])  # inertia never goes up
    assert idx[-1] == state.n_states - 1


def test_session_round_trip_through_json():
    X = np.random.default_rng(3).normal(size=(100, 2))
    state = AppState(X, Params(k=4, seed=7, init="farthest"))
    state.go_to(6)
    data = json.loads(json.dumps(state.to_dict()))
    assert set(data) == {"params", "cursor", "dataset", "feature_names", "source", "label_names",
                         "view_columns"}  # arrays apart
    other = AppState.from_dict(data, state.arrays())
    np.testing.assert_array_equal(other.points, state.points)
    assert other.params == state.params and other.cursor == 6
    np.testing.assert_array_equal(other.current.centers, state.current.centers)
    lists = {**data, **{k: v.tolist() for k, v in state.arrays().items()}}  # small sessions: all in JSON
    assert AppState.from_dict(json.loads(json.dumps(lists))).cursor == 6


@pytest.mark.parametrize("change, words", [
    ({"points": [[0, 0], [1, float("nan")]]}, "points: Points must be finite"),
    ({"points": [1, 2, 3]}, "points: Points must be an array of shape (n, d) with d >= 1"),
    ({"params": {"k": 0}}, "missing parameter(s)"),
    ({"params": None}, "missing 'params'"),
    ({"cursor": -1}, "cursor=-1"),
    ({"colour": "red"}, "unknown setting 'colour'"),
    ({"dataset": "blobs"}, "dataset must be null or a mapping"),
])
def test_a_bad_session_names_the_problem_and_changes_nothing(change, words):
    state = AppState(SQUARE, Params(k=2, seed=1))
    state.go_to(2)
    good = {**AppState(np.arange(20.0).reshape(10, 2), Params(k=3)).to_dict(), "points": SQUARE.tolist()}
    seen = recorder(state)
    before = (state.points, state.params, state.cursor, state.current)
    with pytest.raises(ValueError) as info:
        state.load_dict({**good, **change})
    assert words in str(info.value)
    assert (state.points, state.params, state.cursor, state.current) == before and seen == []


def test_a_bad_params_value_is_named():
    state = AppState(SQUARE, Params(k=2))
    data = {**state.to_dict(), "params": {**state.to_dict()["params"], "k": 99}}
    with pytest.raises(ValueError, match="k=99 must be a whole number from 1 to 50"):
        state.load_dict(data, state.arrays())
    with pytest.raises(ValueError, match="missing 'points'"):
        state.load_dict(state.to_dict())


def test_load_dataset_is_undoable():
    state = AppState()
    state.load_dataset("blobs", n=100, centers=3, seed=0)
    assert state.n_points == 100 and state.points_change == "replace"
    assert state.dataset == {"name": "blobs", "n": 100, "centers": 3, "seed": 0}
    state.undo()
    assert state.n_points == 0


def test_final_sentence():
    state = AppState(SQUARE, Params(k=2, init="random", seed=0))
    state.run_to_end()
    s = state.current
    assert final_sentence(s) == f"Converged after {s.iteration} iteration{'s' * (s.iteration != 1)}: no point changed cluster"
    assert final_sentence(s) in status_text(state)


@pytest.mark.parametrize("bad", [np.zeros(4), np.zeros((2, 2, 2)), [[[1.0, 2.0, 3.0]]]])
def test_points_of_the_wrong_shape_are_refused_not_reshaped(bad):
    state = AppState(SQUARE)
    with pytest.raises(ValueError, match=r"shape \(n, d\) with d >= 1"):
        state.set_points(bad)
    with pytest.raises(ValueError, match=r"shape \(n, d\) with d >= 1"):
        AppState(bad)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):  # points drawn by hand are on the plane
        state.add_points([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(state.points, SQUARE)
    state.set_points(np.empty((0, 2)))  # empty is fine
    assert state.n_points == 0


def test_load_dataset_with_k_restarts_the_run_once():
    state = AppState(SQUARE, Params(k=2))
    seen = recorder(state)
    state.load_dataset("blobs", k=5, n=100, centers=5, seed=0)
    assert seen.count("run") == 1
    assert seen.index("points") < seen.index("params") < seen.index("run")
    assert state.params.k == 5 and state.n_points == 100 and state.current is not None
    state.load_dataset("blobs", k=7, n=3, centers=7, seed=0)  # fewer points than k: k stays
    assert state.params.k == 5


def _placed_run(policy):
    state = AppState(SQUARE, Params(k=3, init="manual", empty_policy=policy))
    for x, y in ((0, 0.5), (10, 0.5), (100, 100)):  # nobody is nearest to the third centre
        state.add_manual_center(x, y)
    state.run_to_end()
    return state


def test_an_empty_kept_cluster_is_not_blamed_on_duplicate_points():
    state = _placed_run("keep")
    assert state.current.is_final
    assert "distinct" not in state.warning  # all 4 points are distinct and k = 3
    assert state.warning.startswith("1 cluster ended empty") and "kept in place" in state.warning
    dup = AppState(np.array([[1.0, 1.0]] * 5 + [[2.0, 2.0]] * 5), Params(k=3, empty_policy="keep"))
    dup.run_to_end()
    assert dup.warning.startswith("only 2 distinct points for k = 3")


def test_session_load_emits_points_before_params_and_run():
    state = AppState(SQUARE, Params(k=2))
    other = AppState(np.arange(20.0).reshape(10, 2), Params(k=3))
    seen = recorder(state)
    state.load_dict(other.to_dict(), other.arrays())
    order = [name for name in seen if name in ("points", "params", "manual", "run")]
    assert order == ["points", "params", "manual", "run"]


# ---------------------------------------------------------------------- issue 8: bad input, sessions, manual
def test_numpy_integer_k_is_normalised_so_warnings_and_json_work():
    state = AppState(SQUARE, Params(k=np.int64(3), init="manual", empty_policy="keep", seed=np.int32(2),
                                    max_iter=np.int16(50), tol=np.float32(1e-3)))
    assert type(state.params.k) is int and type(state.params.seed) is int and type(state.params.tol) is float
    for x, y in ((0, 0.5), (10, 0.5), (100, 100)):  # the third cluster ends empty
        state.add_manual_center(x, y)
    state.run_to_end()
    assert state.warning.startswith("1 cluster ended empty")
    assert "ended empty" in status_text(state)
    data = json.loads(json.dumps(state.to_dict()))
    assert data["params"]["k"] == 3
    state.set_params(k=np.int64(2))
    assert type(state.params.k) is int


@pytest.mark.parametrize("x, y", [(np.nan, np.nan), (np.inf, 0.0), (0.0, -np.inf)])
def test_remove_nearest_refuses_non_finite_coordinates(x, y):
    state = AppState(SQUARE, Params(k=2))
    with pytest.raises(ValueError, match="finite"):
        state.remove_nearest(x, y)
    np.testing.assert_array_equal(state.points, SQUARE)


@pytest.mark.parametrize("indices", [[-1], [4], [0, 7], [1.5]])
def test_remove_points_refuses_negative_out_of_range_and_fractional_indices(indices):
    state = AppState(SQUARE, Params(k=2))
    with pytest.raises((ValueError, TypeError), match="ind"):
        state.remove_points(indices)
    np.testing.assert_array_equal(state.points, SQUARE)
    assert not state.can_undo


def _session_state():
    state = AppState(SQUARE, Params(k=2, seed=5))
    state.go_to(2)
    return state


@pytest.mark.parametrize("change, match", [
    (lambda d: d.update(cursor="three"), "cursor"),
    (lambda d: d.update(cursor=-1), "cursor"),
    (lambda d: d.update(cursor=True), "cursor"),
    (lambda d: d.pop("points"), "points"),
    (lambda d: d.pop("params"), "params"),
    (lambda d: d.update(params=[2]), "params"),
    (lambda d: d.update(params={"k": 2, "colour": "red"}), "colour"),
    (lambda d: d["params"].update(k=0), "k=0"),
    (lambda d: d.update(manual_centers=[[1, 2, 3]]), "manual_centers"),
    (lambda d: d.update(dataset="blobs"), "dataset"),
])
def test_a_bad_session_changes_nothing_and_names_the_key(change, match):
    state = _session_state()
    model = AppState(np.arange(20.0).reshape(10, 2), Params(k=3, seed=1))
    other = {**model.to_dict(), **{key: a.tolist() for key, a in model.arrays().items()}}
    change(other)
    seen = recorder(state)
    before = (state.points, state.params, state.cursor, state.current, state.can_undo)
    with pytest.raises(ValueError, match=match):
        state.load_dict(other)
    assert (state.points, state.params, state.cursor, state.current, state.can_undo) == before
    assert seen == []


@pytest.mark.parametrize("data", [None, [], "session", 3])
def test_a_session_that_is_not_a_dict_is_a_value_error(data):
    state = _session_state()
    with pytest.raises(ValueError, match="dict"):
        state.load_dict(data)


def test_new_data_clears_placed_centroids_undoably():
    state = AppState(SQUARE, Params(k=2, init="manual"))
    state.add_manual_center(0, 0)
    state.add_manual_center(10, 1)
    placed = state.manual_centers.copy()
    seen = recorder(state)
    state.load_dataset("blobs", n=50, centers=2, seed=0)
    assert state.manual_centers.shape == (0, 2) and "manual" in seen
    assert state.current is None and "place centroid 1 of 2" in state.error.lower()
    assert state.undo()
    np.testing.assert_array_equal(state.points, SQUARE)
    np.testing.assert_array_equal(state.manual_centers, placed)
    assert state.current is not None  # the placed run is back
    assert state.redo()
    assert state.manual_centers.shape == (0, 2) and state.n_points == 50


def test_new_seed_under_manual_init_says_it_has_nothing_to_draw():
    state = AppState(SQUARE, Params(k=2, init="manual", seed=4))
    state.add_manual_center(0, 0)
    state.add_manual_center(10, 1)
    run = state.current
    said = state.new_seed()
    assert state.params.seed == 4 and state.current is run
    assert "nothing to draw" in said
    assert AppState(SQUARE, Params(k=2, seed=4)).new_seed() is None


# ---------------------------------------------------------------------- issue 8: the last state after a tol stop
def _tol_stop_state():
    X = np.random.default_rng(5).normal(size=(400, 2))
    state = AppState(X, Params(k=5, seed=0, tol=0.5))
    state.run_to_end()
    assert state.current.stop_reason == "centres moved less than tol"
    return state


def test_after_a_tol_stop_the_last_state_is_numbered_after_the_last_update():
    state = _tol_stop_state()
    last, before = state.history[-1], state.history[-2]
    assert before.phase == "update"
    x, _, idx = state.inertia_series()
    assert idx[-1] == state.n_states - 1
    assert x[-1] == x[-2]  # the final assignment closes the last iteration, beside its move
    assert chart_position(last) == x[-1]
    text = status_text(state)
    assert f"Iteration {before.iteration} ·" not in text.split("—")[0]
    assert "Final assignment" in text and "Converged" in text


def test_step_label_is_done_at_every_final_state():
    state = _tol_stop_state()
    assert step_label(state.peek_next(), state.params.k) == "Done"


def test_undoing_a_dataset_that_set_k_brings_back_k_and_the_placed_centroids():
    state = AppState(SQUARE, Params(k=2, init="manual"))
    state.add_manual_center(0, 0)
    state.add_manual_center(10, 1)
    state.load_dataset("blobs", k=4, n=50, centers=4, seed=0)
    assert state.params.k == 4 and state.manual_centers.shape == (0, 2)
    state.undo()
    assert state.params.k == 2 and state.manual_centers.shape == (2, 2) and state.current is not None
    state.redo()
    assert state.params.k == 4 and state.manual_centers.shape == (0, 2) and state.n_points == 50
    state.undo()
    state.move_manual_center(0, 1, 1)
    state.add_points([[5, 5]])
    state.undo()  # a point edit leaves the moved centroid alone
    np.testing.assert_array_equal(state.manual_centers[0], [1, 1])


# ---------------------------------------------------------------------- issue 8: memory of big seedings
@pytest.mark.parametrize("init", ["k-means++", "farthest"])
def test_a_big_seeding_keeps_few_distance_arrays_and_recomputes_the_rest(monkeypatch, init):
    import kmeans_gui.state.step_job as state_module

    X = np.random.default_rng(6).normal(size=(3000, 2))
    k = 12
    budget = 3 * X.shape[0] * 4  # room for three float32 arrays
    monkeypatch.setattr(state_module, "SEED_DISTANCE_BUDGET", budget)
    state = AppState(X, Params(k=k, init=init, seed=2))
    state.run_to_end()
    seeds = [s for s in state.history if s.seed is not None and s.n_seeds > 1]
    assert len(seeds) == k - 1
    held = sum(s.seed.sq_dist.nbytes for s in seeds if s.seed.sq_dist is not None)
    assert 0 < held <= budget
    engine = [s for s in kmeans_steps(X, k, init=init, random_state=2, observe_init=True)
              if s.seed is not None and s.n_seeds > 1]
    # Every seed's D^2 is there when shown, in any order (back, forward, jumps).
    for i in [3, 4, 10, 0, 7, 8, 1, 10, 2]:
        got = state.seed_distances(seeds[i])
        np.testing.assert_allclose(got, engine[i].seed.sq_dist, rtol=1e-6, atol=1e-12)
    state.go_to(5)
    p = state.seed_probabilities()
    assert p.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p, engine[4].seed.probabilities, rtol=1e-5)


def test_a_small_seeding_keeps_every_distance_array():
    state = AppState(np.random.default_rng(6).normal(size=(300, 2)), Params(k=6, seed=0))
    seeds = [s for s in state.history if s.seed is not None and s.n_seeds > 1]
    assert len(seeds) == 5 and all(s.seed.sq_dist is not None for s in seeds)


# ---------------------------------------------------------------------- issue 8: the run on a worker
def test_a_detached_run_is_computed_by_its_job_and_collected_in_order():
    import threading

    X = np.random.default_rng(7).normal(size=(2000, 2))
    state = AppState(X, Params(k=6, seed=1), eager_budget_s=0.0)
    assert not state.complete and state.n_states == 2  # the first state and the one after it
    job = state.detach()
    assert state.computing and state.detach() is job
    state.step()  # computes nothing itself while the job owns the run
    assert state.n_states == 2 and state.cursor == 1
    seen = recorder(state)
    worker = threading.Thread(target=job.run)
    worker.start()
    worker.join()
    assert state.collect() and "history" in seen
    assert state.complete and not state.computing and state.current.phase == "init"
    expected = list(kmeans_steps(X, 6, random_state=1, observe_init=True))
    assert [s.phase for s in state.history] == [s.phase for s in expected]
    np.testing.assert_array_equal(state.history[-1].labels, expected[-1].labels)
    assert state.detach() is None  # nothing left to compute


def test_a_stopped_job_gives_the_run_back_and_stepping_goes_on():
    X = np.random.default_rng(7).normal(size=(2000, 2))
    state = AppState(X, Params(k=6, seed=1), eager_budget_s=0.0)
    job = state.detach()
    made = job.run(should_stop=lambda: len(job.states) >= 4)
    assert made == 4
    state.collect()
    assert state.n_states == 6 and not state.computing and not state.complete
    state.run_to_end()
    expected = list(kmeans_steps(X, 6, random_state=1, observe_init=True))
    assert state.n_states == len(expected) and state.current.is_final


def test_a_job_of_an_old_run_is_dropped():
    X = np.random.default_rng(7).normal(size=(2000, 2))
    state = AppState(X, Params(k=6, seed=1), eager_budget_s=0.0)
    job = state.detach()
    state.set_params(k=3)
    assert job.stop.is_set()
    job.run()
    assert job.states == []
    state.collect()
    assert state.params.k == 3 and all(s.centers.shape[0] <= 3 for s in state.history)


def test_a_job_reports_clusters_that_ended_empty():
    state = AppState(SQUARE, Params(k=3, init="manual", empty_policy="keep"), eager_budget_s=0.0)
    for x, y in ((0, 0.5), (10, 0.5), (100, 100)):
        state.add_manual_center(x, y)
    job = state.detach()
    with pytest.warns(FewDistinctPointsWarning):  # on the worker it is not caught: read off the labels
        job.run()
    assert state.warning is None
    state.collect()
    assert state.complete and state.warning.startswith("1 cluster ended empty")


def test_run_to_end_while_a_job_works_stops_it_and_finishes_here():
    import threading
    import time

    X = np.random.default_rng(7).normal(size=(2000, 2))
    state = AppState(X, Params(k=6, seed=1, tol=0.0), eager_budget_s=0.0)
    job = state.detach()
    steps = job.steps

    def slow():
        for s in steps:
            time.sleep(0.02)
            yield s
    job.steps = slow()
    worker = threading.Thread(target=job.run)
    worker.start()
    state.run_to_end()
    worker.join()
    assert state.complete and state.current.is_final and not state.computing
    expected = list(kmeans_steps(X, 6, random_state=1, tol=0.0, observe_init=True))
    assert state.n_states == len(expected)
