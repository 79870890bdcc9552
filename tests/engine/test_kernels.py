"""The compiled assignment (Numba) against the NumPy reference, state by state."""

import subprocess
import warnings
import sys

import numpy as np
import pytest

from kmeans_gui.engine import _assign, _kernels, kmeans_steps
from kmeans_gui.engine.distances import column_stats

needs_numba = pytest.mark.skipif(not _kernels.available(wait=True), reason="Numba is not installed")


def _blobs(n, d, k, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(k, d))
    X = centres[rng.integers(0, k, n)] + rng.normal(0, 3.0, size=(n, d))  # overlapping: many moves
    return (X + 50.0).astype(dtype)  # off the origin: centring must be right too


def _states(monkeypatch, choice, X, k, **kw):
    monkeypatch.setattr(_assign, "ASSIGNER", choice)
    return list(kmeans_steps(X, k, **kw))


@needs_numba
@pytest.mark.parametrize("n, d, k", [(20_000, 2, 8), (6_000, 5, 40), (3_000, 1, 3), (2_500, 3, 1)])
@pytest.mark.parametrize("weighted", [False, True])
def test_compiled_equals_numpy_every_state(monkeypatch, n, d, k, weighted):
    X = _blobs(n, d, max(k, 2), seed=n + d)
    w = np.random.default_rng(1).uniform(0.2, 3, n) if weighted else None
    kw = dict(init=X[:k], sample_weight=w, tol=0, max_iter=200)
    ref = _states(monkeypatch, "dense", X, k, **kw)
    fast = _states(monkeypatch, "compiled", X, k, **kw)
    assert len(fast) == len(ref) > (4 if k > 1 else 2)
    for a, b in zip(fast, ref):
        assert (a.phase, a.iteration, a.n_changed) == (b.phase, b.iteration, b.n_changed)
        np.testing.assert_array_equal(a.labels, b.labels)
        np.testing.assert_allclose(a.centers, b.centers, rtol=1e-10, atol=1e-10)
        if a.inertia is not None:
            assert a.inertia == pytest.approx(b.inertia, rel=1e-9)
    assert fast[-1].stop_reason == ref[-1].stop_reason


@needs_numba
def test_compiled_float32_matches_numpy_float64_distances(monkeypatch):
    # Both compare float32 data in float64 (the dense NumPy path centres into float64 too).
    X = _blobs(30_000, 3, 12, seed=5, dtype=np.float32)
    ref = _states(monkeypatch, "dense", X, 12, init=X[:12], tol=0)[-1]
    fast = _states(monkeypatch, "compiled", X, 12, init=X[:12], tol=0)[-1]
    assert fast.centers.dtype == np.float32
    assert fast.iteration == ref.iteration
    np.testing.assert_array_equal(fast.labels, ref.labels)
    np.testing.assert_allclose(fast.centers, ref.centers, rtol=1e-6)


@needs_numba
def test_compiled_handles_duplicates_and_an_empty_cluster(monkeypatch):
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 5.0], [9.0, 1.0]]), 1000, axis=0)
    init = np.array([[0.0, 0.0], [5.0, 5.0], [9.0, 1.0], [100.0, 100.0]])
    ref = _states(monkeypatch, "dense", X, 4, init=init)
    fast = _states(monkeypatch, "compiled", X, 4, init=init)
    for a, b in zip(fast, ref):
        np.testing.assert_array_equal(a.labels, b.labels)
        np.testing.assert_allclose(a.centers, b.centers, rtol=1e-12)
        assert a.empty_clusters == b.empty_clusters


def test_without_numba_the_numpy_path_runs(monkeypatch):
    monkeypatch.setattr(_kernels, "_kernel", None)
    monkeypatch.setattr(_kernels, "_failed", True)
    monkeypatch.setattr(_assign, "ASSIGNER", "auto")
    assert not _kernels.available()
    X = _blobs(40_000, 2, 4, seed=2)
    assert isinstance(_assign._make_assigner(X, np.ones(len(X)), column_stats(X), X[:4]), _assign._BoundedAssigner)
    final = list(kmeans_steps(X, 4, init=X[:4]))[-1]
    assert final.converged


