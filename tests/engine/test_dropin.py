"""KMeans as a drop-in for sklearn.cluster.KMeans: the constructor, inputs, warnings and errors,
sparse data, and a sample of scikit-learn's own KMeans tests (sklearn/cluster/tests/test_k_means.py)
rewritten for ours: test_kmeans_results, test_kmeans_relocated_clusters, test_kmeans_elkan_results,
test_kmeans_init_fitted_centers, test_kmeans_warns_less_centers_than_unique_points,
test_kmeans_empty_cluster_relocated, test_scaled_weights, test_unit_weights_vs_no_weights,
test_integer_input, test_kmeans_copyx, test_fortran_aligned_data, test_centers_not_mutated,
test_score_max_iter, test_predict_dense_sparse, test_transform, test_fit_transform,
test_kmeans_verbose, test_wrong_params / test_kmeans_wrong_init_shape, test_feature_names_out,
test_sample_weight_unchanged, test_warning_n_init_precomputed_centers."""

import inspect

import numpy as np
import pytest
from scipy import sparse
from sklearn.cluster import KMeans as SKKMeans
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning

from kmeans_gui.engine import FewDistinctPointsWarning, KMeans

X_BLOBS, _ = make_blobs(600, centers=4, cluster_std=1.2, random_state=7)


def test_constructor_has_every_sklearn_parameter_with_the_same_default():
    ours = inspect.signature(KMeans).parameters
    for name, param in inspect.signature(SKKMeans).parameters.items():
        assert name in ours, name
        assert ours[name].default == param.default, name
        assert ours[name].kind == param.kind, name


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
def test_kmeans_results(algorithm):
    # scikit-learn's hand-computed example.
    X = np.array([[0, 0], [0.5, 0], [0.5, 1], [1, 1]], dtype=float)
    km = KMeans(2, init=np.array([[0, 0], [0.5, 0.5]]), n_init=1, algorithm=algorithm)
    km.fit(X, sample_weight=[3, 1, 1, 3])
    np.testing.assert_array_equal(km.labels_, [0, 0, 1, 1])
    assert km.inertia_ == pytest.approx(0.375)
    np.testing.assert_allclose(km.cluster_centers_, [[0.125, 0], [0.875, 1]])
    assert km.n_iter_ == 2


def test_kmeans_relocated_clusters():
    X = np.array([[0, 0], [0.5, 0], [0.5, 1], [1, 1]], dtype=float)
    km = KMeans(2, init=np.array([[0.5, 0.5], [3, 3]]), n_init=1).fit(X)
    np.testing.assert_array_equal(km.labels_, [0, 0, 1, 1])
    assert km.inertia_ == pytest.approx(0.25)
    np.testing.assert_allclose(km.cluster_centers_, [[0.25, 0], [0.75, 1]])
    assert km.n_iter_ == 3


def test_elkan_gives_lloyds_result():
    a = KMeans(4, algorithm="lloyd", random_state=0).fit(X_BLOBS)
    b = KMeans(4, algorithm="elkan", random_state=0).fit(X_BLOBS)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_)
    with pytest.warns(RuntimeWarning, match="single cluster"):
        KMeans(1, algorithm="elkan").fit(X_BLOBS)


def test_refit_from_fitted_centres_stays():
    km = KMeans(4, random_state=1).fit(X_BLOBS)
    again = KMeans(4, init=km.cluster_centers_, n_init=1).fit(X_BLOBS)
    np.testing.assert_allclose(again.cluster_centers_, km.cluster_centers_)
    assert again.n_iter_ == 1


def test_fewer_distinct_points_than_clusters_warns_like_sklearn():
    X = np.array([[0, 0], [0, 1], [0, 0], [0, 1]], dtype=float)
    with pytest.warns(ConvergenceWarning, match="distinct clusters"):
        KMeans(3, n_init=1, random_state=0).fit(X)
    with pytest.warns(FewDistinctPointsWarning):
        KMeans(3, n_init=1, random_state=0).fit(sparse.csr_matrix(X))


def test_empty_cluster_relocated_with_weights():
    km = KMeans(2, init=np.array([[-1.0], [10.0]]), n_init=1)
    km.fit(np.array([[-1.0], [1.0]]), sample_weight=[1.9, 0.1])
    assert len(set(km.labels_)) == 2
    np.testing.assert_allclose(km.cluster_centers_, [[-1], [1]])


def test_scaled_and_unit_weights_change_nothing():
    base = KMeans(4, random_state=3).fit(X_BLOBS)
    ones = KMeans(4, random_state=3).fit(X_BLOBS, sample_weight=np.ones(len(X_BLOBS)))
    scaled = KMeans(4, random_state=3).fit(X_BLOBS, sample_weight=np.full(len(X_BLOBS), 5.0))
    for other in (ones, scaled):
        np.testing.assert_array_equal(other.labels_, base.labels_)
        np.testing.assert_allclose(other.cluster_centers_, base.cluster_centers_)
    assert scaled.inertia_ == pytest.approx(5 * base.inertia_)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, bool])
