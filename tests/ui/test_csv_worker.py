"""CSV import runs on TaskRunner's worker: progress reaches the GUI thread, Cancel stops it between blocks."""

import threading

import numpy as np
import pytest

from kmeans_gui.data.table import Table, load_csv
from kmeans_gui.engine.progress import Cancelled
from kmeans_gui.ui.common.tasks import TaskRunner


@pytest.fixture
def runner(qtbot):
    r = TaskRunner()
    yield r
    r.shutdown()


@pytest.fixture
def csv_path(tmp_path, monkeypatch):
    monkeypatch.setattr("kmeans_gui.data.table.CHUNK_ROWS", 100)
    X = np.arange(3000, dtype=float).reshape(1000, 3)
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n" + "".join(f"{a:g},{b:g},{c:g}\n" for a, b, c in X))
    return path, X


def test_import_on_the_worker_with_progress(qtbot, runner, csv_path):
    path, X = csv_path
    progress, results = [], []
    runner.progress.connect(lambda f, m: progress.append((f, m, threading.current_thread())))
    runner.finished.connect(results.append)
    with qtbot.waitSignal(runner.finished, timeout=10_000):
        runner.submit(lambda ctx: load_csv(path, progress=ctx.set_progress, should_stop=ctx.check_cancelled))
    assert isinstance(results[0], Table)
    np.testing.assert_array_equal(results[0].X, X)
    assert len(progress) == 10 and progress[-1][:2] == (1.0, "Reading t.csv: 1,000 rows")
    assert all(t is threading.main_thread() for *_, t in progress)


def test_cancel_stops_the_import_between_blocks(qtbot, runner, csv_path):
    path, _ = csv_path
    first_block, go_on = threading.Event(), threading.Event()
    outcome = []
    results = []
    runner.finished.connect(results.append)

    def task(ctx):
        def progress(fraction, message):
            first_block.set()
            go_on.wait(5)
        try:
            return load_csv(path, progress=progress, should_stop=ctx.check_cancelled)
        except Cancelled:
            outcome.append("cancelled")
            raise

    runner.submit(task)
    assert first_block.wait(5)
    runner.cancel()
    go_on.set()
    assert runner.wait(5)
    qtbot.wait(20)
    assert outcome == ["cancelled"] and results == []
