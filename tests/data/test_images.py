"""Image loading: every awkward input either becomes the right RGB pixels or a clear ImageLoadError."""

import os

import numpy as np
import pytest
from PIL import Image, JpegImagePlugin

from kmeans_gui.data import images
from kmeans_gui.data.images import (
    SAMPLE_IMAGES, ImageLoadError, ImageTooLargeError, fit_within, load_image, sample_image,
)


def _save(tmp_path, name, im, **kw):
    path = tmp_path / name
    im.save(path, **kw)
    return path


def _rgb(h, w, colour):
    return Image.new("RGB", (w, h), colour)


def test_plain_rgb_png_round_trips_exactly(tmp_path):
    rng = np.random.default_rng(0)
    arr = rng.integers(0, 256, size=(7, 5, 3), dtype=np.uint8)
    loaded = load_image(_save(tmp_path, "a.png", Image.fromarray(arr)))
    assert loaded.pixels.dtype == np.uint8 and loaded.pixels.shape == (7, 5, 3)
    np.testing.assert_array_equal(loaded.pixels, arr)
    assert not loaded.pixels.flags.writeable
    assert loaded.file_size == (tmp_path / "a.png").stat().st_size
    assert loaded.name == "a.png" and loaded.original_mode == "RGB" and loaded.format == "PNG"
    assert loaded.notes == ()


def test_truncated_jpeg_gets_a_clear_error(tmp_path):
    rng = np.random.default_rng(1)
    path = _save(tmp_path, "photo.jpg", Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageLoadError, match="damaged or truncated"):
        load_image(path)


def test_text_file_named_png_is_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("hello, I am not a picture\n")
    with pytest.raises(ImageLoadError, match="not an image file"):
        load_image(path)


def test_decompression_bomb_is_refused_quoting_one_limit(tmp_path, monkeypatch):
    path = _save(tmp_path, "bomb.png", Image.new("RGB", (30, 30)))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # Pillow refuses above twice this
    with pytest.raises(ImageLoadError) as info:
        load_image(path, downscale=True)
    text = str(info.value)
    assert "more than 200 pixels" in text and "cannot be opened, even downscaled" in text
    assert "100" not in text  # one limit, not Pillow's warning level as well


