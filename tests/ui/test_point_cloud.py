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
