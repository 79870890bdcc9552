"""The point raster: recolouring many points from cached pixel owners draws the same picture."""

import numpy as np
import pytest
from PySide6.QtGui import QTransform

from kmeans_gui.ui.explore.point_cloud import PointCloudItem


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
    from kmeans_gui.ui.explore.point_cloud import column_bounds

    X = np.random.default_rng(0).normal(size=(1001, 2)) * [3.0, 1e-3]
    for arr in (X, np.asfortranarray(X), X[::3], np.array([[5.0, -2.0]])):
        lo, hi = column_bounds(arr)
        np.testing.assert_array_equal(lo, arr.min(axis=0))
        np.testing.assert_array_equal(hi, arr.max(axis=0))


def test_many_points_in_a_new_view_are_drawn_over_event_loop_turns_and_grabs_wait(qtbot, monkeypatch):
    import pyqtgraph as pg

    from kmeans_gui.ui.common.pictures import whole_pictures
    from kmeans_gui.ui.explore import point_cloud

    # Small numbers stand for a million points: slices of 700 points, 3000 of them.
    monkeypatch.setattr(point_cloud, "PROGRESSIVE_MIN_POINTS", 2000)
    monkeypatch.setattr(point_cloud, "RECOLOUR_CACHE_MIN_POINTS", 2000)
    monkeypatch.setattr(point_cloud, "OWNER_SLICE_POINTS", 700)
    monkeypatch.setattr(point_cloud, "OWNER_TURN_S", 0.0)  # one slice per turn
    rng = np.random.default_rng(1)
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(300, 200)
    item = PointCloudItem(outline_index=None)
    table = np.zeros((256, 4), dtype=np.uint8)
    table[1:] = (255, 200, 0, 255)  # bright on the black background
    item.set_color_table(table)
    plot.addItem(item)
    item.set_points(rng.normal(size=(3000, 2)))
    item.set_colors(rng.integers(1, 9, size=3000).astype(np.uint8))
    with whole_pictures():  # a picture for a file (an export, a snapshot) is drawn in full at once
        grabbed = plot.grab().toImage()
    grabbed_key = item._cache_key
    assert item._owner_job is None and item._owners is not None
    pixels = np.frombuffer(bytes(grabbed.constBits()), dtype=np.uint32)
    assert np.count_nonzero(pixels == 0xFFFFC800) > 500  # the points are in the picture
    waits = []
    real_moved = item._paint_moved

    def paint_moved(painter, t):  # what the screen shows while the owners are being worked out
        waits.append((item._owner_key, item._owner_job is not None))
        real_moved(painter, t)

    item._paint_moved = paint_moved
    owners_before = item._owner_key
    plot.getViewBox().setRange(xRange=(-2, 3), yRange=(-2, 2), padding=0)  # a new view
    plot.show()
    qtbot.waitExposed(plot)
    qtbot.waitUntil(lambda: item._cache_key is not None and item._cache_key[:6] != grabbed_key[:6], timeout=5000)
    # On screen, the new view was painted first with the owners still in the works (a slice per
    # turn), then in full once they were done.
    assert waits and waits[0] == (owners_before, True)
    assert item._owner_key != owners_before
    assert not item._owner_timer.isActive() and item._owner_job is None
    plot.repaint()
    key = item._cache_key
    t = QTransform(key[0], key[1], key[2], key[3], key[4], key[5])
    assert _bytes(item._cache_image) == _bytes(item._raster_points(t, key[6], key[7], key[8]))
