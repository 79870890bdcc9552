"""Events and evented models: the plumbing every Qt-free model of the app is built from.

- :class:`Event`: connect / disconnect / emit, with ``blocker()`` (cut a widget -> model ->
  widget loop) and ``deferred()`` (collect emissions, emit each distinct one once at the end).
- :func:`batched`: ``with batched(model):`` changes several fields and tells each listener once,
  after the block (glue's ``delay_callback``).
- :class:`EventedModel` with :class:`Field`: plain settings that validate on assignment, emit
  ``model.events.<field>`` and ``model.events.changed`` when they change, and save to and load
  from a JSON-able dict. Widgets bind to a field by name (``kmeans_gui.ui.common.binding``).

Nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import math
from types import SimpleNamespace
from typing import Any, Callable, Iterator

import numpy as np

__all__ = [
    "Event", "Field", "EventedModel", "batched",
    "boolean", "whole_number", "number", "one_of",
]


class Event:
    """A tiny evented signal: ``connect(cb)``, ``disconnect(cb)``, ``emit(*args)``, ``blocker()``."""

    def __init__(self, name: str = ""):
        self.name = name
        self._callbacks: list[Callable] = []
        self._blocked = 0
        self._deferred: list[tuple] | None = None

    def connect(self, callback: Callable) -> Callable:
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable | None = None) -> None:
        """Remove ``callback`` (or every callback when None); unknown callbacks are ignored."""
        if callback is None:
            self._callbacks.clear()
        elif callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args) -> None:
        if self._blocked:
            return
        if self._deferred is not None:
            if args not in self._deferred:
                self._deferred.append(args)
            return
        for callback in list(self._callbacks):
            callback(*args)

    @contextlib.contextmanager
    def blocker(self):
        """Silence this event inside the block (cuts widget -> state -> widget loops)."""
        self._blocked += 1
        try:
            yield
        finally:
            self._blocked -= 1

    @contextlib.contextmanager
    def deferred(self):
        """Collect emissions inside the block and emit each distinct one once at the end."""
        if self._deferred is not None:  # nested: the outer block emits
            yield
            return
        self._deferred = []
        try:
            yield
        finally:
            pending, self._deferred = self._deferred, None
            for args in pending:
                self.emit(*args)


def _events_of(model_or_event) -> list[Event]:
    if isinstance(model_or_event, Event):
        return [model_or_event]
    return [ev for ev in vars(model_or_event.events).values() if isinstance(ev, Event)]


@contextlib.contextmanager
def batched(*models_or_events) -> Iterator[None]:
    """Inside the block, every event of the given models (or the given events) is held back;
    afterwards each one that fired is emitted once, in the order the events are listed.

    Like glue's ``delay_callback``: a new dataset that changes points, k and the view at once
    redraws once, not three times.
    """
    with contextlib.ExitStack() as stack:
        # ExitStack closes last-in first-out: enter backwards so events are released in order.
        for ev in reversed([ev for m in models_or_events for ev in _events_of(m)]):
            stack.enter_context(ev.deferred())
        yield


# ------------------------------------------------------------------------------ validators
# Each takes the raw value and returns it cleaned, or raises ValueError naming the field's rule.


def boolean(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} must be true or false")
    return value


def whole_number(lo: int | None = None, hi: int | None = None) -> Callable[[Any], int]:
    def check(value) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{value!r} must be a whole number{_range_text(lo, hi)}")
        value = int(value)
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ValueError(f"{value!r} must be a whole number{_range_text(lo, hi)}")
        return value

    return check


def number(lo: float | None = None, hi: float | None = None) -> Callable[[Any], float]:
    def check(value) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"{value!r} must be a number{_range_text(lo, hi)}")
        value = float(value)
        if not math.isfinite(value) or (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ValueError(f"{value!r} must be a finite number{_range_text(lo, hi)}")
        return value

    return check


def one_of(*choices) -> Callable[[Any], Any]:
    def check(value):
        if value not in choices:
            raise ValueError(f"{value!r} must be one of: {', '.join(map(str, choices))}")
        return value

    return check


def _range_text(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f" from {lo} to {hi}"
    if lo is not None:
        return f" >= {lo}"
    if hi is not None:
        return f" <= {hi}"
    return ""


# ------------------------------------------------------------------------------ evented models


class Field:
    """A validated setting of an :class:`EventedModel`; assigning it emits its event on change."""

    def __init__(self, default, check: Callable[[Any], Any] | None = None, doc: str = ""):
        self.default = default
        self.check = check
        self.__doc__ = doc
        self.name = ""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def clean(self, value):
        """The value as stored, or ValueError naming the field."""
        if self.check is None:
            return value
        try:
            return self.check(value)
        except ValueError as exc:
            raise ValueError(f"{self.name}: {exc}.") from None

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return obj._values[self.name]

    def __set__(self, obj, value) -> None:
        value = self.clean(value)
        if obj._values[self.name] == value:
            return
        obj._values[self.name] = value
        getattr(obj.events, self.name).emit()
        obj.events.changed.emit()


class EventedModel:
    """Settings declared as :class:`Field` class attributes.

    ``model.events.<field>`` fires (with no arguments) when that field changes and
    ``model.events.changed`` when any does. ``to_dict()`` gives the settings as JSON-able plain data
    (``arrays()`` is empty, as every model has one); ``load_dict(d)`` checks all of ``d`` first and
    changes nothing when any of it is wrong.
    """

    def __init__(self, **values):
        self._values = {name: f.default for name, f in self.fields().items()}
        self.events = SimpleNamespace(**{name: Event(name) for name in self.fields()}, changed=Event("changed"))
        if values:
            self.load_dict(values, partial=True)

    @classmethod
    def fields(cls) -> dict[str, Field]:
        out: dict[str, Field] = {}
        for klass in reversed(cls.__mro__):
            out.update({k: v for k, v in vars(klass).items() if isinstance(v, Field)})
        return out

    def to_dict(self) -> dict:
        return dict(self._values)

    def arrays(self) -> dict:
        """Arrays to save beside :meth:`to_dict` (none: settings are plain values)."""
        return {}

    def validate_dict(self, data, arrays: dict | None = None, *, partial: bool = False) -> dict:
        """The cleaned values of ``data``, or ValueError naming every problem (changes nothing)."""
        if arrays:
            raise ValueError(f"{type(self).__name__}: unexpected arrays {', '.join(map(repr, arrays))}.")
        if not isinstance(data, dict):
            raise ValueError(f"{type(self).__name__} settings must be a mapping, not {type(data).__name__}.")
        fields = self.fields()
        problems = [f"unknown setting {key!r}" for key in data if key not in fields]
        if not partial:
            problems += [f"missing setting {name!r}" for name in fields if name not in data]
        cleaned = {}
        for key, value in data.items():
            if key in fields:
                try:
                    cleaned[key] = fields[key].clean(value)
                except ValueError as exc:
                    problems.append(str(exc).rstrip("."))
        if problems:
            raise ValueError(f"{type(self).__name__}: " + "; ".join(problems) + ".")
        return cleaned

    def load_dict(self, data: dict, arrays: dict | None = None, *, partial: bool = False) -> None:
        """Take the settings in ``data`` (all of them unless ``partial``); on any error change nothing.

        ``arrays`` is accepted for the same call as every model's, and must be empty.
        """
        cleaned = self.validate_dict(data, arrays, partial=partial)
        with batched(self):
            for key, value in cleaned.items():
                setattr(self, key, value)

    @classmethod
    def from_dict(cls, data: dict):
        model = cls()
        model.load_dict(data)
        return model

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"{type(self).__name__}({inner})"