def _gradient(w, h):
    y, x = np.mgrid[0:h, 0:w]
    return np.stack([x * 255 // max(1, w - 1), y * 255 // max(1, h - 1), np.full_like(x, 90)], axis=-1).astype(np.uint8)


def test_fit_within_keeps_the_aspect_and_the_limit():
    assert fit_within((9000, 9000), 50_000_000) == (7071, 7071)
    assert fit_within((12_000, 7_500), 50_000_000) == (8944, 5590)
    assert fit_within((400, 300), 120_000) == (400, 300)
    for size, limit in [((10_001, 3), 7), ((3, 10_001), 1000), ((7, 5), 34)]:
        w, h = fit_within(size, limit)
        assert w * h <= limit and w >= 1 and h >= 1


def test_more_pixels_than_the_limit_is_refused_with_a_way_forward(tmp_path, monkeypatch):
    path = _save(tmp_path, "wide.png", Image.fromarray(_gradient(120, 60)))
    monkeypatch.setattr(images, "MAX_PIXELS", 1800)
    with pytest.raises(ImageTooLargeError) as info:
        load_image(path)
    err = info.value
    assert isinstance(err, ImageLoadError)
    assert err.size == (120, 60) and err.limit == 1800 and err.downscaled_size == (60, 30)
    assert str(err) == ("wide.png is 120 x 60 pixels (0.0 MP), more than the 0.0018 MP this program works on. "
                        "It can be opened downscaled to 60 x 30.")


def test_downscale_opens_it_at_the_limit(tmp_path):
    arr = _gradient(120, 60)
    loaded = load_image(_save(tmp_path, "wide.png", Image.fromarray(arr)), downscale=True, max_pixels=1800)
    assert loaded.pixels.shape == (30, 60, 3)
    expected = np.asarray(Image.fromarray(arr).resize((60, 30), Image.Resampling.BOX)).astype(int)
    assert np.abs(loaded.pixels.astype(int) - expected).max() <= 6  # the same picture, smaller
    assert any("Downscaled from 120 x 60 to 60 x 30" in n for n in loaded.notes)
    assert loaded.downscaled_from == (120, 60)
    untouched = load_image(tmp_path / "wide.png", downscale=True, max_pixels=7200)
    np.testing.assert_array_equal(untouched.pixels, arr)
    assert not any("Downscaled" in n for n in untouched.notes) and untouched.downscaled_from is None


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(tmp_path, monkeypatch):
    decoded = []
    real_load = JpegImagePlugin.JpegImageFile.load

    def spy(self):
        out = real_load(self)
        decoded.append(self.size)
        return out

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy)
    path = _save(tmp_path, "big.jpg", Image.fromarray(_gradient(400, 300)), quality=95)
    loaded = load_image(path, downscale=True, max_pixels=10_000)
    assert loaded.pixels.shape == (86, 115, 3)  # fit_within((400, 300), 10_000)
    assert decoded and decoded[-1] == (200, 150)  # JPEG's 1/2 scale: never the full 400 x 300


def test_downscaled_size_is_upright_for_an_exif_rotated_jpeg(tmp_path):
    im = Image.fromarray(_gradient(80, 40))
    exif = im.getexif()
    exif[0x0112] = 6
    loaded = load_image(_save(tmp_path, "rot.jpg", im, exif=exif), downscale=True, max_pixels=800)
    assert loaded.pixels.shape == (40, 20, 3)
    assert any("Downscaled from 40 x 80 to 20 x 40" in n for n in loaded.notes)
    assert loaded.downscaled_from == (40, 80)


def test_missing_file_folder_and_empty_file(tmp_path):
    with pytest.raises(ImageLoadError, match="no such file"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(ImageLoadError, match="folder"):
        load_image(tmp_path)
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ImageLoadError, match="empty"):
        load_image(tmp_path / "empty.png")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_not_called_empty(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(ImageLoadError) as info:
        load_image(fifo)  # must not block waiting for a writer
    assert str(info.value) == "pipe.png is a named pipe (FIFO), not a regular file; save the image to a file first."


@pytest.mark.skipif(not os.path.exists("/dev/urandom"), reason="no /dev/urandom here")
def test_a_device_is_not_called_empty():
    with pytest.raises(ImageLoadError, match="urandom is a device, not a regular file"):
        load_image("/dev/urandom")


def test_errors_are_value_errors():
    assert issubclass(ImageLoadError, ValueError)


def test_greyscale_becomes_grey_rgb(tmp_path):
    arr = np.array([[0, 100], [200, 255]], dtype=np.uint8)
    loaded = load_image(_save(tmp_path, "g.png", Image.fromarray(arr)))
    np.testing.assert_array_equal(loaded.pixels, np.repeat(arr[:, :, None], 3, axis=2))
    assert any("Greyscale" in n for n in loaded.notes)


def test_palette_image_expands_to_its_colours(tmp_path):
    im = Image.new("P", (3, 1))
    im.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 759)
    im.putdata([0, 1, 2])
    loaded = load_image(_save(tmp_path, "p.png", im))
    np.testing.assert_array_equal(loaded.pixels[0], [[255, 0, 0], [0, 255, 0], [0, 0, 255]])
    assert any("Palette image (3 colours)" in n for n in loaded.notes)


def test_cmyk_jpeg_is_converted(tmp_path):
    im = Image.new("CMYK", (16, 16), (0, 0, 0, 0))  # no ink: white
    loaded = load_image(_save(tmp_path, "c.jpg", im, quality=100))
    assert loaded.original_mode == "CMYK"
    assert loaded.pixels.shape == (16, 16, 3)
    assert np.all(loaded.pixels >= 250)
    assert any("CMYK" in n for n in loaded.notes)


def test_rgba_is_composited_on_white_and_says_so(tmp_path):
    arr = np.array([[[255, 0, 0, 0], [0, 0, 255, 255], [0, 0, 0, 128], [10, 20, 30, 255]]], dtype=np.uint8)
    loaded = load_image(_save(tmp_path, "t.png", Image.fromarray(arr, mode="RGBA")))
    px = loaded.pixels[0].astype(int)
    np.testing.assert_array_equal(px[0], [255, 255, 255])  # fully transparent -> background
    np.testing.assert_array_equal(px[1], [0, 0, 255])
    assert np.all(np.abs(px[2] - 127) <= 1)  # half-transparent black over white
    np.testing.assert_array_equal(px[3], [10, 20, 30])
    assert any("75.0%" not in n and "50.0%" in n and "white" in n for n in loaded.notes)


def test_opaque_alpha_is_ignored(tmp_path):
    arr = np.full((2, 2, 4), 255, dtype=np.uint8)
    arr[..., :3] = 40
    loaded = load_image(_save(tmp_path, "o.png", Image.fromarray(arr, mode="RGBA")))
    np.testing.assert_array_equal(loaded.pixels, np.full((2, 2, 3), 40))
    assert any("fully opaque" in n for n in loaded.notes)


def test_16_bit_png_is_scaled_to_8_bits(tmp_path):
    arr = np.array([[0, 65535, 32896, 257]], dtype=np.uint16)
    path = _save(tmp_path, "deep.png", Image.fromarray(arr))
    loaded = load_image(path)
    assert loaded.original_mode.startswith("I")
    np.testing.assert_array_equal(loaded.pixels[0, :, 0], [0, 255, 128, 1])
    assert any("16-bit" in n for n in loaded.notes)


def test_animated_gif_uses_first_frame(tmp_path):
    frames = [_rgb(4, 4, (255, 0, 0)), _rgb(4, 4, (0, 0, 255)), _rgb(4, 4, (0, 255, 0))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=50, loop=0)
    loaded = load_image(path)
    np.testing.assert_array_equal(loaded.pixels, np.broadcast_to([255, 0, 0], (4, 4, 3)))
    assert any("3 frames" in n and "first" in n for n in loaded.notes)


def test_exif_rotated_jpeg_is_shown_upright(tmp_path):
    # Stored 40 wide x 20 tall: left half red, right half blue; orientation 6 = turn 90 deg clockwise.
    arr = np.zeros((20, 40, 3), dtype=np.uint8)
    arr[:, :20] = (255, 0, 0)
    arr[:, 20:] = (0, 0, 255)
    im = Image.fromarray(arr)
    exif = im.getexif()
    exif[0x0112] = 6
    loaded = load_image(_save(tmp_path, "rot.jpg", im, exif=exif, quality=100))
    px = loaded.pixels.astype(int)
    assert px.shape == (40, 20, 3)
    assert np.all(np.abs(px[2:18, 2:18] - [255, 0, 0]).max(axis=-1) < 40)  # top is the red half
    assert np.all(np.abs(px[22:38, 2:18] - [0, 0, 255]).max(axis=-1) < 40)
    assert any("EXIF orientation (6)" in n for n in loaded.notes)


def test_an_invalid_exif_orientation_is_not_reported_as_a_rotation(tmp_path):
    arr = _gradient(40, 20)
    im = Image.fromarray(arr)
    exif = im.getexif()
    exif[0x0112] = 99
    loaded = load_image(_save(tmp_path, "odd.png", im, exif=exif))
    np.testing.assert_array_equal(loaded.pixels, arr)  # as stored
    assert loaded.notes == ("EXIF orientation 99 is not a valid value (1 to 8): ignored, shown as stored.",)


@pytest.mark.parametrize("name", SAMPLE_IMAGES)
def test_builtin_samples_load_offline(name):
    loaded = sample_image(name)
    assert loaded.pixels.shape == (427, 640, 3) and loaded.pixels.dtype == np.uint8
    assert loaded.file_size and loaded.file_size > 10_000


def test_unknown_sample_name():
    with pytest.raises(ImageLoadError, match="Unknown sample"):
        sample_image("mona_lisa.jpg")
