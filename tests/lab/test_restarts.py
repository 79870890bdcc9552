"""Restarts: every run counted once, exact best-of-n_init statistics, runs Explore can replay."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kmeans_gui.data.datasets import make_dataset
from kmeans_gui.engine import kmeans_steps, run_to_end
from kmeans_gui.engine.progress import Cancelled
from kmeans_gui.lab.restarts import RESTART_INITS, best_of_stats, histogram_edges, run_restarts

N = 40


@pytest.fixture(scope="module")
def blobs():
    return make_dataset("blobs", n=300, centers=4, seed=1)


@pytest.fixture(scope="module")
def restarts(blobs):
    return run_restarts(blobs, 4, n_seeds=N)


@pytest.mark.parametrize("what", ["inertia", "n_iter"])
def test_each_histogram_holds_exactly_n_runs(restarts, what):
    edges, counts = restarts.histograms(what)
    assert set(counts) == set(RESTART_INITS)
    for init, c in counts.items():
        assert c.sum() == N and c.shape == (edges.shape[0] - 1,)
        # and every seed is found in exactly one bin
        found = np.concatenate([restarts.seeds_in_bin(init, what, edges, b) for b in range(c.shape[0])])
        assert sorted(found.tolist()) == list(range(N))


def test_iterations_get_one_bin_per_value():
    edges = histogram_edges([3, 5, 4, 3, 9], integer=True)
    np.testing.assert_array_equal(edges, np.arange(2.5, 10.0, 1.0))
    assert histogram_edges([7.0, 7.0]).shape == (2,)  # equal values: one narrow bin around them


def test_each_run_is_the_one_explore_replays(blobs, restarts):
    for init in RESTART_INITS:
        for seed in (0, 17, N - 1):
            replay = run_to_end(kmeans_steps(blobs, 4, init=init, random_state=seed, observe_init=True))
            assert restarts.runs[init].inertia[seed] == replay.inertia
            assert restarts.runs[init].n_iter[seed] == replay.iteration


def test_best_and_worst_runs_bound_every_run(restarts):
    every = np.concatenate([r.inertia for r in restarts.runs.values()])
    assert restarts.best.inertia == every.min() and restarts.worst.inertia == every.max()
    assert restarts.runs[restarts.worst.init].inertia[restarts.worst.seed] == restarts.worst.inertia
    assert restarts.best.labels.shape == (300,) and restarts.best.centers.shape == (4, 2)


def test_kmeans_plus_plus_lands_near_the_best_more_often_than_random(restarts):
    assert restarts.share_near_best("k-means++") > restarts.share_near_best("random")
    inertia = restarts.runs["random"].inertia
    assert restarts.share_near_best("random") == np.mean(inertia <= restarts.best.inertia * 1.01)


def test_best_of_stats_is_exact_over_all_subsets():
    values = np.array([5.0, 1.0, 4.0, 4.0, 9.0, 2.0])
    for m in range(1, 7):
        best = [min(c) for c in itertools.combinations(values, m)]
        mean, std = best_of_stats(values, m)
        assert mean == pytest.approx(np.mean(best)) and std == pytest.approx(np.std(best))
    assert best_of_stats(values, 6) == (1.0, 0.0)
    with pytest.raises(ValueError, match="n_init=7"):
        best_of_stats(values, 7)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=30))
def test_more_restarts_never_raise_the_expected_best(values):
    means = [best_of_stats(values, m)[0] for m in range(1, min(10, len(values)) + 1)]
    assert all(b <= a + 1e-9 * max(1.0, a) for a, b in zip(means, means[1:]))
    assert means[0] == pytest.approx(np.mean(values)) and means[-1] >= min(values) - 1e-9


def test_the_curve_goes_from_one_run_to_ten(restarts):
    n_init, mean, std = restarts.best_of_curve("random")
    assert n_init.tolist() == list(range(1, 11))
    assert mean[0] == pytest.approx(restarts.runs["random"].inertia.mean())
    assert std[0] == pytest.approx(restarts.runs["random"].inertia.std())


def test_cancelling_stops_the_runs(blobs):
    calls = []
    with pytest.raises(Cancelled):
        run_restarts(blobs, 4, n_seeds=100, should_stop=lambda: len(calls) > 2,
                     progress=lambda f, msg: calls.append(f))
    assert calls[-1] < 0.1


def test_bad_arguments_are_named(blobs):
    with pytest.raises(ValueError, match="n_seeds=0"):
        run_restarts(blobs, 4, n_seeds=0)
    with pytest.raises(ValueError, match="init='best'"):
        run_restarts(blobs, 4, inits=("best",))


def test_runs_follow_the_empty_cluster_policy():
    # Four distinct points, k = 3: "keep" and "farthest" runs may differ, each replays exactly.
    X = np.array([[0.0, 0.0], [0.0, 0.1], [5.0, 5.0], [5.0, 5.1], [9.0, 0.0]])
    for policy in ("keep", "farthest"):
        result = run_restarts(X, 3, n_seeds=6, empty_policy=policy)
        for seed in range(6):
            replay = run_to_end(kmeans_steps(X, 3, init="random", random_state=seed, empty_policy=policy))
            assert result.runs["random"].inertia[seed] == replay.inertia
