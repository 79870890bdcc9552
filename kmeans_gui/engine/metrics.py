"""How good is a clustering? Inertia, the silhouette coefficient, and the knee of an elbow curve.

Silhouette
    For a sample i in cluster A, ``a`` is its mean distance to the other members of A and ``b``
    its mean distance to the members of the nearest other cluster; ``s = (b - a) / max(a, b)``.
    A singleton cluster's sample has ``s = 0``, and so has a sample with ``a = b = 0`` (all points
    identical), as in scikit-learn. Computed from scratch here, row block by row block: a block of
    Euclidean distances (m, n) times a one-hot label matrix (n, k) gives every sample's distance
    sum to every cluster in one GEMM, so memory is ``O(m n + n k)`` instead of ``O(n^2)``. Several
    labellings of the same points (a sweep over k) share each distance block: their one-hot
    matrices sit side by side and one GEMM serves them all.

Knee
    The Kneedle method (Satopaa et al., 2011) on a convex, decreasing curve such as inertia
    against k; it answers "no clear knee" rather than inventing one.

The sweep over k lives in :mod:`.sweep`, which imports this module (never the other way round:
import-linter checks it).
"""

from __future__ import annotations

import numbers
import threading
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from . import _validation as v
from .distances import map_chunks, nearest_center
from .progress import Progress

__all__ = [
    "SILHOUETTE_MAX_POINTS",
    "SILHOUETTE_SAMPLE_SIZE",
    "Silhouette",
    "Knee",
    "inertia",
    "silhouette_samples",
    "silhouette_samples_multi",
    "silhouette_score",
    "silhouette",
    "find_knee",
]

#: Above this many points, :func:`silhouette` (and the k sweep) estimate on a random sample.
SILHOUETTE_MAX_POINTS = 20_000
#: Size of that sample. 10,000 points cost ~10^8 distances: a fraction of a second.
SILHOUETTE_SAMPLE_SIZE = 10_000

# Distances per row block (float64): 2^19 entries = 4 MB. A block needs about three such arrays
# while it is being built, so a worker thread holds ~12 MB and the pool (<= 4 threads) < 50 MB.
_BLOCK_ENTRIES = 1 << 19
# Up to this many features, distances come from coordinate differences (exact for duplicates);
# beyond, the GEMM expansion is cheaper than d passes over each block.
_DIRECT_MAX_FEATURES = 4


# --------------------------------------------------------------------------------------- inertia


def inertia(X, centers, labels=None, sample_weight=None) -> float:
    """Weighted sum of squared distances of samples to their centre.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    centers : array-like of shape (n_clusters, n_features)
    labels : array-like of shape (n_samples,) of ints in [0, n_clusters), optional
        Which centre each sample belongs to; by default its nearest centre (the k-means objective).
    sample_weight : array-like of shape (n_samples,), optional

    Returns
    -------
    float
    """
    X = v.check_data(X)
    C = v.check_data(centers, name="centers")
    if C.shape[1] != X.shape[1]:
        raise ValueError(f"centers have {C.shape[1]} feature(s) but X has {X.shape[1]}.")
    w = v.check_sample_weight(sample_weight, X.shape[0])
    if labels is None:
        return float(nearest_center(X, C)[1] @ w)
    lab = np.asarray(labels)
    if lab.shape != (X.shape[0],) or not np.issubdtype(lab.dtype, np.integer):
        raise ValueError(f"labels must be integers of shape ({X.shape[0]},), got {lab.dtype} {lab.shape}.")
    if lab.size and (lab.min() < 0 or lab.max() >= C.shape[0]):
        raise ValueError(f"labels must lie in [0, {C.shape[0]}): one per centre.")
    diff = X.astype(np.float64, copy=False) - C.astype(np.float64)[lab]
    return float(np.einsum("ij,ij->i", diff, diff) @ w)


# ------------------------------------------------------------------------------------ silhouette


