"""Every sentence the user reads about the Explore run: the Step button, the status line, the
explanation of the last half-step, and why a run cannot start.

One place for the words, so they can be read, reviewed and changed together (and translated
one day). Pure functions of plain values or of a read-only model; nothing here changes state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import KMeansState

if TYPE_CHECKING:
    from .explore import AppState

__all__ = [
    "step_label", "status_text", "final_sentence", "explanation",
    "no_run_problem", "few_distinct_points", "clusters_ended_empty", "centroid_placed", "NO_POINTS_TO_REMOVE",
    "NO_POINT_NEAR_CLICK",
]


# ---------------------------------------------------------------------- why there is no run


def no_run_problem(n: int, k: int, needs_centers: int, placed: int) -> str | None:
    """Why no run can start with ``n`` points and ``k`` clusters; None when it can."""
    if n == 0:
        return "No points yet: click on the canvas to add some, or choose a dataset and press Generate."
    if k > n:
        return f"k = {k} but there {'is' if n == 1 else 'are'} only {n} point{'s' * (n != 1)}: add points or lower k."
    if needs_centers:
        return f"Click on the canvas to place centroid {placed + 1} of {k}."
    return None


def few_distinct_points(distinct: int, k: int) -> str:
    return (f"only {distinct} distinct point{'s' * (distinct != 1)} for k = {k}: "
            "some centroids will share a spot or stay empty; lower k")


def clusters_ended_empty(n_empty: int | None, empty_policy: str) -> str:
    what = f"{n_empty} cluster{'s' * (n_empty != 1)}" if n_empty else "some clusters"
    if empty_policy == "keep":
        return (f"{what} ended empty: empty clusters are kept in place, so their centroids own no points; "
                "try another start or the 'Move to farthest point' policy")
    return f"{what} ended empty; try another seed or lower k"


# ---------------------------------------------------------------------- canvas edits


def centroid_placed(left: int) -> str:
    return f"Centroid placed; {left} more to place." if left else "All centroids placed: press Step or Play."


NO_POINTS_TO_REMOVE = "No points to remove."
NO_POINT_NEAR_CLICK = "No point near the click to remove."


# ---------------------------------------------------------------------- the run, step by step


def step_label(next_state: KMeansState | None, k: int) -> str:
    """What the Step button says: what the next half-step will do."""
    if next_state is None:
        return "Done"
    if next_state.phase == "init":
        return f"Pick seed {next_state.n_seeds} of {k}" if next_state.n_seeds < k else "Pick last seed"
    return "Assign points" if next_state.phase == "assign" else "Move centroids"


def _fmt(x: float) -> str:
    return f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


def status_text(state: "AppState") -> str:
    """One line for the status bar: phase, iteration, inertia, changes; the stop reason at the end."""
    s = state.current
    if s is None:
        return state.error or ""
    k = state.params.k
    step = f"Step {state.cursor + 1}" + ("" if not state.complete else f" of {state.n_states}")
    if s.phase == "init":
        text = f"{step} · Initialisation · {s.n_seeds} of {k} seeds chosen"
    elif s.phase == "assign":
        changed = f"{s.n_changed:,} point{'s' * (s.n_changed != 1)}"
        changed += " assigned" if s.iteration == 1 else " changed cluster"
        text = f"{step} · Iteration {s.iteration} · Assign · inertia {_fmt(s.inertia)} · {changed}"
    else:
        text = f"{step} · Iteration {s.iteration} · Move centroids · inertia {_fmt(s.inertia)} · largest move {_fmt(float(s.center_shift.max()))}"
        if s.empty_clusters:
            text += f" · empty cluster(s) {', '.join(str(j + 1) for j in s.empty_clusters)} handled"
    if s.is_final:
        text += " — " + final_sentence(s)
    if state.warning:
        text += f" — note: {state.warning}"
    return text


def final_sentence(s: KMeansState) -> str:
    """E.g. "Converged after 7 iterations: no point changed cluster"."""
    n = s.iteration
    plural = "s" if n != 1 else ""
    if s.converged:
        return f"Converged after {n} iteration{plural}: {s.stop_reason}"
    return f"Stopped after {n} iteration{plural}: {s.stop_reason} (not converged)"


# ---------------------------------------------------------------------- what just happened


_WHY_DOWN = ("Inertia cannot go up: each point now sits with its nearest centroid, so no "
             "point's squared distance grew.")


def explanation(state: "AppState") -> str:
    """Plain-language text for the state's current half-step (HTML-free)."""
    s: KMeansState | None = state.current
    k = state.params.k
    if s is None:
        return state.error or "Choose a dataset and press Generate, or click on the canvas to add points."
    init = state.params.init
    if s.phase == "init":
        if init == "manual":
            return ("You placed the starting centroids. Drag them to try another start, then press Step: "
                    "every point will join its nearest centroid.")
        if init == "random":
            return (f"Initialisation: {k} points picked at random become the starting centroids. "
                    "Next, every point joins its nearest centroid.")
        if s.seed is not None and s.seed.sq_dist is None:
            return ("Initialisation: the first seed is a point picked at random. The next seed will be drawn "
                    "with probability proportional to D², the squared distance to the nearest seed.")
        if init == "farthest":
            return (f"Seed {s.n_seeds} of {k} is the point farthest from all earlier seeds. Shading shows "
                    "each point's squared distance D² to its nearest seed: darker and larger is farther.")
        return (f"Seed {s.n_seeds} of {k}: k-means++ drew candidates (dashed circles) with probability "
                "proportional to D² (darker, larger points were likelier) and kept the one that lowers the "
                "total squared distance most. Far-apart seeds make a good start.")
    if s.phase == "assign":
        first = s.iteration == 1
        text = (f"Assign: every point joined its nearest centroid ({s.n_changed:,} "
                f"{'point' if s.n_changed == 1 else 'points'} {'were assigned' if first else 'changed cluster'}). ")
        if s.is_final and s.n_changed == 0:
            return text + "Nothing changed, so moving the centroids would change nothing either: k-means has converged."
        return text + _WHY_DOWN + " Next, each centroid moves to the mean of its points."
    text = ("Update: each centroid moved to the mean of its points. The mean is the spot with the smallest "
            "sum of squared distances to those points, so inertia cannot go up.")
    if s.empty_clusters:
        if state.params.empty_policy == "keep":
            text += " An empty cluster has no points to average, so its centroid stayed where it was."
        else:
            text += " An empty cluster's centroid was moved to the point farthest from its centroid."
    return text
