"""The k-means canvas: points, centroids, Voronoi regions, trails; mouse edits go to the state.

For the variants: soft memberships colour each point by the responsibility-weighted mix of its
clusters' colours (paler where it is unsure, when ``view.shade_uncertainty``), a mini-batch step
rings its batch, a Gaussian mixture draws 1- and 2-sigma ellipses per component, and Voronoi
regions are drawn only for the hard assignments they describe (Lloyd, mini-batch).

Data of more than two features are clustered in full and drawn through the state's
``projection`` (PCA, or two chosen columns): points, centroids, trails, lines and the mixture's
ellipses (each the shadow P Σ Pᵀ of its Gaussian on the view's plane, which is exact: the
projection is linear) all go through it. Voronoi regions are not drawn then, drawing points and
placing centroids are refused, and the note line above the plot says why.

Every layer redraws from ``AppState`` events. A half-step changes only small things (a colour
index per point, k centres, a coarse region image), so nothing here rebuilds per-point Qt objects:
points are a :class:`PointCloudItem` raster, regions an ``ImageItem`` of ``nearest_center`` on a
grid. ``frame_pending`` is True from a state change until the viewport has painted it; playback
waits on it so frames never pile up.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...state import AppState, words
from ...state.table_data import view_note
from ...state.view import ViewOptions
from ...cluster_colours import OUTLINE_HEX, UNASSIGNED_HEX, _rgb, cluster_hex, cluster_table, heat_table
from ..common.style import BACKGROUND, style_axes
from .ellipses import EllipseLayer
from .memberships import membership_rgb
from .paint_jobs import PaintJob
from .point_cloud import PointCloudItem
from .regions import region_labels

__all__ = ["Canvas", "EditViewBox"]

MAX_CLUSTERS = 50
GREY = 100
HEAT0, HEAT_LEVELS = 128, 64
OUTLINE = 250
MAX_LINES = 20_000
REGION_ALPHA = 52
#: Algorithms whose labels are nearest-centre assignments, so Voronoi regions say where they go.
HARD_ALGORITHMS = ("lloyd", "minibatch")


#: From this many points, soft membership colours are mixed on a worker.
MEMBERSHIP_WORKER_MIN_POINTS = 100_000
#: How many states' mixed colours the canvas keeps (200,000 points: 2.4 MB each).
MEMBERSHIP_CACHE_STATES = 4


def _mix_memberships(R: np.ndarray, palette: np.ndarray, shade: bool):
    return R, shade, membership_rgb(R, palette, shade)


def _color_table() -> np.ndarray:
    table = np.zeros((256, 4), dtype=np.uint8)
    table[1 : MAX_CLUSTERS + 1] = cluster_table(MAX_CLUSTERS)
    table[GREY] = (*_rgb(UNASSIGNED_HEX), 255)
    table[HEAT0 : HEAT0 + HEAT_LEVELS] = heat_table(HEAT_LEVELS)
    table[OUTLINE] = (*_rgb(OUTLINE_HEX), 255)
    return table


class EditViewBox(pg.ViewBox):
    """A ViewBox whose clicks and drags edit the data instead of opening menus.

    Left click: add a point (or place a centroid, or spray in brush mode). Right click: remove
    the nearest point. Left drag: spray (brush mode), move a placed centroid, or pan.
    """

    def __init__(self, canvas: "Canvas"):
        super().__init__(enableMenu=False)
        self.canvas = canvas

    def mouseClickEvent(self, ev):
        # An axis hands its clicks on to its view box with positions in the axis' own coordinates;
        # a click there is not on the data, and mapping its position would put a point elsewhere.
        if not self.sceneBoundingRect().contains(ev.scenePos()):
            ev.ignore()
            return
        pos = self.mapSceneToView(ev.scenePos())
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.canvas.left_click(pos.x(), pos.y())
        elif ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            self.canvas.right_click(pos.x(), pos.y())
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None):
        # A drag on an axis (``axis`` set) pans or scales that axis, as pyqtgraph does.
        if axis is None and ev.button() == Qt.MouseButton.LeftButton and self.canvas.drag(ev, self):
            ev.accept()
            return
        super().mouseDragEvent(ev, axis)


class _PaintWatcher(QObject):
    """Clears ``canvas.frame_pending`` when the plot's viewport paints."""

    def __init__(self, canvas: "Canvas"):
        super().__init__(canvas)
        self.canvas = canvas

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            # The paint runs right after this filter returns, before any timer can fire.
            self.canvas.frame_pending = False
            self.canvas.frames_painted += 1
        return False


