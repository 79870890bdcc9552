"""The lab's tabs, driven by real clicks: cells open their case in Explore, bars and runs their seed."""

import threading

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from kmeans_gui.data.datasets import make_dataset
from kmeans_gui.lab.methods import METHOD_KEYS
from kmeans_gui.ui.tabs import tab_named


def click(qtbot, widget, pos=None):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos if pos is not None else widget.rect().center())


def lab_threads():
    return [t for t in threading.enumerate() if t.name.startswith("kmeans-task") and t.is_alive()]


@pytest.fixture
def failures(make_window, qtbot):
    window = make_window()
    page = window.pages["failures"]
    window.tabs.setCurrentWidget(page)
    page.model.n = 60
    return window, page


def compute_grid(qtbot, page):
    arrived = []
    page.model.events.cell.connect(lambda cell: arrived.append((cell.case, cell.method)))
    with qtbot.waitSignal(page.runner.finished, timeout=60_000):
        click(qtbot, page.bar.compute_button)
    return arrived


def test_cells_arrive_one_by_one_and_a_click_opens_the_case_ready_to_step(qtbot, failures):
    window, page = failures
    arrived = compute_grid(qtbot, page)
    rows = [key for key, _ in page.model.row_titles()]
    assert arrived == [(key, m) for key in rows for m in METHOD_KEYS]
    assert all(cell.X is not None and cell.caption.startswith("ARI ") for cell in page.cells.values())
    assert "48 cells" in page.status.text()

    case = page.model.case("unlucky-start")
    lab_cell = page.model.cell("unlucky-start", "kmeans")
    click(qtbot, page.cells[("unlucky-start", "kmeans")])
    state = window.state
    assert window.tabs.currentWidget() is window.pages["explore"]
    np.testing.assert_array_equal(state.points, case.X)
    assert (state.params.k, state.params.init, state.params.seed) == (4, "random", case.seed)
    assert state.cursor == 0 and not state.at_end  # ready to step
    state.run_to_end()
    assert state.current.inertia == lab_cell.inertia
    np.testing.assert_array_equal(state.current.labels, lab_cell.labels)

    # Moons is the app's own dataset: it is loaded by name.
    window.tabs.setCurrentWidget(page)
    click(qtbot, page.cells[("moons", "spectral")])
    assert window.state.dataset == {"name": "moons", "n": 60, "spread": 1.0, "seed": 0}
    assert window.state.params.k == 2
    np.testing.assert_array_equal(window.state.points, page.model.case("moons").X)

    # The best score of each row is framed.
    for key in rows:
        scores = {m: page.model.cell(key, m).score for m in METHOD_KEYS}
        best = max(scores.values())
        for m, score in scores.items():
            assert page.cells[(key, m)].highlight == (score >= best - 0.005)


def test_cancel_stops_the_grid_and_leaves_no_thread(qtbot, failures):
    window, page = failures
    page.model.n = 2000
    with qtbot.waitSignal(page.runner.partial, timeout=60_000):
        click(qtbot, page.bar.compute_button)
    with qtbot.waitSignal(page.runner.cancelled, timeout=5_000):
        click(qtbot, page.bar.cancel_button)
    done = len(page.model.cells)
    assert done < 48 and page.bar.progress_bar.format() == "cancelled"
    assert page.bar.compute_button.isEnabled() and not page.bar.cancel_button.isEnabled()
    assert page.runner.wait(30)  # the worker's task returned at its next check
    qtbot.wait(50)
    assert len(page.model.cells) == done  # nothing arrives after the cancel
    assert not any(c.placeholder == "waiting" for c in page.cells.values())
    window.close()
    assert not lab_threads()


def test_your_data_row_is_scored_by_silhouette_when_the_points_have_no_groups(qtbot, make_window):
    window = make_window()  # drawn blobs: no dataset, so no true groups
    page = window.pages["failures"]
    window.tabs.setCurrentWidget(page)
    page.model.n = 40
    click(qtbot, page.your_data_check)
    assert page.model.your_data and list(page.row_labels)[-1] == "your-data"
    compute_grid(qtbot, page)
    cell = page.model.cell("your-data", "kmeans")
    assert cell.score_kind == "silhouette" and cell.score > 0.5
    assert page.cells[("your-data", "kmeans")].caption.startswith("sil. ")


