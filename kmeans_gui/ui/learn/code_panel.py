"""The code beside the canvas: the from-scratch k-means, its current half-step's line highlighted,
and the live values of its variables for the state the canvas shows."""

from __future__ import annotations

import weakref

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from ...lessons.live import VARIANT_CODES, LiveView, live_view, variant_view
from ...lessons.scratch_kmeans import code_for

__all__ = ["CodePanel"]

HIGHLIGHT = QColor("#ffe08a")

_CAPTIONS = {
    "kmeans": "the canvas runs the same steps.",
    "minibatch_kmeans": "tested to give the engine's minibatch_steps, batch by batch.",
    "soft_kmeans": "tested to give the engine's soft_kmeans_steps, half-step by half-step.",
    "gmm": "tested to give the engine's gmm_steps, half-step by half-step.",
}
_VARIANT_NOTES = {
    "minibatch_kmeans": "The Image tab's Mini-batch method runs this on the photo's pixels; choose "
                        "Mini-batch k-means as the algorithm to step it on the canvas.",
    "soft_kmeans": "Choose Soft k-means as the algorithm to step this on the canvas.",
    "gmm": "Choose Gaussian mixture as the algorithm to step this on the canvas.",
}


def _monospace() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(8.5)
    return font


class CodePanel(QWidget):
    """``CodePanel(state=None)``: shows :func:`~kmeans_gui.lessons.scratch_kmeans.code_for` code.

    With an Explore model (``follow(state)``), it follows the run: after every step the line of
    that half-step is highlighted and the variables show their values for that state.
    ``highlighted_line`` is the 0-based line highlighted (None: none).
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("codePanel")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.code_view = QPlainTextEdit()
        self.code_view.setReadOnly(True)
        # Not wrapped: a wrapped line's rest starts at the left edge, where it reads as code of
        # its own with the wrong indentation; the scroll bar shows there is more to the right.
        self.code_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.code_view.setFont(_monospace())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.variables_view = QPlainTextEdit()
        self.variables_view.setReadOnly(True)
        self.variables_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.variables_view.setFont(_monospace())
        self.variables_view.setObjectName("codeVariables")
        # Room for the iteration, the shapes, the labels and three centroids without scrolling.
        self.variables_view.setMinimumHeight(self.variables_view.fontMetrics().lineSpacing() * 8 + 12)
        # And the code at least eight lines around the highlighted one, however long the lesson
        # above grows (it showed four at 1280x800 under lesson 1's verdict).
        self.code_view.setMinimumHeight(self.code_view.fontMetrics().lineSpacing() * 8 + 12
                                        + self.code_view.horizontalScrollBar().sizeHint().height())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.code_view, 4)
        layout.addWidget(self.note)
        layout.addWidget(self.variables_view, 1)
        # The lesson above grows when its verdict does, shrinking this view from below: a line
        # centred before then sat out of sight (lesson 9). A resize changes the scroll range.
        # Queued, through a weak reference: scrolling from inside the view's own resize crashed
        # PySide later (in another test's teardown); from the event loop it is an ordinary call.
        panel = weakref.ref(self)
        self.code_view.verticalScrollBar().rangeChanged.connect(
            lambda *_: panel() is not None and panel()._keep_highlight_in_view(), Qt.ConnectionType.QueuedConnection)
        self._code = None
        self._chosen = "kmeans"  # what set_code asked for; a variant on the canvas overrides it
        self._state = None
        self.highlighted_line: int | None = None
        self.view: LiveView | None = None
        self.set_code("kmeans")

    def code_width(self) -> int:
        """The panel width that shows every scratch code's longest line without a horizontal
        scroll bar (the lines are kept short, about 53 characters, so that this fits beside the
        canvas at 1280x800)."""
        metrics = self.code_view.fontMetrics()
        longest = max(metrics.horizontalAdvance(line)
                      for name in ("kmeans", *VARIANT_CODES.values()) for line in code_for(name).lines)
        margins = self.layout().contentsMargins()
        return (longest + 2 * int(self.code_view.document().documentMargin()) + 2 * self.code_view.frameWidth()
                + self.code_view.verticalScrollBar().sizeHint().width() + margins.left() + margins.right() + 8)

    # ------------------------------------------------------------------ content
    def set_code(self, name: str) -> None:
        """Show scratch function ``name`` ("kmeans", "minibatch_kmeans", "soft_kmeans", "gmm"); while
        the followed run is a variant (mini-batch, soft, GMM), that variant's code is shown instead."""
        self._chosen = name
        self._load(self._running_code() or name)

    def _running_code(self) -> str | None:
        """The scratch code of the variant the canvas runs, or None for Lloyd (or no model)."""
        return None if self._state is None else VARIANT_CODES.get(self._state.params.algorithm)

    def _load(self, name: str) -> None:
        self._code = code_for(name)
        self.code_view.setPlainText("\n".join(self._code.lines))
        self.caption.setText(f"<b>{name}()</b> from scratch, in plain NumPy (kmeans_gui/lessons): "
                             + _CAPTIONS.get(name, ""))
        self.highlighted_line = None
        self.code_view.setExtraSelections([])
        self.refresh()

    @property
    def code_name(self) -> str:
        """The code asked for with :meth:`set_code` (a lesson's)."""
        return self._chosen

    @property
    def shown_code(self) -> str:
        """The code on show: the canvas's variant's, else :attr:`code_name`."""
        return self._code.name

    def show_view(self, view: LiveView | None) -> None:
        """Highlight ``view.phase``'s line and list ``view.variables`` (None: clear both)."""
        self.view = view
        line = None if view is None or self._code is None else self._code.line_for(view.phase)
        self.highlighted_line = line
        selections = []
        if line is not None:
            block = self.code_view.document().findBlockByNumber(line)
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(HIGHLIGHT)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(block)
            selections.append(selection)
            self.scroll_to_highlight()
        self.code_view.setExtraSelections(selections)
        if view is None:
            self.note.setText("Press Step: the line that runs is highlighted here.")
            self.variables_view.setPlainText("")
            return
        self.note.setText(view.note)
        lines = []
        for name, value in view.variables:
            if "\n" in value:
                lines.append(f"{name} =")
                lines.extend("    " + part for part in value.split("\n"))
            elif name.endswith(".shape"):
                lines.append(f"{name} == {value}")
            else:
                lines.append(f"{name} = {value}")
        self.variables_view.setPlainText("\n".join(lines))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # Scrolling while hidden does nothing: bring the highlighted line into view now.
        if self.highlighted_line is not None:
            self.scroll_to_highlight()

    def scroll_to_highlight(self) -> None:
        """Centre the highlighted line (the text cursor goes there: a click may have moved it)."""
        block = self.code_view.document().findBlockByNumber(self.highlighted_line)
        self.code_view.setTextCursor(QTextCursor(block))
        self.code_view.centerCursor()

    def _keep_highlight_in_view(self, *_) -> None:
        # Only while shown: a window being torn down also changes the range, and touching its
        # half-destroyed views from here crashed PySide (a later test's teardown).
        if self.isVisible() and self.highlighted_line is not None and not self.highlight_in_view():
            self.scroll_to_highlight()

    def highlight_in_view(self) -> bool:
        """Whether the highlighted line (its first row) lies inside the code view's visible area."""
        if self.highlighted_line is None:
            return False
        block = self.code_view.document().findBlockByNumber(self.highlighted_line)
        row = self.code_view.cursorRect(QTextCursor(block))
        return self.code_view.viewport().rect().contains(row)

    # ------------------------------------------------------------------ following a run
    def follow(self, state) -> None:
        """Follow an Explore model (``AppState``): redraw on every cursor or run change."""
        self._state = state
        for event in (state.events.cursor, state.events.run, state.events.history, state.events.params):
            event.connect(self.refresh)
        self.refresh()

    def refresh(self, *_) -> None:
        wanted = self._running_code() or self._chosen
        if self._code is not None and self._code.name != wanted:
            self._load(wanted)  # calls refresh again with the right code
            return
        current = None if self._state is None else self._state.current
        if current is not None and getattr(current, "algorithm", "lloyd") != self._state.params.algorithm:
            current = None  # the algorithm changed and the new run has not started yet: it will refresh us
        if self._state is not None and self._code is not None and self._code.name == self._running_code():
            self.variables_view.show()
            if current is None:
                self.show_view(None)
            else:
                self.show_view(variant_view(current, self._state.n_points, self._code.name,
                                            self._code.phase_lines))
            return
        if self._code is not None and self._code.name != "kmeans":
            # A variant's code chosen while the canvas runs Lloyd: shown to read, unhighlighted.
            self.show_view(None)
            self.note.setText(_VARIANT_NOTES.get(self._code.name, ""))
            self.variables_view.hide()
            return
        self.variables_view.show()
        if self._state is None or self._code is None:
            return
        if current is None:
            self.show_view(None)
            return
        params = self._state.params
        if params.algorithm != "lloyd":
            # The scratch k-means follows Lloyd's states only; another algorithm's states have
            # other fields (no seed, no n_changed), so nothing is highlighted.
            self.show_view(None)
            return
        self.show_view(live_view(current, self._state.n_points, params.init, params.empty_policy, params.k))
