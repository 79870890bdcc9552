"""The Image tab's model: which image, the quantization settings, the outcome, Pillow's results.

Qt-free. The settings are :class:`~kmeans_gui.state.events.Field` s (saved in a session, bound to
the tab's widgets); the loaded pixels and the outcome are runtime results, announced by
``events.image`` and ``events.outcome``. :func:`load_task` and :func:`quantize_task` are the work
itself: plain functions of plain data that the tab runs on a worker thread (any object with
``set_progress``, ``set_partial``, ``cancelled`` and ``check_cancelled`` serves as ``ctx``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..data.images import SAMPLE_IMAGES, ImageLoadError, ImageTooLargeError, LoadedImage, load_image, sample_image
from ..engine.progress import Cancelled
from ..engine.quantize import QuantizeResult, indexed_png_bytes, pillow_quantize, quantize
from . import words
from .events import Event, EventedModel, Field, boolean, number, one_of, whole_number

__all__ = [
    "ImageModel", "Outcome", "ColourCloudData", "colour_cloud_data", "load_task", "quantize_task",
    "METHOD_LABELS", "RIGHT_IMAGE_CHOICES", "SPACE_LABELS", "TARGET_LABELS",
]

METHOD_LABELS = {
    "sample": "Sample, refined on all pixels",
    "full": "Full image (exact k-means)",
    "minibatch": "Mini-batch",
}
SPACE_LABELS = {"srgb": "sRGB", "lab": "CIELAB (perceptual)", "oklab": "OKLab (perceptual)"}
#: What decides the number of colours: k itself, or the fewest colours that reach a quality.
TARGET_LABELS = {"k": "Number of colours k", "psnr": "PSNR at least (dB)", "delta_e": "Mean ΔE 2000 at most"}
#: What the right-hand image can show: ours, then Pillow's two quantizers in the order they are computed.
RIGHT_IMAGE_CHOICES = ("k-means", "Pillow median cut", "Pillow fast octree")
PILLOW_METHODS = ("median cut", "fast octree")


# ---------------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class ColourCloudData:
    """Projected sample and palette.

    Attributes
    ----------
    points : ndarray of shape (m, 2), float64 -- sampled pixels, projected
    labels : ndarray of shape (m,), int -- their palette index
    centers : ndarray of shape (p, 2) -- palette colours, projected
    palette : ndarray of shape (p, 3), uint8
    explained : tuple of 2 floats -- share of colour variance along each axis
    """

    points: np.ndarray
    labels: np.ndarray
    centers: np.ndarray
    palette: np.ndarray
    explained: tuple


def colour_cloud_data(pixels, indices, palette, *, n=3000, seed=0) -> ColourCloudData:
    """Sample ``n`` pixels and project them and the palette onto the first two principal axes.

    Parameters
    ----------
    pixels : ndarray of shape (h, w, 3), uint8
    indices : ndarray of shape (h, w), uint8 -- palette index per pixel
    palette : ndarray of shape (p, 3), uint8
    """
    flat = pixels.reshape(-1, 3)
    rng = np.random.default_rng(seed)
    rows = rng.choice(flat.shape[0], size=min(n, flat.shape[0]), replace=False)
    X = flat[rows].astype(np.float64)
    mean = X.mean(axis=0)
    cov = np.cov((X - mean).T) if X.shape[0] > 1 else np.eye(3)
    vals, vecs = np.linalg.eigh(np.atleast_2d(cov))
    order = np.argsort(vals)[::-1][:2]
    axes = vecs[:, order]
    # Point the first axis towards brighter colours, so light is right whatever eigh returned.
    axes *= np.where(axes.sum(axis=0) < 0, -1.0, 1.0)
    total = float(vals.sum()) or 1.0
    explained = tuple(float(max(v, 0.0)) / total for v in vals[order])
    return ColourCloudData(
        points=(X - mean) @ axes,
        labels=indices.reshape(-1)[rows].astype(np.intp),
        centers=(palette.astype(np.float64) - mean) @ axes,
        palette=np.asarray(palette, dtype=np.uint8),
        explained=explained,
    )


@dataclass(frozen=True, eq=False)
class Outcome:
    """Everything one quantization run produced for the tab."""

    result: QuantizeResult
    quantized: np.ndarray  # (h, w, 3) uint8, palette[indices]
    cloud: ColourCloudData
    png_size: int | None = None
    comparisons: tuple = ()  # PillowResult, in RIGHT_IMAGE_CHOICES[1:] order
    search: object = None  # TargetSearch when a quality target chose k


# ---------------------------------------------------------------------------------- the work


def load_task(ctx, kind: str, source: str, downscale: bool = False):
    """Load a file (``kind`` "file", shrunk to the size limit when ``downscale``) or a built-in sample.

    Returns ("loaded", LoadedImage), ("too large", (source, text)) or ("error", text). A loaded
    image is also handed over as a partial result ("loaded", LoadedImage) before the colour
    kernels are loaded (compiled, the first time: 15-20 s), so it can be shown at once.
    """
    ctx.set_progress(0.0, f"loading {os.path.basename(source)}")
    try:
        if kind == "sample":
            loaded = sample_image(source)
        else:
            loaded = load_image(source, downscale=True) if downscale else load_image(source)
    except ImageTooLargeError as exc:
        return "too large", (source, str(exc))
    except ImageLoadError as exc:
        return "error", str(exc)
    except Exception as exc:  # noqa: BLE001 -- any loader failure is "could not open", not a quantize failure
        return "error", words.could_not_open(os.path.basename(source), exc)
    ctx.set_partial(("loaded", loaded))
    ctx.set_progress(0.9, words.PREPARING_COLOUR_KERNELS)
    from ..engine import palette_mapping

    palette_mapping.warm_up()  # now, while the user looks at the image, not during a quantize they do not watch
    return "loaded", loaded


def quantize_task(ctx, pixels, k, method, sample_size, seed, compare=True, known_comparisons=None, *,
                  space="srgb", dither=False, target="k", target_value=None, locked=()) -> Outcome:
    """Quantize (at k, or at the fewest colours reaching ``target``), hand our result over as a
    partial, then add the PNG size and Pillow's results at the k used."""
    progress = lambda f, msg: ctx.set_progress(0.6 * f, msg)  # noqa: E731
    search = None
    try:
        if target == "k":
            locked_rgb = np.array([_rgb_of(h) for h in locked], dtype=np.uint8).reshape(-1, 3)
            result = quantize(
                pixels, k, method=method, sample_size=sample_size, seed=seed, space=space, dither=dither,
                locked=locked_rgb if locked_rgb.shape[0] else None, progress=progress,
                should_stop=lambda: ctx.cancelled,
            )
        else:
            from ..engine.quantize_target import quantize_to_target

            goal = {"psnr": target_value} if target == "psnr" else {"delta_e": target_value}
            search = quantize_to_target(pixels, **goal, space=space, dither=dither, seed=seed,
                                        sample_size=max(sample_size, 256), progress=progress,
                                        should_stop=lambda: ctx.cancelled)
            result = search.result
            known_comparisons = None  # they were for the k of the slider, not the k found
    except Cancelled:
        ctx.check_cancelled()  # the runner's own "cancelled" path, not a failure
        raise
    cloud = colour_cloud_data(pixels, result.indices, result.palette, seed=seed or 0)
    ours = Outcome(result, result.image(), cloud, comparisons=tuple(known_comparisons or ()), search=search)
    ctx.set_partial(ours)
    ctx.set_progress(0.65, "encoding the indexed PNG")
    png_size = len(indexed_png_bytes(result.indices, result.palette))
    comparisons = list(known_comparisons or ())
    if compare and not comparisons:
        for i, name in enumerate(PILLOW_METHODS):
            ctx.set_progress(0.75 + 0.12 * i, f"Pillow {name} for comparison")
            comparisons.append(pillow_quantize(pixels, result.n_colors, name, dither=result.dither_strength))
    return Outcome(result, ours.quantized, ours.cloud, png_size, tuple(comparisons), search)


