"""The step generator: exact answers on hand-computed data, convergence rules, immutability."""

import numpy as np
import pytest

from kmeans_gui.engine import (
    STOP_MAX_ITER,
    STOP_NO_CHANGE,
    STOP_TOL,
    FewDistinctPointsWarning,
    kmeans_steps,
    run_to_end,
)

# Six points on a line, two clusters, centres started on the first two points.
LINE = np.array([[0.0, 0], [1, 0], [2, 0], [5, 0], [10, 0], [11, 0]])
LINE_INIT = np.array([[0.0, 0], [1, 0]])


def test_hand_computed_run_every_half_step(assigner):
    states = list(kmeans_steps(LINE, 2, init=LINE_INIT, tol=0))
    assert [(s.phase, s.iteration) for s in states] == [
        ("init", 0), ("assign", 1), ("update", 1), ("assign", 2), ("update", 2), ("assign", 3)
    ]
    init, a1, u1, a2, u2, a3 = states
    assert init.labels is None and init.inertia is None
    np.testing.assert_array_equal(init.centers, LINE_INIT)

    # Assign 1: only x=0 is nearer to 0 than to 1.
    np.testing.assert_array_equal(a1.labels, [0, 1, 1, 1, 1, 1])
    assert a1.n_changed == 6
    assert a1.inertia == pytest.approx(0 + 0 + 1 + 16 + 81 + 100)
    # Update 1: centre 1 moves to (1+2+5+10+11)/5 = 5.8.
    np.testing.assert_allclose(u1.centers, [[0, 0], [5.8, 0]])
    np.testing.assert_allclose(u1.center_shift, [0, 4.8])
    assert u1.inertia == pytest.approx(4.8**2 + 3.8**2 + 0.8**2 + 4.2**2 + 5.2**2)
    # Assign 2: the boundary is 2.9, so 1 and 2 change cluster.
    np.testing.assert_array_equal(a2.labels, [0, 0, 0, 1, 1, 1])
    assert a2.n_changed == 2
    assert a2.inertia == pytest.approx(5 + 0.8**2 + 4.2**2 + 5.2**2)
    # Update 2: means 1 and 26/3.
    np.testing.assert_allclose(u2.centers, [[1, 0], [26 / 3, 0]])
    assert u2.inertia == pytest.approx(2 + 186 / 9)
    # Assign 3: nothing changes, so it has converged.
    assert a3.n_changed == 0 and a3.converged and a3.stop_reason == STOP_NO_CHANGE and a3.is_final
    np.testing.assert_array_equal(a3.labels, [0, 0, 0, 1, 1, 1])
    assert a3.inertia == pytest.approx(204 / 9)
    assert all(not s.is_final for s in states[:-1])


def test_tol_convergence_ends_with_an_assignment_to_the_final_centres(assigner):
    # One round blob split five ways: the centres creep for a long time, so tol stops it first.
    X = np.random.default_rng(0).normal(0, 1, (2000, 2))
    states = list(kmeans_steps(X, 5, init=X[:5], tol=1e-2))
    last = states[-1]
    assert last.stop_reason == STOP_TOL and last.converged and last.phase == "assign"
    assert states[-2].phase == "update"
    assert float(np.sum(states[-2].center_shift ** 2)) <= 1e-2 * np.var(X, axis=0).mean()
    assert last.n_changed > 0  # the final assignment still moved points: labels now match centres
    np.testing.assert_array_equal(last.centers, states[-2].centers)
    d = ((X[:, None, :] - last.centers[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(last.labels, d.argmin(1))


def test_max_iter_reached_is_not_converged(assigner):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 2))
    last = run_to_end(kmeans_steps(X, 5, init="random", random_state=0, max_iter=2, tol=0))
    assert last.stop_reason == STOP_MAX_ITER and not last.converged
    assert last.iteration == 2


def test_yielded_arrays_are_read_only_and_never_change(assigner):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(3000, 2))
    states = []
    copies = []
    for s in kmeans_steps(X, 6, random_state=3, observe_init=True):
        states.append(s)
        copies.append((s.centers.copy(), None if s.labels is None else s.labels.copy()))
    for s, (centers, labels) in zip(states, copies):
        np.testing.assert_array_equal(s.centers, centers)
        assert not s.centers.flags.writeable
        if labels is not None:
            np.testing.assert_array_equal(s.labels, labels)
            assert not s.labels.flags.writeable
            with pytest.raises(ValueError):
                s.labels[0] = 1