@dataclass(frozen=True, eq=False)
class Silhouette:
    """Silhouette values of a clustering, exact or estimated on a random sample.

    Attributes
    ----------
    samples : ndarray of shape (n_used,)
        Silhouette of each point used.
    labels : ndarray of shape (n_used,)
        Those points' labels.
    indices : ndarray of shape (n_used,) or None
        Rows of X the values belong to; None when every row was used, in order.
    mean : float
        The silhouette score (mean of ``samples``).
    n_total : int
        Points in X.
    """

    samples: np.ndarray
    labels: np.ndarray
    indices: np.ndarray | None
    mean: float
    n_total: int

    @property
    def n_used(self) -> int:
        return int(self.samples.shape[0])

    @property
    def sampled(self) -> bool:
        return self.indices is not None

    def describe(self) -> str:
        """E.g. "0.712 (exact, 5,000 points)" or "0.708 (estimate on a sample of 10,000 of 80,000 points)"."""
        if self.sampled:
            return f"{self.mean:.3f} (estimate on a random sample of {self.n_used:,} of {self.n_total:,} points)"
        return f"{self.mean:.3f} (exact, {self.n_total:,} points)"


def _check_labels(labels, n_samples: int, name: str = "labels") -> tuple[np.ndarray, int]:
    """Encode labels as codes 0..n_labels-1; raise a ValueError unless 2 <= n_labels <= n - 1."""
    lab = np.asarray(labels)
    if lab.ndim != 1:
        raise ValueError(f"{name} must be 1-D with one label per sample, got shape {lab.shape}.")
    if lab.shape[0] != n_samples:
        raise ValueError(f"{name} has {lab.shape[0]} entries but X has {n_samples} rows: one label per row.")
    if lab.dtype.kind == "f" and not np.isfinite(lab).all():
        raise ValueError(f"{name} contains NaN or inf.")
    if lab.dtype.kind not in "iubfUSO":
        raise ValueError(f"{name} must hold integers or strings, got dtype {lab.dtype}.")
    uniq, codes = np.unique(lab, return_inverse=True)
    n_labels = uniq.shape[0]
    if not 2 <= n_labels <= n_samples - 1:
        raise ValueError(
            f"Number of labels is {n_labels}. Valid values are 2 to n_samples - 1 (inclusive): "
            f"the silhouette compares each point's own cluster with the nearest other one, so it needs "
            f"at least 2 clusters and at least one cluster with 2 or more of the {n_samples} points."
        )
    return codes.astype(np.intp).reshape(-1), int(n_labels)


