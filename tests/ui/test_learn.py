"""The Learn panel and the code beside the canvas, driven by real clicks."""

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor

from kmeans_gui.lessons.checks import NOT_YET, PASSED, UNAVAILABLE
from kmeans_gui.lessons.scratch_kmeans import code_for


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _click(qtbot, button):
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _expected_phase(state, init):
    s = state.current
    if s.phase == "init":
        return "init" if init in ("random", "tutorial-random") else "init-given"
    if s.is_final:
        return "converged"
    return s.phase


def test_the_code_panel_highlights_each_half_steps_line(make_window, qtbot):
    window = make_window(init="random")
    learn = window.learn
    learn.code_dock.show()
    panel = learn.code_panel
    code = code_for("kmeans")
    state = window.state
    assert panel.highlighted_line == code.line_for("init")  # the run's first state is its start
    seen = []
    while not state.at_end:
        _click(qtbot, window.playback.step_button)
        phase = _expected_phase(state, "random")
        seen.append(phase)
        assert panel.highlighted_line == code.line_for(phase), (phase, state.cursor)
        assert panel.code_view.textCursor().blockNumber() == panel.highlighted_line
        variables = panel.variables_view.toPlainText()
        assert f"iteration = {state.current.iteration}" in variables
        if phase in ("assign", "converged"):
            assert f"distances.shape == ({state.n_points}, 3)" in variables
            assert f"moved = {state.current.n_changed}" in variables
            first = ", ".join(str(v) for v in state.current.labels[:10])
            assert f"labels = [{first}, ...]" in variables
    assert seen[:2] == ["assign", "update"] and seen[-1] == "converged"
    assert "return labels, centroids" in code.lines[panel.highlighted_line]
    # Back goes back to the update's line.
    _click(qtbot, window.playback.back_button)
    assert panel.highlighted_line == code.line_for("update")


def test_a_lesson_applied_through_the_dock(make_window, qtbot, settings):
    from kmeans_gui.ui.learn import install_learn

    window = make_window(k=3, init="k-means++", seed=0)
    window.learn.dock.close()
    learn = install_learn(window, settings=settings)  # its own settings file for this test
    learn.dock.show()
    dock = learn.dock
    before_points = window.state.points.copy()

    dock.lesson_list.setCurrentRow(3)  # "4. k-means++"
    _click(qtbot, dock.start_button)
    state = window.state
    assert state.dataset["name"] == "tutorial-blobs" and state.n_points == 300
    assert (state.params.k, state.params.init, state.params.seed) == (4, "tutorial-random", 5)
    assert window.tabs.currentWidget() is window.pages["explore"]
    assert learn.highlight.target is window.playback.seed_button and learn.highlight.isVisible()
    assert dock.verdict.status == NOT_YET

    # Seed 5 converges well: not the task. A new seed gets stuck (1888 against 362).
    _click(qtbot, window.playback.end_button)
    qtbot.waitUntil(lambda: state.at_end, timeout=5000)
    assert dock.verdict.status == NOT_YET and "Not this one: seed 5" in dock.verdict.message
    _click(qtbot, window.playback.seed_button)
    _click(qtbot, window.playback.end_button)
    qtbot.waitUntil(lambda: state.at_end and dock.verdict.passed, timeout=5000)
    assert "Seed 6 ended at inertia 1,888" in dock.verdict_label.text()
    assert dock.lesson_list.item(3).text().startswith("✓")
    assert settings.value("lessons/completed/04-kmeans-plus-plus", type=bool)

    # The text goes on: "Then choose k-means++". Its run is not a random start, which the check
    # rejects; the task stays done all the same (it said "Use a random initialisation" before).
    combo = window.algorithm_panel.init_combo
    combo.setCurrentIndex(combo.findData("k-means++"))
    _click(qtbot, window.playback.end_button)
    qtbot.waitUntil(lambda: state.at_end, timeout=5000)
    assert state.params.init == "k-means++"
    assert dock.verdict.status == PASSED and "Seed 6 ended at inertia 1,888" in dock.verdict_label.text()
    # Start over checks the task afresh.
    _click(qtbot, dock.reset_button)
    assert dock.verdict.status == NOT_YET

    # Undo set-up puts the window's data and parameters back; the completion stays.
    _click(qtbot, dock.undo_button)
    np.testing.assert_array_equal(state.points, before_points)
    assert (state.params.k, state.params.init, state.params.seed) == (3, "k-means++", 0)
    assert not learn.highlight.isVisible() and dock.active is None
    again = install_learn(window, settings=settings)
    assert again.dock.is_completed("04-kmeans-plus-plus")
    assert again.dock.lesson_list.item(3).text().startswith("✓")


