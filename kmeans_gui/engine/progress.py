"""Progress and cancel: one protocol for every long computation in the engine, the data loaders,
the lab and the exports.

A long function takes two optional callables, ``progress(fraction, message)`` and
``should_stop() -> bool``, so that the GUI can run it on a worker thread without the function
knowing about Qt. Once ``should_stop()`` returns True the function raises :class:`Cancelled` and
produces nothing. Inside, :class:`Progress` holds the two (either may be None: the no-op default)
and counts the work done.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Cancelled", "Progress", "ProgressCallback", "ShouldStop"]


class ProgressCallback(Protocol):
    """``progress(fraction, message)``: ``fraction`` of the whole job is done, 0..1."""

    def __call__(self, fraction: float, message: str) -> None: ...


class ShouldStop(Protocol):
    """``should_stop()``: True once the caller wants the job abandoned."""

    def __call__(self) -> bool: ...


class Cancelled(Exception):
    """Raised by a long computation once its ``should_stop()`` returned True; nothing was produced."""


class Progress:
    """The ``progress`` and ``should_stop`` of one job, and how much of its ``total`` is done.

    Parameters
    ----------
    progress : ProgressCallback, optional
    should_stop : ShouldStop, optional
    total : float
        The job's size, in units of work or any cost measure that :meth:`step` and :meth:`part`
        count in; the fraction reported is done / total, clipped to 0..1.
    """

    def __init__(self, progress: ProgressCallback | None = None, should_stop: ShouldStop | None = None,
                 total: float = 1.0):
        self._progress = progress
        self._should_stop = should_stop
        self.total = float(total) if total > 0 else 1.0
        self.done = 0.0

    def should_stop(self) -> bool:
        return self._should_stop is not None and bool(self._should_stop())

    def check(self) -> None:
        """Raise :class:`Cancelled` if the caller asked to stop."""
        if self.should_stop():
            raise Cancelled()

    def report(self, fraction: float, message: str) -> None:
        """Check for cancel, then report ``fraction`` (clipped to 0..1) of the whole job."""
        self.check()
        if self._progress is not None:
            self._progress(min(1.0, max(0.0, float(fraction))), message)

    def step(self, message: str, cost: float = 1.0) -> None:
        """Before a unit of work: check for cancel, say what comes next, and count ``cost`` done."""
        self.report(self.done / self.total, message)
        self.done += cost

    def part(self, cost: float) -> Progress:
        """The progress of a sub-job worth ``cost`` of this job, starting from what is done now:
        its fractions 0..1 land in that span, and it stops when this job stops. ``cost`` counts as
        done from here on."""
        base = self.done
        self.done += cost
        return Progress(lambda f, message: self.report((base + min(1.0, f) * cost) / self.total, message),
                        self._should_stop)
