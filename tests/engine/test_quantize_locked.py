"""Locked colours: pinned palette entries that re-quantizing keeps exactly."""

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_sample_image

from kmeans_gui.engine.quantize import quantize
from kmeans_gui.engine.quantize_locked import fit_with_locked


@pytest.fixture(scope="module")
def small_photo():
    im = Image.fromarray(load_sample_image("china.jpg")).resize((160, 107), Image.Resampling.BILINEAR)
    return np.ascontiguousarray(np.asarray(im))


def test_hand_computed_one_free_centre_moves_to_the_mean_of_what_is_not_pinned():
    grey = np.repeat(np.array([[0, 0, 0], [100, 100, 100], [180, 180, 180]], dtype=np.uint8), 10, axis=0)
    image = np.concatenate([grey, grey[:1]]).reshape(31, 1, 3)  # 11 black, 10 of each grey; 100 is nearer 140 than 0
    r = quantize(image, 2, locked=[[0, 0, 0]])
    assert {tuple(c) for c in r.palette} == {(0, 0, 0), (140, 140, 140)}
    free = fit_with_locked(np.array([[0.0], [100.0], [180.0]]), np.ones(3), np.array([[0.0]]), 2)
    np.testing.assert_allclose(free, [[140.0]])


@pytest.mark.parametrize("space", ["srgb", "lab"])
def test_locked_colours_stay_even_when_no_pixel_uses_them(small_photo, space):
    magenta, photo_colour = [255, 0, 255], small_photo[50, 80].tolist()
    r = quantize(small_photo, 8, space=space, locked=[magenta, photo_colour])
    colours = [tuple(c) for c in r.palette.tolist()]
    assert tuple(magenta) in colours and tuple(photo_colour) in colours
    assert r.n_colors_after <= 8 and len(set(colours)) == len(colours)
    assert r.counts[colours.index(tuple(magenta))] == 0  # no pixel of a Chinese temple is magenta
    assert r.counts.sum() == small_photo.shape[0] * small_photo.shape[1]
    assert any("2 locked colours kept" in n for n in r.notes)


def test_locking_a_colour_k_means_chose_anyway_costs_little(small_photo):
    free = quantize(small_photo, 12, seed=0)
    pinned = quantize(small_photo, 12, seed=0, locked=free.palette[:1])
    assert free.palette[0].tolist() in pinned.palette.tolist()
    assert pinned.psnr > free.psnr - 0.5


@pytest.mark.parametrize("locked, match", [
    ([[0, 0, 0]] * 1 + [[1, 1, 1]], "leave no free colour at k = 2"),
    ([[0, 0, 300]], "whole numbers 0..255"),
    ([0, 0, 0], "whole numbers 0..255"),
])
def test_bad_locked_colours(small_photo, locked, match):
    with pytest.raises(ValueError, match=match):
        quantize(small_photo, 2, locked=locked)
