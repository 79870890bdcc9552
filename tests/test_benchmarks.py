"""The benchmark scripts still run (on tiny sizes): they are how the README's figures are made."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "script, args, expect",
    [
        ("bench_engine.py", ["--cases", "d", "--repeats", "1"], "(d) 10,000 x 2, k=4"),
        ("bench_canvas.py", ["--sizes", "2000", "--steps", "2", "--open-repeats", "1"], "Window open, all tabs"),
        ("bench_metrics.py", ["--n", "1500", "--repeats", "1", "--skip-big"], "ours / scikit-learn"),
        ("bench_session.py", ["--n", "2000", "--repeats", "1"], "session / JSON"),
        ("bench_csv.py", ["--rows", "2000", "--repeats", "1", "--skip-csv-module"], "target < 3 s: met"),
        ("bench_export.py", ["--frames", "3", "--size", "320x240", "--n", "300", "--repeats", "1"], "target < 10 s: met"),
        ("bench_lab.py", ["--n", "100", "--seeds", "10", "--points", "200", "--repeats", "1"], "Restarts, 10 seeds"),
        ("bench_explore_big.py", ["--mem-n", "3000", "--mem-k", "5", "--stall-n", "3000"], "Run to end on the worker"),
        ("bench_variants.py", ["--n", "2000", "--iters", "2", "--repeats", "1", "--types", "full", "diag"],
         "soft_kmeans_steps vs GMM full"),
        ("bench_minibatch_compare.py", ["--n", "3000", "--epochs", "1"], "mini-batch 1024"),
        ("bench_quantize.py", ["--colour-only", "--size", "160x120", "--seeds", "1"], "quality target search"),
        ("bench_image_gui.py", ["--n", "2000", "--size", "160x120"], "redraw, nothing running"),
        ("bench_import_gui.py", ["--rows", "3000", "--columns", "2"], "target < 3 s read: met"),
    ],
)
def test_benchmark_script_runs(script, args, expect):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True, text=True, timeout=240, env=env, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert expect in done.stdout
