"""Colour spaces and CIEDE2000: against published and library reference values."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kmeans_gui.engine import colour
from kmeans_gui.engine.palette_mapping import delta_e_packed, nearest_in_space

# scikit-image 0.26.0, skimage.color.rgb2lab(uint8 colours) (D65, 2 degrees), printed to 10 places.
SKIMAGE_LAB = [
    ([0, 0, 0], [0.0, 0.0, 0.0]),
    ([255, 255, 255], [100.0, -0.0024549379, 0.0046534212]),
    ([255, 0, 0], [53.2405879437, 80.0923082257, 67.2027510444]),
    ([0, 255, 0], [87.7350994883, -86.1830297444, 83.1797031754]),
    ([0, 0, 255], [32.295672565, 79.1855909118, -107.8573002067]),
    ([128, 128, 128], [53.5850134522, -0.0014726456, 0.0027914515]),
    ([12, 200, 77], [70.8157445996, -66.5435442307, 48.8731784498]),
    ([3, 5, 9], [1.3333972851, 0.0330896225, -1.6978062504]),  # below the CIE cut-off: linear part
    ([250, 128, 114], [67.2640071168, 45.225536684, 29.0964888283]),
]

# CSS Color 4 (and Ottosson's reference code): sRGB primaries and white in OKLab, 5 places.
CSS_OKLAB = [
    ([255, 0, 0], [0.62796, 0.22486, 0.12585]),
    ([0, 255, 0], [0.86644, -0.23389, 0.17950]),
    ([0, 0, 255], [0.45201, -0.03246, -0.31153]),
    ([255, 255, 255], [1.0, 0.0, 0.0]),
]

# Sharma, Wu and Dalal (2005), Table 1: all 34 pairs (L*, a*, b*) and CIEDE2000 to 4 places.
SHARMA_PAIRS = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
    ((50.0000, 2.8361, -74.0200), (50.0000, 0.0000, -82.7485), 3.4412),
    ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -1.1848, -84.8006), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -0.9009, -85.5211), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, -1.0000, 2.0000), (50.0000, 0.0000, 0.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0010), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0012), 7.2195),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0009, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0010, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0011, -2.4900), 4.7461),
    ((50.0000, 2.5000, 0.0000), (50.0000, 0.0000, -2.5000), 4.3065),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2972, 0.0000), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 1.8634, 0.5757), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2592, 0.3350), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


def test_lab_matches_scikit_image_reference_values():
    rgb = np.array([c for c, _ in SKIMAGE_LAB], dtype=np.uint8)
    expected = np.array([lab for _, lab in SKIMAGE_LAB])
    np.testing.assert_allclose(colour.srgb_to_lab(rgb), expected, rtol=0, atol=1e-6)


def test_lab_round_trip_on_every_reference_colour_and_the_cube_corners():
    rgb = np.array([c for c, _ in SKIMAGE_LAB] + [[r, g, b] for r in (0, 255) for g in (0, 255) for b in (0, 255)],
                   dtype=np.uint8)
    back = colour.lab_to_srgb(colour.srgb_to_lab(rgb))
    np.testing.assert_allclose(back, rgb / 255.0, rtol=0, atol=1e-6)
    # and from the library's Lab values themselves
    lab = np.array([lab for _, lab in SKIMAGE_LAB])
    np.testing.assert_allclose(colour.lab_to_srgb(lab) * 255, [c for c, _ in SKIMAGE_LAB], rtol=0, atol=1e-6)


@settings(max_examples=50, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 50), st.just(3))))
def test_round_trips_within_1e_6_for_any_colours(rgb):
    for to, back in ((colour.srgb_to_lab, colour.lab_to_srgb), (colour.srgb_to_oklab, colour.oklab_to_srgb)):
        np.testing.assert_allclose(back(to(rgb)), rgb / 255.0, rtol=0, atol=1e-6)
    for space in colour.SPACES:
        np.testing.assert_array_equal(colour.palette_from_space(colour.to_space(rgb, space), space), rgb)


def test_oklab_matches_the_css_color_4_values():
    rgb = np.array([c for c, _ in CSS_OKLAB], dtype=np.uint8)
    np.testing.assert_allclose(colour.srgb_to_oklab(rgb), [v for _, v in CSS_OKLAB], rtol=0, atol=1e-5)


def test_float_and_uint8_input_agree():
    rgb = np.array([[12, 200, 77], [250, 128, 114]], dtype=np.uint8)
    np.testing.assert_allclose(colour.srgb_to_lab(rgb / 255.0), colour.srgb_to_lab(rgb), atol=1e-12)


def test_delta_e_2000_on_the_sharma_wu_dalal_pairs():
    lab1 = np.array([a for a, _, _ in SHARMA_PAIRS])
    lab2 = np.array([b for _, b, _ in SHARMA_PAIRS])
    expected = np.array([d for _, _, d in SHARMA_PAIRS])
    np.testing.assert_allclose(colour.delta_e_2000(lab1, lab2), expected, rtol=0, atol=5e-5)
    # symmetric, as the paper notes
    np.testing.assert_allclose(colour.delta_e_2000(lab2, lab1), expected, rtol=0, atol=5e-5)
    assert colour.delta_e_2000(lab1[0], lab1[0]) == 0.0


def test_the_compiled_kernels_agree_with_the_numpy_formulas():
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (2000, 3), dtype=np.uint8)
    other = rng.integers(0, 256, (2000, 3), dtype=np.uint8)
    packed = (rgb[:, 0].astype(np.uint32) << 16) | (rgb[:, 1].astype(np.uint32) << 8) | rgb[:, 2]
    packed_other = (other[:, 0].astype(np.uint32) << 16) | (other[:, 1].astype(np.uint32) << 8) | other[:, 2]
    expected = colour.delta_e_2000(colour.srgb_to_lab(rgb), colour.srgb_to_lab(other))
    np.testing.assert_allclose(delta_e_packed(packed, packed_other), expected, rtol=0, atol=1e-9)
    palette = rng.integers(0, 256, (9, 3), dtype=np.uint8)
    for space in colour.SPACES:
        X, P = colour.to_space(rgb, space), colour.to_space(palette, space)
        brute = ((X[:, None, :] - P[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        np.testing.assert_array_equal(nearest_in_space(packed, palette, space), brute)


def test_bad_space_and_bad_input_are_named():
    with pytest.raises(ValueError, match="space='hsv' must be one of"):
        colour.to_space(np.zeros((1, 3), np.uint8), "hsv")
    with pytest.raises(ValueError, match="3 channels"):
        colour.srgb_to_lab(np.zeros((2, 4), np.uint8))
    with pytest.raises(TypeError, match="uint8"):
        colour.srgb_to_lab(np.zeros((2, 3), np.int64))


def test_the_compiled_lloyd_matches_the_engines_lloyd():
    from kmeans_gui.engine import kmeans_steps
    from kmeans_gui.engine.palette_mapping import lloyd_small

    rng = np.random.default_rng(3)
    X = rng.normal(size=(600, 3)) * 40 + rng.integers(0, 4, 600)[:, None] * 60
    w = rng.integers(1, 20, 600).astype(float)
    init = X[:7].copy()
    for state in kmeans_steps(X, 7, init=init, sample_weight=w, tol=0, max_iter=300):
        pass
    np.testing.assert_allclose(lloyd_small(X, w, init, tol=0), state.centers, rtol=0, atol=1e-9)
