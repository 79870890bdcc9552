"""The point raster: recolouring many points from cached pixel owners draws the same picture."""

import numpy as np
import pytest
from PySide6.QtGui import QTransform

from kmeans_gui.ui.explore.point_cloud import PointCloudItem, default_radius


def _bytes(image):
    return bytes(image.constBits())


@pytest.mark.parametrize("radius", [1.0, 2.5])
def test_recolouring_from_cached_owners_matches_the_plain_raster(qtbot, radius):
    rng = np.random.default_rng(0)
    item = PointCloudItem(outline_index=None)
    item.radius = radius
    table = np.zeros((256, 4), dtype=np.uint8)
    table[1:] = rng.integers(0, 256, size=(255, 4))
    table[:, 3] = 255
    item.set_color_table(table)
    item.set_points(rng.normal(size=(4000, 2)) * 30)
    t = QTransform(1.7, 0.0, 0.0, -1.7, 160.0, 120.0)  # y flipped, as a ViewBox does
    for _ in range(3):
        item.set_colors(rng.integers(1, 20, size=4000).astype(np.uint8))
        fast = item._raster_by_owner(t, 320, 240, 1.0)
        plain = item._raster_points(t, 320, 240, 1.0)
        assert _bytes(fast) == _bytes(plain)
    owners = item._owners
    item.set_colors(3)
    item._raster_by_owner(t, 320, 240, 1.0)
    assert item._owners is owners  # a recolour reuses the owners; new points do not
    item.set_points(rng.normal(size=(10, 2)))
    item.set_colors(np.full(10, 2, dtype=np.uint8))
    assert _bytes(item._raster_by_owner(t, 320, 240, 1.0)) == _bytes(item._raster_points(t, 320, 240, 1.0))


def test_per_point_colours_are_drawn_as_given_with_the_outline_around_them(qtbot):
    item = PointCloudItem(outline_index=250)
    table = np.zeros((256, 4), dtype=np.uint8)
    table[250] = (48, 48, 48, 255)
    item.set_color_table(table)
    item.radius = 3.0
    item.set_points(np.array([[10.0, 10.0], [30.0, 20.0]]))
    item.set_rgb(np.array([[200.6, 10, 30], [0, 128, 255]]))
    t = QTransform()
    image = item._raster_points(t, 48, 32, 1.0)
    assert image.pixelColor(10, 10).getRgb() == (201, 10, 30, 255)  # rounded
    assert image.pixelColor(30, 20).getRgb() == (0, 128, 255, 255)
    assert image.pixelColor(14, 10).getRgb() == (48, 48, 48, 255)  # the outline ring, 1 px outside
    assert image.pixelColor(0, 0).alpha() == 0
    # Many points go through the owner cache: the same picture.
    rng = np.random.default_rng(1)
    item = PointCloudItem(outline_index=None)
    item.set_points(rng.uniform(0, 48, size=(200_000, 2)))
    item.set_rgb(rng.integers(0, 256, size=(200_000, 3)))
    assert _bytes(item._raster_by_owner(t, 48, 32, 1.0)) == _bytes(item._raster_points(t, 48, 32, 1.0))
    with pytest.raises(ValueError, match=r"colours have shape \(3, 3\); expected \(200000, 3\)"):
        item.set_rgb(np.zeros((3, 3)))
    item.set_colors(1)
    assert item.argb is None  # back to indexed colours


def test_column_bounds_are_numpys_per_column_min_and_max():
    from kmeans_gui.state.table_data import column_bounds

    X = np.random.default_rng(0).normal(size=(1001, 2)) * [3.0, 1e-3]
    for arr in (X, np.asfortranarray(X), X[::3], np.array([[5.0, -2.0]])):
        lo, hi = column_bounds(arr)
        np.testing.assert_array_equal(lo, arr.min(axis=0))
        np.testing.assert_array_equal(hi, arr.max(axis=0))


def test_a_grab_for_a_file_is_final_at_once_and_one_for_the_screen_previews(qtbot):
    import pyqtgraph as pg

    from kmeans_gui.ui.common.pictures import whole_pictures

    rng = np.random.default_rng(1)
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(300, 200)
    item = PointCloudItem(outline_index=None)
    item.worker_min_points = 1000  # as a million points would
    table = np.zeros((256, 4), dtype=np.uint8)
    table[1:] = (255, 200, 0, 255)  # bright on the black background
    item.set_color_table(table)
    plot.addItem(item)
    item.set_points(rng.normal(size=(3000, 2)))
    item.set_colors(rng.integers(1, 9, size=3000).astype(np.uint8))
    with whole_pictures():  # an export or a snapshot: no later turn will bring the full raster
        grabbed = plot.grab().toImage()
    assert not item.raster_pending
    pixels = np.frombuffer(bytes(grabbed.constBits()), dtype=np.uint32)
    assert np.count_nonzero(pixels == 0xFFFFC800) > 500  # the points are in the picture
    plot.getViewBox().setRange(xRange=(-2, 3), yRange=(-2, 2), padding=0)  # a new view
    plot.grab()  # painted as the window is: a preview, the full raster on a worker
    assert item.raster_pending
    qtbot.waitUntil(lambda: not item.raster_pending, timeout=5000)


