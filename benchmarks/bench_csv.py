"""CSV import: a 1,000,000 x 3 numeric CSV (about 60 MB), ours against the parsers one could use.

Run:  python benchmarks/bench_csv.py [--rows 1000000] [--repeats 2] [--keep FILE]

Target (issue 10): import in under 3 s with peak extra memory under 3x the array (24 MB).
Each reader runs in its own process and is timed without tracing (best of ``--repeats``; wall and
CPU time, since on a shared machine the wall time also measures the neighbours), then once more under tracemalloc
for its peak traced memory; the process's peak RSS growth is printed as well, since pandas and
pyarrow allocate outside Python's tracing. Peers in the same run: ``numpy.loadtxt`` on the whole
file (what ours runs block by block), the ``csv`` module with ``float``, and pandas (C parser) and
pyarrow when they are installed (they are not dependencies; they are measured to justify that).
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kmeans_gui.data.table import load_csv  # noqa: E402


def make_csv(path: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, 3)) * [1.0, 10.0, 100.0]
    with open(path, "w") as f:
        f.write("x,y,z\n")
        np.savetxt(f, X, fmt="%.16g", delimiter=",")


def ours(path):
    return load_csv(path).X


def numpy_loadtxt(path):
    return np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)


def csv_module(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        return np.array([[float(v) for v in row] for row in reader])


def pandas_c(path):
    import pandas as pd

    return pd.read_csv(path, engine="c").to_numpy(np.float64)


def pyarrow_csv(path):
    import pyarrow.csv as pc

    table = pc.read_csv(path)
    return np.column_stack([c.to_numpy() for c in table.columns])


def _available(name: str) -> bool:
    try:
        __import__(name)
        return True
    except ImportError:
        return False


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss() -> float:
    """Reset the kernel's high-water mark of this process's RSS (Linux); return the RSS now, MB."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    return _status_mb("VmHWM")


READERS = {
    "ours": ("ours (load_csv)", ours, None),
    "loadtxt": ("numpy.loadtxt", numpy_loadtxt, None),
    "csv": ("csv module + float", csv_module, None),
    "pandas": ("pandas read_csv (C)", pandas_c, "pandas"),
    "pyarrow": ("pyarrow.csv", pyarrow_csv, "pyarrow.csv"),
}


def measure_one(key: str, path: str, repeats: int) -> None:
    """In a fresh process: best time, peak RSS growth over the first read, peak traced memory."""
    label, fn, module = READERS[key]
    if module:
        __import__(module)  # imports are not the reader's memory or time
    gc.collect()
    best = best_cpu = float("inf")
    rss_growth = 0.0
    for _ in range(1 if key == "csv" else repeats):  # the csv module takes ~10 s a read
        rss_before = reset_peak_rss()
        start, start_cpu = time.perf_counter(), time.process_time()
        X = fn(path)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
        rss_growth = max(rss_growth, peak_rss_mb() - rss_before)
        del X
        gc.collect()
    tracemalloc.start()
    X = fn(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    checksum = float(np.sum(X[:, 0] * 1.0 + X[:, 1] * 2.0 + X[:, 2] * 3.0))
    print(f"{best!r} {best_cpu!r} {peak / X.nbytes!r} {rss_growth * 2**20 / X.nbytes!r} {checksum!r} {X.shape[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--skip-csv-module", action="store_true", help="skip the slow csv-module peer")
    parser.add_argument("--keep", help="write the CSV here (and keep it) instead of a temporary file")
    parser.add_argument("--one", choices=list(READERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure_one(args.one, args.keep, args.repeats)
        return

    folder = tempfile.mkdtemp()
    path = Path(args.keep) if args.keep else Path(folder) / "bench.csv"
    if not path.exists():
        make_csv(path, args.rows)
    size_mb = os.path.getsize(path) / 1e6
    print(f"file: {args.rows:,} x 3 numbers, {size_mb:.1f} MB; array {args.rows * 3 * 8 / 1e6:.1f} MB; "
          f"each reader in its own process, best of {args.repeats}")
    keys = [k for k in READERS if not (k == "csv" and args.skip_csv_module)]
    print(f"{'reader':<22s}{'time s':>8s}{'CPU s':>7s}{'peak RSS growth':>17s}{'peak traced':>13s}  same values")
    results = []
    reference = None
    for key in keys:
        label, _, module = READERS[key]
        if module and not _available(module.split(".")[0]):
            print(f"{label:<22s}  not installed, skipped")
            continue
        done = subprocess.run([sys.executable, __file__, "--one", key, "--keep", str(path), "--repeats",
                               str(args.repeats)], capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{label:<22s}  failed: {done.stderr.strip().splitlines()[-1]}")
            continue
        seconds, cpu, traced, rss, checksum, rows = done.stdout.split()
        same = "-" if reference is None else ("yes" if (checksum, rows) == reference else "NO")
        reference = reference or (checksum, rows)
        results.append((label, float(seconds)))
        print(f"{label:<22s}{float(seconds):8.2f}{float(cpu):7.2f}{float(rss):16.2f}x{float(traced):12.2f}x  {same}")
    base = results[0][1]
    print("(memory as multiples of the 1,000,000 x 3 float64 array; RSS growth includes the array itself)")
    print("ours / peer time: " + ", ".join(f"{label} {base / s:.2f}" for label, s in results[1:]))
    print(f"target < 3 s: {'met' if base < 3.0 else 'MISSED'} ({base:.2f} s)")
    if not args.keep:
        path.unlink()
        os.rmdir(folder)


if __name__ == "__main__":
    main()
