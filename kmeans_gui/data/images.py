"""Image loading with validation: any file Pillow reads becomes upright 8-bit RGB, or a clear error.

What happens to each kind of input is reported in :attr:`LoadedImage.notes`, so the GUI and the
command line can tell the user (alpha composited on white, first frame of an animation, ...).
Failures raise :class:`ImageLoadError`, a ``ValueError`` whose message says what is wrong.
No Qt here.
"""

from __future__ import annotations

import math
import os
import stat
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = [
    "ImageLoadError", "ImageTooLargeError", "LoadedImage", "MAX_PIXELS", "load_image", "sample_image",
    "SAMPLE_IMAGES", "to_rgb", "fit_within",
]

#: Built-in samples: scikit-learn ships them, so they work offline.
SAMPLE_IMAGES = ("china.jpg", "flower.jpg")

#: Transparent pixels are composited onto this colour.
BACKGROUND = (255, 255, 255)


#: The most pixels an image is worked on at (8164 x 6123 at 4:3, a 50-megapixel camera). At the
#: limit: 150 MB decoded, about 0.5 GB peak to open and 1.1 GB peak to open, quantize and
#: compare with Pillow (``benchmarks/bench_image_limit.py``). Larger images are opened
#: downscaled to it, on request.
MAX_PIXELS = 50_000_000

#: Downscaling filter: each output pixel is the area average of the pixels it covers. Sharp
#: enough for choosing colours, and a third of Lanczos's time at these sizes (1.1 s vs 3.1 s
#: for 90 MP -> 50 MP).
DOWNSCALE_FILTER = Image.Resampling.BOX


class ImageLoadError(ValueError):
    """The file could not be turned into an RGB image; the message says why."""


class ImageTooLargeError(ImageLoadError):
    """The image has more than :data:`MAX_PIXELS` pixels; ``load_image(..., downscale=True)`` opens it.

    Attributes
    ----------
    name : str
    size : (width, height)
        As stored in the file.
    downscaled_size : (width, height)
        What ``downscale=True`` gives.
    limit : int
    """

    def __init__(self, name: str, size: tuple[int, int], limit: int):
        self.name, self.size, self.limit = name, tuple(size), int(limit)
        self.downscaled_size = fit_within(size, limit)
        w, h = self.size
        super().__init__(
            f"{name} is {w:,} x {h:,} pixels ({w * h / 1e6:.1f} MP), more than the {limit / 1e6:g} MP "
            f"this program works on. It can be opened downscaled to {self.downscaled_size[0]:,} x "
            f"{self.downscaled_size[1]:,}."
        )


