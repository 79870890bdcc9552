"""``kmeans-gui choose-k``: score k = 1..max k headless and say which k each criterion chooses.

``kmeans-gui choose-k [--dataset NAME | --data FILE.csv] [--max-k 10] [--seeds 3] [--algorithm gmm
[--covariance full]] [--json]`` fits k-means for every k with several seeds
(:func:`~kmeans_gui.engine.sweep.sweep_k`; with ``--algorithm gmm`` also a Gaussian mixture per k
and seed, scored by its BIC) and prints,
per k, every criterion as the mean and spread over the seeds (the gap statistic as gap(k) and its
standard error s_k), then, per criterion, the k it chooses or why none, and when they disagree,
why. No Qt is imported. Bad input prints one line on stderr and exits with status 2, without a
traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap

__all__ = ["add_arguments", "run", "report"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .data.datasets import DATASETS
    from .engine.gmm import COVARIANCE_TYPES
    from .engine.inits import INIT_NAMES

    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=list(DATASETS), help="built-in dataset (default blobs)")
    source.add_argument("--data", metavar="FILE.csv",
                        help="CSV table: every numeric column is a feature (a header row is allowed)")
    parser.add_argument("--n", type=int, default=600, help="points for generated datasets (default 600)")
    parser.add_argument("--max-k", type=int, default=10, help="try k = 1..MAX_K (default 10)")
    parser.add_argument("--seeds", type=int, default=3, help="k-means runs per k (default 3)")
    parser.add_argument("--init", choices=INIT_NAMES, default="k-means++", help="initialisation (default k-means++)")
    parser.add_argument("--max-iter", type=int, default=300, help="iterations per run at most (default 300)")
    parser.add_argument("--tol", type=float, default=1e-4, help="convergence tolerance (default 1e-4)")
    parser.add_argument("--gap-refs", type=int, default=10,
                        help="reference data sets for the gap statistic (default 10; 0 skips it)")
    parser.add_argument("--gap-reference", choices=("box", "pca"), default="box",
                        help="gap references uniform over the bounding box (default) or the principal-component box")
    parser.add_argument("--algorithm", choices=("lloyd", "gmm"), default="lloyd",
                        help="gmm: also fit a Gaussian mixture per k and seed and choose k by its BIC "
                             "(default lloyd: k-means only)")
    parser.add_argument("--covariance", choices=COVARIANCE_TYPES, default="full",
                        help="the Gaussian mixture's covariance type with --algorithm gmm (default full)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the runs (default 0)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _fail(message: str) -> int:
    print(f"kmeans-gui choose-k: error: {message}", file=sys.stderr)
    return 2


def _load(args):
    """(points, a description of where they came from)."""
    if args.data is not None:
        from .data.table import load_csv

        return load_csv(args.data).X, f"file {args.data}"
    from .data.datasets import DATASETS, make_dataset

    name = args.dataset or "blobs"
    info = DATASETS[name]
    X = make_dataset(name, **info.options(seed=args.seed, n=args.n, centers=info.suggested_k))
    if X.shape[0] == 0:
        raise ValueError(f"the dataset {name!r} has no points: choose another.")
    return X, f"dataset {name}"


def _finite(value):
    value = float(value)
    return value if math.isfinite(value) else None


def report(result, source: str, settings: dict, disagreement: str | None = None) -> dict:
    """The sweep as plain, JSON-ready data (NaN becomes None)."""
    from .engine.sweep import CRITERIA

    per_k = []
    names = ("inertia", "silhouette", "calinski_harabasz", "davies_bouldin") + (("bic",) if result.has_bic else ())
    means = {s: result.mean(s) for s in names}
    spreads = {s: result.spread(s) for s in means}
    for i, k in enumerate(result.k_values):
        row = {"k": int(k)}
        for score in means:
            row[score] = {"mean": _finite(means[score][i]), "spread": _finite(spreads[score][i])}
        row["inertia"]["best"] = _finite(result.best_inertia[i])
        if result.gap is not None:
            row["gap"] = {"mean": _finite(result.gap.gap[i]), "spread": _finite(result.gap.s[i])}
        seconds = result.fits[i].fit_seconds
        row["fit_seconds"] = {"mean": float(seconds.mean()),
                              "spread": float(seconds.std(ddof=1)) if seconds.size > 1 else 0.0}
        per_k.append(row)
    chosen = {}
    for criterion in CRITERIA:
        k, reason = result.chosen_k(criterion)
        chosen[criterion] = {"k": k, "reason": reason}
    return {
        "data": {"source": source, "n_samples": int(result.n_samples)},
        "settings": {**settings, "k_values": [int(k) for k in result.k_values], "seeds": list(result.seeds),
                     "spread": "standard deviation over the seeds (ddof=1); for gap, its standard error s_k",
                     "silhouette": result.silhouette_note()},
        "per_k": per_k,
        "chosen": chosen,
        "disagreement": disagreement,
        "notes": list(result.notes),
    }


def _cell(entry, digits: int) -> str:
    if entry is None or entry["mean"] is None:
        return "-"
    mean, spread = entry["mean"], entry["spread"]
    fmt = f"{{:,.{digits}f}}"
    return fmt.format(mean) + ("" if spread is None else " ± " + fmt.format(spread))


def format_table(data: dict) -> list[str]:
    """Aligned lines of text: one row per k, then what each criterion chooses."""
    columns = [("inertia", 1), ("silhouette", 3), ("calinski_harabasz", 1), ("davies_bouldin", 3), ("gap", 3)]
    titles = ["k", "inertia", "silhouette", "Calinski-Harabasz", "Davies-Bouldin", "gap ± s_k", "fit ms"]
    if data["per_k"] and "bic" in data["per_k"][0]:
        columns.append(("bic", 1))
        titles.insert(-1, "GMM BIC")
    rows = [[str(r["k"])] + [_cell(r.get(name), digits) for name, digits in columns]
            + [f"{1000 * r['fit_seconds']['mean']:.1f}"] for r in data["per_k"]]
    widths = [max(len(t), *(len(row[i]) for row in rows)) for i, t in enumerate(titles)]
    lines = [f"{data['data']['source']}: {data['data']['n_samples']:,} points; "
             f"mean ± spread over {len(data['settings']['seeds'])} seed(s); {data['settings']['silhouette']}"]
    lines.append("  ".join(t.rjust(w) for t, w in zip(titles, widths)))
    lines.extend("  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows)
    lines.append("")
    for criterion, choice in data["chosen"].items():
        k = "none" if choice["k"] is None else f"k = {choice['k']}"
        lines.append(f"{criterion:<19s}{k:<8s}{choice['reason']}")
    if data["disagreement"]:
        lines.extend(["", *textwrap.wrap(data["disagreement"], 100)])
    lines.extend(f"note: {note}" for note in data["notes"])
    return lines


def run(args) -> int:
    for option, value, least in (("--max-k", args.max_k, 1), ("--seeds", args.seeds, 1), ("--n", args.n, 1),
                                 ("--max-iter", args.max_iter, 1), ("--gap-refs", args.gap_refs, 0)):
        if value < least:
            return _fail(f"{option} {value}: it must be at least {least}.")
    if not math.isfinite(args.tol) or args.tol < 0:
        return _fail(f"--tol {args.tol}: it must be a finite number >= 0.")
    try:
        X, source = _load(args)
    except ValueError as exc:
        return _fail(str(exc))
    from .engine.sweep import sweep_k

    max_k = min(args.max_k, X.shape[0])
    gmm_covariance = args.covariance if args.algorithm == "gmm" else None
    settings = {"init": args.init, "max_iter": args.max_iter, "tol": args.tol, "gap_refs": args.gap_refs,
                "gap_reference": args.gap_reference, "random_state": args.seed, "algorithm": args.algorithm,
                "covariance": gmm_covariance}
    try:
        result = sweep_k(X, range(1, max_k + 1), args.seeds, random_state=args.seed, init=args.init,
                         max_iter=args.max_iter, tol=args.tol, gap_refs=args.gap_refs,
                         gap_reference=args.gap_reference, gmm_covariance=gmm_covariance)
    except ValueError as exc:
        return _fail(str(exc))
    data = report(result, source, settings, result.disagreement)
    if max_k < args.max_k:
        data["notes"].insert(0, f"--max-k {args.max_k} lowered to {max_k}: the data have {X.shape[0]} points")
    if args.json:
        print(json.dumps(data, indent=2, allow_nan=False))
    else:
        print("\n".join(format_table(data)))
    return 0
