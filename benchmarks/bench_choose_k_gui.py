"""Does the GUI stay responsive while the Choose k view sweeps? Measures event-loop stalls.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_choose_k_gui.py [--n 10000] [--max-k 10]

A 5 ms QTimer runs on the GUI thread while the sweep runs on the view's worker thread; the largest
gap between two ticks is the longest the window could not react. Prints the sweep's wall time and
the gap statistics (the goal: no stall over 100 ms).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--max-k", type=int, default=10)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from kmeans_gui.state import AppState
    from kmeans_gui.ui.choose_k.view import ChooseKView

    rng = np.random.default_rng(0)
    centres = rng.uniform(-10, 10, size=(5, 2))
    X = centres[rng.integers(0, 5, args.n)] + rng.standard_normal((args.n, 2))
    view = ChooseKView(AppState(X))
    view.resize(1200, 700)
    view.show()
    view.max_k_spin.setValue(args.max_k)
    view.seeds_spin.setValue(args.seeds)
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
    loop = QEventLoop()
    view.runner.finished.connect(lambda _: loop.quit())
    view.runner.failed.connect(lambda _: loop.quit())
    clock.start()
    timer.start()
    t0 = time.perf_counter()
    view.compute()
    loop.exec()
    wall = time.perf_counter() - t0
    timer.stop()
    g = np.array(gaps[1:])
    print(f"sweep of {args.n:,} points, k = 1..{args.max_k} x {args.seeds} seeds, through the GUI: {wall:.2f} s")
    print(f"event loop: {g.size} ticks of a 5 ms timer; gap median {np.median(g):.1f} ms, "
          f"99th percentile {np.percentile(g, 99):.1f} ms, max {g.max():.1f} ms")
    view.shutdown()
    view.deleteLater()
    app.processEvents()


if __name__ == "__main__":
    main()
