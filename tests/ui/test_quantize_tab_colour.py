"""The Image tab's colour space, dithering, quality target, locked colours and palette files,
driven by clicks and keys."""

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from kmeans_gui.data.palette_files import load_palette
from kmeans_gui.ui.image.quantize_tab import QuantizeTab

TIMEOUT = 30_000


@pytest.fixture
def tab(qtbot):
    widget = QuantizeTab()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()
    for box in (widget.error_box, widget.colour_dialog):
        if box is not None:
            box.close()


@pytest.fixture
def photo(tmp_path):
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:60, 0:80]
    arr = np.stack([x * 3, y * 4, (x + y) * 2], axis=-1) + rng.integers(0, 10, size=(60, 80, 3))
    path = tmp_path / "photo.png"
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(path)
    return path


def wait_done(qtbot, tab, also=lambda o: True):
    qtbot.waitUntil(
        lambda: tab.outcome is not None and tab.outcome.png_size is not None and len(tab.outcome.comparisons) == 2
        and not tab.runner.is_running() and also(tab.outcome),
        timeout=TIMEOUT,
    )


def choose(qtbot, combo, key):
    """Pick the entry whose data is ``key`` with the keyboard, as a person would."""
    combo.setFocus()
    if combo.currentData() != key:
        qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentData() != key:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"{key!r} is not in the list"


def test_lab_space_is_used_and_the_figures_give_delta_e(qtbot, tab, photo):
    tab.open_file(photo)
    wait_done(qtbot, tab)
    srgb = tab.outcome.result
    assert srgb.space == "srgb" and "Mean ΔE 2000" in tab.figures.text()
    choose(qtbot, tab.quality.space_combo, "lab")
    wait_done(qtbot, tab, lambda o: o.result.space == "lab")
    r = tab.outcome.result
    assert tab.model.space == "lab"
    assert "CIELAB" in tab.figures.text() and f"{r.delta_e:.2f}" in tab.figures.text()


def test_the_dither_switch_dithers_the_result_and_the_png(qtbot, tab, photo, tmp_path):
    tab.open_file(photo)
    wait_done(qtbot, tab)
    plain = tab.outcome.result.indices.copy()
    qtbot.mouseClick(tab.quality.dither_check, Qt.MouseButton.LeftButton)
    wait_done(qtbot, tab, lambda o: o.result.dithered)
    assert np.any(tab.outcome.result.indices != plain) and "dithered" in tab.figures.text()
    tab.export_png(tmp_path / "d.png")
    with Image.open(tmp_path / "d.png") as im:
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), tab.outcome.quantized)


def test_a_psnr_target_finds_k_and_shows_it(qtbot, tab, photo):
    tab.open_file(photo)
    wait_done(qtbot, tab)
    choose(qtbot, tab.quality.target_combo, "psnr")
    assert not tab.k_spin.isEnabled() and tab.quality.psnr_spin.isEnabled()
    tab.quality.psnr_spin.setFocus()
    tab.quality.psnr_spin.selectAll()
    qtbot.keyClicks(tab.quality.psnr_spin, "28")
    qtbot.keyClick(tab.quality.psnr_spin, Qt.Key.Key_Enter)
    wait_done(qtbot, tab, lambda o: o.search is not None and o.search.target == "PSNR >= 28 dB")
    search = tab.outcome.search
    assert search.reached and tab.outcome.result.psnr >= 28
    assert f"k = {search.k}" in tab.figures.text() and f"reached with k = {search.k}" in tab.status.text()
    assert tab.k_spin.value() == search.k and tab.model.k == 16  # shown, greyed out; the model's k kept
    assert tab.outcome.comparisons[0].palette.shape[0] <= search.k  # Pillow at the k found
    tab.model.locked = "#000000"  # a target search cannot honour pinned colours, and says so
    wait_done(qtbot, tab, lambda o: "ignores them" in tab.status.text())
    choose(qtbot, tab.quality.target_combo, "k")
    assert tab.k_spin.isEnabled() and tab.k_spin.value() == 16


