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
