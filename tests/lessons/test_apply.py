"""Lesson setups applied to the Qt-free models, undone, and the facts read back. No Qt."""

import numpy as np
import pytest

from kmeans_gui.data.datasets import DATASETS
from kmeans_gui.lessons.apply import apply_setup, facts_from
from kmeans_gui.lessons.loader import builtin_dir, load_lessons
from kmeans_gui.state import AppState, Params
from kmeans_gui.state.image import ImageModel
from kmeans_gui.state.view import ViewOptions

LESSONS = load_lessons([builtin_dir()]).lessons


def _models():
    explore = AppState(params=Params(k=3, init="k-means++", seed=7))
    explore.load_dataset("moons", n=200, spread=1.0, seed=3)
    return explore, ViewOptions(show_regions=False, show_trails=False), ImageModel(k=8, method="sample")


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
def test_each_lessons_setup_gives_its_declared_state_and_undoes(lesson):
    explore, view, image = _models()
    before = (explore.points.copy(), explore.params, explore.dataset, view.to_dict(), image.to_dict())
    setup = lesson.setup
    applied = apply_setup(setup, explore, view, image)

    if "dataset" in setup:
        info = DATASETS[setup["dataset"]]
        assert explore.dataset == {"name": setup["dataset"], **info.options(
            seed=setup.get("data_seed", 0), n=setup.get("n", 600), centers=setup.get("centers", 4),
            spread=setup.get("spread", 1.0))}
    for key in ("k", "init", "seed"):
        if key in setup:
            assert getattr(explore.params, key) == setup[key]
    for key in ("regions", "trails", "lines"):
        if key in setup:
            assert getattr(view, f"show_{key}") == setup[key]
    assert (image.k, image.method) == (setup.get("image_k", 8), setup.get("image_method", "sample"))
    assert applied.tab == {"lab": "failures"}.get(setup.get("tab"), setup.get("tab", "explore"))
    assert applied.image_to_open == setup.get("image")
    assert applied.notes == []  # every lesson's setup can be made in this app
    if "algorithm" in setup or ("dataset" in setup and setup.get("tab", "explore") == "explore"):
        assert explore.params.algorithm == {"kmeans": "lloyd"}.get(setup.get("algorithm", "kmeans"),
                                                                    setup.get("algorithm"))
    if "beta" in setup:
        assert explore.params.beta == setup["beta"]
    assert explore.current is not None and explore.error is None  # the lesson's run can start

    applied.undo()
    np.testing.assert_array_equal(explore.points, before[0])
    assert (explore.params, explore.dataset, view.to_dict(), image.to_dict()) == before[1:]


def test_undo_after_the_learner_changed_things_still_restores_everything():
    explore, view, image = _models()
    params = explore.params
    applied = apply_setup(LESSONS[3].setup, explore, view, image)  # k-means++ lesson
    explore.new_seed()
    explore.load_dataset("blobs", k=5, n=100, centers=5, spread=1.0, seed=0)  # the learner wandered off
    applied.undo()
    assert explore.params == params and explore.dataset["name"] == "moons"


def test_ctrl_z_after_a_setup_also_goes_back():
    explore, view, image = _models()
    points, params = explore.points.copy(), explore.params
    apply_setup(LESSONS[0].setup, explore, view, image)
    assert explore.undo()
    np.testing.assert_array_equal(explore.points, points)
    assert explore.params == params


def test_facts_from_the_models():
    explore, view, image = _models()
    apply_setup(LESSONS[2].setup, explore, view, image)  # the elbow: blobs made as 4 groups
    facts = facts_from(explore, image)
    assert (facts.dataset, facts.k, facts.true_k, facts.final) == ("blobs", 2, 4, None)
    explore.run_to_end()
    assert facts_from(explore, image).final is explore.current and explore.current.is_final
    apply_setup(LESSONS[5].setup, explore, view, image)  # tutorial blobs: 4 known groups
    assert facts_from(explore, image).true_k == 4
    apply_setup(LESSONS[1].setup, explore, view, image)  # uniform noise: no true groups
    assert facts_from(explore, image).true_k is None
