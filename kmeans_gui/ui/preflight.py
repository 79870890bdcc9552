"""Before Qt starts a real window: are the system libraries of Qt's X11 (xcb) platform there?

Without them Qt aborts with "Could not load the Qt platform plugin xcb" and, since Qt 6.5, a hint
about libxcb-cursor0 even when another library is the one missing. ``ldd`` on the plugin names the
real culprits; this module turns them into one line saying which Debian packages to install.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["uses_xcb", "missing_from_ldd", "missing_xcb_libraries", "debian_packages", "problem"]

# The Debian/Ubuntu package holding each library of Qt 6's xcb plugin, by soname.
DEBIAN_PACKAGE = {
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}
# Loaded by the plugin at run time (dlopen), so ldd does not list it.
DLOPENED = ("libxcb-cursor.so.0",)


def uses_xcb(environ=os.environ, platform: str = sys.platform) -> bool:
    """Whether Qt would start on its X11 (xcb) platform: Linux, and no other platform chosen."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return not (environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland")


def missing_from_ldd(ldd_output: str) -> list[str]:
    """The sonames ``ldd`` reports as "not found", each once, in order."""
    missing: list[str] = []
    for line in ldd_output.splitlines():
        name, _, rest = line.strip().partition(" => ")
        if rest.strip().startswith("not found") and name not in missing:
            missing.append(name)
    return missing


def _xcb_plugin() -> Path | None:
    try:
        import PySide6  # only the package: no Qt library is loaded yet
    except ImportError:
        return None
    for base in (Path(PySide6.__file__).parent / "Qt" / "plugins", Path(PySide6.__file__).parent / "plugins"):
        plugin = base / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def missing_xcb_libraries() -> list[str]:
    """Sonames Qt's xcb plugin needs that this system lacks ([] when all are there or it cannot tell)."""
    plugin, ldd = _xcb_plugin(), shutil.which("ldd")
    if plugin is None or ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    missing = missing_from_ldd(out)
    for soname in DLOPENED:
        if soname in missing:
            continue
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(soname)
    return missing


def debian_packages(sonames: list[str]) -> list[str]:
    """The Debian/Ubuntu packages providing ``sonames`` (a soname with no known package stays as is)."""
    packages: list[str] = []
    for soname in sonames:
        package = DEBIAN_PACKAGE.get(soname, soname)
        if package not in packages:
            packages.append(package)
    return packages


def problem(environ=os.environ) -> str | None:
    """A message naming what keeps Qt's window from starting, or None when nothing is known to."""
    if not uses_xcb(environ):
        return None
    missing = missing_xcb_libraries()
    if missing:
        return (f"Qt cannot open a window: its X11 (xcb) platform needs {', '.join(missing)}, which "
                f"this system lacks. Install them with: sudo apt-get install {' '.join(debian_packages(missing))}")
    if not environ.get("DISPLAY"):
        return ("Qt cannot open a window: no X display (DISPLAY is not set). Run it in a desktop session, "
                "or use the headless commands (kmeans-gui snapshot / quantize).")
    return None
