"""Quantization in CIELAB / OKLab, the mean Delta E 2000 figure, and Floyd-Steinberg dithering."""

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_sample_image

from kmeans_gui.engine import colour
from kmeans_gui.engine.palette_mapping import dither_indices
from kmeans_gui.engine.quantize import apply_palette, mean_delta_e, mse_psnr, quantize


@pytest.fixture(scope="module")
def small_photo():
    im = Image.fromarray(load_sample_image("china.jpg")).resize((160, 107), Image.Resampling.BILINEAR)
    return np.ascontiguousarray(np.asarray(im))


@pytest.mark.parametrize("space", ["lab", "oklab"])
@pytest.mark.parametrize("method", ["sample", "full"])
def test_every_pixel_goes_to_its_nearest_colour_in_the_space(small_photo, space, method):
    r = quantize(small_photo, 12, method=method, space=space, sample_size=3000, seed=2)
    assert r.space == space and not r.dithered
    assert r.n_colors_after <= 12
    X = colour.to_space(small_photo.reshape(-1, 3), space)
    P = colour.to_space(r.palette, space)
    d = ((X[:, None, :] - P[None, :, :]) ** 2).sum(axis=2)
    chosen = d[np.arange(d.shape[0]), r.indices.ravel()]
    np.testing.assert_allclose(chosen, d.min(axis=1), rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(np.bincount(r.indices.ravel(), minlength=r.n_colors_after), r.counts)
    mse, psnr = mse_psnr(small_photo, r.image())
    assert r.mse == pytest.approx(mse) and r.psnr == pytest.approx(psnr)


@pytest.mark.parametrize("k", [8, 16])
def test_clustering_in_lab_lowers_the_mean_delta_e(small_photo, k):
    srgb = quantize(small_photo, k, seed=0)
    lab = quantize(small_photo, k, space="lab", seed=0)
    assert lab.delta_e < srgb.delta_e
    assert lab.psnr < srgb.psnr  # sRGB k-means minimises exactly the error PSNR measures


def test_mean_delta_e_is_the_mean_over_all_pixels_of_a_small_image(small_photo):
    r = quantize(small_photo, 6, seed=0)
    expected = colour.delta_e_2000(colour.srgb_to_lab(small_photo), colour.srgb_to_lab(r.image())).mean()
    assert r.delta_e_pixels == small_photo.shape[0] * small_photo.shape[1]
    assert r.delta_e == pytest.approx(expected, rel=1e-9)
    assert mean_delta_e(small_photo, r.indices, r.palette) == (r.delta_e, r.delta_e_pixels)


def test_a_large_image_measures_delta_e_on_a_fixed_sample():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (600, 500, 3), dtype=np.uint8)
    indices = rng.integers(0, 4, (600, 500)).astype(np.uint8)
    palette = rng.integers(0, 256, (4, 3), dtype=np.uint8)
    de, n = mean_delta_e(image, indices, palette, sample=5000)
    assert n == 5000
    assert mean_delta_e(image, indices, palette, sample=5000)[0] == de  # same sample every time
    full = colour.delta_e_2000(colour.srgb_to_lab(image), colour.srgb_to_lab(palette[indices])).mean()
    assert de == pytest.approx(full, rel=0.02)


def test_an_exact_result_has_zero_delta_e():
    image = np.array([[[0, 0, 0], [255, 0, 0]], [[0, 255, 0], [9, 9, 9]]], dtype=np.uint8)
    for space in colour.SPACES:
        r = quantize(image, 4, space=space)
        assert r.delta_e == 0.0 and r.mse == 0.0


def test_dithering_keeps_the_local_mean_of_a_gradient():
    ramp = np.tile(np.linspace(0, 255, 256).round().astype(np.uint8), (64, 1))
    image = np.repeat(ramp[:, :, None], 3, axis=2)
    palette = np.array([[0, 0, 0], [255, 255, 255]], dtype=np.uint8)
    plain, _, _ = apply_palette(image, palette)
    dithered, counts, sse = apply_palette(image, palette, dither=True)
    column_mean = lambda idx: palette[idx][..., 0].mean(axis=0)  # noqa: E731
    # Without dithering every column is black or white; with it each 16-column band averages
    # to the grey it replaces.
    assert set(np.unique(column_mean(plain))) == {0.0, 255.0}
    bands = column_mean(dithered).reshape(16, 16).mean(axis=1)
    np.testing.assert_allclose(bands, ramp[0].reshape(16, 16).mean(axis=1), atol=6)
    np.testing.assert_array_equal(np.bincount(dithered.ravel(), minlength=2), counts)
    assert sse == int(((image.astype(np.int64) - palette[dithered]) ** 2).sum())


