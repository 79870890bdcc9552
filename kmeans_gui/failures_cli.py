"""``kmeans-gui failures``: where k-means fails and what works instead, headless.

``kmeans-gui failures [--n 500] [--seed 0] [--json]`` runs every method of the lab on every
failure case (:func:`~kmeans_gui.lab.failures.run_failures`) and prints, per case and method, the
adjusted Rand index against the true groups and the seconds the method took, with why k-means
fails there and why the remedy works. No Qt is imported. Bad input prints one line on stderr and
exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

__all__ = ["add_arguments", "run", "format_table"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=int, default=500, help="points per case (default 500, at least 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and every method (default 0)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _fail(message: str) -> int:
    print(f"kmeans-gui failures: error: {message}", file=sys.stderr)
    return 2


def report(grid) -> dict:
    """The grid as JSON-ready data, each case with its sentences."""
    from .state.words import WHY_KMEANS_FAILS, WHY_REMEDY_WORKS

    data = grid.to_dict()
    for row in data["cases"]:
        row["why_kmeans_fails"] = WHY_KMEANS_FAILS.get(row["case"], "")
        row["why_the_remedy_works"] = WHY_REMEDY_WORKS.get(row["case"], "")
    return data


#: Column titles short enough for a terminal (the JSON has the full labels).
SHORT_LABELS = {"kmeans": "k-means", "gmm": "Gaussian mix.", "spectral": "spectral", "dbscan": "DBSCAN",
                "single": "single link.", "ward": "Ward"}


def format_table(data: dict) -> list[str]:
    """One line per case (ARI / milliseconds per method), then the sentences."""
    methods = data["methods"]
    titles = ["case"] + [SHORT_LABELS.get(m["key"], m["label"]) for m in methods]
    width = max(len(t) for t in titles[1:])
    rows = []
    for row in data["cases"]:
        cells = []
        for m in methods:
            c = row["methods"].get(m["key"])
            cells.append("-" if c is None or c["score"] is None else f"{c['score']:.2f} {1000 * c['seconds']:4.0f} ms")
        rows.append([row["title"]] + cells)
    first = max(len(t[0]) for t in [titles, *rows])
    width = max(width, *(len(c) for r in rows for c in r[1:]))
    lines = ["ARI against the true groups and the method's time, per case (rows) and method (columns)"]
    lines.append("  ".join([titles[0].ljust(first)] + [t.rjust(width) for t in titles[1:]]))
    lines.extend("  ".join([r[0].ljust(first)] + [c.rjust(width) for c in r[1:]]) for r in rows)
    for row in data["cases"]:
        lines.append("")
        lines.append(f"{row['title']}:")
        text = " ".join(t for t in (row["why_kmeans_fails"], row["why_the_remedy_works"]) if t)
        lines.extend(textwrap.wrap(text, 100, initial_indent="  ", subsequent_indent="  "))
        if row["note"]:
            lines.append(f"  ({row['note']})")
    dbscan = [row for row in data["cases"] if "dbscan" in row["methods"]]
    if dbscan:
        lines.extend(["", "DBSCAN, per case:"])
        for r in dbscan:
            lines.extend(textwrap.wrap(f"{r['title']}: {r['methods']['dbscan']['note']}", 100,
                                       initial_indent="  ", subsequent_indent="    "))
    return lines


def run(args) -> int:
    if args.n < 20:
        return _fail(f"--n {args.n}: it must be at least 20.")
    if args.seed < 0:
        return _fail(f"--seed {args.seed}: it must be a whole number >= 0.")
    from .lab.failures import run_failures

    try:
        grid = run_failures(n=args.n, seed=args.seed)
    except ValueError as exc:
        return _fail(str(exc))
    data = report(grid)
    if args.json:
        print(json.dumps(data, indent=2, allow_nan=False))
    else:
        print("\n".join(format_table(data)))
    return 0
