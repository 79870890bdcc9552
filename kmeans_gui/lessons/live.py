"""What the code panel shows for the app's current half-step: the line that did it and the live
values of the scratch code's variables. Qt-free.

The values are computed from the engine's state (the tests prove the scratch code and the engine
agree at every half-step, so these are the values the scratch code would hold), without running
the scratch code's ``(n, k, d)`` broadcast on a million points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.inits import draws_at_random

__all__ = ["LiveView", "live_view", "variant_view", "FIRST_LABELS", "VARIANT_CODES"]

#: How many labels the panel lists.
FIRST_LABELS = 10
#: At most this many centroid rows are listed.
_MAX_ROWS = 8


@dataclass(frozen=True)
class LiveView:
    """The code panel's content for one state.

    Attributes
    ----------
    phase : str
        The :class:`~.scratch_kmeans.ScratchCode` phase whose line to highlight ("init",
        "init-given", "assign", "update", "converged").
    variables : tuple of (str, str)
        (left side, value) pairs in display order, such as ("distances.shape", "(600, 4)").
    note : str
        One sentence on what the highlighted line just did.
    """

    phase: str
    variables: tuple
    note: str


def _array(a: np.ndarray) -> str:
    a = np.asarray(a)
    shown = a[:_MAX_ROWS]
    text = np.array2string(shown, precision=2, suppress_small=True, separator=", ", max_line_width=60)
    if a.shape[0] > _MAX_ROWS:
        text = text[:-1] + f",\n ... {a.shape[0] - _MAX_ROWS} more]"
    return text


def _labels(labels: np.ndarray) -> str:
    first = ", ".join(str(int(v)) for v in labels[:FIRST_LABELS])
    return f"[{first}, ...]" if labels.shape[0] > FIRST_LABELS else f"[{first}]"


def live_view(state, n_points: int, init: str = "random", empty_policy: str = "keep") -> LiveView:
    """The panel's content for a :class:`~kmeans_gui.engine.KMeansState`.

    Parameters
    ----------
    state : KMeansState
    n_points : int
        Rows of X (the distances' first dimension).
    init : str
        The run's initialisation: "random" (the scratch code's own draw) or another name
        (k-means++, farthest, placed...: the scratch code is handed those centroids).
    empty_policy : {"keep", "farthest"}
        The run's; the scratch code keeps an empty cluster's centroid, and the note says when
        the app did otherwise.
    """
    k = state.centers.shape[0]
    if state.phase == "init":
        own = draws_at_random(init)
        phase = "init" if own else "init-given"
        note = ("k distinct points drawn at random become the starting centroids." if own else
                f"{init} has chosen {k} starting centroid{'s' if k > 1 else ''} so far."
                if state.seed is not None else f"The starting centroids come from {init}.")
        return LiveView(phase, (("X.shape", f"({n_points}, {state.centers.shape[1]})"), ("k", str(k)),
                                ("centroids", _array(state.centers))), note)
    variables = [("iteration", str(state.iteration))]
    if state.phase == "assign":
        variables += [("distances.shape", f"({n_points}, {k})"), ("labels", _labels(state.labels)),
                      ("moved", str(state.n_changed)), ("centroids", _array(state.centers))]
        if state.stop_reason is not None:
            return LiveView("converged", tuple(variables), f"Done: {state.stop_reason}.")
        return LiveView("assign", tuple(variables),
                        f"Every point joined its nearest centroid; {state.n_changed} changed cluster.")
    shift = float(np.sum(np.asarray(state.center_shift) ** 2))
    variables += [("labels", _labels(state.labels)), ("centroids", _array(state.centers)),
                  ("shift", f"{shift:.4g}")]
    empty = ""
    if state.empty_clusters:
        which = ", ".join(map(str, state.empty_clusters))
        empty = (f" Cluster {which} was empty: its centroid stayed put." if empty_policy == "keep" else
                 f" Cluster {which} was empty: the app moved its centroid to the point farthest from "
                 "its own (the code above would leave it where it was).")
    return LiveView("update", tuple(variables), "Every centroid moved to the mean of its points." + empty)


#: Explore's algorithm (Params.algorithm) -> the scratch code that the canvas then steps.
VARIANT_CODES = {"minibatch": "minibatch_kmeans", "soft": "soft_kmeans", "gmm": "gmm"}

_VARIANT_NOTES = {
    "init": "The starting centres.",
    "assign": "Every point got its share of every cluster (the rows of responsibilities sum to 1).",
    "update": "Every centre moved to the responsibility-weighted mean of all the points.",
}
_MINIBATCH_NOTES = {
    "init": "The starting centroids, seeded on a sample of the points.",
    "update": "One batch: each centroid moved toward its batch points by 1 / (points it has absorbed).",
}


def variant_view(state, n_points: int, code_name: str, phases) -> LiveView:
    """The panel's content for a variant's state (engine/protocol.py: soft k-means, the Gaussian
    mixture, mini-batch k-means) beside its scratch code ``code_name``.

    ``phases`` are the phases the code has a line for; a phase it lacks highlights nothing.
    """
    phase = state.phase
    if state.is_final and "converged" in phases and phase == "assign":
        phase = "converged"
    variables = [("iteration", str(state.iteration))]
    responsibilities = getattr(state, "responsibilities", None)
    if responsibilities is not None and code_name != "minibatch_kmeans":
        k = responsibilities.shape[1]
        variables += [("responsibilities.shape", f"({n_points}, {k})"),
                      ("responsibilities[:3]", _array(np.asarray(responsibilities)[:3]))]
    if getattr(state, "labels", None) is not None:
        variables.append(("labels", _labels(state.labels)))
    name = "means" if code_name == "gmm" else "centroids"
    variables.append((name, _array(state.centers)))
    notes = _MINIBATCH_NOTES if code_name == "minibatch_kmeans" else _VARIANT_NOTES
    note = (f"Done: {state.stop_reason}." if state.is_final and state.stop_reason
            else notes.get(state.phase, ""))
    if code_name == "gmm" and state.phase == "update":
        note = "M-step: weights, means and covariances refitted from the responsibilities."
    return LiveView(phase if phase in phases else "", tuple(variables), note)
