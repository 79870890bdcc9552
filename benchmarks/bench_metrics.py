"""Silhouette and k-sweep speed, against scikit-learn in the same run.

    python benchmarks/bench_metrics.py                 # silhouette 20k, memory at 50k, sweep 10k
    python benchmarks/bench_metrics.py --skip-big      # without the 50,000-point memory check

Prints, for the silhouette of 20,000 points in 2-D: time and peak extra memory (tracemalloc,
which sees NumPy's allocations) of ours and of ``sklearn.metrics.silhouette_score``, the ratios,
and the largest difference of the per-sample values. Then the peak extra memory of ours at 50,000
points, and the wall time of ``sweep_k`` for k = 1..10 x 3 seeds on 10,000 points (fits, all
silhouettes, Calinski-Harabasz and Davies-Bouldin).
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

import numpy as np
from sklearn import metrics as skm

from kmeans_gui.engine import KMeans
from kmeans_gui.engine.metrics import silhouette_samples, silhouette_score
from kmeans_gui.engine.sweep import sweep_k


def make_data(n: int, k: int = 6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(k, 2))
    return centres[rng.integers(0, k, n)] + rng.standard_normal((n, 2)) * 1.5


def measure(fn, *args, **kwargs):
    """(result, seconds, peak extra MB) of one call."""
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, dt, peak


def timed(fn, *args, repeats: int = 1, **kwargs):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return out, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="points for the silhouette comparison")
    parser.add_argument("--repeats", type=int, default=2, help="timing repeats (best is reported)")
    parser.add_argument("--skip-big", action="store_true", help="skip the 50,000-point memory check")
    args = parser.parse_args()

    X = make_data(args.n)
    labels = KMeans(6, random_state=0).fit(X).labels_
    print(f"silhouette of {args.n:,} points in 2-D, k = 6")
    ours_score, ours_t = timed(silhouette_score, X, labels, repeats=args.repeats)
    sk_score, sk_t = timed(skm.silhouette_score, X, labels, repeats=args.repeats)
    _, _, ours_mb = measure(silhouette_score, X, labels)
    _, _, sk_mb = measure(skm.silhouette_score, X, labels)
    diff = np.abs(silhouette_samples(X, labels) - skm.silhouette_samples(X, labels)).max()
    print(f"  ours        {ours_t:7.3f} s   peak extra {ours_mb:8.1f} MB   score {ours_score:.12f}")
    print(f"  scikit-learn{sk_t:7.3f} s   peak extra {sk_mb:8.1f} MB   score {sk_score:.12f}")
    print(f"  ours / scikit-learn: time {ours_t / sk_t:.2f}x, memory {ours_mb / sk_mb:.3f}x; "
          f"max |per-sample difference| {diff:.1e}")

    if not args.skip_big:
        Xb = make_data(50_000, seed=1)
        lb = KMeans(6, random_state=0).fit(Xb).labels_
        _, t, mb = measure(silhouette_score, Xb, lb)
        print(f"silhouette of 50,000 points (ours): {t:.2f} s, peak extra {mb:.1f} MB")

    Xs = make_data(10_000, k=4, seed=2)
    sweep_k(Xs[:500], range(1, 4), 1)  # warm-up: imports, thread pool
    result, t = timed(sweep_k, Xs, range(1, 11), 3, 0, repeats=args.repeats)
    fits_t = timed(lambda: [KMeans(k, n_init=1, random_state=s).fit(Xs)
                            for k in range(1, 11) for s in result.seeds])[1]
    print(f"sweep k = 1..10 x 3 seeds on 10,000 points: {t:.2f} s "
          f"(of which the 30 fits {fits_t:.2f} s); {result.knee.message}; "
          f"best silhouette at k = {result.best_k('silhouette')}")


if __name__ == "__main__":
    main()
