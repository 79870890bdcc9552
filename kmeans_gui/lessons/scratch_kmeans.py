"""k-means from scratch: the code the Learn panel shows beside the canvas.

Each function is short and plain NumPy, written to be read by someone meeting k-means for the
first time. Each is a generator: at every half-step it pauses with ``yield phase, locals()``, so
the app (and the tests) can see which half-step ran and the live values of its variables.
``tests/lessons/test_scratch_kmeans.py`` proves they give the engine's labels and centroids from
the same start at every half-step, so what the panel shows is what the canvas does.

:func:`code_for` gives a function's source and the line to highlight for each phase.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

__all__ = ["kmeans", "minibatch_kmeans", "ScratchCode", "code_for", "scratch_steps"]


def kmeans(X, k, init, seed, tol, max_iter):
    rng = np.random.RandomState(seed)
    if isinstance(init, str):  # k distinct points
        rows = rng.choice(len(X), k, replace=False)
        centroids = X[rows].astype(float)
    else:  # or the starting centroids we are given
        centroids = np.array(init, dtype=float)
    yield "init", locals()
    tol = tol * X.var(axis=0).mean()  # in X's units
    labels = np.full(len(X), -1)
    converged, iteration = False, 0
    while True:
        iteration += 1
        diff = X[:, None, :] - centroids[None, :, :]
        distances = (diff ** 2).sum(axis=2)  # (n, k)
        new_labels = distances.argmin(axis=1)
        moved = int(np.sum(new_labels != labels))
        labels = new_labels
        yield "assign", locals()
        if moved == 0 or converged:  # then stop
            return labels, centroids
        old = centroids.copy()
        for j in range(k):  # each: its points' mean
            members = X[labels == j]
            if len(members) > 0:  # empty ones stay
                centroids[j] = members.mean(axis=0)
        shift = np.sum((centroids - old) ** 2)
        converged = (shift <= tol  # barely moved
                     or iteration == max_iter)
        yield "update", locals()


def minibatch_kmeans(X, centroids, batch_size=100,
                     steps=50, seed=0):
    rng = np.random.RandomState(seed)
    centroids = np.array(centroids, dtype=float)
    counts = np.zeros(len(centroids))  # absorbed
    yield "init", locals()
    for step in range(1, steps + 1):
        rows = rng.randint(0, len(X), batch_size)
        batch = X[rows]  # a few points, not all of X
        diff = batch[:, None, :] - centroids[None]
        distances = (diff ** 2).sum(axis=2)
        labels = distances.argmin(axis=1)
        for j in range(len(centroids)):
            members = batch[labels == j]
            if len(members) == 0:
                continue
            # a step towards them, ever smaller
            counts[j] += len(members)
            pull = (members.sum(axis=0)
                    - len(members) * centroids[j])
            centroids[j] += pull / counts[j]
        yield "update", locals()


@dataclass(frozen=True)
class ScratchCode:
    """A scratch function's source, ready for a code panel.

    Attributes
    ----------
    name : str
        The function's name ("kmeans", "minibatch_kmeans", ...).
    lines : tuple of str
        Its source, one entry per line, the ``def`` line first.
    phase_lines : dict
        Phase ("init", "assign", "update", "converged") -> index into ``lines`` (0-based) of the
        line that does that half-step's work.
    """

    name: str
    lines: tuple
    phase_lines: dict

    def line_for(self, phase: str) -> int | None:
        return self.phase_lines.get(phase)


# The statement that does each phase's work, found in the source (so the panel never points at
# a stale line number after an edit; a test checks each is found exactly once).
_KEY_STATEMENTS = {
    "kmeans": {
        "init": "rows = rng.choice(",
        "init-given": "centroids = np.array(init",
        "assign": "new_labels = distances.argmin(",
        "update": "centroids[j] = members.mean(",
        "converged": "return labels, centroids",
    },
    "minibatch_kmeans": {
        "init": "counts = np.zeros(",
        "update": "centroids[j] += ",
    },
}

_FUNCTIONS = {"kmeans": kmeans, "minibatch_kmeans": minibatch_kmeans}


def register(name: str, function, key_statements: dict) -> None:
    """Add a scratch function (a variant's) to those :func:`code_for` knows."""
    _FUNCTIONS[name] = function
    _KEY_STATEMENTS[name] = dict(key_statements)


def code_for(name: str) -> ScratchCode:
    """The source of scratch function ``name`` and the line of each phase's key statement.

    Raises
    ------
    ValueError
        If ``name`` is unknown, or a key statement is not found exactly once in the source.
    """
    if name not in _FUNCTIONS:
        from . import scratch_variants  # noqa: F401  (registers soft k-means and GMM)
    if name not in _FUNCTIONS:
        raise ValueError(f"No scratch code named {name!r}; known: {', '.join(_FUNCTIONS)}.")
    lines = tuple(inspect.getsource(_FUNCTIONS[name]).rstrip("\n").split("\n"))
    phase_lines = {}
    for phase, statement in _KEY_STATEMENTS[name].items():
        found = [i for i, line in enumerate(lines) if statement in line]
        if len(found) != 1:
            raise ValueError(f"{name}: the {phase} statement {statement!r} is found {len(found)} times.")
        phase_lines[phase] = found[0]
    return ScratchCode(name, lines, phase_lines)


def scratch_steps(X, k, init="random", seed=0, tol=1e-4, max_iter=300):
    """Run :func:`kmeans` and yield ``(phase, variables)`` per half-step, the last as "converged".

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    k : int
    init : "random" or ndarray of shape (k, n_features)

    Yields
    ------
    phase : {"init", "assign", "update", "converged"}
    variables : dict
        Copies of the function's variables at that moment (``centroids``, ``labels``,
        ``distances``, ``moved``, ``shift``...).
    """
    X = np.asarray(X, dtype=float)
    steps = kmeans(X, k, init=init, seed=seed, tol=tol, max_iter=max_iter)
    previous = None
    for phase, variables in steps:
        if previous is not None:
            yield previous
        previous = (phase, {name: _copy(value) for name, value in variables.items()})
    if previous is not None:
        # The last assignment is where the run ends: the code goes on to its return.
        yield ("converged" if previous[0] == "assign" else previous[0]), previous[1]


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value
