"""Background work with progress, partial results and cancel, off the GUI thread.

One worker thread per :class:`TaskRunner` (a single-worker executor, as Orange does it). The task
is a plain function ``fn(ctx, *args)`` that never touches a widget; it reports through
``ctx.set_progress`` / ``ctx.set_partial`` and calls ``ctx.check_cancelled()`` between units of
work, which raises the engine's :class:`~kmeans_gui.engine.progress.Cancelled`, as the engine's
own long functions do when given ``should_stop=lambda: ctx.cancelled``: either way the task ends
as cancelled, not failed. Results come back as Qt signals, delivered on the GUI thread. Each submission gets a new
generation number: signals from an older, cancelled task are dropped, so a stale result can never
reach the UI.
"""

from __future__ import annotations

import threading
import traceback
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal, Slot

from ...engine.progress import Cancelled

__all__ = ["TaskRunner", "TaskContext"]


class TaskContext:
    """What a running task sees: a cancel flag and ways to report back. Thread-safe."""

    def __init__(self, runner: "TaskRunner", generation: int):
        self._runner = runner
        self._generation = generation
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def set_progress(self, fraction: float, message: str = "") -> None:
        self.check_cancelled()
        self._runner._relay.progress.emit(self._generation, float(fraction), str(message))

    def set_partial(self, result) -> None:
        self.check_cancelled()
        self._runner._relay.partial.emit(self._generation, result)


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from the worker are queued to it."""

    progress = Signal(int, float, str)
    partial = Signal(int, object)
    done = Signal(int, object)
    error = Signal(int, str)
    stopped = Signal(int)


class TaskRunner(QObject):
    """Runs one task at a time on a background thread; a new submission cancels the previous one.

    Signals (all on the GUI thread, only for the current task)
    -------
    progress(float, str), partial(object), finished(object), failed(str), cancelled(), running_changed(bool)
    """

    progress = Signal(float, str)
    partial = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kmeans-task")
        self._relay = _Relay()
        self._relay.progress.connect(self._on_progress)
        self._relay.partial.connect(self._on_partial)
        self._relay.done.connect(self._on_done)
        self._relay.error.connect(self._on_error)
        self._relay.stopped.connect(self._on_stopped)
        self._generation = 0
        self._context: TaskContext | None = None
        self._future: Future | None = None
        self._closed = False

    def connect_handlers(self, owner) -> None:
        """Connect each signal to ``owner``'s ``_on_<signal>`` method, where it has one."""
        for name in ("progress", "partial", "finished", "failed", "cancelled", "running_changed"):
            handler = getattr(owner, f"_on_{name}", None)
            if handler is not None:
                getattr(self, name).connect(handler)

    def is_running(self) -> bool:
        return self._context is not None

    def submit(self, fn, *args, **kwargs) -> None:
        """Run ``fn(ctx, *args, **kwargs)`` in the background, cancelling any task still running."""
        if self._closed:
            raise RuntimeError("TaskRunner was shut down")
        self.cancel(emit=False)
        self._generation += 1
        ctx = TaskContext(self, self._generation)
        self._context = ctx
        self._future = self._executor.submit(self._run, ctx, fn, args, kwargs)
        self.running_changed.emit(True)

    def _run(self, ctx: TaskContext, fn, args, kwargs) -> None:
        gen = ctx._generation
        try:
            result = fn(ctx, *args, **kwargs)
        except Cancelled:
            self._relay.stopped.emit(gen)
        except Exception as exc:  # a task's failure is reported, never raised into Qt
            message = str(exc) or type(exc).__name__
            traceback.print_exc()
            self._relay.error.emit(gen, message)
        else:
            if ctx.cancelled:
                self._relay.stopped.emit(gen)
            else:
                self._relay.done.emit(gen, result)

    def cancel(self, emit: bool = True) -> None:
        """Ask the running task to stop; its results will be ignored from now on."""
        if self._context is None:
            return
        self._context._cancel.set()
        self._context = None
        self._generation += 1  # anything the old task still emits is now stale
        if emit:
            self.cancelled.emit()
            self.running_changed.emit(False)

    def shutdown(self, wait: bool = True) -> None:
        """Cancel and stop the worker thread. Call from closeEvent and in tests."""
        self.cancel(emit=False)
        self._closed = True
        self._executor.shutdown(wait=wait, cancel_futures=True)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the current task's function returned (for tests and shutdown)."""
        future = self._future
        if future is None:
            return True
        try:
            future.result(timeout)
        except Exception:
            pass
        return future.done()

    def _current(self, generation: int) -> bool:
        return self._context is not None and generation == self._generation

    @Slot(int, float, str)
    def _on_progress(self, generation, fraction, message):
        if self._current(generation):
            self.progress.emit(fraction, message)

    @Slot(int, object)
    def _on_partial(self, generation, result):
        if self._current(generation):
            self.partial.emit(result)

    @Slot(int, object)
    def _on_done(self, generation, result):
        if self._current(generation):
            self._context = None
            self.running_changed.emit(False)
            self.finished.emit(result)

    @Slot(int, str)
    def _on_error(self, generation, message):
        if self._current(generation):
            self._context = None
            self.running_changed.emit(False)
            self.failed.emit(message)

    @Slot(int)
    def _on_stopped(self, generation):
        if self._current(generation):
            self._context = None
            self.running_changed.emit(False)
            self.cancelled.emit()