def _view_option(name: str) -> property:
    return property(lambda self: getattr(self.view, name), lambda self, value: setattr(self.view, name, value),
                    doc=f"``view.{name}``")


class Canvas(QWidget):
    """The plot of the current state. ``plot`` is the pg.PlotWidget, ``viewbox`` its ViewBox.

    What is drawn besides the points (regions, trails, lines) and the brush live in ``view``, a
    :class:`ViewOptions`; the canvas redraws when they change.
    """

    options_changed = Signal()
    edit_message = Signal(str)

    show_regions = _view_option("show_regions")
    show_trails = _view_option("show_trails")
    show_lines = _view_option("show_lines")
    brush_mode = _view_option("brush_mode")
    brush_radius_px = _view_option("brush_radius_px")
    brush_density = _view_option("brush_density")  # points per drag event

    def __init__(self, state: AppState, view: ViewOptions | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.view = view if view is not None else ViewOptions()
        self._drag_sprays = False
        self.remove_radius_px = 40.0
        self.frame_pending = False
        self.frames_painted = 0
        self._drag_center: int | None = None
        self._spray: list[np.ndarray] = []
        self._rng = np.random.default_rng(12345)
        self._region_key = None
        self._line_sample = None

        self.viewbox = EditViewBox(self)
        self.plot = pg.PlotWidget(viewBox=self.viewbox, background=BACKGROUND)
        self.plot.setAntialiasing(True)
        # No grid: the regions already structure the plane, and grid lines drawn by the axes
        # cost ~10 ms per frame. Axes change only when the view does: cache them.
        style_axes(self.plot, cache=True)
        # k-means measures Euclidean distance: equal axis scales keep regions and clusters honest.
        self.viewbox.setAspectLocked(True)
        # What the picture is when it is not the data's own plane, and the score against known
        # classes: one or two lines above the plot, hidden when there is nothing to say.
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("QLabel { color: #303030; padding: 2px 6px; }")
        self.note.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.note)
        layout.addWidget(self.plot)

        self.regions = pg.ImageItem(axisOrder="row-major")
        self.regions.setZValue(-20)
        region_lut = cluster_table(MAX_CLUSTERS, alpha=REGION_ALPHA)
        self._region_lut = np.vstack([region_lut, np.zeros((256 - MAX_CLUSTERS, 4), np.uint8)])
        self.lines = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen((90, 90, 90, 70), width=1))
        self.lines.setZValue(-5)
        self.points = PointCloudItem(outline_index=OUTLINE)
        self.points.set_color_table(_color_table())
        self.points.before_final_paint = self._finish_memberships
        self.points.setZValue(0)
        self.spray_preview = pg.ScatterPlotItem(pen=None, brush=pg.mkBrush(UNASSIGNED_HEX), size=6)
        self.candidates = pg.ScatterPlotItem(
            symbol="o", size=22, pen=pg.mkPen("#303030", width=1.5, style=Qt.PenStyle.DashLine), brush=None
        )
        self.candidates.setZValue(8)
        self.centroids = pg.ScatterPlotItem(symbol="d", size=24, pxMode=True)
        self.centroids.setZValue(10)
        # A white rim under each marker keeps it visible on a cloud of its own colour.
        self.centroid_halo = pg.ScatterPlotItem(symbol="d", pxMode=True, pen=None, brush=pg.mkBrush("#FFFFFF"))
        self.centroid_halo.setZValue(9)
        self._brushes = [pg.mkBrush(cluster_hex(j)) for j in range(MAX_CLUSTERS)]
        self._palette_rgb = cluster_table(MAX_CLUSTERS)[:, :3].astype(np.float64)
        # Soft colours of big data are mixed on a worker (200,000 x k: 5 ms on an idle machine,
        # 80-150 ms on a busy one) and kept for the last few states, so stepping back is instant.
        self.membership_worker_min_points = MEMBERSHIP_WORKER_MIN_POINTS
        self._membership_cache: list[tuple[np.ndarray, bool, np.ndarray]] = []  # (R, shade, rgb)
        self._membership_job = PaintJob(self)
        self._membership_job.done.connect(self._on_memberships_mixed)
        self._memberships_pending = None  # (R, palette, shade) while hard labels stand in
        self._centroid_pen = pg.mkPen("#000000", width=2)
        self._newest_pen = pg.mkPen("#A3200B", width=3)  # the seed k-means++ just picked
        self.trail_lines = pg.PlotCurveItem(pen=pg.mkPen("#202020", width=1.5))
        self.trail_lines.setZValue(5)
        self.trail_dots = pg.ScatterPlotItem(size=7, pen=pg.mkPen("#202020"))
        self.trail_dots.setZValue(6)
        self._trail_key = None
        # The mini-batch step's points, ringed on top of their colour.
        self.batch_marks = pg.ScatterPlotItem(symbol="o", size=11, pen=pg.mkPen("#111111", width=1.5), brush=None)
        self.batch_marks.setZValue(4)
        self.ellipses = EllipseLayer(self.viewbox, MAX_CLUSTERS)
        for item in (self.regions, self.lines, self.points, self.spray_preview, self.candidates, self.centroids,
                     self.centroid_halo, self.trail_lines, self.trail_dots, self.batch_marks):
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.viewbox.addItem(item)

        self._watcher = _PaintWatcher(self)
        self.plot.viewport().installEventFilter(self._watcher)
        # Regions follow the view: recompute them (cheap, a coarse grid) shortly after pan/zoom.
        self._region_timer = QTimer(self)
        self._region_timer.setSingleShot(True)
        self._region_timer.setInterval(15)
        self._region_timer.timeout.connect(self._update_regions)
        self.viewbox.sigRangeChanged.connect(lambda *_: self._region_timer.start())

        state.events.points.connect(self._on_points_change)
        state.events.projection.connect(self._on_projection_change)
        state.events.run.connect(self._on_run_change)
        state.events.cursor.connect(self._on_cursor_change)
        state.events.manual.connect(self._on_cursor_change)
        for name in ("show_regions", "show_trails", "show_lines", "shade_uncertainty"):
            getattr(self.view.events, name).connect(self._on_option_change)
        self._on_points_change()
        self._on_run_change()

    # ------------------------------------------------------------------ options
    def set_option(self, name: str, value) -> None:
        setattr(self.view, name, value)

    def _on_option_change(self) -> None:
        self.redraw()
        self.options_changed.emit()

    # ------------------------------------------------------------------ state -> picture
    def _on_points_change(self) -> None:
        self.points.set_points(self.state.view_points, self.state.view_bounds)
        self._show_axes()
        if self.state.points_change == "replace":
            self.frame_all()

    def _on_projection_change(self) -> None:
        self._trail_key = None
        self._on_points_change()
        self.frame_all()
        self.redraw()

    def _show_axes(self) -> None:
        """Axis titles from the projection ("PC 1, 41% of variance", a column's name, or x and y).

        Equal scales keep k-means' Euclidean distances honest on the data's plane and on PCA's
        (an orthonormal map); two chosen columns of n-D data may have unrelated units, so they
        get free scales (the picture is a shadow either way)."""
        proj = self.state.projection
        bottom, left = proj.axis_titles
        # pyqtgraph reads a label as HTML: "<1% of variance" or a column named "a<b" would vanish.
        self.plot.setLabel("bottom", html.escape(bottom))
        self.plot.setLabel("left", html.escape(left))
        self.viewbox.setAspectLocked(self.state.is_planar or proj.kind != "columns")

    def frame_all(self) -> None:
        """Fit the view to the points (or a default square when there are none)."""
        bounds = self.state.view_bounds  # computed once per view, not per frame (1M points: tens of ms)
        if bounds is None:
            self.viewbox.setRange(xRange=(-10, 10), yRange=(-10, 10), padding=0)
            return
        lo, hi = bounds
        span = np.maximum(hi - lo, 1.0)
        self.viewbox.setRange(
            xRange=(lo[0] - 0.08 * span[0], hi[0] + 0.08 * span[0]),
            yRange=(lo[1] - 0.08 * span[1], hi[1] + 0.08 * span[1]),
            padding=0,
        )

    def _on_run_change(self) -> None:
        self.redraw()

    def _on_cursor_change(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Bring every layer in line with the state's current half-step."""
        s = self.state.current
        X = self.state.view_points
        self._memberships_pending = None  # set again below while soft colours are being mixed
        if s is None or s.labels is None:
            probs = self.state.seed_probabilities() if s is not None else None
            if probs is not None and len(probs) == len(X):
                self._show_probabilities(probs)
            else:
                self.points.set_colors(GREY)
        elif s.responsibilities is not None and len(s.responsibilities) == len(X):
            self._show_memberships(s)
        else:
            self.points.set_colors(s.labels.astype(np.uint8) % MAX_CLUSTERS + 1)
        batch = getattr(s, "batch", None)
        self.batch_marks.setData(pos=X[batch] if batch is not None and len(X) else np.empty((0, 2)))
        self.ellipses.show(s if s is not None and s.algorithm == "gmm" else None, self._view_map())
        self._update_centroids()
        self._update_lines()
        self._update_trails()
        self._update_regions()
        self._update_note()
        self.frame_pending = True
        self.plot.viewport().update()

    def _view_map(self):
        """The projection when the picture is not the data's own axes; None when it is."""
        return None if self.state.is_planar and self.state.view_columns is None else self.state.projection

    def _update_note(self) -> None:
        text = view_note(self.state)
        if text != self.note.text():
            self.note.setText(text)
        if self.note.isVisible() != bool(text):
            self.note.setVisible(bool(text))

    def _show_probabilities(self, probs: np.ndarray) -> None:
        # Shade and size by probability relative to the most likely point: "bigger and darker is
        # more likely to become the next seed". sqrt spreads the low end, where most points are.
        # In place: at 2,000,000 points each fresh temporary costs its page faults (30% of the time).
        rel = np.divide(probs, max(float(probs.max()), 1e-300))
        np.sqrt(rel, out=rel)
        scaled = np.multiply(rel, HEAT_LEVELS)
        np.minimum(scaled, HEAT_LEVELS - 1, out=scaled)
        scaled += HEAT0
        shade = scaled.astype(np.uint8)
        np.multiply(rel, 3, out=scaled)
        np.minimum(scaled, 2, out=scaled)
        self.points.set_colors(shade, scaled.astype(np.uint8))

    def _show_memberships(self, s) -> None:
        """Each point in the responsibility-weighted mix of its clusters' colours, faded towards
        white by its uncertainty (entropy over log k) when that option is on."""
        R = s.responsibilities
        shade = self.view.shade_uncertainty
        palette = np.tile(self._palette_rgb, (-(-R.shape[1] // MAX_CLUSTERS), 1))[: R.shape[1]]
        if len(R) < self.membership_worker_min_points:
            self.points.set_rgb(membership_rgb(R, palette, shade))
            return
        for cached_R, cached_shade, rgb in self._membership_cache:
            if cached_R is R and cached_shade == shade:
                self.points.set_rgb(rgb)
                return
        # Meanwhile each point in its most likely cluster's colour, as the hard labels draw it.
        self.points.set_colors(s.labels.astype(np.uint8) % MAX_CLUSTERS + 1)
        self._memberships_pending = (R, palette, shade)
        self._membership_job.start(_mix_memberships, R, palette, shade)  # busy: asked again when done

    def shutdown(self) -> None:
        """The window is closing: stop the regions' timer and let drawing work on its threads
        (a raster, soft colours: a fraction of a second each) finish, so none outlives it."""
        self._region_timer.stop()
        self.points.stop()
        self._membership_job.wait(5.0)

    def finish_drawing(self) -> None:
        """Make the next paint the final picture, however big the data: call before a grab."""
        self._finish_memberships()
        self.points.finish_next_paint()

    def _finish_memberships(self) -> None:
        """Mix the stand-in's colours here and now: a grab or an export shows the final picture."""
        if self._memberships_pending is not None:
            result = _mix_memberships(*self._memberships_pending)
            self._memberships_pending = None
            self._membership_cache = [result] + self._membership_cache[: MEMBERSHIP_CACHE_STATES - 1]
            self.points.set_rgb(result[2])

    def _on_memberships_mixed(self, result) -> None:
        self._membership_cache = [result] + self._membership_cache[: MEMBERSHIP_CACHE_STATES - 1]
        if self._memberships_pending is not None:
            # Shown from the cache now, or mixed next: pending again only in the second case (a
            # stale one would be mixed again before every grab).
            self._memberships_pending = None
            self._show_memberships(self.state.current)  # the state mixed, or the one shown since

    def _centres_to_show(self) -> np.ndarray:
        """The centres on the canvas, shape (k, 2): projected like the points."""
        s = self.state.current
        if s is not None:
            return self.state.project(s.centers)
        if self.state.params.init == "manual" and self.state.is_planar:
            return self.state.project(self.state.manual_centers)
        return np.empty((0, 2))

    def _update_centroids(self) -> None:
        C = self._centres_to_show()
        s = self.state.current
        spots = []
        for j, c in enumerate(C):
            newest = s is not None and s.phase == "init" and getattr(s, "seed", None) is not None and j == len(C) - 1
            spots.append(
                {
                    "pos": (float(c[0]), float(c[1])),
                    "brush": self._brushes[j % len(self._brushes)],
                    "pen": self._newest_pen if newest else self._centroid_pen,
                    "size": 30 if newest else 24,
                }
            )
        self.centroids.setData(spots)
        self.centroid_halo.setData(pos=[sp["pos"] for sp in spots], size=[sp["size"] + 9 for sp in spots])
        cand = s.seed.candidates if getattr(s, "seed", None) is not None else None
        if cand is not None and len(cand) > 1 and len(self.state.points):
            P = self.state.view_points[np.asarray(cand)]
            self.candidates.setData(pos=P)
        else:
            self.candidates.setData([])

    def _update_lines(self) -> None:
        s = self.state.current
        if not self.show_lines or s is None or s.labels is None:
            self.lines.setData([], [])
            return
        X = self.state.view_points
        if self._line_sample is None or self._line_sample[0] != self.state.data_version:
            idx = np.arange(len(X))
            if len(X) > MAX_LINES:
                idx = np.sort(np.random.default_rng(0).choice(len(X), MAX_LINES, replace=False))
            self._line_sample = (self.state.data_version, idx)
        idx = self._line_sample[1]
        C = self.state.project(s.centers)
        seg = np.empty((2 * len(idx), 2))
        seg[0::2] = X[idx]
        seg[1::2] = C[s.labels[idx]]
        self.lines.setData(seg[:, 0], seg[:, 1])

    def _update_trails(self) -> None:
        trail = (self.state.project(self.state.trail()) if (self.show_trails and self.state.current is not None)
                 else np.empty((0, 0, 2)))
        key = (self.state.run_version, trail.shape)
        if key == self._trail_key:
            return  # trails change only on updates (and when stepping back over one)
        self._trail_key = key
        m, k = trail.shape[:2]
        if m < 2:
            self.trail_lines.setData([], [])
            self.trail_dots.setData([])
            return
        # One polyline per centroid in a single item: break the path between centroids.
        path = trail.transpose(1, 0, 2).reshape(-1, 2)
        connect = np.ones(len(path), dtype=bool)
        connect[m - 1 :: m] = False
        self.trail_lines.setData(path[:, 0], path[:, 1], connect=connect)
        brushes = [self._brushes[j % len(self._brushes)] for j in range(k) for _ in range(m - 1)]
        dots = trail[:-1].transpose(1, 0, 2).reshape(-1, 2)  # the last one is under the centroid
        self.trail_dots.setData(pos=dots, brush=brushes)

    def regions_apply(self) -> bool:
        """Voronoi regions describe nearest-centre assignment: not soft memberships or a mixture,
        and only on the plane the clustering happened in (2-D data)."""
        return self.state.params.algorithm in HARD_ALGORITHMS and self.state.is_planar

    def regions_off_reason(self) -> str | None:
        """Why regions are not drawn, in words (a soft algorithm, or n-D data); None when they apply."""
        if self.state.params.algorithm not in HARD_ALGORITHMS:
            return words.regions_not_drawn(self.state.params.algorithm)
        return self.state.regions_hidden_reason

    def _update_regions(self) -> None:
        C = self._centres_to_show()
        if not self.show_regions or len(C) == 0 or not self.regions_apply():
            self.regions.setVisible(False)
            self._region_key = None
            return
        (x0, x1), (y0, y1) = self.viewbox.viewRange()
        w = max(int(self.viewbox.width()), 50)
        h = max(int(self.viewbox.height()), 50)
        key = (C.tobytes(), x0, x1, y0, y1, w, h)
        if key == self._region_key:
            self.regions.setVisible(True)
            return
        self._region_key = key
        labels = region_labels(x0, x1, y0, y1, w, h, C, cell=6)
        image = (labels % MAX_CLUSTERS).astype(np.uint8)
        # The label grid is rounded up to whole cells: stretch its rectangle to match.
        x1 = x0 + (x1 - x0) * image.shape[1] / w
        y1 = y0 + (y1 - y0) * image.shape[0] / h
        self.regions.setImage(image, lut=self._region_lut, levels=(0, 255), autoLevels=False)
        self.regions.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.regions.setVisible(True)

    # ------------------------------------------------------------------ mouse -> state
    def _pixel_size(self) -> tuple[float, float]:
        px = self.viewbox.viewPixelSize()
        return abs(px[0]), abs(px[1])

    def _nearest_centre(self, x: float, y: float, max_px: float = 16.0) -> int | None:
        C = self._centres_to_show()
        if len(C) == 0:
            return None
        sx, sy = self._pixel_size()
        d = np.hypot((C[:, 0] - x) / sx, (C[:, 1] - y) / sy)
        j = int(np.argmin(d))
        return j if d[j] <= max_px else None

    def _can_move_centres(self) -> bool:
        # Placed centres can be moved until the run gets going (only at its first state).
        return self.state.params.init == "manual" and self.state.cursor == 0

    def _refused_off_plane(self, what: str) -> bool:
        """Say why ``what`` is not offered on n-D data (and return True), or return False."""
        reason = self.state.planar_only_reason(what)
        if reason is not None:
            self.edit_message.emit(reason)
        return reason is not None

    def left_click(self, x: float, y: float) -> None:
        state = self.state
        if self._refused_off_plane("Adding points by hand"):
            return
        if state.needs_centers:
            state.add_manual_center(x, y)
            left = state.needs_centers
            self.edit_message.emit(words.centroid_placed(left))
            return
        if self._can_move_centres() and self._nearest_centre(x, y) is not None:
            return  # a click on a placed centre is the start of a drag, not a new point
        if self.brush_mode:
            self._spray_at(x, y)
            self._commit_spray()
        else:
            state.add_points([[x, y]])

    def right_click(self, x: float, y: float) -> None:
        if self._refused_off_plane("Removing points by hand"):
            return
        if self.state.n_points == 0:
            self.edit_message.emit(words.NO_POINTS_TO_REMOVE)
            return
        # The aspect ratio is locked, so one data unit spans the same pixels along x and y.
        radius = self.remove_radius_px * max(self._pixel_size())
        if self.state.remove_nearest(x, y, max_distance=radius) is None:
            self.edit_message.emit(words.NO_POINT_NEAR_CLICK)

    def drag(self, ev, viewbox) -> bool:
        """Handle a left drag; return False to let the ViewBox pan."""
        pos = viewbox.mapToView(ev.pos())
        if ev.isStart():
            start = viewbox.mapToView(ev.buttonDownPos())
            self._drag_center = None
            if self._can_move_centres():
                self._drag_center = self._nearest_centre(start.x(), start.y())
            # The mode is fixed for the whole drag: turning the brush off mid-stroke must neither
            # drop the points sprayed so far nor turn the rest of the stroke into a pan.
            self._drag_sprays = self._drag_center is None and self.brush_mode and self.state.is_planar
            if self._drag_center is None and not self._drag_sprays:
                return False
            self._spray = []
        if self._drag_center is not None:
            C = np.array(self._centres_to_show(), dtype=float)
            C[self._drag_center] = (pos.x(), pos.y())
            if ev.isFinish():
                j, self._drag_center = self._drag_center, None
                self.state.move_manual_center(j, pos.x(), pos.y())
            else:
                self.centroids.setData(pos=C, brush=[self._brushes[j % len(self._brushes)] for j in range(len(C))],
                                       pen=self._centroid_pen)
                self.centroid_halo.setData(pos=C, size=33)
            return True
        if not self._drag_sprays:
            return False
        self._spray_at(pos.x(), pos.y())
        if ev.isFinish():
            self._commit_spray()
        return True

    def _spray_at(self, x: float, y: float) -> None:
        sx, sy = self._pixel_size()
        m = self.brush_density
        r = self.brush_radius_px * np.sqrt(self._rng.uniform(size=m))
        a = self._rng.uniform(0, 2 * np.pi, size=m)
        P = np.c_[x + r * np.cos(a) * sx, y + r * np.sin(a) * sy]
        self._spray.append(P)
        self.spray_preview.setData(pos=np.concatenate(self._spray))

    def _commit_spray(self) -> None:
        if self._spray:
            P = np.concatenate(self._spray)
            self._spray = []
            self.spray_preview.setData([])
            self.state.add_points(P)
