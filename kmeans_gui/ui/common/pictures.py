"""Pictures taken of widgets (exports, snapshots) get the whole drawing at once.

On screen, a widget may draw something big over a few event-loop turns (the Explore canvas draws
a million points a slice per turn, so the window stays responsive); a picture taken for a file
has no later turns, so while :func:`whole_pictures` is active such widgets draw in full.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

__all__ = ["whole_pictures", "taking_picture"]

_depth = 0


@contextmanager
def whole_pictures() -> Iterator[None]:
    """While active, widgets that draw over several turns on screen draw in full at once."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1


def taking_picture() -> bool:
    """True inside :func:`whole_pictures` (a grab or render for a file is being painted)."""
    return _depth > 0