def test_integer_and_boolean_input(dtype):
    X = np.array([[0, 0], [0, 1], [1, 0], [5, 5], [5, 6], [6, 5]]).astype(dtype)
    init = np.array([[0, 0], [5, 5]])
    km = KMeans(2, init=init, n_init=1).fit(X)
    ref = SKKMeans(2, init=init, n_init=1).fit(X)
    assert km.cluster_centers_.dtype == np.float64
    np.testing.assert_array_equal(km.labels_, ref.labels_)
    np.testing.assert_allclose(km.cluster_centers_, ref.cluster_centers_)
    np.testing.assert_array_equal(km.predict(X), km.labels_)


@pytest.mark.parametrize("copy_x", [True, False])
def test_input_read_only_fortran_and_unchanged(copy_x):
    X = np.asfortranarray(X_BLOBS + 1000.0)
    X.setflags(write=False)
    before = X.copy()
    w = np.linspace(0.5, 2, len(X))
    w_before = w.copy()
    init = X[:4].copy()
    km = KMeans(4, init=init, n_init=1, copy_x=copy_x).fit(X, sample_weight=w)
    np.testing.assert_array_equal(X, before)
    np.testing.assert_array_equal(w, w_before)
    np.testing.assert_array_equal(init, X[:4])  # centres given are not mutated either
    ref = SKKMeans(4, init=init, n_init=1).fit(np.ascontiguousarray(X), sample_weight=w)
    np.testing.assert_array_equal(km.labels_, ref.labels_)


def test_score_improves_with_iterations():
    one = KMeans(4, n_init=1, max_iter=1, random_state=42, init="random").fit(X_BLOBS)
    many = KMeans(4, n_init=1, max_iter=10, random_state=42, init="random").fit(X_BLOBS)
    assert many.score(X_BLOBS) > one.score(X_BLOBS)


def test_predict_transform_fit_transform_fit_predict():
    km = KMeans(4, random_state=0)
    labels = km.fit_predict(X_BLOBS)
    np.testing.assert_array_equal(labels, km.labels_)
    np.testing.assert_array_equal(km.predict(X_BLOBS), labels)
    D = km.transform(X_BLOBS)
    np.testing.assert_allclose(D, np.linalg.norm(X_BLOBS[:, None] - km.cluster_centers_[None], axis=2), atol=1e-10)
    np.testing.assert_allclose(KMeans(4, random_state=0).fit_transform(X_BLOBS), D, atol=1e-10)


def test_verbose_prints_sklearn_lines(capsys):
    KMeans(4, random_state=0, verbose=1).fit(X_BLOBS)
    out = capsys.readouterr().out
    assert "Initialization complete" in out
    assert "Iteration 0, inertia" in out
    assert "Converged at iteration" in out


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(algorithm="full"), ValueError, "algorithm"),
        (dict(algorithm="auto"), TypeError, "algorithm"),
        (dict(n_init=0), ValueError, "n_init"),
        (dict(n_init="many"), TypeError, "n_init"),
        (dict(max_iter=0), ValueError, "max_iter"),
        (dict(tol=-1.0), ValueError, "tol"),
        (dict(n_clusters=0), ValueError, "n_clusters"),
        (dict(n_clusters=2.5), TypeError, "n_clusters"),
        (dict(copy_x="yes"), ValueError, "copy_x"),
        (dict(init="kmeans"), ValueError, "init"),
        (dict(init=np.zeros((3, 2))), ValueError, "does not match the number of clusters"),
        (dict(init=np.zeros((4, 3))), ValueError, "features"),
        (dict(init=lambda X, k, random_state: np.zeros((k + 1, 2))), ValueError, "from init"),
        (dict(n_clusters=601), ValueError, "n_samples=600 should be >= n_clusters=601"),
    ],
)
def test_bad_parameters_raise_sklearns_categories(params, error, match):
    params = {"n_clusters": 4, **params}
    with pytest.raises(error, match=match):
        KMeans(**params).fit(X_BLOBS)


def test_explicit_centres_with_n_init_warn():
    with pytest.warns(RuntimeWarning, match="Explicit initial centres"):
        KMeans(4, init=X_BLOBS[:4], n_init=3).fit(X_BLOBS)


def test_callable_init_is_called_like_sklearn_and_auto_means_ten():
    calls = []

    def init(X, n_clusters, random_state):
        assert isinstance(random_state, np.random.RandomState)
        calls.append(X.shape)
        return X[random_state.choice(len(X), n_clusters, replace=False)]

    km = KMeans(4, init=init, random_state=0).fit(X_BLOBS)
    assert calls == [X_BLOBS.shape] * 10  # n_init="auto": 10 runs for a callable, as scikit-learn
    ref = SKKMeans(4, init=init, random_state=0).fit(X_BLOBS)
    assert km.inertia_ == pytest.approx(ref.inertia_, rel=1e-9)


