"""The variants' from-scratch code gives the engine's runs from the same start."""

import numpy as np
import pytest

from kmeans_gui.data.datasets import make_dataset
from kmeans_gui.engine.gmm import gmm_steps
from kmeans_gui.engine.soft import soft_kmeans_steps
from kmeans_gui.lessons.scratch_kmeans import code_for
from kmeans_gui.lessons.scratch_variants import gmm, soft_kmeans


def _run(generator):
    return [(p, {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in variables.items()})
            for p, variables in generator]


@pytest.mark.parametrize("beta", [0.0, 0.3, 2.0, 50.0])
def test_scratch_soft_kmeans_matches_the_engine(beta):
    X = make_dataset("blobs", n=200, seed=1)
    start = X[[0, 50, 100, 150]].copy()
    engine = list(soft_kmeans_steps(X, 4, beta=beta, init=start, max_iter=40))
    scratch = _run(soft_kmeans(X, start, beta=beta, max_iter=40))
    assert [s.phase for s in engine] == [p for p, _ in scratch]
    for state, (phase, variables) in zip(engine, scratch):
        np.testing.assert_allclose(variables["centroids"], state.centers, rtol=0, atol=1e-8)
        if phase == "assign":
            np.testing.assert_allclose(variables["responsibilities"], state.responsibilities, atol=1e-10)


def test_scratch_gmm_matches_the_engine():
    X = make_dataset("anisotropic", n=240, seed=2)
    means = X[[0, 80, 160]].copy()
    covariances = np.stack([np.cov(X.T)] * 3)
    weights = np.full(3, 1 / 3)
    engine = list(gmm_steps(X, 3, means_init=means, weights_init=weights,
                            precisions_init=np.linalg.inv(covariances), max_iter=30, tol=1e-4))
    scratch = _run(gmm(X, means, covariances, weights, tol=1e-4, max_iter=30))
    assert len(engine) >= 7
    assert [s.phase for s in engine] == [p for p, _ in scratch]
    for state, (phase, variables) in zip(engine, scratch):
        np.testing.assert_allclose(variables["means"], state.means, atol=1e-8)
        np.testing.assert_allclose(variables["weights"], state.weights, atol=1e-10)
        if phase == "assign":
            np.testing.assert_allclose(variables["responsibilities"], state.responsibilities, atol=1e-8)
            assert variables["log_likelihood"] == pytest.approx(state.log_likelihood, abs=1e-9)


@pytest.mark.parametrize("name", ["soft_kmeans", "gmm"])
def test_variant_code_is_registered(name):
    code = code_for(name)
    assert code.lines[0].startswith(f"def {name}(")
    assert set(code.phase_lines) == {"init", "assign", "update", "converged"}
