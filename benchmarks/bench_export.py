"""Headless pictures: a 40-frame, 960x640 GIF of a run, and a filmstrip; ours against Pillow's own GIF path.

Run:  python benchmarks/bench_export.py [--frames 40] [--size 960x640] [--repeats 2]

Target (issue 10): a 40-frame, 960x640 run in under 10 s. The run is Uniform noise, 2,000 points,
k = 8, seed 0 (67 half-steps; the first ``--frames`` are drawn). Timed apart: drawing the frames
(Pillow + NumPy), and encoding them as GIF two ways, ours (one shared palette holding the drawing's
exact colours, pixels mapped exactly) and Pillow's default (``save_all`` of the RGB frames, one
adaptive palette per frame), best of ``--repeats``.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kmeans_gui.export.filmstrip import render_filmstrip  # noqa: E402
from kmeans_gui.export.frames import StatePainter  # noqa: E402
from kmeans_gui.export.gif import render_frames, write_gif  # noqa: E402
from kmeans_gui.export.source import load_source, parse_size  # noqa: E402


CPU = {}


def best_of(repeats: int, fn):
    """Best wall time of ``repeats`` calls, and the last result; the best CPU time goes to CPU[fn]."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    CPU[fn] = best_cpu
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--size", default="960x640")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    size = parse_size(args.size)
    source = load_source(argparse.Namespace(dataset="uniform", n=args.n, k=8, init="k-means++", seed=0))

    def draw():
        return render_frames(source, size, max_frames=args.frames)

    draw_s, (frames, _) = best_of(args.repeats, draw)
    folder = tempfile.mkdtemp()
    out = os.path.join(folder, "run.gif")

    def encode():
        return write_gif(out, frames, 4.0, StatePainter.flat_colours(source.k))

    ours_s, n_bytes = best_of(args.repeats, encode)

    def pillow_default():
        buffer = io.BytesIO()
        frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=250, loop=0)
        return buffer.tell()

    pillow_s, pillow_bytes = best_of(args.repeats, pillow_default)
    strip_s, _ = best_of(args.repeats, lambda: render_filmstrip(source, 6, (400, 300)))
    os.remove(out)
    os.rmdir(folder)

    total = draw_s + ours_s
    print(f"GIF: {len(frames)} frames, {size[0]}x{size[1]}, {source.X.shape[0]:,} points, k = {source.k}")
    print("  (wall time; CPU time in brackets, since on a shared machine the wall time also measures the neighbours)")
    print(f"  drawing the frames           {draw_s:6.2f} s ({CPU[draw]:.2f})  {1000 * draw_s / len(frames):.0f} ms a frame")
    print(f"  encoding, ours               {ours_s:6.2f} s ({CPU[encode]:.2f})  {n_bytes / 1e6:5.2f} MB")
    print(f"  encoding, Pillow default     {pillow_s:6.2f} s ({CPU[pillow_default]:.2f})  {pillow_bytes / 1e6:5.2f} MB   "
          f"ours / Pillow time {ours_s / pillow_s:.2f}")
    print(f"  total, ours                  {total:6.2f} s ({CPU[draw] + CPU[encode]:.2f})  "
          f"target < 10 s: {'met' if total < 10 else 'MISSED'}")
    print(f"Filmstrip, 6 panels of 400x300: {strip_s:.2f} s")


if __name__ == "__main__":
    main()
