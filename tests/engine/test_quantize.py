"""Colour quantization: palette size, exactness of the mapping, quality against Pillow and sklearn."""

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import load_sample_image

from kmeans_gui.engine.progress import Cancelled
from kmeans_gui.engine.quantize import (
    METHODS, apply_palette, count_colors, distinct_colors, indexed_png_bytes,
    mse_psnr, pillow_quantize, quantize,
)


@pytest.fixture(scope="module")
def small_photo():
    """china.jpg at a quarter of its size: real photo statistics, fast tests."""
    im = Image.fromarray(load_sample_image("china.jpg")).resize((160, 107), Image.Resampling.BILINEAR)
    return np.ascontiguousarray(np.asarray(im))


def _image_with_colours(k, shape=(37, 23), seed=0):
    rng = np.random.default_rng(seed)
    packed = rng.choice(1 << 24, size=k, replace=False)
    palette = np.stack([(packed >> 16) & 255, (packed >> 8) & 255, packed & 255], axis=1).astype(np.uint8)
    idx = rng.integers(0, k, size=shape)
    idx.flat[:k] = np.arange(k)  # every colour used at least once
    return palette[idx], palette


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("k", [2, 16, 64])
def test_output_has_at_most_k_colours(small_photo, method, k):
    r = quantize(small_photo, k, method=method, sample_size=2000, seed=1)
    out = r.image()
    assert out.shape == small_photo.shape and out.dtype == np.uint8
    assert r.indices.shape == small_photo.shape[:2] and r.indices.dtype == np.uint8
    assert count_colors(out) == r.n_colors_after <= k
    assert len({tuple(c) for c in r.palette}) == r.n_colors_after  # no duplicate palette entries
    assert r.counts.sum() == small_photo.shape[0] * small_photo.shape[1]
    assert np.all(np.diff(r.counts) <= 0) and np.all(r.counts > 0)  # most frequent first, none unused
    np.testing.assert_array_equal(np.bincount(r.indices.ravel(), minlength=r.n_colors_after), r.counts)
    assert r.n_colors_before == count_colors(small_photo)
    mse, psnr = mse_psnr(small_photo, out)
    assert r.mse == pytest.approx(mse) and r.psnr == pytest.approx(psnr)


@pytest.mark.parametrize("name", ["china.jpg", "flower.jpg"])
@pytest.mark.parametrize("k", [8, 16, 32])
def test_kmeans_psnr_at_least_pillow_median_cut(name, k):
    image = load_sample_image(name)
    ours = quantize(image, k, seed=0)
    median_cut = pillow_quantize(image, k, "median cut")
    assert median_cut.palette.shape[0] <= k
    assert ours.psnr >= median_cut.psnr


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("k", [2, 7, 16, 256])
def test_image_with_k_colours_round_trips_exactly(method, k):
    image, palette = _image_with_colours(k, shape=(40, 30) if k < 256 else (32, 32))
    r = quantize(image, k, method=method, sample_size=max(k, 100), seed=3)
    np.testing.assert_array_equal(r.image(), image)
    assert r.mse == 0 and r.psnr == float("inf")
    assert r.n_colors_before == r.n_colors_after == k
    assert {tuple(c) for c in r.palette} == {tuple(c) for c in palette}


def test_fewer_colours_than_k_are_kept_and_reported():
    image, _ = _image_with_colours(5)
    r = quantize(image, 16)
    np.testing.assert_array_equal(r.image(), image)
    assert r.n_colors_after == 5 and any("only 5 distinct colours" in n for n in r.notes)


def test_apply_palette_is_the_exact_nearest_colour():
    rng = np.random.default_rng(4)
    image = rng.integers(0, 256, size=(50, 40, 3), dtype=np.uint8)
    palette = rng.integers(0, 256, size=(11, 3), dtype=np.uint8)
    palette[5] = palette[2]  # a tie: the lower index must win
    indices, counts, sse = apply_palette(image, palette)
    d = ((image.reshape(-1, 1, 3).astype(np.int64) - palette[None].astype(np.int64)) ** 2).sum(-1)
    np.testing.assert_array_equal(indices.ravel(), d.argmin(axis=1))
    assert sse == d.min(axis=1).sum()
    np.testing.assert_array_equal(counts, np.bincount(d.argmin(axis=1), minlength=11))
    assert counts[5] == 0


def test_distinct_colours_match_numpy_unique(small_photo):
    ref = np.unique(small_photo.reshape(-1, 3), axis=0)
    got = distinct_colors(small_photo)
    np.testing.assert_array_equal(
        got, (ref[:, 0].astype(np.uint32) << 16) | (ref[:, 1].astype(np.uint32) << 8) | ref[:, 2]
    )