def test_dither_never_adds_the_black_pillow_pads_a_short_palette_with():
    image = np.zeros((20, 20, 3), dtype=np.uint8)  # all black, and black is not in the palette
    palette = np.array([[255, 255, 255], [200, 0, 0], [90, 90, 90]], dtype=np.uint8)
    indices = dither_indices(image, palette)
    assert indices.max() < 3
    assert np.all(indices == 2)  # the darkest colour there is


def test_quantize_with_dither_reports_the_dithered_figures(small_photo):
    plain = quantize(small_photo, 8, seed=0)
    dithered = quantize(small_photo, 8, seed=0, dither=True)
    assert dithered.dithered
    assert {tuple(c) for c in dithered.palette} <= {tuple(c) for c in plain.palette}
    assert np.any(dithered.indices != plain.indices)
    mse, _ = mse_psnr(small_photo, dithered.image())
    assert dithered.mse == pytest.approx(mse)
    np.testing.assert_array_equal(np.bincount(dithered.indices.ravel(), minlength=dithered.n_colors_after),
                                  dithered.counts)


def test_minibatch_outside_srgb_is_refused_with_the_way_forward(small_photo):
    with pytest.raises(ValueError, match="sRGB pixels only; use 'sample' or 'full'"):
        quantize(small_photo, 8, method="minibatch", space="lab")
    with pytest.raises(ValueError, match="must be one of"):
        quantize(small_photo, 8, space="xyz")


def _ramp():
    ramp = np.tile(np.linspace(0, 255, 256).round().astype(np.uint8), (64, 1))
    return np.repeat(ramp[:, :, None], 3, axis=2)


def test_a_tiny_strength_is_plain_nearest_mapping_and_full_strength_matches_pillows_means():
    image = _ramp()
    palette = np.array([[0, 0, 0], [255, 255, 255]], dtype=np.uint8)
    plain, _, _ = apply_palette(image, palette)
    # An error scaled by 1e-9 never moves a colour across the half-way point between two.
    np.testing.assert_array_equal(dither_indices(image, palette, strength=1e-9), plain)
    ours = dither_indices(image, palette, strength=0.999999)  # our kernel, not Pillow's
    pillow = dither_indices(image, palette)
    band = lambda idx: palette[idx][..., 0].mean(axis=0).reshape(16, 16).mean(axis=1)  # noqa: E731
    np.testing.assert_allclose(band(ours), band(pillow), atol=4)
    np.testing.assert_allclose(band(ours), image[0, :, 0].reshape(16, 16).mean(axis=1), atol=6)


def test_half_strength_sits_between_none_and_full():
    image = _ramp()
    palette = np.array([[0, 0, 0], [85, 85, 85], [170, 170, 170], [255, 255, 255]], dtype=np.uint8)
    error = lambda idx: np.abs(palette[idx][..., 0].mean(axis=0) - image[0, :, 0]).mean()  # noqa: E731
    plain, _, _ = apply_palette(image, palette)
    half = dither_indices(image, palette, strength=0.5)
    full = dither_indices(image, palette, strength=0.999999)
    # column means track the ramp better the more error is diffused
    assert error(full) < error(half) < error(plain)


def test_dithering_a_lab_palette_matches_in_srgb(small_photo):
    """Error measured in sRGB must be matched in sRGB, or it grows (see dither_indices)."""
    r = quantize(small_photo, 8, seed=0, space="lab", dither=True)
    plain = quantize(small_photo, 8, seed=0, space="lab")
    assert {tuple(c) for c in r.palette} <= {tuple(c) for c in plain.palette}
    # quantize hands the palette over in packed-value order (Pillow breaks ties by position)
    packed = plain.palette.astype(np.int64) @ np.array([1 << 16, 1 << 8, 1])
    in_order = plain.palette[np.argsort(packed)]
    np.testing.assert_array_equal(r.image(), in_order[dither_indices(small_photo, in_order)])


def test_quantize_takes_a_dither_strength(small_photo):
    r = quantize(small_photo, 8, seed=0, dither=0.5)
    assert r.dithered and r.dither_strength == 0.5
    with pytest.raises(ValueError, match="strength from 0 to 1"):
        quantize(small_photo, 8, dither=1.5)


def test_pillows_comparison_is_dithered_like_ours(small_photo):
    from kmeans_gui.engine.quantize import pillow_quantize

    plain = pillow_quantize(small_photo, 8, "median cut")
    dithered = pillow_quantize(small_photo, 8, "median cut", dither=True)
    np.testing.assert_array_equal(dithered.palette, plain.palette)  # the same palette, mapped otherwise
    np.testing.assert_array_equal(dithered.indices, dither_indices(small_photo, plain.palette))
    assert dithered.mse == pytest.approx(mse_psnr(small_photo, dithered.image())[0])
