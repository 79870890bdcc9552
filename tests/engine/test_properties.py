"""Invariants that hold on any data: hypothesis draws the data, the weights and the centres."""

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kmeans_gui.engine import _assign, kmeans_steps

coords = st.floats(-100, 100, allow_nan=False, width=64).map(lambda v: round(v, 3))


@st.composite
def problems(draw):
    n = draw(st.integers(2, 60))
    d = draw(st.integers(1, 3))
    X = draw(arrays(np.float64, (n, d), elements=coords))
    k = draw(st.integers(1, min(n, 6)))
    weighted = draw(st.booleans())
    w = draw(arrays(np.float64, n, elements=st.floats(0.1, 10))) if weighted else None
    init = draw(st.sampled_from(["k-means++", "random", "farthest"]))
    seed = draw(st.integers(0, 2**16))
    policy = draw(st.sampled_from(["farthest", "keep"]))
    bounded = draw(st.booleans())
    return X, k, w, init, seed, policy, bounded


def _weighted_inertia(X, w, centers, labels):
    w = np.ones(len(X)) if w is None else w
    return float((((X - centers[labels]) ** 2).sum(1) * w).sum())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_lloyd_invariants(problem):
    X, k, w, init, seed, policy, bounded = problem
    states = []
    snapshots = []
    # Small data normally takes the dense assignment; half the examples force the bounded one.
    saved_small_n = _assign._SMALL_N
    _assign._SMALL_N = 0 if bounded else saved_small_n
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duplicate points are allowed here
            for s in kmeans_steps(X, k, init=init, sample_weight=w, random_state=seed, empty_policy=policy, tol=0):
                states.append(s)
                snapshots.append((s.centers.copy(), None if s.labels is None else s.labels.copy()))
    finally:
        _assign._SMALL_N = saved_small_n
    scale = 1e-9 * max(1.0, _weighted_inertia(X, w, np.zeros((1, X.shape[1])), np.zeros(len(X), int)))
    last_assign_inertia = np.inf
    for s in states:
        if s.labels is None:
            continue
        # The reported inertia is the inertia of these labels and centres.
        assert abs(s.inertia - _weighted_inertia(X, w, s.centers, s.labels)) <= scale
        if s.phase == "assign":
            # Every label is a nearest centre.
            d2 = ((X[:, None] - s.centers[None]) ** 2).sum(-1)
            chosen = d2[np.arange(len(X)), s.labels]
            assert np.all(chosen <= d2.min(1) + 1e-9 * (1 + d2.min(1)))
            # Inertia never increases from one assignment to the next.
            assert s.inertia <= last_assign_inertia + scale
            last_assign_inertia = s.inertia
        else:
            # Every non-empty, non-relocated centre is the weighted mean of its points.
            ww = np.ones(len(X)) if w is None else w
            for j in range(k):
                members = s.labels == j
                if members.any() and j not in s.empty_clusters and policy == "keep":
                    mean = (X[members] * ww[members, None]).sum(0) / ww[members].sum()
                    np.testing.assert_allclose(s.centers[j], mean, rtol=1e-9, atol=1e-9)
    assert states[-1].is_final
    # Nothing a consumer was given has changed since.
    for s, (centers, labels) in zip(states, snapshots):
        np.testing.assert_array_equal(s.centers, centers)
        if labels is not None:
            np.testing.assert_array_equal(s.labels, labels)
