import numpy as np
import pytest

from kmeans_gui.data.datasets import DATASETS, dataset_features, make_dataset, make_labelled_dataset

#: The datasets that are not 2-D, and their width.
WIDTH = {"iris": 4, "wine": 13}


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_is_finite_seeded_and_2d_but_iris_and_wine(name):
    a = make_dataset(name, n=300, centers=3, seed=5)
    b = make_dataset(name, n=300, centers=3, seed=5)
    assert a.ndim == 2 and a.shape[1] == WIDTH.get(name, 2) and a.dtype == np.float64
    assert np.isfinite(a).all()
    np.testing.assert_array_equal(a, b)
    if DATASETS[name].uses_n:
        assert a.shape[0] == 300


def test_seed_changes_the_data():
    assert not np.array_equal(make_dataset("blobs", seed=0), make_dataset("blobs", seed=1))


def test_sizes_of_fixed_datasets():
    assert make_dataset("iris").shape == (150, 4)
    assert make_dataset("wine").shape == (178, 13)
    assert make_dataset("empty").shape == (0, 2)
    assert make_dataset("large", n=10).shape == (200_000, 2)  # the mini-batch comparison's size, whatever n


def test_iris_is_the_raw_table_and_wine_is_standardised_with_their_classes_and_names():
    from sklearn.datasets import load_iris, load_wine
    from sklearn.preprocessing import StandardScaler

    X, y = make_labelled_dataset("iris")
    np.testing.assert_array_equal(X, load_iris().data)
    np.testing.assert_array_equal(y, load_iris().target)
    assert dataset_features("iris") == ("sepal length (cm)", "sepal width (cm)", "petal length (cm)",
                                        "petal width (cm)")
    X, y = make_labelled_dataset("wine")
    np.testing.assert_allclose(X, StandardScaler().fit_transform(load_wine().data), atol=1e-12)
    np.testing.assert_array_equal(y, load_wine().target)
    assert len(dataset_features("wine")) == 13 and dataset_features("wine")[-1] == "proline"
    assert dataset_features("blobs") is None


def test_blobs_have_the_asked_number_of_centres():
    from sklearn.cluster import KMeans

    X = make_dataset("blobs", n=900, centers=3, spread=0.5, seed=2)
    labels = KMeans(3, n_init=5, random_state=0).fit_predict(X)
    assert sorted(np.bincount(labels)) == [300, 300, 300]


def test_unequal_sizes_shrink():
    from sklearn.cluster import KMeans

    X = make_dataset("unequal-sizes", n=1300, centers=3, spread=0.3, seed=1)
    assert X.shape[0] == 1300
    counts = sorted(np.bincount(KMeans(3, n_init=5, random_state=0).fit_predict(X)))
    assert counts[0] < counts[1] < counts[2]


@pytest.mark.parametrize("kwargs, match", [
    ({"name": "nope"}, "Unknown dataset"),
    ({"name": "blobs", "n": 0}, "n=0"),
    ({"name": "blobs", "centers": 0}, "centers=0"),
    ({"name": "blobs", "spread": float("nan")}, "spread"),
])
def test_bad_options_say_why(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_dataset(**kwargs)


@pytest.mark.parametrize("name", list(DATASETS))
def test_labelled_dataset_has_the_same_points_and_one_label_per_point(name):
    from kmeans_gui.data.datasets import make_labelled_dataset

    X, y = make_labelled_dataset(name, n=301, centers=3, seed=4)
    np.testing.assert_array_equal(X, make_dataset(name, n=301, centers=3, seed=4))
    if name in ("uniform", "empty"):
        assert y is None
    else:
        assert y.shape == (X.shape[0],) and y.min() == 0


def test_labels_name_the_blob_each_point_was_drawn_from():
    from kmeans_gui.data.datasets import make_labelled_dataset

    # With no spread every point sits on its blob's centre, so a label is a centre.
    X, y = make_labelled_dataset("unequal-sizes", n=100, centers=3, spread=0.0, seed=2)
    assert np.bincount(y).tolist() == [70, 23, 7]  # 100 * (9, 3, 1) / 13 = 69.2, 23.1, 7.7: rounded down, the rest to the first
    for label in range(3):
        assert np.unique(X[y == label], axis=0).shape[0] == 1
    assert np.unique(X, axis=0).shape[0] == 3


def test_moon_labels_follow_the_two_arcs():
    from kmeans_gui.data.datasets import make_labelled_dataset

    X, y = make_labelled_dataset("moons", n=200, spread=0.0, seed=1)
    # Noise-free: the outer moon lies on the circle of radius 5 about (0, 0), the inner one on
    # the circle of radius 5 about (5, 2.5).
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 5.0)
    np.testing.assert_allclose(np.hypot(*(X[y == 1] - [5.0, 2.5]).T), 5.0)
    assert np.bincount(y).tolist() == [100, 100]
