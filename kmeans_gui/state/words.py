"""Every sentence the user reads: about the Explore run (the Step button, the status line, the
explanation of the last half-step, why a run cannot start), the Choose k sweep and the Image tab.

One place for the words, so they can be read, reviewed and changed together (and translated
one day). Pure functions of plain values or of a read-only model; nothing here changes state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..engine import STOP_TOL, KMeansState
from ..engine.inits import INITS
from ..engine.metrics import find_knee
from .params import ALGORITHM_LABELS, COVARIANCE_LABELS, INIT_LABELS
from .phases import is_final_assignment

if TYPE_CHECKING:
    from .explore import AppState

__all__ = [
    "step_label", "status_text", "final_sentence", "explanation", "init_not_offered", "chart_title",
    "chart_axes", "COMPARE_TITLE", "compare_progress", "compare_summary",
    "no_run_problem", "few_distinct_points", "clusters_ended_empty", "centroid_placed", "NO_POINTS_TO_REMOVE",
    "NO_POINT_NEAR_CLICK",
    "sweep_started", "sweep_init_fallback", "bic_chart_title", "GAP_REFERENCE_LABELS", "gap_chart_title", "gap_marker", "sweep_failed", "sweep_summary", "tutorial_curve_note", "tutorial_curve_name",
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
    variant = _VARIANT_STEP_LABELS.get(next_state.algorithm)
    if variant is not None:
        return variant.get(next_state.phase, "Step")
    if next_state.phase == "init":
        return f"Pick seed {next_state.n_seeds} of {k}" if next_state.n_seeds < k else "Pick last seed"
    return "Assign points" if next_state.phase == "assign" else "Move centroids"


def _fmt(x: float) -> str:
    return f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


REGIONS_TIP = "Colour the plane by its nearest centroid (V)"


def regions_not_drawn(algorithm: str) -> str:
    """Why the View menu's regions toggle is disabled for a soft algorithm."""
    return (f"Regions are not drawn for {ALGORITHM_LABELS.get(algorithm, algorithm)}:\neach point belongs to every "
            "cluster in part, so there is no nearest-centroid border.\nChoose Lloyd or mini-batch to see them.")


#: While a big run's first states are computed on the worker (``AppState.starting``).
RUN_STARTING = "Computing the first steps on a worker…"


def status_text(state: "AppState") -> str:
    """One line for the status bar: phase, iteration, inertia, changes; the stop reason at the end."""
    s = state.current
    if s is None:
        return state.error or (RUN_STARTING if state.starting else "")
    k = state.params.k
    step = f"Step {state.cursor + 1}" + ("" if not state.complete else f" of {state.n_states}")
    if s.algorithm != "lloyd":
        text = f"{step} · {_variant_status(s)}"
        if s.is_final:
            text += " — " + final_sentence(s)
        if state.warning:
            text += f" — note: {state.warning}"
        return text
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
    what = (f"batch{'es' * (n != 1)}" if s.algorithm == "minibatch" else f"iteration{'s' * (n != 1)}")
    if s.converged:
        return f"Converged after {n} {what}: {s.stop_reason}"
    return f"Stopped after {n} {what}: {s.stop_reason} (not converged)"


# ---------------------------------------------------------------------- what just happened


_WHY_DOWN = ("Inertia cannot go up: each point now sits with its nearest centroid, so no "
             "point's squared distance grew.")


def explanation(state: "AppState") -> str:
    """Plain-language text for the state's current half-step (HTML-free)."""
    s: KMeansState | None = state.current
    k = state.params.k
    if s is None:
        if state.starting:
            return f"{RUN_STARTING} The canvas shows the first state as soon as it is ready."
        return state.error or "Choose a dataset and press Generate, or click on the canvas to add points."
    if s.algorithm != "lloyd":
        return _VARIANT_EXPLANATIONS[s.algorithm](s, state)
    init = state.params.init
    if s.phase == "init":
        if init == "manual":
            return ("You placed the starting centroids. Drag them to try another start, then press Step: "
                    "every point will join its nearest centroid.")
        if s.seed is not None and s.n_seeds == 1:
            return ("Initialisation: the first seed is a point picked at random. The next seed will be drawn "
                    "with probability proportional to D², the squared distance to the nearest seed.")
        return INITS[init].explanation.format(k=k, n=s.n_seeds)
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


