"""Compiled (Numba) assignment for Lloyd's iterations: the fast path of :mod:`.steps`.

One fused, parallel pass over row blocks does what the NumPy path does in several: Hamerly's
skip test, the exact distance to the own centre when the test fails, the full nearest-two search
when that fails too, fresh bounds, the new label, and the change of the per-cluster sums. A point
the bounds clear costs a few bytes of memory traffic (its label and its slack), never its row of X.

The NumPy assigners in :mod:`.steps` stay the reference: tests run both and compare. This module
imports Numba, so nothing imports it at start-up; :func:`available` imports it on first need.
Compiled code is cached on disk (``cache=True``): the first call in a fresh install compiles
(measured in ``benchmarks/bench_engine.py``), later processes load it.
"""

from __future__ import annotations

import os
import sys
import threading

import numpy as np

from ._frozen import frozen

__all__ = ["available", "CompiledAssigner", "warm_up", "warm_up_in_background"]

#: Rows per parallel block. Each block keeps its own (k, d + 4) table of sums.
BLOCK_ROWS = 16_384

_lock = threading.Lock()
_kernel = None
_failed = False
_loading: threading.Thread | None = None


def available(wait: bool | None = None) -> bool:
    """True when Numba imports and the kernel compiles (or loads from the cache).

    Loading takes a second or so (the first time ever, a compile: 14-31 s measured). ``wait``:
    load now and answer; or (False) start :func:`warm_up_in_background` and answer False at once,
    so the caller runs the NumPy path meanwhile. By default a process that has loaded Qt (the app)
    never waits, so no click stalls the window on Numba; scripts and the estimator's users wait
    once. While a background load runs, other threads get False at once. Set
    ``KMEANS_GUI_NUMBA=0`` in the environment to force the NumPy path.
    """
    global _kernel, _failed
    if _kernel is not None:
        return True
    if _failed or os.environ.get("KMEANS_GUI_NUMBA", "1") == "0":
        return False
    loading = _loading
    if loading is not None and threading.current_thread() is loading:
        wait = True
    elif loading is not None and loading.is_alive():
        return False
    if wait is None:
        wait = "PySide6" not in sys.modules
    if not wait:
        warm_up_in_background()
        return False
    with _lock:
        if _kernel is None and not _failed:
            try:
                _kernel = _build()
            except Exception:  # no Numba, or one that cannot compile here: NumPy path
                _failed = True
    return _kernel is not None


def warm_up_in_background() -> threading.Thread:
    """Load (or compile) the kernel on a daemon thread; runs meanwhile use NumPy, never wait.

    For an application: call it once the window is up, so that neither the first paint nor the
    first large run waits for Numba. Returns the thread (join it to wait).
    """
    global _loading
    with _lock:
        if _loading is None:
            _loading = threading.Thread(target=warm_up, name="kmeans-kernel-warm-up", daemon=True)
            _loading.start()
        return _loading


def warm_up() -> bool:
    """Import Numba and load (or compile) the kernel now, e.g. on a worker thread after start-up."""
    if not available(wait=True):
        return False
    X = np.zeros((4, 2))
    for data in (X, X.astype(np.float32)):
        a = CompiledAssigner(data, np.ones(4), X.mean(axis=0), np.zeros((2, 2)))
        labels = a.assign(np.array([[0.0, 0.0], [1.0, 1.0]]), None, None)[0]
        a.inertia(np.zeros((2, 2)), labels)
    return True


def _build():
    if "NUMBA_THREADING_LAYER" not in os.environ:
        import numba

        # Workers that sleep rather than spin: on a busy machine, OpenMP's spinning threads took
        # the cores from the ones still working (all-skip pass on 12M rows: 40-59 ms with omp,
        # 18-40 ms with workqueue, 2 threads). Our launches are serialised by _lock, which the
        # workqueue layer needs.
        numba.config.THREADING_LAYER = "workqueue"
    from . import _numba_kernels  # Numba's import and the cache load happen here

    return _numba_kernels