def hex_of(rgb) -> str:
    """(r, g, b) -> "#rrggbb"."""
    r, g, b = (int(v) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _rgb_of(text: str) -> tuple[int, int, int]:
    return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)


def _locked(value) -> str:
    """Distinct "#rrggbb" colours separated by spaces (at most 255: one palette entry stays free).

    A string rather than a list, so that a session's JSON reads back to an equal value.
    """
    if not isinstance(value, str):
        raise ValueError(f"{value!r} must be colours written #rrggbb, separated by spaces")
    out = []
    for item in value.split():
        if not (isinstance(item, str) and len(item) == 7 and item[0] == "#"
                and all(c in "0123456789abcdefABCDEF" for c in item[1:])):
            raise ValueError(f"{item!r} must be a colour written #rrggbb")
        if item.lower() not in out:
            out.append(item.lower())
    if len(out) > 255:
        raise ValueError(f"{len(out)} locked colours: at most 255 (one palette colour must stay free)")
    return " ".join(out)


# ---------------------------------------------------------------------------------- the model


def _source(value):
    """None, {"kind": "sample", "name": one of SAMPLE_IMAGES} or {"kind": "file", "path": text}."""
    if value is None:
        return None
    if isinstance(value, dict) and value.get("kind") == "sample" and set(value) == {"kind", "name"}:
        if value["name"] in SAMPLE_IMAGES:
            return {"kind": "sample", "name": value["name"]}
    if isinstance(value, dict) and value.get("kind") == "file" and set(value) == {"kind", "path"}:
        if isinstance(value["path"], str) and value["path"]:
            return {"kind": "file", "path": value["path"]}
    raise ValueError(f"{value!r} must be null, {{'kind': 'sample', 'name': one of {', '.join(SAMPLE_IMAGES)}}} "
                     "or {'kind': 'file', 'path': a file name}")