# ---------------------------------------------------------------------- the variants

_ALGORITHM_NAMES = {"lloyd": "Lloyd's k-means", "minibatch": "mini-batch k-means", "soft": "soft k-means",
                    "gmm": "the Gaussian mixture"}

_VARIANT_STEP_LABELS = {
    "minibatch": {"update": "Next batch"},
    "soft": {"assign": "Share points", "update": "Move centroids"},
    "gmm": {"assign": "E-step", "update": "M-step"},
}


def init_not_offered(init_label: str, algorithm: str) -> str:
    return (f"'{init_label}' is not offered for {_ALGORITHM_NAMES[algorithm]}, so the initialisation is now "
            "k-means++.")


def chart_title(objective_name: str, algorithm: str) -> str:
    """The convergence chart's title, e.g. "Log-likelihood per point, per iteration"."""
    return f"{objective_name[0].upper()}{objective_name[1:]} per {'batch' if algorithm == 'minibatch' else 'iteration'}"


def chart_axes(objective_name: str, algorithm: str) -> tuple[str, str]:
    """(x label, y label) of the convergence chart."""
    return ("batch" if algorithm == "minibatch" else "iteration"), objective_name


def _measure(s) -> str:
    """" · inertia 1,234" for a state with an objective, "" for one without (soft k-means' start)."""
    return "" if s.objective is None else f" · {s.objective_name} {_fmt(float(s.objective))}"


def _variant_status(s) -> str:
    """The status line's middle for mini-batch, soft k-means and the mixture."""
    if s.algorithm == "minibatch":
        if s.phase == "init":
            return f"Initialisation{_measure(s)}"
        return (f"Batch {s.iteration} · {s.batch.size:,} point{'s' * (s.batch.size != 1)}{_measure(s)} · "
                f"largest move {_fmt(float(s.center_shift.max()))}")
    if s.phase == "init":
        return f"Initialisation{_measure(s)}"
    if is_final_assignment(s):
        what = "Final E-step" if s.algorithm == "gmm" else "Final soft assignment"
        return f"{what}{_measure(s)}"
    if s.algorithm == "gmm":
        half = "E-step" if s.phase == "assign" else "M-step"
    else:
        half = f"Soft assign (β = {s.beta:.3g})" if s.phase == "assign" else "Move centroids"
    return f"Iteration {s.iteration} · {half}{_measure(s)}"


def _init_words(state: "AppState") -> str:
    init = state.params.init
    k = state.params.k
    if init == "manual":
        return f"You placed the {k} starting centroids"
    return f"{k} starting centroids were {INITS[init].picked}"


def _final_words(s) -> str:
    return final_sentence(s) + "."


def _explain_minibatch(s, state: "AppState") -> str:
    n = state.n_points
    b = min(state.params.batch_size, n)
    if s.phase == "init":
        return (f"Initialisation: {_init_words(state)} (on a random sample). Mini-batch k-means now looks at only "
                f"{b:,} random points per step instead of all {n:,}: cheap, noisy steps.")
    drawn = "1 random point (ringed) joined its nearest centroid" if s.batch.size == 1 else (
        f"{s.batch.size:,} random points (ringed) joined their nearest centroids")
    text = (f"Batch {s.iteration}: {drawn}, and each "
            "centroid moved towards its new points with learning rate 1/count, count being the points it has "
            "absorbed so far (Sculley 2010, as scikit-learn's MiniBatchKMeans). As counts grow the steps shrink, so "
            "the centroids settle despite noisy batches; inertia (on all points) may rise a little.")
    return text + (" " + _final_words(s) if s.is_final else "")


