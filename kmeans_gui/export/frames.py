"""Draw one k-means state as a picture with Pillow and NumPy (no Qt): for GIFs and filmstrips.

Points are stamped into a NumPy image as small discs (so 100,000 points cost no more than a few
array writes), at twice the final resolution and then averaged down, which smooths their edges.
Centroids, their moves and the text are drawn with Pillow. The axes are fixed for the whole run
(the data's bounds, equal scale on both axes, as k-means measures distance), so frames line up.
Voronoi regions are shaded only when the picture is the data's own plane: for data of more
dimensions the regions of the projection would not be the clustering's.

The variants are drawn as the Explore canvas draws them: soft k-means and the Gaussian mixture
colour each point by the responsibility-weighted mix of its clusters' colours (paler where it is
unsure) and shade no regions (those describe hard nearest-centre assignment); the mixture adds
each component's 1- and 2-sigma ellipses; a mini-batch step rings the points of its batch.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..cluster_colours import OUTLINE_HEX, UNASSIGNED_HEX, cluster_table
from ..engine import KMeansState, uncertainty
from ..state.params import INIT_LABELS
from ..state.phases import is_final_assignment
from .source import RunSource

__all__ = ["StatePainter", "caption", "detail"]

SUPERSAMPLE = 2
_INK = (40, 40, 40)
_MUTED = (110, 110, 110)
_FRAME = (200, 200, 200)
_REGION_TINT = 0.82  # share of white mixed into a cluster's colour for its region
_BATCH_RING = (17, 17, 17)
#: As the canvas (ui/explore/memberships.py): a point shared equally by all k clusters is drawn
#: this far from its mixed colour towards white; ellipses in this shade of their cluster's colour.
_UNSURE_FADE = 0.75
_ELLIPSE_SHADE = 0.55
_SIGMAS = (1.0, 2.0)
HARD_ALGORITHMS = ("lloyd", "minibatch")
# algorithm -> phase -> how a caption names the half-step ("Iteration 2 - E-step")
_PHASE_NAMES = {
    "lloyd": {"assign": "assign", "update": "update"},
    "soft": {"assign": "soft assign", "update": "update"},
    "gmm": {"assign": "E-step", "update": "M-step"},
}
_FINAL_NAMES = {"soft": "Final soft assignment", "gmm": "Final E-step"}


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _fitting(draw: ImageDraw.ImageDraw, text: str, size: int, room: float) -> ImageFont.FreeTypeFont:
    """The font at ``size``, or smaller (down to two thirds) so that ``text`` fits in ``room`` pixels."""
    smallest = max(8, (2 * size) // 3)
    while size > smallest and draw.textlength(text, font=font(size)) > room:
        size -= 1
    return font(size)


def caption(state, k: int, init: str) -> str:
    """ "Iteration 2 - assign", "Seed 3 of 4 - k-means++", "Start - random", "Iteration 2 - E-step",
    "Batch 7 - 50 points"."""
    algorithm = getattr(state, "algorithm", "lloyd")
    if state.phase == "init":
        init = INIT_LABELS.get(init, init)  # "Tutorial: k-means++", as the window names it, not its id
        seed = getattr(state, "seed", None)
        return f"Start - {init}" if seed is None else f"Seed {state.n_seeds} of {k} - {init}"
    if algorithm == "minibatch":
        n = 0 if state.batch is None else state.batch.size
        return f"Batch {state.iteration} - {n:,} point{'s' * (n != 1)}"
    if algorithm in _FINAL_NAMES and is_final_assignment(state):
        return _FINAL_NAMES[algorithm]
    return f"Iteration {state.iteration} - {_PHASE_NAMES.get(algorithm, _PHASE_NAMES['lloyd'])[state.phase]}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def detail(state) -> str:
    """A short line of figures for the half-step: the objective, points changed, why it stopped."""
    parts = []
    objective = getattr(state, "objective", None)
    if objective is not None:
        parts.append(f"{getattr(state, 'objective_name', 'inertia')} {_number(float(objective))}")
    n_changed = getattr(state, "n_changed", None)
    if state.phase == "assign" and n_changed is not None:
        parts.append(f"{n_changed:,} point{'s' * (n_changed != 1)} "
                     f"{'assigned' if state.iteration == 1 else 'changed'}")
    batch = getattr(state, "batch", None)
    if batch is not None:
        parts.append(f"batch of {batch.size:,} ringed")
    shift = getattr(state, "center_shift", None)
    if state.phase == "update" and shift is not None and len(shift):
        parts.append(f"centres moved {float(np.max(shift)):.3g} at most")
    if getattr(state, "collapsed", ()):
        parts.append(f"{len(state.collapsed)} component{'s' * (len(state.collapsed) != 1)} held at the variance floor")
    if state.stop_reason:
        parts.append(("converged: " if state.converged else "stopped: ") + state.stop_reason)
    return "  ·  ".join(parts)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _disc(radius: int) -> tuple[np.ndarray, np.ndarray]:
    r = np.arange(-radius, radius + 1)
    dy, dx = np.meshgrid(r, r, indexing="ij")
    inside = dx**2 + dy**2 <= radius**2 + radius * 0.5
    return dy[inside], dx[inside]


class StatePainter:
    """Paints states of one run at one size; the axes are fixed when it is made.

    Parameters
    ----------
    source : RunSource
    size : (int, int)
        Width and height of every picture, in pixels.
    regions : bool
        Shade Voronoi regions (only drawn when ``source.is_planar``).
    """

    def __init__(self, source: RunSource, size: tuple[int, int], *, regions: bool = True):
        self.source = source
        self.width, self.height = size
        self.regions = regions and source.is_planar and source.algorithm in HARD_ALGORITHMS
        scale = min(self.width, self.height) / 640
        self.caption_size = max(16, round(26 * scale))
        self.small_size = max(12, round(15 * scale))
        self.top = self.caption_size + max(10, round(22 * scale)) + self.small_size
        self.left = self.small_size + max(8, round(14 * scale))
        self.bottom = self.small_size + max(8, round(14 * scale))
        self.right = max(6, round(12 * scale))
        self.plot_w = max(16, self.width - self.left - self.right)
        self.plot_h = max(16, self.height - self.top - self.bottom)
        P = source.projection.transform(source.X)
        self._fit_axes(P)
        self._pixels = self._to_pixels(P)  # at SUPERSAMPLE scale
        n = P.shape[0]
        radius = 3 if n <= 3_000 else 2 if n <= 30_000 else 1
        disc_radius = max(1, round(radius * scale)) * SUPERSAMPLE
        self._disc_offsets = _disc(disc_radius)
        self._rim_offsets = _disc(disc_radius + SUPERSAMPLE)
        self._pad = disc_radius + SUPERSAMPLE
        self._base_cache: np.ndarray | None = None
        self._colours = cluster_table(max(1, source.k))[:, :3]
        self._grey = np.array(_rgb(UNASSIGNED_HEX), dtype=np.uint8)

    def _fit_axes(self, P: np.ndarray) -> None:
        lo, hi = P.min(axis=0), P.max(axis=0)
        span = np.maximum(hi - lo, 1e-12)
        lo, hi = lo - 0.06 * span, hi + 0.06 * span
        span = hi - lo
        # One unit is as long across as up, so distances look like what k-means measures.
        units_per_px = max(span[0] / self.plot_w, span[1] / self.plot_h)
        mid = (lo + hi) / 2
        self._x0 = mid[0] - units_per_px * self.plot_w / 2
        self._y1 = mid[1] + units_per_px * self.plot_h / 2
        self._units_per_px = units_per_px

    def image_position(self, X) -> np.ndarray:
        """Where rows of the data (shape (n, d)) land in a rendered picture: (n, 2) of (x, y) pixels."""
        P = self.source.projection.transform(X)
        return self._to_pixels(P) / SUPERSAMPLE + [self.left, self.top]

    def _to_pixels(self, P: np.ndarray) -> np.ndarray:
        """Projected points of shape (n, 2) -> integer (column, row) at SUPERSAMPLE scale."""
        s = SUPERSAMPLE / self._units_per_px
        cols = (P[:, 0] - self._x0) * s
        rows = (self._y1 - P[:, 1]) * s
        return np.stack([cols, rows], axis=1)

    @staticmethod
    def flat_colours(k: int) -> list[tuple[int, int, int]]:
        """Every flat colour a picture of a k-cluster run uses, for a GIF's palette."""
        colours = [(255, 255, 255), _INK, _MUTED, _FRAME, _rgb(OUTLINE_HEX), _rgb(UNASSIGNED_HEX),
                   tuple(int(v) * 6 // 10 for v in _rgb(UNASSIGNED_HEX))]
        for c in cluster_table(max(1, k))[:, :3].astype(int):
            colours += [tuple(c), tuple(c * 6 // 10), tuple(np.round(c * (1 - _REGION_TINT) + 255 * _REGION_TINT).astype(int))]
        return [tuple(int(v) for v in c) for c in colours]

    # --- painting ---------------------------------------------------------------------------------

    def render(self, state: KMeansState, title: str, subtitle: str = "",
               previous: np.ndarray | None = None) -> Image.Image:
        """One picture (RGB, ``size``) of ``state``, captioned ``title`` with ``subtitle`` below it.

        ``previous`` (shape (k, d)) are centres to draw as hollow rings with a line to where each
        centre is now (its move in this update).
        """
        plot = self._plot(state, previous)
        image = Image.new("RGB", (self.width, self.height), "white")
        image.paste(plot, (self.left, self.top))
        draw = ImageDraw.Draw(image)
        draw.rectangle([self.left - 1, self.top - 1, self.left + self.plot_w, self.top + self.plot_h], outline=_FRAME)
        pad = max(4, self.left // 3)
        room = self.width - 2 * pad
        draw.text((pad, max(2, self.caption_size // 4)), title, fill=_INK, font=_fitting(draw, title, self.caption_size, room))
        if subtitle:
            draw.text((pad, self.caption_size + max(6, self.caption_size // 3)), subtitle, fill=_MUTED,
                      font=_fitting(draw, subtitle, self.small_size, room))
        self._axis_titles(image, draw)
        if not self.source.is_planar:
            self._view_note(draw, title, room)
        return image

    def _view_note(self, draw: ImageDraw.ImageDraw, title: str, room: float) -> None:
        """Say, on n-D data, that this is a projection and why no regions are drawn."""
        d = self.source.X.shape[1]
        kind = self.source.projection.kind
        f = font(self.small_size)
        if kind == "line":
            notes = ("1-D data, drawn along a line, so no regions", "1-D data, along a line")
        else:
            how = "PCA" if kind == "pca" else "two-column"
            notes = (f"{d}-D data, clustered in {d}-D; {how} view, so no regions", f"{d}-D data, {how} view")
        for note in notes:
            w = draw.textlength(note, font=f)
            if draw.textlength(title, font=font(self.caption_size)) + w + 24 <= room:
                draw.text((self.width - self.right - w, max(2, self.caption_size // 4) + 4), note, fill=_MUTED, font=f)
                return

    def _axis_titles(self, image: Image.Image, draw: ImageDraw.ImageDraw) -> None:
        x_title, y_title = self.source.projection.axis_titles
        f = font(self.small_size)
        w = draw.textlength(x_title, font=f)
        draw.text((self.left + (self.plot_w - w) / 2, self.top + self.plot_h + max(3, self.bottom // 5)),
                  x_title, fill=_MUTED, font=f)
        w = int(draw.textlength(y_title, font=f)) + 4
        label = Image.new("RGB", (w, self.small_size + 6), "white")
        ImageDraw.Draw(label).text((2, 0), y_title, fill=_MUTED, font=f)
        label = label.rotate(90, expand=True)
        image.paste(label, (max(0, (self.left - label.width) // 2 - 1), self.top + max(0, (self.plot_h - label.height) // 2)))

    def _plot(self, state: KMeansState, previous: np.ndarray | None) -> Image.Image:
        ss = SUPERSAMPLE
        H, W = self.plot_h * ss, self.plot_w * ss
        labels = state.labels
        centers = self.source.projection.transform(state.centers) if state.centers.shape[0] else None
        if self.regions and labels is not None and centers is not None:
            canvas = self._region_background(centers, H, W)
        else:
            canvas = np.full((H, W, 3), 255, dtype=np.uint8)
        R = getattr(state, "responsibilities", None)
        if R is not None and R.shape[0] == self._pixels.shape[0]:
            self._stamp_points(canvas, np.arange(R.shape[0]), self._membership_rgb(state))
        else:
            self._stamp_points(canvas, labels)
        image = Image.fromarray(canvas, "RGB")
        draw = ImageDraw.Draw(image)
        batch = getattr(state, "batch", None)
        if batch is not None:
            self._ring_batch(draw, batch)
        if getattr(state, "algorithm", "lloyd") == "gmm" and centers is not None:
            self._draw_ellipses(draw, state)
        if centers is not None:
            self._draw_centres(image, state, centers, previous)
        return image.reduce(ss)

    def _membership_rgb(self, state) -> np.ndarray:
        """Each point in the responsibility-weighted mix of its clusters' colours, faded towards
        white by its uncertainty (as the canvas shows soft memberships): (n, 3) uint8."""
        R = state.responsibilities
        k = R.shape[1]
        palette = np.tile(self._colours, (-(-k // len(self._colours)), 1))[:k].astype(np.float32)
        rgb = np.asarray(R, dtype=np.float32) @ palette
        if k > 1:
            fade = (_UNSURE_FADE * uncertainty(state)).astype(np.float32)
            rgb += (np.float32(255.0) - rgb) * fade[:, None]
        return np.clip(np.round(rgb), 0, 255).astype(np.uint8)

    def _ring_batch(self, draw: ImageDraw.ImageDraw, batch: np.ndarray) -> None:
        """The mini-batch step's points, each ringed in near-black on top of its colour."""
        r = (self._disc_offsets[0].max() + 3 * SUPERSAMPLE)
        width = max(1, SUPERSAMPLE)
        for x, y in self._pixels[np.asarray(batch)]:
            draw.ellipse([x - r, y - r, x + r, y + r], outline=_BATCH_RING, width=width)

    def _draw_ellipses(self, draw: ImageDraw.ImageDraw, state) -> None:
        """Each component's 1- and 2-sigma ellipses of its projected covariance, in a dark shade of
        its colour over a white halo (readable over a cloud of its own colour)."""
        W = self.source.projection.components  # (2, d): the projection's linear part
        means = self.source.projection.transform(state.centers)
        scale = min(self.width, self.height) / 640
        width = max(2 * SUPERSAMPLE, round(2 * scale * SUPERSAMPLE))  # at least 2 pixels, so never a faint blend
        s = SUPERSAMPLE / self._units_per_px
        t = np.linspace(0.0, 2 * np.pi, 97)
        circle = np.stack([np.cos(t), np.sin(t)], axis=1)
        for j, cov in enumerate(state.full_covariances):
            values, vectors = np.linalg.eigh(W @ np.asarray(cov, dtype=np.float64) @ W.T)
            shade = tuple(int(c * _ELLIPSE_SHADE) for c in self._colours[j % len(self._colours)])
            for sigma in _SIGMAS:
                outline = means[j] + (circle * sigma * np.sqrt(np.maximum(values, 0.0))) @ vectors.T
                xy = [((px - self._x0) * s, (self._y1 - py) * s) for px, py in outline]
                draw.line(xy, fill=(255, 255, 255), width=2 * width, joint="curve")
                draw.line(xy, fill=shade, width=width, joint="curve")

    def _region_background(self, centers: np.ndarray, H: int, W: int) -> np.ndarray:
        """Each pixel tinted with its nearest centre's colour (one test per final pixel)."""
        step = SUPERSAMPLE
        gh, gw = -(-H // step), -(-W // step)
        xs = (self._x0 + (np.arange(gw) + 0.5) * step / SUPERSAMPLE * self._units_per_px).astype(np.float32)
        ys = (self._y1 - (np.arange(gh) + 0.5) * step / SUPERSAMPLE * self._units_per_px).astype(np.float32)
        # Squared distance separates into a row part and a column part, so each centre costs one
        # broadcast add over the grid and a running minimum; no (pixels x k) temporary.
        best = np.full((gh, gw), np.inf, dtype=np.float32)
        nearest = np.zeros((gh, gw), dtype=np.intp)
        d2 = np.empty((gh, gw), dtype=np.float32)
        for j, (cx, cy) in enumerate(centers.astype(np.float32)):
            np.add(((ys - cy) ** 2)[:, None], ((xs - cx) ** 2)[None, :], out=d2)
            closer = d2 < best
            np.copyto(best, d2, where=closer)
            nearest[closer] = j
        tints = np.round(self._colours[: centers.shape[0]] * (1 - _REGION_TINT) + 255 * _REGION_TINT).astype(np.uint8)
        small = tints[nearest]
        return np.ascontiguousarray(np.repeat(np.repeat(small, step, axis=0), step, axis=1)[:H, :W])

    def _stamp_points(self, canvas: np.ndarray, labels: np.ndarray | None, colours: np.ndarray | None = None) -> None:
        """Stamp every point as a disc with a darker rim: first all rims, then all discs, written as
        colour codes into a padded index map (one scatter per stencil offset), then coloured.

        ``labels`` index the cluster colours (None: all grey), or with ``colours`` (shape (m, 3),
        uint8) index those instead (one colour per point for soft memberships)."""
        H, W = canvas.shape[:2]
        pad = self._pad
        stride = W + 2 * pad
        fills = np.vstack([self._colours, self._grey[None, :]]) if colours is None else np.asarray(colours)
        n_colours = fills.shape[0] - 1 if colours is None else fills.shape[0]
        dtype = np.int16 if 2 * fills.shape[0] + 1 < np.iinfo(np.int16).max else np.int32
        codes = np.full(self._pixels.shape[0], n_colours, dtype=dtype) if labels is None \
            else (np.asarray(labels) % n_colours).astype(dtype)
        index_map = np.zeros((H + 2 * pad) * stride, dtype=dtype)
        if self._base_cache is None:
            self._base_cache = self._base(stride, pad)
        base = self._base_cache
        for offsets, value in ((self._rim_offsets, 2 * codes + 1), (self._disc_offsets, 2 * codes + 2)):
            for off in offsets[0] * stride + offsets[1]:
                index_map[base + off] = value
        index_map = index_map.reshape(H + 2 * pad, stride)[pad:pad + H, pad:pad + W]
        lut = np.zeros((2 * fills.shape[0] + 1, 3), dtype=np.uint8)
        lut[1::2] = (fills.astype(np.int32) * 6 // 10).astype(np.uint8)
        lut[2::2] = fills
        drawn = index_map > 0
        canvas[drawn] = lut[index_map[drawn]]

    def _base(self, stride: int, pad: int) -> np.ndarray:
        px = np.round(self._pixels).astype(np.int64)
        H, W = self.plot_h * SUPERSAMPLE, self.plot_w * SUPERSAMPLE
        # Points off the plot (none, with the axes fitted to the data) are pinned to its edge.
        cols = np.clip(px[:, 0], 0, W - 1) + pad
        rows = np.clip(px[:, 1], 0, H - 1) + pad
        return rows * stride + cols

    def _draw_centres(self, image: Image.Image, state: KMeansState, centers: np.ndarray,
                      previous: np.ndarray | None) -> None:
        draw = ImageDraw.Draw(image)
        s = SUPERSAMPLE / self._units_per_px
        scale = min(self.width, self.height) / 640
        r = max(6, round(9 * scale)) * SUPERSAMPLE
        width = max(1, round(2 * scale)) * SUPERSAMPLE
        outline = _rgb(OUTLINE_HEX)

        def pixel(p):
            return (p[0] - self._x0) * s, (self._y1 - p[1]) * s

        if previous is not None and previous.shape == state.centers.shape:
            old = self.source.projection.transform(previous)
            for j, (a, b) in enumerate(zip(old, centers)):
                (x0, y0), (x1, y1) = pixel(a), pixel(b)
                colour = tuple(int(v) for v in self._colours[j % len(self._colours)])
                draw.line([x0, y0, x1, y1], fill=outline, width=width)
                draw.ellipse([x0 - r * 0.6, y0 - r * 0.6, x0 + r * 0.6, y0 + r * 0.6], outline=colour, width=width)
        for j, c in enumerate(centers):
            x, y = pixel(c)
            colour = tuple(int(v) for v in self._colours[j % len(self._colours)])
            draw.ellipse([x - r - width, y - r - width, x + r + width, y + r + width], fill="white")
            draw.ellipse([x - r, y - r, x + r, y + r], fill=colour, outline=outline, width=width)

