"""The convergence chart stays cheap on long series (a mini-batch run has hundreds of batches):
a plain line past MAX_SYMBOL_POINTS, a view that changes seldom while the series grows, no redraw
of an unchanged series, and an integer axis that never lists thousands of ticks."""

import numpy as np
import pytest

from kmeans_gui.state import AppState, Params
from kmeans_gui.ui.explore.charts import MAX_SYMBOL_POINTS, ConvergenceChart, IntegerAxis, SeriesChart


@pytest.fixture
def chart(qtbot):
    c = SeriesChart("Inertia per batch", "batch", "inertia")
    qtbot.addWidget(c)
    c.resize(420, 260)
    c.show()
    qtbot.waitExposed(c)
    return c


def decreasing(n):
    x = np.arange(n, dtype=float)
    return x, 1000.0 / (1.0 + x) + 5.0


def test_a_short_half_step_series_keeps_a_dot_per_point(chart):
    x = np.arange(0.0, 12.0, 0.5)  # Lloyd: assignments at whole iterations, moves half a step later
    y = 100.0 - x
    chart.set_series(x, y)
    assert chart.curve.opts["symbol"] == "o"
    assert chart.curve.scatter.isVisible()
    sx, sy = chart.curve.scatter.getData()
    np.testing.assert_array_equal(sx, x)
    np.testing.assert_array_equal(sy, y)
    (x0, x1), _ = chart.viewRange()
    assert (x0, x1) == pytest.approx((-11.5 * 0.04, 11.5 + 11.5 * 0.04))  # 4% padding, as ever


def test_a_500_batch_series_is_a_plain_line_and_its_axis_has_few_ticks(chart):
    x, y = decreasing(500)
    chart.set_series(x, y)
    assert chart.curve.opts["symbol"] is None
    assert not chart.curve.scatter.isVisible()
    np.testing.assert_array_equal(chart.curve.xData, x)
    (x0, x1), _ = chart.viewRange()
    assert x0 < 0 and x1 >= 499
    axis = chart.getAxis("bottom")
    levels = axis.tickValues(x0, x1, axis.width())
    assert all(sp >= 1 and float(sp).is_integer() for sp, _ in levels)
    assert len(levels[0][1]) <= 15  # the labelled ticks
    assert sum(len(v) for _, v in levels) <= 40  # with the minor ones


def test_a_new_short_run_after_a_long_one_gets_its_dots_back(chart):
    chart.set_series(*decreasing(MAX_SYMBOL_POINTS + 1))
    assert chart.curve.opts["symbol"] is None
    chart.set_series(*decreasing(MAX_SYMBOL_POINTS))
    assert chart.curve.opts["symbol"] == "o"
    assert chart.curve.scatter.isVisible()
    assert chart.curve.scatter.getData()[0].size == MAX_SYMBOL_POINTS


def test_an_unchanged_series_is_not_set_again(chart):
    chart.set_series(*decreasing(300))
    changes = []
    chart.curve.sigPlotChanged.connect(lambda *_: changes.append(1))
    chart.set_series(*decreasing(300))  # a run event that added no point
    assert changes == []
    chart.set_series(*decreasing(301))
    assert changes and chart.curve.xData.size == 301


def test_a_long_series_set_at_once_fills_the_view_as_a_short_one(chart):
    x, y = decreasing(20)
    chart.set_series(x, 2 * y)
    chart.set_series(*decreasing(300))  # another run, finished, shown at once (a new seed, a session)
    assert chart.viewRange()[0] == pytest.approx([-299 * 0.04, 299 * 1.04])


def test_a_growing_long_series_keeps_its_view_until_it_reaches_the_edge(chart):
    chart.set_series(*decreasing(150))
    chart.set_series(*decreasing(200))  # the worker's next batches
    (x0, x1), (y0, y1) = chart.viewRange()
    assert x1 > 199 + 0.2 * 199  # room ahead for the batches to come
    chart.set_series(*decreasing(210))  # ten more batches: the same view, axes and grid not redrawn
    assert chart.viewRange() == [[x0, x1], [y0, y1]]
    np.testing.assert_array_equal(chart.curve.xData, np.arange(210.0))
    x, y = decreasing(int(x1) + 5)  # past the right edge: the view grows to show every point
    chart.set_series(x, y)
    (_, new_x1), (new_y0, new_y1) = chart.viewRange()
    assert new_x1 > x[-1] > x1
    assert new_y0 <= y.min() and y.max() <= new_y1


def test_a_long_series_whose_values_jump_gets_a_new_y_range(chart):
    chart.set_series(*decreasing(200))
    x, y = decreasing(300)
    chart.set_series(x, y)
    y = y.copy()
    y[-1] = y.max() * 3  # a batch far above everything so far
    chart.set_series(x, y)
    _, (y0, y1) = chart.viewRange()
    assert y0 <= y.min() and y.max() <= y1


def test_integer_axis_gives_few_whole_ticks_on_long_ranges_and_every_one_on_short(qtbot):
    axis = IntegerAxis("bottom")
    for size in (300.0, 1200.0, 3000.0):  # a chart's width in pixels, up to a wide screen
        levels = axis.tickValues(-10.0, 3000.0, size)
        assert len(levels[0][1]) <= (15 if size < 2000 else 20)  # the labelled ticks
        assert sum(len(v) for _, v in levels) <= max(40, size / 15)  # with the minor ones: not thousands
        assert all(float(v).is_integer() for _, vals in levels for v in vals)
    assert axis.tickValues(0.2, 3.4, 400.0) == [(1.0, [1.0, 2.0, 3.0])]


def test_a_minibatch_run_to_its_end_draws_every_batch_as_a_plain_line(qtbot):
    points = np.random.default_rng(0).uniform(size=(2000, 2))  # keeps improving: no early stop
    state = AppState(points, Params(k=8, seed=0, algorithm="minibatch", batch_size=5, max_iter=300))
    chart = ConvergenceChart(state)
    qtbot.addWidget(chart)
    state.run_to_end()
    x, y, _ = state.objective_series()
    assert x.size > MAX_SYMBOL_POINTS
    np.testing.assert_array_equal(chart.curve.xData, x)
    np.testing.assert_array_equal(chart.curve.yData, y)
    assert chart.curve.opts["symbol"] is None
    mx, my = chart.marker.getData()  # the cursor's marker stays
    assert list(mx) == [x[-1]] and list(my) == [y[-1]]
