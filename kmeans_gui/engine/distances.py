"""Chunked squared distances and nearest-centre search with bounded memory.

Nothing here builds an ``n x k x d`` temporary: rows are processed in chunks, and each chunk
costs ``O(chunk x k)`` extra memory. Distances use ``||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2``
with the GEMM doing the ``x.c`` part, computed in float64 on data centred by ``offset`` so that
float32 input and data far from the origin keep their precision.
"""

from __future__ import annotations

import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

__all__ = ["CHUNK_ROWS", "ColumnStats", "column_stats", "nearest_center", "nearest_in_columns", "two_nearest_in_columns", "feature_major", "data_offset", "sq_distances", "sq_distances_to_points", "map_chunks"]

#: Rows per chunk. 8-16k rows keep a chunk's ``chunk x k`` block in cache for the k this app sees.
CHUNK_ROWS = 16_384

#: Two pools: one for calls from the main (GUI) thread, one for calls from any other thread.
#: A long job on a worker (a 12 MP quantize) fills its pool's queue with chunks; were the pool
#: shared, the GUI thread's next call (the canvas's Voronoi regions) would wait behind them all.
_pools: dict[str, ThreadPoolExecutor] = {}
_pool_lock = threading.Lock()


def _n_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _pool_for_caller() -> ThreadPoolExecutor:
    name = "main" if threading.current_thread() is threading.main_thread() else "background"
    with _pool_lock:  # the GUI thread and a worker may both get here first
        pool = _pools.get(name)
        if pool is None:
            prefix = "kmeans-chunks" if name == "main" else "kmeans-chunks-background"
            pool = _pools[name] = ThreadPoolExecutor(_threads_for(name), thread_name_prefix=prefix)
    return pool


def _threads_for(name: str) -> int:
    """Threads of a pool. Both get every core: leaving one to the GUI thread measured no better
    (benchmarks/bench_image_gui.py --background-threads) and made the work a third slower."""
    return _n_threads()


def map_chunks(func, n_rows: int, chunk_rows: int = CHUNK_ROWS):
    """Call ``func(start, stop)`` over row chunks, on a small thread pool when there are several.

    NumPy releases the GIL in its ufuncs, reductions and BLAS calls, so row blocks run in parallel.
    BLAS is held to one thread meanwhile: our threads times OpenBLAS's would oversubscribe the
    cores (measured 1.5x slower on 2 cores). Results come back in chunk order. Calls from the
    main thread and from other threads use separate pools, so background work never queues
    ahead of the GUI's own. ``func`` must not call map_chunks itself.
    """
    bounds = [(a, min(a + chunk_rows, n_rows)) for a in range(0, n_rows, chunk_rows)]
    if len(bounds) <= 1 or _n_threads() == 1:
        return [func(a, b) for a, b in bounds]
    pool = _pool_for_caller()
    with _blas_controller().limit(limits=1, user_api="blas"):
        return list(pool.map(lambda ab: func(*ab), bounds))


@functools.lru_cache(maxsize=1)
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


#: Up to this many centres, the nearest is found with reductions along axis 0 of a (k, m)
#: block (see nearest_in_columns); beyond it, argmin along the contiguous axis of (m, k) wins.
RUNNING_MIN_MAX_K = 32


def nearest_in_columns(Dt: np.ndarray):
    """Column-wise argmin (int32) and min of a (k, m) block, lowest index on ties (as argmin).

    For small k, reductions along axis 0 run as SIMD passes over whole rows, where NumPy's argmin
    along a short axis pays a per-column overhead; the label is then the first row equal to the
    minimum, found from the last row back.
    """
    k, m = Dt.shape
    if k > RUNNING_MIN_MAX_K:
        lab = np.ascontiguousarray(Dt.T).argmin(axis=1).astype(np.int32)
        return lab, Dt[lab, np.arange(m)]
    best = Dt.min(axis=0)
    lab = np.full(m, k - 1, dtype=np.int32)
    hit = np.empty(m, dtype=bool)
    for j in range(k - 2, -1, -1):
        np.equal(Dt[j], best, out=hit)
        np.copyto(lab, j, where=hit)
    return lab, best


class ColumnStats(NamedTuple):
    """Per-feature mean, variance, minimum and maximum of X, float64 arrays of shape (n_features,)."""

    mean: np.ndarray
    var: np.ndarray
    min: np.ndarray
    max: np.ndarray


def column_stats(X: np.ndarray, chunk_rows: int = 4 * CHUNK_ROWS) -> ColumnStats:
    """Mean, variance, min and max of every column in one pass over X.

    Reductions along axis 0 of an (n, 2) array run an inner loop of two elements per row and are
    several times slower than over a feature-major block, so each chunk is transposed first;
    chunk means and squared deviations are merged with Chan's pairwise formula, which keeps the
    variance as precise as a two-pass computation.
    """

    def work(a, b):
        block = np.array(X[a:b].T, dtype=np.float64, order="C")
        mean = block.mean(axis=1)
        dev = block - mean[:, None]
        return b - a, mean, np.einsum("ij,ij->i", dev, dev), block.min(axis=1), block.max(axis=1)

    parts = map_chunks(work, X.shape[0], chunk_rows)
    n, mean, m2, lo, hi = parts[0]
    for n_b, mean_b, m2_b, lo_b, hi_b in parts[1:]:
        total = n + n_b
        delta = mean_b - mean
        mean = mean + delta * (n_b / total)
        m2 = m2 + m2_b + delta**2 * (n * n_b / total)
        lo, hi, n = np.minimum(lo, lo_b), np.maximum(hi, hi_b), total
    return ColumnStats(mean, m2 / n, lo, hi)


