"""Mapping pixels to a palette, exactly, and measuring the result: MSE, PSNR and the mean
CIEDE2000 difference (Delta E).

In sRGB, "nearest" is exact: colours and palette are integers, so the distances are too.
"""

from __future__ import annotations

import numpy as np

from . import colour
from .distances import map_chunks
from .progress import Progress
from .quantize_pixels import CHUNK_PIXELS, MAX_COLORS, _pack, _unpack, check_image, distinct_colors

__all__ = ["apply_palette", "dither_strength", "mse_psnr", "psnr_from_mse", "mean_delta_e", "DELTA_E_SAMPLE"]

#: Pixels on which the mean Delta E 2000 is measured (all of them in a smaller image). The
#: standard error of the mean is then about 0.3% of the spread of Delta E over the image (0.01
#: on china.jpg), and measuring costs a twentieth of the default path at 12 MP.
DELTA_E_SAMPLE = 1 << 17


def apply_palette(image, palette, *, present: np.ndarray | None = None, space: str = "srgb",
                  dither: bool = False, _hooks: Progress | None = None):
    """Map every pixel to its nearest palette colour (exact, ties to the lower index).

    Parameters
    ----------
    image : ndarray of shape (height, width, 3), uint8
    palette : ndarray of shape (p, 3), uint8, p <= 256
    present : ndarray of shape (m,), uint32, optional
        The image's distinct colours from :func:`distinct_colors`, if already known.
    space : {"srgb", "lab", "oklab"}
        Where "nearest" is measured. In sRGB it is exact (integer distances).
    dither : bool or float
        Floyd-Steinberg error diffusion instead of nearest colours; a number from 0 to 1 is its
        strength (the share of each pixel's error passed on; True is 1, False or 0 is off).
        Dithering matches colours in sRGB whatever ``space`` says (see palette_mapping).

    Returns
    -------
    indices : ndarray of shape (height, width), uint8
    counts : ndarray of shape (p,), int64
    sse : int
        Sum over pixels and channels of the squared error.
    """
    image = check_image(image)
    palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    if not 1 <= palette.shape[0] <= MAX_COLORS:
        raise ValueError(f"A palette needs 1 to {MAX_COLORS} colours; got {palette.shape[0]}.")
    colour.check_space(space)
    strength = dither_strength(dither)
    flat = image.reshape(-1, 3)
    pal32 = palette.astype(np.int32)
    p = palette.shape[0]
    if strength > 0:
        from .palette_mapping import dither_indices

        if _hooks is not None:
            _hooks.check()
        indices = dither_indices(image, palette, strength=strength).reshape(-1)  # matched in sRGB
        lut = None
    else:
        if present is None:
            present = distinct_colors(image, _hooks=_hooks or Progress())
        lut = np.zeros(1 << 24, dtype=np.uint8)
        lut[present] = _nearest_labels(present, palette, space).astype(np.uint8)
        indices = np.empty(flat.shape[0], dtype=np.uint8)

    def work(a, b):
        if _hooks is not None:
            _hooks.check()
        block = flat[a:b]
        if lut is None:
            idx = indices[a:b]
        else:
            idx = lut[_pack(block)]
            indices[a:b] = idx
        d = block.astype(np.int32) - pal32[idx]
        # 64-bit accumulator: a chunk's squared errors overflow int32 (see mse_psnr).
        return np.bincount(idx, minlength=p), int(np.einsum("ij,ij->", d, d, dtype=np.int64))

    parts = map_chunks(work, flat.shape[0], CHUNK_PIXELS)
    counts = np.sum([c for c, _ in parts], axis=0).astype(np.int64)
    sse = sum(s for _, s in parts)
    return indices.reshape(image.shape[:2]), counts, sse


def dither_strength(dither) -> float:
    """``dither`` (bool, or a number 0..1) as a strength 0..1, or ValueError."""
    if isinstance(dither, (bool, np.bool_)):
        return 1.0 if dither else 0.0
    if isinstance(dither, (int, float, np.integer, np.floating)) and 0.0 <= float(dither) <= 1.0:
        return float(dither)
    raise ValueError(f"dither={dither!r} must be True, False or a strength from 0 to 1.")


