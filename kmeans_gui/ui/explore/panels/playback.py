"""The playback bar: Back, Step, Play/Pause, speed, Run to end, Reset, New seed, a timeline.

Play is a QTimer that advances one half-step per tick, but only once the canvas has painted the
previous state (``frame_ready``): a slow frame makes playback slower, never a backlog of frames.

A run the state did not finish within its eager budget (big data) is computed on a worker
(``AppState.detach`` and a TaskRunner), so a run over millions of points never freezes the window;
on big data even its first states are (``AppState.start_in_background``, "Computing…" until then):
a progress row shows how far it got, the states arrive on the timeline as they are made (Step
and Play wait for them), Run to end jumps to the last one when it comes, and Cancel stops after
the state in progress (stepping then goes on from there, on the GUI thread).
"""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QProgressBar, QPushButton, QSlider, QStyle, QVBoxLayout, QWidget,
)

from ....state import AppState, StepJob, step_label
from ....state.view import ViewOptions
from ...common.binding import bind
from ...common.blocking import signals_blocked
from ...common.tasks import TaskRunner

#: The worker reports (and the GUI takes in new states) at most this often.
PROGRESS_INTERVAL_S = 0.1


def _compute_rest(ctx, job: StepJob, k: int, max_iter: int):
    """Worker: compute the job's states, reporting progress; returns how many it made."""
    started = last = time.perf_counter()

    def report(s, made):
        nonlocal last
        now = time.perf_counter()
        # A run started in the background shows its first state (and the Step after it) at once.
        if now - last >= PROGRESS_INTERVAL_S or made + job.start == 2:
            last = now
            where = (f"seed {s.n_seeds} of {k}" if getattr(s, "seed", None) is not None
                     else f"{'batch' if s.algorithm == 'minibatch' else 'iteration'} {s.iteration}")
            ctx.set_progress(0.0, f"Computing {where} · {now - started:.1f} s")

    return job.run(should_stop=lambda: ctx.cancelled, on_state=report)

__all__ = ["PlaybackBar"]


