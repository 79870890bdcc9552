"""The tabs of the main window, in the order they appear.

A new tab: a model in ``state/``, a package in ``ui/`` whose ``__init__`` defines ``TAB`` (a
:class:`~kmeans_gui.ui.common.tab.Tab`), and its package name in ``TAB_PACKAGES`` below.
The main window builds its tabs from this list and ``snapshot --view`` takes its names from it.
"""

from __future__ import annotations

import importlib

from .common.tab import Tab

__all__ = ["TABS", "TAB_PACKAGES", "Tab", "tab_named"]

TAB_PACKAGES = ("explore", "image", "choose_k")

TABS: tuple[Tab, ...] = tuple(importlib.import_module(f".{name}", __package__).TAB for name in TAB_PACKAGES)


def tab_named(name: str) -> Tab:
    for tab in TABS:
        if tab.name == name:
            return tab
    raise ValueError(f"no tab named {name!r}; the tabs are: {', '.join(t.name for t in TABS)}")
