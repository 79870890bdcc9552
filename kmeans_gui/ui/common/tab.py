"""What a tab of the main window is: a name, a title, its models, its page, a snapshot hook.

Each tab's package (``ui/explore``, ``ui/image``, ``ui/choose_k``) defines one ``TAB``;
``ui/tabs.py`` lists the packages. Factories import their widgets when called, so reading the
registry (``snapshot --help``) stays cheap.

A page may have a ``message`` Signal(str) (shown in the status line: as a passing message, or
as the tab's own status when ``message_is_status``) and a ``shutdown()`` method (called when the
window closes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Tab"]


@dataclass(frozen=True)
class Tab:
    """One tab of the main window.

    Attributes
    ----------
    name : str
        Its name on the command line (``snapshot --view NAME``).
    title : str
        The tab's label.
    models : callable(window) -> dict of str to model
        The tab's Qt-free models, keyed by the name a session saves them under.
    page : callable(window, models) -> QWidget
        Builds the tab's widget from those models.
    snapshot : callable(window, page) -> None, optional
        Makes the page ready for ``snapshot --view NAME`` (computing what it would compute in
        the background), after it was selected.
    message_is_status : bool
        The page's ``message`` signal sets the tab's status text (shown while the tab is current)
        rather than a passing message.
    """

    name: str
    title: str
    models: Callable[[Any], dict]
    page: Callable[[Any, dict], Any]
    snapshot: Callable[[Any, Any], None] | None = None
    message_is_status: bool = False
