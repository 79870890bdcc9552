"""The app state without Qt: editing, undo, stepping, rewinding, sessions, messages."""

import json

import numpy as np
import pytest

from kmeans_gui.engine import kmeans_steps
from kmeans_gui.state import AppState, Event, Params, final_sentence, status_text, step_label

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
    # Arrays come out as read-only ndarrays (state.session stores them as .npy); lists load too.
    data = json.loads(json.dumps(state.to_dict(), default=lambda a: a.tolist()))
    other = AppState.from_dict(data)
    np.testing.assert_array_equal(other.points, state.points)
    assert other.params == state.params and other.cursor == 6
    np.testing.assert_array_equal(other.current.centers, state.current.centers)


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


@pytest.mark.parametrize("bad", [np.zeros((3, 3)), np.zeros(4), np.zeros((2, 2, 2)), [[1.0, 2.0, 3.0]]])
def test_points_of_the_wrong_shape_are_refused_not_reshaped(bad):
    state = AppState(SQUARE)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        state.set_points(bad)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        AppState(bad)
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
    data = AppState(np.arange(20.0).reshape(10, 2), Params(k=3)).to_dict()
    seen = recorder(state)
    state.load_dict(data)
    order = [name for name in seen if name in ("points", "params", "manual", "run")]
    assert order == ["points", "params", "manual", "run"]