@needs_numba
def test_while_loading_in_the_background_runs_use_numpy_without_waiting(monkeypatch):
    import threading

    release = threading.Event()
    loader = threading.Thread(target=release.wait)
    loader.start()
    try:
        monkeypatch.setattr(_kernels, "_kernel", None)
        monkeypatch.setattr(_kernels, "_loading", loader)
        assert not _kernels.available()  # answered at once, not after the load
        X = _blobs(40_000, 2, 4, seed=3)
        assert not isinstance(_assign._make_assigner(X, np.ones(len(X)), column_stats(X), X[:4]),
                              _kernels.CompiledAssigner)
    finally:
        release.set()
        loader.join()


@needs_numba
def test_warm_up_in_background_loads_the_kernel(monkeypatch):
    monkeypatch.setattr(_kernels, "_kernel", None)
    monkeypatch.setattr(_kernels, "_loading", None)
    _kernels.warm_up_in_background().join()
    assert _kernels._kernel is not None and _kernels.available()


@needs_numba
def test_in_a_qt_process_the_first_need_never_waits(monkeypatch):
    import types

    monkeypatch.setattr(_kernels, "_kernel", None)
    monkeypatch.setattr(_kernels, "_loading", None)
    monkeypatch.setitem(sys.modules, "PySide6", types.ModuleType("PySide6"))
    assert not _kernels.available()  # answered at once; the load went to a thread
    _kernels._loading.join()
    assert _kernels.available()


def test_importing_the_engine_does_not_import_numba():
    code = "import sys, kmeans_gui.engine, kmeans_gui.state; assert 'numba' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@needs_numba
def test_estimator_in_place_labels_match_the_generators(monkeypatch):
    from kmeans_gui.engine import KMeans

    X = _blobs(30_000, 3, 10, seed=9, dtype=np.float32)
    monkeypatch.setattr(_assign, "ASSIGNER", "compiled")
    final = list(kmeans_steps(X, 10, init=X[:10], tol=0))[-1]
    km = KMeans(10, init=X[:10], tol=0).fit(X)
    assert km.n_iter_ == final.iteration > 5
    np.testing.assert_array_equal(km.labels_, final.labels)
    np.testing.assert_array_equal(km.cluster_centers_, final.centers)


@needs_numba
def test_compiled_equals_numpy_on_drawn_problems(monkeypatch):
    # Heavy and zero weights, k up to 12 and d up to 6 (both sides of TIGHTEN_MIN_WORK). Values
    # are distinct: with exact ties (duplicate points, two equal centres) the two paths' rounding
    # may break a tie differently (the GEMM form of the NumPy path cannot see a 1e-17 difference
    # the direct form does), which is not a disagreement about Lloyd.
    from hypothesis import HealthCheck, assume, given, settings
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    coords = st.floats(-50, 50, allow_nan=False, width=64).filter(lambda v: abs(v) > 1e-6)

    @st.composite
    def problems(draw):
        n = draw(st.integers(2, 200))
        d = draw(st.integers(1, 6))
        X = draw(arrays(np.float64, (n, d), elements=coords, unique=True))
        k = draw(st.integers(1, min(n, 12)))
        w = draw(st.one_of(st.none(), arrays(np.float64, n, elements=st.sampled_from([0.0, 0.5, 1.0, 3.0, 1e9]))))
        if w is not None and w.sum() == 0:
            w = None
        return X, k, w, draw(st.integers(0, 2**16))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
    @given(problems())
    def check(problem):
        X, k, w, seed = problem
        kw = dict(init="k-means++", sample_weight=w, random_state=seed, tol=0, max_iter=50)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = _states(monkeypatch, "dense", X, k, **kw)
            fast = _states(monkeypatch, "compiled", X, k, **kw)
        # Seeding can repeat a centre (zero weights): two equal centres are one exact tie after another.
        assume(np.unique(ref[0].centers, axis=0).shape[0] == k)
        assert len(fast) == len(ref)
        for a, b in zip(fast, ref):
            if b.labels is not None:
                np.testing.assert_array_equal(a.labels, b.labels)
            np.testing.assert_allclose(a.centers, b.centers, rtol=1e-9, atol=1e-9)

    check()
