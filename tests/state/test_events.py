"""Events, batching and evented models, without Qt."""

import json

import numpy as np
import pytest

from kmeans_gui.state.events import Event, EventedModel, Field, batched, boolean, number, one_of, whole_number


class Options(EventedModel):
    shown = Field(True, boolean)
    size = Field(8, whole_number(1, 100))
    radius = Field(30.0, number(3, 200))
    mode = Field("a", one_of("a", "b"))


def record(model):
    seen = []
    for name, ev in vars(model.events).items():
        ev.connect(lambda name=name: seen.append(name))
    return seen


def test_setting_a_field_validates_and_emits_once_per_change():
    m = Options()
    seen = record(m)
    m.size = 9
    m.size = 9  # unchanged: nothing to say
    assert m.size == 9 and seen == ["size", "changed"]
    with pytest.raises(ValueError, match="size: 0 must be a whole number from 1 to 100"):
        m.size = 0
    with pytest.raises(ValueError, match="shown"):
        m.shown = 1
    with pytest.raises(ValueError, match="finite"):
        m.radius = float("nan")
    assert m.size == 9 and m.shown is True and seen == ["size", "changed"]
    m.size = np.int64(12)
    assert type(m.size) is int and m.size == 12


def test_batched_emits_each_event_once_after_the_block():
    m = Options()
    seen = record(m)
    with batched(m):
        m.size = 2
        m.size = 3
        m.mode = "b"
        assert seen == []
    assert seen == ["size", "mode", "changed"]  # the fields in declared order, then "changed"


def test_batched_releases_events_in_the_order_given():
    a, b, calls = Event("a"), Event("b"), []
    a.connect(lambda: calls.append("a"))
    b.connect(lambda: calls.append("b"))
    with batched(a, b):
        b.emit()
        a.emit()
    assert calls == ["a", "b"]


def test_blocker_cuts_a_feedback_loop():
    m = Options()
    echoes = []
    m.events.size.connect(lambda: echoes.append(m.size))
    with m.events.size.blocker():
        m.size = 5
    assert echoes == [] and m.size == 5


def test_round_trip_through_json_and_a_bad_dict_changes_nothing():
    m = Options(size=4, mode="b")
    again = Options.from_dict(json.loads(json.dumps(m.to_dict())))
    assert again.to_dict() == m.to_dict() == {"shown": True, "size": 4, "radius": 30.0, "mode": "b"}
    seen = record(again)
    bad = {"shown": False, "size": 500, "radius": 10.0, "mode": "c", "colour": "red"}
    with pytest.raises(ValueError) as info:
        again.load_dict(bad)
    message = str(info.value)
    for part in ("unknown setting 'colour'", "size: 500", "mode: 'c'"):
        assert part in message
    assert again.to_dict() == m.to_dict() and seen == []  # shown=False was fine, but nothing changed
    with pytest.raises(ValueError, match="missing setting 'mode'"):
        again.load_dict({"shown": False, "size": 4, "radius": 10.0})
    with pytest.raises(ValueError, match="must be a mapping"):
        again.load_dict([1, 2])
