"""Engine speed against scikit-learn's Lloyd, same process, same initial centres.

Case (c) is float32: both compare in float32, so a few points equidistant to rounding from two
centres may take either; the last column counts labels that differ from scikit-learn's.

    python benchmarks/bench_engine.py            # all four cases
    python benchmarks/bench_engine.py --compile-cost   # and the kernel's first-call cost
    python benchmarks/bench_engine.py --cases a d --repeats 3
    KMEANS_GUI_NUMBA=0 python benchmarks/bench_engine.py   # the NumPy path alone

Prints, per case: total fit time, time per iteration, ours / scikit-learn, and peak extra memory
(tracemalloc: NumPy allocations, which is what the fit adds on top of X). Both run Lloyd from the
same centres with the same max_iter and tol, so they do the same iterations.

Beyond scikit-learn, the physical floor: the time one parallel pass takes to read X (a Numba
sum over all cores, best of 5), and our time per iteration as a multiple of it. With
--compile-cost, before the cases, the compiled kernel's first-call cost: in a fresh process with
an empty Numba cache (compiling) and with the cache filled (loading).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np
from sklearn.cluster import KMeans as SKKMeans

from kmeans_gui.engine import KMeans

CASES = {
    "a": ("1,000,000 x 2, k=8", 1_000_000, 2, 8, np.float64),
    "b": ("100,000 x 50, k=100", 100_000, 50, 100, np.float64),
    "c": ("12,000,000 x 3 float32, k=16", 12_000_000, 3, 16, np.float32),
    "d": ("10,000 x 2, k=4", 10_000, 2, 4, np.float64),
}


def make_data(n, d, k, dtype, seed=0):
    """Blobs around k random centres plus 10% uniform noise: realistic enough to need iterations."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(k, d))
    X = centres[rng.integers(0, k, n)] + rng.standard_normal((n, d)) * 2.5
    noise = rng.random(n) < 0.1
    X[noise] = rng.uniform(-15, 15, size=(int(noise.sum()), d))
    X = X.astype(dtype)
    init = X[rng.choice(n, k, replace=False)].copy()
    return X, init


def timed_pair(make_ours, make_theirs, X, repeats):
    """Best-of-``repeats`` fit times, ours and theirs alternating so both see the same load."""
    best = [np.inf, np.inf]
    models = [None, None]
    for _ in range(repeats):
        for i, make in enumerate((make_ours, make_theirs)):
            gc.collect()
            model = make()
            t0 = time.perf_counter()
            model.fit(X)
            best[i] = min(best[i], time.perf_counter() - t0)
            models[i] = model
    peaks = []
    for make in (make_ours, make_theirs):
        gc.collect()
        tracemalloc.start()
        make().fit(X)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return best, models, peaks


def first_call_cost():
    """Seconds to import Numba and get the kernel ready in a fresh process: cold cache, warm cache."""
    code = ("import time; t = time.perf_counter(); from kmeans_gui.engine import _kernels; "
            "ok = _kernels.warm_up(); print(ok, time.perf_counter() - t)")
    costs = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for _ in range(2):  # the first compiles into the empty cache, the second loads it
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            ok, seconds = out.stdout.split()
            costs.append(float(seconds) if ok == "True" else float("nan"))
    return costs


def read_floor(X) -> float:
    """Seconds for one pass that reads every element of X once, on all cores."""
    try:
        from numba import njit, prange
    except ImportError:
        fn = np.sum
    else:
        @njit(parallel=True, cache=False)
        def fn(A):
            total = 0.0
            for i in prange(A.shape[0]):
                for j in range(A.shape[1]):
                    total += A[i, j]
            return total

        fn(X[:1000])
    best = np.inf
    for _ in range(5):
        t0 = time.perf_counter()
        fn(X)
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--repeats", type=int, default=3, help="best of this many fits, ours and scikit-learn alternating (default 3; case c: 2)")
    parser.add_argument("--max-iter", type=int, default=300)
    parser.add_argument("--compile-cost", action="store_true",
                        help="also measure the kernel's first-call cost in fresh processes (compiles once: ~15-30 s)")
    args = parser.parse_args(argv)

    from kmeans_gui.engine import _kernels

    if _kernels.available():
        import numba

        print(f"compiled kernel: Numba {numba.__version__}, {numba.get_num_threads()} threads "
              f"({numba.threading_layer() if _kernels.warm_up() else '?'} layer)")
        if args.compile_cost:
            cold, warm = first_call_cost()
            print(f"first-call cost in a fresh process (import + kernel ready): {cold:.2f} s compiling "
                  f"(empty cache), {warm:.2f} s loading from the cache")
    else:
        print("compiled kernel unavailable: NumPy path")

    header = (f"{'case':<32}{'ours s':>9}{'sklearn s':>11}{'ratio':>8}{'iters':>7}{'ours ms/it':>12}{'skl ms/it':>11}"
              f"{'ours MB':>9}{'skl MB':>8}{'read X ms':>11}{'it/floor':>10}  labels differing")
    print(header)
    print("-" * len(header))
    for key in args.cases:
        title, n, d, k, dtype = CASES[key]
        X, init = make_data(n, d, k, dtype)
        repeats = min(2, args.repeats) if n >= 5_000_000 else args.repeats
        (ours_t, skl_t), (ours, skl), (ours_mem, skl_mem) = timed_pair(
            lambda: KMeans(k, init=init, n_init=1, max_iter=args.max_iter, tol=1e-4),
            lambda: SKKMeans(k, init=init, n_init=1, max_iter=args.max_iter, tol=1e-4, algorithm="lloyd"),
            X,
            repeats,
        )
        differing = int(np.count_nonzero(ours.labels_ != skl.labels_))
        floor = read_floor(X)
        per_iter = ours_t / ours.n_iter_
        print(
            f"({key}) {title:<28}{ours_t:>9.3f}{skl_t:>11.3f}{ours_t / skl_t:>8.2f}{ours.n_iter_:>7d}"
            f"{per_iter * 1e3:>12.2f}{skl_t / skl.n_iter_ * 1e3:>11.2f}"
            f"{ours_mem / 2**20:>9.1f}{skl_mem / 2**20:>8.1f}{floor * 1e3:>11.2f}{per_iter / floor:>10.1f}"
            f"  {differing} of {n:,} ({skl.n_iter_} sklearn iters)",
            flush=True,
        )
        del X


if __name__ == "__main__":
    main()
