"""Does a 12 MP quantize on the Image tab delay the Explore canvas? Canvas redraws during one.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_image_gui.py [--n 100000] [--space lab] [--shared-pool]

The main window shows the Explore tab (n blob points, k = 8) while the Image tab quantizes
china.jpg upscaled to 12 MP on its worker thread. Meanwhile the canvas is stepped through the run's
states, each timed from the state change to the painted frame (as bench_canvas.py does), and a
5 ms timer measures the longest event-loop stall. The same redraws with nothing running are the
baseline. The Image tab imports numba and loads its kernels while an image loads; ``--cold``
skips that, so the import happens during the quantize. ``--shared-pool`` puts the worker's chunked work back on the GUI thread's pool (as
before issue 14), for comparison.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--space", choices=("srgb", "lab", "oklab"), default="srgb")
    parser.add_argument("--shared-pool", action="store_true", help="one chunk pool for every thread (old behaviour)")
    parser.add_argument("--size", default="4000x3000", metavar="WxH", help="the photo's size (default 12 MP)")
    parser.add_argument("--cold", action="store_true", help="numba not imported before the quantize")
    parser.add_argument("--background-threads", type=int, help="threads of the workers' chunk pool "
                        "(default: as many as the GUI's)")
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from bench_canvas import settle
    from bench_quantize import photo_12mp, size_arg
    from kmeans_gui.data.datasets import make_dataset
    from kmeans_gui.data.images import LoadedImage
    from kmeans_gui.engine import distances
    from kmeans_gui.state import AppState, Params
    from kmeans_gui.ui.main_window import MainWindow

    if args.shared_pool:
        distances._pool_for_caller = lambda: distances._pools.setdefault(
            "main", distances.ThreadPoolExecutor(distances._n_threads(), thread_name_prefix="kmeans-chunks"))

    if args.background_threads:
        default = distances._threads_for
        distances._threads_for = lambda name: args.background_threads if name == "background" else default(name)

    app = QApplication.instance() or QApplication([])
    X = make_dataset("blobs", n=args.n, centers=8, spread=1.5, seed=0)
    state = AppState(X, Params(k=8, init="k-means++", seed=0, max_iter=60))
    window = MainWindow(state)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    state.ensure_all()
    first = next(i for i, s in enumerate(state.history) if s.phase == "assign")
    cycle = list(range(first, state.n_states))

    def redraw(i: int) -> float:
        t = time.perf_counter()
        state.go_to(cycle[i % len(cycle)])
        settle(app, window)
        return 1e3 * (time.perf_counter() - t)

    for i in range(3):
        redraw(i)
    baseline = [redraw(i) for i in range(30)]

    tab = window.image_tab
    tab.model.space = args.space
    image = photo_12mp(size_arg(args.size))
    tab.model.set_loaded(LoadedImage(pixels=image, name=f"china.jpg at {args.size}"))
    if not args.cold:  # what the tab's load_task does while the user waits for the image
        from kmeans_gui.engine.palette_mapping import warm_up

        warm_up()
    app.processEvents()

    gaps: list[float] = []
    clock = QElapsedTimer()
    last = [0.0]

    def tick():
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    t0 = time.perf_counter()
    tab.start_quantize()
    during, i, slow = [], 0, {}
    while tab.runner.is_running():
        stage = tab.progress_label.text()
        during.append(redraw(i))
        if during[-1] > 100:
            slow[stage] = max(slow.get(stage, 0.0), during[-1])
        i += 1
    wall = time.perf_counter() - t0
    timer.stop()
    g = np.array(gaps[1:]) if len(gaps) > 1 else np.array([0.0])

    pool = ("one shared chunk pool" if args.shared_pool else
            f"separate chunk pools, the worker's with {distances._threads_for('background')} threads")
    pool += ", numba imported during the quantize" if args.cold else ""
    print(f"{args.n:,} points on the canvas, {image.shape[0] * image.shape[1] / 1e6:.2g} MP quantize ({args.space}) "
          f"on the Image tab's worker, {pool}")
    print(f"  redraw, nothing running: median {statistics.median(baseline):.1f} ms, max {max(baseline):.1f} ms "
          f"({len(baseline)} redraws)")
    if during:
        print(f"  redraw during quantize:  median {statistics.median(during):.1f} ms, max {max(during):.1f} ms "
              f"({len(during)} redraws in {wall:.2f} s: quantize, PNG size and Pillow's two quantizers)")
    for stage, ms in slow.items():
        print(f"  a redraw over 100 ms ({ms:.0f} ms) while the tab said: {stage!r}")
    print(f"  event loop during it: gap median {np.median(g):.1f} ms, 99th percentile {np.percentile(g, 99):.1f} ms, "
          f"max {g.max():.1f} ms (target: none over 100 ms)")
    tab.shutdown()
    window.close()
    window.deleteLater()
    app.processEvents()


if __name__ == "__main__":
    main()