def test_default_and_full_match_sklearn_full_kmeans(small_photo):
    """Our error is within 2% of scikit-learn's k-means on all pixels (best of 3 inits)."""
    k = 12
    sk = SkKMeans(k, n_init=3, random_state=0).fit(small_photo.reshape(-1, 3).astype(np.float64))
    sk_palette = np.unique(np.clip(np.rint(sk.cluster_centers_), 0, 255).astype(np.uint8), axis=0)
    _, _, sse = apply_palette(small_photo, sk_palette)
    sk_mse = sse / small_photo.size
    for method in ("sample", "full"):
        r = quantize(small_photo, k, method=method, seed=0)
        assert r.mse <= 1.02 * sk_mse, method


def test_same_seed_same_palette(small_photo):
    a = quantize(small_photo, 8, seed=11)
    b = quantize(small_photo, 8, seed=11)
    np.testing.assert_array_equal(a.palette, b.palette)
    np.testing.assert_array_equal(a.indices, b.indices)


def test_progress_reports_and_cancel(small_photo):
    seen = []
    quantize(small_photo, 8, progress=lambda f, msg: seen.append((f, msg)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and all(m for _, m in seen)

    calls = []

    def stop_after_a_few():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        quantize(small_photo, 8, should_stop=stop_after_a_few)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(image=np.zeros((4, 4, 3), np.float32)), "uint8"),
        (dict(image=np.zeros((4, 4), np.uint8)), "shape"),
        (dict(image=np.zeros((0, 4, 3), np.uint8)), "empty"),
        (dict(n_colors=1), "from 2 to 256"),
        (dict(n_colors=257), "from 2 to 256"),
        (dict(n_colors=2.5), "integer"),
        (dict(method="magic"), "method"),
        (dict(sample_size=3, n_colors=8), "sample_size"),
        (dict(n_init=0), "n_init"),
    ],
)
def test_bad_arguments_raise_clear_value_errors(kwargs, match):
    args = dict(image=np.zeros((4, 4, 3), np.uint8), n_colors=4)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        quantize(args.pop("image"), args.pop("n_colors"), **args)


@pytest.mark.parametrize("k", [2, 5, 16, 200])
def test_indexed_png_decodes_to_the_same_image(small_photo, k):
    r = quantize(small_photo, k, seed=0)
    data = indexed_png_bytes(r.indices, r.palette)
    with Image.open(io.BytesIO(data)) as im:
        assert im.mode == "P"
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), r.image())
    rgb_png = io.BytesIO()
    Image.fromarray(small_photo).save(rgb_png, format="PNG")
    assert len(data) < len(rgb_png.getvalue())


def test_pillow_comparison_reports_its_error(small_photo):
    for method in ("median cut", "fast octree"):
        p = pillow_quantize(small_photo, 16, method)
        assert p.indices.shape == small_photo.shape[:2] and p.palette.shape[0] <= 16
        assert (p.mse, p.psnr) == pytest.approx(mse_psnr(small_photo, p.image()))
    with pytest.raises(ValueError, match="median cut"):
        pillow_quantize(small_photo, 16, "k-means")


def _float64_figures(image, palette, indices):
    """MSE and PSNR computed independently, in float64, from the palette and the index image."""
    err = image.astype(np.float64) - palette[indices].astype(np.float64)
    mse = float(np.mean(err * err))
    return mse, 10.0 * np.log10(255.0**2 / mse)


@pytest.fixture(scope="module")
def flower():
    # Full size (273,280 pixels): more than one 2^18-pixel chunk, where 32-bit sums overflowed.
    return np.ascontiguousarray(load_sample_image("flower.jpg"))


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_figures_at_small_k_match_an_independent_float64_computation(flower, k):
    ours = quantize(flower, k, seed=0)
    assert (ours.mse, ours.psnr) == pytest.approx(_float64_figures(flower, ours.palette, ours.indices), rel=1e-12)
    for method in ("median cut", "fast octree"):
        p = pillow_quantize(flower, k, method)
        mse, psnr = _float64_figures(flower, p.palette, p.indices)
        assert (p.mse, p.psnr) == pytest.approx((mse, psnr), rel=1e-12), method
        assert 0 < p.mse and np.isfinite(p.psnr)


@settings(max_examples=40, deadline=None)
@given(
    image=hnp.arrays(np.uint8, st.tuples(st.integers(1, 9), st.integers(1, 9), st.just(3))),
    k=st.integers(2, 12),
    seed=st.integers(0, 3),
)
def test_property_at_most_k_colours_and_every_pixel_on_its_nearest_colour(image, k, seed):
    r = quantize(image, k, sample_size=max(k, 50), seed=seed)
    assert r.n_colors_after <= k
    pal = r.palette.astype(np.int64)
    d = ((image.reshape(-1, 1, 3).astype(np.int64) - pal[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(d[np.arange(d.shape[0]), r.indices.ravel()], d.min(axis=1))
    assert r.mse * image.size == pytest.approx(d.min(axis=1).sum())
    if count_colors(image) <= k:
        np.testing.assert_array_equal(r.image(), image)
