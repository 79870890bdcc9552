"""A quality target instead of a k: the fewest colours whose quantization reaches PSNR >= X dB
(or a mean Delta E 2000 <= Y).

What every k shares is computed once: the image's distinct colours, a pixel sample (in the chosen
colour space) the fits run on, the fixed pixel sample the figures are measured on (the one
:attr:`.quantize.QuantizeResult.delta_e` uses), and one k-means++ seeding of ``k_max`` centres
on the fit sample (k-means++ picks centres one after another, so its first k are a seeding for
k). Each k's fit is Lloyd on the sample, warm-started from the converged centres of the largest
smaller k fitted so far plus the next seeds.

The search doubles k from ``k_min`` until the target is met, then bisects between the last k
that missed and the first that met it: the answer k meets the target and k - 1 was tried and
missed (a monotonic check at the boundary). The chosen palette is then refined on the whole
image's histogram and measured on every pixel; should that miss the target, k + 1 is tried, and
so on. More colours nearly always mean less error, but k-means is not exactly monotonic in k, so
a smaller k outside the bracket could in principle also pass; every k tried is returned.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from . import colour
from .init import kmeans_plusplus_steps
from .progress import Progress
from .quantize import QuantizeResult, _finish, _in_space, _refinement_data, _round_palette, _weighted_unique
from .quantize_mapping import _delta_e_rows, psnr_from_mse
from .quantize_pixels import MAX_COLORS, _pack, _unpack, check_image, distinct_colors

__all__ = ["TargetSearch", "quantize_to_target"]

#: Candidate draws per k-means++ centre: fixed (scikit-learn uses 2 + ln k) so that the seeding
#: for k is the first k centres of the seeding for k_max.
LOCAL_TRIALS = 2 + int(np.log(MAX_COLORS))
#: Lloyd iterations per k on the sample, and in the final refinement on the whole histogram:
#: past these the error changes in the fourth digit, while the cost at k ~ 200 keeps growing.
FIT_MAX_ITER = 100
REFINE_MAX_ITER = 30


@dataclass(frozen=True, eq=False)
class TargetSearch:
    """The outcome of :func:`quantize_to_target`.

    Attributes
    ----------
    result : QuantizeResult
        The image quantized at the chosen k.
    k : int
        The fewest colours found that reach the target (``k_max`` or the image's colour count
        when nothing reached it, with ``reached`` False).
    reached : bool
    target : str
        The target in words, e.g. "PSNR >= 30 dB".
    tried : dict of int to (float, float)
        PSNR (dB) and mean Delta E 2000 of every k evaluated, in the order tried.
    seconds : float
    """

    result: QuantizeResult
    k: int
    reached: bool
    target: str
    tried: dict
    seconds: float


def _check_target(psnr, delta_e) -> str:
    if (psnr is None) == (delta_e is None):
        raise ValueError("Give exactly one target: psnr (dB, e.g. 30) or delta_e (e.g. 3).")
    value = psnr if psnr is not None else delta_e
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
        raise ValueError(f"The target must be a finite number; got {value!r}.")
    if psnr is not None and psnr <= 0:
        raise ValueError(f"psnr={psnr!r}: a PSNR target must be above 0 dB (30-40 dB is typical).")
    if delta_e is not None and delta_e < 0:
        raise ValueError(f"delta_e={delta_e!r}: a Delta E target must be 0 or more (1-3 is typical).")
    return f"PSNR >= {psnr:g} dB" if psnr is not None else f"mean Delta E <= {delta_e:g}"


class _Evaluator:
    """Fits and measures one k at a time, sharing everything that does not depend on k."""

    def __init__(self, image, present, k_max, space, seed, sample_size, want_delta_e, hooks):
        self.present, self.space, self.hooks, self.want_delta_e = present, space, hooks, want_delta_e
        flat = image.reshape(-1, 3)
        rng = np.random.default_rng(seed)
        n = flat.shape[0]
        rows = rng.choice(n, size=sample_size, replace=False) if sample_size < n else np.arange(n)
        fit_colors, self.fit_weights = _weighted_unique(flat[rows])
        self.fit_X = np.ascontiguousarray(_in_space(fit_colors, space))
        # The figures: every pixel of a fixed sample (the one QuantizeResult.delta_e uses), by colour.
        measure, self.measure_counts = np.unique(_pack(flat[_delta_e_rows(n)]), return_counts=True)
        self.measure = measure.astype(np.uint32)
        self.measure_rgb = _unpack(self.measure).astype(np.int64)
        self.n_measured = int(self.measure_counts.sum())
        hooks.report(0.1, f"seeding {k_max} centres")
        n_seeds = min(k_max, self.fit_X.shape[0])
        steps = kmeans_plusplus_steps(self.fit_X, n_seeds, self.fit_weights, np.random.RandomState(rng.integers(2**31 - 1)),
                                      LOCAL_TRIALS)
        self.seeds = np.array([step.center for step in steps])
        self.centers: dict[int, np.ndarray] = {}

    def fit(self, k: int) -> np.ndarray:
        """Centres at k (in the space) on the pixel sample.

        Warm-started: the converged centres of the largest k already fitted below this one, plus
        the next seeds of the k-means++ sequence; Lloyd then needs a fraction of the iterations.
        """
        self.hooks.check()
        k_fit = min(k, self.seeds.shape[0])
        if k_fit not in self.centers:
            below = [j for j in self.centers if j < k_fit]
            start = self.seeds[:k_fit].copy()
            if below:
                j = max(below)
                start[:j] = self.centers[j]
            from .palette_mapping import lloyd_small

            self.centers[k_fit] = lloyd_small(self.fit_X, self.fit_weights, start, max_iter=FIT_MAX_ITER)
        return self.centers[k_fit]

    def __call__(self, k: int) -> tuple[float, float]:
        """PSNR and mean Delta E at k, on the measuring sample (Delta E NaN when not wanted)."""
        from .palette_mapping import delta_e_packed, nearest_in_space

        if k >= self.present.size:
            return float("inf"), 0.0
        palette = _round_palette(self.fit(k), self.space)
        labels = nearest_in_space(self.measure, palette, self.space)
        diff = self.measure_rgb - palette[labels].astype(np.int64)
        sse = float(np.einsum("ij,ij->i", diff, diff) @ self.measure_counts)
        de = float("nan")
        if self.want_delta_e:
            de_each = delta_e_packed(self.measure, _pack(palette[labels]))
            de = float(de_each @ self.measure_counts / self.n_measured)
        return psnr_from_mse(sse / (3 * self.n_measured)), de


def quantize_to_target(
    image,
    *,
    psnr: float | None = None,
    delta_e: float | None = None,
    space: str = "srgb",
    dither: bool = False,
    seed: int | None = 0,
    sample_size: int = 10_000,
    k_min: int = 2,
    k_max: int = MAX_COLORS,
    progress=None,
    should_stop=None,
) -> TargetSearch:
    """The fewest colours (k) whose k-means palette reaches a PSNR or Delta E target.

    Parameters
    ----------
    image : ndarray of shape (height, width, 3), uint8
    psnr : float, optional
        Reach at least this PSNR in dB (on sRGB values, without dithering).
    delta_e : float, optional
        Reach at most this mean CIEDE2000 (on the fixed pixel sample, without dithering).
    space : {"srgb", "lab", "oklab"}
        Colour space of the fits and of the nearest-colour mapping.
    dither : bool or float
        Dither the final result, with this strength if a number (the target is checked on the
        undithered mapping).
    seed : int or None
    sample_size : int
        Pixels the fits for each k run on.
    k_min, k_max : int, 2 <= k_min <= k_max <= 256
    progress, should_stop : callables, as for :func:`.quantize.quantize`

    Returns
    -------
    TargetSearch
    """
    image = check_image(image)
    target = _check_target(psnr, delta_e)
    colour.check_space(space)
    _check_k_range(k_min, k_max, sample_size)
    hooks = Progress(progress, should_stop)
    t0 = time.perf_counter()
    hooks.report(0.0, "finding the distinct colours")
    present = distinct_colors(image, _hooks=hooks)
    k_hi = int(min(k_max, max(present.size, k_min)))
    evaluate = _Evaluator(image, present, k_hi, space, seed, int(sample_size), delta_e is not None, hooks)
    tried: dict[int, tuple[float, float]] = {}

    def meets(figures) -> bool:
        return figures[0] >= psnr if psnr is not None else figures[1] <= delta_e

    def passes(k: int) -> bool:
        if k not in tried:
            hooks.report(min(0.7, 0.15 + 0.04 * len(tried)), f"trying k = {k} ({target})")
            tried[k] = evaluate(k)
        return meets(tried[k])

    k, reached = _fewest_passing(passes, k_min, k_hi)
    timings = {"search": time.perf_counter() - t0}

    # The chosen palette, refined on the whole image's histogram, measured exactly on every pixel.
    # Should that miss the target the sample said it meets, the next k is tried.
    flat = image.reshape(-1, 3)
    Xr, wr, _ = _refinement_data(flat, present, hooks)
    Xr = _in_space(Xr, space)
    while True:
        palette = _refined_palette(evaluate, k, present, Xr, wr, space, hooks)
        notes = []
        result = _finish(image, palette, present, k, hooks, notes, dict(timings), t0, method="target search",
                         sample_size=int(min(sample_size, flat.shape[0])), seed=seed, space=space, dither=False)
        exact = (result.psnr, result.delta_e)
        if not reached or meets(exact) or k >= k_hi:
            reached = reached and meets(exact)
            break
        tried[k] = exact
        k += 1
    if not reached:
        result = _with_notes(result, [f"Even k = {k} does not reach {target}; this is the closest."])
    if dither:
        result = _finish(image, palette, present, k, hooks, list(result.notes) + [
            "The target was checked without dithering; the figures are for the dithered image."],
            dict(timings), t0, method="target search", sample_size=result.sample_size, seed=seed, space=space,
            dither=dither)
    return TargetSearch(result=result, k=k, reached=reached, target=target, tried=tried,
                        seconds=time.perf_counter() - t0)


def _check_k_range(k_min, k_max, sample_size) -> None:
    for name, value in (("k_min", k_min), ("k_max", k_max)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 2 <= value <= MAX_COLORS:
            raise ValueError(f"{name}={value!r} must be an integer from 2 to {MAX_COLORS}.")
    if k_min > k_max:
        raise ValueError(f"k_min={k_min} is above k_max={k_max}.")
    if isinstance(sample_size, bool) or not isinstance(sample_size, (int, np.integer)) or sample_size < k_max:
        raise ValueError(f"sample_size={sample_size!r} must be an integer of at least k_max={k_max}.")


def _fewest_passing(passes, k_min: int, k_hi: int) -> tuple[int, bool]:
    """The smallest k in k_min..k_hi with ``passes(k)``, for a test that more colours only help:
    k doubles until it passes, then (last fail, first pass] is bisected. (k_hi, False) if none does.
    """
    fail, k = k_min - 1, k_min
    while not passes(k):
        fail = k
        if k >= k_hi:
            return k, False
        k = min(2 * k, k_hi)
    while k - fail > 1:
        mid = (fail + k) // 2
        if passes(mid):
            k = mid
        else:
            fail = mid
    return k, True


def _refined_palette(evaluate, k, present, Xr, wr, space, hooks) -> np.ndarray:
    """k colours for the whole image: the sample's fit, refined on the image's histogram
    (``Xr`` in ``space``, weights ``wr``); the image's own colours when it has no more than k."""
    if k >= present.size:
        return _unpack(present)
    hooks.report(0.75, f"refining k = {k} on the whole image")
    centers = evaluate.fit(k)
    if Xr.shape[0] > centers.shape[0]:
        from .palette_mapping import lloyd_small

        centers = lloyd_small(Xr, wr, centers, max_iter=REFINE_MAX_ITER)
    return _round_palette(centers, space)


def _with_notes(result: QuantizeResult, extra: list) -> QuantizeResult:
    import dataclasses

    return dataclasses.replace(result, notes=tuple(result.notes) + tuple(extra))