def _paint_into(item, W=160, H=120):
    from PySide6.QtGui import QImage, QPainter

    image = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setTransform(QTransform(1.7, 0.0, 0.0, -1.7, 80.0, 60.0))
    item.paint(painter, None)
    painter.end()
    return image


@pytest.mark.parametrize("sizes", [False, True])
def test_big_rasters_come_from_a_worker_after_a_subsample_preview(qtbot, sizes, monkeypatch):
    import kmeans_gui.ui.explore.point_cloud as point_cloud

    monkeypatch.setattr(point_cloud, "_on_screen", lambda device: True)  # as a window's paint
    rng = np.random.default_rng(2)
    n = 120_000  # enough for recolours from cached owners
    item = PointCloudItem(outline_index=None)
    item.worker_min_points, item.preview_points = 1000, 40_000  # as 2,000,000 points would
    table = np.zeros((256, 4), dtype=np.uint8)
    table[1:] = rng.integers(0, 256, size=(255, 4))
    table[:, 3] = 255
    item.set_color_table(table)
    item.set_points(rng.normal(size=(n, 2)) * 20)
    item.set_colors(rng.integers(1, 20, size=n).astype(np.uint8),
                    rng.integers(0, 3, size=n).astype(np.uint8) if sizes else None)
    t = QTransform(1.7, 0.0, 0.0, -1.7, 80.0, 60.0)
    preview = _paint_into(item)
    assert item.raster_pending
    sub = PointCloudItem(outline_index=None)  # the preview: every 3rd point, at the full data's dot size
    sub.radius = default_radius(n)
    sub.set_color_table(table)
    sub.set_points(item._xy[::3])
    sub.set_colors(item._colors[::3], None if item._size_class is None else item._size_class[::3])
    assert _bytes(preview) == _bytes(sub._raster_points(t, 160, 120, 1.0))
    qtbot.waitUntil(lambda: not item.raster_pending, timeout=5000)
    full = _paint_into(item)
    assert not item.raster_pending  # the finished raster is drawn, nothing restarted
    assert _bytes(full) == _bytes(item._raster_points(t, 160, 120, 1.0)) != _bytes(preview)
    if not sizes:  # a recolour of the same view reuses the worker's owners, on this thread
        item.set_colors(rng.integers(1, 20, size=n).astype(np.uint8))
        recoloured = _paint_into(item)
        assert not item.raster_pending
        assert _bytes(recoloured) == _bytes(item._raster_points(t, 160, 120, 1.0))


def test_a_paint_into_an_image_is_final_at_once(qtbot):
    rng = np.random.default_rng(3)
    item = PointCloudItem(outline_index=None)
    item.worker_min_points = 1000  # a window would draw a preview first
    item.set_points(rng.normal(size=(5000, 2)) * 20)
    item.set_colors(rng.integers(1, 20, size=5000).astype(np.uint8))
    finished = []
    item.before_final_paint = lambda: finished.append(True)
    t = QTransform(1.7, 0.0, 0.0, -1.7, 80.0, 60.0)
    assert _bytes(_paint_into(item)) == _bytes(item._raster_points(t, 160, 120, 1.0))
    assert not item.raster_pending and finished == [True]


def test_the_paint_after_finish_next_paint_is_final_on_screen_too(qtbot, monkeypatch):
    import kmeans_gui.ui.explore.point_cloud as point_cloud

    monkeypatch.setattr(point_cloud, "_on_screen", lambda device: True)  # a grab paints as the window
    rng = np.random.default_rng(4)
    item = PointCloudItem(outline_index=None)
    item.worker_min_points = 1000
    item.set_points(rng.normal(size=(5000, 2)) * 20)
    item.set_colors(rng.integers(1, 20, size=5000).astype(np.uint8))
    item.finish_next_paint()
    t = QTransform(1.7, 0.0, 0.0, -1.7, 80.0, 60.0)
    assert _bytes(_paint_into(item)) == _bytes(item._raster_points(t, 160, 120, 1.0))
    assert not item.raster_pending
    item.set_colors(3)
    _paint_into(item)  # once only: the next one on screen goes to the worker again
    assert item.raster_pending
    qtbot.waitUntil(lambda: not item.raster_pending, timeout=5000)


def test_the_preview_of_many_points_has_no_outline_as_their_full_raster(qtbot, monkeypatch):
    import kmeans_gui.ui.explore.point_cloud as point_cloud

    monkeypatch.setattr(point_cloud, "_on_screen", lambda device: True)
    rng = np.random.default_rng(5)
    item = PointCloudItem(outline_index=250)  # outlined up to outline_limit points
    item.outline_limit, item.worker_min_points, item.preview_points = 2000, 1000, 1000
    table = np.zeros((256, 4), dtype=np.uint8)
    table[250] = (48, 48, 48, 255)
    table[1] = (200, 30, 30, 255)
    item.set_color_table(table)
    item.set_points(rng.normal(size=(3000, 2)) * 20)
    preview = _paint_into(item)  # every 3rd point: 1000, fewer than outline_limit
    colours = {preview.pixelColor(x, y).getRgb() for x in range(160) for y in range(120)}
    assert (48, 48, 48, 255) not in colours and (200, 30, 30, 255) in colours
    qtbot.waitUntil(lambda: not item.raster_pending, timeout=5000)
