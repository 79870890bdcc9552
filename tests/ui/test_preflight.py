"""The launcher names the missing system library instead of letting Qt abort with a wrong hint."""

import argparse

from kmeans_gui.ui import app, preflight

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd5a1f0000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f3a1c000000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb1.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f3a1bf00000)
"""


def test_missing_libraries_are_read_from_ldd_and_named_by_package():
    missing = preflight.missing_from_ldd(LDD_OUTPUT)
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert preflight.debian_packages(missing + ["libxcb-cursor.so.0", "libfoo.so.9"]) == [
        "libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0", "libfoo.so.9"]


def test_only_the_xcb_platform_is_checked():
    assert preflight.uses_xcb({}, "linux")
    assert preflight.uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not preflight.uses_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not preflight.uses_xcb({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "linux")
    assert not preflight.uses_xcb({}, "darwin")
    assert preflight.problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_a_missing_library_is_one_line_and_exit_status_2(monkeypatch, capsys):
    monkeypatch.setattr(preflight, "missing_xcb_libraries", lambda: ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    reason = preflight.problem({"DISPLAY": ":0"})
    assert "libxcb-icccm.so.4" in reason and "apt-get install libxcb-icccm4 libxcb-keysyms1" in reason
    # As in a fresh process: Qt's widgets not imported yet (run() returns before importing them).
    monkeypatch.delitem(app.sys.modules, "PySide6.QtWidgets", raising=False)
    monkeypatch.setattr(preflight, "problem", lambda: reason)
    assert app.run(argparse.Namespace()) == 2
    err = capsys.readouterr().err
    assert err == f"kmeans-gui: {reason}\n"


def test_no_display_is_said_plainly(monkeypatch):
    monkeypatch.setattr(preflight, "missing_xcb_libraries", lambda: [])
    assert "DISPLAY is not set" in preflight.problem({})
    assert preflight.problem({"DISPLAY": ":0"}) is None


def test_this_machine_ldd_check_runs():
    # Whatever this machine has, the check returns sonames (not paths or empty strings).
    assert all(name.startswith("lib") and ".so" in name for name in preflight.missing_xcb_libraries())