class _DistanceBlocks:
    """Euclidean distance blocks D[a:b, :] of a float64 point set, exact zero on the diagonal.

    Up to :data:`_DIRECT_MAX_FEATURES` features the differences are taken directly -- in 2-D
    (all this app draws) as complex numbers, whose ``abs`` is a hypot: identical points get
    exactly 0 and nothing cancels. More features use ``||x||^2 - 2 x.y + ||y||^2`` with the GEMM
    on centred data, which is faster there but, like scikit-learn, leaves ~1e-8 relative rounding
    between coincident points.
    """

    def __init__(self, X: np.ndarray, max_rows: int):
        X = np.asarray(X, dtype=np.float64)
        self.n, self.d = X.shape
        self.max_rows = max_rows
        # Per-thread work arrays, reused block after block: a fresh multi-MB array per block
        # costs more in page faults than the arithmetic done in it.
        self._local = threading.local()
        if self.d == 1:
            self._x = np.ascontiguousarray(X[:, 0])
        elif self.d == 2:
            self._z = X[:, 0] + 1j * X[:, 1]
        elif self.d <= _DIRECT_MAX_FEATURES:
            self._cols = np.ascontiguousarray(X.T)
        else:
            Xc = X - X.mean(axis=0)
            self._Xc = np.ascontiguousarray(Xc)
            self._minus2_XcT = np.ascontiguousarray(-2.0 * Xc.T)
            self._sq = np.einsum("ij,ij->i", Xc, Xc)

    def _buffer(self, name: str, m: int, dtype=np.float64) -> np.ndarray:
        buf = getattr(self._local, name, None)
        if buf is None or buf.shape[0] < m:
            buf = np.empty((max(m, self.max_rows), self.n), dtype=dtype)
            setattr(self._local, name, buf)
        return buf[:m]

    def block(self, a: int, b: int) -> np.ndarray:
        """Distances of rows a..b-1 to all rows: (b - a, n), valid until this thread's next call."""
        m = b - a
        D = self._buffer("D", m)
        if self.d == 1:
            np.subtract(self._x[a:b, None], self._x[None, :], out=D)
            np.abs(D, out=D)
        elif self.d == 2:
            Z = self._buffer("Z", m, np.complex128)
            np.subtract(self._z[a:b, None], self._z[None, :], out=Z)
            np.abs(Z, out=D)
        elif self.d <= _DIRECT_MAX_FEATURES:
            first, rest = self._cols[0], self._cols[1:]
            np.subtract(first[a:b, None], first[None, :], out=D)
            np.square(D, out=D)
            diff = self._buffer("diff", m)
            for col in rest:
                np.subtract(col[a:b, None], col[None, :], out=diff)
                np.square(diff, out=diff)
                D += diff
            np.sqrt(D, out=D)
        else:
            np.matmul(self._Xc[a:b], self._minus2_XcT, out=D)
            D += self._sq[None, :]
            D += self._sq[a:b, None]
            np.maximum(D, 0.0, out=D)
            np.sqrt(D, out=D)
        rows = np.arange(b - a)
        D[rows, rows + a] = 0.0  # rounding must not give a point a distance to itself
        return D


def silhouette_samples_multi(X, labelings, *, progress=None, should_stop=None) -> list[np.ndarray]:
    """Silhouette of every sample for several labellings of the same points, sharing distances.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labelings : sequence of array-like of shape (n_samples,)
        Each must have between 2 and n_samples - 1 distinct labels.
    progress : callable(fraction: float, message: str), optional
        Called from the calling thread between groups of row blocks.
    should_stop : callable() -> bool, optional
        Polled between groups of row blocks; when it returns True,
        :class:`~kmeans_gui.engine.progress.Cancelled` is raised.

    Returns
    -------
    list of ndarray of shape (n_samples,), float64, one per labelling
    """
    X = v.check_data(X)
    n = X.shape[0]
    encoded = [_check_labels(lab, n, name=f"labelings[{j}]") for j, lab in enumerate(labelings)]
    if not encoded:
        return []
    return _silhouette_core(X, encoded, Progress(progress, should_stop))


#: Most memory the one-hot matrix of several labellings may take; more labellings are split into
#: groups that each fit (distances are then computed once per group).
_ONEHOT_BUDGET_BYTES = 32 * 2**20