def test_the_lab_lesson_opens_the_failures_tab_and_checks_its_cells(make_window, qtbot, settings):
    window = make_window()
    dock = window.learn.dock
    dock.show()
    dock.select(5)  # "Where it fails": DBSCAN against k-means in the failures lab
    _click(qtbot, dock.start_button)
    page = window.pages["failures"]
    assert window.tabs.currentWidget() is page
    assert window.learn.highlight.target is page.bar.compute_button
    assert window.state.dataset["name"] == "tutorial-moons"
    assert dock.verdict.status == NOT_YET and "Press Compute on the Failures tab" in dock.verdict_label.text()
    assert dock.lesson_list.item(4).text().endswith("Where it fails")  # checkable now
    page.n_spin.setValue(40)  # too sparse for DBSCAN: k-means wins
    page.compute_now()
    assert dock.verdict.status == NOT_YET
    assert "DBSCAN scores ARI 0.00 against k-means' 0.28" in dock.verdict_label.text()
    page.n_spin.setValue(200)
    page.compute_now()
    assert dock.verdict.status == PASSED
    assert dock.is_completed("05-where-it-fails")
    window.algorithm_panel.k_spin.setValue(5)
    _click(qtbot, dock.reset_button)  # Start over: the lesson's set-up again
    assert window.state.params.k == 2


def test_the_soft_lesson_passes_by_moving_the_beta_slider(make_window, qtbot, settings):
    from kmeans_gui.ui.explore.panels.algorithm import beta_to_position

    window = make_window()
    dock = window.learn.dock
    dock.show()
    dock.select(9)
    _click(qtbot, dock.start_button)
    state, panel = window.state, window.algorithm_panel
    slider = panel.beta_slider
    assert (state.params.algorithm, state.params.beta) == ("soft", 0.01)
    assert panel.algorithm_combo.currentData() == "soft" and panel.beta_row.isVisible()
    assert window.learn.highlight.target is slider and window.learn.highlight.isVisible()
    _click(qtbot, window.playback.end_button)
    qtbot.waitUntil(lambda: state.current.is_final, timeout=5000)
    assert dock.verdict.status == NOT_YET and "raise beta" in dock.verdict_label.text()
    slider.setFocus()
    while slider.value() < beta_to_position(0.02):
        qtbot.keyClick(slider, Qt.Key.Key_Right)  # one slider step: beta x 10^(1/50)
    assert state.params.beta == 0.02
    qtbot.waitUntil(lambda: dock.verdict.status == PASSED, timeout=5000)
    assert "At beta = 0.02 the average point is 95% sure" in dock.verdict_label.text()
    assert dock.is_completed("09-soft-assignment")


def test_the_image_lesson_checks_the_psnr(make_window, qtbot):
    window = make_window()
    dock = window.learn.dock
    dock.show()
    dock.select(7)
    _click(qtbot, dock.start_button)
    image = window.pages["image"]
    assert window.tabs.currentWidget() is image and image.k_spin.value() == 64
    assert dock.verdict.status == NOT_YET and dock.verdict.message.startswith("Quantize the photo first")
    # While the photo opens, the learner lowers k: the first result comes at 32 colours (the
    # verdicts at other k are tested without Qt, in tests/lessons/test_checks.py).
    image.k_spin.setValue(32)
    qtbot.waitUntil(lambda: image.outcome is not None and not image.runner.is_running(), timeout=20000)
    qtbot.waitUntil(lambda: dock.verdict.status == PASSED, timeout=5000)
    assert "30.1 dB with only 32 colours" in dock.verdict_label.text()


