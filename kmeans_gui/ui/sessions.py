"""The window's sessions: File > New / Open / Save / Save As / Open Recent, autosave, recovery after
a crash, the unsaved-changes question, and what the window remembers between runs.

:class:`SessionController` is owned by the main window. It watches every model's change events;
the file format and its checks are ``kmeans_gui.state.session``. Every question it asks the user
goes through :class:`Dialogs`, which tests replace with their own answers, so no test blocks on a
modal dialog.

Autosave: the first change starts a 1 s timer (it is not restarted by later changes, so playing a
run still saves every second); when it fires, the models are captured on the GUI thread (cheap:
their arrays are read-only and shared) and written by a worker thread to
``<data dir>/autosave-<pid>.kmsession``. Saving, discarding or closing normally removes it, so an
autosave whose process is gone means a crash or a kill, and the next start offers to restore it.
"""

from __future__ import annotations

import glob
import json
import os
import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QSplitter

from ..state import AppState, session
from ..state.events import EventedModel
from .common.settings import app_settings, data_dir
from .common.tasks import TaskRunner
from .session_dialogs import IMAGE_SUFFIXES, Dialogs

__all__ = ["SessionController", "AUTOSAVE_DELAY_MS", "MAX_RECENT"]

AUTOSAVE_DELAY_MS = 1000
MAX_RECENT = 8
UNTITLED = "Untitled"


# ------------------------------------------------------------------------------ the worker


def _write_task(ctx, path: str, captured: session.Session) -> str:
    session.write(path, captured)
    return path


# ------------------------------------------------------------------------------ the controller


