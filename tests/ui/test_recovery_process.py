"""The real thing: the app in its own process edits points, autosaves, is killed with SIGKILL, and
the next start restores exactly those points."""

import os
import signal
import subprocess
import sys
import time

import numpy as np

from kmeans_gui.state import AppState, Params, session
from kmeans_gui.state.choose_k import ChooseKModel
from kmeans_gui.state.lab import FailuresModel, RestartsModel
from kmeans_gui.state.image import ImageModel
from kmeans_gui.state.view import ViewOptions

CORNERS = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 4.0], [2.0, 2.0]])


def start_app(data_dir, *args, clicks=""):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KMEANS_GUI_DATA_DIR=str(data_dir),
               KMEANS_GUI_TEST_CLICKS=clicks)
    return subprocess.Popen([sys.executable, "-m", "kmeans_gui", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for_autosave(proc, data_dir, n_points, timeout=60.0):
    """The points of ``proc``'s autosave once it holds ``n_points`` of them."""
    path = data_dir / f"autosave-{proc.pid}.kmsession"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        if path.exists():
            points = session.read(path).arrays["explore"]["points"]
            if len(points) == n_points:
                return points
        time.sleep(0.1)
    raise AssertionError(f"no autosave with {n_points} points in {timeout} s")


def test_kill_9_then_restore_finds_exactly_the_points(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    state = AppState(CORNERS, Params(k=2))
    start = tmp_path / "start.kmsession"
    session.save(start, {"explore": state, "view": ViewOptions(), "image": ImageModel(),
                         "choose_k": ChooseKModel(state), "failures": FailuresModel(state),
                         "restarts": RestartsModel(state)})

    first = start_app(data_dir, str(start), clicks="1,1;3,1;1,3")
    try:
        autosaved = wait_for_autosave(first, data_dir, 8)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    np.testing.assert_array_equal(autosaved[:5], CORNERS)
    np.testing.assert_allclose(autosaved[5:], [[1, 1], [3, 1], [1, 3]], atol=0.05)  # a pixel's worth
    assert (data_dir / f"autosave-{first.pid}.kmsession").exists()  # a kill leaves it behind

    # The second start restores it (--restore yes stands in for the Restore button), then one more
    # click: its autosave holds the restored points followed by the new one.
    second = start_app(data_dir, "--restore", "yes", clicks="3,3")
    try:
        again = wait_for_autosave(second, data_dir, 9)
    finally:
        second.send_signal(signal.SIGKILL)
        second.wait(10)
    np.testing.assert_array_equal(again[:8], autosaved)
    np.testing.assert_allclose(again[8], [3, 3], atol=0.05)
    assert not (data_dir / f"autosave-{first.pid}.kmsession").exists()  # taken over, not offered twice
