"""The quality-target search: the fewest colours that reach PSNR >= X dB or Delta E <= Y."""

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_sample_image

from kmeans_gui.engine.progress import Cancelled
from kmeans_gui.engine.quantize import quantize
from kmeans_gui.engine.quantize_target import quantize_to_target


@pytest.fixture(scope="module")
def small_photo():
    im = Image.fromarray(load_sample_image("china.jpg")).resize((160, 107), Image.Resampling.BILINEAR)
    return np.ascontiguousarray(np.asarray(im))


def _seven_colours():
    """Seven far-apart colours in unequal shares: any k < 7 merges two of them (PSNR < 25 dB)."""
    palette = np.array([[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0],
                        [0, 255, 255]], dtype=np.uint8)
    shares = np.repeat(np.arange(7), [800, 600, 500, 400, 300, 250, 150])
    return palette[np.random.default_rng(0).permutation(shares).reshape(60, 50)]


def test_seven_colours_need_exactly_seven():
    search = quantize_to_target(_seven_colours(), psnr=50)
    assert search.reached and search.k == 7
    assert search.result.psnr == float("inf") and search.result.n_colors_after == 7
    assert search.tried[6][0] < 25
    assert search.target == "PSNR >= 50 dB"


@pytest.mark.parametrize("space", ["srgb", "lab"])
def test_the_answer_meets_the_target_and_one_colour_fewer_does_not(small_photo, space):
    search = quantize_to_target(small_photo, psnr=27, space=space)
    k = search.k
    assert search.reached and 2 < k < 64
    assert search.result.psnr >= 27 and search.result.n_colors <= k
    assert search.tried[k - 1][0] < 27 <= search.tried[k][0]
    assert search.result.space == space


def test_no_smaller_k_reaches_the_target_by_plain_quantize_either(small_photo):
    search = quantize_to_target(small_photo, psnr=26)
    assert search.reached
    for j in range(2, search.k - 1):  # k - 1 may land either side by a hair: a different fit
        assert quantize(small_photo, j, seed=0).psnr < 26, j


def test_a_delta_e_target(small_photo):
    search = quantize_to_target(small_photo, delta_e=4.0, space="lab")
    assert search.reached and search.result.delta_e <= 4.0
    assert search.tried[search.k - 1][1] > 4.0
    assert search.target == "mean Delta E <= 4"


def test_an_unreachable_target_gives_the_largest_k_and_says_so(small_photo):
    search = quantize_to_target(small_photo, psnr=60, k_max=6)
    assert not search.reached and search.k == 6
    assert any("does not reach PSNR >= 60 dB" in note for note in search.result.notes)


def test_dithered_result_at_the_chosen_k(small_photo):
    plain = quantize_to_target(small_photo, psnr=27)
    dithered = quantize_to_target(small_photo, psnr=27, dither=True)
    assert dithered.k == plain.k and dithered.result.dithered
    assert any("without dithering" in note for note in dithered.result.notes)


def test_cancel(small_photo):
    with pytest.raises(Cancelled):
        quantize_to_target(small_photo, psnr=30, should_stop=lambda: True)


@pytest.mark.parametrize("kwargs, match", [
    (dict(), "exactly one target"),
    (dict(psnr=30, delta_e=2), "exactly one target"),
    (dict(psnr=-1), "above 0 dB"),
    (dict(delta_e=-0.5), "0 or more"),
    (dict(psnr=float("nan")), "finite"),
    (dict(psnr=30, k_min=10, k_max=5), "above k_max"),
    (dict(psnr=30, k_max=300), "from 2 to 256"),
    (dict(psnr=30, space="rgb"), "must be one of"),
])
def test_bad_arguments(small_photo, kwargs, match):
    with pytest.raises(ValueError, match=match):
        quantize_to_target(small_photo, **kwargs)
