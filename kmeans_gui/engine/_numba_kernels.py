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


@njit(cache=True, nogil=True)
def _assign_block(X, offset, Ct, weights, labels_in, labels_out, u_base, slack, up_total, low_total,
                  skip_below, first, rel, start, stop, acc):
    """Rows start..stop: see assign_blocks. Returns how many changed label."""
    d, k = Ct.shape
    xc = np.empty(d)
    dist = np.empty(k)
    n_changed = 0
    for i in range(start, stop):
        old = -1
        if not first:
            old = labels_in[i]
            labels_out[i] = old
            if slack[i] > skip_below[old]:
                continue  # the bounds prove the nearest centre is still its own
        for j in range(d):
            xc[j] = X[i, j] - offset[j]
        if not first:
            # Hamerly's second test: the exact distance to the own centre may still clear it.
            s = 0.0
            for j in range(d):
                t = xc[j] - Ct[j, old]
                s += t * t
            ub = np.float64(u_base[i])
            sl = np.float64(slack[i])
            lt = low_total[old]
            lower = (sl + ub) - lt
            lower -= rel * (abs(sl) + abs(ub) + lt)
            # Compared squared first: the square root is only needed when the test passes.
            if lower > 0.0 and s * (1.0 + 3.0 * rel) < lower * lower:
                own = np.sqrt(s) * (1.0 + rel)
                new_ub = _f32_up(own - up_total[old])
                u_base[i] = new_ub
                slack[i] = _f32_down(lower + lt - np.float64(new_ub) - rel * (abs(lower) + lt + own))
                continue
        # Distances to all centres, feature by feature: the inner loop over k vectorises.
        x0 = xc[0]
        for c in range(k):
            t = x0 - Ct[0, c]
            dist[c] = t * t
        for j in range(1, d):
            xj = xc[j]
            for c in range(k):
                t = xj - Ct[j, c]
                dist[c] += t * t
        # Nearest and second-nearest without branches (selects): data-dependent branches here
        # mispredict about half the time and cost twice the distances themselves (measured).
        best = dist[0]
        second = np.inf
        lab = 0
        for c in range(1, k):
            s = dist[c]
            hi = s if s > best else best
            second = hi if hi < second else second
            lab = c if s < best else lab  # strict: the lowest index wins ties, as argmin
            best = s if s < best else best
        upper = np.sqrt(best) * (1.0 + rel)
        lower = np.sqrt(second) * (1.0 - rel)
        new_ub = _f32_up(upper - up_total[lab])
        u_base[i] = new_ub
        lt = low_total[lab]
        slack[i] = _f32_down(lower + lt - np.float64(new_ub) - rel * (abs(lower) + lt + upper))
        if lab == old:
            continue
        labels_out[i] = lab
        n_changed += 1
        w = weights[i]
        xx = 0.0
        for j in range(d):
            xx += xc[j] * xc[j]
        for j in range(d):
            acc[lab, j] += w * xc[j]
        acc[lab, d] += w
        acc[lab, d + 1] += w * xx
        acc[lab, d + 2] += 1.0
        acc[lab, d + 3] += w
        if old >= 0:
            for j in range(d):
                acc[old, j] -= w * xc[j]
            acc[old, d] -= w
            acc[old, d + 1] -= w * xx
            acc[old, d + 2] -= 1.0
            acc[old, d + 3] += w
    return n_changed


@njit(parallel=True, cache=True, nogil=True)
def assign_blocks(X, offset, Ct, weights, labels_in, labels_out, u_base, slack, up_total, low_total,
                  skip_below, first, rel, block_rows, delta, changed):
    """One assignment over all rows, blocks in parallel.

    X (n, d) float32/float64; offset (d,); Ct (d, k) centred centres, feature-major; weights (n,);
    labels_in/labels_out (n,) int32; u_base, slack (n,) float32 bounds (see CompiledAssigner);
    up_total, low_total, skip_below (k,); first: no labels yet; rel: relative rounding margin;
    delta (n_blocks, k, d + 4) zeros, receives each block's change of the sums; changed (n_blocks,).
    """
    n = X.shape[0]
    for b in prange(changed.shape[0]):
        start = b * block_rows
        changed[b] = _assign_block(X, offset, Ct, weights, labels_in, labels_out, u_base, slack, up_total,
                                   low_total, skip_below, first, rel, start, min(n, start + block_rows), delta[b])


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
