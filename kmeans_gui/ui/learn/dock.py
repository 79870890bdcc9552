"""The Learn panel: a dock listing the lessons; each sets the app up (undoably), points at the
control to use, checks its task by itself, can be started over, and is remembered when done."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget, QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QScrollArea, QVBoxLayout,
    QWidget,
)

from ...lessons.checks import CHECKS, NOT_YET, PASSED, UNAVAILABLE, Verdict, evaluate
from ...lessons.loader import LessonSet

__all__ = ["LearnDock"]

_VERDICT_STYLE = {
    PASSED: "color: #1b6e20; font-weight: bold;",
    NOT_YET: "color: #333333;",
    UNAVAILABLE: "color: #666666; font-style: italic;",
}
_VERDICT_PREFIX = {PASSED: "✓ Done: ", NOT_YET: "Task: ", UNAVAILABLE: "Not available yet. "}


class LearnDock(QDockWidget):
    """``LearnDock(host, lessons, settings)``.

    ``host`` is the window's side of a lesson (:class:`~.host.LessonHost`): it applies a setup
    and returns how to undo it, gathers the :class:`~kmeans_gui.lessons.checks.Facts`, finds a
    control by name and emits ``changed`` when anything a check reads may have changed.
    ``settings`` (a QSettings) remembers completed lessons under ``lessons/completed/<id>``.

    Signals
    -------
    completed(str)
        A lesson's id, the first time its check passes.
    content_changed()
        The lesson's text or verdict changed: it may need more height (see :meth:`needed_height`).
    """

    completed = Signal(str)
    content_changed = Signal()

    def __init__(self, host, lessons: LessonSet, settings: QSettings, parent: QWidget | None = None):
        super().__init__("Learn", parent)
        self.setObjectName("learnDock")
        self.host = host
        self.lessons = lessons
        self.settings = settings
        self.active = None  # the lesson whose setup is applied and whose task is checked
        self._undo = None
        self._notes: list = []  # what the active lesson's set-up could not do
        self.verdict: Verdict | None = None
        # The active lesson's passing verdict, once its task is done: it stays on show while the
        # learner goes on exploring (lesson 4 then asks for k-means++, which its check rejects).
        self._passed: Verdict | None = None

        self.lesson_list = QListWidget()
        self.lesson_list.setObjectName("lessonList")
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #a01010;")
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setObjectName("lessonVerdict")
        self.start_button = QPushButton("Start lesson")
        self.start_button.setToolTip("Set the app up for this lesson (Undo set-up puts it back)")
        self.undo_button = QPushButton("Undo set-up")
        self.undo_button.setToolTip("Put the app back as it was before the lesson set it up")
        self.reset_button = QPushButton("Start over")
        self.reset_button.setToolTip("Set the lesson up again from the beginning")
        self.next_button = QPushButton("Next lesson")
        self.next_button.setObjectName("nextLesson")
        self.next_button.setToolTip("Start the next lesson in the list")

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.lesson_list)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.text_label)
        layout.addWidget(self.verdict_label)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.reset_button, self.undo_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        # Shown once the task is done: without it a learner must find the list, select the next
        # title and press Start lesson.
        layout.addWidget(self.next_button)
        self.next_button.hide()
        layout.addStretch(1)
        # A dock's minimum height ignores wrapped labels' height for its width, so a squeezed dock
        # laid the heading over the list: scrolled instead, and the window gives it the height
        # it needs (needed_height) whenever the text or verdict changes.
        self.body = body
        scroll = QScrollArea()
        scroll.setObjectName("lessonScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.setWidget(scroll)
        self.setMinimumWidth(300)

        self._fill_list()
        rows = max(1, min(len(lessons.lessons), 12))
        self.lesson_list.setFixedHeight(self.lesson_list.sizeHintForRow(0) * rows
                                        + 2 * self.lesson_list.frameWidth() + 20)
        if lessons.problems:
            self.problems_label.setText("Some lesson files could not be read:\n" + "\n".join(lessons.problems))
        else:
            self.problems_label.hide()
        self.lesson_list.currentRowChanged.connect(self._on_selected)
        self.lesson_list.itemDoubleClicked.connect(lambda *_: self.start())
        self.start_button.clicked.connect(self.start)
        self.reset_button.clicked.connect(self.start)
        self.undo_button.clicked.connect(self.undo_setup)
        self.next_button.clicked.connect(self.start_next)
        host.changed.connect(self.check)
        if lessons.lessons:
            self.lesson_list.setCurrentRow(0)
        self._update_buttons()

    # ------------------------------------------------------------------ list and completion
    def _fill_list(self) -> None:
        self.lesson_list.clear()
        for lesson in self.lessons.lessons:
            item = QListWidgetItem(self._item_text(lesson))
            item.setToolTip(str(lesson.path))
            self.lesson_list.addItem(item)

    def _item_text(self, lesson) -> str:
        mark = "✓ " if self.is_completed(lesson.id) else "   "
        unchecked = "" if CHECKS[lesson.check.kind].needs in self.host.available else "  (task not checkable yet)"
        return mark + lesson.title + unchecked

    def is_completed(self, lesson_id: str) -> bool:
        return self.settings.value(f"lessons/completed/{lesson_id}", False, type=bool)

    def _mark_completed(self, lesson) -> None:
        if self.is_completed(lesson.id):
            return
        self.settings.setValue(f"lessons/completed/{lesson.id}", True)
        self.settings.sync()
        row = self.lessons.lessons.index(lesson)
        self.lesson_list.item(row).setText(self._item_text(lesson))
        self.completed.emit(lesson.id)

    @property
    def selected(self):
        row = self.lesson_list.currentRow()
        return self.lessons.lessons[row] if 0 <= row < len(self.lessons.lessons) else None

    def _on_selected(self, row: int) -> None:
        lesson = self.selected
        self.title_label.setText("" if lesson is None else lesson.title)
        self.text_label.setText("" if lesson is None else lesson.text)
        if lesson is not None and lesson is self.active:
            self._show_verdict(self.verdict)
        else:
            self._show_verdict(None)
        self.point_at_control()
        self._update_buttons()

    def point_at_control(self) -> None:
        """Outline the active lesson's control while that lesson is the one on show: the outline
        goes with the words that point at it. A lesson only looked at in the list changes
        nothing else; the active one stays bold in the list and goes on being checked."""
        on_show = self.active is not None and self.selected is self.active
        self.host.point_at(self.active.highlight if on_show else None)

    def _mark_active(self) -> None:
        for row, lesson in enumerate(self.lessons.lessons):
            item = self.lesson_list.item(row)
            font = item.font()
            if font.bold() != (lesson is self.active):
                font.setBold(lesson is self.active)
                item.setFont(font)

    def needed_height(self) -> int:
        """The dock's height that shows the list, the lesson's text, its verdict and the buttons
        without scrolling, at the dock's present width."""
        scroll = self.widget()
        # The viewport's width: narrower while a scroll bar shows, which errs on the tall side
        # (the full width would leave the bar, and the text wrapped to its side, in place).
        width = scroll.viewport().width() if scroll.viewport().width() > 0 else self.width()
        layout = self.body.layout()
        # A button just shown or a label just changed has not reached the layout's cached sizes.
        layout.invalidate()
        content = layout.heightForWidth(width) if layout.hasHeightForWidth() else layout.sizeHint().height()
        chrome = self.height() - scroll.viewport().height() if self.isVisible() else 30
        return content + max(chrome, 0)

    def _update_buttons(self) -> None:
        selected = self.selected
        self.start_button.setEnabled(selected is not None and selected is not self.active)
        self.reset_button.setEnabled(selected is not None and selected is self.active)
        self.undo_button.setEnabled(self._undo is not None)
        following = self._following()
        show_next = following is not None and self._passed is not None and selected is self.active
        if show_next:
            self.next_button.setText(f"Next lesson: {following.title}")
        if show_next != self.next_button.isVisibleTo(self.body):
            self.next_button.setVisible(show_next)
            self.content_changed.emit()

    def _following(self):
        """The lesson after the active one in the list, or None."""
        lessons = self.lessons.lessons
        if self.active is None or self.active not in lessons:
            return None
        row = lessons.index(self.active) + 1
        return lessons[row] if row < len(lessons) else None

    def start_next(self) -> None:
        """Select the lesson after the active one and start it."""
        following = self._following()
        if following is not None:
            self.lesson_list.setCurrentRow(self.lessons.lessons.index(following))
            self.start()

    # ------------------------------------------------------------------ a lesson's life
    def select(self, number: int) -> None:
        """Select lesson ``number`` (1-based) in the list."""
        self.lesson_list.setCurrentRow(number - 1)

    def start(self) -> None:
        """Apply the selected lesson's setup (undoably), point at its control, check its task."""
        lesson = self.selected
        if lesson is None:
            return
        if self._undo is not None:
            # One set-up at a time: Undo goes back to before the first lesson's. No lesson is
            # checked meanwhile: the state in between is neither lesson's doing.
            undo, self._undo = self._undo, None
            self.active = None
            undo()
        self.active = None
        self._passed = None
        undo, notes = self.host.apply_setup(lesson.setup, lesson.code)
        self._undo = undo
        self.active = lesson
        self._notes = notes
        self._mark_active()
        self.point_at_control()
        self._update_buttons()
        self.check()

    def undo_setup(self) -> None:
        """Put the app back as it was before the lesson's setup; the lesson stops being checked."""
        if self._undo is None:
            return
        undo, self._undo = self._undo, None
        self.active = None
        self.verdict = None
        self._passed = None
        self._mark_active()
        self.point_at_control()
        undo()
        self._show_verdict(None)
        self._update_buttons()

    def check(self, *_) -> Verdict | None:
        """Evaluate the active lesson's task now; show and return the verdict."""
        lesson = self.active
        if lesson is None:
            return None
        verdict = evaluate(lesson.check, self.host.facts())
        if verdict.passed:
            self._passed = verdict
            self._mark_completed(lesson)
        elif self._passed is not None:
            verdict = self._passed  # done is done; Start over checks the task afresh
        self.verdict = verdict
        if self.selected is lesson:
            self._show_verdict(verdict)
        self._update_buttons()
        return verdict

    def _show_verdict(self, verdict: Verdict | None) -> None:
        if verdict is None:
            text = "Press Start lesson to set the app up for it."
            if self.active is not None:
                text += (f" Until then the lesson under way, {self.active.title} (bold in the list), goes on: "
                         "select it to see its task and the control it points at.")
            self.verdict_label.setText(text)
            self.verdict_label.setStyleSheet(_VERDICT_STYLE[NOT_YET])
            self.content_changed.emit()
            return
        extra = ("\n" + " ".join(self._notes)) if self._notes else ""
        text = _VERDICT_PREFIX[verdict.status] + verdict.message + extra
        if text != self.verdict_label.text():
            self.verdict_label.setText(text)
            self.content_changed.emit()
        self.verdict_label.setStyleSheet(_VERDICT_STYLE[verdict.status])
