"""One viewer plays every algorithm: the shared state protocol, read the same way for all four."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from kmeans_gui.engine import StepState, gmm_steps, kmeans_steps, membership, minibatch_steps, soft_kmeans_steps
from kmeans_gui.engine.protocol import PHASES

X = make_blobs(300, centers=3, cluster_std=0.8, random_state=0)[0]

RUNS = {
    "lloyd": lambda: kmeans_steps(X, 3, random_state=0),
    "minibatch": lambda: minibatch_steps(X, 3, batch_size=50, max_steps=8, random_state=0, label_all=True),
    "soft": lambda: soft_kmeans_steps(X, 3, beta=2.0, random_state=0),
    "gmm": lambda: gmm_steps(X, 3, random_state=0),
}


def _play(states):
    """What a generic viewer keeps per state: only protocol attributes."""
    return [(s.phase, s.iteration, s.centers, membership(s), s.objective, s.is_final) for s in states]


@pytest.mark.parametrize("algorithm", RUNS)
def test_every_generator_speaks_the_protocol(algorithm):
    states = list(RUNS[algorithm]())
    frames = _play(states)
    assert all(isinstance(s, StepState) and s.algorithm == algorithm for s in states)
    assert frames[0][0] == "init" and all(f[0] in PHASES for f in frames)
    assert [f[5] for f in frames] == [False] * (len(frames) - 1) + [True]
    assert states[-1].stop_reason and isinstance(states[-1].converged, bool)
    assert [f[1] for f in frames] == sorted(f[1] for f in frames)  # iterations never go back
    objectives = [f[4] for f in frames if f[4] is not None]
    assert len(objectives) >= 2
    if algorithm != "minibatch":  # a batch's step can raise the full-data inertia; the others cannot
        steps = np.diff(objectives) * (-1 if states[0].objective_increases else 1)
        assert np.all(steps <= 1e-9 * abs(objectives[0]))
    for phase, _, centers, rows, _, _ in frames:
        assert centers.shape == (3, 2) and not centers.flags.writeable
        if rows is not None:
            assert rows.shape == (300, 3)
            np.testing.assert_allclose(rows.sum(axis=1), 1.0, rtol=1e-12)


def test_membership_of_hard_labels_is_one_hot():
    final = list(kmeans_steps(X, 3, random_state=0))[-1]
    rows = membership(final)
    np.testing.assert_array_equal(rows.argmax(axis=1), final.labels)
    assert set(np.unique(rows)) == {0.0, 1.0}
    assert membership(next(kmeans_steps(X, 3, random_state=0))) is None


def test_uncertainty_is_normalised_entropy():
    from kmeans_gui.engine import uncertainty

    hard = list(kmeans_steps(X, 3, random_state=0))[-1]
    np.testing.assert_array_equal(uncertainty(hard), 0.0)
    uniform = list(soft_kmeans_steps(X, 3, beta=0.0, random_state=0))[1]
    np.testing.assert_allclose(uncertainty(uniform), 1.0)
    soft = list(soft_kmeans_steps(X, 3, beta=0.5, random_state=0))[-1]
    r = soft.responsibilities
    expected = -(r * np.log(np.where(r > 0, r, 1))).sum(axis=1) / np.log(3)
    np.testing.assert_allclose(uncertainty(soft), expected, rtol=1e-12)
    assert 0 < uncertainty(soft).max() <= 1 and np.isfinite(uncertainty(soft)).all()
    assert uncertainty(next(kmeans_steps(X, 3, random_state=0))) is None
