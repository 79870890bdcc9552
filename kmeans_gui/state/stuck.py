"""Is a run stuck in a poor local minimum? Its result against the best clustering known for the data.

k-means only ever moves each centroid to the mean of its points, so a run can settle where two
groups share one centroid while another group is cut in two (the tutorial's seed 42 does). This
module finds the best clustering known for the points (a few k-means++ restarts, computed quietly),
compares the run with it, and says what went wrong in words a learner understands. Qt-free.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..engine import KMeansState, kmeans_steps, run_to_end

__all__ = ["BestKnown", "best_known", "compare_partitions", "stuck_message", "BEST_KNOWN_RESTARTS"]

#: k-means++ restarts behind "the best known clustering".
BEST_KNOWN_RESTARTS = 5
#: A run is stuck when its inertia is more than this fraction above the best known.
STUCK_MARGIN = 0.01
#: A group counts as living in a cluster when at least this share of its points is there...
_HOME_SHARE = 0.5
#: ...and as split when at least two clusters each hold this share of it.
_PIECE_SHARE = 0.2

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass(frozen=True, eq=False)
class BestKnown:
    """The lowest-inertia clustering found by ``n_restarts`` k-means++ runs.

    Attributes
    ----------
    inertia : float
    labels : ndarray of shape (n_samples,), int32
    n_restarts : int
    """

    inertia: float
    labels: np.ndarray
    n_restarts: int


def best_known(X, k: int, n_restarts: int = BEST_KNOWN_RESTARTS) -> BestKnown:
    """Best of ``n_restarts`` greedy k-means++ runs (seeds 0..n_restarts-1), warnings silenced.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k : int
    n_restarts : int

    Returns
    -------
    BestKnown
    """
    best: KMeansState | None = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # quiet: a duplicate-points warning belongs to the user's run
        for seed in range(n_restarts):
            state = run_to_end(kmeans_steps(X, k, init="k-means++", random_state=seed, tol=0))
            if best is None or state.inertia < best.inertia:
                best = state
    return BestKnown(float(best.inertia), best.labels, n_restarts)


def compare_partitions(labels, best_labels) -> tuple[list[int], list[int]]:
    """How a clustering differs from the best one, group by group.

    A "group" is a cluster of the best clustering. Returns ``(shared, split)``: for every cluster
    of ``labels`` that holds most of two or more groups, how many groups share it; for every group
    cut into pieces of at least a fifth each, into how many.

    Parameters
    ----------
    labels, best_labels : array-like of int, shape (n_samples,)
    """
    labels = np.asarray(labels, dtype=np.intp)
    best_labels = np.asarray(best_labels, dtype=np.intp)
    counts = np.zeros((labels.max() + 1, best_labels.max() + 1))
    np.add.at(counts, (labels, best_labels), 1.0)
    sizes = counts.sum(axis=0)
    share = counts[:, sizes > 0] / sizes[sizes > 0]  # share of each group in each cluster
    shared = [int(n) for n in (share >= _HOME_SHARE).sum(axis=1) if n >= 2]
    split = [int(n) for n in (share >= _PIECE_SHARE).sum(axis=0) if n >= 2]
    return shared, split


def _number(n: int) -> str:
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)


def _diagnosis(shared: list[int], split: list[int], noun: str) -> str:
    clauses = []
    for size, times in sorted(Counter(shared).items()):
        clause = f"{_number(size)} {noun}s share a centroid"
        clauses.append(clause if times == 1 else f"{clause}, in {_number(times)} places")
    for pieces, times in sorted(Counter(split).items()):
        into = "in two" if pieces == 2 else f"into {_number(pieces)}"
        clauses.append(f"one {noun} is split {into}" if times == 1
                       else f"{_number(times)} {noun}s are each split {into}")
    if not clauses:
        return f"Its clusters cut the {noun}s differently from the best clustering"
    text = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]
    return text[0].upper() + text[1:]


def stuck_message(final: KMeansState, best: BestKnown, noun: str = "group") -> str | None:
    """A few sentences saying that (and how) a finished run is stuck, or None when it is not.

    Parameters
    ----------
    final : KMeansState
        The run's final state.
    best : BestKnown
        The best clustering known for the same points and k.
    noun : str
        What to call a group of points ("blob" for blob data).
    """
    if final.labels is None or final.inertia is None or final.inertia <= best.inertia * (1 + STUCK_MARGIN):
        return None
    shared, split = compare_partitions(final.labels, best.labels)
    return (
        f"Stuck: this run ended at inertia {final.inertia:,.0f}; the best clustering of these points has "
        f"{best.inertia:,.0f} (best of {best.n_restarts} k-means++ runs). {_diagnosis(shared, split, noun)}. "
        "No further step can fix it: each centroid only moves to the mean of its own points. "
        "Try another seed, or k-means++."
    )
