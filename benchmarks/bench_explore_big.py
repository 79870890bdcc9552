"""Explore on big data: memory of a long seeding, and the longest GUI stall of "Run to end",
of a parameter change on the "large" preset (and of stepping through soft and mixture states,
whose colours mix the clusters'), and of a restart or a new dataset at 2M points.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_explore_big.py [--mem-n 1000000 --mem-k 50]
        [--stall-n 2000000 --stall-k 4] [--skip-mem] [--skip-stall] [--restart]
        [--restart-n 2000000] [--minibatch-end]

Restart (``--restart``, alone with ``--skip-mem --skip-stall``): a real window on the "large"
preset (200,000 points); for each algorithm the k spin box is stepped up (a parameter change,
so the run restarts) and a 5 ms QTimer measures the longest gap on the GUI thread until the new
run's first states are on screen and the worker is done. Then, at ``--restart-n`` points, New seed
(a restart) and Generate (a new dataset) the same way.

Mini-batch to the end (``--minibatch-end``, alone with ``--skip-mem --skip-stall``): a real window
on the "large" preset, mini-batch k = 4 (300 batches, one chart point each); a new run (a new
seed) is started and Run to end clicked at once; and a 5 ms QTimer measures the longest gap on the GUI thread until the worker
is done and the last state is drawn (the convergence chart redraws as the batches come in), then
Play plays the finished run from its start for a few seconds. Then the convergence chart alone, at
its size in the window, fed 10 batches more per update up to 300 and 3,000 batches: the time of
one update (set_series and a full paint).

Memory: one run of ``AppState`` to the end with every seed's D^2 array kept (what the app did
before: ``SEED_DISTANCE_BUDGET`` unlimited) and with the default budget; prints tracemalloc's peak
and the bytes the finished run's history still holds.

Stall: a real window (offscreen) on the blobs dataset; a 5 ms QTimer ticks on the GUI thread while
the run goes to its end, first computed on the GUI thread (``state.run_to_end()``, the old Run to
end), then by clicking Run to end (the worker). The largest gap between ticks is the longest the
window could not react (the goal: under 100 ms).
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def held_bytes(state) -> int:
    """Bytes of the distinct arrays the state's history holds."""
    seen = {}
    for s in state.history:
        arrays = [s.labels, s.centers, s.center_shift]
        if s.seed is not None:
            arrays += [s.seed.sq_dist, s.seed.candidates]
        for a in arrays:
            if isinstance(a, np.ndarray):
                seen[id(a)] = a.nbytes
    return sum(seen.values())


def memory(n: int, k: int) -> None:
    import kmeans_gui.state.step_job as state_module
    from kmeans_gui.data.datasets import make_dataset
    from kmeans_gui.state import AppState, Params

    X = make_dataset("blobs", n=n, centers=4, seed=0)
    default = state_module.SEED_DISTANCE_BUDGET
    for label, budget in (("every seed's D^2 kept (before)", float("inf")), ("default budget (after)", default)):
        state_module.SEED_DISTANCE_BUDGET = budget
        tracemalloc.start()
        t0 = time.perf_counter()
        state = AppState(X, Params(k=k, seed=0))
        state.run_to_end()
        wall = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{n:,} points, k = {k}, {label:32s}: {state.n_states} states, {wall:5.1f} s, "
              f"peak {peak / 1e6:6.0f} MB, history holds {held_bytes(state) / 1e6:6.0f} MB")
        del state
    state_module.SEED_DISTANCE_BUDGET = default


def stall(n: int, k: int) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from kmeans_gui.state import AppState, Params
    from kmeans_gui.ui.main_window import MainWindow

    state = AppState(params=Params(k=k, seed=0))
    state.load_dataset("blobs", n=n, centers=k, seed=0)
    window = MainWindow(state)
    window.resize(1280, 800)
    window.show()
    for _ in range(20):
        app.processEvents()

    def measure(label, start, done):
        t0 = time.perf_counter()
        state.rerun()  # a restart computes ahead on the GUI thread for eager_budget_s
        app.processEvents()
        print(f"{n:,} points, k = {k}, restart of the run (eager part, GUI thread): {1e3 * (time.perf_counter() - t0):.0f} ms")
        gaps, clock, last = [], QElapsedTimer(), [0.0]

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
        QTimer.singleShot(0, start)
        while not done():
            app.processEvents()
            time.sleep(0.001)
        for _ in range(5):  # the last frame's paint
            app.processEvents()
        wall = time.perf_counter() - t0
        timer.stop()
        g = np.array(gaps or [0.0])  # the first gap counts: a start that blocks delays the first tick
        print(f"{n:,} points, k = {k}, {label:34s}: {state.n_states} states in {wall:5.1f} s; "
              f"longest stall {g.max():7.0f} ms, 99th percentile {np.percentile(g, 99):5.0f} ms, "
              f"{int(np.sum(g > 100))} stalls over 100 ms")

    measure("on the GUI thread (before)", state.run_to_end, lambda: state.cursor == state.n_states - 1 and state.complete)
    measure("Run to end on the worker (after)", window.playback.end_button.click,
            lambda: not window.playback.computing and state.complete and state.cursor == state.n_states - 1)
    window.close()
    app.processEvents()


