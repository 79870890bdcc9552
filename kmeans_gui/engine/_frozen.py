"""One helper for handing out arrays nobody may change.

States, results and seeds are shared: a GUI keeps every state of a run to rewind, and a state's
arrays are reused by the next one where nothing changed. So every array the engine hands out is
read-only, made so here.
"""

from __future__ import annotations

import numpy as np

__all__ = ["frozen"]


def frozen(a: np.ndarray) -> np.ndarray:
    """Make ``a`` read-only in place and return it.

    ``a`` must be an array the caller owns (made for this purpose), not a view of one that others
    may still write through.
    """
    a.setflags(write=False)
    return a
