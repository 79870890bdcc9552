"""Each check passes on a scripted solution (real runs) and fails on a wrong one."""

import warnings

import numpy as np
import pytest

from kmeans_gui.data.datasets import make_dataset
from kmeans_gui.engine import kmeans_steps, run_to_end
from kmeans_gui.lessons.checks import (
    NOT_YET, PASSED, UNAVAILABLE, Facts, ImageFigures, evaluate, soft_hardness,
)
from kmeans_gui.lessons.format import CheckSpec
from kmeans_gui.lessons.loader import builtin_dir, load_lessons

ALL = frozenset({"explore", "choose-k", "image", "lab", "soft"})


def _lesson_check(number):
    return load_lessons([builtin_dir()]).by_number(number).check


def _run_facts(dataset, k, init, seed, data_seed=0, **data):
    X = make_dataset(dataset, seed=data_seed, **data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        final = run_to_end(kmeans_steps(X, k, init=init, random_state=seed))
    return Facts(ALL, dataset=dataset, points=X, k=k, seed=seed, init=init, final=final)


def test_run_converged():
    check = _lesson_check(1)
    facts = _run_facts("blobs", 3, "random", 0, n=300, centers=3)
    verdict = evaluate(check, facts)
    assert verdict.status == PASSED
    assert f"It stopped after {facts.final.iteration} iterations: the centroids barely moved any more." in verdict.message
    facts.final = None
    assert evaluate(check, facts).status == NOT_YET


def test_run_converged_says_when_the_run_is_stuck():
    check = _lesson_check(1)
    # Seed 0 puts two centroids in one blob: the run converges, far above the best clustering.
    stuck = evaluate(check, _run_facts("blobs", 3, "random", 0, n=300, centers=3))
    assert stuck.status == PASSED
    assert stuck.message.endswith("It stopped after 4 iterations: the centroids barely moved any more. But look "
                                  "again: this run is stuck at inertia 9,380, while the best clustering has 601. "
                                  "Lesson 4 is about such starts.")
    good = evaluate(check, _run_facts("blobs", 3, "random", 14, n=300, centers=3))
    assert good.status == PASSED and "Stuck" not in good.message


def test_the_first_lessons_own_start_ends_at_the_best_clustering():
    # A learner's first run must not be a poor local minimum nobody explains (lesson 4 shows those).
    lesson = load_lessons([builtin_dir()]).by_number(1)
    setup = lesson.setup
    facts = _run_facts(setup["dataset"], setup["k"], setup["init"], setup["seed"], setup["data_seed"],
                       n=setup["n"], centers=setup["centers"])
    verdict = evaluate(lesson.check, facts)
    assert verdict.status == PASSED and "Stuck" not in verdict.message
    assert facts.final.iteration >= 5  # enough assign-update rounds to watch
    assert facts.final.stop_reason == "no point changed cluster"  # as the lesson's text says


@pytest.mark.parametrize("algorithm", ["soft", "gmm", "minibatch"])
def test_run_converged_is_about_lloyd_not_a_variant(algorithm):
    facts = _run_facts("blobs", 3, "random", 14, n=300, centers=3)
    facts.algorithm = algorithm
    verdict = evaluate(_lesson_check(1), facts)
    assert verdict.status == NOT_YET
    assert "not k-means: choose Lloyd (k-means) as the Method" in verdict.message
    facts.algorithm = "lloyd"
    assert evaluate(_lesson_check(1), facts).status == PASSED


def test_iterations_at_least_15():
    check = _lesson_check(2)
    assert check.params == {"iterations": 15}
    slow = _run_facts("uniform", 5, "random", 1, n=600)
    assert slow.final.iteration >= 15
    assert evaluate(check, slow).status == PASSED
    quick = _run_facts("uniform", 5, "random", 0, n=600)
    verdict = evaluate(check, quick)
    assert verdict.status == NOT_YET
    assert f"Seed 0 converged in {quick.final.iteration} iterations" in verdict.message


def test_chosen_k_equals_true_k():
    check = _lesson_check(6)
    assert evaluate(check, Facts(ALL, k=4)).status == PASSED
    wrong = evaluate(check, Facts(ALL, k=3))
    assert wrong.status == NOT_YET and "Read the silhouette chart" in wrong.message
    # Without true_k the check uses the data's own number of groups (lesson 3 declares none).
    elbow = _lesson_check(3)
    assert "true_k" not in elbow.params
    assert evaluate(elbow, Facts(ALL, k=4, true_k=4)).status == PASSED
    assert evaluate(elbow, Facts(ALL, k=2, true_k=4)).status == NOT_YET


def test_random_run_worse_than_kmeanspp():
    check = _lesson_check(4)
    stuck = _run_facts("tutorial-blobs", 4, "tutorial-random", 42)
    verdict = evaluate(check, stuck)
    assert verdict.status == PASSED
    assert "Seed 42 ended at inertia 1,886, 420% above k-means++'s 362" in verdict.message
    good = _run_facts("tutorial-blobs", 4, "tutorial-random", 5)
    assert evaluate(check, good).status == NOT_YET
    plus = _run_facts("tutorial-blobs", 4, "k-means++", 0)
    assert "Use a random initialisation" in evaluate(check, plus).message
    stuck.final = None
    assert evaluate(check, stuck).status == NOT_YET
    big = _run_facts("uniform", 4, "random", 0, n=6000)
    assert "6,000 points x k = 4 is too much to compare quietly" in evaluate(check, big).message


def test_psnr_with_fewest_colours():
    check = _lesson_check(7)
    assert check.params == {"psnr": 30.0, "max_colours": 36}
    assert evaluate(check, Facts(ALL, image_latest=ImageFigures("sample", 32, 63.9, 30.07, 0.1))).status == PASSED
    too_many = evaluate(check, Facts(ALL, image_latest=ImageFigures("sample", 64, 40.0, 32.1, 0.1)))
    assert too_many.status == NOT_YET and "can be reached with fewer" in too_many.message
    too_few = evaluate(check, Facts(ALL, image_latest=ImageFigures("sample", 16, 114.0, 27.55, 0.1)))
    assert too_few.status == NOT_YET and "below 30 dB, so add colours" in too_few.message
    assert evaluate(check, Facts(ALL)).status == NOT_YET


def test_minibatch_close_to_full():
    check = _lesson_check(8)
    full, mini = ImageFigures("full", 16, 72.14, 29.6, 0.35), ImageFigures("minibatch", 16, 73.78, 29.5, 0.1)
    assert evaluate(check, Facts(ALL, image_runs={"full": full, "minibatch": mini})).status == PASSED
    far = ImageFigures("minibatch", 16, 90.0, 28.6, 0.1)
    assert evaluate(check, Facts(ALL, image_runs={"full": full, "minibatch": far})).status == NOT_YET
    other_k = ImageFigures("minibatch", 8, 73.0, 29.5, 0.1)
    assert "at the same k" in evaluate(check, Facts(ALL, image_runs={"full": full, "minibatch": other_k})).message


def test_dbscan_beats_kmeans_on_the_moons_in_the_failures_lab():
    from kmeans_gui.lessons.apply import facts_from
    from kmeans_gui.state import AppState
    from kmeans_gui.state.lab import FailuresModel

    check = _lesson_check(5)
    explore = AppState()
    lab = FailuresModel(explore, n=40, seed=0)
    assert "Press Compute on the Failures tab: the lab runs k-means and DBSCAN on the two moons." in evaluate(
        check, facts_from(explore, lab=lab)).message  # nothing computed yet (it said "dbscan")
    # Wrong: 40 points per case are too sparse for DBSCAN's density (ARI 0.00 against k-means' 0.28).
    lab.compute_now()
    verdict = evaluate(check, facts_from(explore, lab=lab))
    assert verdict.status == NOT_YET
    assert "DBSCAN scores ARI 0.00 against k-means' 0.28" in verdict.message
    # The solution: enough points for the moons to be dense chains.
    lab.n = 200
    lab.compute_now()
    verdict = evaluate(check, facts_from(explore, lab=lab))
    assert verdict.status == PASSED
    assert "DBSCAN scores ARI 0.96 against k-means' 0.29" in verdict.message


def test_a_check_the_app_cannot_evaluate_says_so():
    verdict = evaluate(_lesson_check(5), Facts(frozenset({"explore"})))
    assert verdict.status == UNAVAILABLE
    assert "the failures lab (DBSCAN and others beside k-means) is not built yet" in verdict.message


def _soft_lesson_state():
    from kmeans_gui.lessons.apply import apply_setup
    from kmeans_gui.state import AppState

    explore = AppState()
    apply_setup(load_lessons([builtin_dir()]).by_number(9).setup, explore)
    return explore


def _soft_facts_at(explore, beta):
    from kmeans_gui.lessons.apply import facts_from

    explore.set_params(beta=beta)
    explore.run_to_end()
    return facts_from(explore)


def test_beta_where_soft_looks_hard_on_the_lessons_run():
    check = _lesson_check(9)
    explore = _soft_lesson_state()
    assert explore.params.algorithm == "soft" and explore.params.beta == 0.01
    # Before the first E-step the run has no responsibilities yet.
    assert "Step once" in evaluate(check, facts_from_state(explore)).message
    verdict = evaluate(check, _soft_facts_at(explore, 0.01))  # the lesson's start: 72% sure
    assert verdict.status == NOT_YET and "raise beta" in verdict.message
    assert "At beta = 0.01 the average point is 72% sure" in verdict.message
    verdict = evaluate(check, _soft_facts_at(explore, 0.1))  # hard already at 0.05: too far
    assert verdict.status == NOT_YET and "lower beta" in verdict.message
    verdict = evaluate(check, _soft_facts_at(explore, 0.02))
    assert verdict.status == PASSED
    assert "At beta = 0.02 the average point is 95% sure of its cluster, at beta = 0.01 72%" in verdict.message
    # The figure at beta is the run on show's: its responsibilities, not a rerun.
    facts = _soft_facts_at(explore, 0.02)
    np.testing.assert_array_equal(facts.responsibilities, explore.current.responsibilities)
    assert facts.responsibilities.max(axis=1).mean() == pytest.approx(soft_hardness(
        explore.points, 3, 0.02, 0, init=explore.params.init, max_iter=explore.params.max_iter,
        tol=explore.params.tol))


def test_beta_check_needs_soft_kmeans_on_the_canvas():
    check = _lesson_check(9)
    explore = _soft_lesson_state()
    explore.set_algorithm("lloyd")  # a learner who went back to k-means
    explore.run_to_end()
    verdict = evaluate(check, facts_from_state(explore))
    assert verdict.status == NOT_YET and "Choose Soft k-means" in verdict.message


def facts_from_state(explore):
    from kmeans_gui.lessons.apply import facts_from

    return facts_from(explore)


def test_praise_and_hint_come_from_the_lesson():
    spec = CheckSpec("chosen_k_equals_true_k", {"true_k": 3}, praise="Bravo.", hint="Count again.")
    assert evaluate(spec, Facts(ALL, k=3)).message.startswith("Bravo. k = 3")
    assert evaluate(spec, Facts(ALL, k=2)).message == "k = 2 is not it yet. Count again."
