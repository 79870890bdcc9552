"""The Numba kernels behind :mod:`._kernels`, imported only when first needed (Numba's import
and the cache load cost a few hundred milliseconds). Module-level functions, not closures, so
that ``cache=True`` can store them on disk.

The parallel loop only hands row blocks to :func:`_assign_block`: a ``prange`` body with inner
loops compiled about five times slower than the same loops in a plain function (measured).
"""

import numpy as np
from numba import njit, prange


@njit(inline="always", cache=True)
def _f32_up(v):
    # Casting moves a value by at most 2**-24 of it; 2**-22 of headroom keeps the result >= v.
    return np.float32(v + abs(v) * 2.0**-22 + 1e-37)


@njit(inline="always", cache=True)
def _f32_down(v):
    return np.float32(v - abs(v) * 2.0**-22 - 1e-37)


#: Points whose bounds fail are scanned against all centres in batches of this many, so that
#: the distance loops and the running minimum run across points, in SIMD lanes.
SCAN_BATCH = 32

#: Hamerly's second test (the exact own distance) is tried first only when a full scan costs
#: more than this many multiply-adds (k x d); below, the full scan is cheaper in the end.
TIGHTEN_MIN_WORK = 64


@njit(cache=True, nogil=True)
def _scan_batch(xt, m, Ct, best, second, lab, dist):
    """Nearest centre, its squared distance and the second-nearest's, for points xt[:, :m]."""
    d, k = Ct.shape
    for p in range(m):
        best[p] = np.inf
        second[p] = np.inf
        lab[p] = 0
    for c in range(k):
        c0 = Ct[0, c]
        for p in range(m):
            t = xt[0, p] - c0
            dist[p] = t * t
        for j in range(1, d):
            cj = Ct[j, c]
            for p in range(m):
                t = xt[j, p] - cj
                dist[p] += t * t
        # Selects, not branches: the branches mispredict about half the time (measured).
        for p in range(m):
            s = dist[p]
            b = best[p]
            hi = s if s > b else b
            second[p] = hi if hi < second[p] else second[p]
            lab[p] = c if s < b else lab[p]  # strict: the lowest index wins ties, as argmin
            best[p] = s if s < b else b


@njit(cache=True, nogil=True)
def _settle_batch(xt, m, rows, olds, best, second, lab, weights, labels_out, u_base, slack, up_total,
                  low_total, rel, acc):
    """Fresh bounds, labels and sums for a scanned batch; returns how many changed label."""
    d = xt.shape[0]
    n_changed = 0
    for p in range(m):
        i = rows[p]
        old = olds[p]
        new = lab[p]
        upper = np.sqrt(best[p]) * (1.0 + rel)
        lower = np.sqrt(second[p]) * (1.0 - rel)
        new_ub = _f32_up(upper - up_total[new])
        u_base[i] = new_ub
        lt = low_total[new]
        slack[i] = _f32_down(lower + lt - np.float64(new_ub) - rel * (abs(lower) + lt + upper))
        if new == old:
            continue
        labels_out[i] = new
        n_changed += 1
        w = weights[i]
        xx = 0.0
        for j in range(d):
            xx += xt[j, p] * xt[j, p]
        for j in range(d):
            acc[new, j] += w * xt[j, p]
        acc[new, d] += w
        acc[new, d + 1] += w * xx
        acc[new, d + 2] += 1.0
        acc[new, d + 3] += w
        if old >= 0:
            for j in range(d):
                acc[old, j] -= w * xt[j, p]
            acc[old, d] -= w
            acc[old, d + 1] -= w * xx
            acc[old, d + 2] -= 1.0
            acc[old, d + 3] += w
    return n_changed


