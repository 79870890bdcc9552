"""Block widgets' signals for a block of code.

Not ``with QSignalBlocker(w)``: in PySide6 6.12 its context-manager methods return None/False
without a reference, and enough uses crash the interpreter at exit ("deallocating None").
"""

from __future__ import annotations

import contextlib

__all__ = ["signals_blocked"]


@contextlib.contextmanager
def signals_blocked(*widgets):
    previous = [w.blockSignals(True) for w in widgets]
    try:
        yield
    finally:
        for w, was in zip(widgets, previous):
            w.blockSignals(was)
