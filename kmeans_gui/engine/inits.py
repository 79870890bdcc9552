"""The one registry of initialisations: name -> seeding function, label and explanation.

A new initialisation is one :class:`Init` in :data:`INITS` (its seeding function goes in
:mod:`.init`): the engine's name checks, the GUI's labels and choices, the command lines' choices
and the init phase's explanation all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .init import (
    farthest_point_steps,
    kmeans_plusplus_steps,
    random_seeds,
    tutorial_kmeans_plusplus_steps,
    tutorial_random_seeds,
)

__all__ = ["Init", "INITS", "INIT_NAMES"]


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
    """

    seeding: Callable
    stepwise: bool
    label: str
    explanation: str
    picked: str


def _tutorial_random_rows(X, n_clusters, sample_weight, random_state):
    return tutorial_random_seeds(X, n_clusters, random_state)  # the tutorial ignores weights


_AT_RANDOM = ("Initialisation: {k} points picked at random become the starting centroids. "
              "Next, every point joins its nearest centroid.")

#: Name -> :class:`Init`, in the order the GUI offers them.
INITS: dict[str, Init] = {
    "random": Init(random_seeds, False, "Random", _AT_RANDOM, "picked at random"),
    "k-means++": Init(
        kmeans_plusplus_steps, True, "k-means++",
        "Seed {n} of {k}: k-means++ drew candidates (dashed circles) with probability proportional to D² "
        "(darker, larger points were likelier) and kept the one that lowers the total squared distance "
        "most. Far-apart seeds make a good start.",
        "picked by k-means++"),
    "farthest": Init(
        farthest_point_steps, True, "Farthest point",
        "Seed {n} of {k} is the point farthest from all earlier seeds. Shading shows each point's squared "
        "distance D² to its nearest seed: darker and larger is farther.",
        "picked farthest point first"),
    "tutorial-random": Init(_tutorial_random_rows, False, "Tutorial: random", _AT_RANDOM, "picked at random"),
    "tutorial-k-means++": Init(
        tutorial_kmeans_plusplus_steps, True, "Tutorial: k-means++",
        "Seed {n} of {k}: drawn with probability proportional to D² (darker, larger points were likelier), "
        "the plain k-means++ of the tutorial: one draw, no candidates.",
        "picked by k-means++"),
}

#: The names ``init`` may take as a string.
INIT_NAMES = tuple(INITS)