def test_a_teachers_broken_lesson_is_named_and_the_rest_load(qtbot, tmp_path, settings):
    from kmeans_gui.ui.main_window import MainWindow

    (tmp_path / "mine.toml").write_text('title = "Mine"\ntext = "Try."\n[check]\nkind = "run_converged"\n')
    (tmp_path / "broken.toml").write_text('title = "Broken"\ntext = "x"\n[setup]\nk = "many"\n[check]\nkind = "run_converged"\n')
    window = MainWindow(lessons_dirs=[tmp_path])
    qtbot.addWidget(window)
    dock = window.learn.dock
    titles = [dock.lesson_list.item(i).text().strip() for i in range(dock.lesson_list.count())]
    assert len(titles) == 10 and titles[-1] == "Mine"
    assert "broken.toml, line 4: setup k = 'many' must be a whole number" in dock.problems_label.text()
    assert not dock.problems_label.isHidden()


def test_the_learn_button_shows_and_hides_the_dock(make_window, qtbot):
    window = make_window()
    button = window.learn.button
    assert not window.learn.dock.isVisible()
    _click(qtbot, button)
    assert window.learn.dock.isVisible()
    window.learn.dock.close()
    assert not button.defaultAction().isChecked()
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[-2:] == ["Learn", "Help"]
    help_text = window.shortcuts_text()
    assert "Ctrl+L" in help_text and "Ctrl+K" in help_text


def test_each_built_in_lessons_setup_produces_its_declared_state(make_window, qtbot):
    # One window, lesson after lesson, as a learner goes: each start first undoes the one before.
    window = make_window()
    for number in range(1, 10):
        _check_setup(window, qtbot, number)


def _check_setup(window, qtbot, number):
    from kmeans_gui.data.datasets import DATASETS

    dock = window.learn.dock
    lesson = dock.lessons.by_number(number)
    setup = lesson.setup
    dock.select(number)
    _click(qtbot, dock.start_button)
    state, view = window.state, window.models["view"]
    if "dataset" in setup:
        info = DATASETS[setup["dataset"]]
        expected = {"name": setup["dataset"], **info.options(
            seed=setup.get("data_seed", 0), n=setup.get("n", 600), centers=setup.get("centers", 4),
            spread=setup.get("spread", 1.0))}
        assert state.dataset == expected
        assert window.dataset_panel.dataset_combo.currentData() == setup["dataset"]
    for key in ("k", "init", "seed"):
        if key in setup:
            assert getattr(state.params, key) == setup[key], key
    for key in ("regions", "trails", "lines"):
        if key in setup:
            assert getattr(view, f"show_{key}") == setup[key], key
    tab = {"lab": "failures"}.get(setup.get("tab", "explore"), setup.get("tab", "explore"))
    assert window.tabs.currentWidget() is window.pages[tab]
    assert window.learn.code_panel.code_name == lesson.code
    if setup.get("code_panel") or lesson.code != "kmeans":
        assert window.learn.code_dock.isVisible()
    elif tab != "explore":
        # The code follows the Explore run, which another tab does not show.
        assert not window.learn.code_dock.isVisible()
    target = window.learn.host.widget_for(lesson.highlight)
    assert window.learn.highlight.target is target
    if target is not None:
        assert window.learn.highlight.isVisible() == target.isVisible()
    image = window.pages["image"]
    if "image_k" in setup:
        assert window.models["image"].k == setup["image_k"] == image.k_spin.value()
    if "image_method" in setup:
        assert window.models["image"].method == setup["image_method"]
    if "image" in setup:
        assert window.models["image"].loading or image.runner.is_running()
        image.cancel()
        qtbot.waitUntil(lambda: not image.runner.is_running() and not window.models["image"].loading, timeout=20000)
    if "algorithm" in setup:
        assert state.params.algorithm == {"kmeans": "lloyd"}.get(setup["algorithm"], setup["algorithm"])
    assert not dock.verdict_label.text().startswith("Not available yet.")


