"""Progress, cancel and thread limits shared by the lab's long functions."""

from __future__ import annotations

import contextlib
import functools

__all__ = ["LabCancelled", "Progress", "single_threaded"]


class LabCancelled(Exception):
    """Raised between units of work once ``should_stop()`` returned True."""


class Progress:
    """Counts units of work done, reports them and checks for cancel before each unit."""

    def __init__(self, total: int, progress=None, should_stop=None):
        self.total = max(int(total), 1)
        self.done = 0
        self._progress = progress
        self._should_stop = should_stop

    def check(self) -> None:
        if self._should_stop is not None and self._should_stop():
            raise LabCancelled()

    def start(self, message: str) -> None:
        """Before a unit: check for cancel and say what comes next."""
        self.check()
        if self._progress is not None:
            self._progress(self.done / self.total, message)

    def finish(self, message: str = "") -> None:
        """After a unit."""
        self.done += 1
        if self._progress is not None and self.done >= self.total:
            self._progress(1.0, message or "done")


@functools.lru_cache(maxsize=1)
def _controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextlib.contextmanager
def single_threaded():
    """BLAS and OpenMP on one thread: on small data their thread start-up and contention cost more
    than they save (a 500-point Gaussian mixture took 100-1,400 ms with the default pools on a
    busy 2-core machine, 6-40 ms on one thread)."""
    with _controller().limit(limits=1):
        yield
