"""Regression: the pinned Qt binding must not drop references to Python's singletons.

PySide6 6.12.0 on Python 3.11 returned None from void methods without a reference; after a few
thousand calls the interpreter aborted with "Fatal Python error: none_dealloc".
"""

import sys

from PySide6.QtWidgets import QLabel


def test_void_calls_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("x")
        label.setEnabled(True)
    assert sys.getrefcount(None) >= before - 10
