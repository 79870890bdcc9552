"""Lloyd's assignment step: every point to its nearest centre, exactly, by one of three
strategies (:func:`_make_assigner` picks): the compiled kernel (:mod:`._kernels`), a plain dense
pass for small data, and a NumPy pass that skips the points Hamerly's bounds prove cannot move.

Each ``assign(C, prev_labels, moved, sums)`` returns (labels, n_changed, change of the
per-cluster sums of :mod:`._sums`).
"""

from __future__ import annotations

import numpy as np

from . import _kernels
from ._frozen import frozen as _frozen
from ._sums import _relabel
from .distances import (
    CHUNK_ROWS,
    RUNNING_MIN_MAX_K,
    feature_major,
    map_chunks,
    nearest_in_columns,
    two_nearest_in_columns,
)


#: Bounds are first built once an assignment changes fewer than this fraction of the points.
WARMUP_CHANGED_FRACTION = 0.4

#: Above this fraction of a block in doubt, the whole block is recomputed densely.
DENSE_FRACTION = 0.6

#: Rows per block of the bounded assignment. Larger than the distance chunks: most rows of a
#: block cost a few cheap vector operations, so per-block Python overhead dominates small blocks.
ASSIGN_BLOCK_ROWS = 262_144


#: Up to this many points, bounds cost more bookkeeping than they save: every point is
#: compared with every centre, in one block, on a centred copy of X made once.
_SMALL_N = 32_768

#: Which assignment runs: "auto", or one of "compiled", "dense", "bounded" (tests compare them).
#: "auto" takes the compiled kernel (see _kernels) from this many points on when Numba is
#: there; below, or without Numba, the NumPy assigners: dense up to _SMALL_N points, bounded above.
ASSIGNER = "auto"
_COMPILED_MIN_N = 2_048


def _make_assigner(X, weights, stats, C, share_labels=False):
    choice = ASSIGNER
    if choice == "auto":
        n = X.shape[0]
        if n >= _COMPILED_MIN_N and _kernels.available():
            choice = "compiled"
        else:
            choice = "dense" if n <= _SMALL_N else "bounded"
    if choice == "compiled":
        if not _kernels.available(wait=True):
            raise RuntimeError("The compiled assignment needs Numba, which is not available here.")
        return _kernels.CompiledAssigner(X, weights, stats.mean, C, in_place=share_labels)
    return (_DenseAssigner if choice == "dense" else _BoundedAssigner)(X, weights, stats, C)


class _DenseAssigner:
    """Plain Lloyd assignment for small data, where per-call overhead is what costs."""

    def __init__(self, X, weights, stats, C):
        self.Xct = feature_major(X, stats.mean)
        self.weights = weights

    def assign(self, C, prev_labels, moved, sums):
        Dt = (-2.0 * C) @ self.Xct
        Dt += np.einsum("ij,ij->i", C, C)[:, None]
        lab = nearest_in_columns(Dt)[0]
        # lab already holds every new label, so _relabel's writes into it change nothing.
        delta, n_changed = _relabel(sums, self.Xct, self.weights, lab, prev_labels, lab, slice(0, lab.size))
        return _frozen(lab), n_changed, np.zeros_like(sums.table) if delta is None else delta


def _round_up_f32(values: np.ndarray) -> np.ndarray:
    """float32 values >= the float64 ``values``: casting moves a value by at most 2**-24 of it."""
    factor = np.copysign(2.0**-22, values)
    factor += 1.0
    factor *= values
    return factor.astype(np.float32)


def _round_down_f32(values: np.ndarray) -> np.ndarray:
    """float32 values <= the float64 ``values`` (infinities stay infinite)."""
    factor = np.copysign(-(2.0**-22), values)
    factor += 1.0
    factor *= values
    return factor.astype(np.float32)