def _silhouette_core(X, encoded, steps: Progress) -> list[np.ndarray]:
    """The worker behind the public functions: input already checked and labels encoded."""
    n = X.shape[0]
    groups, current, width = [], [], 0
    for item in encoded:
        if current and (width + item[1]) * n * 8 > _ONEHOT_BUDGET_BYTES:
            groups.append(current)
            current, width = [], 0
        current.append(item)
        width += item[1]
    groups.append(current)
    if len(groups) > 1:
        groups_done = Progress(steps.report, steps.should_stop, total=len(groups))
        return [s for group in groups for s in _silhouette_core(X, group, groups_done.part(1))]
    widths = [k for _, k in encoded]
    offsets = np.concatenate([[0], np.cumsum(widths)])
    onehot = np.zeros((n, int(offsets[-1])), dtype=np.float64)
    rows = np.arange(n)
    for (codes, _), off in zip(encoded, offsets[:-1]):
        onehot[rows, off + codes] = 1.0
    counts = onehot.sum(axis=0)
    out = [np.empty(n, dtype=np.float64) for _ in encoded]
    block_rows = max(1, _BLOCK_ENTRIES // n)
    dist = _DistanceBlocks(X, block_rows)

    def work(a: int, b: int) -> None:
        S = dist.block(a, b) @ onehot  # (m, sum k): distance sums to every cluster of every labelling
        r = np.arange(b - a)
        for j, ((codes, k), off) in enumerate(zip(encoded, offsets[:-1])):
            sums = S[:, off:off + k]
            cnt = counts[off:off + k]
            own = codes[a:b]
            own_minus_self = cnt[own] - 1.0
            intra = np.zeros(b - a)
            np.divide(sums[r, own], own_minus_self, out=intra, where=own_minus_self > 0)
            means = sums / cnt
            means[r, own] = np.inf
            inter = means.min(axis=1)
            s = inter - intra
            denom = np.maximum(intra, inter)
            res = np.zeros(b - a)
            np.divide(s, denom, out=res, where=denom > 0)
            res[own_minus_self == 0] = 0.0  # a singleton's silhouette is 0 by convention
            out[j][a:b] = res

    # Groups of a few blocks per thread: long enough to keep the pool busy, short enough that
    # progress and cancel are checked several times a second.
    group_rows = block_rows * 8
    # The pool already runs one block per core; BLAS threads inside each block's small GEMM
    # would oversubscribe the cores, and OpenBLAS's spinning threads then halve the speed.
    with threadpool_limits(limits=1, user_api="blas"):
        for g in range(0, n, group_rows):
            steps.check()
            stop = min(n, g + group_rows)
            map_chunks(lambda a, b, g=g: work(g + a, g + b), stop - g, block_rows)
            steps.report(stop / n, f"silhouette: {stop:,} of {n:,} points")
    return out


def silhouette_samples(X, labels, *, progress=None, should_stop=None) -> np.ndarray:
    """Silhouette coefficient of every sample, exact (all pairs), in bounded memory.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        Between 2 and n_samples - 1 distinct labels (any integers or strings).

    Returns
    -------
    ndarray of shape (n_samples,), float64, in [-1, 1]
    """
    return silhouette_samples_multi(X, [labels], progress=progress, should_stop=should_stop)[0]


def _sample_indices(n: int, sample_size, random_state) -> np.ndarray:
    if isinstance(sample_size, bool) or not isinstance(sample_size, numbers.Integral) or sample_size < 2:
        raise ValueError(f"sample_size={sample_size!r} must be an integer >= 2.")
    # Drawn as scikit-learn draws it, so equal seeds pick the same sample.
    return v.check_random_state(random_state).permutation(n)[: int(sample_size)]


def silhouette_score(X, labels, *, sample_size=None, random_state=None) -> float:
    """Mean silhouette coefficient, optionally on a random sample (as scikit-learn's).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
    sample_size : int, optional
        Estimate on this many random samples (distances among them only).
    random_state : None, int or RandomState
        Picks the sample.

    Returns
    -------
    float
    """
    X = v.check_data(X)
    labels = np.asarray(labels)
    _check_labels(labels, X.shape[0])
    if sample_size is not None:
        idx = _sample_indices(X.shape[0], sample_size, random_state)
        X, labels = X[idx], labels[idx]
    return float(np.mean(silhouette_samples(X, labels)))


def silhouette(X, labels, *, max_points: int = SILHOUETTE_MAX_POINTS,
               sample_size: int = SILHOUETTE_SAMPLE_SIZE, random_state=0,
               progress=None, should_stop=None) -> Silhouette:
    """Silhouettes exact up to ``max_points`` points, else estimated on a random sample.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
    max_points : int
        Largest n computed exactly (cost grows as n^2).
    sample_size : int
        Points in the sample above that.
    random_state : None, int or RandomState

    Returns
    -------
    Silhouette
        Says whether it is sampled and on how many points (:meth:`Silhouette.describe`).
    """
    X = v.check_data(X)
    labels = np.asarray(labels)
    n = X.shape[0]
    _check_labels(labels, n)
    idx = None
    if n > max_points:
        idx = np.sort(_sample_indices(n, min(sample_size, n), random_state))
        Xs, ls = X[idx], labels[idx]
    else:
        Xs, ls = X, labels
    s = silhouette_samples(Xs, ls, progress=progress, should_stop=should_stop)
    return Silhouette(samples=s, labels=ls, indices=idx, mean=float(s.mean()), n_total=n)


# ------------------------------------------------------------------------------------------ knee


@dataclass(frozen=True, eq=False)
class Knee:
    """Where a curve bends, or why there is no clear bend.

    Attributes
    ----------
    x : float or int or None
        The knee's x (k for an elbow curve); None when there is no clear knee.
    index : int or None
        Its position in the input.
    strength : float
        Largest distance of the normalised curve below its chord (0 for a straight line, up to 1).
    message : str
        "elbow at k = 4" or an explanation of why there is none.
    difference : ndarray of shape (n_points,)
        Kneedle's difference curve (normalised chord minus normalised curve).
    """

    x: float | int | None
    index: int | None
    strength: float
    message: str
    difference: np.ndarray

    def __bool__(self) -> bool:
        return self.x is not None


def find_knee(x, y, *, sensitivity: float = 1.0, name: str = "k") -> Knee:
    """Knee of a convex, decreasing curve (an elbow curve) by the Kneedle method.

    Both axes are scaled to [0, 1]; the difference curve ``D = (1 - y_n) - x_n`` measures how far
    the curve lies below the chord from its first to its last point. A local maximum of ``D`` is
    a knee when ``D`` afterwards drops below ``D_max - sensitivity * mean(diff(x_n))`` before the
    next local maximum: the bend must stand out by about one x-step. A straight line (``D = 0``),
    a concave curve (``D < 0``) or a gentle bend fails that test, and the answer says so.

    Parameters
    ----------
    x : array-like of shape (n_points,), strictly increasing
    y : array-like of shape (n_points,), finite
    sensitivity : float, default=1.0
        Kneedle's S: larger is more conservative.
    name : str
        What x is called in the message.

    Returns
    -------
    Knee
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or y.shape != x.shape:
        raise ValueError(f"x and y must be 1-D of the same length, got shapes {x.shape} and {y.shape}.")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("x and y must be finite (drop NaN points first).")
    if not sensitivity >= 0:
        raise ValueError(f"sensitivity={sensitivity!r} must be >= 0.")
    n = x.shape[0]
    empty = np.zeros(n)
    if n < 3:
        return Knee(None, None, 0.0, f"no elbow: need at least 3 values of {name}, got {n}", empty)
    if np.any(np.diff(x) <= 0):
        raise ValueError("x must be strictly increasing.")
    y_span = y.max() - y.min()
    if y_span <= 0:
        return Knee(None, None, 0.0, "no elbow: the curve is flat", empty)
    xn = (x - x[0]) / (x[-1] - x[0])
    yn = (y - y.min()) / y_span
    # Height of the chord from the first to the last point above the curve; for a curve falling
    # from yn = 1 to yn = 0 this is Kneedle's (1 - y_n) - x_n.
    D = yn[0] + (yn[-1] - yn[0]) * xn - yn
    strength = float(max(D.max(), 0.0))
    step = float(np.mean(np.diff(xn)))
    maxima = [i for i in range(1, n - 1) if D[i] >= D[i - 1] and D[i] >= D[i + 1] and D[i] > 0]
    for pos, i in enumerate(maxima):
        threshold = D[i] - sensitivity * step
        nxt = maxima[pos + 1] if pos + 1 < len(maxima) else n
        if np.any(D[i + 1:nxt] < threshold) or (nxt == n and D[-1] < threshold):
            kx = x[i]
            kx = int(kx) if float(kx).is_integer() else float(kx)
            return Knee(kx, i, strength, f"elbow at {name} = {kx}", D)
    if strength < 1e-9:
        why = "the curve is a straight line"
    else:
        why = "the curve bends too gently for a clear knee"
    return Knee(None, None, strength, f"no clear elbow: {why}", D)

