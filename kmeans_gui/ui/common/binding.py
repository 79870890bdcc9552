"""Bind a widget to a model field both ways, so panels stop writing that synchronisation by hand.

``bind(widget, model, "field")`` for an :class:`~kmeans_gui.state.events.EventedModel` field, or
``bind_value(widget, event, get, set)`` for anything else (``AppState.params`` for instance).
A widget change calls the setter; a refused value (ValueError) goes to ``on_error`` and the widget
shows the model's value again. A model change updates the widget with its signals blocked, so no
change echoes back. Supported: checkable QAction and buttons, spin boxes, sliders, combo boxes
(the value is the item's data).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox

from .blocking import signals_blocked

__all__ = ["Binding", "bind", "bind_value"]


def _accessors(widget) -> tuple[Any, Callable[[], Any], Callable[[Any], None]]:
    """(signal, read, write) for a supported widget."""
    if isinstance(widget, (QAction, QAbstractButton)):
        if not widget.isCheckable():
            raise TypeError(f"{type(widget).__name__} must be checkable to bind it to a true/false field")
        return widget.toggled, widget.isChecked, widget.setChecked
    if isinstance(widget, QComboBox):
        def write(value):
            index = widget.findData(value)
            if index < 0:
                raise ValueError(f"{value!r} is not one of the choices")
            widget.setCurrentIndex(index)

        return widget.currentIndexChanged, widget.currentData, write
    if isinstance(widget, (QAbstractSpinBox, QAbstractSlider)) and hasattr(widget, "valueChanged"):
        return widget.valueChanged, widget.value, widget.setValue
    raise TypeError(f"cannot bind a {type(widget).__name__}")


class Binding:
    """One widget <-> one value; ``unbind()`` disconnects both directions (also done when the
    widget is destroyed, so a model that outlives it never writes to a deleted widget)."""

    def __init__(self, widget, event, get: Callable[[], Any], set: Callable[[Any], None],
                 on_error: Callable[[str], None] | None = None):
        self.widget, self.event, self.get, self.set, self.on_error = widget, event, get, set, on_error
        self._signal, self._read, self._write = _accessors(widget)
        self._signal.connect(self._on_widget)
        event.connect(self.update_widget)
        widget.destroyed.connect(self._on_destroyed)
        self.update_widget()

    def update_widget(self) -> None:
        """Show the model's value in the widget, without the widget telling anyone."""
        with signals_blocked(self.widget):
            self._write(self.get())

    def _on_widget(self, *_) -> None:
        try:
            self.set(self._read())
        except ValueError as exc:
            if self.on_error is not None:
                self.on_error(str(exc))
            self.update_widget()

    def unbind(self) -> None:
        self.event.disconnect(self.update_widget)
        self._signal.disconnect(self._on_widget)

    def _on_destroyed(self, *_) -> None:
        self.event.disconnect(self.update_widget)  # Qt has dropped the widget's own connections


def bind_value(widget, event, get: Callable[[], Any], set: Callable[[Any], None], *,
               on_error: Callable[[str], None] | None = None) -> Binding:
    """Bind ``widget`` to a value read by ``get``, written by ``set``, announced by ``event``."""
    return Binding(widget, event, get, set, on_error)


def bind(widget, model, name: str, *, on_error: Callable[[str], None] | None = None) -> Binding:
    """Bind ``widget`` to ``model.<name>``, a field of an EventedModel."""
    if name not in type(model).fields():
        raise AttributeError(f"{type(model).__name__} has no field {name!r}")
    return Binding(widget, getattr(model.events, name), lambda: getattr(model, name),
                   lambda value: setattr(model, name, value), on_error)
