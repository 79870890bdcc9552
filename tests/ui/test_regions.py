"""The region image is the exact nearest centre at every pixel along the edges."""

import numpy as np
import pytest

from kmeans_gui.engine import nearest_center
from kmeans_gui.ui.explore.regions import region_labels


def pixel_centres(x0, x1, y0, y1, w, h, shape):
    px, py = (x1 - x0) / w, (y1 - y0) / h
    gx = x0 + (np.arange(shape[1]) + 0.5) * px
    gy = y0 + (np.arange(shape[0]) + 0.5) * py
    return np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)


@pytest.mark.parametrize("cell", [3, 4, 6])
def test_matches_per_pixel_nearest_centre(cell):
    rng = np.random.default_rng(0)
    C = rng.uniform(-5, 5, size=(7, 2))
    args = (-6.0, 6.0, -4.0, 4.0, 301, 203)
    img = region_labels(*args, C, cell=cell)
    assert img.shape == (-(-203 // cell) * cell, -(-301 // cell) * cell)
    exact, _ = nearest_center(pixel_centres(*args, img.shape), C)
    # Coarse cells away from any edge are taken whole; a region narrower than a cell could be
    # missed there, which random centres this far apart do not make.
    assert np.array_equal(img.ravel(), exact)


def test_one_centre_fills_everything():
    img = region_labels(0, 1, 0, 1, 40, 30, np.array([[0.5, 0.5]]), cell=3)
    assert img.shape == (30, 42) and not img.any()
