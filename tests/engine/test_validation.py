"""Bad input gets a ValueError that names the problem and the fix."""

import numpy as np
import pytest

from kmeans_gui.engine import KMeans, NonNumericDataError, kmeans_steps, run_to_end


@pytest.mark.parametrize(
    "X, match",
    [
        (np.array([[0.0, 1], [np.nan, 2]]), "NaN"),
        (np.array([[0.0, 1], [np.inf, 2]]), "inf"),
        (np.empty((0, 2)), "empty"),
        (np.array([1.0, 2, 3]), "Reshape your data"),
        (np.array([["a", "b"], ["c", "d"]]), "only numbers"),
        (np.ones((2, 2, 2)), "2-D"),
        (None, "None"),
        (np.array([[1 + 1j, 2]]), "Complex"),
    ],
)
def test_bad_data_raises_clear_value_error(X, match):
    with pytest.raises(ValueError, match=match):
        run_to_end(kmeans_steps(X, 1))
    with pytest.raises(ValueError, match=match):
        KMeans(1).fit(X)


def test_text_is_also_a_type_error_for_numpy_style_callers():
    with pytest.raises(TypeError):
        KMeans(1).fit([[1, "x"], [2, 3]])
    assert issubclass(NonNumericDataError, ValueError)


@pytest.mark.parametrize("k, match", [(0, "at least 1"), (-2, "at least 1"), (5, "n_clusters=5"), (2.5, "integer")])
def test_bad_k(k, match):
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match=match):
        run_to_end(kmeans_steps(X, k))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"init": "nope"}, "init="),
        ({"init": np.zeros((3, 2))}, r"expected \(2, 2\)"),
        ({"init": np.array([[0.0, np.nan], [1, 1]])}, "NaN"),
        ({"max_iter": 0}, "max_iter"),
        ({"tol": -1.0}, "tol"),
        ({"empty_policy": "explode"}, "empty_policy"),
        ({"sample_weight": [1.0, 2.0]}, "sample_weight"),
        ({"sample_weight": [-1.0, 1, 1, 1]}, "negative"),
        ({"random_state": "seed"}, "random_state"),
    ],
)
def test_bad_parameters(kwargs, match):
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match=match):
        run_to_end(kmeans_steps(X, 2, **kwargs))


def test_ints_and_lists_are_accepted_as_float64():
    last = run_to_end(kmeans_steps([[0, 0], [0, 1], [5, 5], [5, 6]], 2, init="farthest", random_state=0))
    assert last.centers.dtype == np.float64
    assert sorted(map(tuple, last.centers)) == [(0.0, 0.5), (5.0, 5.5)]
