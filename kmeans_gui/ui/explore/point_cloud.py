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
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QWidget

from ..common.pictures import taking_picture

__all__ = ["PointCloudItem", "disc_offsets", "column_bounds"]


def column_bounds(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lowest, highest) of each column of ``xy`` (n, d), n >= 1.

    Column by column: NumPy's ``xy.min(axis=0)`` on a narrow C-ordered array is ~40x slower
    (300 ms against 8 ms at 2,000,000 x 2 here), and it ran on the GUI thread for new data.
    """
    lo = np.array([xy[:, j].min() for j in range(xy.shape[1])])
    hi = np.array([xy[:, j].max() for j in range(xy.shape[1])])
    return lo, hi


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

#: From this many points, the pixel owners for a new view are worked out on the screen in slices of
#: OWNER_SLICE_POINTS between event-loop turns, never in one go: at 1,000,000 points that took
#: 200-400 ms of the GUI thread per new view. Until they are done, the last picture of the same
#: points is shown moved to the new view (nothing, for new points). Grabs (exports) wait for it.
PROGRESSIVE_MIN_POINTS = 400_000
OWNER_SLICE_POINTS = 100_000
#: How long one event-loop turn may spend on the owners.
OWNER_TURN_S = 0.03


def _on_screen(device) -> bool:
    """True when painting a widget for the screen; False for a picture for a file (an export, a
    snapshot: see :func:`~kmeans_gui.ui.common.pictures.whole_pictures`) or a scene rendered into
    an image, which must get the whole picture at once."""
    return isinstance(device, QWidget) and not taking_picture()


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
        self._owner_job: tuple | None = None  # (key, generator) working out the owners in slices
        self._shown: tuple | None = None  # (transform, points version, image) last drawn in full
        self._owner_timer = QTimer(self)
        self._owner_timer.setSingleShot(True)
        self._owner_timer.setInterval(0)
        self._owner_timer.timeout.connect(self._advance_owners)
        self.outline_index = outline_index
        self.radius: float | None = None  # None: chosen from the number of points
        self.outline_limit = 50_000
        self.last_raster_s = 0.0

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
        t = painter.transform()
        key = (t.m11(), t.m12(), t.m21(), t.m22(), t.m31(), t.m32(), W, H, dpr, self._version)
        if key != self._cache_key:
            if self._owners_pending(t, W, H, dpr, on_screen=_on_screen(device)):
                self._paint_moved(painter, t)
                return
            start = time.perf_counter()
            self._cache_image = self._raster(t, W, H, dpr)
            self._cache_key = key
            self.last_raster_s = time.perf_counter() - start
        self._shown = (t, self._points_version, self._cache_image)
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(0, 0), self._cache_image)
        painter.restore()

    def _uses_owners(self) -> bool:
        return (self._size_class is None and len(self._xy) >= RECOLOUR_CACHE_MIN_POINTS
                and (self.outline_index is None or len(self._xy) > self.outline_limit))

    def _owners_pending(self, t, W: int, H: int, dpr: float, on_screen: bool) -> bool:
        """True while the owners for this view are still being worked out in slices (started here
        if need be); False when the raster can be made now."""
        if not (on_screen and self._uses_owners() and len(self._xy) >= PROGRESSIVE_MIN_POINTS):
            return False
        key = self._owner_key_for(t, W, H, dpr)
        if key == self._owner_key:
            return False
        if self._owner_job is None or self._owner_job[0] != key:
            self._owner_job = (key, self._owner_steps(t, W, H, dpr))
        self._owner_timer.start()
        return True

    def _advance_owners(self) -> None:
        """One event-loop turn's worth of the owners in progress; a repaint when they are done."""
        if self._owner_job is None:
            return
        key, steps = self._owner_job
        deadline = time.perf_counter() + OWNER_TURN_S
        try:
            next(steps)  # at least one step a turn
            while time.perf_counter() < deadline:
                next(steps)
        except StopIteration as done:
            self._owners, self._owner_key, self._owner_job = done.value, key, None
            self.update()
            return
        self._owner_timer.start()

    def _paint_moved(self, painter: QPainter, t) -> None:
        """The last full picture of these points, moved and scaled to the view ``t`` (the points
        will be redrawn sharp when the owners are done); nothing for points never drawn."""
        if self._shown is None or self._shown[1] != self._points_version:
            return
        old_t, _, image = self._shown
        inverse, invertible = old_t.inverted()
        if not invertible:
            return
        painter.save()
        painter.setTransform(inverse * t)
        painter.drawImage(QPointF(0, 0), image)
        painter.restore()

    def stop(self) -> None:
        """Drop owners still being worked out (the item is going away)."""
        self._owner_timer.stop()
        self._owner_job = None

    def _raster(self, t, W: int, H: int, dpr: float) -> QImage:
        if self._uses_owners():
            return self._raster_by_owner(t, W, H, dpr)
        return self._raster_points(t, W, H, dpr)

    def _raster_by_owner(self, t, W: int, H: int, dpr: float) -> QImage:
        """Same picture as :meth:`_raster_points` for one size class and no outline, from the
        cached last point written to each pixel (the one whose colour shows there)."""
        key = self._owner_key_for(t, W, H, dpr)
        if key != self._owner_key:
            if self._owner_job is not None and self._owner_job[0] == key:
                steps = self._owner_job[1]  # finish the slices already done
            else:
                steps = self._owner_steps(t, W, H, dpr)
            self._owner_timer.stop()
            self._owner_job = None
            while True:
                try:
                    next(steps)
                except StopIteration as done:
                    self._owners = done.value
                    break
            self._owner_key = key
        shape, margin, positions, owners = self._owners
        colors = self._colors if self._argb is None else self._argb
        buf = np.zeros(shape, dtype=colors.dtype)
        buf.ravel()[positions] = colors[owners]
        return self._to_image(buf, margin, W, H, dpr)

    def _owner_key_for(self, t, W: int, H: int, dpr: float) -> tuple:
        return (t.m11(), t.m12(), t.m21(), t.m22(), t.m31(), t.m32(), W, H, dpr, self._points_version)

    def _owner_steps(self, t, W: int, H: int, dpr: float):
        """Generator working out which point shows in each pixel, a slice of points (then a disc
        offset) per step; returns (buffer shape, margin, positions, point index at each position).

        Slicing changes nothing in the result: each point's pixel is computed alone, and the
        offsets are written in :meth:`_raster_points`' order, so the last point written wins."""
        xy = self._xy
        radius = (self.radius or default_radius(len(xy))) * dpr
        margin = int(np.ceil(radius)) + 1
        stride = (W + 2 * margin + 3) // 4 * 4  # rounded up to 4 bytes, as QImage's Indexed8 rows are
        shape = (H + 2 * margin, stride)
        flats, whichs = [], []
        for start in range(0, len(xy), OWNER_SLICE_POINTS):
            part = xy[start : start + OWNER_SLICE_POINTS]
            px = (part[:, 0] * t.m11() + part[:, 1] * t.m21() + t.m31()) * dpr
            py = (part[:, 0] * t.m12() + part[:, 1] * t.m22() + t.m32()) * dpr
            ix = np.floor(px).astype(np.int64) + margin
            iy = np.floor(py).astype(np.int64) + margin
            inside = (ix >= margin) & (iy >= margin) & (ix < W + margin) & (iy < H + margin)
            flats.append((iy * stride + ix)[inside])
            whichs.append((np.flatnonzero(inside) + start).astype(np.int32))
            yield
        flat = np.concatenate(flats) if flats else np.empty(0, dtype=np.int64)
        which = np.concatenate(whichs) if whichs else np.empty(0, dtype=np.int32)
        del flats, whichs
        owner = np.full(shape[0] * shape[1], -1, dtype=np.int32)
        yield
        for dy, dx in disc_offsets(radius):  # in the order _raster_points writes: last wins
            owner[flat + (dy * stride + dx)] = which
            yield
        positions = np.flatnonzero(owner >= 0)
        yield
        return shape, margin, positions, owner[positions]

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
