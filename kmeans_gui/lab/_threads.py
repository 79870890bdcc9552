"""The thread limit of the lab's long functions."""

from __future__ import annotations

import contextlib
import functools

__all__ = ["single_threaded"]


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
