"""Computing the rest of an Explore run on a worker thread (:class:`StepJob`), and keeping a big
seeding's D^2 arrays within a memory budget (:func:`trim_seed`)."""

from __future__ import annotations

import math
import threading
from dataclasses import replace
from typing import Callable, Iterator

import numpy as np

from ..engine import KMeansState

__all__ = ["StepJob", "trim_seed", "final_shortfall", "SEED_DISTANCE_BUDGET"]

#: Observed k-means++ / farthest-point seeding yields one n-sized D^2 array per seed (at 1,000,000
#: points and k = 50, 392 MB). A run keeps at most about this many bytes of them; beyond, only
#: every few seeds keep theirs (as float32, they only shade points) and the others are
#: recomputed from the nearest kept one when shown, a few O(n) passes.
SEED_DISTANCE_BUDGET = 64_000_000


def trim_seed(s: KMeansState, k: int) -> KMeansState:
    """Drop or shrink a seed state's D^2 array so a run's seeding stays within the budget."""
    seed = getattr(s, "seed", None)  # only Lloyd's observed seeding has one
    if seed is None or seed.sq_dist is None:
        return s
    n_arrays = max(k - 1, 1)
    stride = math.ceil(n_arrays * seed.sq_dist.size * 4 / SEED_DISTANCE_BUDGET)
    if stride <= 1:
        return s
    before = s.n_seeds - 1  # seeds the D^2 is measured to
    kept = None
    if (before - 1) % stride == 0:
        kept = seed.sq_dist.astype(np.float32)
        kept.setflags(write=False)
    return replace(s, seed=replace(seed, sq_dist=kept))


def final_shortfall(s, k: int, points: np.ndarray) -> tuple[int, int] | None:
    """(distinct points, empty clusters) when a final state's labels use fewer than k clusters,
    else None: the fact the engine's FewDistinctPointsWarning states for Lloyd, read off the labels
    (for a worker, where warnings cannot be caught, and for the variants, which do not warn)."""
    if s.labels is None:
        return None
    used = int(np.count_nonzero(np.bincount(s.labels, minlength=k)))
    if used >= k:
        return None
    return len(np.unique(points, axis=0)), k - used


class StepJob:
    """The rest of a run, computed on a worker thread (made by :meth:`AppState.detach`).

    The worker calls :meth:`run`; it alone touches the step generator until ``released`` is
    set. It only appends to ``states``; the state's own thread reads them (``collect``).
    ``stop`` ends it after the state in progress; the generator then goes back to the state.
    """

    def __init__(self, steps: Iterator[KMeansState], run_version: int, k: int, points: np.ndarray,
                 start: int = 0):
        self.steps = steps
        self.run_version = run_version
        self.k = k
        self.points = points
        self.states: list[KMeansState] = []
        self.start = start
        self.finished = False
        self.final_warning: tuple[int, int] | None = None  # (distinct points, empty clusters)
        self.error: str | None = None  # the engine refused the run (bad input), in its words
        self.stop = threading.Event()
        self.released = threading.Event()
        self.started = False  # a worker took the job up (under _lock, with stop)
        self._lock = threading.Lock()

    def run(self, should_stop: Callable[[], bool] = lambda: False,
            on_state: Callable[[KMeansState, int], None] | None = None) -> int:
        """Compute states until the run ends or a stop is asked for; return how many were made."""
        with self._lock:
            if self.stop.is_set():  # halted before any worker took it up: the generator went back
                return 0
            self.started = True
        try:
            while not (self.stop.is_set() or should_stop()):
                # The engine's FewDistinctPointsWarning is not caught here (catch_warnings is not
                # thread-safe); the same fact is read off the final labels instead.
                try:
                    s = next(self.steps, None)
                except ValueError as exc:  # a run started here is checked here (see AppState.starting)
                    self.error = str(exc)
                    break
                if s is None:
                    self.finished = True
                    break
                self.states.append(trim_seed(s, self.k))
                if s.is_final:
                    self.finished = True
                    self._check_final(s)
                    break
                if on_state is not None:
                    on_state(s, len(self.states))
        finally:
            self.released.set()
        return len(self.states)

    def halt(self) -> None:
        """Stop the job and wait until the generator is free: for the state in progress when a
        worker runs it, not at all when none took it up yet (one may never: a runner shut down
        drops the jobs still queued, and waiting for those would wait for ever)."""
        with self._lock:
            self.stop.set()
            started = self.started
        if started:
            self.released.wait()
        else:
            self.released.set()

    def _check_final(self, s: KMeansState) -> None:
        self.final_warning = final_shortfall(s, self.k, self.points)