@njit(cache=True, nogil=True)
def _assign_block(X, offset, Ct, weights, labels_in, labels_out, u_base, slack, up_total, low_total,
                  skip_below, half_gap, first, in_place, rel, start, stop, acc):
    """Rows start..stop: see assign_blocks. Returns how many changed label."""
    d, k = Ct.shape
    xt = np.empty((d, SCAN_BATCH))
    rows = np.empty(SCAN_BATCH, dtype=np.int64)
    olds = np.empty(SCAN_BATCH, dtype=np.int64)
    best = np.empty(SCAN_BATCH)
    second = np.empty(SCAN_BATCH)
    lab = np.empty(SCAN_BATCH, dtype=np.int64)
    dist = np.empty(SCAN_BATCH)
    m = 0
    n_changed = 0
    # First pass, without branches: the rows whose bounds fail. A branch per row on this test
    # mispredicts often and cost more than the test itself (measured).
    todo = np.empty(stop - start, dtype=np.int32)
    n_todo = 0
    if first:
        for i in range(start, stop):
            todo[i - start] = i
        n_todo = stop - start
    else:
        for i in range(start, stop):
            old = labels_in[i]
            if not in_place:
                labels_out[i] = old
            todo[n_todo] = i
            n_todo += np.int64(slack[i] <= skip_below[old])  # else the bounds prove its centre is still nearest
    for t_i in range(n_todo):
        i = np.int64(todo[t_i])
        old = -1
        if not first:
            old = labels_in[i]
            # Hamerly's other test: within half the gap to the nearest other centre, nothing is nearer.
            if np.float64(u_base[i]) + up_total[old] <= half_gap[old]:
                continue
        for j in range(d):
            xt[j, m] = X[i, j] - offset[j]
        if not first:
            # Hamerly's second test: the exact distance to the own centre may still clear it.
            s = 0.0
            for j in range(d):
                t = xt[j, m] - Ct[j, old]
                s += t * t
            ub = np.float64(u_base[i])
            sl = np.float64(slack[i])
            lt = low_total[old]
            lower = (sl + ub) - lt
            lower -= rel * (abs(sl) + abs(ub) + lt)
            # Compared squared first: the square root is only needed when the test passes.
            gap = half_gap[old]
            bound = gap if gap > lower else lower
            # With few centres and features a full scan costs little more than this test, and
            # refreshes the lower bound exactly, so the point is cleared in the first pass later
            # (1M x 2, k=8: 0.71 -> 0.47 s a fit; 3M x 3, k=16: 3.4 -> 2.8 s; one thread).
            if k * d > TIGHTEN_MIN_WORK and bound > 0.0 and s * (1.0 + 3.0 * rel) < bound * bound:
                own = np.sqrt(s) * (1.0 + rel)
                # By the triangle inequality every other centre is at least 2 * gap - own away:
                # often a far better lower bound than the decayed one, which then clears the point
                # in the first pass next time instead of costing this test every iteration.
                by_gap = 2.0 * gap - own
                if by_gap > lower:
                    lower = by_gap - rel * (2.0 * gap + own)
                new_ub = _f32_up(own - up_total[old])
                u_base[i] = new_ub
                slack[i] = _f32_down(lower + lt - np.float64(new_ub) - rel * (abs(lower) + lt + own))
                continue
        rows[m] = i
        olds[m] = old
        m += 1
        if m == SCAN_BATCH:
            _scan_batch(xt, m, Ct, best, second, lab, dist)
            n_changed += _settle_batch(xt, m, rows, olds, best, second, lab, weights, labels_out, u_base, slack,
                                       up_total, low_total, rel, acc)
            m = 0
    if m > 0:
        _scan_batch(xt, m, Ct, best, second, lab, dist)
        n_changed += _settle_batch(xt, m, rows, olds, best, second, lab, weights, labels_out, u_base, slack,
                                   up_total, low_total, rel, acc)
    return n_changed


@njit(parallel=True, cache=True, nogil=True)
def assign_blocks(X, offset, Ct, weights, labels_in, labels_out, u_base, slack, up_total, low_total,
                  skip_below, half_gap, first, in_place, rel, block_rows, delta, changed):
    """One assignment over all rows, blocks in parallel.

    X (n, d) float32/float64; offset (d,); Ct (d, k) centred centres, feature-major; weights (n,);
    labels_in/labels_out (n,) int32; u_base, slack (n,) float32 bounds (see CompiledAssigner);
    up_total, low_total, skip_below (k,); half_gap (k,): half the distance from each centre to the
    nearest other one, rounded down; first: no labels yet; in_place: labels_out is labels_in, so
    unchanged labels are not rewritten; rel: relative rounding margin;
    delta (n_blocks, k, d + 4) zeros, receives each block's change of the sums; changed (n_blocks,).
    """
    n = X.shape[0]
    for b in prange(changed.shape[0]):
        start = b * block_rows
        changed[b] = _assign_block(X, offset, Ct, weights, labels_in, labels_out, u_base, slack, up_total,
                                   low_total, skip_below, half_gap, first, in_place, rel, start,
                                   min(n, start + block_rows), delta[b])


@njit(cache=True, nogil=True)
def _inertia_block(X, offset, Ct, weights, labels, start, stop):
    d = X.shape[1]
    total = 0.0
    for i in range(start, stop):
        lab = labels[i]
        s = 0.0
        for j in range(d):
            t = (X[i, j] - offset[j]) - Ct[j, lab]
            s += t * t
        total += weights[i] * s
    return total


@njit(parallel=True, cache=True, nogil=True)
def inertia_blocks(X, offset, Ct, weights, labels, block_rows, partial):
    """sum_i w_i ||x_i - offset - c_{label_i}||^2 point by point, into partial (n_blocks,) sums."""
    n = X.shape[0]
    for b in prange(partial.shape[0]):
        start = b * block_rows
        partial[b] = _inertia_block(X, offset, Ct, weights, labels, start, min(n, start + block_rows))
