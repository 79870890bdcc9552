"""Pictures taken of widgets (exports, snapshots) get the whole drawing at once.

On screen, a widget may show a stand-in while the real drawing is made on a worker (the Explore
canvas draws a subsample of a million points, and soft colours as hard ones, until the worker's
raster and mix arrive: see ``ui/explore/paint_jobs.py``); a picture taken for a file has no
later turns to receive them, so while :func:`whole_pictures` is active such widgets draw in full.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

__all__ = ["whole_pictures", "taking_picture"]

_depth = 0


@contextmanager
def whole_pictures() -> Iterator[None]:
    """While active, widgets that show stand-ins on screen draw the final picture at once."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1


def taking_picture() -> bool:
    """True inside :func:`whole_pictures` (a grab or render for a file is being painted)."""
    return _depth > 0
