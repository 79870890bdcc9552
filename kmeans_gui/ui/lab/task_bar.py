"""The row above each lab view: its settings, Compute, a progress bar and Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton

__all__ = ["TaskBar"]


class TaskBar(QHBoxLayout):
    """``TaskBar([("label", widget), widget, ...])``: the settings, then Compute, progress, Cancel."""

    def __init__(self, settings=(), compute_tip: str = ""):
        super().__init__()
        for item in settings:
            if isinstance(item, tuple):
                self.addWidget(QLabel(item[0]))
                item = item[1]
            self.addWidget(item)
            self.addSpacing(8)
        self.compute_button = QPushButton("Compute")
        self.compute_button.setToolTip(compute_tip)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("")
        self.progress_bar.setMinimumWidth(200)
        self.addWidget(self.compute_button)
        self.addWidget(self.progress_bar, 1)
        self.addWidget(self.cancel_button)

    def show_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(int(round(1000 * fraction)))
        self.progress_bar.setFormat(message)

    def show_end(self, how: str) -> None:
        """"done", "cancelled" or "failed"."""
        self.progress_bar.setValue(1000 if how == "done" else 0)
        self.progress_bar.setFormat(how)

    def set_running(self, running: bool) -> None:
        self.cancel_button.setEnabled(running)
        self.compute_button.setEnabled(not running)