class CompiledAssigner:
    """Exact nearest-centre assignment with Hamerly's bounds, in one compiled pass per iteration.

    Same protocol as the NumPy assigners of :mod:`.steps`: ``assign(C, prev_labels, moved)``
    returns the new labels (read-only), how many changed, and the (k, d + 4) change of the sums.
    Bounds live from the first assignment on: computing the second-nearest distance costs
    nothing extra here. Bounds are float32, rounded the safe way; distances are float64 on
    centred coordinates for float32 data too, so labels are the float64 ones.
    """

    def __init__(self, X, weights, offset, C, in_place=False):
        n, d = X.shape
        k = C.shape[0]
        self.X, self.weights = X, weights
        self.offset = np.ascontiguousarray(offset, dtype=np.float64)
        self.u_base = np.empty(n, dtype=np.float32)
        self.slack = np.empty(n, dtype=np.float32)
        self.up_total = np.zeros(k)
        self.low_total = np.zeros(k)
        eps = float(np.finfo(np.float64).eps)
        # Relative error of a float64 distance summed over d squared differences, with headroom.
        self.rel = 4.0 * (d + 4) * eps
        self.n_blocks = -(-n // BLOCK_ROWS)
        # In place: one labels array, updated where a label changes (no n-sized write per pass).
        self.in_place = in_place

    def assign(self, C, prev_labels, moved, sums=None):
        """Labels for centres C (``sums`` unused: the protocol of the NumPy assigners); returns (labels, n_changed, change of the per-cluster sums)."""
        k, d = C.shape
        first = prev_labels is None
        if not first:
            # Loosened by rounding's worth so the totals stay upper (lower) bounds of the true moves.
            moved = moved * (1.0 + self.rel) + 1e-300
            self.up_total += moved
            order = np.argsort(moved)
            other_max = np.full(k, moved[order[-1]])
            if k > 1:
                other_max[order[-1]] = moved[order[-2]]
            self.low_total += other_max
            self.up_total *= 1.0 + 2.0 * np.finfo(np.float64).eps
            self.low_total *= 1.0 + 2.0 * np.finfo(np.float64).eps
        skip_below = (self.up_total + self.low_total) * (1.0 + 4.0 * np.finfo(np.float64).eps)
        in_place = self.in_place and not first
        labels = prev_labels if in_place else np.empty(self.X.shape[0], dtype=np.int32)
        delta = np.zeros((self.n_blocks, k, d + 4))
        changed = np.zeros(self.n_blocks, dtype=np.int64)
        labels_in = labels if first else prev_labels
        Ct = np.ascontiguousarray(C.T, dtype=np.float64)
        half_gap = self._half_gaps(C)
        if self.n_blocks == 1:
            # One block: called directly, no parallel launch (waking the workers costs more than
            # the whole pass on small data).
            changed[0] = _kernel._assign_block(self.X, self.offset, Ct, self.weights, labels_in, labels, self.u_base,
                                               self.slack, self.up_total, self.low_total, skip_below, half_gap,
                                               first, in_place, self.rel, 0, self.X.shape[0], delta[0])
        else:
            with _lock:  # Numba's workqueue threading layer must not be entered from two threads at once
                _kernel.assign_blocks(self.X, self.offset, Ct, self.weights, labels_in, labels, self.u_base,
                                      self.slack, self.up_total, self.low_total, skip_below, half_gap, first,
                                      in_place, self.rel, BLOCK_ROWS, delta, changed)
        if not self.in_place:
            frozen(labels)
        return labels, int(changed.sum()), delta.sum(axis=0)

    def _half_gaps(self, C) -> np.ndarray:
        """Half the distance from each centre to its nearest other centre, rounded down (k,)."""
        k = C.shape[0]
        if k == 1:
            return np.full(1, np.inf)
        diff = C[:, None, :] - C[None, :, :]
        gaps = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
        np.fill_diagonal(gaps, np.inf)
        return gaps.min(axis=1) * (0.5 * (1.0 - 2.0 * self.rel))

    def inertia(self, C, labels) -> float:
        """sum_i w_i ||x_i - c_label||^2 point by point (C centred), without temporaries."""
        Ct = np.ascontiguousarray(C.T, dtype=np.float64)
        if self.n_blocks == 1:
            return float(_kernel._inertia_block(self.X, self.offset, Ct, self.weights, labels, 0, self.X.shape[0]))
        partial = np.zeros(self.n_blocks)
        with _lock:
            _kernel.inertia_blocks(self.X, self.offset, Ct, self.weights, labels, BLOCK_ROWS, partial)
        return float(partial.sum())
