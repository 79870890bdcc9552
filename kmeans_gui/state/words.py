"""Every sentence the user reads: about the Explore run (the Step button, the status line, the
explanation of the last half-step, why a run cannot start), the Choose k sweep and the Image tab.

One place for the words, so they can be read, reviewed and changed together (and translated
one day). Pure functions of plain values or of a read-only model; nothing here changes state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import STOP_TOL, KMeansState
from ..engine.metrics import find_knee
from .phases import is_final_assignment

if TYPE_CHECKING:
    from .explore import AppState

__all__ = [
    "step_label", "status_text", "final_sentence", "explanation",
    "no_run_problem", "few_distinct_points", "clusters_ended_empty", "centroid_placed", "NO_POINTS_TO_REMOVE",
    "NO_POINT_NEAR_CLICK",
    "sweep_started", "sweep_failed", "sweep_summary", "tutorial_curve_note", "tutorial_curve_name",
    "k_outside_sweep", "silhouette_needs_two", "silhouette_note",
    "could_not_open", "could_not_write", "quantize_failed", "quantized", "image_loaded",
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
    elif is_final_assignment(s):
        changed = f"{s.n_changed:,} point{'s' * (s.n_changed != 1)} changed cluster"
        text = f"{step} · Final assignment · inertia {_fmt(s.inertia)} · {changed}"
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
        if state.stuck_message():
            text += " — stuck in a poor local minimum (see What just happened?)"
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
        if init in ("random", "tutorial-random"):
            return (f"Initialisation: {k} points picked at random become the starting centroids. "
                    "Next, every point joins its nearest centroid.")
        if s.seed is not None and s.n_seeds == 1:
            return ("Initialisation: the first seed is a point picked at random. The next seed will be drawn "
                    "with probability proportional to D², the squared distance to the nearest seed.")
        if init == "tutorial-k-means++":
            return (f"Seed {s.n_seeds} of {k}: drawn with probability proportional to D² (darker, larger "
                    "points were likelier), the plain k-means++ of the tutorial: one draw, no candidates.")
        if init == "farthest":
            return (f"Seed {s.n_seeds} of {k} is the point farthest from all earlier seeds. Shading shows "
                    "each point's squared distance D² to its nearest seed: darker and larger is farther.")
        return (f"Seed {s.n_seeds} of {k}: k-means++ drew candidates (dashed circles) with probability "
                "proportional to D² (darker, larger points were likelier) and kept the one that lowers the "
                "total squared distance most. Far-apart seeds make a good start.")
    if is_final_assignment(s):
        return _final_assignment(s, state)
    if s.phase == "assign":
        first = s.iteration == 1
        text = (f"Assign: every point joined its nearest centroid ({s.n_changed:,} "
                f"{'point' if s.n_changed == 1 else 'points'} {'were assigned' if first else 'changed cluster'}). ")
        stuck = state.stuck_message() if s.is_final else None
        if s.is_final and s.n_changed == 0:
            text += "Nothing changed, so moving the centroids would change nothing either: k-means has converged."
            return text + (" " + stuck if stuck else "")
        if stuck:
            return text + stuck
        return text + _WHY_DOWN + " Next, each centroid moves to the mean of its points."
    text = ("Update: each centroid moved to the mean of its points. The mean is the spot with the smallest "
            "sum of squared distances to those points, so inertia cannot go up.")
    if s.empty_clusters:
        if state.params.empty_policy == "keep":
            text += " An empty cluster has no points to average, so its centroid stayed where it was."
        else:
            text += " An empty cluster's centroid was moved to the point farthest from its centroid."
    return text


def _final_assignment(s: KMeansState, state: "AppState") -> str:
    """The labelling pass after a tol or max_iter stop: why the run ended, and what this pass did."""
    moved = f"{s.n_changed:,} {'point' if s.n_changed == 1 else 'points'} changed cluster"
    if s.stop_reason == STOP_TOL:
        why = (f"Converged after {s.iteration} iteration{'s' * (s.iteration != 1)}: in the last update the "
               "centroids moved less than the tolerance, so k-means stopped.")
    else:
        why = (f"Stopped after {s.iteration} iteration{'s' * (s.iteration != 1)}: the run reached Max "
               "iterations before it converged (raise it to let k-means go on).")
    return (f"{why} A final assignment then gave every point its nearest final centroid ({moved}), so "
            "labels and centroids agree. The run is done.")


# ---------------------------------------------------------------------- the Choose k tab

#: A tutorial run ending at this many times the best inertia for its k is named as stuck: past
#: the true number of clusters, runs differ by a few per cent anyway, and that bends no curve.
FAR_ABOVE = 1.25

SWEEP_PROMPT = "Press Compute to fit k = 1 .. max k."
SWEEP_NO_POINTS = "No points yet: add some on the canvas or generate a dataset first."
SWEEP_COMPUTING = "Computing ..."
SWEEP_FAILED_PLOT = "The sweep failed: no silhouette plot."
SWEEP_CANCELLED = "Cancelled. Press Compute to start again."
SWEEP_CANCELLED_PLOT = "Cancelled: press Compute to see the silhouette plot."
SWEEP_DATA_CHANGED = "The data changed: press Compute for new charts."
SWEEP_PLOT_PROMPT = "Compute the sweep to see the silhouette plot."


def sweep_started(max_k: int, n_seeds: int) -> str:
    return f"Fitting k = 1..{max_k} with {n_seeds} seed(s) each ..."


def sweep_failed(message: str) -> str:
    return f"The sweep failed: {message}"


def sweep_summary(result) -> str:
    """The status line under the charts of a finished sweep (a SweepResult)."""
    parts = [result.knee.message]
    best = result.best_k("silhouette")
    if best is not None:
        parts.append(f"best silhouette at k = {best}")
    parts.append(result.silhouette_note())
    parts.extend(result.notes)
    if result.tutorial_curve is not None:
        parts.append(tutorial_curve_note(result))
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + ". Click a k on any chart to use it."


def tutorial_curve_name(seed: int) -> str:
    return f"tutorial: one random run (seed {seed})"


def tutorial_curve_note(result) -> str:
    """What the tutorial's curve shows against the best runs, e.g. which of its runs are stuck."""
    k = result.k_values
    curve = result.tutorial_curve
    stuck = k[curve >= result.best_inertia * FAR_ABOVE]
    knee = find_knee(k, curve).message.replace("elbow", "its elbow", 1)
    text = f"the tutorial's curve (one random run per k, seed {result.tutorial_seed}): {knee}"
    if stuck.size:
        ks = ", ".join(str(int(v)) for v in stuck)
        text += (f"; its run{'s' * (stuck.size > 1)} at k = {ks} {'are' if stuck.size > 1 else 'is'} stuck far "
                 "above the best of the k-means++ runs, which bends its curve")
    return text


