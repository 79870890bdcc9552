"""The registry of initialisations: every name in it works everywhere an init is chosen."""

import argparse

import numpy as np
import pytest

from kmeans_gui.engine import kmeans_steps
from kmeans_gui.engine.inits import INIT_NAMES, INITS
from kmeans_gui.export.source import add_source_arguments
from kmeans_gui.state.params import INIT_LABELS, Params

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
