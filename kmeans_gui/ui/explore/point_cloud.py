"""A scatter item that rasterises its points with NumPy at paint time.

pyqtgraph's ScatterPlotItem spends about 2 microseconds per point in Python on every ``setData``,
and drawing many small circles through QPainter costs about as much again, so recolouring 100,000
points after an assignment would take a few hundred milliseconds. Here a step only swaps a uint8
colour-index array; ``paint`` maps the points to device pixels, stamps a small disc per point into
an 8-bit indexed image (a handful of vectorised fancy-index writes), and draws that image once.
The raster is cached per (view transform, device size, data, colours), so repaints that change
nothing cost one ``drawImage``. For many points of one size, which point shows in each pixel is
cached per view too, so a step that only recolours them costs one gather over the covered
pixels instead of a pass over every point per disc pixel (at 2,000,000 points, a few ms instead of
a few hundred).

Colour indices: 0 is transparent; the table passed to :meth:`set_color_table` gives the rest.
Colours that no table holds (soft memberships mix their clusters' colours) come as one ARGB value
per point (:meth:`set_rgb`); the raster is then 32-bit, the same stamping with wider values.

A raster that is not a recolour from cached owners costs some 0.3-0.8 s at 2,000,000 points, too
long for the GUI thread: from ``worker_min_points`` points it is made on a :class:`PaintJob`
thread from a snapshot of the inputs (the same methods, so the same picture), and until it is
ready a subsample of ``preview_points`` points is drawn in its place. Only on screen: a paint into
an image (an export) is final, so it rasters everything at once, after ``before_final_paint`` has
brought any stand-in colours up to date. A grab paints as the window does (Qt redirects the
window's own paint), so before one call :meth:`PointCloudItem.finish_next_paint`.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter, QTransform
from PySide6.QtWidgets import QWidget

from ...state.table_data import column_bounds  # per column: xy.min(axis=0) is ~40x slower here
from ..common.pictures import taking_picture
from .paint_jobs import PaintJob

__all__ = ["PointCloudItem", "disc_offsets"]


def disc_offsets(radius: float) -> np.ndarray:
    """ndarray of shape (m, 2), int: pixel offsets (dy, dx) covering a disc of ``radius`` pixels."""
    r = int(np.ceil(radius))
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    inside = dx * dx + dy * dy <= radius * radius + 0.5
    return np.c_[dy[inside], dx[inside]]


def default_radius(n: int) -> float:
    """Point radius in logical pixels: big dots for a few points, small ones for a million."""
    if n <= 3_000:
        return 3.5
    if n <= 30_000:
        return 2.5
    if n <= 300_000:
        return 1.5
    return 1.0


#: From this many points, recolouring reuses the cached pixel owners (below, the plain raster is
#: cheap and the cache not worth its memory).
RECOLOUR_CACHE_MIN_POINTS = 100_000

#: From this many points, a raster that cannot reuse cached owners is made off the GUI thread
#: (at 300,000 points it takes about 50-100 ms on a busy two-core machine).
RASTER_WORKER_MIN_POINTS = 300_000

#: How many points the stand-in drawn while the full raster is made has (every n-th point).
PREVIEW_POINTS = 50_000


class PointCloudItem(pg.GraphicsObject):
    """Points drawn as fixed-size discs whose colours come from a per-point uint8 index.

    Parameters
    ----------
    outline_index : int or None
        Colour index of a 1-pixel outline drawn under every disc (skipped for large point sets,
        where discs are too small for an outline to read).
    """

    def __init__(self, outline_index: int | None = None):
        super().__init__()
        self._xy = np.empty((0, 2))
        self._colors = np.empty(0, dtype=np.uint8)
        self._argb: np.ndarray | None = None  # per-point colours, when set_rgb replaced the indices
        self._size_class = None
        self._table = [0] * 256
        self._bounds = QRectF()
        self._version = 0
        self._cache_key = None
        self._cache_image: QImage | None = None
        self._points_version = 0
        self._owner_key = None
        self._owners: tuple[np.ndarray, np.ndarray] | None = None  # (buffer positions, point index)
        self.outline_index = outline_index
        self.radius: float | None = None  # None: chosen from the number of points
        self.outline_limit = 50_000
        self.last_raster_s = 0.0
        self.worker_min_points = RASTER_WORKER_MIN_POINTS
        self.preview_points = PREVIEW_POINTS
        self._jobs = PaintJob(self)
        self._jobs.done.connect(self._on_raster_done)
        self._preview: tuple | None = None  # (key, QImage) of the subsample drawn meanwhile
        #: Called before a final paint, to replace stand-in colours by the final ones.
        self.before_final_paint = None
        self._final_next = False

    # ------------------------------------------------------------------ data
    def set_points(self, xy: np.ndarray, bounds: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """xy : ndarray of shape (n, 2). Resets colours to index 1 and sizes to one class.
        bounds : (lowest, highest) of xy's columns when known (saves a pass over millions of points)."""
        self.prepareGeometryChange()
        self._points_version += 1
        self._xy = np.ascontiguousarray(xy, dtype=np.float64)
        self._colors = np.ones(len(self._xy), dtype=np.uint8)
        self._argb = None
        self._size_class = None
        if len(self._xy):
            lo, hi = bounds if bounds is not None else column_bounds(self._xy)
            self._bounds = QRectF(lo[0], lo[1], max(hi[0] - lo[0], 1e-9), max(hi[1] - lo[1], 1e-9))
        else:
            self._bounds = QRectF()
        self._changed()

    def set_colors(self, index: np.ndarray | int, size_class: np.ndarray | None = None) -> None:
        """index : uint8 ndarray of shape (n,) or one int for all points.
        size_class : optional uint8 ndarray of shape (n,); class c adds c pixels to the radius."""
        n = len(self._xy)
        if np.isscalar(index):
            self._colors = np.full(n, index, dtype=np.uint8)
        else:
            index = np.asarray(index)
            if index.shape != (n,):
                raise ValueError(f"colour index has shape {index.shape}; expected ({n},)")
            self._colors = index.astype(np.uint8, copy=False)
        self._size_class = None if size_class is None else np.asarray(size_class, dtype=np.uint8)
        self._argb = None
        self._changed()

    def set_rgb(self, rgb: np.ndarray) -> None:
        """rgb : ndarray of shape (n, 3), values 0..255: each point's own opaque colour."""
        rgb = np.asarray(rgb)
        n = len(self._xy)
        if rgb.shape != (n, 3):
            raise ValueError(f"colours have shape {rgb.shape}; expected ({n}, 3)")
        c = np.clip(np.rint(rgb), 0, 255).astype(np.uint32)
        self._argb = (np.uint32(0xFF000000) | (c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2]).astype(np.uint32)
        self._size_class = None
        self._changed()

    @property
    def argb(self) -> np.ndarray | None:
        """The per-point ARGB colours (uint32) set by :meth:`set_rgb`, or None in indexed mode."""
        return self._argb

    def set_color_table(self, rgba: np.ndarray) -> None:
        """rgba : ndarray of shape (256, 4), uint8."""
        rgba = np.asarray(rgba, dtype=np.uint32)
        argb = (rgba[:, 3] << 24) | (rgba[:, 0] << 16) | (rgba[:, 1] << 8) | rgba[:, 2]
        self._table = [int(v) for v in argb]
        self._changed()

    def _changed(self) -> None:
        self._version += 1
        self.update()

    # ------------------------------------------------------------------ QGraphicsItem
    def boundingRect(self) -> QRectF:
        # Discs have a fixed size on screen, so pad by a few pixels worth of data units.
        if self._bounds.isNull():
            return QRectF()
        px = self.pixelVectors()
        pad_x = abs(px[0].x()) * 8 if px[0] is not None else 0.0
        pad_y = abs(px[1].y()) * 8 if px[1] is not None else 0.0
        return self._bounds.adjusted(-pad_x, -pad_y, pad_x, pad_y)

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        if len(self._xy) == 0:
            return (None, None)
        col = self._xy[:, ax]
        if frac >= 1.0:
            return (float(col.min()), float(col.max()))
        return tuple(float(v) for v in np.percentile(col, [50 * (1 - frac), 50 * (1 + frac)]))

    def viewTransformChanged(self):
        self.prepareGeometryChange()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if len(self._xy) == 0:
            return
        device = painter.device()
        dpr = float(device.devicePixelRatioF()) if hasattr(device, "devicePixelRatioF") else 1.0
        W = int(round(device.width() * dpr))
        H = int(round(device.height() * dpr))
        if W <= 0 or H <= 0:
            return
        on_screen = _on_screen(device) and not self._final_next
        self._final_next = False
        if not on_screen and self.before_final_paint is not None:
            self.before_final_paint()
        t = painter.transform()
        key = (t.m11(), t.m12(), t.m21(), t.m22(), t.m31(), t.m32(), W, H, dpr, self._version)
        image = self._cache_image
        if key != self._cache_key:
            if on_screen and self._wants_worker(t, W, H, dpr):
                if not self._jobs.busy:  # else its done() repaints, and this asks again
                    self._jobs.start(_raster_job, _RasterInputs(self), QTransform(t), W, H, dpr, key)
                image = self._preview_image(t, W, H, dpr, key)
            else:
                start = time.perf_counter()
                image = self._cache_image = self._raster(t, W, H, dpr)
                self._cache_key = key
                self.last_raster_s = time.perf_counter() - start
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(0, 0), image)
        painter.restore()

    # ------------------------------------------------------------------ big data off the GUI thread
    def finish_next_paint(self) -> None:
        """Make the next paint final (no preview, no stand-in colours): call before a grab."""
        self._final_next = True

    @property
    def raster_pending(self) -> bool:
        """Whether a full raster is being made on a worker (a preview is on screen meanwhile)."""
        return self._jobs.busy

    def stop(self) -> None:
        """The item is going away: let a raster being made finish (a fraction of a second), so no
        thread outlives the window."""
        self._jobs.wait(5.0)

    def _wants_worker(self, t, W: int, H: int, dpr: float) -> bool:
        if len(self._xy) < self.worker_min_points:
            return False
        # A recolour from owners cached for this view is a gather of a few ms: do it here.
        return not (self._uses_owners() and self._owner_key == self._owner_cache_key(t, W, H, dpr))

    def _preview_image(self, t, W: int, H: int, dpr: float, key) -> QImage:
        """Every n-th point (at most ``preview_points``), at the full data's dot size, cached per key."""
        if self._preview is None or self._preview[0] != key:
            step = -(-len(self._xy) // self.preview_points)
            inputs = _RasterInputs(self, step)
            self._preview = (key, inputs._raster_points(t, W, H, dpr))
        return self._preview[1]

    def _on_raster_done(self, result) -> None:
        key, image, inputs, seconds = result
        if inputs._points_version == self._points_version and inputs._owner_key is not None:
            # The owners depend on the points and the view only: a recolour meanwhile reuses them.
            self._owner_key, self._owners = inputs._owner_key, inputs._owners
        self._cache_key, self._cache_image = key, image
        self.last_raster_s = seconds
        self._preview = None
        self.update()

    # ------------------------------------------------------------------ rasters
    def _uses_owners(self) -> bool:
        return (self._size_class is None and len(self._xy) >= RECOLOUR_CACHE_MIN_POINTS
                and (self.outline_index is None or len(self._xy) > self.outline_limit))

    def _owner_cache_key(self, t, W: int, H: int, dpr: float) -> tuple:
        return (t.m11(), t.m12(), t.m21(), t.m22(), t.m31(), t.m32(), W, H, dpr, self._points_version)

    def _raster(self, t, W: int, H: int, dpr: float) -> QImage:
        if self._uses_owners():
            return self._raster_by_owner(t, W, H, dpr)
        return self._raster_points(t, W, H, dpr)

    def _geometry(self, t, W: int, H: int, dpr: float, extra_px: int = 0):
        """Device pixels of the points: (buffer shape, margin, radius, flat index and mask of the
        points inside)."""
        xy = self._xy
        px = (xy[:, 0] * t.m11() + xy[:, 1] * t.m21() + t.m31()) * dpr
        py = (xy[:, 0] * t.m12() + xy[:, 1] * t.m22() + t.m32()) * dpr
        radius = (self.radius or default_radius(len(xy))) * dpr
        margin = int(np.ceil(radius)) + 1 + int(np.ceil(extra_px * dpr))
        # Stride rounded up to 4 bytes, as QImage's Indexed8 rows are.
        stride = (W + 2 * margin + 3) // 4 * 4
        ix = np.floor(px).astype(np.int64) + margin
        iy = np.floor(py).astype(np.int64) + margin
        inside = (ix >= margin) & (iy >= margin) & (ix < W + margin) & (iy < H + margin)
        return (H + 2 * margin, stride), margin, radius, (iy * stride + ix)[inside], inside

    def _raster_by_owner(self, t, W: int, H: int, dpr: float) -> QImage:
        """Same picture as :meth:`_raster_points` for one size class and no outline, from the
        cached last point written to each pixel (the one whose colour shows there)."""
        key = self._owner_cache_key(t, W, H, dpr)
        if key != self._owner_key:
            shape, margin, radius, flat, inside = self._geometry(t, W, H, dpr)
            owner = np.full(shape[0] * shape[1], -1, dtype=np.int32)
            which = np.flatnonzero(inside).astype(np.int32)
            stride = shape[1]
            for dy, dx in disc_offsets(radius):  # in the order _raster_points writes: last wins
                owner[flat + (dy * stride + dx)] = which
            positions = np.flatnonzero(owner >= 0)
            self._owners = (shape, margin, positions, owner[positions])
            self._owner_key = key
        shape, margin, positions, owners = self._owners
        colors = self._colors if self._argb is None else self._argb
        buf = np.zeros(shape, dtype=colors.dtype)
        buf.ravel()[positions] = colors[owners]
        return self._to_image(buf, margin, W, H, dpr)

    def _to_image(self, buf: np.ndarray, margin: int, W: int, H: int, dpr: float) -> QImage:
        view = np.ascontiguousarray(buf[margin : margin + H, margin : margin + W])
        if view.dtype == np.uint32:
            # Opaque colours and fully transparent zeros are already premultiplied; a copy, since
            # the QImage only borrows ``view``'s memory.
            image = QImage(view.data, W, H, view.strides[0], QImage.Format.Format_ARGB32_Premultiplied).copy()
        else:
            image = QImage(view.data, W, H, view.strides[0], QImage.Format.Format_Indexed8)
            image.setColorTable(self._table)
            # A converted copy: the QImage above only borrows ``view``'s memory.
            image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(dpr)
        return image

    def _raster_points(self, t, W: int, H: int, dpr: float) -> QImage:
        xy = self._xy
        px = (xy[:, 0] * t.m11() + xy[:, 1] * t.m21() + t.m31()) * dpr
        py = (xy[:, 0] * t.m12() + xy[:, 1] * t.m22() + t.m32()) * dpr
        radius = (self.radius or default_radius(len(xy))) * dpr
        max_extra = int(self._size_class.max()) if self._size_class is not None and len(xy) else 0
        margin = int(np.ceil(radius)) + 1 + int(np.ceil(max_extra * dpr))
        # Stride rounded up to 4 bytes, as QImage's Indexed8 rows are.
        stride = (W + 2 * margin + 3) // 4 * 4
        rgb = self._argb is not None
        buf = np.zeros((H + 2 * margin, stride), dtype=np.uint32 if rgb else np.uint8)
        ix = np.floor(px).astype(np.int64) + margin
        iy = np.floor(py).astype(np.int64) + margin
        inside = (ix >= margin) & (iy >= margin) & (ix < W + margin) & (iy < H + margin)
        flat_all = (iy * stride + ix)[inside]
        colors_all = (self._argb if rgb else self._colors)[inside]
        outline = None
        if self.outline_index is not None:
            outline = np.uint32(self._table[self.outline_index]) if rgb else self.outline_index
        classes = (
            [(0, slice(None))]
            if self._size_class is None
            else [(int(c), self._size_class[inside] == c) for c in np.unique(self._size_class[inside])]
        )
        flat_buf = buf.ravel()
        for extra, sel in classes:
            flat = flat_all[sel]
            colors = colors_all[sel]
            r = radius + extra * dpr
            if outline is not None and len(xy) <= self.outline_limit:
                for dy, dx in disc_offsets(r + dpr):
                    flat_buf[flat + (dy * stride + dx)] = outline
            for dy, dx in disc_offsets(r):
                flat_buf[flat + (dy * stride + dx)] = colors
        return self._to_image(buf, margin, W, H, dpr)


def _on_screen(device) -> bool:
    """Whether a paint goes to a window (which may show a preview first), not an image nor a grab
    for a file (see :func:`~kmeans_gui.ui.common.pictures.whole_pictures`)."""
    return isinstance(device, QWidget) and not taking_picture()


class _RasterInputs:
    """What a raster reads, captured from a :class:`PointCloudItem` (every ``step``-th point): the
    item's own raster methods run on it unchanged, so a worker's picture is the GUI thread's, and
    the item's later changes do not reach a worker mid-raster (they replace arrays, never write
    into them)."""

    _uses_owners = PointCloudItem._uses_owners
    _owner_cache_key = PointCloudItem._owner_cache_key
    _raster = PointCloudItem._raster
    _geometry = PointCloudItem._geometry
    _raster_by_owner = PointCloudItem._raster_by_owner
    _raster_points = PointCloudItem._raster_points
    _to_image = PointCloudItem._to_image

    def __init__(self, item: PointCloudItem, step: int = 1):
        def every(a):
            return a if a is None or step == 1 else a[::step]

        self._xy = every(item._xy)
        self._colors = every(item._colors)
        self._argb = every(item._argb)
        self._size_class = every(item._size_class)
        self._table = list(item._table)
        # The outline goes by the full data's size: a subsample of a million points has none.
        self.outline_index = item.outline_index if len(item._xy) <= item.outline_limit else None
        self.outline_limit = item.outline_limit
        self.radius = item.radius or default_radius(len(item._xy))  # the full data's dot size
        self._points_version = item._points_version if step == 1 else None
        self._owner_key, self._owners = (item._owner_key, item._owners) if step == 1 else (None, None)


def _raster_job(inputs: _RasterInputs, t: QTransform, W: int, H: int, dpr: float, key: tuple):
    start = time.perf_counter()
    image = inputs._raster(t, W, H, dpr)
    return key, image, inputs, time.perf_counter() - start
