"""One drawing computation at a time off the GUI thread, its result delivered on the GUI thread.

Drawing big data (the first raster of 2,000,000 points, the colour mix of 200,000 soft
memberships) takes longer than the GUI thread may stall. The drawing code keeps a cheap
stand-in on screen (a subsample, the hard labels) and hands the full computation to a
:class:`PaintJob`; when it is done the layer swaps the result in. A job is a pure NumPy function
of values captured when it started, so nothing it reads changes under it. Only one runs at a
time (the machine may have two cores): a layer that wants something newer while one runs waits
for its ``done`` and asks again. The thread is a daemon that ends with its function, so nothing
outlives the work.
"""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, Signal

__all__ = ["PaintJob"]


class PaintJob(QObject):
    """Runs ``fn(*args)`` on a short-lived thread; ``done(result)`` arrives on the GUI thread.

    Signals
    -------
    done(object) : the function's return value (never emitted when it raised; that is printed).
    """

    done = Signal(object)
    _finished = Signal(object, bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._finished.connect(self._on_finished)

    @property
    def busy(self) -> bool:
        """Whether a job was started and its ``done`` has not been delivered yet."""
        return self._thread is not None

    def start(self, fn, *args) -> bool:
        """Start ``fn(*args)`` unless a job is busy; returns whether it started."""
        if self._thread is not None:
            return False
        self._thread = threading.Thread(target=self._run, args=(fn, args), name="kmeans-paint", daemon=True)
        self._thread.start()
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the running function returned (for tests); True when none runs."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _run(self, fn, args) -> None:
        try:
            result, ok = fn(*args), True
        except Exception:  # a drawing job's failure must not take the window down
            traceback.print_exc()
            result, ok = None, False
        try:
            self._finished.emit(result, ok)
        except RuntimeError:
            pass  # the owner was deleted while the job ran: nobody wants the result

    def _on_finished(self, result, ok: bool) -> None:
        if self._thread is not None:
            self._thread.join()
        self._thread = None
        if ok:
            self.done.emit(result)
