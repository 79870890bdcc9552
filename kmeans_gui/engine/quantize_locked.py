"""k-means with some centres pinned: the colours a user locked stay in the palette unchanged.

Lloyd's algorithm where only the free centres move: every point joins its nearest centre, pinned
or free, and each free centre moves to the weighted mean of its points; a pinned centre never
moves. The objective (weighted sum of squared distances) still never goes up, so it converges.
The free centres are seeded by k-means++ continued from the pinned ones (the D^2 weights start
from the distance to the nearest pinned colour), best of ``n_init``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["fit_with_locked"]


_ROWS = 8192  # rows per distance block: (8192, 256) float64 is 16 MB


def _nearest(X: np.ndarray, C: np.ndarray):
    """Nearest centre and squared distance per row; (n, d) x (k, d) -> (n,), (n,)."""
    labels = np.empty(X.shape[0], dtype=np.intp)
    sq = np.empty(X.shape[0])
    c_sq = (C * C).sum(axis=1)[None, :]
    for a in range(0, X.shape[0], _ROWS):
        Xb = X[a : a + _ROWS]
        D = (Xb * Xb).sum(axis=1)[:, None] - 2.0 * (Xb @ C.T) + c_sq
        lab = D.argmin(axis=1)
        labels[a : a + _ROWS] = lab
        sq[a : a + _ROWS] = np.maximum(D[np.arange(Xb.shape[0]), lab], 0.0)
    return labels, sq


def _seed_free(X, w, fixed, n_free, rng):
    """k-means++ continued: ``n_free`` more centres drawn with probability ~ w * D^2."""
    centres = [c for c in fixed]
    if centres:
        closest = _nearest(X, np.asarray(centres))[1]
    else:
        first = rng.choice(X.shape[0], p=w / w.sum())
        centres.append(X[first])
        closest = _nearest(X, X[first : first + 1])[1]
        n_free -= 1
    for _ in range(n_free):
        p = w * closest
        total = p.sum()
        pick = rng.choice(X.shape[0], p=p / total) if total > 0 else rng.integers(X.shape[0])
        centres.append(X[pick])
        closest = np.minimum(closest, ((X - X[pick]) ** 2).sum(axis=1))
    return np.asarray(centres[len(fixed) :])


def _lloyd_pinned(X, w, fixed, free, max_iter, tol, should_check):
    C = np.vstack([fixed, free]) if len(fixed) else free.copy()
    m = len(fixed)
    labels = None
    tol_abs = tol * float(np.mean(np.var(X, axis=0)))
    for _ in range(max_iter):
        if should_check is not None:
            should_check()
        new_labels, sq = _nearest(X, C)
        k = C.shape[0]
        weight = np.bincount(new_labels, weights=w, minlength=k)
        moved = C.copy()
        for j in range(X.shape[1]):
            sums = np.bincount(new_labels, weights=w * X[:, j], minlength=k)
            np.divide(sums, weight, out=moved[:, j], where=weight > 0)  # an empty cluster stays put
        moved[:m] = C[:m]
        shift = float(((moved - C) ** 2).sum())
        C = moved
        if labels is not None and (np.array_equal(new_labels, labels) or shift <= tol_abs):
            break
        labels = new_labels
    inertia = float(_nearest(X, C)[1] @ w)
    return C[m:], inertia


def fit_with_locked(X, weights, locked, k, *, n_init=3, rng=None, max_iter=300, tol=1e-4, should_check=None):
    """Weighted k-means with ``locked`` centres fixed; returns the k - len(locked) free centres.

    Parameters
    ----------
    X : ndarray of shape (n, d), float64
    weights : ndarray of shape (n,), float64
    locked : ndarray of shape (m, d), float64, m < k
    k : int
        Total number of centres, pinned ones included.
    n_init : int
        Seedings tried; the lowest weighted inertia wins.
    rng : numpy Generator
    should_check : callable, optional
        Called once per iteration (raises to cancel).

    Returns
    -------
    free : ndarray of shape (k - m, d), float64
    """
    X = np.asarray(X, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    fixed = np.asarray(locked, dtype=np.float64).reshape(-1, X.shape[1])
    n_free = k - fixed.shape[0]
    if n_free < 1:
        raise ValueError(f"{fixed.shape[0]} locked colours leave no free colour at k = {k}; raise k or unlock one.")
    n_free = min(n_free, X.shape[0])
    rng = np.random.default_rng(rng)
    best = None
    for _ in range(n_init):
        free = _seed_free(X, w, fixed, n_free, rng)
        free, inertia = _lloyd_pinned(X, w, fixed, free, max_iter, tol, should_check)
        if best is None or inertia < best[1]:
            best = (free, inertia)
    return best[0]
