"""k-means on scipy.sparse data (CSR or CSC) without densifying it: TF-IDF-sized inputs.

Centres are dense (k, n_features); the data stay sparse. Distances use
``||x||^2 - 2 x.c + ||c||^2`` with the sparse-dense product doing ``x.c``, chunk by chunk of rows
(centring would densify, so unlike the dense path there is no offset: the same form scikit-learn
uses on sparse input). Sums for the update come from one sparse product (membership x X).
The loop follows scikit-learn's Lloyd step for step (same convergence tests, same relocation of
empty clusters, same final assignment), so from the same start it gives the same labels.
"""

from __future__ import annotations

import numpy as np

__all__ = ["is_sparse", "check_sparse", "kmeans_plusplus", "random_init", "lloyd", "nearest", "sq_distances"]

#: Rows per chunk: a (chunk, k) float64 block per chunk at most.
CHUNK_ROWS = 8_192


def is_sparse(X) -> bool:
    from scipy import sparse

    return sparse.issparse(X)


def check_sparse(X, name: str = "X"):
    """``X`` as CSR with float32/float64 finite values; other formats convert (sparsely)."""
    from scipy import sparse

    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}.")
    n, d = X.shape
    if n == 0 or d == 0:
        raise ValueError(f"{name} is empty (shape={X.shape}): at least 1 sample and 1 feature are required.")
    X = sparse.csr_matrix(X) if not (sparse.isspmatrix_csr(X) or getattr(X, "format", None) == "csr") else X
    if np.iscomplexobj(X.data):
        raise ValueError(f"Complex data not supported in {name}: pass real numbers.")
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    if not np.isfinite(X.data).all():
        raise ValueError(f"{name} contains NaN or inf; input contains NaN or inf. Drop or impute those values.")
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    return X


def row_sq_norms(X) -> np.ndarray:
    """Squared Euclidean norm of every row, float64, shape (n_samples,)."""
    sq = X.multiply(X).sum(axis=1)
    return np.asarray(sq, dtype=np.float64).ravel()


def _chunks(n):
    return [(a, min(a + CHUNK_ROWS, n)) for a in range(0, n, CHUNK_ROWS)]


def sq_distances(X, centers, x_sq=None) -> np.ndarray:
    """Squared distances (n_samples, n_centres), float64, clipped at 0."""
    C = np.asarray(centers, dtype=np.float64)
    x_sq = row_sq_norms(X) if x_sq is None else x_sq
    c_sq = np.einsum("ij,ij->i", C, C)
    out = np.empty((X.shape[0], C.shape[0]))
    for a, b in _chunks(X.shape[0]):
        D = np.asarray(X[a:b] @ C.T, dtype=np.float64)
        D *= -2.0
        D += x_sq[a:b, None]
        D += c_sq
        np.maximum(D, 0.0, out=D)
        out[a:b] = D
    return out


def nearest(X, centers, x_sq=None):
    """Nearest centre (int32, lowest index on ties) and the squared distance to it, per row."""
    C = np.asarray(centers, dtype=np.float64)
    x_sq = row_sq_norms(X) if x_sq is None else x_sq
    c_sq = np.einsum("ij,ij->i", C, C)
    n = X.shape[0]
    labels = np.empty(n, dtype=np.int32)
    best = np.empty(n)
    for a, b in _chunks(n):
        D = np.asarray(X[a:b] @ C.T, dtype=np.float64)
        D *= -2.0
        D += c_sq
        lab = D.argmin(axis=1)
        labels[a:b] = lab
        best[a:b] = np.maximum(D[np.arange(b - a), lab] + x_sq[a:b], 0.0)
    return labels, best


def _to_points(X, rows, x_sq):
    """Squared distances (len(rows), n_samples) from the given rows of X to every row."""
    P = X[rows].toarray().astype(np.float64)
    p_sq = x_sq[rows]
    D = np.asarray(X @ P.T, dtype=np.float64).T
    D *= -2.0
    D += x_sq[None, :]
    D += p_sq[:, None]
    np.maximum(D, 0.0, out=D)
    return D


