"""Gaussian mixture by EM: agreement with scikit-learn, the start, collapse, monotone likelihood."""

import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from kmeans_gui.engine import gmm_steps, kmeans_steps
from kmeans_gui.engine.distances import nearest_center
from kmeans_gui.engine.gmm import STOP_MAX_ITER, STOP_TOL, CollapsedComponentWarning
from kmeans_gui.engine.protocol import StepState

TYPES = ["full", "tied", "diag", "spherical"]


def _anisotropic_blobs(n=600, seed=0):
    X, _ = make_blobs(n, centers=4, cluster_std=[0.5, 1.0, 1.5, 2.0], random_state=seed)
    return X @ np.array([[1.0, 0.4], [-0.3, 0.8]])


def _precisions(state):
    if state.covariance_type in ("full", "tied"):
        return np.linalg.inv(state.covariances)
    return 1.0 / state.covariances


def _sklearn_from(state, X, **kwargs):
    gm = GaussianMixture(
        state.weights.size, covariance_type=state.covariance_type, means_init=state.means,
        weights_init=state.weights, precisions_init=_precisions(state), **kwargs,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return gm.fit(X)


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("n_iter", [1, 6])
def test_matches_sklearn_from_the_same_start(covariance_type, n_iter):
    X = _anisotropic_blobs()
    start = next(gmm_steps(X, 4, covariance_type=covariance_type, random_state=0))
    states = list(gmm_steps(
        X, 4, covariance_type=covariance_type, means_init=start.means, weights_init=start.weights,
        precisions_init=_precisions(start), max_iter=n_iter, tol=0,
    ))
    sk = _sklearn_from(start, X, max_iter=n_iter, tol=0)
    last_m_step = [s for s in states if s.phase == "update"][-1]
    assert last_m_step.iteration == n_iter == sk.n_iter_
    for ours, theirs in [(last_m_step.means, sk.means_), (last_m_step.covariances, sk.covariances_),
                         (last_m_step.weights, sk.weights_)]:
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6 * np.abs(theirs).max())
    e_steps = [s.log_likelihood for s in states if s.phase == "assign" and not s.is_final]
    np.testing.assert_allclose(e_steps, sk.lower_bounds_, rtol=1e-10)
    final = states[-1]
    assert final.stop_reason == STOP_MAX_ITER
    np.testing.assert_allclose(final.responsibilities, sk.predict_proba(X), atol=1e-9)
    np.testing.assert_array_equal(final.labels, sk.predict(X))


def test_stops_where_sklearn_does():
    X = _anisotropic_blobs(seed=1)
    states = list(gmm_steps(X, 4, random_state=2))
    sk = _sklearn_from(states[0], X)
    assert sk.converged_ and states[-1].converged and states[-1].stop_reason == STOP_TOL
    assert states[-1].iteration == sk.n_iter_


def test_starts_from_the_kmeans_plusplus_seeds_and_their_cells():
    X = np.array([[0.0, 0.0], [0.0, 2.0], [10.0, 0.0], [12.0, 0.0], [14.0, 0.0]])
    init = next(gmm_steps(X, 2, means_init=[[0.0, 0.0], [12.0, 0.0]], covariance_type="diag", reg_covar=1e-9))
    assert init.phase == "init" and init.responsibilities is None
    np.testing.assert_array_equal(init.means, [[0, 0], [12, 0]])
    np.testing.assert_allclose(init.weights, [0.4, 0.6])
    # Spread of each seed's cell around the seed: (0 + 4) / 2 in y; (4 + 0 + 4) / 3 in x.
    np.testing.assert_allclose(init.covariances, np.array([[0.0, 2.0], [8 / 3, 0.0]]) + 1e-9, rtol=1e-12, atol=1e-14)
    # The default seeds are the ones kmeans_steps draws.
    X2 = _anisotropic_blobs()
    seeds = next(kmeans_steps(X2, 4, random_state=5)).centers
    np.testing.assert_array_equal(next(gmm_steps(X2, 4, random_state=5)).means, seeds)


