"""TaskRunner: results on the GUI thread, stale results never delivered, cancel and shutdown."""

import threading

import pytest

from kmeans_gui.ui.common.tasks import TaskRunner


@pytest.fixture
def runner(qtbot):
    r = TaskRunner()
    yield r
    r.shutdown()


def test_progress_then_result_arrive_on_the_gui_thread(qtbot, runner):
    seen = []
    runner.progress.connect(lambda f, m: seen.append(("progress", f, m, threading.current_thread())))
    runner.finished.connect(lambda r: seen.append(("finished", r, threading.current_thread())))

    def task(ctx, n):
        for i in range(n):
            ctx.set_progress((i + 1) / n, f"step {i + 1}")
        return n * 10

    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.submit(task, 3)
    assert [s[:3] for s in seen if s[0] == "progress"] == [
        ("progress", 1 / 3, "step 1"), ("progress", 2 / 3, "step 2"), ("progress", 1.0, "step 3")
    ]
    assert seen[-1][:2] == ("finished", 30)
    assert all(s[-1] is threading.main_thread() for s in seen)
    assert not runner.is_running()


def test_a_new_submission_drops_the_old_tasks_results(qtbot, runner):
    release = threading.Event()
    results = []
    runner.finished.connect(results.append)

    def slow(ctx):
        release.wait(5)
        return "stale"

    runner.submit(slow)
    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.submit(lambda ctx: "fresh")
        release.set()
    qtbot.wait(50)  # give the stale task every chance to deliver
    assert results == ["fresh"]


def test_cancel_stops_the_task_between_units_of_work(qtbot, runner):
    started = threading.Event()
    steps = []

    def task(ctx):
        started.set()
        for i in range(1000):
            ctx.check_cancelled()
            steps.append(i)
            threading.Event().wait(0.005)
        return "done"

    finished = []
    runner.finished.connect(finished.append)
    runner.submit(task)
    started.wait(5)
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.cancel()
    assert runner.wait(5)
    assert len(steps) < 1000 and finished == []


def test_failure_is_a_message_not_an_exception(qtbot, runner):
    def broken(ctx):
        raise ValueError("the data were bad")

    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.submit(broken)
    assert blocker.args == ["the data were bad"]


def test_connect_handlers_uses_the_owners_on_methods(qtbot, runner):
    class Owner:
        def __init__(self):
            self.got = []

        def _on_finished(self, result):
            self.got.append(result)

    owner = Owner()
    runner.connect_handlers(owner)
    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.submit(lambda ctx: 7)
    assert owner.got == [7]


def test_shutdown_joins_the_worker_thread(qtbot):
    r = TaskRunner()
    with qtbot.waitSignal(r.finished, timeout=5000):
        r.submit(lambda ctx: None)
    assert any(t.name.startswith("kmeans-task") for t in threading.enumerate())
    r.shutdown()
    assert not any(t.name.startswith("kmeans-task") and t.is_alive() for t in threading.enumerate())
    with pytest.raises(RuntimeError):
        r.submit(lambda ctx: None)
