"""The Choose k tab's model: sweep settings, the result shown, results cached per data and settings.

Qt-free. The sweep runs over the Explore model's points (``points_from``, an AppState);
:func:`sweep_task` is the work itself, a plain function the tab runs on a worker thread.
Events: ``max_k``, ``n_seeds``, ``changed`` (settings), ``result`` (the result shown changed),
``partial`` (one more k of a running sweep finished).
"""

from __future__ import annotations

import numpy as np

from ..engine.sweep import SweepCancelled, SweepResult, sweep_k
from .events import Event, EventedModel, Field, whole_number
from .explore import MAX_K
from .words import SWEEP_NO_POINTS

__all__ = ["ChooseKModel", "sweep_task", "MAX_CACHE"]

MAX_CACHE = 8


def sweep_task(ctx, X, k_values, n_seeds) -> SweepResult:
    """Fit every k in ``k_values`` with ``n_seeds`` k-means++ seeds; fits go to ``ctx.set_partial``."""
    try:
        return sweep_k(X, k_values, n_seeds, random_state=0, progress=ctx.set_progress,
                       should_stop=lambda: ctx.cancelled, on_fit=ctx.set_partial)
    except SweepCancelled:
        ctx.check_cancelled()  # the runner's own "cancelled" path, not a failure
        raise


class ChooseKModel(EventedModel):
    """Settings of the sweep, and its results for the points of ``points_from``.

    Parameters
    ----------
    points_from : AppState
        Whose ``points`` and ``data_version`` the sweep uses.
    """

    max_k = Field(10, whole_number(2, MAX_K), "try k = 1 .. max_k")
    n_seeds = Field(3, whole_number(1, 20), "k-means++ runs per k; the best is kept")

    def __init__(self, points_from, **values):
        super().__init__(**values)
        for name in ("result", "partial"):
            setattr(self.events, name, Event(name))
        self.points_from = points_from
        self.result: SweepResult | None = None
        self.partial: list = []
        self._cache: dict[tuple, SweepResult] = {}
        self._running_key: tuple | None = None

    # ------------------------------------------------------------------ reading
    def settings_key(self) -> tuple:
        return (self.points_from.data_version, self.max_k, self.n_seeds)

    def cached(self) -> SweepResult | None:
        """The result for the current points and settings, if computed before."""
        return self._cache.get(self.settings_key())

    def sweep_args(self) -> tuple:
        """(X, k_values, n_seeds) for :func:`sweep_task`; ValueError when there are no points."""
        X = np.array(self.points_from.points)  # a private copy: the worker must not see later edits
        n = X.shape[0]
        if n == 0:
            raise ValueError(SWEEP_NO_POINTS)
        return X, range(1, min(self.max_k, n) + 1), self.n_seeds

    # ------------------------------------------------------------------ changing
    def show(self, result: SweepResult | None) -> None:
        self.result = result
        self.events.result.emit()

    def begin(self) -> None:
        """A sweep for the current settings starts: its fits arrive through :meth:`add_fit`."""
        self.partial = []
        self._running_key = self.settings_key()

    def add_fit(self, fit) -> None:
        self.partial.append(fit)
        self.events.partial.emit()

    def finish(self, result: SweepResult) -> None:
        """The running sweep ended with ``result``: cache it and show it."""
        if self._running_key is not None:
            self.store(self._running_key, result)
        self._running_key = None
        self.show(result)

    def abandon(self) -> None:
        """The running sweep failed or was cancelled."""
        self._running_key = None

    def store(self, key: tuple, result: SweepResult) -> None:
        self._cache[key] = result
        while len(self._cache) > MAX_CACHE:
            self._cache.pop(next(iter(self._cache)))

    def compute_now(self) -> SweepResult:
        """Sweep on this thread (snapshots and scripts); cached results are reused."""
        key = self.settings_key()
        if key not in self._cache:
            X, k_values, n_seeds = self.sweep_args()
            self.store(key, sweep_k(X, k_values, n_seeds, random_state=0))
        self.show(self._cache[key])
        return self.result

    def forget_other_data(self) -> None:
        """The points changed: drop results of other data, and the result shown."""
        version = self.points_from.data_version
        self._cache = {key: r for key, r in self._cache.items() if key[0] == version}
        self.show(None)