def test_switching_lessons_never_completes_the_one_left(make_window, qtbot, settings):
    # Before the elbow lesson the window shows blobs made as 4 groups with k = 4: undoing that
    # lesson's set-up on the way to another must not count as choosing k = 4.
    from kmeans_gui.ui.learn import install_learn

    window = make_window()
    window.learn.dock.close()
    window.state.load_dataset("blobs", k=4, n=300, centers=4, spread=1.0, seed=0)
    dock = install_learn(window, settings=settings).dock
    dock.show()
    dock.select(3)
    _click(qtbot, dock.start_button)
    assert window.state.params.k == 2 and dock.verdict.status == NOT_YET
    dock.select(1)
    _click(qtbot, dock.start_button)
    assert not dock.is_completed("03-elbow")
    assert dock.active.id == "01-algorithm"


@pytest.mark.parametrize("algorithm, code", [("minibatch", "minibatch_kmeans"), ("soft", "soft_kmeans"),
                                             ("gmm", "gmm")])
def test_the_code_panel_shows_and_follows_the_variant_on_the_canvas(make_window, qtbot, algorithm, code):
    window = make_window()
    learn = window.learn
    learn.code_dock.show()
    panel = learn.code_panel
    window.algorithm_panel.algorithm_combo.setCurrentIndex(
        window.algorithm_panel.algorithm_combo.findData(algorithm))
    assert window.state.params.algorithm == algorithm
    assert panel.shown_code == code and panel.code_name == "kmeans"
    assert f"{code}()" in panel.caption.text()
    scratch = code_for(code)
    _click(qtbot, window.playback.step_button)
    _click(qtbot, window.playback.step_button)
    state = window.state.current
    assert panel.highlighted_line == scratch.line_for(state.phase)
    variables = panel.variables_view.toPlainText()
    assert f"iteration = {state.iteration}" in variables
    if algorithm != "minibatch":
        assert f"responsibilities.shape == ({window.state.n_points}, 3)" in variables
    window.algorithm_panel.algorithm_combo.setCurrentIndex(window.algorithm_panel.algorithm_combo.findData("lloyd"))
    assert panel.shown_code == "kmeans" and panel.highlighted_line == code_for("kmeans").line_for(
        _expected_phase(window.state, window.state.params.init))


def _lesson_fits(dock):
    """The lesson's widgets lie one below the other, none squeezed over another, none scrolled away."""
    order = [dock.lesson_list, dock.title_label, dock.text_label, dock.verdict_label, dock.start_button]
    tops = [w.geometry().top() for w in order]
    bottoms = [w.geometry().bottom() for w in order]
    return (all(bottoms[i] < tops[i + 1] for i in range(len(order) - 1))
            and dock.widget().verticalScrollBar().maximum() == 0)


def test_at_1280x800_the_lesson_heading_never_covers_the_list(make_window, qtbot):
    window = make_window()
    window.learn.button.click()
    dock = window.learn.dock
    for number in range(1, 10):
        dock.select(number)
        _click(qtbot, dock.start_button)
        qtbot.waitUntil(lambda: _lesson_fits(dock), timeout=2000)
        if number == 9:  # the longest text with a three-line verdict
            image = window.pages["image"]
            qtbot.waitUntil(lambda: not image.runner.is_running() and not window.models["image"].loading,
                            timeout=20000)
            _click(qtbot, window.playback.end_button)
            qtbot.waitUntil(lambda: window.state.at_end, timeout=5000)
            qtbot.waitUntil(lambda: _lesson_fits(dock), timeout=2000)
    assert window.learn.code_dock.isVisible() and window.learn.code_dock.height() > 250


def test_the_highlighted_line_stays_in_sight_when_the_code_panel_shrinks(make_window, qtbot):
    window = make_window(algorithm="soft")
    learn = window.learn
    learn.button.click()
    learn.code_dock.show()
    panel, view = learn.code_panel, learn.code_panel.code_view
    total = learn.dock.height() + learn.code_dock.height()
    window.resizeDocks([learn.dock, learn.code_dock], [200, total - 200], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: learn.dock.height() < 250, timeout=2000)
    for _ in range(4):  # to the M-step, low in soft_kmeans()
        _click(qtbot, window.playback.step_button)
    assert panel.highlighted_line == code_for("soft_kmeans").line_for("update")
    assert panel.highlight_in_view()
    before = view.viewport().height()
    # The lesson above takes most of the column (as a long verdict makes it do): the view keeps
    # its text cursor, which sits on the highlighted line, in sight.
    window.resizeDocks([learn.dock, learn.code_dock], [total - 100, 100], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: view.viewport().height() < before - 60, timeout=2000)
    qtbot.waitUntil(panel.highlight_in_view, timeout=1000)  # scrolled from the event loop
    # Its minimum: eight lines of code stay in view however long the lesson above grows.
    assert view.viewport().height() >= 8 * view.fontMetrics().lineSpacing()
    # A click in the code moves its text cursor; the next step still scrolls to the highlight.
    view.setTextCursor(QTextCursor(view.document().findBlockByNumber(0)))
    _click(qtbot, window.playback.step_button)
    assert panel.highlight_in_view()