def test_a_collapsing_component_gets_the_floor_and_a_message():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(40, 2)), np.full((3, 2), 20.0)])
    with pytest.warns(CollapsedComponentWarning, match="reg_covar"):
        states = list(gmm_steps(X, 2, means_init=[[0.0, 0.0], [20.0, 20.0]], max_iter=5))
    for s in states:
        assert np.isfinite(s.covariances).all() and np.isfinite(s.log_likelihood)
    update = states[2]
    assert update.phase == "update" and update.collapsed == (1,)
    assert "Component 1 collapsed" in update.message
    np.testing.assert_allclose(update.covariances[1], 1e-6 * np.eye(2), rtol=1e-9, atol=1e-15)
    assert states[1].collapsed == () or states[1].phase == "assign"
    with pytest.raises(ValueError, match="reg_covar"):
        list(gmm_steps(X, 2, means_init=[[0.0, 0.0], [20.0, 20.0]], reg_covar=0.0, max_iter=5))


@pytest.mark.parametrize("covariance_type", TYPES)
def test_more_components_than_distinct_points(covariance_type):
    X = np.repeat([[0.0, 0.0], [3.0, 1.0], [5.0, 5.0]], 10, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollapsedComponentWarning)
        states = list(gmm_steps(X, 5, covariance_type=covariance_type, random_state=0, max_iter=10))
    for s in states[1:]:
        assert np.isfinite(s.responsibilities).all() and np.isfinite(s.covariances).all()
        np.testing.assert_allclose(s.responsibilities.sum(axis=1), 1.0, rtol=1e-12)


def test_states_follow_the_shared_protocol():
    X = _anisotropic_blobs(200)
    states = list(gmm_steps(X, 3, random_state=0, max_iter=4, tol=0))
    assert [(s.phase, s.iteration) for s in states] == [("init", 0)] + [
        (p, i) for i in range(1, 5) for p in ("assign", "update")] + [("assign", 4)]
    for s in states:
        assert isinstance(s, StepState) and s.algorithm == "gmm" and s.objective_increases
        assert s.centers is s.means and s.objective == s.log_likelihood
        for a in (s.means, s.covariances, s.weights, s.responsibilities, s.labels):
            assert a is None or not a.flags.writeable
    for m_step, next_e_step in zip(states[2::2], states[3::2]):
        # An M-step shows the parameters the next E-step uses, so both report their likelihood.
        assert m_step.log_likelihood == next_e_step.log_likelihood
        np.testing.assert_array_equal(m_step.means, next_e_step.means)


def test_no_n_by_k_by_d_temporary(monkeypatch):
    from kmeans_gui.engine import distances

    # Chunk temporaries are per worker thread: one thread makes the bound the same on any machine.
    monkeypatch.setattr(distances, "_n_threads", lambda: 1)
    rng = np.random.default_rng(0)
    n, k, d = 100_000, 16, 8
    X = rng.normal(size=(n, d))
    steps = gmm_steps(X, k, covariance_type="full", random_state=0, max_iter=2, tol=0)
    next(steps)
    tracemalloc.start()
    try:
        next(steps)
        next(steps)  # an M-step runs the next E-step's pass over X
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < n * k * d * 8 / 3  # the new responsibilities are n * k * 8 of it


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(covariance_type="round"), "covariance_type"),
        (dict(reg_covar=-1.0), "reg_covar"),
        (dict(max_iter=0), "max_iter"),
        (dict(weights_init=[0.5, 0.6]), "weights_init"),
        (dict(weights_init=[1.0]), "weights_init"),
        (dict(means_init=[[0.0, 0.0]]), "initial centres"),
        (dict(precisions_init=np.ones((2, 2))), "precisions_init"),
        (dict(precisions_init=np.array([np.eye(2), -np.eye(2)])), "positive definite"),
        (dict(covariance_type="diag", precisions_init=[[1.0, 1.0], [1.0, 0.0]]), "positive"),
        (dict(n_components=11), "n_clusters"),
    ],
)
def test_bad_parameters(kwargs, match):
    X = np.random.default_rng(0).normal(size=(10, 2))
    n_components = kwargs.pop("n_components", 2)
    with pytest.raises(ValueError, match=match):
        next(gmm_steps(X, n_components, **kwargs))


