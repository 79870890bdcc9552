"""Image loading with validation: any file Pillow reads becomes upright 8-bit RGB, or a clear error.

What happens to each kind of input is reported in :attr:`LoadedImage.notes`, so the GUI and the
command line can tell the user (alpha composited on white, first frame of an animation, ...).
Failures raise :class:`ImageLoadError`, a ``ValueError`` whose message says what is wrong.
No Qt here.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["ImageLoadError", "LoadedImage", "load_image", "sample_image", "SAMPLE_IMAGES", "to_rgb"]

#: Built-in samples: scikit-learn ships them, so they work offline.
SAMPLE_IMAGES = ("china.jpg", "flower.jpg")

#: Transparent pixels are composited onto this colour.
BACKGROUND = (255, 255, 255)


class ImageLoadError(ValueError):
    """The file could not be turned into an RGB image; the message says why."""


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
    """

    pixels: np.ndarray
    name: str
    path: str | None = None
    file_size: int | None = None
    original_mode: str = "RGB"
    format: str | None = None
    notes: tuple = ()

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def load_image(path, *, background=BACKGROUND) -> LoadedImage:
    """Read an image file as upright RGB uint8.

    Parameters
    ----------
    path : str or os.PathLike
    background : tuple of 3 ints
        Colour that transparent areas are composited onto.

    Returns
    -------
    LoadedImage

    Raises
    ------
    ImageLoadError
        Missing or unreadable file, not an image, truncated or corrupt data, more pixels than
        Pillow's decompression-bomb limit, or a mode that cannot become RGB.
    """
    path = os.fspath(path)
    name = os.path.basename(path) or path
    if not os.path.exists(path):
        raise ImageLoadError(f"{name}: no such file ({path}).")
    if os.path.isdir(path):
        raise ImageLoadError(f"{name} is a folder, not an image file.")
    try:
        file_size = os.path.getsize(path)
    except OSError as exc:
        raise ImageLoadError(f"{name}: cannot read the file ({exc.strerror or exc}).") from exc
    if file_size == 0:
        raise ImageLoadError(f"{name} is empty (0 bytes).")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; treat both the same.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                fmt = im.format
                mode = im.mode
                pixels, notes = to_rgb(im, background=background)
    except ImageLoadError as exc:
        raise ImageLoadError(f"{name}: {exc}") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageLoadError(
            f"{name} is too large to open safely: {_bomb_detail(exc)} This guard against "
            "'decompression bombs' is Pillow's Image.MAX_IMAGE_PIXELS."
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
    return LoadedImage(pixels, name, path, file_size, mode, fmt, tuple(notes))


def _bomb_detail(exc: Exception) -> str:
    limit = Image.MAX_IMAGE_PIXELS
    text = str(exc)
    if limit:
        return f"it has more pixels than the limit of {limit:,}. ({text})"
    return text


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


def to_rgb(im: Image.Image, *, background=BACKGROUND) -> tuple[np.ndarray, list[str]]:
    """Convert an open Pillow image to upright RGB uint8, saying what was done.

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
    im.load()  # decode now, so truncated data fails here with a clear error
    upright = ImageOps.exif_transpose(im)
    orientation = im.getexif().get(0x0112, 1)  # EXIF Orientation tag
    if orientation not in (None, 1):
        notes.append(f"Rotated/flipped upright as its EXIF orientation ({orientation}) asks.")
    im = upright
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
        return _freeze(rgb), notes
    if mode == "F":
        arr = np.asarray(im, dtype=np.float64)
        finite = np.isfinite(arr)
        if not finite.any():
            raise ImageLoadError("the floating-point image holds no finite values.")
        lo, hi = float(arr[finite].min()), float(arr[finite].max())
        scaled = np.where(finite, (arr - lo) / (hi - lo if hi > lo else 1.0), 0.0)
        grey = np.rint(scaled * 255).astype(np.uint8)
        notes.append(f"Floating-point greyscale ({lo:g}..{hi:g}) stretched to 0..255.")
        return _freeze(np.repeat(grey[:, :, None], 3, axis=2)), notes

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
            rgb = np.asarray(rgba.convert("RGB"))
        else:
            share = 100.0 * n_transparent / alpha.size
            canvas = Image.new("RGBA", rgba.size, tuple(background) + (255,))
            rgb = np.asarray(Image.alpha_composite(canvas, rgba).convert("RGB"))
            notes.append(
                f"Transparency: {share:.1f}% of the pixels are (partly) transparent; "
                f"composited onto {_colour_name(background)} (quantization sees no alpha)."
            )
        return _freeze(rgb), notes
    try:
        rgb = np.asarray(im.convert("RGB"))
    except (ValueError, OSError) as exc:
        raise ImageLoadError(f"images of mode {mode} cannot be converted to RGB ({exc}).") from exc
    return _freeze(rgb), notes


def _colour_name(rgb) -> str:
    return "white" if tuple(rgb) == (255, 255, 255) else f"the colour {tuple(rgb)}"


def _freeze(a: np.ndarray) -> np.ndarray:
    out = np.ascontiguousarray(a, dtype=np.uint8)
    if out.ndim != 3 or out.shape[2] != 3:
        raise ImageLoadError(f"decoding gave an array of shape {out.shape}, not (height, width, 3).")
    out.setflags(write=False)
    return out
