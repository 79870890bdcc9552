"""Soft k-means: hand-computed responsibilities, the hard limit, beta 0, extreme distances."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import make_blobs

from kmeans_gui.engine import kmeans_steps, soft_kmeans_steps
from kmeans_gui.engine.protocol import StepState
from kmeans_gui.engine.soft import STOP_MAX_ITER, STOP_TOL


def _soft_objective(X, w, centers, resp, beta):
    d = ((X[:, None, :] - centers[None]) ** 2).sum(-1)
    k = centers.shape[0]
    value = (w[:, None] * resp * d).sum()
    if beta > 0:
        with np.errstate(divide="ignore", invalid="ignore"):
            kl = np.where(resp > 0, resp * np.log(k * resp), 0.0)
        value += (w[:, None] * kl).sum() / beta
    return value


def test_first_half_steps_by_hand():
    X = np.array([[0.0], [1.0], [3.0], [4.0]])
    init = np.array([[0.0], [4.0]])
    states = list(soft_kmeans_steps(X, 2, beta=0.5, init=init, max_iter=1))
    assert [(s.phase, s.iteration) for s in states] == [("init", 0), ("assign", 1), ("update", 1), ("assign", 1)]
    init_state, assign, update, final = states
    assert init_state.responsibilities is None and init_state.objective is None
    # r_0 = 1 / (1 + exp(-beta (d_1 - d_0))) with squared distances d = (x - c)^2
    d0, d1 = np.array([0.0, 1.0, 9.0, 16.0]), np.array([16.0, 9.0, 1.0, 0.0])
    r0 = 1.0 / (1.0 + np.exp(-0.5 * (d1 - d0)))
    np.testing.assert_allclose(assign.responsibilities[:, 0], r0, rtol=1e-12)
    np.testing.assert_allclose(assign.responsibilities.sum(axis=1), 1.0, rtol=1e-15)
    assert assign.labels.tolist() == [0, 0, 1, 1]
    expected_c0 = (r0 @ X[:, 0]) / r0.sum()
    expected_c1 = ((1 - r0) @ X[:, 0]) / (1 - r0).sum()
    np.testing.assert_allclose(update.centers[:, 0], [expected_c0, expected_c1], rtol=1e-12)
    assert update.responsibilities is assign.responsibilities
    w = np.ones(4)
    assert assign.objective == pytest.approx(_soft_objective(X, w, init, assign.responsibilities, 0.5), rel=1e-12)
    assert update.objective == pytest.approx(
        _soft_objective(X, w, update.centers, assign.responsibilities, 0.5), rel=1e-12
    )
    assert final.stop_reason == STOP_MAX_ITER and not final.converged and final.is_final


def test_huge_beta_is_lloyd_step_for_step():
    X, _ = make_blobs(2000, centers=5, random_state=0)
    soft = list(soft_kmeans_steps(X, 5, beta=1e12, tol=0, random_state=3))
    hard = list(kmeans_steps(X, 5, tol=0, random_state=3, empty_policy="keep"))
    assert len(hard) > 6
    for s, h in zip(soft, hard):
        assert (s.phase, s.iteration) == (h.phase, h.iteration)
        np.testing.assert_allclose(s.centers, h.centers, rtol=1e-12, atol=1e-12)
        if h.labels is not None:
            np.testing.assert_array_equal(s.labels, h.labels)
            np.testing.assert_array_equal(s.responsibilities, np.eye(5)[h.labels])
            assert s.objective == pytest.approx(h.inertia, rel=1e-10)
    # Lloyd stops at the assignment that changes nothing; soft k-means at the update that
    # then moves nothing, and assigns once more.
    assert soft[-1].stop_reason == STOP_TOL and soft[-1].converged
    np.testing.assert_array_equal(soft[-1].labels, hard[-1].labels)


def test_beta_zero_gives_uniform_responsibilities_and_the_mean():
    X, _ = make_blobs(300, centers=3, random_state=1)
    w = np.random.default_rng(0).uniform(0.5, 2.0, size=300)
    states = list(soft_kmeans_steps(X, 3, beta=0, sample_weight=w, random_state=0))
    assign, update = states[1], states[2]
    np.testing.assert_array_equal(assign.responsibilities, np.full((300, 3), 1 / 3))
    np.testing.assert_allclose(update.centers, np.tile(np.average(X, axis=0, weights=w), (3, 1)), rtol=1e-12)
    assert states[-1].converged and states[-1].iteration == 2
    assert not np.isnan(states[-1].objective)


@pytest.mark.parametrize("beta", [0.0, 1.0, 1e12])
def test_distances_of_1e300_give_no_nan(beta):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1e150, 0.0], [1e150, 1.0]])
    states = list(soft_kmeans_steps(X, 2, beta=beta, init=X[[0, 2]]))
    for s in states[1:]:
        assert np.isfinite(s.responsibilities).all() and np.isfinite(s.centers).all()
        np.testing.assert_allclose(s.responsibilities.sum(axis=1), 1.0, rtol=1e-15)
        assert np.isfinite(s.objective)
    if beta > 0:
        np.testing.assert_array_equal(states[-1].responsibilities, [[1, 0], [1, 0], [0, 1], [0, 1]])
        np.testing.assert_array_equal(states[-1].centers, [[0.0, 0.5], [1e150, 0.5]])
        # Within-cluster spread is 1 in total, plus log 2 per point of divergence over beta.
        assert states[-1].objective == pytest.approx(1.0 + 4 * np.log(2) / beta, rel=1e-12)
    else:
        np.testing.assert_array_equal(states[1].responsibilities, np.full((4, 2), 0.5))


def test_more_clusters_than_distinct_points():
    X = np.repeat([[0.0, 0.0], [5.0, 5.0]], 10, axis=0)
    final = list(soft_kmeans_steps(X, 4, beta=1.0, random_state=0))[-1]
    assert np.isfinite(final.responsibilities).all() and np.isfinite(final.centers).all()
    np.testing.assert_allclose(final.responsibilities.sum(axis=1), 1.0, rtol=1e-15)


def test_states_follow_the_shared_protocol():
    X = np.random.default_rng(0).normal(size=(50, 2)).astype(np.float32)
    states = list(soft_kmeans_steps(X, 3, beta=2.0, random_state=0))
    for s in states:
        assert isinstance(s, StepState) and s.algorithm == "soft"
        assert s.centers.dtype == np.float32 and not s.centers.flags.writeable
        if s.responsibilities is not None:
            assert not s.responsibilities.flags.writeable and not s.labels.flags.writeable
    assert [s.is_final for s in states].count(True) == 1


@pytest.mark.parametrize("beta", [-1.0, np.inf, np.nan, "2", None, True])
def test_bad_beta(beta):
    with pytest.raises(ValueError, match="beta"):
        next(soft_kmeans_steps(np.zeros((4, 2)), 2, beta=beta))


coords = st.floats(-50, 50, allow_nan=False, width=64).map(lambda v: round(v, 2))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    X=st.integers(2, 40).flatmap(lambda n: arrays(np.float64, (n, 2), elements=coords)),
    k=st.integers(1, 4),
    beta=st.sampled_from([0.0, 1e-3, 0.1, 1.0, 10.0, 1e6]),
    seed=st.integers(0, 2**16),
)
def test_objective_never_increases_and_is_what_it_says(X, k, beta, seed):
    k = min(k, len(X))
    w = np.ones(len(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        states = list(soft_kmeans_steps(X, k, beta=beta, random_state=seed, max_iter=20))
    scale = 1e-9 * max(1.0, float(((X - X.mean(0)) ** 2).sum()))
    previous = np.inf
    for s in states[1:]:
        np.testing.assert_allclose(s.responsibilities.sum(axis=1), 1.0, rtol=1e-12)
        assert abs(s.objective - _soft_objective(X, w, s.centers, s.responsibilities, beta)) <= scale + 1e-9 * s.objective
        assert s.objective <= previous + scale
        previous = s.objective


def test_assignment_is_the_e_step_of_a_mixture_with_shared_variance_one_over_two_beta():
    from kmeans_gui.engine import gmm_steps

    X, _ = make_blobs(200, centers=3, random_state=5)
    centres = X[[0, 1, 2]]
    beta = 0.3
    soft = list(soft_kmeans_steps(X, 3, beta=beta, init=centres, max_iter=1))[1]
    gmm = list(gmm_steps(X, 3, covariance_type="spherical", means_init=centres, weights_init=np.full(3, 1 / 3),
                         precisions_init=np.full(3, 2 * beta), max_iter=1))[1]
    assert soft.phase == gmm.phase == "assign"
    np.testing.assert_allclose(soft.responsibilities, gmm.responsibilities, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("init", ["k-means++", "random", "farthest"])
def test_seeded_like_kmeans_steps(init):
    X, _ = make_blobs(200, centers=4, random_state=0)
    ours = next(soft_kmeans_steps(X, 4, beta=1.0, init=init, random_state=7)).centers
    np.testing.assert_array_equal(ours, list(kmeans_steps(X, 4, init=init, random_state=7))[0].centers)
