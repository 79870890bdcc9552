"""What every step generator's states have in common, so one GUI can play any of them.

:func:`~kmeans_gui.engine.kmeans_steps` (Lloyd), :func:`~kmeans_gui.engine.minibatch_steps`,
:func:`~kmeans_gui.engine.soft_kmeans_steps` and :func:`~kmeans_gui.engine.gmm_steps` yield
immutable states with the attributes of :class:`StepState`. A viewer that steps, rewinds, draws
centres and labels and charts the objective reads only these; what is particular to an algorithm
(a batch, a covariance) is an extra attribute it may look for.

Phases are the half-steps a learner steps through:

- ``"init"``: centres placed (per seed when the seeding is observed); nothing assigned yet.
- ``"assign"``: points were (re)assigned -- hard labels (Lloyd), responsibilities (soft k-means)
  or the E-step (Gaussian mixture). Centres are those the assignment used.
- ``"update"``: centres moved -- the mean of their points, the responsibility-weighted mean, or
  the M-step; mini-batch k-means does one ``"update"`` per batch (draw, assign, move).
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

import numpy as np

__all__ = ["PHASES", "Phase", "StepState", "membership", "uncertainty"]

Phase = Literal["init", "assign", "update"]
PHASES = ("init", "assign", "update")


@runtime_checkable
class StepState(Protocol):
    """The attributes every state has. Arrays are read-only and never change after the yield.

    Attributes
    ----------
    algorithm : str
        "lloyd", "minibatch", "soft" or "gmm" (a class attribute).
    objective_name : str
        What ``objective`` measures, for a chart's axis: "inertia", "soft inertia" or
        "log-likelihood per point" (a class attribute).
    objective_increases : bool
        True when the algorithm drives ``objective`` up (log-likelihood), False when down.
    phase : {"init", "assign", "update"}
    iteration : int
        Assignments (E-steps) done so far; batches processed for mini-batch k-means.
    centers : ndarray of shape (n_centres, n_features)
        The cluster centres (a mixture's means).
    labels : ndarray of shape (n_samples,), int32, or None
        Hard labels (the most likely cluster); None before the first assignment, or for
        mini-batch k-means unless it was asked to label every point.
    responsibilities : ndarray of shape (n_samples, n_clusters), or None
        Soft memberships (rows sum to 1); None for the hard algorithms. :func:`membership`
        turns hard labels into one-hot rows for a viewer that wants one code path.
    objective : float or None
        The number the run optimises, for the convergence chart; None when not computed.
    stop_reason : str or None
        Set on the final state only, saying why the run stopped.
    converged : bool
        On the final state: the run met its convergence test (rather than an iteration cap).
    is_final : bool
    """

    algorithm: str
    objective_name: str
    objective_increases: bool
    phase: str
    iteration: int
    centers: np.ndarray
    labels: np.ndarray | None
    responsibilities: np.ndarray | None
    objective: float | None
    stop_reason: str | None
    converged: bool

    @property
    def is_final(self) -> bool: ...


def membership(state: StepState) -> np.ndarray | None:
    """Rows of cluster memberships for any state: its responsibilities, or one-hot labels.

    Returns
    -------
    ndarray of shape (n_samples, n_clusters), float64, or None when the state has neither.
    """
    if state.responsibilities is not None:
        return state.responsibilities
    if state.labels is None:
        return None
    one_hot = np.zeros((state.labels.size, state.centers.shape[0]))
    one_hot[np.arange(state.labels.size), state.labels] = 1.0
    return one_hot


def uncertainty(state: StepState) -> np.ndarray | None:
    """How unsure each point's membership is: its entropy over the clusters, divided by log k.

    0 for a point wholly in one cluster (always, for hard labels), 1 for a point shared equally by
    all k; ``0 log 0`` counts as 0, so underflowed responsibilities give no NaN.

    Returns
    -------
    ndarray of shape (n_samples,), float64, in [0, 1], or None when the state has no memberships.
    """
    rows = membership(state)
    if rows is None:
        return None
    k = rows.shape[1]
    if k == 1:
        return np.zeros(rows.shape[0])
    safe = np.where(rows > 0, rows, 1.0)  # log(1) = 0 stands in for 0 log 0
    entropy = -np.einsum("ij,ij->i", rows, np.log(safe))
    return np.clip(entropy / np.log(k), 0.0, 1.0)
