"""The sweep's BIC for a Gaussian mixture: scikit-learn's bic(X) from the same start, per k and seed."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from kmeans_gui.engine import gmm_steps
from kmeans_gui.engine.gmm import gmm_bic, n_parameters
from kmeans_gui.engine.sweep import CRITERIA, sweep_k


def _precisions(state):
    if state.covariance_type in ("full", "tied"):
        return np.linalg.inv(state.covariances)
    return 1.0 / state.covariances


def _anisotropic(n=300, seed=0):
    X, _ = make_blobs(n, centers=3, cluster_std=[0.5, 1.0, 1.5], random_state=seed)
    return X @ np.array([[1.0, 0.4], [-0.3, 0.8]])


@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical", "tied"])
def test_every_seeds_bic_is_scikit_learns_from_the_same_start(covariance_type):
    X = _anisotropic()
    result = sweep_k(X, range(1, 5), 2, random_state=0, max_iter=50, tol=1e-3, gmm_covariance=covariance_type)
    assert result.has_bic and result.gmm_covariance == covariance_type
    for fit in result.fits:
        for seed, ours in zip(result.seeds, fit.per_seed("bic")):
            start = next(gmm_steps(X, fit.k, covariance_type=covariance_type, random_state=seed))
            gm = GaussianMixture(fit.k, covariance_type=covariance_type, means_init=start.means,
                                 weights_init=start.weights, precisions_init=_precisions(start), max_iter=50, tol=1e-3)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                gm.fit(X)
            assert ours == pytest.approx(gm.bic(X), rel=1e-9)
            assert n_parameters(covariance_type, fit.k, 2) == gm._n_parameters()


def test_mean_spread_and_choice_are_over_the_seeds_and_lowest_wins():
    X = _anisotropic()
    result = sweep_k(X, range(1, 6), 3, random_state=1, gmm_covariance="full")
    per_seed = result.per_seed("bic")
    assert per_seed.shape == (5, 3) and np.isfinite(per_seed).all()
    np.testing.assert_allclose(result.mean("bic"), per_seed.mean(axis=1))
    np.testing.assert_allclose(result.spread("bic"), per_seed.std(axis=1, ddof=1))
    k, reason = result.chosen_k("bic")
    assert k == 3 == int(result.k_values[np.argmin(per_seed.mean(axis=1))])
    assert "lowest mean" in reason and "bic" in CRITERIA


def test_bic_by_hand_for_one_spherical_component():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    final = list(gmm_steps(X, 1, covariance_type="spherical", reg_covar=0.0))[-1]
    # One spherical Gaussian at (1, 1) with variance 1: log L per point = -log(2 pi) - 1;
    # 3 parameters (a variance and a 2-d mean; one weight, fixed at 1).
    assert n_parameters("spherical", 1, 2) == 3
    assert gmm_bic(final, 4) == pytest.approx(-2 * 4 * (-np.log(2 * np.pi) - 1.0) + 3 * np.log(4), rel=1e-12)


def test_without_a_mixture_bic_is_not_computed_and_says_so():
    result = sweep_k(_anisotropic(60), range(1, 4), 1)
    assert not result.has_bic and np.isnan(result.per_seed("bic")).all()
    k, reason = result.chosen_k("bic")
    assert k is None and "not computed" in reason
    with pytest.raises(ValueError, match="gmm_covariance"):
        sweep_k(_anisotropic(60), range(1, 3), 1, gmm_covariance="round")