def two_nearest_in_columns(Dt: np.ndarray):
    """Column-wise argmin, min and second-smallest value of a (k, m) block. Dt is overwritten."""
    k, m = Dt.shape
    lab, best = nearest_in_columns(Dt)
    if k == 1:
        return lab, best, np.full(m, np.inf)
    winner = lab.astype(np.intp) * m
    winner += np.arange(m)
    Dt.put(winner, np.inf)
    return lab, best, Dt.min(axis=0)


def feature_major(X: np.ndarray, offset: np.ndarray, rows=None, dtype=np.float64, ones_row=False) -> np.ndarray:
    """Rows of X (all, a slice, or an index array), centred on ``offset``, as a (d, m) array.

    NumPy's elementwise work over a short last axis is several times slower than over a long
    one, so blocks are handled feature-major. With ``ones_row``, a row of ones is appended
    (shape (d + 1, m)), so that a GEMM can add a per-centre constant.
    """
    block = X if rows is None else (X[rows] if isinstance(rows, slice) else X.take(rows, axis=0))
    d, m = block.shape[1], block.shape[0]
    Xt = np.empty((d + 1 if ones_row else d, m), dtype=dtype)
    Xt[:d] = block.T
    Xt[:d] -= offset.astype(dtype)[:, None]
    if ones_row:
        Xt[d] = 1.0
    return Xt


def _sq_distance_columns(Xt: np.ndarray, P: np.ndarray, P_sq: np.ndarray) -> np.ndarray:
    """Squared distances (len(P), m) from centred points P to a feature-major block, clipped at 0."""
    D = (-2.0 * P) @ Xt
    D += P_sq[:, None]
    D += np.einsum("ij,ij->j", Xt, Xt)
    np.maximum(D, 0.0, out=D)
    return D


def data_offset(X: np.ndarray) -> np.ndarray:
    """A point near the centre of X, float64: distances are computed relative to it, since the
    GEMM form ||x||^2 - 2x.c + ||c||^2 loses digits far from the origin. The first rows suffice."""
    return np.asarray(X[: min(X.shape[0], 4096)].mean(axis=0), dtype=np.float64)


def _centred(X: np.ndarray, points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An offset near X's centre, the points centred on it and their squared norms."""
    offset = data_offset(X)
    P = np.atleast_2d(np.asarray(points, dtype=np.float64)) - offset
    return offset, P, np.einsum("ij,ij->i", P, P)


def nearest_center(X: np.ndarray, centers: np.ndarray, *, chunk_rows: int = CHUNK_ROWS):
    """Index of the nearest centre and the squared distance to it, for every row of ``X``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64, C-contiguous
    centers : ndarray of shape (n_clusters, n_features)

    Returns
    -------
    labels : ndarray of shape (n_samples,), int32
    min_sq_dist : ndarray of shape (n_samples,), float64
    """
    n = X.shape[0]
    offset, C, C_sq = _centred(X, centers)
    labels = np.empty(n, dtype=np.int32)
    min_sq = np.empty(n, dtype=np.float64)

    def work(a, b):
        Xt = feature_major(X, offset, slice(a, b))
        Dt = (-2.0 * C) @ Xt
        Dt += C_sq[:, None]
        labels[a:b], best = nearest_in_columns(Dt)
        best += np.einsum("ij,ij->j", Xt, Xt)
        np.maximum(best, 0.0, out=best)
        min_sq[a:b] = best

    map_chunks(work, n, chunk_rows)
    return labels, min_sq


def sq_distances(X: np.ndarray, centers: np.ndarray, *, chunk_rows: int = CHUNK_ROWS) -> np.ndarray:
    """All squared distances, shape (n_samples, n_clusters), float64, computed chunk by chunk.

    The result itself is ``n x k``; what this avoids is the ``n x k x d`` broadcast.
    """
    n = X.shape[0]
    offset, C, C_sq = _centred(X, centers)
    out = np.empty((n, C.shape[0]), dtype=np.float64)

    def work(a, b):
        out[a:b] = _sq_distance_columns(feature_major(X, offset, slice(a, b)), C, C_sq).T

    map_chunks(work, n, chunk_rows)
    return out


def sq_distances_to_points(X: np.ndarray, points: np.ndarray, offset: np.ndarray | None = None):
    """Squared distances from every row of X to a few points: shape (len(points), n_samples).

    Used by the seeding methods, which compare all rows with 1 to ~2 + ln k candidates at a time.
    """
    n = X.shape[0]
    if offset is None:
        offset, P, P_sq = _centred(X, points)
    else:
        P = np.atleast_2d(np.asarray(points, dtype=np.float64)) - offset
        P_sq = np.einsum("ij,ij->i", P, P)
    out = np.empty((P.shape[0], n), dtype=np.float64)

    def work(a, b):
        out[:, a:b] = _sq_distance_columns(feature_major(X, offset, slice(a, b)), P, P_sq)

    map_chunks(work, n)
    return out
