"""The from-scratch code the Learn panel shows is real: it gives the engine's run, half-step by half-step."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kmeans_gui.data.datasets import make_dataset
from kmeans_gui.engine import FewDistinctPointsWarning, kmeans_steps
from kmeans_gui.engine.minibatch import minibatch_steps
from kmeans_gui.lessons.scratch_kmeans import code_for, minibatch_kmeans, scratch_steps


def _engine_and_scratch(X, start, **engine_options):
    engine = list(kmeans_steps(X, start.shape[0], init=start, empty_policy="keep", **engine_options))
    scratch = list(scratch_steps(X, start.shape[0], init=start, **engine_options))
    return engine, scratch


def _assert_same_run(engine, scratch):
    assert [s.phase for s in engine] == [p if p != "converged" else "assign" for p, _ in scratch]
    assert scratch[-1][0] == "converged"
    for state, (phase, variables) in zip(engine, scratch):
        np.testing.assert_allclose(variables["centroids"], state.centers, rtol=0, atol=1e-9)
        if phase == "init":
            continue
        np.testing.assert_array_equal(variables["labels"], state.labels)
        if state.phase == "assign":
            assert variables["moved"] == state.n_changed


@pytest.mark.parametrize("dataset, k, seed", [("blobs", 4, 0), ("blobs", 4, 3), ("moons", 3, 1), ("uniform", 5, 2)])
def test_scratch_kmeans_matches_the_engine_at_every_half_step(dataset, k, seed):
    X = make_dataset(dataset, n=300, seed=seed)
    start = X[np.random.RandomState(seed).choice(len(X), k, replace=False)]
    engine, scratch = _engine_and_scratch(X, start)
    assert len(engine) >= 5  # a real run, not a one-step convergence
    _assert_same_run(engine, scratch)


def test_scratch_kmeans_with_strict_convergence_and_max_iter():
    X = make_dataset("blobs", n=200, seed=4)
    start = X[:4].copy()
    _assert_same_run(*_engine_and_scratch(X, start, tol=0.0))
    engine, scratch = _engine_and_scratch(X, start, tol=0.0, max_iter=2)
    assert engine[-1].stop_reason == "max_iter reached"
    _assert_same_run(engine, scratch)


def test_scratch_random_init_is_the_tutorials():
    X = make_dataset("tutorial-blobs")
    scratch = list(scratch_steps(X, 4, init="random", seed=42))
    engine = list(kmeans_steps(X, 4, init="tutorial-random", random_state=42, empty_policy="keep"))
    _assert_same_run(engine, scratch)
    # The tutorial's default seed ends stuck: the scratch code finds the same poor minimum.
    final = scratch[-1][1]
    inertia = np.sum((X - final["centroids"][final["labels"]]) ** 2)
    assert inertia == pytest.approx(1886.2, abs=0.05)


def test_scratch_kmeans_keeps_an_empty_clusters_centroid():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    start = np.array([[0.0, 0.5], [10.0, 0.5], [100.0, 100.0]])
    with pytest.warns(FewDistinctPointsWarning, match="smaller than n_clusters"):
        engine, scratch = _engine_and_scratch(X, start)
    _assert_same_run(engine, scratch)
    np.testing.assert_array_equal(scratch[-1][1]["centroids"][2], [100.0, 100.0])


def test_scratch_variables_are_copies_per_half_step():
    X = make_dataset("blobs", n=120, seed=0)
    steps = list(scratch_steps(X, 3, init=X[:3].copy()))
    assign = next(v for p, v in steps if p == "assign")
    assert assign["distances"].shape == (120, 3)
    # The first update moved the centroids; the assignment's copy still shows where they were.
    update = next(v for p, v in steps if p == "update")
    assert not np.allclose(assign["centroids"], update["centroids"])


def test_scratch_minibatch_matches_the_engine_step_by_step():
    X = make_dataset("blobs", n=500, seed=0)
    start = X[:4].copy()
    engine = list(minibatch_steps(X, 4, init=start, batch_size=40, max_steps=30, tol=0.0,
                                  max_no_improvement=None, random_state=7))
    scratch = [(p, {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in variables.items()})
               for p, variables in minibatch_kmeans(X, start, batch_size=40, steps=30, seed=7)]
    assert len(engine) == len(scratch) == 31
    for state, (phase, variables) in zip(engine, scratch):
        np.testing.assert_allclose(variables["centroids"], state.centers, rtol=0, atol=1e-9)
        np.testing.assert_allclose(variables["counts"], state.counts)
        if state.batch_labels is not None:
            np.testing.assert_array_equal(variables["labels"], state.batch_labels)


@pytest.mark.parametrize("name", ["kmeans", "minibatch_kmeans"])
def test_each_phase_points_at_its_statement(name):
    code = code_for(name)
    assert code.lines[0].startswith(f"def {name}(")
    for phase, index in code.phase_lines.items():
        assert 0 < index < len(code.lines)
    assert len(code.lines) <= 30  # short enough to read beside the canvas


def test_kmeans_code_lines():
    code = code_for("kmeans")
    assert "argmin" in code.lines[code.line_for("assign")]
    assert ".mean(axis=0)" in code.lines[code.line_for("update")]
    assert code.lines[code.line_for("converged")].strip().startswith("return")
    with pytest.raises(ValueError, match="No scratch code named 'nope'"):
        code_for("nope")


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(3, 60), d=st.integers(1, 4), k=st.integers(1, 6),
       scale=st.sampled_from([1e-3, 1.0, 1e3]), tol=st.sampled_from([0.0, 1e-4, 1e-2]))
def test_scratch_kmeans_is_the_engine_on_any_data(seed, n, d, k, scale, tol):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * scale
    k = min(k, n)
    start = X[rng.choice(n, k, replace=False)]
    _assert_same_run(*_engine_and_scratch(X, start, tol=tol, max_iter=50))
