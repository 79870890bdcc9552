"""Help texts built from what the app really is: its actions' shortcuts and its libraries' versions."""

from __future__ import annotations

import html
import platform
from importlib import metadata

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenuBar

from ... import __license__, __version__

__all__ = ["library_versions", "shortcut_rows", "shortcuts_html", "about_html", "MOUSE_HELP"]

# (display name, distribution name) of what the app runs on.
LIBRARIES = (
    ("PySide6 (Qt for Python)", "PySide6-Essentials"),
    ("pyqtgraph", "pyqtgraph"),
    ("NumPy", "numpy"),
    ("SciPy", "scipy"),
    ("Pillow", "pillow"),
    ("scikit-learn", "scikit-learn"),
)

MOUSE_HELP = (
    ("Click", "add a point (with Place by clicking: place a centroid)"),
    ("Right-click", "remove the nearest point"),
    ("Drag", "pan the view; in brush mode (B) spray points; with Place by clicking, move a placed "
             "centroid before the run starts"),
    ("Wheel", "zoom"),
)


def library_versions() -> list[tuple[str, str]]:
    """(name, version) of Python, Qt and each library; "not installed" where one is missing."""
    from PySide6 import QtCore

    rows = [("Python", platform.python_version()), ("Qt", QtCore.qVersion())]
    for label, dist in LIBRARIES:
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            # PySide6 may come as the full "PySide6" wheel rather than the Essentials one.
            version = _module_version(dist) or "not installed"
        rows.append((label, version))
    return rows


def _module_version(dist: str) -> str | None:
    if dist.startswith("PySide6"):
        import PySide6
        return PySide6.__version__
    return None


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")


def shortcut_rows(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, shortcut as the user types it, what it does) for every menu action that has a shortcut."""
    rows = []
    for menu_action in menu_bar.actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        for action in menu.actions():
            keys = action.shortcut()
            if keys.isEmpty():
                continue
            rows.append((_plain(menu.title()), keys.toString(QKeySequence.SequenceFormat.NativeText),
                         _plain(action.text())))
    return rows


def shortcuts_html(menu_bar: QMenuBar, tab_names: dict[str, str] | None = None) -> str:
    """The Help > Keyboard shortcuts text: one table per menu, then the mouse.

    ``tab_names`` maps a menu title to the tab its single-key shortcuts belong to (shown as a note).
    """
    tab_names = tab_names or {}
    parts, last_menu = [], None
    for menu, keys, text in shortcut_rows(menu_bar):
        if menu != last_menu:
            if last_menu is not None:
                parts.append("</table>")
            note = f" <span style='color:#555'>(on the {tab_names[menu]} tab)</span>" if menu in tab_names else ""
            parts.append(f"<p><b>{html.escape(menu)}</b>{note}</p><table cellspacing='2'>")
            last_menu = menu
        parts.append(f"<tr><td style='padding-right:16px'><b>{html.escape(keys)}</b></td>"
                     f"<td>{html.escape(text)}</td></tr>")
    if last_menu is not None:
        parts.append("</table>")
    parts.append("<p><b>Mouse</b> <span style='color:#555'>(on the Explore canvas)</span></p><table cellspacing='2'>")
    for what, does in MOUSE_HELP:
        parts.append(f"<tr><td style='padding-right:16px'><b>{what}</b></td><td>{html.escape(does)}</td></tr>")
    parts.append("</table><p>Single keys do nothing while you type into a box or list.</p>")
    return "".join(parts)


def about_html() -> str:
    """The About box: what the app is, its version and licence, and what it runs on."""
    rows = "".join(f"<tr><td style='padding-right:12px'>{html.escape(name)}</td><td>{html.escape(v)}</td></tr>"
                   for name, v in library_versions())
    return (
        f"<h3>k-means explorer {html.escape(__version__)}</h3>"
        "<p>Watch k-means think: initialise, assign, update, converge, one half-step at a time; "
        "choose k; quantize the colours of a photo.</p>"
        f"<p>Licence: {html.escape(__license__)}.</p>"
        f"<p>Running on:</p><table cellspacing='1'>{rows}</table>"
    )
