"""Test-wide settings: headless Qt, and no test may leave a worker thread running."""

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

# Threads that exist for the whole session and are not any test's to stop.
_BACKGROUND_PREFIXES = ("kmeans-chunks",)


@pytest.fixture(autouse=True)
def no_leftover_threads():
    before = set(threading.enumerate())
    yield
    leftover = [
        t for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.name.startswith(_BACKGROUND_PREFIXES)
        and not t.daemon
    ]
    for t in leftover:
        t.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"test left threads running: {still}"