coords = st.floats(-20, 20, allow_nan=False, allow_subnormal=False, width=64)


#: Past this condition number a covariance's log-determinant and Mahalanobis distances carry
#: rounding of up to about cond * eps, more than the 1e-12 the property allows (see
#: test_log_likelihood_of_a_numerically_singular_component_is_rounding_noise). Measured on 85,500 EM
#: steps of small 2-D data with near-duplicate and nearly collinear points: no dip below 1e12, dips
#: up to 0.3 above it; scikit-learn's EM dips the same way there.
WELL_CONDITIONED = 1e10


def _largest_condition_number(states):
    eigenvalues = np.linalg.eigvalsh(np.concatenate([s.full_covariances for s in states]))
    return float(np.max(eigenvalues[:, -1] / np.abs(eigenvalues[:, 0])))


# derandomize: the same examples on every run, so CI cannot flake on a new draw; the hunt for new
# counterexamples is done by hand with more examples (hypothesis.seed and max_examples=5000).
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    X=st.integers(10, 40).flatmap(lambda n: arrays(np.float64, (n, 2), elements=coords, unique=True)),
    k=st.integers(1, 3),
    covariance_type=st.sampled_from(TYPES),
    seed=st.integers(0, 2**16),
)
def test_log_likelihood_never_decreases_across_an_em_step(X, k, covariance_type, seed):
    # reg_covar=0: the floor is not part of EM's M-step, and with it the log-likelihood can dip
    # (by 1e-6 relative with reg_covar=1e-3 on small data; scikit-learn's does the same).
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CollapsedComponentWarning)
            states = list(gmm_steps(X, k, covariance_type=covariance_type, random_state=seed, max_iter=15,
                                    tol=0, reg_covar=0.0))
    except ValueError as exc:  # a component collapsed, which without the floor is an error
        assert "reg_covar" in str(exc)
        assume(False)
    e_steps = [s.log_likelihood for s in states if s.phase == "assign"]
    assert np.isfinite(e_steps).all()
    # EM's monotonicity holds in exact arithmetic; in floating point only while the covariances
    # are well-conditioned enough for the likelihood to have 12 correct digits.
    assume(_largest_condition_number(states) <= WELL_CONDITIONED)
    for before, after in zip(e_steps, e_steps[1:]):
        assert after >= before - 1e-12 * max(1.0, abs(before))


def test_log_likelihood_of_a_numerically_singular_component_is_rounding_noise():
    # Found by a hunt beyond the property's 60 examples: component 1 takes a near-duplicate pair
    # (8e-8 apart) and one far point. Its covariance's smallest eigenvalue is about 2e-16 against
    # a largest of 64: condition number ~3e17 > 1 / eps, so the computed one is rounding of either
    # sign, and so are its log-determinant and the log-likelihood. Not an EM error: the M-steps
    # of E-steps 1 and 2 get the same responsibilities (to 1e-280), yet their log-likelihoods
    # differ by 0.32.
    X = np.array([[-3.9, 0.5], [-3.9 - 8e-8, 0.5], [-19.2, 7.9], [17.8, 15.2], [11.8, -9.5], [16.0, 3.8]])
    with pytest.warns(CollapsedComponentWarning, match="Component 1 collapsed"):
        states = list(gmm_steps(X, 2, covariance_type="full", random_state=0, max_iter=15, tol=0, reg_covar=0.0))
    assign = [s for s in states if s.phase == "assign"]
    np.testing.assert_allclose(assign[1].responsibilities, assign[0].responsibilities, rtol=0, atol=1e-280)
    np.testing.assert_array_equal(assign[1].responsibilities[:, 1], [1, 1, 1, 0, 0, 0])
    assert _largest_condition_number(states[2:]) > 1e12
    # What is promised for it: the warning above, the component flagged at every M-step (not only
    # where its smallest eigenvalue happens to round to <= 0, as before), and nothing NaN or infinite.
    assert [s.collapsed for s in states if s.phase == "update"] == [(1,)] * 15
    for s in states:
        assert np.isfinite(s.log_likelihood) and np.isfinite(s.covariances).all() and np.isfinite(s.means).all()
    # With the default floor the same data stay well-conditioned and the dips are the floor's.
    with pytest.warns(CollapsedComponentWarning):
        floored = list(gmm_steps(X, 2, covariance_type="full", random_state=0, max_iter=15, tol=0))
    assert _largest_condition_number(floored) < WELL_CONDITIONED
    e_steps = [s.log_likelihood for s in floored if s.phase == "assign"]
    assert min(np.diff(e_steps)) > -1e-9 * abs(e_steps[-1])


