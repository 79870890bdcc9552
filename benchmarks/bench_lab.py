"""The lab's speed: the failure grid and the restarts, with scikit-learn's k-means in the same run.

    python benchmarks/bench_lab.py                     # grid of 500 points per case; 100 seeds x 3 inits on 1,000
    python benchmarks/bench_lab.py --n 200 --seeds 20 --points 300 --repeats 1   # quick

Prints:
- the failure grid (8 cases x 6 methods, --n points per case): wall time in a fresh Python
  process (imports of scikit-learn included: what ``kmeans-gui failures`` costs) and in this
  process once warm (best of --repeats), the time per method summed over the cases, and our
  k-means column against ``sklearn.cluster.KMeans(n_init=1)`` on the same cases and seeds;
- the restarts (--seeds seeds x random, k-means++ and farthest point on --points blob points,
  k = 4): wall time (best of --repeats), and scikit-learn's KMeans for the same seeds with the two
  inits it has (random, k-means++), one run each, as a ratio.
Targets: the grid under 3 s, the restarts under 2 s, on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def best_time(fn, repeats):
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def cold_grid_seconds(n: int) -> float:
    code = (f"import time; t = time.perf_counter(); from kmeans_gui.lab.failures import run_failures; "
            f"run_failures(n={n}, seed=0); print(time.perf_counter() - t)")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def verdict(seconds, target):
    return f"target < {target:g} s: {'met' if seconds < target else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="points per failure case")
    parser.add_argument("--seeds", type=int, default=100, help="seeds per init for the restarts")
    parser.add_argument("--points", type=int, default=1000, help="points for the restarts")
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats (best is reported)")
    args = parser.parse_args()

    from threadpoolctl import threadpool_limits
    from sklearn.cluster import KMeans as SkKMeans

    from kmeans_gui.data.datasets import make_dataset
    from kmeans_gui.lab.cases import failure_cases
    from kmeans_gui.lab.failures import run_failures
    from kmeans_gui.lab.restarts import RESTART_INITS, run_restarts

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    cold = cold_grid_seconds(args.n)
    cases = failure_cases(args.n, 0)
    run_failures(cases)  # warm-up: imports and first calls
    grids, warm = [], np.inf
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        grids.append(run_failures(cases))
        warm = min(warm, time.perf_counter() - t0)
    grid = grids[0]

    def cell_seconds(case_key, method_key):  # each cell's fastest of the repeats
        return min(g.cell(case_key, method_key).seconds for g in grids)

    print(f"Failure grid, {len(grid.cases)} cases x {len(grid.methods)} methods, {args.n} points per case:")
    print(f"  fresh process (imports included, cases made): {cold:.2f} s   {verdict(cold, 3)}")
    print(f"  warm, best of {args.repeats}: {warm:.2f} s   {verdict(warm, 3)}")
    for method in grid.methods:
        total = sum(cell_seconds(c.key, method.key) for c in grid.cases)
        print(f"    {method.label:<24s} {1000 * total:7.1f} ms over the cases (each cell's best of {args.repeats})")

    def sklearn_fit(c):
        with threadpool_limits(1):
            t0 = time.perf_counter()
            SkKMeans(c.k, init=c.init, n_init=1, random_state=c.seed).fit(c.X)
            return time.perf_counter() - t0

    sk = sum(min(sklearn_fit(c) for _ in range(args.repeats)) for c in cases)
    ours = sum(cell_seconds(c.key, "kmeans") for c in grid.cases)
    print(f"  k-means column: ours {1000 * ours:.1f} ms, scikit-learn KMeans(n_init=1) {1000 * sk:.1f} ms, "
          f"ours / scikit-learn = {ours / sk:.2f}")

    X = make_dataset("blobs", n=args.points, centers=4, seed=0)
    result, restarts = best_time(lambda: run_restarts(X, 4, n_seeds=args.seeds), args.repeats)
    print(f"Restarts, {args.seeds} seeds x {len(RESTART_INITS)} inits on {args.points:,} points, k = 4:")
    print(f"  ours, best of {args.repeats}: {restarts:.2f} s   {verdict(restarts, 2)}")

    def sklearn_restarts():
        with threadpool_limits(1):
            for init in ("random", "k-means++"):
                for seed in range(args.seeds):
                    SkKMeans(4, init=init, n_init=1, random_state=seed).fit(X)

    _, sk = best_time(sklearn_restarts, args.repeats)
    per_run_ours = restarts / (args.seeds * len(RESTART_INITS))
    per_run_sk = sk / (args.seeds * 2)
    print(f"  per run: ours {1000 * per_run_ours:.2f} ms, scikit-learn KMeans(n_init=1) {1000 * per_run_sk:.2f} ms "
          f"(random and k-means++ only), ours / scikit-learn = {per_run_ours / per_run_sk:.2f}")
    for init in RESTART_INITS:
        print(f"    {init:<10s} within 1% of the best: {result.share_near_best(init):.0%}, "
              f"mean iterations {result.runs[init].n_iter.mean():.1f}")


if __name__ == "__main__":
    main()
