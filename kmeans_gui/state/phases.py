"""Where a half-step sits in its run: the final assignment after a tol or max_iter stop, and the
position of a state on the iteration axis. Pure functions of a KMeansState, read by the
explore model, its words and its chart."""

from __future__ import annotations

from ..engine import STOP_NO_CHANGE, KMeansState

__all__ = ["is_final_assignment", "chart_position"]


def is_final_assignment(s: KMeansState) -> bool:
    """True for the labelling pass after a tol or max_iter stop.

    The run stopped after an update; this one more assignment makes the labels match the final
    centres. It is not another iteration (``s.iteration`` stays that of the last update), so the
    words and the chart must not present it as iteration ``s.iteration``'s assignment.
    """
    return s.is_final and s.phase == "assign" and s.stop_reason != STOP_NO_CHANGE


def chart_position(s: KMeansState) -> float:
    """Where a state sits on the iteration axis: assignments at whole numbers, updates half a
    step later, the final assignment after a tol or max_iter stop at its iteration's update (it
    closes that iteration rather than starting another, so the chart ends at the iteration count
    the final sentence gives, never one past it). Mini-batch k-means has no
    separate assignment (each step draws, assigns and moves), so its steps sit at whole numbers."""
    if s.algorithm == "minibatch":
        return float(s.iteration)
    if s.phase == "update" or is_final_assignment(s):
        return s.iteration + 0.5
    return float(s.iteration)
