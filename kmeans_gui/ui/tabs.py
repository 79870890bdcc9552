"""The tabs of the main window, in the order they appear.

A new tab: a model in ``state/``, a package in ``ui/`` whose ``__init__`` defines ``TAB`` (a
:class:`~kmeans_gui.ui.common.tab.Tab`; or ``TABS``, several), and its package name in
``TAB_PACKAGES`` below.
The main window builds its tabs from this list and ``snapshot --view`` takes its names from it.
"""

from __future__ import annotations

import importlib

from .common.tab import Tab

__all__ = ["TABS", "TAB_PACKAGES", "Tab", "tab_named"]

TAB_PACKAGES = ("explore", "image", "choose_k", "lab")


def _tabs_of(package: str) -> tuple[Tab, ...]:
    """A package's ``TAB``, or its ``TABS`` when it holds several (the lab: Failures and Restarts)."""
    module = importlib.import_module(f".{package}", __package__)
    return tuple(getattr(module, "TABS", None) or (module.TAB,))


TABS: tuple[Tab, ...] = tuple(tab for name in TAB_PACKAGES for tab in _tabs_of(name))


def tab_named(name: str) -> Tab:
    for tab in TABS:
        if tab.name == name:
            return tab
    raise ValueError(f"no tab named {name!r}; the tabs are: {', '.join(t.name for t in TABS)}")