def _explain_soft(s, state: "AppState") -> str:
    beta = s.beta
    if s.phase == "init":
        return (f"Initialisation: {_init_words(state)}. Next, every point is shared among all centroids "
                f"in proportion to exp(−β·d²), β = {beta:.3g}.")
    if s.phase == "assign":
        variance = "infinite" if beta == 0 else f"{1 / (2 * beta):.3g}"
        text = (f"Soft assign: each point is shared among all centroids in proportion to exp(−β·d²) (β = {beta:.3g}), "
                "shares summing to 1; its colour mixes theirs (paler: less sure). As β grows this becomes k-means' "
                "hard assignment; at β = 0 all share equally. It is a Gaussian mixture's E-step with equal weights "
                f"and one spherical variance 1/(2β) = {variance}.")
        return text + (" " + _final_words(s) if s.is_final else "")
    return ("Update: each centroid moved to the responsibility-weighted mean of all points: every point pulls "
            "on every centroid in proportion to its share. That mean minimises the soft inertia for these "
            "shares, so it cannot go up.")


_COVARIANCE_WORDS = {"full": "full (any ellipse)", "diag": "diagonal (axis-aligned ellipses)",
                     "spherical": "spherical (circles)", "tied": "tied (one shared ellipse)"}


def _explain_gmm(s, state: "AppState") -> str:
    if s.phase == "init":
        return (f"Initialisation: {_init_words(state)} as means; each component starts with the covariance of "
                "the points nearest its mean and a weight equal to their share. Ellipses show 1 and 2 standard "
                "deviations of each Gaussian.")
    if s.phase == "assign":
        text = ("E-step: each point's responsibilities are the components' posterior probabilities (weight × "
                "Gaussian density, normalised), so a point near a wide or heavy component leans to it even when "
                f"another mean is closer. Log-likelihood per point: {_fmt(s.objective)}.")
        return text + (" " + _final_words(s) if s.is_final else "")
    text = (f"M-step: each component's weight, mean and {_COVARIANCE_WORDS[s.covariance_type]} covariance were "
            "refitted from all points weighted by their responsibilities. EM never lowers the log-likelihood "
            f"(now {_fmt(s.objective)} per point).")
    return text + (" " + s.message if s.message else "")


_VARIANT_EXPLANATIONS = {"minibatch": _explain_minibatch, "soft": _explain_soft, "gmm": _explain_gmm}


# ---------------------------------------------------------------------- mini-batch against Lloyd

COMPARE_TITLE = "Mini-batch against Lloyd"
COMPARE_PROMPT = "Press Compute to run Lloyd and mini-batch (batches 50, 256, 1024) from the same start."
COMPARE_CANCELLED = "Cancelled. Press Compute to start again."
COMPARE_NEEDS_POINTS = "No run: the comparison needs at least k points."
COMPARE_DATA_CHANGED = "The data or k changed since these curves: press Compute for new ones."


def compare_progress(fraction: float, what: str) -> str:
    return f"Computing {what} · {fraction:.0%}"


#: "Close" in the comparison's summary: within this fraction of Lloyd's final inertia.
CLOSE = 0.01


def _seconds(t: float) -> str:
    return f"{t * 1000:.3g} ms" if t < 1 else f"{t:.3g} s"


def compare_summary(curves) -> str:
    """What a finished comparison shows (a list of ConvergenceCurve, Lloyd first): when each run
    came within 1% of Lloyd's final inertia, and how far above it each ended."""
    lloyd = curves[0]
    target = lloyd.final_inertia * (1 + CLOSE)
    parts = []
    for c in curves:
        close = np.flatnonzero(c.inertia <= target)
        when = f"within 1% after {_seconds(float(c.seconds[close[0]]))}" if close.size else "never within 1%"
        if c is lloyd:
            parts.append(f"Lloyd: {when}, ending at {_fmt(lloyd.final_inertia)} after {_seconds(float(c.seconds[-1]))}")
        else:
            gap = c.final_inertia / lloyd.final_inertia - 1 if lloyd.final_inertia > 0 else 0.0
            parts.append(f"{c.label}: {when}, ending {gap:+.3%}")
    return "; ".join(parts) + " (inertia on all points, from the same start)."


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