class _BoundedAssigner:
    """Exact nearest-centre assignment that skips points Hamerly's bounds prove cannot move.

    Hamerly's bounds: per point, ``u`` >= distance to its own centre and ``l`` <= distance to any
    other centre. When centres move, ``u`` grows by its own centre's move and ``l`` shrinks by the
    largest move among the other centres. A point can change cluster only if ``u`` exceeds ``l``;
    such points are compared with all k centres, which also makes both bounds exact again.
    (Hamerly's further tests, an exact ``u`` first and half the distance to the nearest other
    centre, cost more in NumPy than the distances they save at the k this app sees: measured.)

    Both shifts depend only on the point's cluster, so instead of rewriting ``u`` and ``l`` for all
    n points every iteration, each point stores them relative to per-cluster running totals of the
    shifts (``u_base``, and ``slack = l_base - u_base``). The skip test is then one gather and one
    comparison per point: ``slack < (up_total + low_total)[label]``.
    """

    def __init__(self, X, weights, stats, C):
        n = X.shape[0]
        offset = stats.mean
        k = C.shape[0]
        self.X, self.weights, self.offset = X, weights, offset
        # float32 halves the memory and the traffic of the per-point test; values are rounded
        # the safe way (upper bounds up, lower bounds and slack down), so tests stay conservative.
        self.u_base = np.empty(n, dtype=np.float32)
        self.slack = np.empty(n, dtype=np.float32)
        self.up_total = np.zeros(k)  # sum of each centre's moves so far
        self.low_total = np.zeros(k)  # sum of the largest move among the *other* centres
        # float32 data are compared in float32, as scikit-learn does: half the memory traffic.
        self.dtype = np.float32 if X.dtype == np.float32 else np.float64
        # Bounds are loosened by what rounding can do, so the skip test stays conservative:
        # ||x||^2 - 2x.c + ||c||^2 is off by at most sq_error (a few ulps of the largest squared
        # norm), which moves its square root d by at most sq_error / max(d, sqrt(sq_error));
        # centring x in the working dtype moves a distance by at most coord_error.
        eps = float(np.finfo(self.dtype).eps)
        d = X.shape[1]
        extent = np.maximum(np.abs(stats.max - offset), np.abs(stats.min - offset))
        scale_sq = float(extent @ extent) + float(np.max(np.einsum("ij,ij->i", C, C)))
        self.sq_error = 4.0 * (d + 2) * eps * scale_sq
        self.sqrt_sq_error = np.sqrt(self.sq_error)
        self.coord_error = 2.0 * eps * float(np.sqrt(d) * extent.max())
        # While many points still change cluster, bounds would be rebuilt every iteration at
        # about three times the cost of a plain assignment; they are built once the run settles.
        self.bounds_valid = False
        self.changed_fraction = 1.0

    def _nearest_two(self, Xt, C, C_sq):
        """Labels, distance to the nearest and to the second-nearest centre (loosened by margin).

        ``Xt`` is a centred block, feature-major (d, m). Done CHUNK_ROWS columns at a time so the
        (k, chunk) distance block stays in cache.
        """
        m = Xt.shape[1]
        if m > CHUNK_ROWS:
            parts = [self._nearest_two(Xt[:, a : a + CHUNK_ROWS], C, C_sq) for a in range(0, m, CHUNK_ROWS)]
            return tuple(np.concatenate(p) for p in zip(*parts))
        k = C.shape[0]
        m = Xt.shape[1]
        x_sq = np.einsum("ij,ij->j", Xt, Xt)
        C_sq = C_sq.astype(Xt.dtype)
        if k <= RUNNING_MIN_MAX_K:
            Dt = (-2.0 * C).astype(Xt.dtype) @ Xt
            Dt += C_sq[:, None]
            lab, best, second = two_nearest_in_columns(Dt)
        else:
            D = Xt.T @ (-2.0 * C.T).astype(Xt.dtype)
            D += C_sq
            lab = D.argmin(axis=1).astype(np.int32)
            rows = np.arange(m)
            best = D[rows, lab]
            D[rows, lab] = np.inf
            second = D.min(axis=1)
        return lab, self._distance(best, x_sq, +1.0), self._distance(second, x_sq, -1.0)

    def _distance(self, partial_sq, x_sq, direction):
        """sqrt(partial + ||x||^2) as float64, moved up (+1) or down (-1) by its rounding bound."""
        dist = partial_sq.astype(np.float64)
        dist += x_sq
        np.maximum(dist, 0.0, out=dist)
        np.sqrt(dist, out=dist)
        slack = self.sq_error / np.maximum(dist, self.sqrt_sq_error)
        slack += self.coord_error
        if direction > 0:
            dist += slack
        else:
            dist -= slack
        return dist

    def _store(self, rows, lab, upper, lower):
        """Record fresh bounds for ``rows`` relative to the running totals."""
        u_base = _round_up_f32(upper - self.up_total.take(lab))
        self.u_base[rows] = u_base
        self.slack[rows] = _round_down_f32(lower + self.low_total.take(lab) - u_base)

    def assign(self, C, prev_labels, moved, sums):
        """Labels for centres C; returns (labels, n_changed, change of the per-cluster sums)."""
        if prev_labels is not None:
            self.up_total += moved
            order = np.argsort(moved)
            other_max = np.full(moved.size, moved[order[-1]])
            if moved.size > 1:
                other_max[order[-1]] = moved[order[-2]]
            self.low_total += other_max
        if not self.bounds_valid and self.changed_fraction > WARMUP_CHANGED_FRACTION / C.shape[0]:
            result = self._assign_plain(C, prev_labels, sums)
        elif not self.bounds_valid:
            result = self._assign_bounded(C, prev_labels, sums, rebuild=True)
            self.bounds_valid = True
        else:
            result = self._assign_bounded(C, prev_labels, sums, rebuild=False)
        self.changed_fraction = result[1] / self.X.shape[0]
        return result

    def _assign_plain(self, C, prev_labels, sums):
        """Plain Lloyd assignment, block by block: labels only, no bounds."""
        X, weights, offset = self.X, self.weights, self.offset
        n = X.shape[0]
        C_sq = np.einsum("ij,ij->i", C, C)
        labels = np.empty(n, dtype=np.int32) if prev_labels is None else prev_labels.copy()

        # ||c||^2 rides in the GEMM as one more column against a row of ones: a pass over the
        # (k, m) block saved.
        C_aug = np.hstack([-2.0 * C, C_sq[:, None]]).astype(self.dtype)
        d = X.shape[1]

        def work(a, b):
            Xt_aug = feature_major(X, offset, slice(a, b), self.dtype, ones_row=True)
            Xt = Xt_aug[:d]
            lab = nearest_in_columns(C_aug @ Xt_aug)[0]
            old = None if prev_labels is None else prev_labels[a:b]
            return _relabel(sums, Xt, weights[a:b], lab, old, labels, slice(a, b))

        return self._gather(labels, map_chunks(work, n, CHUNK_ROWS), sums)

    @staticmethod
    def _gather(labels, results, sums):
        delta = np.zeros_like(sums.table)
        n_changed = 0
        for part, count in results:
            if part is not None:
                delta += part
            n_changed += count
        return _frozen(labels), n_changed, delta

    def _assign_bounded(self, C, prev_labels, sums, rebuild):
        """Assignment that skips points the bounds clear; ``rebuild`` computes every bound afresh."""
        X, weights, offset = self.X, self.weights, self.offset
        n = X.shape[0]
        C_sq = np.einsum("ij,ij->i", C, C)
        labels = np.empty(n, dtype=np.int32) if prev_labels is None else prev_labels.copy()
        if not rebuild:
            skip_below = _round_up_f32(self.up_total + self.low_total)

        def work(a, b):
            if rebuild:
                Xt = feature_major(X, offset, slice(a, b), self.dtype)
                lab, best, second = self._nearest_two(Xt, C, C_sq)
                self._store(slice(a, b), lab, best, second)
                old = None if prev_labels is None else prev_labels[a:b]
                return _relabel(sums, Xt, weights[a:b], lab, old, labels, slice(a, b))
            lab_old = prev_labels[a:b]
            doubt = np.flatnonzero(self.slack[a:b] < skip_below.take(lab_old))
            if doubt.size == 0:
                return None, 0
            if doubt.size > DENSE_FRACTION * (b - a):
                # Gathering most of a block costs more than computing all of it, and doing it
                # all refreshes every bound in the block.
                rows, lab_d = slice(a, b), lab_old
                Xt = feature_major(X, offset, rows, self.dtype)
            else:
                rows = a + doubt
                lab_d = lab_old.take(doubt)
                Xt = feature_major(X, offset, rows, self.dtype)
            lab, best, second = self._nearest_two(Xt, C, C_sq)
            self._store(rows, lab, best, second)
            return _relabel(sums, Xt, weights[rows] if isinstance(rows, slice) else weights.take(rows),
                            lab, lab_d, labels, rows)

        block = CHUNK_ROWS if rebuild else ASSIGN_BLOCK_ROWS
        return self._gather(labels, map_chunks(work, n, block), sums)

