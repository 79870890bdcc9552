"""The mini-batch exercise in numbers: how soon each run gets close to Lloyd's result, and how close.

    python benchmarks/bench_minibatch_compare.py                  # 200,000 x 2, k = 8
    python benchmarks/bench_minibatch_compare.py --n 20000 --epochs 2

Runs :func:`kmeans_gui.engine.minibatch_vs_lloyd` (Lloyd and mini-batch with batches of 50, 256
and 1024 from the same k-means++ start) and prints, per run, the time and the points processed
until the full-data inertia first came within 5% and 1% of Lloyd's final inertia, and the final
inertia relative to Lloyd's.
"""

from __future__ import annotations

import argparse

import numpy as np

from kmeans_gui.engine import minibatch_vs_lloyd


def make_data(n, k, seed=0):
    """Blobs of unequal spread around k random centres."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(k, 2))
    spread = rng.uniform(0.5, 2.0, size=k)
    labels = rng.integers(0, k, n)
    return centres[labels] + rng.standard_normal((n, 2)) * spread[labels, None]


def reached(curve, target):
    hit = np.flatnonzero(curve.inertia <= target)
    if hit.size == 0:
        return "never"
    i = hit[0]
    return f"{curve.seconds[i]:.3f} s / {curve.points_processed[i]:,} pts"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    X = make_data(args.n, args.k, args.seed)
    curves = minibatch_vs_lloyd(X, args.k, max_epochs=args.epochs, random_state=args.seed)
    lloyd = curves[0].final_inertia
    print(f"{args.n:,} x 2, k = {args.k}, same k-means++ start; mini-batch runs {args.epochs:g} epochs; "
          f"Lloyd's final inertia {lloyd:,.0f}")
    header = f"{'run':<18}{'within 5% of Lloyd':>30}{'within 1% of Lloyd':>30}{'time':>9}{'final / Lloyd':>15}"
    print(header)
    print("-" * len(header))
    for c in curves:
        print(f"{c.label:<18}{reached(c, 1.05 * lloyd):>30}{reached(c, 1.01 * lloyd):>30}"
              f"{c.seconds[-1]:>8.3f}s{c.final_inertia / lloyd:>15.4f}")


if __name__ == "__main__":
    main()