class PlaybackBar(QWidget):
    playing_changed = Signal(bool)
    message = Signal(str)

    def __init__(self, state: AppState, frame_ready: Callable[[], bool] = lambda: True,
                 parent: QWidget | None = None, *, view: ViewOptions | None = None):
        super().__init__(parent)
        self.state = state
        self.view = view if view is not None else ViewOptions()  # its play_speed is the speed slider's
        self.frame_ready = frame_ready
        self.skipped_ticks = 0
        style = self.style()
        self.back_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward), "Back")
        self.step_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "Assign points")
        self.step_button.setFixedWidth(150)  # fixed: its text changes every step
        self.play_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Play")
        self.play_button.setFixedWidth(84)
        self.end_button = QPushButton("Run to end")
        self.reset_button = QPushButton("Reset")
        self.seed_button = QPushButton("New seed")
        self.back_button.setToolTip("One half-step back (Left)")
        self.step_button.setToolTip("One half-step forward (Right)")
        self.play_button.setToolTip("Play / pause (Space)")
        self.reset_button.setToolTip("Back to the start of this run: the same initialisation (Home)")
        self.seed_button.setToolTip("A new random initialisation (R)")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(1, 30)
        self.speed.setFixedWidth(90)
        self.speed.setToolTip("Playback speed, half-steps per second")
        self.speed_label = QLabel()
        self.speed_label.setFixedWidth(36)
        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setToolTip("Every state of the run: drag to scrub")
        self.position_label = QLabel()
        self.position_label.setFixedWidth(72)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)  # busy: how many iterations a run takes is not known ahead
        self.progress_bar.setFixedWidth(60)
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop computing; the states made so far stay, and stepping goes on from there")
        # In the timeline's row, taking width from the slider: showing it must not change the
        # bar's height, which would resize the canvas and re-raster millions of points twice.
        self.progress_row = QWidget()
        progress = QHBoxLayout(self.progress_row)
        progress.setContentsMargins(0, 0, 0, 0)
        progress.addWidget(self.progress_bar)
        progress.addWidget(self.progress_label)
        progress.addWidget(self.cancel_button)
        self.progress_row.setVisible(False)
        row_height = max(self.timeline.sizeHint().height(), self.speed_label.sizeHint().height())
        for w in (self.progress_bar, self.cancel_button, self.progress_row):
            w.setMaximumHeight(row_height)
        self.runner = TaskRunner(self)
        self.runner.connect_handlers(self)
        self._job: StepJob | None = None
        self._cancel_asked = False
        self._jump_to_end = False

        # One row of buttons where they fit, else two: a narrow window (one a window manager
        # does not hold to its minimum size) must not squeeze the fixed-width buttons over each other.
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for w in (self.back_button, self.step_button, self.play_button):
            buttons.addWidget(w)
        self._more_buttons = (self.end_button, self.reset_button, self.seed_button)
        self._second_row = QHBoxLayout()
        self._second_row.setContentsMargins(0, 0, 0, 0)
        self._second_row.addStretch(1)
        self._first_row = buttons
        self.two_rows = True  # until the first layout; _arrange_buttons then moves them up
        self._arrange_buttons(two_rows=False)
        timeline = self._timeline_row = QHBoxLayout()
        timeline.setContentsMargins(0, 0, 0, 0)
        timeline.addWidget(self.timeline, 1)
        timeline.addWidget(self.progress_row)
        timeline.addWidget(self.position_label)
        timeline.addSpacing(12)
        timeline.addWidget(QLabel("Speed"))
        timeline.addWidget(self.speed)
        timeline.addWidget(self.speed_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(buttons)
        layout.addLayout(self._second_row)
        layout.addLayout(timeline)
        self.cancel_button.clicked.connect(self.cancel_run)

        self.back_button.clicked.connect(self.back)
        self.step_button.clicked.connect(self.step)
        self.play_button.clicked.connect(self.toggle_play)
        self.end_button.clicked.connect(self.run_to_end)
        self.reset_button.clicked.connect(self.reset)
        self.seed_button.clicked.connect(self.new_seed)
        self.speed_binding = bind(self.speed, self.view, "play_speed")
        self.view.events.play_speed.connect(self._on_speed)
        self.timeline.valueChanged.connect(self._on_timeline)
        # First: a new run's worker must own the generator before refresh peeks at the next state.
        state.events.run.connect(self._on_run_change)
        # On big data a restart leaves even the first states to this bar's worker, while the window
        # is on screen (a hidden one, the snapshot command's, steps the state itself).
        state.start_in_background = self._window_on_screen
        for ev in (state.events.run, state.events.cursor, state.events.history):
            ev.connect(self.refresh)
        self._on_speed()
        self._on_run_change()
        self.refresh()

    # ------------------------------------------------------------------ layout
    def one_row_width(self) -> int:
        """The width all the buttons need side by side."""
        buttons = (self.back_button, self.step_button, self.play_button, *self._more_buttons)
        spacing = max(self._first_row.spacing(), 0)
        margins = self.layout().contentsMargins() if self.layout() is not None else None
        extra = margins.left() + margins.right() if margins is not None else 0
        return sum(b.sizeHint().width() for b in buttons) + spacing * (len(buttons) - 1) + extra

    def minimumSizeHint(self):  # noqa: N802 (Qt's name)
        """As narrow as the two-row arrangement allows, whichever is on show: the one-row
        layout's minimum would hold the window's right-hand column (the Learn panels, with their
        code) to what is left beside all six buttons in a row."""
        hint = super().minimumSizeHint()
        spacing = max(self._first_row.spacing(), 0)
        first = (self.back_button, self.step_button, self.play_button)

        def row_width(widgets):
            return sum(w.minimumSizeHint().width() if w.minimumWidth() == 0 else w.minimumWidth()
                       for w in widgets) + spacing * (len(widgets) - 1)

        margins = self.layout().contentsMargins()
        narrowest = max(row_width(first), row_width(self._more_buttons),
                        self._timeline_row.minimumSize().width()) + margins.left() + margins.right()
        hint.setWidth(min(hint.width(), narrowest))
        return hint

    def _arrange_buttons(self, two_rows: bool) -> None:
        if two_rows == self.two_rows:
            return
        self.two_rows = two_rows
        target, stretch_row = (self._second_row, self._first_row) if two_rows else (self._first_row, self._second_row)
        for i in reversed(range(stretch_row.count())):  # the stretch goes after the last button
            if stretch_row.itemAt(i).spacerItem() is not None:
                stretch_row.takeAt(i)
        for w in self._more_buttons:
            stretch_row.removeWidget(w)
            target.addWidget(w)
        target.addStretch(1)
        if two_rows:
            self._first_row.addStretch(1)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._arrange_buttons(two_rows=event.size().width() < self.one_row_width())

    # ------------------------------------------------------------------ actions
    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def step(self) -> None:
        self.pause()
        self.state.step()

    def back(self) -> None:
        self.pause()
        self.state.back()

    def reset(self) -> None:
        self.pause()
        self.state.reset()

    def run_to_end(self) -> None:
        """Go to the last state; what is not computed yet is computed on the worker first."""
        self.pause()
        if self._job is None and not self._start_job():
            self.state.run_to_end()
            return
        self._jump_to_end = True
        self.refresh()

    def _start_job(self) -> bool:
        """Compute the rest of the run on the worker; False when nothing is left to compute."""
        job = self.state.detach()
        if job is None:
            return False
        self._job, self._cancel_asked, self._jump_to_end = job, False, False
        self.progress_label.setText("Computing…")
        self.progress_row.setVisible(True)
        p = self.state.params
        self.runner.submit(_compute_rest, job, p.k, p.max_iter)
        return True

    @property
    def computing(self) -> bool:
        return self._job is not None

    def cancel_run(self) -> None:
        """Stop the worker after the state in progress; keep what it made."""
        if self._job is not None:
            self._cancel_asked = True
            self._job.stop.set()
            self.progress_label.setText("Cancelling…")

    def _window_on_screen(self) -> bool:
        return self.window().isVisible()

    def shutdown(self) -> None:
        """Stop playback and the worker (call when the window closes)."""
        if self.state.start_in_background == self._window_on_screen:
            self.state.start_in_background = None
        self.pause()
        if self._job is not None:
            self._job.stop.set()
        self.runner.shutdown()

    # ------------------------------------------------------------------ worker -> state
    def _on_progress(self, _fraction: float, message: str) -> None:
        self.progress_label.setText(message)
        self.state.collect()

    def _on_finished(self, _made) -> None:
        job, self._job = self._job, None
        self.progress_row.setVisible(False)
        if job is None or job.run_version != self.state.run_version:
            return
        self.state.collect()
        if self._jump_to_end and not self._cancel_asked:
            self.state.go_to(self.state.n_states - 1)
        self.refresh()

    def _on_failed(self, message: str) -> None:
        self._job = None
        self.progress_row.setVisible(False)
        self.state.collect()
        self.refresh()

    def new_seed(self) -> None:
        self.pause()
        why_not = self.state.new_seed()
        if why_not:
            self.message.emit(why_not)

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self.state.current is None:
            return
        if self.state.at_end:
            self.state.reset()  # Play at the end replays the run
        self.timer.start()
        self._update_play_button()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self._update_play_button()
            self.playing_changed.emit(False)

    def _tick(self) -> None:
        if not self.frame_ready():
            self.skipped_ticks += 1  # the last frame is not on screen yet: wait, don't queue
            return
        self.state.step()
        if self.state.at_end and not self.state.computing:
            self.pause()

    def _on_speed(self) -> None:
        v = self.view.play_speed
        self.timer.setInterval(int(1000 / v))
        self.speed_label.setText(f"{v}/s")

    def _on_timeline(self, value: int) -> None:
        self.pause()
        self.state.go_to(value)

    def _on_run_change(self) -> None:
        if self._job is not None:  # the state stopped that job: its states belong to the old run
            self._job = None
            self.runner.cancel(emit=False)
            self.progress_row.setVisible(False)
        if self.state.current is None:
            self.pause()
        # A run that is starting has no state yet: the state left its first ones to this worker.
        if not self.state.complete and (self.isVisible() or self.state.starting):
            self._start_job()

    def showEvent(self, event) -> None:
        # Compute ahead in the background only while someone watches: a hidden window (the
        # snapshot command) steps the state itself, synchronously.
        super().showEvent(event)
        if self._job is None and not self.state.complete:
            self._start_job()
            self.refresh()

    # ------------------------------------------------------------------ state -> widgets
    def _update_play_button(self) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if self.playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if self.playing else "Play")

    def refresh(self) -> None:
        state = self.state
        has_run = state.current is not None
        nxt = state.peek_next() if has_run else None
        if nxt is None and state.computing:
            self.step_button.setText("Computing…")
        else:
            self.step_button.setText(step_label(nxt, state.params.k) if has_run else "Step")
        self.step_button.setEnabled(nxt is not None)
        self.back_button.setEnabled(has_run and state.cursor > 0)
        self.reset_button.setEnabled(has_run and state.cursor > 0)
        self.end_button.setEnabled(nxt is not None or state.computing)
        self.play_button.setEnabled(has_run)
        with signals_blocked(self.timeline):
            self.timeline.setRange(0, max(state.n_states - 1, 0))
            self.timeline.setValue(state.cursor)
        self.timeline.setEnabled(has_run)
        total = f"{state.n_states}" if state.complete else f"{state.n_states}+"
        self.position_label.setText(f"{state.cursor + 1} / {total}" if has_run else "– / –")
        self._update_play_button()
