"""The checks a lesson can end with: each a small function of the app's facts. Qt-free.

The window gathers :class:`Facts` from its models (what the user has set and run); a check
answers :data:`PASSED` with praise, :data:`NOT_YET` with a hint, or :data:`UNAVAILABLE` when the
app it runs in lacks a feature the check needs (a window without the failures lab): said plainly,
never faked. The vocabulary is :data:`CHECKS`; the README ("Lessons") documents each.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..engine.inits import draws_at_random
from ..lab.cases import CASE_KEYS
from ..lab.methods import METHOD_KEYS
from .format import _integer, _number, _one_of

__all__ = ["Facts", "ImageFigures", "Verdict", "CHECKS", "evaluate", "PASSED", "NOT_YET", "UNAVAILABLE"]

PASSED, NOT_YET, UNAVAILABLE = "passed", "not yet", "not available yet"
FEATURES = ("explore", "choose-k", "image", "lab", "soft")


@dataclass(frozen=True)
class ImageFigures:
    """One quantization the user ran on the Image tab."""

    method: str
    k: int
    mse: float
    psnr: float
    seconds: float


@dataclass
class Facts:
    """What the app shows now, as plain values (the window builds it from its models).

    Attributes
    ----------
    available : frozenset of str
        Features this app has (from :data:`FEATURES`).
    dataset : str or None
    points : ndarray of shape (n_samples, 2) or None
    k, seed : int or None
    init : str or None
    final : KMeansState or None
        The Explore run's final state, once the user has stepped (or run) to it; None before.
    true_k : int or None
        The number of groups the data were made with, when known.
    image_latest : ImageFigures or None
        The Image tab's latest result; ``image_runs`` holds the latest per method, same image.
    lab_scores : dict or None
        Case -> {method -> adjusted Rand index against the true groups}: the cells the failures
        lab has computed.
    algorithm : str or None
        The Explore run's algorithm (Params.algorithm: "lloyd", "minibatch", "soft", "gmm").
    beta : float or None
        Soft k-means' inverse temperature, when the Explore run is soft k-means.
    responsibilities : ndarray of shape (n_samples, k) or None
        The soft k-means state on show's responsibilities (None before the first E-step).
    run_settings : dict
        The Explore run's init, max_iter and tol, so a check can rerun it at another beta.
    """

    available: frozenset = frozenset()
    dataset: str | None = None
    points: np.ndarray | None = None
    k: int | None = None
    seed: int | None = None
    init: str | None = None
    final: object = None
    true_k: int | None = None
    image_latest: ImageFigures | None = None
    image_runs: dict = field(default_factory=dict)
    lab_scores: dict | None = None
    algorithm: str | None = None
    beta: float | None = None
    responsibilities: np.ndarray | None = None
    run_settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == PASSED


@dataclass(frozen=True)
class CheckKind:
    """A check in the vocabulary: its function, the feature it needs, and its parameters."""

    name: str
    function: Callable
    needs: str
    params: dict
    required: tuple = ()
    what: str = ""


# --- the checks. Each returns (passed, a sentence with the figures). ---

_STOP_WORDS = {
    "no point changed cluster": "no point changed cluster any more",
    "centres moved less than tol": "the centroids barely moved any more",
    "successive centres are allclose": "the centroids barely moved any more",
    "max_iter reached": "it reached the iteration limit",
}


def _run_converged(facts: Facts):
    if facts.final is None:
        return False, "The run has not converged yet: keep pressing Step (or Run to end)."
    why = _STOP_WORDS.get(facts.final.stop_reason, facts.final.stop_reason)
    return True, f"It stopped after {facts.final.iteration} iterations: {why}."


def _iterations_at_least(facts: Facts, iterations: int):
    if facts.final is None:
        return False, "Step (or Run to end) to the end of the run first."
    took = facts.final.iteration
    if took >= iterations:
        return True, f"Seed {facts.seed} took {took} iterations to converge."
    return False, f"Seed {facts.seed} converged in {took} iterations; find one that needs at least {iterations}."


def _chosen_k_equals_true_k(facts: Facts, true_k: int | None = None):
    true_k = true_k if true_k is not None else facts.true_k
    if true_k is None or facts.k is None:
        return False, "Set k to the number of groups you see."
    if facts.k == true_k:
        return True, f"k = {facts.k}: these points were made as {true_k} groups."
    return False, f"k = {facts.k} is not it yet."


def fmt_number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


_best_cache: dict = {}


def best_kmeanspp_inertia(points: np.ndarray, k: int) -> float:
    """Best final inertia of a few k-means++ runs on ``points`` (cached per data and k)."""
    from ..state.stuck import best_known

    key = (hashlib.sha1(np.ascontiguousarray(points).tobytes()).hexdigest(), points.shape, k)
    if key not in _best_cache:
        if len(_best_cache) > 32:
            _best_cache.clear()
        _best_cache[key] = best_known(points, k).inertia
    return _best_cache[key]


#: Above this many points x k the reference runs would stall the window: the check declines
#: (the same bound as the Explore tab's "stuck" note).
MAX_REFERENCE_WORK = 20_000


def _run_inertia_worse_than_kmeanspp_by(facts: Facts, fraction: float):
    if facts.final is None or facts.points is None:
        return False, "Run this seed to the end first (Run to end), then compare."
    if facts.points.shape[0] * facts.k > MAX_REFERENCE_WORK:
        return False, (f"{facts.points.shape[0]:,} points x k = {facts.k} is too much to compare quietly; "
                       "Start over to get the lesson's data back.")
    best = best_kmeanspp_inertia(facts.points, facts.k)
    ended = facts.final.inertia
    worse = ended / best - 1.0 if best > 0 else 0.0
    figures = (f"seed {facts.seed} ended at inertia {fmt_number(ended)}, {worse:.0%} above "
               f"k-means++'s {fmt_number(best)}")
    if not draws_at_random(facts.init):
        return False, f"Use a random initialisation: this run used {facts.init}."
    if worse >= fraction:
        return True, figures[0].upper() + figures[1:] + "."
    return False, f"Not this one: {figures}. Try another seed."


def _psnr_at_least_with_fewest_colours(facts: Facts, psnr: float, max_colours: int):
    latest = facts.image_latest
    if latest is None:
        return False, "Quantize the photo first."
    if latest.psnr < psnr:
        return False, f"{latest.psnr:.1f} dB with {latest.k} colours: below {psnr:g} dB, so add colours."
    if latest.k > max_colours:
        return False, f"{latest.psnr:.1f} dB with {latest.k} colours: {psnr:g} dB can be reached with fewer."
    return True, f"{latest.psnr:.1f} dB with only {latest.k} colours."


def _minibatch_mse_within_full_by(facts: Facts, fraction: float):
    full, mini = facts.image_runs.get("full"), facts.image_runs.get("minibatch")
    if full is None or mini is None or full.k != mini.k:
        return False, "Quantize the same photo at the same k with method Full, then with Mini-batch."
    gap = mini.mse / full.mse - 1.0 if full.mse > 0 else 0.0
    figures = (f"mini-batch MSE {mini.mse:.1f} in {mini.seconds:.2f} s against full {full.mse:.1f} in "
               f"{full.seconds:.2f} s ({gap:+.1%})")
    if gap <= fraction:
        return True, figures[0].upper() + figures[1:] + "."
    return False, f"{figures}: more than {fraction:.0%} worse; try a larger k or another seed."


_CASE_WORDS = {"moons": "the two moons"}


def _method_beats_kmeans(facts: Facts, method: str, margin: float = 0.0, case: str = "moons"):
    scores = (facts.lab_scores or {}).get(case, {})
    where = _CASE_WORDS.get(case, f"the {case!r} row")
    if method not in scores or "kmeans" not in scores:
        return False, f"Press Compute on the Failures tab: the lab runs k-means and {method} on {where}."
    ours, theirs = scores[method], scores["kmeans"]
    text = f"On {where}, {method} scores ARI {ours:.2f} against k-means' {theirs:.2f}"
    return ours > theirs + margin, text + ("." if ours > theirs + margin else "; change the lab's points or seed.")


def soft_hardness(points: np.ndarray, k: int, beta: float, seed: int = 0, **run_settings) -> float:
    """Mean largest responsibility after soft k-means at ``beta`` (1: hard labels; 1/k: none).

    ``run_settings`` (init, max_iter, tol) are passed to the engine; by default k-means++ and at
    most 100 iterations."""
    from ..engine.soft import soft_kmeans_steps

    settings = {"max_iter": 100, **run_settings}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        *_, final = soft_kmeans_steps(points, k, beta=beta, random_state=seed, **settings)
    return float(final.responsibilities.max(axis=1).mean())


def _beta_where_soft_looks_hard(facts: Facts, hardness: float = 0.9):
    if facts.algorithm != "soft" or facts.beta is None or facts.points is None:
        return False, "Choose Soft k-means as the algorithm, then move beta."
    if facts.responsibilities is None:
        return False, "Step once: the first E-step gives every point its shares."
    if facts.points.shape[0] * facts.k > MAX_REFERENCE_WORK:
        return False, (f"{facts.points.shape[0]:,} points x k = {facts.k} is too much to compare quietly; "
                       "Start over to get the lesson's data back.")
    # What the canvas shows at beta; the same run (init, seed, stopping) at beta / 2 for comparison.
    at_beta = float(np.asarray(facts.responsibilities).max(axis=1).mean())
    settings = {key: facts.run_settings[key] for key in ("init", "max_iter", "tol") if key in facts.run_settings}
    if settings.get("init") == "manual":
        settings.pop("init")
    at_half = soft_hardness(facts.points, facts.k, facts.beta / 2, facts.seed or 0, **settings)
    text = (f"at beta = {facts.beta:g} the average point is {at_beta:.0%} sure of its cluster, "
            f"at beta = {facts.beta / 2:g} {at_half:.0%}")
    if at_beta >= hardness > at_half:
        return True, text[0].upper() + text[1:] + ": that is where it turns hard."
    direction = "raise" if at_beta < hardness else "lower"
    return False, f"{text[0].upper() + text[1:]}; {direction} beta."


_fraction = _number(0.0, 100.0)


CHECKS: dict[str, CheckKind] = {c.name: c for c in (
    CheckKind("run_converged", _run_converged, "explore", {}, (),
              "the Explore run has reached its final state"),
    CheckKind("iterations_at_least", _iterations_at_least, "explore", {"iterations": _integer(1, 300)},
              ("iterations",), "the run, seen to its end, took at least this many iterations"),
    CheckKind("chosen_k_equals_true_k", _chosen_k_equals_true_k, "explore", {"true_k": _integer(1, 50)}, (),
              "k equals the number of groups the data were made with (true_k, or the setup's centers)"),
    CheckKind("run_inertia_worse_than_kmeanspp_by", _run_inertia_worse_than_kmeanspp_by, "explore",
              {"fraction": _fraction}, ("fraction",),
              "a random-init run, seen to its end, is at least this fraction worse than the best of "
              "5 k-means++ runs"),
    CheckKind("psnr_at_least_with_fewest_colours", _psnr_at_least_with_fewest_colours, "image",
              {"psnr": _number(1.0, 99.0), "max_colours": _integer(2, 256)}, ("psnr", "max_colours"),
              "the latest quantization reaches psnr dB with at most max_colours colours"),
    CheckKind("minibatch_mse_within_full_by", _minibatch_mse_within_full_by, "image", {"fraction": _fraction},
              ("fraction",), "mini-batch's MSE is within this fraction of full k-means' at the same k"),
    CheckKind("method_beats_kmeans", _method_beats_kmeans, "lab",
              {"method": _one_of(*(key for key in METHOD_KEYS if key != "kmeans")),
               "margin": _number(0.0, 1.0), "case": _one_of(*CASE_KEYS)},
              ("method",), "in the failures lab, the method's ARI beats k-means' by more than margin on the "
              "case's row (case, default moons)"),
    CheckKind("beta_where_soft_looks_hard", _beta_where_soft_looks_hard, "soft", {"hardness": _number(0.5, 1.0)},
              (), "soft k-means is at least this sure at beta but not at beta / 2"),
)}


def evaluate(spec, facts: Facts) -> Verdict:
    """Run a lesson's check (a :class:`~.format.CheckSpec`) on ``facts``."""
    kind = CHECKS[spec.kind]
    if kind.needs not in facts.available:
        return Verdict(UNAVAILABLE, f"This app cannot check this task yet: {_FEATURE_WORDS[kind.needs]} "
                                    "not built yet. Try it as far as the app allows.")
    passed, detail = kind.function(facts, **spec.params)
    if passed:
        return Verdict(PASSED, " ".join(part for part in (spec.praise or "Well done!", detail) if part))
    return Verdict(NOT_YET, " ".join(part for part in (detail, spec.hint) if part))


_FEATURE_WORDS = {
    "explore": "the Explore tab is", "choose-k": "the Choose k tab is", "image": "the Image tab is",
    "lab": "the failures lab (DBSCAN and others beside k-means) is", "soft": "soft k-means' controls are",
}