@pytest.mark.parametrize("method", ["k-means++", "farthest"])
def test_observed_seeding_yields_one_state_per_seed(method, assigner):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(400, 2))
    states = list(kmeans_steps(X, 5, init=method, random_state=7, observe_init=True))
    inits = [s for s in states if s.phase == "init"]
    assert [s.n_seeds for s in inits] == [1, 2, 3, 4, 5]
    assert inits[0].seed.probabilities is None  # the first seed is drawn by weight alone
    for s in inits[1:]:
        p = s.seed.probabilities
        assert p.shape == (400,) and p.sum() == pytest.approx(1.0)
        assert p[s.seed.index] > 0  # never a point already chosen
        np.testing.assert_array_equal(s.centers[-1], X[s.seed.index])
        # D^2 is the squared distance to the nearest of the seeds chosen before.
        prev = s.centers[:-1]
        d2 = ((X[:, None] - prev[None]) ** 2).sum(-1).min(1)
        np.testing.assert_allclose(s.seed.sq_dist, d2, atol=1e-9)
        if method == "farthest":
            assert s.seed.index == int(np.argmax(d2))
        else:
            assert s.seed.index in s.seed.candidates
    # Lloyd starts from exactly the seeds shown.
    first_assign = next(s for s in states if s.phase == "assign")
    np.testing.assert_array_equal(first_assign.centers, inits[-1].centers)


def test_same_seed_same_run(assigner):
    X = np.random.default_rng(5).normal(size=(1000, 3))
    a = run_to_end(kmeans_steps(X, 4, random_state=11))
    b = run_to_end(kmeans_steps(X, 4, random_state=11))
    np.testing.assert_array_equal(a.centers, b.centers)
    np.testing.assert_array_equal(a.labels, b.labels)


def test_empty_cluster_keep_policy_leaves_centre_and_never_nan(assigner):
    X = np.array([[0.0, 0], [0, 1], [1, 0], [1, 1]])
    far = np.array([[0.5, 0.5], [100.0, 100.0]])
    states = list(kmeans_steps(X, 2, init=far, empty_policy="keep"))
    update = next(s for s in states if s.phase == "update")
    assert update.empty_clusters == (1,)
    np.testing.assert_array_equal(update.centers[1], [100, 100])
    assert all(np.isfinite(s.centers).all() for s in states)


def test_empty_cluster_farthest_policy_takes_the_farthest_point(assigner):
    X = np.array([[0.0, 0], [0, 1], [1, 0], [1, 1], [4, 4]])
    far = np.array([[0.5, 0.5], [100.0, 100.0]])
    states = list(kmeans_steps(X, 2, init=far, empty_policy="farthest", tol=0))
    update = next(s for s in states if s.phase == "update")
    assert update.empty_clusters == (1,)
    np.testing.assert_array_equal(update.centers[1], [4, 4])
    np.testing.assert_allclose(update.centers[0], [0.5, 0.5])  # the mean without the moved point
    last = states[-1]
    np.testing.assert_array_equal(last.labels, [0, 0, 0, 0, 1])


def test_fewer_distinct_points_than_k_warns_and_still_returns_a_valid_result(assigner):
    X = np.array([[0.0, 0]] * 5 + [[1.0, 1]] * 5)
    with pytest.warns(FewDistinctPointsWarning, match="distinct"):
        last = run_to_end(kmeans_steps(X, 3, init="k-means++", random_state=0))
    assert np.isfinite(last.centers).all()
    assert last.inertia == pytest.approx(0.0)


def test_float32_keeps_dtype_and_matches_float64_closely_on_many_rows(assigner):
    rng = np.random.default_rng(6)
    centres = rng.uniform(-50, 50, size=(8, 3))
    X64 = centres[rng.integers(0, 8, 1_000_000)] + rng.normal(0, 3, size=(1_000_000, 3)) + 1000.0
    X32 = X64.astype(np.float32)
    init = X32[:8].astype(np.float64)
    a = run_to_end(kmeans_steps(X32, 8, init=init, max_iter=20))
    b = run_to_end(kmeans_steps(X32.astype(np.float64), 8, init=init, max_iter=20))
    assert a.centers.dtype == np.float32 and b.centers.dtype == np.float64
    np.testing.assert_allclose(a.centers, b.centers, rtol=1e-5)
    assert a.inertia == pytest.approx(b.inertia, rel=1e-5)
