"""The Choose k tab's model without Qt: settings, results cached per data and settings."""

import json

import numpy as np
import pytest

from kmeans_gui.state import AppState, Params
from kmeans_gui.state.choose_k import ChooseKModel

SQUARE = np.array([[0, 0], [0, 1], [10, 0], [10, 1], [5, 8], [5, 9]], dtype=float)


def test_settings_round_trip_and_bad_values_change_nothing():
    model = ChooseKModel(AppState(SQUARE, Params(k=2)), max_k=4, n_seeds=2)
    data = json.loads(json.dumps(model.to_dict()))
    assert data == {"max_k": 4, "n_seeds": 2, "tutorial_curve": False, "gap_reference": "box"}
    for bad in ({"max_k": 1}, {"max_k": 51}, {"n_seeds": 0}, {"n_seeds": "3"}, {"tutorial_curve": 1},
                {"gap_reference": "sphere"}):
        with pytest.raises(ValueError):
            model.load_dict({**data, **bad})
    with pytest.raises(ValueError, match="missing setting 'tutorial_curve'"):
        model.load_dict({"max_k": 4, "n_seeds": 2})
    assert model.to_dict() == data


def test_results_are_cached_per_data_and_settings():
    state = AppState(SQUARE, Params(k=2))
    model = ChooseKModel(state, max_k=4, n_seeds=1)
    shown = []
    model.events.result.connect(lambda: shown.append(model.result))
    first = model.compute_now()
    assert list(first.k_values) == [1, 2, 3, 4] and shown == [first]
    assert first.gap is not None and list(first.gap.k_values) == [1, 2, 3, 4]  # the gap statistic comes with it
    assert model.cached() is first and model.compute_now() is first  # not fitted again
    model.max_k = 3
    assert model.cached() is None
    X, k_values, n_seeds, tutorial_seed, _ = model.sweep_args()
    assert list(k_values) == [1, 2, 3] and n_seeds == 1 and X is not state.points and tutorial_seed is None
    model.tutorial_curve = True
    assert model.sweep_args()[3] == 42 and model.cached() is None  # part of the cache key
    model.max_k = 4
    state.add_points([[20.0, 20.0]])  # other data: the old results go
    model.forget_other_data()
    assert model.result is None and model.cached() is None and model._cache == {}


def test_a_sweep_needs_points_and_stops_at_n():
    state = AppState(np.empty((0, 2)), Params(k=1))
    model = ChooseKModel(state)
    with pytest.raises(ValueError, match="No points yet"):
        model.sweep_args()
    state.add_points(SQUARE[:3])
    assert list(model.sweep_args()[1]) == [1, 2, 3]  # max_k 10, but only 3 points


def test_sweep_follows_the_side_panels_init_max_iter_and_tol_or_says_why_not():
    state = AppState(SQUARE, Params(k=2, init="farthest", max_iter=7, tol=0.5))
    model = ChooseKModel(state, max_k=3, n_seeds=1)
    *_, settings = model.sweep_args()
    assert settings == {"init": "farthest", "max_iter": 7, "tol": 0.5, "gap_reference": "box"}
    assert model.init_note() is None
    key = model.settings_key()
    state.set_params(init="manual")
    assert model.sweep_args()[-1]["init"] == "k-means++" and model.settings_key() != key
    assert "Place by clicking" in model.init_note() and "k-means++" in model.init_note()
    state.set_params(init="random", algorithm="soft")
    assert model.sweep_args()[-1]["init"] == "k-means++"
    assert "Soft k-means" in model.init_note()
