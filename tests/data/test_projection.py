"""2-D views of n-D data: PCA agrees with scikit-learn; centroids project like points."""

import numpy as np
import pytest
from sklearn.decomposition import PCA

from kmeans_gui.data.projection import column_projection, fit_projection, pca_projection


def test_pca_on_hand_computed_data():
    # Points on the line y = 2x, z = 0, plus a small spread along z: PC 1 is (1, 2, 0)/sqrt(5).
    X = np.array([[0, 0, 1], [1, 2, -1], [2, 4, -1], [3, 6, 1]], dtype=float)
    p = pca_projection(X)
    np.testing.assert_allclose(p.components[0], np.array([1, 2, 0]) / np.sqrt(5), atol=1e-12)
    np.testing.assert_allclose(np.abs(p.components[1]), [0, 0, 1], atol=1e-12)
    # Variance along PC 1: 5 * var([0, 1, 2, 3]) = 5 * 5/3; along z: 4/3.
    np.testing.assert_allclose(p.explained_variance_ratio, [25 / 29, 4 / 29])
    assert p.axis_titles == ("PC 1, 86% of variance", "PC 2, 14% of variance")
    np.testing.assert_allclose(p.transform(X)[:, 0], (np.arange(4) - 1.5) * np.sqrt(5))


@pytest.mark.parametrize("shape", [(200, 5), (6, 20)])  # covariance path and SVD path
def test_pca_agrees_with_sklearn(shape):
    X = np.random.default_rng(1).normal(size=shape) * np.arange(1, shape[1] + 1)
    ours = pca_projection(X)
    ref = PCA(n_components=2).fit(X)
    np.testing.assert_allclose(ours.explained_variance_ratio, ref.explained_variance_ratio_, rtol=1e-9)
    signs = np.sign(np.sum(ours.components * ref.components_, axis=1))
    np.testing.assert_allclose(ours.components, ref.components_ * signs[:, None], atol=1e-9)
    np.testing.assert_allclose(ours.transform(X), ref.transform(X) * signs, atol=1e-9)


def test_centroids_project_to_the_mean_of_their_projected_points():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(90, 4))
    labels = np.repeat([0, 1, 2], 30)
    centers = np.array([X[labels == j].mean(axis=0) for j in range(3)])
    p = fit_projection(X)
    P = p.transform(X)
    np.testing.assert_allclose(p.transform(centers), [P[labels == j].mean(axis=0) for j in range(3)], atol=1e-12)


def test_sign_is_fixed_so_the_same_data_look_the_same():
    X = np.random.default_rng(3).normal(size=(50, 3))
    a, b = pca_projection(X), pca_projection(X[::-1])
    np.testing.assert_allclose(a.components, b.components, atol=1e-12)
    assert all(row[np.argmax(np.abs(row))] > 0 for row in a.components)


def test_two_chosen_columns_and_the_2d_default():
    X = np.arange(12.0).reshape(4, 3)
    p = fit_projection(X, columns=(2, 0), names=["a", "b", "c"])
    assert p.axis_titles == ("c", "a")
    np.testing.assert_array_equal(p.transform(X), X[:, [2, 0]])
    q = fit_projection(X[:, :2], names=["u", "v"])
    assert q.kind == "columns" and q.axis_titles == ("u", "v")
    np.testing.assert_array_equal(q.transform(X[:, :2]), X[:, :2])


def test_bad_input():
    with pytest.raises(ValueError, match="two different indices"):
        column_projection(3, (1, 1))
    with pytest.raises(ValueError, match="at least 2 columns"):
        fit_projection(np.zeros((5, 1)))
    with pytest.raises(ValueError, match=r"shape \(n, 3\)"):
        pca_projection(np.random.default_rng(0).normal(size=(5, 3))).transform(np.zeros((2, 2)))
