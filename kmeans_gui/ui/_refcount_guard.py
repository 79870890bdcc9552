"""Work around PySide6 6.12 dropping references to None/True/False on Python 3.11.

PySide6 6.12.0 returns ``None`` from wrapped void methods (``setText``, ``setValue``, ...) without
taking a reference. On Python 3.12+ these singletons are immortal and nothing happens; on 3.11
every call lowers None's reference count by one, and after a few thousand calls the interpreter
aborts with "Fatal Python error: none_dealloc" (mid-session or at exit). Giving the three
singletons a huge reference count up front keeps them alive for any realistic session.
Remove once the pinned PySide6 or the minimum Python makes it unnecessary.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["apply"]

_applied = False


def apply() -> None:
    global _applied
    if _applied or sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40
    _applied = True


apply()