def test_clicking_a_swatch_locks_its_colour_through_requantizing(qtbot, tab, photo):
    tab.open_file(photo)
    wait_done(qtbot, tab)
    strip = tab.palette_strip
    qtbot.waitUntil(lambda: strip._edges.size == strip.n_colors + 1, timeout=TIMEOUT)  # painted
    x = int((strip._edges[1] + strip._edges[2]) / 2)  # the second swatch
    colour = tab.outcome.result.palette[1].tolist()
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(x, strip.height() // 2))
    hex_colour = "#{:02x}{:02x}{:02x}".format(*colour)
    assert tab.model.locked_colours() == (hex_colour,)
    assert f"Locked {hex_colour}" in tab.status.text() and hex_colour in tab.quality.locked_label.text()
    tab.k_spin.setValue(5)  # re-quantize at another k: the locked colour stays
    wait_done(qtbot, tab, lambda o: o.result.n_colors == 5)
    palette = tab.outcome.result.palette.tolist()
    assert colour in palette
    assert strip.locked_mask.tolist() == [c == colour for c in palette]
    # clicking it again unlocks it
    qtbot.waitUntil(lambda: strip._edges.size == strip.n_colors + 1, timeout=TIMEOUT)
    i = palette.index(colour)
    x = int((strip._edges[i] + strip._edges[i + 1]) / 2)
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(x, strip.height() // 2))
    assert tab.model.locked_colours() == ()


def test_palette_files_re_read_to_the_shown_palette(qtbot, tab, photo, tmp_path):
    tab.open_file(photo)
    wait_done(qtbot, tab)
    for suffix in (".gpl", ".ase", ".act", ".csv"):
        tab.export_palette(tmp_path / f"p{suffix}")
        np.testing.assert_array_equal(load_palette(tmp_path / f"p{suffix}"), tab.outcome.result.palette)
    with pytest.raises(ValueError, match="ends in one of"):
        tab.export_palette(tmp_path / "p.txt")
    disguised = tmp_path / "photo_link.gpl"
    disguised.symlink_to(photo)
    before = photo.read_bytes()
    with pytest.raises(OSError, match="the image being quantized"):
        tab.export_palette(disguised)
    assert photo.read_bytes() == before


def test_dither_strength_spin_box(qtbot, tab, photo):
    tab.open_file(photo)
    wait_done(qtbot, tab)
    assert not tab.quality.strength_spin.isEnabled()
    qtbot.mouseClick(tab.quality.dither_check, Qt.MouseButton.LeftButton)
    assert tab.quality.strength_spin.isEnabled()
    tab.quality.strength_spin.setFocus()
    tab.quality.strength_spin.selectAll()
    qtbot.keyClicks(tab.quality.strength_spin, "0.5")
    qtbot.keyClick(tab.quality.strength_spin, Qt.Key.Key_Enter)
    wait_done(qtbot, tab, lambda o: o.result.dither_strength == 0.5)
    assert "dithered at 0.5" in tab.figures.text()


def test_a_picked_colour_is_locked_and_unlock_all_clears(qtbot, tab, photo):
    tab.open_file(photo)
    wait_done(qtbot, tab)
    assert not tab.quality.unlock_button.isEnabled()
    qtbot.mouseClick(tab.quality.pick_button, Qt.MouseButton.LeftButton)
    dialog = tab.colour_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    dialog.setCurrentColor(QColor(255, 0, 255))
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # the dialog's OK
    assert tab.model.locked_colours() == ("#ff00ff",)
    wait_done(qtbot, tab, lambda o: [255, 0, 255] in o.result.palette.tolist())
    assert tab.quality.unlock_button.isEnabled()
    qtbot.mouseClick(tab.quality.unlock_button, Qt.MouseButton.LeftButton)
    assert tab.model.locked_colours() == ()
    wait_done(qtbot, tab, lambda o: [255, 0, 255] not in o.result.palette.tolist())


def test_lowering_k_below_the_locked_colours_says_what_to_do(qtbot, tab, photo):
    tab.open_file(photo)
    wait_done(qtbot, tab)
    tab.model.locked = "#000000 #ffffff"
    wait_done(qtbot, tab, lambda o: [0, 0, 0] in o.result.palette.tolist())
    tab.k_spin.setValue(2)
    qtbot.waitUntil(lambda: "leave no free colour at k = 2" in tab.status.text() and not tab.runner.is_running(),
                    timeout=TIMEOUT)
    assert "raise k or unlock one" in tab.status.text()
    if tab.error_box is not None:
        tab.error_box.close()
