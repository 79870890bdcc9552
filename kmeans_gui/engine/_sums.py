"""The per-cluster running sums behind Lloyd's update, kept up to date from the points that
changed cluster, so an iteration costs a few vector passes over n instead of n x k work.
"""

from __future__ import annotations

import numpy as np

from .distances import feature_major, map_chunks


#: Up to this many features, the per-cluster sums come from one np.bincount; beyond, from a sparse product.
_BINCOUNT_MAX_FEATURES = 8


class _Sums:
    """Per-cluster running sums over the points of each label, float64.

    Columns: ``w*x`` (d of them, on centred data), ``w``, ``w*||x||^2``, count, churn. Counts are
    kept separately from weights so that "empty" is exact even after many +/- updates. Churn is
    the total weight ever added to or taken from a cluster: the rounding left by +/- updates is
    a few ulps of it, so when it dwarfs the cluster's weight (a heavy point passed through) the
    sums are recomputed from the points (:meth:`needs_refresh`).
    """

    #: Sums are recomputed once a cluster's churn exceeds this multiple of its weight: rounding
    #: then stays below about 1e4 ulps of the data's extent.
    REFRESH_CHURN = 1e4

    def __init__(self, n_clusters: int, n_features: int):
        self.k, self.d = n_clusters, n_features
        self.table = np.zeros((n_clusters, n_features + 4))

    @property
    def wx(self):
        return self.table[:, : self.d]

    @property
    def w(self):
        return self.table[:, self.d]

    @property
    def wxx(self):
        return self.table[:, self.d + 1]

    @property
    def count(self):
        return self.table[:, self.d + 2]

    @property
    def churn(self):
        return self.table[:, self.d + 3]

    def needs_refresh(self) -> bool:
        return bool(np.any(self.churn > self.REFRESH_CHURN * self.w))

    def contributions(self, Xt: np.ndarray, wb: np.ndarray, new: np.ndarray, old: np.ndarray | None):
        """The (k, d+4) change in the sums when points move from ``old`` to ``new`` labels.

        ``Xt`` holds the points feature-major, shape (d, m): NumPy's elementwise work over a short
        last axis is several times slower than over a long one.
        """
        k, d = self.k, self.d
        ncol = d + 3
        m = Xt.shape[1]
        feats = np.empty((ncol, m))
        np.multiply(Xt, wb, out=feats[:d])
        feats[d] = wb
        np.einsum("ij,ij->j", Xt, Xt, out=feats[d + 1], dtype=np.float64)
        feats[d + 1] *= wb
        feats[d + 2] = 1.0
        if d <= _BINCOUNT_MAX_FEATURES:
            # One bincount over (label, column) pairs instead of d + 3 separate ones.
            cols = np.arange(ncol)[:, None]
            idx = (new * ncol + cols).ravel()
            vals = feats.ravel()
            if old is not None:
                idx = np.concatenate((idx, (old * ncol + cols).ravel()))
                vals = np.concatenate((vals, -vals))
            delta = np.bincount(idx, weights=vals, minlength=k * ncol).reshape(k, ncol)
            return self._with_churn(delta, wb, new, old)
        # Wide data: a sparse +1/-1 membership matrix times the features, O(m) extra memory
        # where the (label, column) index arrays above would be O(m x d).
        from scipy import sparse  # only wide data needs it; keeps start-up light

        rows = np.arange(m)
        if old is None:
            member = sparse.csr_matrix((np.ones(m), (new, rows)), shape=(k, m))
        else:
            member = sparse.csr_matrix(
                (np.concatenate((np.ones(m), -np.ones(m))), (np.concatenate((new, old)), np.concatenate((rows, rows)))),
                shape=(k, m),
            )
        return self._with_churn(np.asarray(member @ feats.T), wb, new, old)

    def _with_churn(self, delta, wb, new, old):
        churn = np.bincount(new, weights=wb, minlength=self.k)
        if old is not None:
            churn += np.bincount(old, weights=wb, minlength=self.k)
        return np.column_stack((delta, churn))

    def add(self, delta: np.ndarray):
        self.table += delta
        # Empty clusters hold exactly nothing; this wipes the rounding left by +/- updates.
        self.table[self.count == 0] = 0.0

    def recompute(self, X, weights, offset, labels):
        """Sums afresh from the points: no +/- rounding left, churn back to each cluster's weight."""
        dtype = np.float32 if X.dtype == np.float32 else np.float64

        def work(a, b):
            return self.contributions(feature_major(X, offset, slice(a, b), dtype), weights[a:b], labels[a:b], None)

        self.table = np.sum(map_chunks(work, X.shape[0]), axis=0)

    def inertia(self, centers_c: np.ndarray) -> float:
        """sum_j sum_{i in j} w_i ||x_i - c_j||^2, from the sums alone (centred coordinates)."""
        per_cluster = self.wxx - 2.0 * np.einsum("ij,ij->i", centers_c, self.wx) + self.w * np.einsum(
            "ij,ij->i", centers_c, centers_c
        )
        return float(max(per_cluster.sum(), 0.0))


def _relabel(sums, Xt, w, new, old, labels, rows):
    """Write the labels of ``rows`` that changed and return (change of the sums, how many changed).

    ``Xt`` (d, m) and ``w`` (m,) are those rows' centred points and weights, ``new`` and ``old``
    their labels now and before (``old`` None on the first assignment); ``rows`` indexes them in
    ``labels`` (a slice or an index array).
    """
    if old is None:
        labels[rows] = new
        return sums.contributions(Xt, w, new, None), new.size
    moved = np.flatnonzero(new != old)
    if moved.size == 0:
        return None, 0
    changed_new = new.take(moved)
    row_index = np.arange(rows.start, rows.stop) if isinstance(rows, slice) else rows
    labels[row_index.take(moved)] = changed_new
    return sums.contributions(Xt.take(moved, axis=1), w.take(moved), changed_new, old.take(moved)), moved.size

