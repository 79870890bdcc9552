"""The one registry of initialisations: name -> seeding function, label and explanation.

A new initialisation is one :class:`Init` in :data:`INITS` (its seeding function goes in
:mod:`.init`): the engine's name checks, which generators and which data accept it, how many
restarts ``n_init="auto"`` gives it, the GUI's labels and choices, the command lines' choices,
the lessons and the init phase's explanation all read this table. The engine reads it when it
runs, so an entry added at run time (a test's) works at once; the GUI's and command lines'
lists of names are made from it when they are imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import _sparse
from .init import (
    farthest_point_steps,
    kmeans_plusplus_steps,
    random_seeds,
    tutorial_kmeans_plusplus_steps,
    tutorial_random_seeds,
)

__all__ = ["Init", "INITS", "INIT_NAMES", "init_names", "draws_at_random"]


@dataclass(frozen=True)
class Init:
    """One initialisation.

    Attributes
    ----------
    seeding : callable
        ``seeding(X, n_clusters, sample_weight, random_state)``. If ``stepwise``, an iterator of
        :class:`~.init.SeedStep` (one per seed, so the GUI can show each draw); else an int array
        of shape (n_clusters,): the rows of X that become the centres.
    stepwise : bool
    label : str
        What the GUI calls it.
    explanation : str
        The init phase's sentence in the GUI, with ``{k}`` (number of clusters) and ``{n}`` (seeds
        drawn so far) to fill in. For a stepwise init it explains every seed after the first.
    picked : str
        How the starting centroids were "picked", for the summary after the run.
    draws_at_random : bool
        The start is k points drawn at random and nothing more: ``n_init="auto"`` restarts it
        10 times (as scikit-learn does for "random", 1 time otherwise), and a lesson's scratch
        code, which draws such a start itself, can stand in for it.
    minibatch : bool
        Mini-batch k-means may seed with it (on its sample of ``init_size`` rows).
    tutorial : bool
        It draws as the "K-Means from Scratch" tutorial's code does; it belongs to Lloyd's
        k-means, whose tutorial stop goes with it, so the other generators' panels do not offer it.
    sparse_seeding : callable or None
        ``sparse_seeding(X, n_clusters, sample_weight, random_state, x_sq)`` -> dense centres of
        shape (n_clusters, n_features) for a SciPy sparse X (``x_sq``: its rows' squared norms);
        None where the estimator has no sparse version and refuses sparse X with this init.
    """

    seeding: Callable
    stepwise: bool
    label: str
    explanation: str
    picked: str
    draws_at_random: bool = False
    minibatch: bool = True
    tutorial: bool = False
    sparse_seeding: Callable | None = None


def _tutorial_random_rows(X, n_clusters, sample_weight, random_state):
    return tutorial_random_seeds(X, n_clusters, random_state)  # the tutorial ignores weights


def _sparse_random(X, n_clusters, sample_weight, random_state, x_sq):
    return _sparse.random_init(X, n_clusters, sample_weight, random_state)


_AT_RANDOM = ("Initialisation: {k} points picked at random become the starting centroids. "
              "Next, every point joins its nearest centroid.")

#: Name -> :class:`Init`, in the order the GUI offers them.
INITS: dict[str, Init] = {
    "random": Init(random_seeds, False, "Random", _AT_RANDOM, "picked at random", draws_at_random=True,
                   sparse_seeding=_sparse_random),
    "k-means++": Init(
        kmeans_plusplus_steps, True, "k-means++",
        "Seed {n} of {k}: k-means++ drew candidates (dashed circles) with probability proportional to D² "
        "(darker, larger points were likelier) and kept the one that lowers the total squared distance "
        "most. Far-apart seeds make a good start.",
        "picked by k-means++", sparse_seeding=_sparse.kmeans_plusplus),
    "farthest": Init(
        farthest_point_steps, True, "Farthest point",
        "Seed {n} of {k} is the point farthest from all earlier seeds. Shading shows each point's squared "
        "distance D² to its nearest seed: darker and larger is farther.",
        "picked farthest point first",
        minibatch=False),  # as scikit-learn's MiniBatchKMeans: k-means++ or random only
    "tutorial-random": Init(_tutorial_random_rows, False, "Tutorial: random", _AT_RANDOM, "picked at random",
                            draws_at_random=True, minibatch=False, tutorial=True),
    "tutorial-k-means++": Init(
        tutorial_kmeans_plusplus_steps, True, "Tutorial: k-means++",
        "Seed {n} of {k}: drawn with probability proportional to D² (darker, larger points were likelier), "
        "the plain k-means++ of the tutorial: one draw, no candidates.",
        "picked by k-means++", minibatch=False, tutorial=True),
}

#: The names ``init`` may take as a string (for lists made once, on import: argument choices).
INIT_NAMES = tuple(INITS)


def init_names(where: Callable[[Init], bool] = lambda init: True) -> tuple[str, ...]:
    """The registry's names, now, in order; ``where`` keeps those whose :class:`Init` it accepts,
    e.g. ``init_names(lambda init: init.minibatch)``."""
    return tuple(name for name, init in INITS.items() if where(init))


def draws_at_random(init) -> bool:
    """True for the name of an initialisation that draws k points at random; False for the other
    names and for anything else ``init`` may be (centres, a callable, the GUI's "manual")."""
    return isinstance(init, str) and init in INITS and INITS[init].draws_at_random