def test_next_lesson_appears_once_the_task_is_done(make_window, qtbot):
    window = make_window()
    window.learn.button.click()
    dock = window.learn.dock
    dock.select(1)
    _click(qtbot, dock.start_button)
    assert dock.next_button.isHidden()
    _click(qtbot, window.playback.end_button)
    qtbot.waitUntil(lambda: dock.verdict.passed, timeout=5000)
    assert dock.next_button.isVisible() and dock.next_button.text() == "Next lesson: 2. Watching it converge"
    below = lambda: dock.next_button.geometry().top() > dock.start_button.geometry().bottom()  # noqa: E731
    qtbot.waitUntil(lambda: _lesson_fits(dock) and below(), timeout=2000)
    _click(qtbot, dock.next_button)
    assert dock.active.id == "02-converge" and dock.lesson_list.currentRow() == 1
    assert window.state.dataset["name"] == "uniform"
    assert dock.next_button.isHidden() and dock.verdict.status == NOT_YET
    # Another lesson selected in the list: no Next button under its text.
    _click(qtbot, window.playback.end_button)
    dock.select(1)
    assert dock.next_button.isHidden()


def test_at_1280x800_the_code_beside_the_canvas_shows_whole_lines(make_window, qtbot):
    window = make_window()
    learn = window.learn
    learn.button.click()
    learn.dock.select(1)
    _click(qtbot, learn.dock.start_button)
    view = learn.code_panel.code_view
    combo = window.algorithm_panel.algorithm_combo
    for algorithm, code in (("lloyd", "kmeans"), ("minibatch", "minibatch_kmeans"), ("soft", "soft_kmeans"),
                            ("gmm", "gmm")):
        combo.setCurrentIndex(combo.findData(algorithm))
        qtbot.waitUntil(lambda: learn.code_panel.shown_code == code, timeout=2000)
        # Every line whole: no horizontal scrolling, and the canvas keeps the rest of the width.
        qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0, timeout=2000)
        assert window.canvas.width() > 400


def test_the_outline_belongs_to_the_lesson_on_show_and_the_active_one_is_marked(make_window, qtbot):
    window = make_window()
    learn = window.learn
    learn.button.click()
    dock = learn.dock
    dock.select(4)
    _click(qtbot, dock.start_button)
    seed_button = window.playback.seed_button
    assert learn.highlight.target is seed_button and learn.highlight.isVisible()
    assert dock.lesson_list.item(3).font().bold()
    # Another lesson, only looked at: its text is on show, so the outline of lesson 4's control
    # goes; the list still marks lesson 4 as the one under way, and the words say so.
    dock.select(2)
    assert dock.active.id == "04-kmeans-plus-plus"
    assert not learn.highlight.isVisible()
    assert dock.lesson_list.item(3).font().bold() and not dock.lesson_list.item(1).font().bold()
    assert "4. k-means++" in dock.verdict_label.text()
    # Hiding and showing the panel keeps it so.
    learn.button.click()
    learn.button.click()
    assert dock.isVisible() and not learn.highlight.isVisible()
    # Back on the active lesson: its outline returns.
    dock.select(4)
    assert learn.highlight.target is seed_button and learn.highlight.isVisible()
    # Starting the other moves the mark and the outline.
    dock.select(2)
    _click(qtbot, dock.start_button)
    assert dock.lesson_list.item(1).font().bold() and not dock.lesson_list.item(3).font().bold()
    _click(qtbot, dock.undo_button)
    assert not any(dock.lesson_list.item(i).font().bold() for i in range(dock.lesson_list.count()))
