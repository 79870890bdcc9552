"""Chunked distances: right answers, and bounded memory (no n x k x d temporary)."""

import tracemalloc

import numpy as np

from kmeans_gui.engine import nearest_center, sq_distances


def test_nearest_center_matches_brute_force_across_chunk_edges():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40_000, 3)).astype(np.float32) + 500
    C = rng.normal(size=(7, 3)) + 500
    labels, d2 = nearest_center(X, C)
    ref = ((X.astype(np.float64)[:, None] - C[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(labels, ref.argmin(1))
    np.testing.assert_allclose(d2, ref.min(1), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(sq_distances(X, C), ref, rtol=1e-9, atol=1e-9)


def test_nearest_center_memory_is_bounded_by_the_chunk_not_n_k_d():
    rng = np.random.default_rng(1)
    n, d, k = 400_000, 3, 16
    X = rng.normal(size=(n, d))
    C = rng.normal(size=(k, d))
    tracemalloc.start()
    nearest_center(X, C)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    outputs = n * (4 + 8)  # labels (int32) and distances (float64)
    broadcast = n * k * d * 8  # what the naive formula would allocate: 154 MB
    assert peak < outputs + 24 * 2**20
    assert peak < broadcast / 5


def test_column_stats_match_numpy_across_chunks():
    from kmeans_gui.engine.distances import column_stats

    rng = np.random.default_rng(3)
    X = (rng.normal(size=(300_001, 3)) * [1, 100, 0.01] + [1e6, -5, 0]).astype(np.float32)
    stats = column_stats(X)
    X64 = X.astype(np.float64)
    np.testing.assert_allclose(stats.mean, X64.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(stats.var, X64.var(axis=0), rtol=1e-9)
    np.testing.assert_array_equal(stats.min, X64.min(axis=0))
    np.testing.assert_array_equal(stats.max, X64.max(axis=0))
