"""Plain-text figures: sizes and ratios said as they are."""

from kmeans_gui.formatting import size_ratio_text, size_text


def test_a_larger_output_is_called_larger():
    assert size_ratio_text(2_820_000, 1_399_669) == "201% of the original file (larger)"
    assert size_ratio_text(945_000, 1_399_669) == "68% of the original file"
    assert size_ratio_text(100, 100) == "100% of the original file"


def test_unknown_or_downscaled_original_gives_no_percentage():
    assert size_ratio_text(100, None) is None and size_ratio_text(100, 0) is None
    assert size_ratio_text(100, 50, downscaled=True) == "not comparable: the original file holds the full-size image"


def test_size_text():
    assert size_text(None) == "?" and size_text(1536) == "1.5 KiB" and size_text(3 * 1024**2) == "3.00 MiB"


def test_db_gain_says_lossless_instead_of_nan_db():
    from kmeans_gui.formatting import db_gain

    inf = float("inf")
    assert db_gain(31.5, 30.25, "Pillow") == "+1.25 dB"
    assert db_gain(30.0, 31.5, "Pillow") == "−1.50 dB" and db_gain(30.0, 31.5, "Pillow", ascii=True) == "-1.50 dB"
    assert db_gain(inf, inf, "Pillow") == "lossless, as Pillow"
    assert db_gain(inf, 40.0, "Pillow") == "+∞ dB (lossless; Pillow is not)"
    assert db_gain(40.0, inf, "Pillow", ascii=True) == "-inf dB (Pillow is lossless)"