def test_feature_names_out_and_set_output():
    km = KMeans(3, random_state=0).fit(X_BLOBS)
    np.testing.assert_array_equal(km.get_feature_names_out(), ["kmeans0", "kmeans1", "kmeans2"])
    assert km.set_output(transform="default") is km
    assert isinstance(km.transform(X_BLOBS), np.ndarray)
    assert not hasattr(km, "feature_names_in_")  # a plain array has no feature names


def test_feature_names_in_and_pandas_output():
    pd = pytest.importorskip("pandas")  # not a dependency of this project; runs where it is installed
    frame = pd.DataFrame(X_BLOBS, columns=["x", "y"])
    km = KMeans(4, random_state=0).fit(frame)
    np.testing.assert_array_equal(km.feature_names_in_, ["x", "y"])
    np.testing.assert_array_equal(km.predict(frame), km.labels_)
    out = km.set_output(transform="pandas").transform(frame)
    assert list(out.columns) == ["kmeans0", "kmeans1", "kmeans2", "kmeans3"]
    with pytest.warns(UserWarning, match="feature names"):
        km.predict(X_BLOBS)  # fitted with names, given none: scikit-learn's warning


# -- sparse input ---------------------------------------------------------------------------------


def _sparse_data(seed=0):
    rng = np.random.default_rng(seed)
    X = sparse.random(800, 60, density=0.08, format="csr", random_state=seed) * 3.0
    X = X + sparse.csr_matrix((rng.integers(0, 4, 800) == np.arange(4)[:, None]).T.repeat(15, axis=1) * 2.0)
    return sparse.csr_matrix(X)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_matches_sklearn_from_the_same_init(fmt, weighted):
    X = _sparse_data().asformat(fmt)
    w = np.random.default_rng(2).uniform(0.5, 2, X.shape[0]) if weighted else None
    init = X[:4].toarray()
    ref = SKKMeans(4, init=init, n_init=1).fit(X, sample_weight=w)
    km = KMeans(4, init=init, n_init=1).fit(X, sample_weight=w)
    np.testing.assert_array_equal(km.labels_, ref.labels_)
    np.testing.assert_allclose(km.cluster_centers_, ref.cluster_centers_, rtol=1e-7, atol=1e-12)
    assert km.inertia_ == pytest.approx(ref.inertia_, rel=1e-7)
    assert km.n_iter_ == ref.n_iter_
    np.testing.assert_array_equal(km.predict(X), ref.predict(X))
    np.testing.assert_allclose(km.transform(X), ref.transform(X), rtol=1e-7, atol=1e-7)
    assert km.score(X) == pytest.approx(ref.score(X), rel=1e-7)


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_sparse_seeding_draws_like_sklearn(init):
    X = _sparse_data(1)
    ref = SKKMeans(4, init=init, random_state=5, n_init=2).fit(X)
    km = KMeans(4, init=init, random_state=5, n_init=2).fit(X)
    np.testing.assert_array_equal(km.labels_, ref.labels_)
    np.testing.assert_allclose(km.cluster_centers_, ref.cluster_centers_, rtol=1e-7, atol=1e-12)


def test_sparse_and_dense_give_the_same_clustering():
    X = _sparse_data(2)
    init = X[:4].toarray()
    a = KMeans(4, init=init).fit(X)
    b = KMeans(4, init=init).fit(X.toarray())
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=1e-9, atol=1e-12)


def test_sparse_data_are_never_densified():
    # 3,000 x 2,000,000 would take 48 GB dense; sparse it is 360 kB.
    n, d = 3_000, 2_000_000
    rng = np.random.default_rng(0)
    rows = np.repeat(np.arange(n), 10)
    cols = (rng.integers(0, 3, n).repeat(10) * 1000 + rng.integers(0, 50, 10 * n))
    X = sparse.csr_matrix((rng.uniform(0.5, 1, 10 * n), (rows, cols)), shape=(n, d), dtype=np.float32)
    km = KMeans(3, random_state=0, max_iter=20).fit(X)
    assert km.cluster_centers_.shape == (3, d)
    assert km.cluster_centers_.dtype == np.float32
    assert km.predict(X[:10]).shape == (10,)


def test_sparse_bad_input():
    X = _sparse_data().astype(np.float64)
    X.data[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        KMeans(2).fit(X)


def test_memory_mapped_float32_file_is_read_in_place(tmp_path):
    # Data larger than memory can be a read-only memory-mapped .npy: no copy is made of it.
    X = X_BLOBS.astype(np.float32)
    np.save(tmp_path / "X.npy", X)
    mapped = np.load(tmp_path / "X.npy", mmap_mode="r")
    from kmeans_gui.engine import _validation

    assert np.shares_memory(_validation.check_data(mapped), mapped)
    km = KMeans(4, init=X[:4], n_init=1).fit(mapped)
    ref = KMeans(4, init=X[:4], n_init=1).fit(X)
    np.testing.assert_array_equal(km.labels_, ref.labels_)
    assert km.cluster_centers_.dtype == np.float32
