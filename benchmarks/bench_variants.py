"""Soft k-means and Gaussian-mixture iterations against scikit-learn's GaussianMixture, same run.

    python benchmarks/bench_variants.py                 # 100,000 x 2, k = 8, 10 iterations
    python benchmarks/bench_variants.py --n 20000 --iters 5 --repeats 1
    python benchmarks/bench_variants.py --blas-threads 1   # both libraries on one BLAS thread

Every run starts from the same parameters (k-means++ seeds and their cells, from gmm_steps'
initial state, passed to GaussianMixture as means_init, weights_init and precisions_init) and
does the same number of EM iterations with tol=0. Time per iteration is a whole run's time
divided by the iterations (so setup and scikit-learn's final E-step are included), best of
``--repeats``, ours and scikit-learn's alternating so both see the same load. Peak extra memory
is tracemalloc's peak over one run (NumPy allocations on top of X), with the states consumed
one at a time as a viewer would. On a shared machine scikit-learn's BLAS threads can wait on
busy cores; ``--blas-threads 1`` holds both libraries to one (ours then still splits row chunks
over its own small thread pool). The last column checks the runs agree: the largest relative
difference of the final means, covariances and weights.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from kmeans_gui.engine import gmm_steps, soft_kmeans_steps


def make_data(n, d, k, seed=0):
    """Anisotropic blobs of unequal spread plus 5% uniform noise."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(k, d))
    spread = rng.uniform(0.5, 2.5, size=k)
    labels = rng.integers(0, k, n)
    X = centres[labels] + rng.standard_normal((n, d)) * spread[labels, None]
    X = X @ np.array([[1.0, 0.0], [0.6, 0.8]])[:d, :d] if d == 2 else X
    noise = rng.random(n) < 0.05
    X[noise] = rng.uniform(-15, 15, size=(int(noise.sum()), d))
    return X


def precisions_of(state):
    if state.covariance_type in ("full", "tied"):
        return np.linalg.inv(state.covariances)
    return 1.0 / state.covariances


def run_ours_gmm(X, start, iters):
    state = None
    for state in gmm_steps(X, start.weights.size, covariance_type=start.covariance_type, means_init=start.means,
                           weights_init=start.weights, precisions_init=precisions_of(start), max_iter=iters, tol=0):
        pass
    return state


def run_soft(X, start, iters):
    state = None
    for state in soft_kmeans_steps(X, start.weights.size, beta=1.0, init=start.means, max_iter=iters, tol=0):
        pass
    return state


def run_sklearn(X, start, iters):
    gm = GaussianMixture(start.weights.size, covariance_type=start.covariance_type, means_init=start.means,
                         weights_init=start.weights, precisions_init=precisions_of(start), max_iter=iters, tol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return gm.fit(X)


def best_time(func, repeats):
    best, result = np.inf, None
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


def peak_mb(func):
    gc.collect()
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def agreement(ours, theirs) -> float:
    pairs = [(ours.means, theirs.means_), (ours.covariances, theirs.covariances_), (ours.weights, theirs.weights_)]
    return max(float(np.max(np.abs(a - b)) / np.max(np.abs(b))) for a, b in pairs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--d", type=int, default=2)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--iters", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--blas-threads", type=int, default=None, help="limit BLAS threads for both (default: as installed)")
    parser.add_argument("--types", nargs="*", default=["full", "diag", "spherical", "tied"])
    args = parser.parse_args(argv)
    with threadpool_limits(args.blas_threads, user_api="blas") if args.blas_threads else contextlib.nullcontext():
        run(args)


def run(args):

    X = make_data(args.n, args.d, args.k)
    x_mb = X.nbytes / 2**20
    threads = f"BLAS threads limited to {args.blas_threads}" if args.blas_threads else "BLAS threads as installed"
    print(f"{args.n:,} x {args.d}, k = {args.k}, {args.iters} EM iterations from the same start; X is {x_mb:.1f} MB; "
          f"{threads}")
    header = (f"{'run':<34}{'ours ms/it':>11}{'skl ms/it':>11}{'ratio':>8}{'ours MB':>9}{'skl MB':>8}"
              "  max rel. difference")
    print(header)
    print("-" * len(header))
    for kind in args.types:
        start = next(gmm_steps(X, args.k, covariance_type=kind, random_state=0))
        ours_t = theirs_t = np.inf
        for _ in range(args.repeats):  # alternating, so both see the same load
            t, ours = best_time(lambda: run_ours_gmm(X, start, args.iters), 1)
            ours_t = min(ours_t, t)
            t, theirs = best_time(lambda: run_sklearn(X, start, args.iters), 1)
            theirs_t = min(theirs_t, t)
        ours_mb = peak_mb(lambda: run_ours_gmm(X, start, args.iters))
        theirs_mb = peak_mb(lambda: run_sklearn(X, start, args.iters))
        per_ours, per_theirs = 1e3 * ours_t / args.iters, 1e3 * theirs_t / args.iters
        print(f"{'gmm_steps ' + kind:<34}{per_ours:>11.2f}{per_theirs:>11.2f}{per_ours / per_theirs:>8.2f}"
              f"{ours_mb:>9.1f}{theirs_mb:>8.1f}  {agreement(ours, theirs):.1e}")
        if kind in ("full", "spherical"):
            soft_t, _ = best_time(lambda: run_soft(X, start, args.iters), args.repeats)
            soft_mb = peak_mb(lambda: run_soft(X, start, args.iters))
            per_soft = 1e3 * soft_t / args.iters
            print(f"{'soft_kmeans_steps vs GMM ' + kind:<34}{per_soft:>11.2f}{per_theirs:>11.2f}"
                  f"{per_soft / per_theirs:>8.2f}{soft_mb:>9.1f}{theirs_mb:>8.1f}  (different model)")
    print("ours / scikit-learn (ratio < 1: ours is faster); responsibilities alone are "
          f"{args.n * args.k * 8 / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
