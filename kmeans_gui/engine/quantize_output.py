"""A quantized image out of the engine, and the peers it is compared with: the indexed PNG,
the palette as CSV, and Pillow's own quantizers at the same k.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass

import numpy as np

from .quantize_mapping import dither_strength, mse_psnr
from .quantize_pixels import MAX_COLORS, _check_k, check_image

__all__ = ["PillowResult", "PILLOW_METHODS", "indexed_png_bytes", "pillow_quantize", "write_palette_csv"]


@dataclass(frozen=True, eq=False)
class PillowResult:
    """Pillow's own quantizer at the same k, for comparison."""

    name: str
    indices: np.ndarray  # (h, w) uint8, dithered when the k-means result it is compared with is
    palette: np.ndarray  # (n_used, 3) uint8
    mse: float
    psnr: float
    seconds: float

    def image(self) -> np.ndarray:
        return self.palette[self.indices]


def indexed_png_bytes(indices, palette, *, optimize: bool = False) -> bytes:
    """Encode an index image and its palette as an indexed (mode "P") PNG.

    Parameters
    ----------
    indices : ndarray of shape (height, width), uint8
    palette : ndarray of shape (p, 3), uint8, p <= 256
    """
    from PIL import Image

    indices = np.ascontiguousarray(indices, dtype=np.uint8)
    palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    if indices.ndim != 2:
        raise ValueError(f"indices must be 2-D (height, width); got shape {indices.shape}.")
    if palette.shape[0] > MAX_COLORS or (indices.size and int(indices.max()) >= palette.shape[0]):
        raise ValueError("Every index must point into a palette of at most 256 colours.")
    im = Image.frombytes("P", (indices.shape[1], indices.shape[0]), indices.tobytes())
    im.putpalette(palette.ravel().tolist())
    buf = io.BytesIO()
    # PNG stores only as many palette entries as given; bits per pixel follow the palette size.
    bits = next(b for b in (1, 2, 4, 8) if palette.shape[0] <= (1 << b))
    im.save(buf, format="PNG", optimize=optimize, bits=bits)
    return buf.getvalue()


PILLOW_METHODS = {"median cut": "MEDIANCUT", "fast octree": "FASTOCTREE"}


def pillow_quantize(image, n_colors: int, method: str = "median cut", *, dither=False) -> PillowResult:
    """Quantize with Pillow's ``Image.quantize`` (median cut or fast octree) and measure it.

    Parameters
    ----------
    image : ndarray of shape (height, width, 3), uint8
    n_colors : int, 2..256
    method : {"median cut", "fast octree"}
    dither : bool or float
        Map the pixels onto Pillow's palette with Floyd-Steinberg (this strength), as a dithered
        k-means result is, so that the two compare like for like.
    """
    from PIL import Image

    image = check_image(image)
    k = _check_k(n_colors)
    if method not in PILLOW_METHODS:
        raise ValueError(f"method={method!r} must be one of {tuple(PILLOW_METHODS)}.")
    t = time.perf_counter()
    q = Image.fromarray(image).quantize(colors=k, method=getattr(Image.Quantize, PILLOW_METHODS[method]),
                                        dither=Image.Dither.NONE)
    indices = np.asarray(q, dtype=np.uint8)
    n_pal = int(indices.max()) + 1
    palette = np.asarray(q.getpalette()[: 3 * n_pal], dtype=np.uint8).reshape(-1, 3)
    strength = dither_strength(dither)
    if strength > 0:
        from .palette_mapping import dither_indices

        indices = dither_indices(image, palette, strength=strength)
    seconds = time.perf_counter() - t
    mse, psnr = mse_psnr(image, palette[indices])
    return PillowResult(method, indices, palette, mse, psnr, seconds)


def write_palette_csv(path_or_file, palette, counts) -> None:
    """One row per palette colour: r, g, b, hex, pixels, share.

    ``path_or_file`` is a path, or a text file opened with ``newline=""`` (for atomic writes).
    """
    if hasattr(path_or_file, "write"):
        _write_palette_rows(path_or_file, palette, counts)
        return
    with open(path_or_file, "w", newline="", encoding="utf-8") as f:
        _write_palette_rows(f, palette, counts)


def _write_palette_rows(f, palette, counts) -> None:
    total = max(1, int(sum(int(c) for c in counts)))
    w = csv.writer(f)
    w.writerow(["r", "g", "b", "hex", "pixels", "share"])
    for (r, g, b), n in zip(palette.tolist(), counts.tolist()):
        w.writerow([r, g, b, f"#{r:02x}{g:02x}{b:02x}", n, f"{n / total:.6f}"])

