"""The playback bar: Back, Step, Play/Pause, speed, Run to end, Reset, New seed, a timeline.

Play is a QTimer that advances one half-step per tick, but only once the canvas has painted the
previous state (``frame_ready``): a slow frame makes playback slower, never a backlog of frames.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QStyle, QVBoxLayout, QWidget

from ....state import AppState, step_label
from ...common.blocking import signals_blocked

__all__ = ["PlaybackBar"]


class PlaybackBar(QWidget):
    playing_changed = Signal(bool)

    def __init__(self, state: AppState, frame_ready: Callable[[], bool] = lambda: True,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
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
        self.speed.setValue(4)
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

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for w in (self.back_button, self.step_button, self.play_button, self.end_button,
                  self.reset_button, self.seed_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        timeline = QHBoxLayout()
        timeline.setContentsMargins(0, 0, 0, 0)
        timeline.addWidget(self.timeline, 1)
        timeline.addWidget(self.position_label)
        timeline.addSpacing(12)
        timeline.addWidget(QLabel("Speed"))
        timeline.addWidget(self.speed)
        timeline.addWidget(self.speed_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(buttons)
        layout.addLayout(timeline)

        self.back_button.clicked.connect(self.back)
        self.step_button.clicked.connect(self.step)
        self.play_button.clicked.connect(self.toggle_play)
        self.end_button.clicked.connect(self.run_to_end)
        self.reset_button.clicked.connect(self.reset)
        self.seed_button.clicked.connect(self.new_seed)
        self.speed.valueChanged.connect(self._on_speed)
        self.timeline.valueChanged.connect(self._on_timeline)
        for ev in (state.events.run, state.events.cursor, state.events.history):
            ev.connect(self.refresh)
        state.events.run.connect(self._on_run_change)
        self._on_speed()
        self.refresh()

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
        self.pause()
        self.state.run_to_end()

    def new_seed(self) -> None:
        self.pause()
        self.state.new_seed()

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
        if not self.state.step() or self.state.at_end:
            self.pause()

    def _on_speed(self) -> None:
        v = self.speed.value()
        self.timer.setInterval(int(1000 / v))
        self.speed_label.setText(f"{v}/s")

    def _on_timeline(self, value: int) -> None:
        self.pause()
        self.state.go_to(value)

    def _on_run_change(self) -> None:
        if self.state.current is None:
            self.pause()

    # ------------------------------------------------------------------ state -> widgets
    def _update_play_button(self) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if self.playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if self.playing else "Play")

    def refresh(self) -> None:
        state = self.state
        has_run = state.current is not None
        nxt = state.peek_next() if has_run else None
        self.step_button.setText(step_label(nxt, state.params.k) if has_run else "Step")
        self.step_button.setEnabled(nxt is not None)
        self.back_button.setEnabled(has_run and state.cursor > 0)
        self.reset_button.setEnabled(has_run and state.cursor > 0)
        self.end_button.setEnabled(nxt is not None)
        self.play_button.setEnabled(has_run)
        with signals_blocked(self.timeline):
            self.timeline.setRange(0, max(state.n_states - 1, 0))
            self.timeline.setValue(state.cursor)
        self.timeline.setEnabled(has_run)
        total = f"{state.n_states}" if state.complete else f"{state.n_states}+"
        self.position_label.setText(f"{state.cursor + 1} / {total}" if has_run else "– / –")
        self._update_play_button()