@pytest.fixture
def restarts(make_window, qtbot):
    window = make_window(make_dataset("blobs", n=200, centers=4, seed=3), k=4)
    page = window.pages["restarts"]
    window.tabs.setCurrentWidget(page)
    page.model.n_seeds = 30
    with qtbot.waitSignal(page.runner.finished, timeout=60_000):
        click(qtbot, page.bar.compute_button)
    qtbot.wait(30)  # let the charts' layout settle before mapping data to pixels
    return window, page


def test_histograms_hold_n_runs_and_a_clicked_bar_replays_its_first_seed(qtbot, restarts):
    window, page = restarts
    result = page.model.result
    state = window.state
    for chart, what in ((page.inertia_chart, "inertia"), (page.iterations_chart, "n_iter")):
        assert set(chart.counts) == {"random", "k-means++", "farthest"}
        assert all(c.sum() == 30 for c in chart.counts.values())
        assert all(bar.opts["height"].sum() == 30 for bar in chart.bars.values())

        window.tabs.setCurrentWidget(page)
        init = "random"
        b = int(np.argmax(chart.counts[init]))
        x = chart.slot_centres(list(chart.counts).index(init))[b]
        click(qtbot, chart.plot.viewport(), chart.view_to_widget(x, chart.counts[init][b] / 2))
        seed = int(result.seeds_in_bin(init, what, chart.edges, b)[0])
        assert window.tabs.currentWidget() is window.pages["explore"]
        assert (state.params.init, state.params.seed) == (init, seed)
        state.run_to_end()
        assert state.current.inertia == result.runs[init].inertia[seed]
        assert state.current.iteration == result.runs[init].n_iter[seed]

    # A click beside the bars opens nothing.
    window.tabs.setCurrentWidget(page)
    chart = page.inertia_chart
    before = state.params
    empty = int(np.flatnonzero(sum(chart.counts.values()) == 0)[0])
    x = (chart.edges[empty] + chart.edges[empty + 1]) / 2
    click(qtbot, chart.plot.viewport(), chart.view_to_widget(x, 1.0))
    assert state.params == before and window.tabs.currentWidget() is page


def test_clicking_the_worst_run_replays_it_until_the_data_change(qtbot, restarts):
    window, page = restarts
    worst = page.model.result.worst
    click(qtbot, page.worst_cell)
    state = window.state
    assert (state.params.init, state.params.seed) == (worst.init, worst.seed)
    state.run_to_end()
    assert state.current.inertia == worst.inertia
    np.testing.assert_array_equal(state.current.labels, worst.labels)

    # New data make the result stale: it is cleared, and a click opens nothing.
    window.tabs.setCurrentWidget(page)
    window.state.load_dataset("moons", n=100, seed=1)
    assert page.model.stale and not page.inertia_chart.counts
    assert not any(bar.isVisible() for bar in page.inertia_chart.bars.values())
    assert page.status.text() == "The Explore data or parameters changed: press Compute for new restarts."
    click(qtbot, page.best_cell)  # nothing to open: the result is of other data
    assert window.tabs.currentWidget() is page


def test_cancelled_restarts_leave_no_thread(qtbot, make_window):
    window = make_window(make_dataset("blobs", n=3000, centers=8, seed=0), k=8)
    page = window.pages["restarts"]
    page.model.n_seeds = 1000
    with qtbot.waitSignal(page.runner.progress, timeout=30_000):
        click(qtbot, page.bar.compute_button)
    with qtbot.waitSignal(page.runner.cancelled, timeout=5_000):
        click(qtbot, page.bar.cancel_button)
    assert page.model.result is None and page.status.text().startswith("Cancelled")
    window.close()
    assert not lab_threads()


@pytest.mark.parametrize("name", ["failures", "restarts"])
def test_snapshot_hooks_compute_on_this_thread(make_window, name, tmp_path):
    window = make_window()
    page = window.pages[name]
    if name == "failures":
        page.model.n = 30
    else:
        page.model.n_seeds = 10
    window.tabs.setCurrentWidget(page)
    tab_named(name).snapshot(window, page)
    assert not lab_threads()
    if name == "failures":
        assert len(page.model.cells) == 48
    else:
        assert page.model.result.n_seeds == 10
    image = window.grab()
    assert image.save(str(tmp_path / f"{name}.png"))