def test_full_covariances_separate_anisotropic_blobs_where_kmeans_does_not():
    from sklearn.metrics import adjusted_rand_score

    X, truth = make_blobs(900, centers=3, random_state=170)
    X = X @ np.array([[0.6, -0.6], [-0.4, 0.8]])  # scikit-learn's anisotropic example
    kmeans_labels = list(kmeans_steps(X, 3, random_state=0))[-1].labels
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollapsedComponentWarning)
        gmm_labels = list(gmm_steps(X, 3, random_state=0))[-1].labels
    assert adjusted_rand_score(truth, gmm_labels) > 0.95 > adjusted_rand_score(truth, kmeans_labels) + 0.1


def test_float32_input():
    X = _anisotropic_blobs(300)
    ours32 = list(gmm_steps(X.astype(np.float32), 4, random_state=0, max_iter=5, tol=0))[-1]
    ours64 = list(gmm_steps(X, 4, random_state=0, max_iter=5, tol=0))[-1]
    assert ours32.means.dtype == np.float32
    np.testing.assert_allclose(ours32.means, ours64.means, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_full_covariances_for_every_type(covariance_type):
    X = _anisotropic_blobs(200)
    state = list(gmm_steps(X, 3, covariance_type=covariance_type, random_state=0, max_iter=2))[-1]
    full = state.full_covariances
    assert full.shape == (3, 2, 2) and not full.flags.writeable
    sk_shape = {"full": full, "tied": full[0], "diag": full[:, [0, 1], [0, 1]], "spherical": full[:, 0, 0]}
    np.testing.assert_array_equal(sk_shape[covariance_type], state.covariances)
    if covariance_type != "full":
        assert np.all(full[:, 0, 1] == 0) or covariance_type == "tied"


@pytest.mark.parametrize("given", ["means", "means+weights", "means+precisions", "precisions"])
def test_any_subset_of_initial_parameters(given):
    X = _anisotropic_blobs(300)
    means = X[[0, 100, 200, 299]]
    weights = np.array([0.1, 0.2, 0.3, 0.4])
    precisions = np.array([np.eye(2) * s for s in (1.0, 2.0, 0.5, 4.0)])
    kwargs = {}
    if "means" in given:
        kwargs["means_init"] = means
    if "weights" in given:
        kwargs["weights_init"] = weights
    if "precisions" in given:
        kwargs["precisions_init"] = precisions
    start = next(gmm_steps(X, 4, random_state=0, **kwargs))
    if "means" in given:
        np.testing.assert_array_equal(start.means, means)
    np.testing.assert_allclose(start.weights, weights if "weights" in given else start.weights)
    assert start.weights.sum() == pytest.approx(1.0)
    if "precisions" in given:
        np.testing.assert_allclose(start.covariances, np.linalg.inv(precisions), rtol=1e-12)
    else:  # each mean's Voronoi cell, around the mean, plus reg_covar
        cells = nearest_center(X, start.means)[0]
        for j in range(4):
            diff = X[cells == j] - start.means[j]
            np.testing.assert_allclose(start.covariances[j], diff.T @ diff / len(diff) + 1e-6 * np.eye(2),
                                       rtol=1e-9, atol=1e-12)
