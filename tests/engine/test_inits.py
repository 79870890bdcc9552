"""The registry of initialisations: every name in it works everywhere an init is chosen."""

import argparse
import re

import numpy as np
import pytest
from scipy import sparse

from kmeans_gui.engine import KMeans, kmeans_steps, minibatch_steps, minibatch_vs_lloyd, soft_kmeans_steps
from kmeans_gui.engine.inits import INIT_NAMES, INITS, Init, draws_at_random
from kmeans_gui.export.source import add_source_arguments
from kmeans_gui.lab.restarts import run_restarts
from kmeans_gui.lessons.live import live_view
from kmeans_gui.state.params import ALGORITHM_INITS, INIT_LABELS, Params

X = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0], [10.0, 0.0], [10.0, 1.0]])


@pytest.mark.parametrize("name", INIT_NAMES)
def test_each_init_seeds_k_rows_of_x_step_by_step_when_stepwise(name):
    k = 3
    inits = [s for s in kmeans_steps(X, k, init=name, random_state=0, observe_init=True) if s.phase == "init"]
    assert len(inits) == (k if INITS[name].stepwise else 1)
    assert (inits[-1].seed is not None) == INITS[name].stepwise
    centres = inits[-1].centers
    assert centres.shape == (k, 2)
    assert all(any(np.array_equal(c, row) for row in X) for c in centres)
    assert len({tuple(c) for c in centres}) == k


def test_farthest_picks_the_farthest_point_second():
    seeds = list(INITS["farthest"].seeding(X, 2, np.ones(len(X)), np.random.RandomState(0)))
    d2 = ((X - seeds[0].center) ** 2).sum(axis=1)
    assert d2[seeds[1].index] == d2.max()


def test_gui_labels_are_the_registry_plus_manual():
    assert INIT_LABELS == {**{n: m.label for n, m in INITS.items()}, "manual": "Place by clicking"}
    for name in INIT_LABELS:
        Params(init=name)  # every offered init is a valid parameter


@pytest.mark.parametrize("name", [*INIT_NAMES, "manual"])
def test_export_commands_accept_every_init(name):
    parser = argparse.ArgumentParser()
    add_source_arguments(parser)
    assert parser.parse_args(["--init", name]).init == name


def test_an_unknown_name_lists_the_registry():
    with pytest.raises(ValueError, match="tutorial-k-means"):
        next(kmeans_steps(X, 2, init="nope"))


@pytest.mark.parametrize("name", INIT_NAMES)
def test_each_explanation_fills_in_k_and_the_seed_number(name):
    text = INITS[name].explanation.format(k=4, n=2)
    assert "{" not in text and ("4" in text)


def _every_other_row(X, n_clusters, sample_weight, random_state):
    return np.arange(n_clusters) * 2  # rows 0, 2, 4...: a start anyone can check by hand


@pytest.fixture
def new_init(monkeypatch):
    """An initialisation added to the registry and nowhere else."""

    def add(**fields):
        monkeypatch.setitem(INITS, "every-other", Init(_every_other_row, False, "Every other row",
                                                       "Rows 0, 2, ... of {k} become centroids.", "every other row",
                                                       **fields))
        return "every-other"

    return add


def test_a_new_init_in_the_registry_works_in_every_generator_without_other_edits(new_init):
    name = new_init()
    first = next(kmeans_steps(X, 3, init=name, observe_init=True))
    np.testing.assert_array_equal(first.centers, X[[0, 2, 4]])
    np.testing.assert_array_equal(next(soft_kmeans_steps(X, 3, beta=1.0, init=name)).centers, X[[0, 2, 4]])
    # Mini-batch seeds on a sample of init_size rows: here all six, kept in order.
    np.testing.assert_array_equal(next(minibatch_steps(X, 3, init=name, init_size=6)).centers, X[[0, 2, 4]])
    # Each pair of rows is a cluster: inertia 6 x 0.5², from this start and no other.
    curves = minibatch_vs_lloyd(X, 3, init=name, batch_sizes=(2,), max_epochs=1, random_state=0)
    assert curves[0].label == "Lloyd" and curves[0].final_inertia == pytest.approx(1.5)
    model = KMeans(3, init=name).fit(X)
    assert model._n_init() == 1 and model.inertia_ == pytest.approx(1.5)
    assert run_restarts(X, 3, n_seeds=2, inits=(name,)).runs[name].inertia.tolist() == pytest.approx([1.5, 1.5])
    assert live_view(first, len(X), init=name).phase == "init-given"
    assert not draws_at_random(name)


def test_what_the_registry_says_of_a_new_init_decides_restarts_minibatch_and_sparse(new_init):
    name = new_init(draws_at_random=True, minibatch=False)
    assert KMeans(3, init=name)._n_init() == 10
    first = next(kmeans_steps(X, 3, init=name, observe_init=True))
    assert live_view(first, len(X), init=name).phase == "init"  # the scratch code draws its own
    with pytest.raises(ValueError, match="not offered for mini-batch k-means: use 'random' or 'k-means"):
        next(minibatch_steps(X, 3, init=name))
    with pytest.raises(ValueError, match="not available for sparse X: use 'random' or 'k-means"):
        KMeans(3, init=name).fit(sparse.csr_matrix(X))


@pytest.mark.parametrize("name", ["farthest", "tutorial-random", "tutorial-k-means++"])
def test_sparse_data_refuse_an_init_without_a_sparse_seeding_instead_of_substituting_one(name):
    # Before the registry said so, the tutorial's inits silently seeded sparse data with k-means++.
    with pytest.raises(ValueError, match=re.escape(f"init='{name}' is not available for sparse X")):
        KMeans(2, init=name).fit(sparse.csr_matrix(X))


def test_minibatch_offers_what_the_registry_allows_it():
    assert ALGORITHM_INITS["minibatch"] == (*(n for n in INIT_NAMES if INITS[n].minibatch), "manual")
    assert "farthest" not in ALGORITHM_INITS["minibatch"] and "k-means++" in ALGORITHM_INITS["minibatch"]
    assert [n for n in INIT_NAMES if draws_at_random(n)] == ["random", "tutorial-random"]


def test_the_tutorial_setup_is_what_the_registry_calls_the_tutorial_s(new_init):
    assert [n for n in INIT_NAMES if Params(init=n).tutorial_init] == ["tutorial-random", "tutorial-k-means++"]
    assert not Params(init="manual").tutorial_init
    name = new_init(tutorial=True)
    assert Params(init=name).tutorial_init
