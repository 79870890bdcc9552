"""The Explore model with mini-batch, soft k-means and the Gaussian mixture: parameters, stepping,
the chart's series, the words and sessions."""

import numpy as np
import pytest

from kmeans_gui.data.datasets import make_dataset
from kmeans_gui.state import AppState, Params, chart_position, explanation, status_text, step_label
from kmeans_gui.state.params import ALGORITHM_INITS

BLOBS = make_dataset("blobs", n=200, centers=3, seed=1)


def _run(algorithm, **params):
    state = AppState(BLOBS, Params(k=3, algorithm=algorithm, **params))
    state.run_to_end()
    return state


@pytest.mark.parametrize("changes, fragment", [
    ({"algorithm": "kmedoids"}, "algorithm='kmedoids' must be one of: lloyd, minibatch, soft, gmm"),
    ({"batch_size": 0}, "batch_size=0 must be a whole number from 1"),
    ({"batch_size": 2.5}, "batch_size=2.5"),
    ({"beta": -1.0}, "beta=-1.0 must be a finite number >= 0"),
    ({"beta": float("nan")}, "beta=nan"),
    ({"covariance": "tied"}, "covariance='tied' must be one of: full, diag, spherical"),
    ({"algorithm": "gmm", "init": "farthest"}, "init='farthest' is not offered for Gaussian mixture"),
    ({"algorithm": "minibatch", "init": "tutorial-random"}, "not offered for Mini-batch k-means"),
])
def test_bad_variant_parameters_are_refused_naming_the_value(changes, fragment):
    with pytest.raises(ValueError) as err:
        Params(**changes).validated()
    assert fragment in str(err.value)


def test_numpy_values_become_plain_python_ones():
    p = Params(batch_size=np.int64(256), beta=np.float32(2.0), algorithm=np.str_("soft")).validated()
    assert type(p.batch_size) is int and type(p.beta) is float and type(p.algorithm) is str


def test_switching_to_an_algorithm_without_the_init_picks_kmeans_pp_and_says_so():
    state = AppState(BLOBS, Params(k=3, init="farthest"))
    state.set_algorithm("gmm")
    assert state.params.algorithm == "gmm" and state.params.init == "k-means++"
    assert "'Farthest point' is not offered for the Gaussian mixture" in state.message
    assert state.current.algorithm == "gmm"
    state.set_algorithm("soft")  # k-means++ is offered: nothing to say
    assert state.params.init == "k-means++" and state.current.algorithm == "soft"


@pytest.mark.parametrize("algorithm", ["minibatch", "soft", "gmm"])
def test_each_algorithm_steps_back_and_forth_and_charts_its_objective(algorithm):
    state = AppState(BLOBS, Params(k=3, algorithm=algorithm, seed=2))
    assert state.current.algorithm == algorithm and state.current.phase == "init"
    assert state.step() and state.cursor == 1
    assert state.back() and state.cursor == 0
    state.run_to_end()
    last = state.current
    assert last.is_final and state.at_end and not state.step()
    x, y, idx = state.objective_series()
    assert len(x) == len(y) == len(idx) >= 3
    assert np.all(np.diff(x) >= 0), "the chart reads left to right in the order things happened"
    assert x[-1] == chart_position(last) and y[-1] == last.objective
    # Trails: the k centres after the init and after every update.
    trail = state.trail()
    assert trail.shape[1:] == (3, 2) and np.array_equal(trail[-1], last.centers)
    # Every state has words, and the status line names the algorithm's half-step.
    for i in range(state.n_states):
        state.go_to(i)
        assert explanation(state) and status_text(state).startswith(f"Step {i + 1} of {state.n_states}")


def test_the_objective_goes_the_algorithms_way():
    for algorithm, sign in (("soft", -1), ("gmm", 1)):
        _, y, _ = _run(algorithm).objective_series()
        assert np.all(sign * np.diff(y) >= -1e-9 * np.abs(y[:-1])), algorithm


def test_minibatch_steps_are_whole_batches_on_the_chart_and_the_button_says_next_batch():
    state = AppState(BLOBS, Params(k=3, algorithm="minibatch", batch_size=20))
    state.step()
    s = state.current
    assert s.batch.size == 20 and chart_position(s) == 1.0
    assert step_label(state.peek_next(), 3) == "Next batch"
    assert "1/count" in explanation(state) and "Batch 1" in status_text(state)


def test_a_batch_of_one_point_is_said_in_the_singular():
    state = AppState(BLOBS, Params(k=3, algorithm="minibatch", batch_size=1))
    state.step()
    assert " · Batch 1 · 1 point · inertia " in status_text(state)
    assert explanation(state).startswith("Batch 1: 1 random point (ringed) joined its nearest centroid, and each")


def test_a_batch_larger_than_the_data_takes_all_points():
    state = AppState(BLOBS[:30], Params(k=3, algorithm="minibatch", batch_size=1000))
    state.step()
    assert state.current.batch.size == 30


def test_soft_kmeans_words_give_the_variance_of_the_equivalent_mixture():
    state = AppState(BLOBS, Params(k=3, algorithm="soft", beta=2.0))
    state.step()
    text = explanation(state)
    assert "1/(2β) = 0.25" in text and "hard assignment" in text and "E-step" in text
    assert step_label(state.peek_next(), 3) == "Move centroids"


