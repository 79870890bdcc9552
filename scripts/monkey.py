"""A monkey test: thousands of random but valid GUI actions, with a fixed seed, and after every one
the state must still make sense.

    QT_QPA_PLATFORM=offscreen python scripts/monkey.py                  # 10,000 actions, seed 0
    QT_QPA_PLATFORM=offscreen python scripts/monkey.py --actions 500 --seed 3

Actions: left and right clicks on the canvas viewport, the window's shortcuts (play, step, back,
reset, run to end, new seed, regions / trails / lines, brush, frame, undo, redo, generate, New,
Open, Save, Save As), random values in every enabled spin box and combo box of the window, tab
switches, the Generate button. Dialogs are answered by a stand-in (Open picks a session saved
earlier in the run; unsaved changes are discarded), so nothing blocks.

Checks after every action: no exception escaped (sys.excepthook and threading.excepthook are
watched); the current state's labels name existing centres, one label per point, centres finite;
the point count moves only as the action allows (a left click adds, a right click removes at most
one; undo and redo return to the counts a shadow history of the edits predicts; Open gives the
file's points). Prints a summary; exit status 1 on the first failure, with the action log.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter

import numpy as np

SHORTCUTS = ["Space", "Right", "Left", "Home", "End", "R", "V", "T", "L", "B", "F", "F1",
             "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+G", "Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+Shift+S"]
# Spin boxes whose large values would make one action take seconds (a million generated points).
SPIN_CAP = 3000
MAX_UNDO = 100


class MonkeyFailure(AssertionError):
    pass


class AnsweringDialogs:
    """Stands in for the session dialogs: Save As goes to a new file, Open picks an earlier one."""

    def __init__(self, folder: str, rng):
        self.folder, self.rng, self.saved, self.counter = folder, rng, [], 0

    def ask_open_path(self, folder):
        return str(self.rng.choice(self.saved)) if self.saved else None

    def ask_save_path(self, suggested):
        self.counter += 1
        path = os.path.join(self.folder, f"monkey-{self.counter}.kmsession")
        self.saved.append(path)
        return path

    def ask_unsaved(self, name):
        return "discard"

    def ask_restore(self, description):
        return False

    def warn(self, title, text):
        raise MonkeyFailure(f"a warning was shown: {title}: {text}")


class Monkey:
    """Drives one MainWindow. ``step()`` does one random action and checks; ``run(n)`` does n."""

    def __init__(self, window, seed: int = 0, folder: str | None = None):
        from PySide6.QtWidgets import QApplication

        self.app = QApplication.instance()
        self.window = window
        self.rng = np.random.default_rng(seed)
        self.folder = folder or tempfile.mkdtemp(prefix="monkey-")
        self.dialogs = AnsweringDialogs(self.folder, self.rng)
        window.sessions.dialogs = self.dialogs
        self.counts = Counter()
        self.log: list[str] = []
        self.escaped: list[str] = []
        self.undo_counts: list[int] = []
        self.redo_counts: list[int] = []
        self.added = self.removed = 0

    # ------------------------------------------------------------------ exceptions
    def watch_exceptions(self):
        previous = (sys.excepthook, threading.excepthook)

        def hook(exc_type, exc, tb):
            self.escaped.append("".join(traceback.format_exception(exc_type, exc, tb)))

        sys.excepthook = hook
        threading.excepthook = lambda args: hook(args.exc_type, args.exc_value, args.exc_traceback)

        def restore():
            sys.excepthook, threading.excepthook = previous

        return restore

    # ------------------------------------------------------------------ actions
    def actions(self):
        return [
            (30, self.left_click), (12, self.right_click), (30, self.shortcut), (12, self.spin_box),
            (8, self.combo_box), (5, self.switch_tab), (2, self.generate_button),
        ]

    def step(self) -> None:
        weights = np.array([w for w, _ in self.actions()], dtype=float)
        _, action = self.actions()[self.rng.choice(len(weights), p=weights / weights.sum())]
        self._await_dataset()
        state = self.window.state
        before = (state.n_points, state.data_version)
        self._points_before = state.points  # read-only: kept as it is, never changed in place
        self._click_at = None
        description = action()
        self.counts[action.__name__] += 1
        self.log.append(description)
        self.settle()
        self.check(description, before)

    def run(self, n: int, progress_every: int = 0) -> None:
        for i in range(n):
            self.step()
            if progress_every and (i + 1) % progress_every == 0:
                print(f"  {i + 1:,} actions, {self.window.state.n_points:,} points", flush=True)

    def _await_dataset(self) -> None:
        """A user who asked for a big dataset sees it arrive before acting again (it is made on a
        worker; arriving inside the next action, it would be taken for that action's doing)."""
        end = time.monotonic() + 60
        while self.window.dataset_panel.making_dataset and time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.005)

    def settle(self) -> None:
        self.app.processEvents()
        if self.rng.random() < 0.05:  # now and then let timers (play, autosave, reruns) fire
            end = time.monotonic() + 0.03
            while time.monotonic() < end:
                self.app.processEvents()
                time.sleep(0.002)

    def _viewport_point(self):
        from PySide6.QtCore import QPoint

        viewport = self.window.canvas.plot.viewport()
        w, h = viewport.width(), viewport.height()
        return viewport, QPoint(int(self.rng.integers(5, max(w - 5, 6))), int(self.rng.integers(5, max(h - 5, 6))))

    def _show_explore(self) -> None:
        if self.window.tabs.currentWidget() is not self.window.explore:
            self.window.tabs.setCurrentWidget(self.window.explore)
            self.app.processEvents()

    def left_click(self) -> str:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        self._show_explore()
        viewport, pos = self._viewport_point()
        self._click_at = self._data_at(pos)
        QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
        QTest.qWait(1)
        return f"left click at {pos.x()},{pos.y()}"

    def right_click(self) -> str:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        self._show_explore()
        viewport, pos = self._viewport_point()
        self._click_at = self._data_at(pos)
        QTest.mouseClick(viewport, Qt.MouseButton.RightButton, pos=pos)
        QTest.qWait(1)
        return f"right click at {pos.x()},{pos.y()}"

    def _data_at(self, pos):
        canvas = self.window.canvas
        p = canvas.viewbox.mapSceneToView(canvas.plot.mapToScene(pos))
        return p.x(), p.y()

    def shortcut(self) -> str:
        from PySide6.QtGui import QKeySequence
        from PySide6.QtTest import QTest

        key = str(self.rng.choice(SHORTCUTS))
        if key in ("Space", "Right", "Left", "Home", "End", "R", "V", "T", "L", "B", "F"):
            self._show_explore()
            self.window.canvas.plot.setFocus()
        combo = QKeySequence(key)[0]
        QTest.keyClick(self.window, combo.key(), combo.keyboardModifiers())
        return f"key {key}"

    def _enabled(self, kind):
        return [w for w in self.window.findChildren(kind) if w.isEnabled() and w.isVisibleTo(self.window)]

    def spin_box(self) -> str:
        from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

        boxes = self._enabled(QSpinBox) + self._enabled(QDoubleSpinBox)
        if not boxes:
            return "no spin box"
        box = boxes[int(self.rng.integers(len(boxes)))]
        lo, hi = box.minimum(), min(box.maximum(), max(box.minimum(), SPIN_CAP))
        value = self.rng.uniform(lo, hi) if isinstance(box, QDoubleSpinBox) else int(self.rng.integers(lo, hi + 1))
        box.setValue(value)
        return f"spin {box.objectName() or type(box.parent()).__name__}.{box.toolTip()[:20]} = {value}"

    def combo_box(self) -> str:
        from PySide6.QtWidgets import QComboBox

        boxes = self._enabled(QComboBox)
        if not boxes:
            return "no combo box"
        box = boxes[int(self.rng.integers(len(boxes)))]
        index = int(self.rng.integers(box.count())) if box.count() else 0
        box.setCurrentIndex(index)
        return f"combo {type(box.parent()).__name__} -> {box.itemText(index)!r}"

    def switch_tab(self) -> str:
        index = int(self.rng.integers(self.window.tabs.count()))
        self.window.tabs.setCurrentIndex(index)
        return f"tab {self.window.tabs.tabText(index)}"

    def generate_button(self) -> str:
        self._show_explore()
        self.window.dataset_panel.generate()
        return "Generate"

    # ------------------------------------------------------------------ checks
    def check(self, description: str, before: tuple[int, int]) -> None:
        if self.escaped:
            self.fail(description, f"an exception escaped:\n{self.escaped[0]}")
        state = self.window.state
        n_before, version_before = before
        n = state.n_points
        current = state.current
        if current is not None:
            if not np.isfinite(current.centers).all():
                self.fail(description, "a centre is not finite")
            if current.labels is not None:
                labels = current.labels
                if labels.shape != (n,):
                    self.fail(description, f"{labels.shape[0]} labels for {n} points")
                if n and (labels.min() < 0 or labels.max() >= current.centers.shape[0]):
                    self.fail(description, f"a label names no centre (labels {labels.min()}..{labels.max()}, "
                                           f"{current.centers.shape[0]} centres)")
        elif n >= state.params.k and state.needs_centers == 0 and state.error is None and not state.starting:
            # (starting: big data's first states come from a worker, a moment later)
            self.fail(description, "points enough for a run, but no run")
        if state.data_version == version_before:
            if n != n_before:
                self.fail(description, "the points changed without a new data version")
            return
        delta = n - n_before
        if description.startswith("left click"):
            if delta < 0:
                self.fail(description, f"a left click removed {-delta} points")
            if not np.array_equal(state.points[:n_before], self._points_before):
                self.fail(description, "a left click changed points that were there before")
            if delta == 1 and not self.window.view_options.brush_mode:
                self._near_click(description, state.points[-1], "the added point")
            self.added += delta
            self._pushed(n_before)
        elif description.startswith("right click"):
            if delta not in (0, -1):
                self.fail(description, f"a right click changed the count by {delta}")
            if delta == -1:
                old = self._points_before
                d2 = ((old - self._click_at) ** 2).sum(axis=1)
                gone = [i for i in range(len(old)) if i == len(state.points) or not np.array_equal(old[i], state.points[i])]
                if not gone or not np.isclose(d2[gone[0]], d2.min()):
                    self.fail(description, "a right click removed a point that was not the nearest")
            self.removed -= delta
            self._pushed(n_before)
        elif description == "key Ctrl+Z":
            expected = self.undo_counts.pop() if self.undo_counts else None
            if expected is not None and n != expected:
                self.fail(description, f"undo gave {n} points, the history says {expected}")
            self.redo_counts.append(n_before)
        elif description == "key Ctrl+Shift+Z":
            expected = self.redo_counts.pop() if self.redo_counts else None
            if expected is not None and n != expected:
                self.fail(description, f"redo gave {n} points, the history says {expected}")
            self.undo_counts.append(n_before)
        elif description in ("key Ctrl+O", "key Ctrl+N"):
            self.undo_counts.clear()
            self.redo_counts.clear()
            if description == "key Ctrl+O":
                from kmeans_gui.state import session

                path = self.window.sessions.path
                if session.read(path).arrays["explore"]["points"].shape[0] != n:
                    self.fail(description, f"opened {path} but the count differs")
        else:  # a new dataset (Generate, or a data option): an undoable replacement
            self._pushed(n_before)

    def _near_click(self, description: str, point, what: str) -> None:
        canvas = self.window.canvas
        (x0, x1), (y0, y1) = canvas.viewbox.viewRange()
        pixel = max((x1 - x0) / max(canvas.viewbox.width(), 1), (y1 - y0) / max(canvas.viewbox.height(), 1))
        if np.hypot(*(np.asarray(point) - self._click_at)) > 2 * pixel:
            self.fail(description, f"{what} {tuple(point)} is not where the click was {self._click_at}")

    def _pushed(self, n_before: int) -> None:
        self.undo_counts.append(n_before)
        del self.undo_counts[:-MAX_UNDO]
        self.redo_counts.clear()

    def fail(self, description: str, problem: str) -> None:
        recent = "\n".join(f"  {line}" for line in self.log[-15:])
        raise MonkeyFailure(f"after action {len(self.log):,} ({description}): {problem}\nlast actions:\n{recent}")

    def finish(self) -> None:
        self.window.playback.pause()
        for page in (self.window.tabs.widget(i) for i in range(self.window.tabs.count())):
            runner = getattr(page, "runner", None)
            if runner is not None:
                runner.cancel(emit=False)
                runner.wait(30)
        self.app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("KMEANS_GUI_DATA_DIR", tempfile.mkdtemp(prefix="monkey-data-"))
    from PySide6.QtWidgets import QApplication

    from kmeans_gui.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    window.sessions.start(restore="no")
    monkey = Monkey(window, seed=args.seed)
    restore = monkey.watch_exceptions()
    t0 = time.perf_counter()
    status = 0
    try:
        monkey.run(args.actions, progress_every=1000)
    except MonkeyFailure as exc:
        print(f"FAILED {exc}")
        status = 1
    finally:
        restore()
        monkey.finish()
    seconds = time.perf_counter() - t0
    kinds = ", ".join(f"{name} {count:,}" for name, count in sorted(monkey.counts.items()))
    print(f"{len(monkey.log):,} actions (seed {args.seed}) in {seconds:.0f} s: {kinds}")
    print(f"points added by clicks {monkey.added:,}, removed {monkey.removed:,}; now {window.state.n_points:,}; "
          f"sessions saved {monkey.dialogs.counter}; exceptions escaped {len(monkey.escaped)}")
    window.sessions.dialogs.ask_unsaved = lambda name: "discard"
    window.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