def k_outside_sweep(k: int, first: int, last: int) -> str:
    return f"k = {k} is outside the sweep (k = {first}..{last}):\nraise max k and compute again."


def silhouette_needs_two(k: int) -> str:
    return f"k = {k}: the silhouette needs at least 2 clusters."


def silhouette_note(sampled: bool, n_used: int, n: int) -> str:
    return f"estimate on a sample of {n_used:,} of {n:,} points" if sampled else f"exact, all {n:,} points"


# ---------------------------------------------------------------------- the Image tab

NO_IMAGE = "Open an image first (or pick a built-in sample)."
NOTHING_TO_EXPORT = "Nothing to export yet: quantize an image first."
QUANTIZE_CANCELLED = "Cancelled; the previous result (if any) is still shown."
TOO_LARGE_QUESTION = "Open it downscaled? The original file is not changed."
TOO_LARGE_REFUSED = "Not opened: the image is larger than this program works on."


def could_not_open(name: str, detail) -> str:
    return f"Could not open {name}: {detail}"


def could_not_write(path, detail) -> str:
    return f"Could not write {path}: {detail}"


def quantize_failed(message: str) -> str:
    return f"Quantization failed: {message}"


def quantized(n_colors: int, psnr_text: str, seconds: float) -> str:
    return f"Quantized to {n_colors} colours: PSNR {psnr_text}, {seconds:.2f} s"


def image_loaded(name: str, width: int, height: int) -> str:
    return f"Loaded {name} ({width} × {height})"