def test_soft_kmeans_with_a_huge_beta_ends_where_lloyd_ends():
    lloyd = _run("lloyd", tol=0.0)
    soft = _run("soft", beta=1e9, tol=0.0)
    assert np.array_equal(soft.current.labels, lloyd.current.labels)
    np.testing.assert_allclose(soft.current.centers, lloyd.current.centers, rtol=1e-9)


def test_gmm_words_and_labels_follow_e_and_m_steps():
    state = AppState(BLOBS, Params(k=3, algorithm="gmm", covariance="diag"))
    assert step_label(state.peek_next(), 3) == "E-step"
    state.step()
    assert "E-step" in explanation(state) and "E-step" in status_text(state)
    state.step()
    assert "diagonal" in explanation(state) and step_label(state.peek_next(), 3) == "E-step"
    assert state.current.covariance_type == "diag"


def test_manual_centres_start_every_algorithm():
    placed = BLOBS[[0, 70, 140]]
    for algorithm in ALGORITHM_INITS:
        state = AppState(BLOBS, Params(k=3, algorithm=algorithm, init="manual"))
        for x, y in placed:
            state.add_manual_center(x, y)
        np.testing.assert_array_equal(state.history[0].centers, placed, err_msg=algorithm)


def test_the_rest_of_a_mixture_run_can_be_computed_on_a_worker():
    state = AppState(BLOBS, Params(k=3, algorithm="gmm"), eager_budget_s=0.0)
    job = state.detach()
    assert job is not None
    job.run()
    state.collect()
    assert state.complete and state.history[-1].is_final


def test_a_session_keeps_the_variant_parameters():
    state = AppState(BLOBS, Params(k=3, algorithm="soft", beta=3.5, batch_size=128, covariance="spherical"))
    state.step()
    data = state.to_dict()
    assert data["params"]["algorithm"] == "soft" and data["params"]["beta"] == 3.5
    assert data["params"]["batch_size"] == 128 and data["params"]["covariance"] == "spherical"
    restored = AppState.from_dict(data, state.arrays())
    assert restored.params == state.params and restored.cursor == 1
    np.testing.assert_array_equal(restored.current.responsibilities, state.current.responsibilities)


def test_a_session_saved_before_the_variants_loads_as_lloyd():
    data = AppState(BLOBS, Params(k=3)).to_dict()
    for name in ("algorithm", "batch_size", "beta", "covariance"):
        del data["params"][name]
    restored = AppState.from_dict(data, {"points": BLOBS})
    assert restored.params == Params(k=3) and restored.current.algorithm == "lloyd"


def test_a_session_with_a_bad_variant_parameter_names_it():
    data = AppState(BLOBS, Params(k=3)).to_dict()
    data["params"]["beta"] = -2
    with pytest.raises(ValueError, match="beta=-2"):
        AppState.validate_dict(data, {"points": BLOBS})


def test_status_lines_name_each_half_step_and_its_objective():
    soft = AppState(BLOBS, Params(k=3, algorithm="soft", beta=2.0))
    assert status_text(soft).endswith("· Initialisation")  # no objective yet
    soft.step()
    assert " · Iteration 1 · Soft assign (β = 2) · soft inertia " in status_text(soft)
    gmm = AppState(BLOBS, Params(k=3, algorithm="gmm"))
    gmm.run_to_end()
    text = status_text(gmm)
    assert " · Final E-step · log-likelihood per point " in text and "Converged after" in text
    mb = AppState(BLOBS, Params(k=3, algorithm="minibatch", batch_size=30))
    mb.step()
    assert " · Batch 1 · 30 points · inertia " in status_text(mb)


@pytest.mark.parametrize("algorithm", ["minibatch", "soft"])
def test_k_above_the_distinct_points_is_noted_at_the_end(algorithm):
    points = np.array([[0.0, 0.0]] * 4 + [[5.0, 5.0]] * 4)
    state = AppState(points, Params(k=3, algorithm=algorithm))
    state.run_to_end()
    assert state.warning == ("only 2 distinct points for k = 3: some centroids will share a spot or stay empty; "
                             "lower k")
    assert status_text(state).endswith("— note: " + state.warning)
    worker = AppState(points, Params(k=3, algorithm=algorithm), eager_budget_s=0.0)
    job = worker.detach()
    if job is not None:  # the same note when a worker computed the end
        job.run()
        worker.collect()
        assert worker.warning == state.warning


@pytest.mark.parametrize("algorithm,init,tol", [
    ("lloyd", "random", 0.0), ("lloyd", "k-means++", 1e-4), ("lloyd", "k-means++", 0.5),
    ("minibatch", "k-means++", 1e-4), ("soft", "k-means++", 1e-4), ("gmm", "k-means++", 1e-4)])
def test_the_chart_ends_at_the_iteration_count_the_final_sentence_gives(algorithm, init, tol):
    import re
    state = AppState(BLOBS, Params(k=3, algorithm=algorithm, init=init, seed=4, tol=tol))
    state.run_to_end()
    n = int(re.search(r"(?:Converged|Stopped) after (\d+) ", status_text(state)).group(1))
    x, _, _ = state.objective_series()
    assert np.all(np.diff(x) >= 0)
    # The chart's last point lies within iteration n (n to n + 1/2), never at n + 1.
    assert n <= x[-1] <= n + 0.5 and np.floor(x[-1]) == n
