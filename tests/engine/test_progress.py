"""The one progress-and-cancel protocol every long computation follows."""

import pytest

from kmeans_gui.engine.progress import Cancelled, Progress


def test_without_callables_progress_does_nothing_and_never_stops():
    steps = Progress(total=3)
    for message in ("a", "b", "c"):
        steps.step(message)
    steps.report(1.0, "done")
    assert steps.done == 3 and not steps.should_stop()


def test_steps_report_what_is_done_before_each_unit_and_clip_to_0_1():
    seen = []
    steps = Progress(lambda f, m: seen.append((f, m)), total=4)
    steps.step("first")
    steps.step("second", cost=2)
    steps.step("last")
    steps.report(1.5, "over")
    steps.report(-0.5, "under")
    assert seen == [(0.0, "first"), (0.25, "second"), (0.75, "last"), (1.0, "over"), (0.0, "under")]


def test_a_part_maps_its_fractions_into_its_span_and_counts_as_done():
    seen = []
    steps = Progress(lambda f, m: seen.append((f, m)), total=10)
    steps.step("fits", cost=6)
    gap = steps.part(4)
    gap.report(0.5, "gap half")
    gap.report(2.0, "gap overshoots")
    assert steps.done == 10
    assert seen == [(0.0, "fits"), (0.8, "gap half"), (1.0, "gap overshoots")]


def test_should_stop_raises_cancelled_at_the_next_check_and_in_parts():
    stop = [False]
    steps = Progress(should_stop=lambda: stop[0], total=2)
    steps.step("runs")
    part = steps.part(1)
    stop[0] = True
    with pytest.raises(Cancelled):
        steps.check()
    with pytest.raises(Cancelled):
        part.report(0.1, "inside")
    with pytest.raises(Cancelled):
        steps.step("next")