class ImageModel(EventedModel):
    """Settings of the Image tab, the image shown and what quantizing it produced.

    Events: one per field, ``changed`` (any setting), ``image`` (another image is shown; the
    outcome is gone), ``outcome`` (a new or fuller outcome), ``loading`` (a load started or ended).
    """

    k = Field(16, whole_number(2, 256), "number of colours (an indexed PNG holds up to 256)")
    method = Field("sample", one_of(*METHOD_LABELS), "how k-means is fitted")
    sample_size = Field(10_000, whole_number(256, 5_000_000), "pixels drawn for the first fit (method 'sample')")
    seed = Field(0, whole_number(0, 2**31 - 1), "seed of the sample and the k-means++ seeding")
    right_image = Field(RIGHT_IMAGE_CHOICES[0], one_of(*RIGHT_IMAGE_CHOICES), "what the right-hand image shows")
    space = Field("srgb", one_of(*SPACE_LABELS), "colour space k-means runs in: srgb, lab or oklab")
    dither = Field(False, boolean, "Floyd-Steinberg dithering of the result and the PNG")
    dither_strength = Field(1.0, number(0.05, 1.0), "share of each pixel's error the dithering passes on")
    target = Field("k", one_of(*TARGET_LABELS), "what sets the number of colours: k, or a PSNR or Delta E target")
    target_psnr = Field(30.0, number(10.0, 60.0), "PSNR (dB) the fewest colours must reach")
    target_delta_e = Field(3.0, number(0.5, 30.0), "mean Delta E 2000 the fewest colours must stay under")
    locked = Field("", _locked, "palette colours pinned by the user: #rrggbb, separated by spaces")
    source = Field(None, _source, "where the image shown came from, to open it again")

    def __init__(self, **values):
        super().__init__(**values)
        for name in ("image", "outcome", "loading"):
            setattr(self.events, name, Event(name))
        self.loaded: LoadedImage | None = None
        self.loaded_source: dict | None = None
        self.outcome: Outcome | None = None
        self.loading = False
        # Pillow's results depend only on the image and k, and its median cut takes seconds at
        # 12 MP and cannot be interrupted: compute each k once per image.
        self._pillow_cache: dict[tuple, tuple] = {}  # (k, dither strength) -> results

    # ------------------------------------------------------------------ loading
    @staticmethod
    def source_for(kind: str, value) -> dict:
        """The ``source`` value of a file path or a sample name."""
        return _source({"kind": "sample", "name": value} if kind == "sample" else {"kind": "file", "path": os.fspath(value)})

    def set_loading(self, loading: bool) -> None:
        if loading != self.loading:
            self.loading = loading
            self.events.loading.emit()

    def set_loaded(self, loaded: LoadedImage, source: dict | None = None) -> None:
        """Show ``loaded`` (from ``source``); the outcome and Pillow's results of the old one go."""
        self.loaded = loaded
        self.loaded_source = source
        self.outcome = None
        self._pillow_cache.clear()
        self.events.image.emit()
        if source is not None:
            self.source = source

    @property
    def needs_load(self) -> bool:
        """True when ``source`` names an image other than the one shown (after a session load)."""
        return self.source is not None and self.source != self.loaded_source

    # ------------------------------------------------------------------ quantizing
    def quantize_args(self) -> tuple:
        """Arguments of :func:`quantize_task` for the current image and settings (ValueError without one)."""
        if self.loaded is None:
            raise ValueError(words.NO_IMAGE)
        return (self.loaded.pixels, self.k, self.method, self.sample_size, self.seed)

    def quantize_options(self) -> dict:
        """Keyword arguments of :func:`quantize_task` beyond :meth:`quantize_args`."""
        value = {"psnr": self.target_psnr, "delta_e": self.target_delta_e}.get(self.target)
        dither = self.dither_strength if self.dither else False
        return dict(space=self.space, dither=dither, target=self.target, target_value=value,
                    locked=self.locked_colours())

    def locked_colours(self) -> tuple:
        """The pinned colours, "#rrggbb" each."""
        return tuple(self.locked.split())

    def toggle_locked(self, rgb) -> bool:
        """Pin the colour ``rgb`` (unpin it if pinned); returns whether it is now locked.

        Raises ValueError when pinning would leave no colour free at the current k.
        """
        colour = hex_of(rgb)
        pinned = self.locked_colours()
        if colour in pinned:
            self.locked = " ".join(c for c in pinned if c != colour)
            return False
        if len(pinned) + 1 >= self.k:
            raise ValueError(words.too_many_locked(len(pinned) + 1, self.k))
        self.locked = " ".join(pinned + (colour,))
        return True
    def known_comparisons(self, k: int | None = None) -> tuple | None:
        """Pillow's results at ``k`` (default: the current k) for this image, if computed before."""
        if k is None and self.target != "k":
            return None  # the k is not known until the search has found it
        strength = self.dither_strength if self.dither else 0.0
        return self._pillow_cache.get((self.k if k is None else k, strength))

    def set_outcome(self, outcome: Outcome) -> None:
        self.outcome = outcome
        if outcome.comparisons:
            self._pillow_cache[(outcome.result.n_colors, outcome.result.dither_strength)] = outcome.comparisons
        self.events.outcome.emit()

    def right_image_index(self) -> int:
        return RIGHT_IMAGE_CHOICES.index(self.right_image)
