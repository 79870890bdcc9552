"""Image loading: every awkward input either becomes the right RGB pixels or a clear ImageLoadError."""

import numpy as np
import pytest
from PIL import Image

from kmeans_gui.data.images import SAMPLE_IMAGES, ImageLoadError, load_image, sample_image


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


@pytest.mark.parametrize("size", [(12, 12), (30, 30)])  # over the limit (warning) and over twice it (error)
def test_decompression_bomb_is_refused(tmp_path, monkeypatch, size):
    path = _save(tmp_path, "bomb.png", Image.new("RGB", size))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ImageLoadError, match="too large to open safely.*limit of 100"):
        load_image(path)


def test_missing_file_folder_and_empty_file(tmp_path):
    with pytest.raises(ImageLoadError, match="no such file"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(ImageLoadError, match="folder"):
        load_image(tmp_path)
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ImageLoadError, match="empty"):
        load_image(tmp_path / "empty.png")


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


@pytest.mark.parametrize("name", SAMPLE_IMAGES)
def test_builtin_samples_load_offline(name):
    loaded = sample_image(name)
    assert loaded.pixels.shape == (427, 640, 3) and loaded.pixels.dtype == np.uint8
    assert loaded.file_size and loaded.file_size > 10_000


def test_unknown_sample_name():
    with pytest.raises(ImageLoadError, match="Unknown sample"):
        sample_image("mona_lisa.jpg")