class SessionController(QObject):
    """Sessions of one main window.

    Attributes
    ----------
    path : str or None -- the session file this work was opened from or saved to
    dirty : bool -- changed since it was opened, saved or made new
    autosave_path : str or None -- this process's autosave file, once :meth:`start` ran
    autosaves_written : int
    """

    state_changed = Signal()  # path or dirty changed

    def __init__(self, window, dialogs: Dialogs | None = None):
        super().__init__(window)
        self.window = window
        self.dialogs = dialogs or Dialogs(window)
        self.path: str | None = None
        self.dirty = False
        self.active = False
        self.autosave_path: str | None = None
        self.autosaves_written = 0
        self._quiet = 0
        self._runner: TaskRunner | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.autosave_now)
        self.recent_menu = None
        for model in self.models().values():
            if isinstance(model, AppState):
                for name in ("points", "params", "manual", "cursor", "projection"):
                    getattr(model.events, name).connect(self._on_change)
            elif isinstance(model, EventedModel):
                model.events.changed.connect(self._on_change)
        self._update_title()

    # ------------------------------------------------------------------ what a session holds
    def models(self) -> dict:
        """Every model of the window, by the name a session stores it under (``ui/tabs.py``)."""
        return dict(self.window.models)

    def pages(self) -> dict:
        """Each tab's page by tab name."""
        return dict(self.window.pages)

    def capture(self) -> session.Session:
        extras = {"tab": self._current_tab(), "file": self.path}
        canvas = getattr(self.window, "canvas", None)
        if canvas is not None:
            extras["canvas_range"] = [list(map(float, r)) for r in canvas.viewbox.viewRange()]
        return session.capture(self.models(), extras)

    def _current_tab(self) -> str | None:
        current = self.window.tabs.currentWidget()
        return next((name for name, page in self.pages().items() if page is current), None)

    def apply(self, loaded: session.Session) -> None:
        """Load ``loaded`` into the models (SessionError, and nothing changed, when it does not fit)."""
        playback = getattr(self.window, "playback", None)
        if playback is not None:
            playback.pause()
        self._quiet += 1
        try:
            session.apply(self.models(), loaded)
        finally:
            self._quiet -= 1
        self._apply_window(loaded.window)

    def _apply_window(self, extras: dict) -> None:
        """The tab and the canvas' view range; a value that does not fit is skipped (it is only a view)."""
        tab = extras.get("tab")
        page = self.pages().get(tab) if isinstance(tab, str) else None
        if page is not None:
            self.window.tabs.setCurrentWidget(page)
        rng = extras.get("canvas_range")
        canvas = getattr(self.window, "canvas", None)
        if canvas is not None and _is_range(rng):
            canvas.viewbox.setRange(xRange=rng[0], yRange=rng[1], padding=0)

    # ------------------------------------------------------------------ changes
    def _on_change(self) -> None:
        if self._quiet:
            return
        if not self.dirty:
            self.dirty = True
            self._update_title()
        if self.active and not self._timer.isActive():
            self._timer.start()

    def _set_clean(self, path: str | None) -> None:
        self.path = path
        self.dirty = False
        self._update_title()

    def _update_title(self) -> None:
        name = os.path.basename(self.path) if self.path else UNTITLED
        self.window.setWindowTitle(f"{name}[*] — k-means explorer")
        self.window.setWindowModified(self.dirty)
        self.state_changed.emit()

    def _say(self, text: str) -> None:
        show = getattr(self.window, "show_message", None)
        if show is not None:
            show(text)

    # ------------------------------------------------------------------ File menu
    def add_actions(self, menu) -> None:
        """Put New, Open..., Open Recent, Save and Save As... at the top of ``menu`` (File)."""
        first = menu.actions()[0] if menu.actions() else None

        def action(text, slot, shortcut):
            act = QAction(text, self.window)
            act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(lambda *_: slot())
            menu.insertAction(first, act)
            self.window.addAction(act)  # shortcuts work even when the menu bar is hidden
            return act

        self.new_action = action("&New", self.new_session, QKeySequence.StandardKey.New)
        self.open_action = action("&Open…", self.open_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = QMenu("Open &Recent", menu)
        menu.insertMenu(first, self.recent_menu)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        self.save_action = action("&Save", self.save, QKeySequence.StandardKey.Save)
        self.save_as_action = action("Save &As…", self.save_as, QKeySequence.StandardKey.SaveAs)
        menu.insertSeparator(first)

    def new_session(self) -> bool:
        """Every setting at its default, an empty canvas, no file."""
        if not self.may_discard():
            return False
        settings, arrays = {}, {}
        for name, model in self.models().items():
            if isinstance(model, AppState):
                empty = AppState(params=type(model.params)())
                settings[name], arrays[name] = empty.to_dict(), empty.arrays()
            else:
                settings[name] = {key: f.default for key, f in model.fields().items()}
        self.apply(session.Session(settings, arrays, {"tab": "explore"}))
        self.discard_autosave()
        self._set_clean(None)
        self._say("New session")
        return True

    def open_dialog(self) -> bool:
        folder = os.path.dirname(self.path) if self.path else os.path.expanduser("~")
        path = self.dialogs.ask_open_path(folder)
        if not path:
            return False
        if path.lower().endswith(IMAGE_SUFFIXES):
            self.window.open_image(path)
            return True
        return self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open a session file; on any problem say what is wrong and change nothing."""
        if not self.may_discard():
            return False
        try:
            self.adopt(session.read(path), path)
        except session.SessionError as exc:
            self.dialogs.warn("Could not open the session",
                              f"{os.path.basename(path)}: {exc}\n\nYour current work is unchanged.")
            return False
        self._say(f"Opened {os.path.basename(path)}")
        return True

    def adopt(self, loaded: session.Session, path: str) -> None:
        """Show ``loaded``, read from ``path``, as the current, saved work (SessionError: nothing changed)."""
        self.apply(loaded)
        self.discard_autosave()
        self._set_clean(os.path.abspath(path))
        self.add_recent(self.path)

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._save_to(self.path)

    def save_as(self, path: str | None = None) -> bool:
        if path is None:
            folder = os.path.dirname(self.path) if self.path else os.path.expanduser("~")
            path = self.dialogs.ask_save_path(os.path.join(folder, os.path.basename(self.path or "kmeans" + session.SUFFIX)))
            if not path:
                return False
        if not os.path.splitext(path)[1]:
            path += session.SUFFIX
        return self._save_to(os.path.abspath(path))

    def _save_to(self, path: str) -> bool:
        try:
            session.write(path, self.capture())
        except (OSError, session.SessionError) as exc:
            self.dialogs.warn("Could not save the session", f"{path}: {exc}\n\nNothing was overwritten.")
            return False
        self.discard_autosave()
        self._set_clean(path)
        self.add_recent(path)
        self._say(f"Saved {path}")
        return True

    def may_discard(self) -> bool:
        """True when the current work may be replaced: saved, unchanged, or the user said so."""
        if not self.dirty:
            return True
        answer = self.dialogs.ask_unsaved(os.path.basename(self.path) if self.path else UNTITLED)
        if answer == "save":
            return self.save()
        return answer == "discard"

    # ------------------------------------------------------------------ recent files
    def recent_files(self) -> list[str]:
        value = app_settings().value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [p for p in (value or []) if isinstance(p, str)]

    def add_recent(self, path: str) -> None:
        files = [path] + [p for p in self.recent_files() if p != path]
        app_settings().setValue("recent_files", files[:MAX_RECENT])

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        files = self.recent_files()
        for path in files:
            act = QAction(os.path.basename(path), menu)
            act.setToolTip(path)
            act.setStatusTip(path)
            act.triggered.connect(lambda *_, p=path: self.open_path(p))
            menu.addAction(act)
        if files:
            menu.addSeparator()
            menu.addAction("Clear the list", lambda: app_settings().setValue("recent_files", []))
        else:
            menu.addAction("No recent sessions").setEnabled(False)

    # ------------------------------------------------------------------ autosave and recovery
    def start(self, restore: str = "ask") -> bool:
        """Start autosaving to the data directory and offer to restore a crashed run's work.

        ``restore``: "ask" (a dialog), "yes" or "no" (scripts and tests). Returns True when work
        was restored.
        """
        self.active = True
        folder = data_dir()
        self.autosave_path = os.path.join(folder, f"autosave-{os.getpid()}{session.SUFFIX}")
        self._runner = TaskRunner(self)
        self._runner.finished.connect(self._on_autosaved)
        self._runner.failed.connect(lambda text: self._say(f"Autosave failed: {text}"))
        restored = False
        if restore != "no":
            restored = self.offer_restore(ask=restore == "ask")
        if self.dirty:
            self._timer.start()
        return restored

    def autosave_now(self) -> None:
        """Capture now (GUI thread, cheap) and write on the worker."""
        self._timer.stop()
        if not self.active or not self.dirty or self._runner is None:
            return
        self._runner.submit(_write_task, self.autosave_path, self.capture())

    def _on_autosaved(self, path) -> None:
        self.autosaves_written += 1

    def discard_autosave(self) -> None:
        """The work is safe (saved, or deliberately discarded): no autosave may outlive this."""
        self._timer.stop()
        if self._runner is not None:
            self._runner.cancel(emit=False)
            self._runner.wait(10)  # a write in flight would bring the file back after the unlink
        if self.autosave_path and os.path.exists(self.autosave_path):
            os.unlink(self.autosave_path)

    def orphaned_autosaves(self) -> list[str]:
        """Autosaves of processes that are gone (crashed or killed), newest first."""
        found = []
        for path in glob.glob(os.path.join(data_dir(), f"autosave-*{session.SUFFIX}")):
            pid_text = os.path.basename(path)[len("autosave-"):-len(session.SUFFIX)]
            if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
                continue
            found.append(path)
        return sorted(found, key=os.path.getmtime, reverse=True)

    def offer_restore(self, ask: bool = True) -> bool:
        candidates = self.orphaned_autosaves()
        if not candidates:
            return False
        path = candidates[0]
        try:
            loaded = session.read(path)
            if ask and not self.dialogs.ask_restore(_describe(path, loaded)):
                _quietly(os.unlink, path)
                return False
            self.apply(loaded)
        except session.SessionError as exc:
            # Kept aside, not deleted: the user's work may still be recoverable by hand.
            _quietly(os.replace, path, path + ".damaged")
            self.dialogs.warn("Could not restore", f"The autosaved work could not be restored: {exc}\n"
                                                   f"It was kept as {path}.damaged.")
            return False
        # The restored work is unsaved, and the autosave now is this process's own (another
        # instance started at the same moment may have taken the file already: the work is here).
        _quietly(os.replace, path, self.autosave_path)
        file = loaded.window.get("file")
        self.path = file if isinstance(file, str) and file else None
        self.dirty = True
        self._update_title()
        self._say("Restored the work autosaved before kmeans-gui stopped")
        return True

    # ------------------------------------------------------------------ closing and remembering
    def may_close(self) -> bool:
        """Called by the window's closeEvent: False keeps the window open (the user cancelled)."""
        if not self.active:
            return True
        if not self.may_discard():
            return False
        self.remember_window()
        self.discard_autosave()
        if self._runner is not None:
            self._runner.shutdown()
            self._runner = None
        self.active = False
        return True

    def remember_window(self) -> None:
        settings = app_settings()
        settings.setValue("window/geometry", self.window.saveGeometry())
        for i, splitter in enumerate(self.window.findChildren(QSplitter)):
            settings.setValue(f"window/splitter_{i}", splitter.saveState())
        settings.setValue("last_settings", json.dumps(self.settings_only()))
        settings.sync()

    def recall_window(self) -> None:
        settings = app_settings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        for i, splitter in enumerate(self.window.findChildren(QSplitter)):
            state = settings.value(f"window/splitter_{i}")
            if state is not None:
                splitter.restoreState(state)

    def settings_only(self) -> dict:
        """The settings of every tab, without data: what the next start begins with."""
        out = {}
        for name, model in self.models().items():
            if isinstance(model, AppState):
                out[name] = {"params": model.to_dict()["params"]}
            else:
                out[name] = {k: v for k, v in model.to_dict().items() if k != "source"}
        return out

    def recall_settings(self, params: bool = True) -> None:
        """Take the last run's settings (``params``: the Explore parameters too). A setting that no
        longer fits is skipped: it is a convenience, never an error."""
        try:
            last = json.loads(app_settings().value("last_settings", "{}") or "{}")
        except (TypeError, ValueError):
            return
        self._quiet += 1
        try:
            for name, model in self.models().items():
                part = last.get(name)
                if not isinstance(part, dict):
                    continue
                try:
                    if isinstance(model, AppState):
                        if params and isinstance(part.get("params"), dict):
                            model.set_params(**part["params"])
                    else:
                        model.load_dict(part, partial=True)
                except (ValueError, TypeError):
                    continue
        finally:
            self._quiet -= 1


def _quietly(fn, *args) -> None:
    try:
        fn(*args)
    except OSError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _describe(path: str, loaded: session.Session) -> str:
    try:
        stamp = time.strftime("%H:%M:%S on %d %b", time.localtime(os.path.getmtime(path)))
    except OSError:
        stamp = "an unknown time"
    points = loaded.arrays.get("explore", {}).get("points")
    count = f"{len(points):,} points" if hasattr(points, "__len__") else "the work"
    file = loaded.window.get("file")
    of = f"of {os.path.basename(file)}" if isinstance(file, str) and file else "not saved to a file"
    return f"Autosaved at {stamp}: {count}, {of}."


def _is_range(value) -> bool:
    try:
        return (len(value) == 2 and all(len(r) == 2 for r in value)
                and all(isinstance(v, (int, float)) and v == v and abs(v) < 1e300 for r in value for v in r)
                and all(r[0] < r[1] for r in value))
    except TypeError:
        return False