def kmeans_plusplus(X, n_clusters, sample_weight, random_state, x_sq) -> np.ndarray:
    """Greedy k-means++ on sparse rows: the same RandomState calls as scikit-learn's, so seeded
    alike it draws the same seeds. Returns dense centres, shape (n_clusters, n_features)."""
    n = X.shape[0]
    n_local_trials = 2 + int(np.log(n_clusters))
    first = int(random_state.choice(n, p=sample_weight / sample_weight.sum()))
    chosen = [first]
    closest = _to_points(X, [first], x_sq)[0]
    potential = closest @ sample_weight
    for _ in range(1, n_clusters):
        rand_vals = random_state.uniform(size=n_local_trials) * potential
        candidates = np.searchsorted(np.cumsum(sample_weight * closest), rand_vals)
        np.clip(candidates, None, n - 1, out=candidates)
        to_candidates = _to_points(X, candidates, x_sq)
        np.minimum(closest, to_candidates, out=to_candidates)
        potentials = to_candidates @ sample_weight
        best = int(np.argmin(potentials))
        chosen.append(int(candidates[best]))
        potential = potentials[best]
        closest = to_candidates[best]
    return X[chosen].toarray().astype(np.float64)


def random_init(X, n_clusters, sample_weight, random_state) -> np.ndarray:
    """``n_clusters`` distinct rows drawn by weight, as dense centres (scikit-learn's draw)."""
    seeds = random_state.choice(X.shape[0], size=n_clusters, replace=False, p=sample_weight / sample_weight.sum())
    return X[seeds].toarray().astype(np.float64)


def tolerance(X, tol: float) -> float:
    """``tol`` times the mean per-feature variance, computed sparsely."""
    if tol == 0:
        return 0.0
    n = X.shape[0]
    mean = np.asarray(X.mean(axis=0), dtype=np.float64).ravel()
    mean_sq = np.asarray(X.multiply(X).mean(axis=0), dtype=np.float64).ravel()
    return float(np.mean(np.maximum(mean_sq - mean**2, 0.0)) * tol) if n else 0.0


def _weighted_sums(X, weights, labels, k):
    from scipy import sparse

    n = X.shape[0]
    member = sparse.csr_matrix((weights, (labels, np.arange(n))), shape=(k, n))
    return np.asarray((member @ X).toarray(), dtype=np.float64), np.bincount(labels, weights=weights, minlength=k)


def _update(X, weights, labels, min_sq, centers, empty_policy):
    """New centres from the labels; empty clusters take the points farthest from their centre."""
    k = centers.shape[0]
    wx, w = _weighted_sums(X, weights, labels, k)
    empty = np.flatnonzero(w <= 0)
    labels_for_sums = labels
    if empty.size and empty_policy == "farthest" and min_sq.max() > 0:
        far = np.argpartition(min_sq, -empty.size)[: -empty.size - 1 : -1]
        labels_for_sums = labels.copy()
        labels_for_sums[far] = empty[: far.size]
        # Summed afresh rather than by subtraction: a heavy point leaving a light cluster
        # would leave rounding of its own size behind.
        wx, w = _weighted_sums(X, weights, labels_for_sums, k)
    new = centers.copy()
    filled = w > 0
    new[filled] = wx[filled] / w[filled, None]
    return new


def lloyd(X, weights, centers, max_iter, tol, empty_policy="farthest", verbose=False, x_sq=None):
    """Lloyd's iterations on CSR ``X`` from dense ``centers``, scikit-learn's loop step for step.

    Returns (centres float64 (k, d), labels int32 (n,), inertia, n_iter, converged).
    """
    x_sq = row_sq_norms(X) if x_sq is None else x_sq
    centers = np.asarray(centers, dtype=np.float64).copy()
    labels_old = np.full(X.shape[0], -1, dtype=np.int32)
    strict = converged = False
    for i in range(max_iter):
        labels, min_sq = nearest(X, centers, x_sq)
        new = _update(X, weights, labels, min_sq, centers, empty_policy)
        shift = float(np.sum((new - centers) ** 2))
        if verbose:
            print(f"Iteration {i}, inertia {float(min_sq @ weights)}.")
        centers = new
        if np.array_equal(labels, labels_old):
            strict = converged = True
            if verbose:
                print(f"Converged at iteration {i}: strict convergence.")
            break
        if shift <= tol:
            converged = True
            if verbose:
                print(f"Converged at iteration {i}: center shift {shift} within tolerance {tol}.")
            break
        labels_old = labels
    if not strict:
        labels, min_sq = nearest(X, centers, x_sq)
    return centers, labels, float(min_sq @ weights), i + 1, converged

