"""Session files: save and open time at a million points, against plain JSON in the same run.

    python benchmarks/bench_session.py                  # 1,000,000 points, best of 3
    python benchmarks/bench_session.py --n 2000 --repeats 1
    QT_QPA_PLATFORM=offscreen python benchmarks/bench_session.py --gui   # + the GUI thread during an autosave

Prints, for every model of the app with n drawn points:
- save: ``session.capture`` (on the GUI thread: to_dict of every model) and ``session.write``
  (zip of session.json + .npy, fsynced, atomic rename);
- open: ``session.read`` (zip, JSON, array headers, the arrays, the NaN check) and
  ``session.apply`` (validate every part, then load: this replays the run to its cursor, which is
  the engine's work, so it is printed apart, with init "random" and with "k-means++");
- the same points written and read as JSON lists (what a plain JSON session would cost), and the ratio;
- with ``--gui``: the longest event-loop stall while the window's autosave captures and writes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time

import numpy as np

from kmeans_gui.state import AppState, Params, session
from kmeans_gui.state.choose_k import ChooseKModel
from kmeans_gui.state.image import ImageModel
from kmeans_gui.state.view import ViewOptions


def models_with(points, init="k-means++", cursor=0):
    state = AppState(points, Params(k=8, init=init, seed=0))
    state.go_to(cursor)
    return {"explore": state, "view": ViewOptions(), "image": ImageModel(), "choose_k": ChooseKModel(state)}


def empty_models():
    state = AppState()
    return {"explore": state, "view": ViewOptions(), "image": ImageModel(), "choose_k": ChooseKModel(state)}


def best(times):
    return min(times), statistics.median(times)


def timed(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gui", action="store_true", help="also measure the GUI thread during an autosave")
    args = parser.parse_args()

    points = np.random.default_rng(0).normal(size=(args.n, 2))
    folder = tempfile.mkdtemp(prefix="bench-session-")
    path = os.path.join(folder, "bench.kmsession")
    print(f"{args.n:,} points, every model of the app; best / median of {args.repeats}")

    for init in ("random", "k-means++"):
        models = models_with(points, init=init, cursor=2)
        captured, t_capture = timed(lambda: session.capture(models), args.repeats)
        _, t_write = timed(lambda: session.write(path, captured), args.repeats)
        read, t_read = timed(lambda: session.read(path), args.repeats)
        t_apply = []
        for _ in range(args.repeats):
            fresh = empty_models()
            t0 = time.perf_counter()
            session.apply(fresh, read)
            t_apply.append(time.perf_counter() - t0)
            assert fresh["explore"].n_points == args.n and fresh["explore"].cursor == 2
        size = os.path.getsize(path)
        save = [c + w for c, w in zip(t_capture, t_write)]
        print(f"\ninit {init!r}, cursor 2 ({size / 1e6:.1f} MB file)")
        print(f"  save = capture + write   {best(save)[0]:7.3f} s / {best(save)[1]:.3f} s"
              f"   (capture {best(t_capture)[0] * 1e3:.2f} ms on the GUI thread)")
        print(f"  open: read + validate    {best(t_read)[0]:7.3f} s / {best(t_read)[1]:.3f} s")
        print(f"  open: apply (replays the run to its cursor) {best(t_apply)[0]:7.3f} s / {best(t_apply)[1]:.3f} s")
        print(f"  open: read + apply       {best(t_read)[0] + best(t_apply)[0]:7.3f} s")

    # The peer: the same points as JSON lists.
    json_path = os.path.join(folder, "bench.json")

    def write_json():
        with open(json_path, "w") as f:
            json.dump({"points": points.tolist()}, f)
            f.flush()
            os.fsync(f.fileno())

    def read_json():
        with open(json_path) as f:
            return np.asarray(json.load(f)["points"], dtype=np.float64)

    _, tj_write = timed(write_json, 1)
    _, tj_read = timed(read_json, 1)
    print(f"\nplain JSON lists, points only ({os.path.getsize(json_path) / 1e6:.1f} MB): "
          f"write {tj_write[0]:.3f} s, read {tj_read[0]:.3f} s")
    print(f"session / JSON: write {best(t_write)[0] / tj_write[0]:.3f}x, read {best(t_read)[0] / tj_read[0]:.3f}x")

    if args.gui:
        gui_stall(points)


def gui_stall(points) -> None:
    """The longest gap between 5 ms timer ticks while the window's autosave runs at these points."""
    os.environ.setdefault("KMEANS_GUI_DATA_DIR", tempfile.mkdtemp(prefix="bench-session-data-"))
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from kmeans_gui.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(AppState(points, Params(k=8, init="random")))
    window.resize(1280, 800)
    window.show()
    for _ in range(20):
        app.processEvents()
    sessions = window.sessions
    sessions.start(restore="no")
    sessions.dirty = True  # as after an edit: autosave_now writes only unsaved work
    gaps, clock, last = [], QElapsedTimer(), [0]
    clock.start()

    def tick():
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    written = []
    for _ in range(3):
        before = sessions.autosaves_written
        last[0] = clock.elapsed()
        gaps.clear()
        sessions.autosave_now()
        deadline = time.monotonic() + 30
        while sessions.autosaves_written == before and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)
        written.append(max(gaps) if gaps else 0)
    timer.stop()
    sessions.dirty = False
    window.close()
    print(f"\nGUI thread during an autosave of {len(points):,} points: longest event-loop stall "
          f"{max(written)} ms (each of 3 autosaves: {written} ms; target 50 ms)")


if __name__ == "__main__":
    main()