def fit_within(size, max_pixels: int) -> tuple[int, int]:
    """The largest (width, height) with the aspect ratio of ``size`` and at most ``max_pixels`` pixels."""
    w, h = int(size[0]), int(size[1])
    if w * h <= max_pixels:
        return w, h
    scale = math.sqrt(max_pixels / (w * h))
    tw, th = max(1, math.floor(w * scale)), max(1, math.floor(h * scale))
    while tw * th > max_pixels:  # floating-point rounding at the edge
        if tw >= th:
            tw -= 1
        else:
            th -= 1
    return tw, th


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """A decoded image ready for quantization.

    Attributes
    ----------
    pixels : ndarray of shape (height, width, 3), uint8, read-only
    name : str
        File name (or sample name) for titles and messages.
    path : str or None
        Where it came from; None for in-memory images.
    file_size : int or None
        Bytes of the file on disk, to compare the quantized PNG with.
    original_mode : str
        Pillow's mode before conversion ("RGB", "P", "CMYK", "I;16", ...).
    format : str or None
        Pillow's format name ("JPEG", "PNG", ...).
    notes : tuple of str
        What was done to make it RGB, in plain words.
    downscaled_from : (width, height) or None
        The upright size in the file when the pixels are a downscaled copy of it.
    """

    pixels: np.ndarray
    name: str
    path: str | None = None
    file_size: int | None = None
    original_mode: str = "RGB"
    format: str | None = None
    notes: tuple = ()
    downscaled_from: tuple | None = None

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def load_image(path, *, background=BACKGROUND, downscale: bool = False, max_pixels: int | None = None) -> LoadedImage:
    """Read an image file as upright RGB uint8.

    Parameters
    ----------
    path : str or os.PathLike
    background : tuple of 3 ints
        Colour that transparent areas are composited onto.
    downscale : bool
        For an image of more than ``max_pixels`` pixels: False raises :class:`ImageTooLargeError`,
        True returns it downscaled to the largest size within the limit (a JPEG is decoded at a
        reduced scale directly, so it never costs its full size in memory).
    max_pixels : int, optional
        Defaults to :data:`MAX_PIXELS`.

    Returns
    -------
    LoadedImage

    Raises
    ------
    ImageTooLargeError
        More than ``max_pixels`` pixels and ``downscale`` is False.
    ImageLoadError
        Missing, unreadable or not a regular file, not an image, truncated or corrupt data, more
        pixels than can be decoded at all (Pillow's decompression-bomb guard), or a mode that
        cannot become RGB.
    """
    path = os.fspath(path)
    name = os.path.basename(path) or path
    limit = MAX_PIXELS if max_pixels is None else int(max_pixels)
    if not os.path.exists(path):
        raise ImageLoadError(f"{name}: no such file ({path}).")
    if os.path.isdir(path):
        raise ImageLoadError(f"{name} is a folder, not an image file.")
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ImageLoadError(f"{name}: cannot read the file ({exc.strerror or exc}).") from exc
    if not stat.S_ISREG(info.st_mode):
        # A pipe would block the open forever, a device never ends: neither is a file to decode.
        raise ImageLoadError(f"{name} is {_file_kind(info.st_mode)}, not a regular file; save the image to a file first.")
    file_size = info.st_size
    if file_size == 0:
        raise ImageLoadError(f"{name} is empty (0 bytes).")
    try:
        with warnings.catch_warnings():
            # Pillow warns between its limit and twice it; our own limit (downscale or refuse) decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                fmt = im.format
                mode = im.mode
                if im.width * im.height > limit and not downscale:
                    raise ImageTooLargeError(name, im.size, limit)
                stored_size = im.size
                pixels, notes = to_rgb(im, background=background, max_pixels=limit)
    except ImageLoadError as exc:
        if isinstance(exc, ImageTooLargeError):
            raise
        raise ImageLoadError(f"{name}: {exc}") from None
    except Image.DecompressionBombError:
        raise ImageLoadError(
            f"{name} has more than {2 * Image.MAX_IMAGE_PIXELS:,} pixels, the most this program decodes "
            "(a guard against 'decompression bombs'); it cannot be opened, even downscaled."
        ) from None
    except UnidentifiedImageError:
        raise ImageLoadError(
            f"{name} is not an image file this program can read (not a PNG, JPEG, GIF, BMP, TIFF, WebP...)."
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow reports truncated and corrupt data as OSError (sometimes SyntaxError/ValueError).
        detail = str(exc) or type(exc).__name__
        raise ImageLoadError(f"{name} is damaged or truncated and cannot be decoded ({detail}).") from None
    except MemoryError:
        raise ImageLoadError(f"{name} is too large to decode in the available memory.") from None
    downscaled_from = None
    if stored_size[0] * stored_size[1] > limit:
        # to_rgb turned it upright: the long side of the result matches the long side upright.
        turned = (pixels.shape[1] >= pixels.shape[0]) != (stored_size[0] >= stored_size[1])
        downscaled_from = stored_size[::-1] if turned else stored_size
    return LoadedImage(pixels, name, path, file_size, mode, fmt, tuple(notes), downscaled_from)


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def sample_image(name: str) -> LoadedImage:
    """One of the built-in sample photos (``SAMPLE_IMAGES``), via scikit-learn, offline.

    Raises
    ------
    ImageLoadError
        For an unknown name.
    """
    if name not in SAMPLE_IMAGES:
        raise ImageLoadError(f"Unknown sample image {name!r}; choose one of {SAMPLE_IMAGES}.")
    from sklearn.datasets import load_sample_image

    pixels = np.ascontiguousarray(load_sample_image(name), dtype=np.uint8)
    pixels.setflags(write=False)
    file_size = None
    try:
        from importlib import resources

        file_size = resources.files("sklearn.datasets.images").joinpath(name).stat().st_size
    except (OSError, AttributeError, ModuleNotFoundError):
        pass  # the size is only a figure for comparison
    return LoadedImage(pixels, name, None, file_size, "RGB", "JPEG", ("Built-in sample from scikit-learn.",))


def to_rgb(im: Image.Image, *, background=BACKGROUND, max_pixels: int | None = None) -> tuple[np.ndarray, list[str]]:
    """Convert an open Pillow image to upright RGB uint8, saying what was done.

    With ``max_pixels``, a larger image is downscaled (aspect kept) to at most that many pixels;
    a JPEG is then decoded at the smallest of its 1/2, 1/4, 1/8 scales that is still large enough.

    Returns
    -------
    pixels : ndarray of shape (height, width, 3), uint8, read-only
    notes : list of str
    """
    notes: list[str] = []
    n_frames = getattr(im, "n_frames", 1)
    if getattr(im, "is_animated", False) and n_frames > 1:
        im.seek(0)
        notes.append(f"Animated image with {n_frames} frames: using the first frame.")
    stored_size = im.size
    too_large = max_pixels is not None and stored_size[0] * stored_size[1] > max_pixels
    if too_large and im.format == "JPEG":
        im.draft(im.mode, fit_within(stored_size, max_pixels))  # a 1/2, 1/4 or 1/8 scale, still >= that size
    im.load()  # decode now, so truncated data fails here with a clear error
    orientation = im.getexif().get(0x0112, 1)  # EXIF Orientation tag
    if orientation in range(2, 9):
        im = ImageOps.exif_transpose(im)
        notes.append(f"Rotated/flipped upright as its EXIF orientation ({orientation}) asks.")
    elif orientation not in (None, 1):
        notes.append(f"EXIF orientation {orientation!r} is not a valid value (1 to 8): ignored, shown as stored.")
    shrink = None
    if too_large:
        upright = stored_size[::-1] if orientation in (5, 6, 7, 8) else stored_size
        shrink = fit_within(upright, max_pixels)
        notes.append(_downscale_note(upright, shrink, max_pixels))
    mode = im.mode

    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(im)
        if mode == "I" and arr.size and int(arr.max()) <= 255 and int(arr.min()) >= 0:
            grey = arr.astype(np.uint8)
            notes.append("32-bit integer greyscale with values 0..255: used as 8-bit grey.")
        else:
            lo = 0
            hi = 65535 if arr.size == 0 or (int(arr.min()) >= 0 and int(arr.max()) <= 65535) else int(arr.max())
            if hi == 65535:
                grey = np.rint(arr.astype(np.float64) * (255.0 / 65535.0)).astype(np.uint8)
                notes.append("16-bit greyscale reduced to 8 bits per channel.")
            else:
                lo = int(arr.min())
                span = max(1, hi - lo)
                grey = np.rint((arr.astype(np.float64) - lo) * (255.0 / span)).astype(np.uint8)
                notes.append(f"32-bit integer greyscale ({lo}..{hi}) stretched to 0..255.")
        rgb = np.repeat(grey[:, :, None], 3, axis=2)
        notes.append("Greyscale image: shown as grey RGB.")
        return _finish(rgb, shrink), notes
    if mode == "F":
        arr = np.asarray(im, dtype=np.float64)
        finite = np.isfinite(arr)
        if not finite.any():
            raise ImageLoadError("the floating-point image holds no finite values.")
        lo, hi = float(arr[finite].min()), float(arr[finite].max())
        scaled = np.where(finite, (arr - lo) / (hi - lo if hi > lo else 1.0), 0.0)
        grey = np.rint(scaled * 255).astype(np.uint8)
        notes.append(f"Floating-point greyscale ({lo:g}..{hi:g}) stretched to 0..255.")
        return _finish(np.repeat(grey[:, :, None], 3, axis=2), shrink), notes

    has_alpha = mode in ("RGBA", "LA", "La", "RGBa", "PA") or (
        mode in ("P", "L", "RGB") and "transparency" in im.info
    )
    if mode == "P":
        n_used = len(im.getcolors(256) or [])
        notes.append(f"Palette image ({n_used or 'up to 256'} colours) expanded to RGB.")
    elif mode in ("L", "LA", "1"):
        notes.append("Greyscale image: shown as grey RGB." if mode != "1" else "Black-and-white image: shown as RGB.")
    elif mode == "CMYK":
        notes.append("CMYK image converted to RGB with Pillow's simple formula (no colour profile).")
    elif mode not in ("RGB", "RGBA", "RGBa"):
        notes.append(f"{mode} image converted to RGB.")

    if has_alpha:
        rgba = im.convert("RGBA")
        alpha = np.asarray(rgba)[:, :, 3]
        n_transparent = int(np.count_nonzero(alpha < 255))
        if n_transparent == 0:
            notes.append("The alpha channel is fully opaque: ignored.")
            rgb = rgba.convert("RGB")
        else:
            share = 100.0 * n_transparent / alpha.size
            canvas = Image.new("RGBA", rgba.size, tuple(background) + (255,))
            rgb = Image.alpha_composite(canvas, rgba).convert("RGB")
            notes.append(
                f"Transparency: {share:.1f}% of the pixels are (partly) transparent; "
                f"composited onto {_colour_name(background)} (quantization sees no alpha)."
            )
        return _finish(rgb, shrink), notes
    try:
        rgb = im if im.mode == "RGB" else im.convert("RGB")  # no copy of an RGB image
    except (ValueError, OSError) as exc:
        raise ImageLoadError(f"images of mode {mode} cannot be converted to RGB ({exc}).") from exc
    return _finish(rgb, shrink), notes


def _colour_name(rgb) -> str:
    return "white" if tuple(rgb) == (255, 255, 255) else f"the colour {tuple(rgb)}"


def _downscale_note(stored_size, size, max_pixels) -> str:
    (w, h), (tw, th) = stored_size, size
    return (f"Downscaled from {w:,} x {h:,} to {tw:,} x {th:,} pixels to stay within the "
            f"{max_pixels / 1e6:g} MP this program works on.")


def _finish(rgb, target: tuple[int, int] | None) -> np.ndarray:
    """RGB as a Pillow image or an array -> read-only uint8 array, resized to ``target`` if given."""
    if target is not None:
        size = rgb.size if isinstance(rgb, Image.Image) else (rgb.shape[1], rgb.shape[0])
        if tuple(target) != tuple(size):
            img = rgb if isinstance(rgb, Image.Image) else Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8))
            rgb = img.resize(target, DOWNSCALE_FILTER)
    return _freeze(np.asarray(rgb) if isinstance(rgb, Image.Image) else rgb)


def _freeze(a: np.ndarray) -> np.ndarray:
    out = np.ascontiguousarray(a, dtype=np.uint8)
    if out.ndim != 3 or out.shape[2] != 3:
        raise ImageLoadError(f"decoding gave an array of shape {out.shape}, not (height, width, 3).")
    out.setflags(write=False)
    return out
