"""Colour quantization: reduce an RGB image to a palette of at most k colours with k-means.

Methods
-------
``"sample"`` (default)
    k-means (best of ``n_init`` k-means++ runs) on the distinct colours of a random sample of
    pixels, then Lloyd iterations to convergence on a histogram of the *whole* image: 6-bit cells
    (32,768 possible), each represented by the mean colour of its pixels and weighted by their
    count. That is the full-image k-means objective up to cells being assigned as a whole, so it
    reaches the error of full k-means for a fraction of its cost. Images with at most 65,536
    distinct colours are refined on the exact colour histogram instead.
``"full"``
    Lloyd to convergence on every distinct colour weighted by its pixel count, which is exactly
    k-means on all pixels (the sum over pixels groups by colour). Seeded by k-means++ on the
    cell histogram and polished there first, so the exact phase starts close to the end.
``"minibatch"``
    Mini-batch k-means (:mod:`.minibatch`) on batches of pixels drawn from the whole image.

Every method ends the same way: centres are rounded to uint8, and each distinct colour of the
image is mapped to its nearest palette colour *exactly* (integer distances are exact in float32),
through a 2^24-entry lookup table, so predicting a 12-megapixel image costs a gather, not
``n x k`` distance work. Memory stays bounded: the image is read in chunks, and the largest
extra arrays are two 16 MB tables and the uint8 index image.

Colour spaces: k-means can run on the sRGB values (default), on CIELAB or on OKLab
(``space=``, see :mod:`.colour`); pixels then go to their nearest palette colour in that space.
MSE and PSNR are always measured on the sRGB values; the mean CIEDE2000 difference (Delta E) is
measured on a fixed random sample of pixels (:data:`~.quantize_mapping.DELTA_E_SAMPLE`). ``dither=True`` (or a
strength 0..1) maps the pixels with Floyd-Steinberg error diffusion instead, and ``locked=``
keeps chosen colours in the palette (:mod:`.quantize_locked`).

Progress and cancel follow :mod:`.progress`: ``progress(fraction, message)`` and
``should_stop() -> bool``, so that the GUI can drive this from a worker thread.

This module fits the palette; the passes over the pixels are in :mod:`.quantize_pixels`
(distinct colours, histograms), the mapping and the figures in :mod:`.quantize_mapping`, and the
PNG, the CSV and Pillow's quantizers in :mod:`.quantize_output`. Their public names are
importable from here too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import colour
from ._frozen import frozen
from .minibatch import minibatch_steps
from .progress import Progress, ProgressCallback, ShouldStop
from .quantize_mapping import DELTA_E_SAMPLE, apply_palette, dither_strength, mean_delta_e, mse_psnr, psnr_from_mse
from .quantize_output import PillowResult, indexed_png_bytes, pillow_quantize, write_palette_csv
from .quantize_pixels import (
    _cell_histogram, _check_k, _exact_histogram, _pack, _unpack, check_image, count_colors, distinct_colors,
)
from .steps import kmeans_steps

__all__ = [
    "METHODS",
    "QuantizeResult",
    "PillowResult",
    "quantize",
    "apply_palette",
    "distinct_colors",
    "count_colors",
    "mse_psnr",
    "psnr_from_mse",
    "indexed_png_bytes",
    "pillow_quantize",
    "check_image",
    "write_palette_csv",
    "mean_delta_e",
    "DELTA_E_SAMPLE",
]

METHODS = ("sample", "full", "minibatch")

#: Up to this many distinct colours, the refinement uses the exact colour histogram.
EXACT_HISTOGRAM_MAX = 1 << 16


@dataclass(frozen=True, eq=False)
class QuantizeResult:
    """A quantized image and the figures that describe it.

    Attributes
    ----------
    indices : ndarray of shape (height, width), uint8
        Palette index of every pixel.
    palette : ndarray of shape (n_used, 3), uint8
        The colours actually used, most frequent first; ``n_used <= n_colors``.
    counts : ndarray of shape (n_used,), int64
        Pixels of each palette colour.
    n_colors : int
        The k asked for.
    n_colors_before : int
        Distinct colours in the input image.
    mse : float
        Mean squared error per channel value (0..255 scale) between input and output.
    psnr : float
        Peak signal-to-noise ratio in dB, ``10 log10(255^2 / mse)``; ``inf`` for an exact result.
    method, sample_size, seed
        How the palette was fitted.
    seconds : float
        Wall time of fit + mapping (not of the figures computed afterwards).
    timings : dict of str to float
        Seconds per stage.
    notes : tuple of str
        Things the user should know (fewer colours than k, and why).
    space : {"srgb", "lab", "oklab"}
        Colour space k-means ran in and pixels were matched in.
    dithered : bool
        Whether pixels were mapped with Floyd-Steinberg error diffusion.
    dither_strength : float
        Share of each pixel's error diffused (0 when not dithered, 1 for classic Floyd-Steinberg).
    delta_e : float
        Mean CIEDE2000 difference between input and output pixels, over ``delta_e_pixels``
        pixels drawn at random (with a fixed seed, so results at different k compare).
    delta_e_pixels : int
    """

    indices: np.ndarray
    palette: np.ndarray
    counts: np.ndarray
    n_colors: int
    n_colors_before: int
    mse: float
    psnr: float
    method: str
    sample_size: int
    seed: int | None
    seconds: float
    timings: dict = field(default_factory=dict)
    notes: tuple = ()
    space: str = "srgb"
    dithered: bool = False
    dither_strength: float = 0.0
    delta_e: float = float("nan")
    delta_e_pixels: int = 0

    @property
    def n_colors_after(self) -> int:
        return int(self.palette.shape[0])

    @property
    def shares(self) -> np.ndarray:
        """Fraction of pixels per palette colour, shape (n_used,)."""
        return self.counts / max(1, int(self.counts.sum()))

    def image(self) -> np.ndarray:
        """The quantized RGB image, shape (height, width, 3), uint8."""
        return self.palette[self.indices]


def _lloyd(X, weights, k, init, seed, hooks, max_iter=300, tol=1e-4, stage=None):
    """Run the engine's weighted Lloyd to the end, checking for cancel between half-steps.

    ``stage=(fraction, text)`` reports each iteration as progress at that fraction.
    """
    state = None
    for state in kmeans_steps(
        X, k, init=init, sample_weight=weights, max_iter=max_iter, tol=tol, random_state=seed
    ):
        if hooks is not None:
            hooks.check()
            if stage is not None and state.phase == "update":
                hooks.report(stage[0], f"{stage[1]}: iteration {state.iteration}")
    return np.array(state.centers, dtype=np.float64), float(state.inertia)


def _best_of(X, weights, k, n_init, seed_seq, hooks):
    """Best (lowest inertia) of ``n_init`` k-means++ runs."""
    best = None
    for seed in seed_seq.integers(0, 2**31 - 1, size=n_init):
        centers, inertia = _lloyd(X, weights, k, "k-means++", int(seed), hooks)
        if best is None or inertia < best[1]:
            best = (centers, inertia)
    return best[0]


def _weighted_unique(pixels: np.ndarray):
    """Distinct rows of an (m, 3) uint8 array and their counts, as float64 for the engine."""
    packed, counts = np.unique(_pack(pixels), return_counts=True)
    return _unpack(packed).astype(np.float64), counts.astype(np.float64)


def _round_palette(centers: np.ndarray, space: str = "srgb") -> np.ndarray:
    """Centres (in ``space``) -> distinct uint8 sRGB colours (rounding can merge close centres)."""
    if space == "srgb":
        pal = np.clip(np.rint(centers), 0, 255).astype(np.uint8)
    else:
        pal = colour.palette_from_space(centers, space)
    return _unpack(np.unique(_pack(pal)))


def _in_space(colors_255: np.ndarray, space: str) -> np.ndarray:
    """(m, 3) float sRGB colours on the 0..255 scale -> k-means coordinates in ``space``."""
    if space == "srgb":
        return colors_255
    return colour.to_space(np.asarray(colors_255, dtype=np.float64) / 255.0, space)


def _refinement_data(flat, present, hooks):
    """Weighted colours standing for the whole image: exact histogram, or 6-bit cell means."""
    if present.size <= EXACT_HISTOGRAM_MAX:
        return _unpack(present).astype(np.float64), _exact_histogram(flat, present, hooks), "exact colour histogram"
    means, counts = _cell_histogram(flat, hooks)
    return means, counts, f"histogram of {counts.size:,} colour cells"


def _fit_sample(flat, present, k, sample_size, n_init, rng, hooks, notes, refine=True, space="srgb"):
    n = flat.shape[0]
    size = int(min(sample_size, n))
    rows = rng.choice(n, size=size, replace=False) if size < n else np.arange(n)
    Xs, ws = _weighted_unique(flat[rows])
    k_fit = min(k, Xs.shape[0])
    if k_fit < k:
        notes.append(f"The sample holds only {Xs.shape[0]} distinct colours; fitted {k_fit} of {k}.")
    hooks.report(0.2, f"k-means on {size:,} sampled pixels")
    centers = _best_of(_in_space(Xs, space), ws, k_fit, n_init, rng, hooks)
    if not refine:
        return centers
    hooks.report(0.4, "building the full-image histogram")
    Xr, wr, what = _refinement_data(flat, present, hooks)
    if Xr.shape[0] > k_fit:
        stage = (0.55, f"refining on the {what}")
        hooks.report(*stage)
        centers, _ = _lloyd(_in_space(Xr, space), wr, k_fit, centers, 0, hooks, stage=stage)
    return centers


def _fit_full(flat, present, k, n_init, rng, hooks, space="srgb"):
    hooks.report(0.1, "building the colour histogram")
    means, cell_counts = _cell_histogram(flat, hooks)
    if means.shape[0] >= k:
        hooks.report(0.25, f"seeding on {means.shape[0]:,} colour cells")
        centers = _best_of(_in_space(means, space), cell_counts, k, n_init, rng, hooks)
    else:
        centers = None
    hooks.report(0.4, f"counting {present.size:,} distinct colours")
    # Counts first: the counting pass's 64 MB lookup table is freed before the colours exist.
    counts = _exact_histogram(flat, present, hooks)
    colors = _in_space(_unpack(present).astype(np.float64), space)
    stage = (0.55, f"Lloyd on all {present.size:,} distinct colours (= all pixels)")
    hooks.report(*stage)
    if centers is None:
        return _best_of(colors, counts, k, n_init, rng, hooks)
    return _lloyd(colors, counts, k, centers, 0, hooks, stage=stage)[0]


def _fit_minibatch(flat, k, rng, hooks, batch_size=4096, max_steps=500):
    seed = int(rng.integers(0, 2**31 - 1))
    state = None
    for state in minibatch_steps(flat, k, batch_size=batch_size, max_steps=max_steps, random_state=seed):
        if state.step % 25 == 0:
            hooks.report(0.1 + 0.5 * state.step / max_steps, f"mini-batch step {state.step}")
    return np.array(state.centers, dtype=np.float64)


def quantize(
    image,
    n_colors: int = 16,
    *,
    method: str = "sample",
    sample_size: int = 10_000,
    seed: int | None = 0,
    n_init: int = 3,
    refine: bool = True,
    space: str = "srgb",
    dither: bool = False,
    locked=None,
    progress: ProgressCallback | None = None,
    should_stop: ShouldStop | None = None,
) -> QuantizeResult:
    """Quantize an RGB image to at most ``n_colors`` colours with k-means.

    Parameters
    ----------
    image : ndarray of shape (height, width, 3), uint8
    n_colors : int, 2..256
    method : {"sample", "full", "minibatch"}
        See the module docstring.
    sample_size : int
        Pixels drawn (without replacement) for the "sample" method's first fit.
    seed : int or None
        Seeds the pixel sample and the k-means++ draws.
    n_init : int
        k-means++ restarts on the sample (or histogram); the lowest inertia wins.
    refine : bool
        For "sample": refine the sample's palette on the full-image histogram (default). False
        gives the plain sample-fit-then-map recipe (faster, about 1% more error).
    space : {"srgb", "lab", "oklab"}
        Colour space k-means runs in and pixels are matched in ("minibatch" is sRGB only).
    dither : bool or float
        Map pixels with Floyd-Steinberg error diffusion instead of to their nearest colour; a
        number from 0 to 1 is the strength (share of the error diffused).
    locked : array-like of shape (m, 3), uint8, m < n_colors, optional
        Colours the palette must keep exactly (a user's pinned swatches), even if no pixel is
        nearest to them; the other k - m colours are fitted around them on the image's colour
        histogram (whatever ``method`` says).
    progress : callable(fraction, message), optional
    should_stop : callable() -> bool, optional
        Polled between chunks and iterations; True raises
        :class:`~kmeans_gui.engine.progress.Cancelled`.

    Returns
    -------
    QuantizeResult
    """
    image = check_image(image)
    k = _check_k(n_colors)
    if method not in METHODS:
        raise ValueError(f"method={method!r} must be one of {METHODS}.")
    if isinstance(sample_size, bool) or not isinstance(sample_size, (int, np.integer)) or sample_size < k:
        raise ValueError(f"sample_size={sample_size!r} must be an integer of at least k={k}.")
    if isinstance(n_init, bool) or not isinstance(n_init, (int, np.integer)) or n_init < 1:
        raise ValueError(f"n_init={n_init!r} must be a positive integer.")
    colour.check_space(space)
    dither = dither_strength(dither)
    locked = _check_locked(locked, k)
    if method == "minibatch" and space != "srgb":
        raise ValueError(f"method='minibatch' works on sRGB pixels only; use 'sample' or 'full' for space={space!r}.")
    hooks = Progress(progress, should_stop)
    rng = np.random.default_rng(seed)
    flat = image.reshape(-1, 3)
    notes: list[str] = []
    timings = {}

    t0 = time.perf_counter()
    hooks.report(0.0, "finding the distinct colours")
    present = distinct_colors(image, _hooks=hooks)
    timings["distinct colours"] = time.perf_counter() - t0

    t = time.perf_counter()
    if locked.shape[0]:
        palette = _fit_locked(flat, present, k, locked, space, n_init, rng, hooks, notes)
    elif present.size <= k:
        palette = _unpack(present)
        plural = "colour" if present.size == 1 else "colours"
        notes.append(f"The image has only {present.size} distinct {plural} (k = {k}): kept exactly.")
    else:
        if method == "sample":
            centers = _fit_sample(flat, present, k, sample_size, n_init, rng, hooks, notes, refine, space)
        elif method == "full":
            centers = _fit_full(flat, present, k, n_init, rng, hooks, space)
        else:
            centers = _fit_minibatch(flat, k, rng, hooks)
        palette = _round_palette(centers, space)
        if palette.shape[0] < centers.shape[0]:
            notes.append("Some centres rounded to the same 8-bit colour and were merged.")
    timings["fit"] = time.perf_counter() - t
    return _finish(image, palette, present, k, hooks, notes, timings, t0, method=method,
                   sample_size=int(min(sample_size, flat.shape[0])), seed=seed, space=space, dither=dither,
                   locked=locked)


def _check_locked(locked, k: int) -> np.ndarray:
    """Locked colours as a (m, 3) uint8 array of distinct colours with m < k, or ValueError."""
    if locked is None:
        return np.zeros((0, 3), dtype=np.uint8)
    arr = np.asarray(locked)
    if arr.size == 0:
        return np.zeros((0, 3), dtype=np.uint8)
    if arr.ndim != 2 or arr.shape[1] != 3 or not np.issubdtype(arr.dtype, np.integer) or arr.min() < 0 or arr.max() > 255:
        raise ValueError(f"locked must be (m, 3) colours of whole numbers 0..255; got {arr.dtype} {arr.shape}.")
    arr = _unpack(np.unique(_pack(arr.astype(np.uint8))))
    if arr.shape[0] >= k:
        raise ValueError(f"{arr.shape[0]} locked colours leave no free colour at k = {k}; raise k or unlock one.")
    return arr


def _fit_locked(flat, present, k, locked, space, n_init, rng, hooks, notes) -> np.ndarray:
    """The locked colours, then k - m colours fitted around them on the colour histogram."""
    from .quantize_locked import fit_with_locked

    m = locked.shape[0]
    if present.size <= k - m:
        free = _unpack(present)
    else:
        hooks.report(0.3, "building the colour histogram")
        Xr, wr, what = _refinement_data(flat, present, hooks)
        hooks.report(0.5, f"fitting {k - m} colours around {m} locked on the {what}")
        free = _round_palette(fit_with_locked(_in_space(Xr, space), wr, _in_space(locked.astype(np.float64), space),
                                              k, n_init=n_init, rng=rng, should_check=hooks.check), space)
    free = free[~np.isin(_pack(free), _pack(locked))]  # a free colour that rounded onto a locked one
    notes.append(f"{m} locked colour{'s' if m > 1 else ''} kept as they are.")
    return np.concatenate([locked, free])


def _finish(image, palette, present, k, hooks, notes, timings, t0, *, method, sample_size, seed, space, dither,
            locked=None):
    """Map the pixels to ``palette``, measure the result and wrap it up as a QuantizeResult."""
    flat = image.reshape(-1, 3)
    t = time.perf_counter()
    dither = dither_strength(dither)
    how = "dithering" if dither else "mapping"
    hooks.report(0.8, f"{how} {flat.shape[0]:,} pixels to {palette.shape[0]} colours")
    indices, counts, sse = apply_palette(image, palette, present=present, space=space, dither=dither, _hooks=hooks)
    # Most frequent first, unused colours dropped: what the palette strip and the PNG want.
    order = np.argsort(-counts, kind="stable")
    keep = counts > 0
    if locked is not None and locked.shape[0]:
        keep |= np.isin(_pack(palette), _pack(locked))  # a pinned colour stays, used or not
    order = order[keep[order]]
    if order.size < palette.shape[0] or np.any(order != np.arange(order.size)):
        remap = np.zeros(max(palette.shape[0], 1), dtype=np.uint8)
        remap[order] = np.arange(order.size, dtype=np.uint8)
        indices = remap[indices]
        palette, counts = palette[order], counts[order]
    timings["map pixels"] = time.perf_counter() - t
    t = time.perf_counter()
    delta_e, delta_e_pixels = mean_delta_e(image, indices, palette)
    timings["delta E"] = time.perf_counter() - t
    seconds = time.perf_counter() - t0
    hooks.report(1.0, "done")

    mse = sse / flat.size
    for a in (indices, palette, counts):
        frozen(a)
    return QuantizeResult(
        indices=indices,
        palette=palette,
        counts=counts,
        n_colors=k,
        n_colors_before=int(present.size),
        mse=float(mse),
        psnr=psnr_from_mse(mse),
        method=method,
        sample_size=sample_size,
        seed=seed,
        seconds=seconds,
        timings=timings,
        notes=tuple(notes),
        space=space,
        dithered=dither > 0,
        dither_strength=dither,
        delta_e=delta_e,
        delta_e_pixels=delta_e_pixels,
    )