def sweep_init_fallback(algorithm: str, init: str) -> str:
    """Why the sweep uses k-means++ and not the side panel's initialisation."""
    if algorithm == "gmm":
        return ("Sweep uses Lloyd's k-means with k-means++ for the k-means criteria; the BIC chart fits the "
                "side panel's Gaussian mixture per k and seed, by EM from the same k-means++ seeds.")
    if algorithm != "lloyd":
        why = f"the side panel's algorithm ({ALGORITHM_LABELS.get(algorithm, algorithm)}) is not swept"
    else:
        why = f"the side panel's initialisation ({INIT_LABELS.get(init, init)}) cannot be repeated per k"
    return f"Sweep uses Lloyd's k-means with k-means++: {why}."


def bic_chart_title(covariance: str) -> str:
    return f"Gaussian mixture's BIC, {COVARIANCE_LABELS.get(covariance, covariance).lower()} covariance (+- sd)"


#: The gap statistic's reference data, by ``gap_reference`` value.
GAP_REFERENCE_LABELS = {"box": "bounding box", "pca": "PCA box"}


def gap_chart_title(reference: str) -> str:
    # Short: the chart's title has a third of the window's width.
    return f"Gap statistic (+- s_k), {'PCA-box' if reference == 'pca' else 'box'} reference"


def gap_marker(k: int) -> str:
    return f"gap rule: k = {k}"


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
    return f"tutorial (seed {seed})"


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


#: The first image after installing compiles the colour kernels (Numba caches them for later starts).
PREPARING_COLOUR_KERNELS = ("compiling the colour kernels: the first time only, up to half a minute; "
                            "later starts take a second")


def too_many_locked(n_locked: int, k: int) -> str:
    return (f"Cannot lock {n_locked} colours at k = {k}: at least one colour must stay free. "
            "Raise k or unlock a colour first.")


def locked_changed(hex_colour: str, locked: bool, n_locked: int) -> str:
    if locked:
        return f"Locked {hex_colour}: re-quantizing keeps it ({n_locked} locked). Click it again to unlock."
    return f"Unlocked {hex_colour} ({n_locked} locked)."


LOCKED_IGNORED_BY_TARGET = "Locked colours apply when k is set by hand; the quality target ignores them."


def target_outcome(search) -> str:
    if search.reached:
        return f"{search.target}: reached with k = {search.k} ({len(search.tried)} values of k tried)."
    return f"{search.target}: not reached; k = {search.k} comes closest."


# ---------------------------------------------------------------------- the lab: failures and restarts

#: Why k-means fails on each failure case: it minimises squared distances to means, so it draws
#: convex, roughly equal-sized, round cells.
WHY_KMEANS_FAILS = {
    "moons": "k-means minimises squared distances to two means, so its border is a straight line; "
             "no straight line separates two interlocking half-circles.",
    "circles": "Both rings have their mean at the centre, and k-means' cells are convex: it can only "
               "cut the picture in two halves, each holding part of both rings.",
    "anisotropic": "k-means measures plain distance in every direction alike, so it wants round "
                   "clusters; along these long, thin streaks a point is nearer the neighbouring "
                   "streak's mean than the far end of its own.",
    "unequal-variance": "k-means puts every border halfway between two means, whatever the spread: "
                        "the wide cloud loses its outer points to its tight neighbours.",
    "unequal-sizes": "Splitting the big cloud in two lowers the squared distances more than keeping "
                     "the two small clouds apart, so k-means does that.",
    "wrong-k-2": "Asked for 2 clusters, k-means returns 2: it cannot say that the data has 3; two "
                 "of the blobs must share a cell.",
    "wrong-k-5": "Asked for 5, k-means returns 5, cutting real blobs into pieces; the inertia "
                 "still goes down, so it gives no sign that k is too large.",
    "unlucky-start": "From an unlucky random start, two seeds land in one blob and none in another; "
                     "Lloyd's steps only go downhill, so the run stays in this worse minimum, with "
                     "two blobs merged and one split.",
    "your-data": "The Explore data, with Explore's k.",
}