def _nearest_labels(present: np.ndarray, palette: np.ndarray, space: str) -> np.ndarray:
    """Nearest palette index of each packed colour in ``space``, shape (m,) int32."""
    if space == "srgb":
        return _nearest_palette(_unpack(present), palette)[0]
    from .palette_mapping import nearest_in_space

    return nearest_in_space(present, palette, space)


def _nearest_palette(colors: np.ndarray, palette: np.ndarray):
    """Nearest palette entry and squared distance for each colour, exactly.

    Colours and palette are integers 0..255, so every term of ``||x||^2 - 2 x.c + ||c||^2`` is
    an integer below 2^24 and float32 arithmetic is exact (ties go to the lower index).

    Parameters
    ----------
    colors : ndarray of shape (m, 3), uint8
    palette : ndarray of shape (p, 3), uint8

    Returns
    -------
    labels : ndarray of shape (m,), int32
    sq_dist : ndarray of shape (m,), float64
    """
    C = palette.astype(np.float32)
    minus_2Ct = -2.0 * C.T
    C_sq = np.einsum("ij,ij->i", C, C)
    m = colors.shape[0]
    labels = np.empty(m, dtype=np.int32)
    sq = np.empty(m, dtype=np.float64)

    def work(a, b):
        Xb = colors[a:b].astype(np.float32)
        D = Xb @ minus_2Ct
        D += C_sq
        lab = D.argmin(axis=1)
        labels[a:b] = lab
        sq[a:b] = D[np.arange(b - a), lab] + np.einsum("ij,ij->i", Xb, Xb)

    map_chunks(work, m, 1 << 16)
    return labels, sq


def psnr_from_mse(mse: float) -> float:
    """PSNR in dB for 8-bit data; ``inf`` when the error is zero."""
    return float("inf") if mse <= 0 else float(10.0 * np.log10(255.0**2 / mse))


def mse_psnr(a, b) -> tuple[float, float]:
    """Mean squared error per channel value and PSNR (dB) between two uint8 images of one shape."""
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"Images differ in shape: {a.shape} vs {b.shape}.")
    fa = a.reshape(-1, a.shape[-1]) if a.ndim == 3 else a.reshape(-1, 1)
    fb = b.reshape(fa.shape)
    sse = 0
    for start in range(0, fa.shape[0], CHUNK_PIXELS):
        d = fa[start : start + CHUNK_PIXELS].astype(np.int32) - fb[start : start + CHUNK_PIXELS]
        # Accumulate in 64 bits: a chunk's sum reaches 2^18 * 3 * 255^2 ~ 5e10, past int32.
        sse += int(np.einsum("ij,ij->", d, d, dtype=np.int64))
    mse = sse / max(1, a.size)
    return mse, psnr_from_mse(mse)


def _delta_e_rows(n_pixels: int, sample: int = DELTA_E_SAMPLE) -> np.ndarray:
    """Pixel rows on which Delta E is measured: all, or a fixed random sample, sorted."""
    if n_pixels <= sample:
        return np.arange(n_pixels)
    return np.sort(np.random.default_rng(0).integers(0, n_pixels, size=sample))


def mean_delta_e(image, indices, palette, *, sample: int = DELTA_E_SAMPLE) -> tuple[float, int]:
    """Mean CIEDE2000 between an image and its quantized version, on a fixed pixel sample.

    Parameters
    ----------
    image : ndarray of shape (height, width, 3), uint8
    indices : ndarray of shape (height, width), uint8
    palette : ndarray of shape (p, 3), uint8
    sample : int
        Pixels drawn (with a fixed seed, with replacement); every pixel when the image has fewer.

    Returns
    -------
    delta_e : float
    n_pixels : int
        Pixels it was measured on.
    """
    from .palette_mapping import delta_e_packed

    flat = check_image(image).reshape(-1, 3)
    indices = np.asarray(indices).reshape(-1)
    if indices.shape[0] != flat.shape[0]:
        raise ValueError(f"indices has {indices.shape[0]} pixels, the image {flat.shape[0]}.")
    rows = _delta_e_rows(flat.shape[0], sample)
    palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    de = delta_e_packed(_pack(flat[rows]), _pack(palette[indices[rows]]))
    return float(de.mean()), int(rows.size)