def _longest_gap(app, action, done, timeout_s=60.0) -> tuple[float, float]:
    """(longest gap between 5 ms ticks in ms, wall seconds) while ``action`` runs and until ``done()``."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    gaps, clock, last = [], QElapsedTimer(), [0.0]

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
    QTimer.singleShot(0, action)
    app.processEvents()
    while not done() and time.perf_counter() - t0 < timeout_s:
        app.processEvents()
        time.sleep(0.001)
    for _ in range(5):
        app.processEvents()
    wall = time.perf_counter() - t0
    timer.stop()
    tick()
    return float(np.max(gaps)), wall


def restart(n_big: int) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from kmeans_gui.state import AppState, Params
    from kmeans_gui.ui.main_window import MainWindow

    state = AppState(params=Params(k=4, seed=0))
    state.load_dataset("large", centers=4, seed=0)
    window = MainWindow(state)
    window.resize(1280, 800)
    window.show()

    def settled():
        return state.current is not None and not window.playback.computing

    def wait():
        t0 = time.perf_counter()
        while not settled() and time.perf_counter() - t0 < 60:
            app.processEvents()
            time.sleep(0.001)
        for _ in range(20):
            app.processEvents()

    wait()
    spin = window.algorithm_panel.k_spin
    def shown():
        return state.current is not None

    def change_and_wait(action, label):
        """Longest gap from the action until the first state is on screen, then until the worker is done."""
        first, rest = [], []
        for step in action:
            first.append(_longest_gap(app, step, shown)[0])
            rest.append(_longest_gap(app, lambda: None, settled)[0])
        print(f"{label}: longest GUI stall until the first state is shown {min(first):4.0f}-{max(first):4.0f} ms; "
              f"then until the worker is done {min(rest):4.0f}-{max(rest):4.0f} ms")

    def step_through(label):
        """Longest gap while the cursor goes to each of the first 8 states, until its colours are drawn."""
        job = getattr(window.canvas, "_membership_job", None)  # soft colours on a worker (absent before)
        wait()
        gaps = [_longest_gap(app, lambda i=i: state.go_to(i), lambda: job is None or not job.busy)[0]
                for i in range(1, min(9, state.n_states))]
        print(f"{label}: longest GUI stall per step {min(gaps):4.0f}-{max(gaps):4.0f} ms")

    for algorithm in ("lloyd", "minibatch", "soft", "gmm"):
        state.set_params(algorithm=algorithm, k=4)
        wait()
        change_and_wait([spin.stepUp, spin.stepDown] * 2,
                        f"{state.n_points:,} points ('large'), {algorithm:9s}, k 4<->5 by the spin box x4")
        if algorithm in ("soft", "gmm"):
            step_through(f"{state.n_points:,} points ('large'), {algorithm:9s}, stepping through states 1-8")
    state.set_params(algorithm="lloyd", k=4)
    wait()
    state.load_dataset("blobs", n=n_big, centers=4, seed=0)
    wait()
    window.dataset_panel._on_points_change()  # the panel shows blobs, n_big points, seed 0
    change_and_wait([window.playback.new_seed] * 3, f"{state.n_points:,} points (blobs), lloyd k=4, New seed x3")
    panel = window.dataset_panel
    with_panel = hasattr(panel, "runner")  # the worker that makes big datasets (absent before)
    first, rest = [], []
    for _ in range(2):
        version = state.data_version
        # Generate: the next draw of the panel's dataset (blobs, n_big points), as a click does.
        gap, _ = _longest_gap(app, panel.generate if with_panel else
                              lambda: state.load_dataset("blobs", n=n_big, centers=4, seed=state.dataset["seed"] + 1),
                              lambda: state.data_version != version and state.current is not None)
        first.append(gap)
        rest.append(_longest_gap(app, lambda: None, settled)[0])
    print(f"{state.n_points:,} points (blobs), lloyd k=4, Generate (a new dataset) x2: longest GUI stall until "
          f"the first state is shown {min(first):4.0f}-{max(first):4.0f} ms; then until the worker is done "
          f"{min(rest):4.0f}-{max(rest):4.0f} ms")
    window.close()
    app.processEvents()


def minibatch_to_end(repeats: int = 3, play_s: float = 4.0) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from kmeans_gui.state import AppState, Params
    from kmeans_gui.ui.main_window import MainWindow

    state = AppState(params=Params(k=4, seed=0, algorithm="minibatch"))
    state.load_dataset("large", centers=4, seed=0)
    window = MainWindow(state)
    window.resize(1280, 800)
    window.show()
    playback = window.playback

    def settled():
        return state.current is not None and not playback.computing

    def at_end():
        return settled() and state.complete and state.cursor == state.n_states - 1

    _longest_gap(app, lambda: None, settled)
    run_gaps, walls, play_gaps = [], [], []
    for r in range(repeats):
        def new_run_to_end(seed=r + 1):
            state.set_params(seed=seed)  # a new run (the background worker starts it) ...
            playback.end_button.click()  # ... and Run to end before it is done

        gap, wall = _longest_gap(app, new_run_to_end, at_end, timeout_s=120)
        run_gaps.append(gap)
        walls.append(wall)
    state.go_to(0)
    t_end = [0.0]

    def start_play():
        t_end[0] = time.perf_counter() + play_s
        playback.play()

    play_gaps.append(_longest_gap(app, start_play, lambda: time.perf_counter() > t_end[0] > 0)[0])
    playback.pause()
    print(f"{state.n_points:,} points ('large'), minibatch k=4, {state.n_states} states: Run to end x{repeats}: "
          f"longest GUI stall {min(run_gaps):4.0f}-{max(run_gaps):4.0f} ms ({min(walls):.1f}-{max(walls):.1f} s); "
          f"Play for {play_s:.0f} s from the start: longest GUI stall {max(play_gaps):4.0f} ms")
    chart = window.explore.chart
    size = (chart.width(), chart.height())
    window.close()
    app.processEvents()
    chart_alone(app, size)


def chart_alone(app, size, step: int = 10) -> None:
    """The convergence chart alone, fed as the worker feeds it (``step`` more batches per update):
    the longest and median time of one update, set_series plus a full paint, for 300 and 3,000
    batches."""
    from kmeans_gui.ui.explore.charts import SeriesChart

    chart = SeriesChart("Inertia per batch", "batch", "inertia")
    chart.resize(*size)
    chart.show()
    for _ in range(5):
        app.processEvents()
    rng = np.random.default_rng(0)
    for n in (300, 3000):
        x = np.arange(n, dtype=float)
        y = 1e6 / (1 + x) + rng.random(n) * 1e4
        times = []
        for m in range(step, n + 1, step):
            t0 = time.perf_counter()
            chart.set_series(x[:m], y[:m])
            chart.set_cursor(x[m - 1], y[m - 1])
            chart.viewport().repaint()
            app.processEvents()
            times.append(1e3 * (time.perf_counter() - t0))
        print(f"convergence chart alone ({size[0]}x{size[1]}), {n} batches, {step} more per update: "
              f"update + paint longest {max(times):5.1f} ms, median {np.median(times):4.1f} ms, "
              f"total {sum(times):6.0f} ms")
    chart.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mem-n", type=int, default=1_000_000)
    parser.add_argument("--mem-k", type=int, default=50)
    parser.add_argument("--stall-n", type=int, default=2_000_000)
    parser.add_argument("--stall-k", type=int, default=4)
    parser.add_argument("--skip-mem", action="store_true")
    parser.add_argument("--skip-stall", action="store_true")
    parser.add_argument("--restart", action="store_true")
    parser.add_argument("--restart-n", type=int, default=2_000_000)
    parser.add_argument("--minibatch-end", action="store_true")
    args = parser.parse_args()
    if not args.skip_mem:
        memory(args.mem_n, args.mem_k)
    if not args.skip_stall:
        stall(args.stall_n, args.stall_k)
    if args.restart:
        restart(args.restart_n)
    if args.minibatch_end:
        minibatch_to_end()


if __name__ == "__main__":
    main()