#: Why the remedy works on each case.
WHY_REMEDY_WORKS = {
    "moons": "Spectral clustering and single linkage follow chains of near neighbours along each "
             "moon, and DBSCAN grows clusters through dense regions, so shape does not matter.",
    "circles": "Each ring is one connected chain of close points, and the gap between the rings "
               "breaks the chain: spectral clustering and single linkage see two pieces.",
    "anisotropic": "A Gaussian mixture with full covariance learns each cluster's own elongated, "
                   "tilted shape, and measures distance along it.",
    "unequal-variance": "A Gaussian mixture gives each cluster its own spread, so the border moves "
                        "towards the tight cluster.",
    "unequal-sizes": "A Gaussian mixture weighs each cluster by its share of the points, so a small "
                     "cloud can keep its own component.",
    "wrong-k-2": "Choose k from the data (the Choose k tab's silhouette and gap); DBSCAN needs no k "
                 "and finds the three blobs itself.",
    "wrong-k-5": "Choose k from the data (the Choose k tab); DBSCAN needs no k, and single linkage "
                 "leaves the extra clusters as a few stray points.",
    "unlucky-start": "k-means++ spreads its seeds apart, and several restarts (n_init) keep the "
                     "best run: see the Restarts tab. The other methods do not depend on this start.",
    "your-data": "Scored against the data's own groups when it has them; otherwise by silhouette, "
                 "which rewards round, well-separated clusters and so favours k-means' own answer.",
}

LAB_SCORE_EXPLAINED = ("ARI: adjusted Rand index against the true groups (1 = the same grouping, about 0 = "
                       "no better than chance); the time is the method's fit. DBSCAN's eps is read off the "
                       "knee of the sorted distances to each point's 8th nearest neighbour; its noise "
                       "(grey) counts as one group.")
FAILURES_PROMPT = "Press Compute to run every method on every case. Click a cell to open its case in Explore."
FAILURES_CANCELLED = "Cancelled: the cells computed so far stay. Press Compute to start again."
RESTARTS_PROMPT = ("Press Compute to run k-means from many seeds of each initialisation on the Explore data. "
                   "Click a bar or a run to replay it in Explore.")
RESTARTS_CANCELLED = "Cancelled. Press Compute to start again."
RESTARTS_NO_POINTS = "No points in Explore: generate a dataset or draw some points first."
RESTARTS_DATA_CHANGED = "The Explore data or parameters changed: press Compute for new restarts."


def case_sentences(key: str) -> str:
    """Why k-means fails on case ``key`` and why the remedy works, as one paragraph."""
    return " ".join(p for p in (WHY_KMEANS_FAILS.get(key, ""), WHY_REMEDY_WORKS.get(key, "")) if p)


def failures_started(n: int, seed: int, n_cells: int) -> str:
    return f"Computing {n_cells} cells, {n:,} points per case, seed {seed} ..."


def failures_done(n_cells: int, seconds: float) -> str:
    return (f"{n_cells} cells in {seconds:.1f} s. Click a cell to open its case in Explore "
            "(k-means at the same seed, ready to step).")


def lab_failed(message: str) -> str:
    return f"The lab failed: {message}"


def case_opened(title: str, n: int, k: int, init: str, seed: int, method_label: str, score_text: str) -> str:
    return (f"Opened “{title}” ({n:,} points) in Explore: k = {k}, {init}, seed {seed}, ready to step. "
            f"{method_label} scored {score_text} on it in the lab.")


def restarts_started(n_seeds: int, n_inits: int, n: int, k: int) -> str:
    return f"Running {n_seeds} seeds x {n_inits} initialisations on {n:,} points, k = {k} ..."


def restarts_summary(result, seconds: float) -> str:
    shares = ", ".join(f"{init} {result.share_near_best(init):.0%}" for init in result.inits)
    return (f"{result.n_seeds} seeds per initialisation in {seconds:.1f} s. Within 1% of the best inertia "
            f"({result.best_inertia:,.4g}): {shares}.")


def run_opened(init: str, seed: int, inertia: float, n_iter: int, same_bar: int = 1) -> str:
    others = f" ({same_bar - 1} more runs share its bar)" if same_bar > 1 else ""
    return (f"Seed {seed} of {init} opened in Explore{others}: run it to the end to reach inertia "
            f"{inertia:,.6g} after {n_iter} iterations.")


__all__ += [
    "WHY_KMEANS_FAILS", "WHY_REMEDY_WORKS", "LAB_SCORE_EXPLAINED", "case_sentences", "failures_started",
    "failures_done", "lab_failed", "case_opened", "restarts_started", "restarts_summary", "run_opened",
]
