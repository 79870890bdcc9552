"""The Image tab: load, quantize in the background, compare, export, cancel, and bad files."""

import csv
import threading

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from kmeans_gui.engine.quantize import count_colors
from kmeans_gui.ui.image.quantize_tab import QuantizeTab

TIMEOUT = 30_000


@pytest.fixture
def tab(qtbot):
    widget = QuantizeTab()
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()
    for box in (widget.error_box, widget.downscale_box):
        if box is not None:
            box.close()


def wait_done(qtbot, tab):
    """Until the whole run (ours, PNG size, Pillow comparisons) has arrived."""
    qtbot.waitUntil(
        lambda: tab.outcome is not None and tab.outcome.png_size is not None and len(tab.outcome.comparisons) == 2
        and not tab.runner.is_running(),
        timeout=TIMEOUT,
    )


@pytest.fixture
def small_png(tmp_path):
    y, x = np.mgrid[0:60, 0:80]
    arr = np.stack([x * 3, y * 4, (x + y) * 2], axis=-1).astype(np.uint8)
    path = tmp_path / "gradient.png"
    Image.fromarray(arr).save(path)
    return path, arr


def test_sample_loads_and_the_quantized_image_appears(qtbot, tab):
    tab.sample_combo.activated.emit(tab.sample_combo.findText("flower.jpg"))
    wait_done(qtbot, tab)
    r = tab.outcome.result
    assert tab.loaded.name == "flower.jpg"
    shown = tab.result_item.image
    assert shown.shape == (427, 640, 3) and shown.dtype == np.uint8
    assert count_colors(np.ascontiguousarray(shown)) == r.n_colors_after <= 16
    np.testing.assert_array_equal(tab.original_item.image, tab.loaded.pixels)
    assert tab.palette_strip.n_colors == r.n_colors_after
    text = tab.figures.text()
    for label in ("Colours", "MSE", "PSNR", "Indexed PNG", "Pillow median cut", "Pillow fast octree"):
        assert label in text
    assert f"{r.psnr:.2f} dB" in text and "computing" not in text
    assert tab.cloud.data is not None and tab.cloud.data.points.shape == (3000, 2)
    assert "PSNR" in tab.result_title.text
    assert not tab.cancel_button.isEnabled() and tab.export_png_button.isEnabled()


def test_changing_k_requantizes_and_keeps_slider_and_spin_in_step(qtbot, tab, small_png):
    tab.open_file(small_png[0])
    wait_done(qtbot, tab)
    tab.k_slider.setValue(5)
    assert tab.k_spin.value() == 5
    qtbot.waitUntil(lambda: tab.outcome.result.n_colors == 5 and not tab.runner.is_running(), timeout=TIMEOUT)
    assert tab.outcome.result.n_colors_after <= 5
    assert count_colors(np.ascontiguousarray(tab.result_item.image)) <= 5


def test_right_image_switches_to_pillow_and_views_are_linked(qtbot, tab, small_png):
    tab.open_file(small_png[0])
    wait_done(qtbot, tab)
    tab.view_combo.setCurrentIndex(1)
    median_cut = tab.outcome.comparisons[0]
    np.testing.assert_array_equal(tab.result_item.image, median_cut.image())
    assert "median cut" in tab.result_title.text
    tab.original_view.setRange(xRange=(10, 30), yRange=(5, 20), padding=0)
    qtbot.wait(10)
    np.testing.assert_allclose(tab.result_view.viewRange(), tab.original_view.viewRange())


def test_exports_indexed_png_and_palette_csv(qtbot, tab, small_png, tmp_path):
    tab.open_file(small_png[0])
    wait_done(qtbot, tab)
    out = tmp_path / "out.png"
    size = tab.export_png(out)
    assert out.stat().st_size == size
    with Image.open(out) as im:
        assert im.mode == "P"
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), tab.outcome.quantized)
    ratio = 100 * tab.outcome.png_size / small_png[0].stat().st_size
    assert f"{ratio:.0f}% of the original file" in tab.figures.text()
    tab.export_palette_csv(tmp_path / "p.csv")
    rows = list(csv.DictReader((tmp_path / "p.csv").open()))
    assert len(rows) == tab.outcome.result.n_colors_after
    assert sum(int(r["pixels"]) for r in rows) == 60 * 80


def test_export_refuses_to_overwrite_the_opened_image(qtbot, tab, small_png, tmp_path):
    path = small_png[0]
    before = path.read_bytes()
    tab.open_file(path)
    wait_done(qtbot, tab)
    link = tmp_path / "link.png"
    link.symlink_to(path)
    for target in (path, link):
        with pytest.raises(OSError, match="the image being quantized"):
            tab.export_png(target)
        with pytest.raises(OSError, match="the image being quantized"):
            tab.export_palette_csv(target)
    assert path.read_bytes() == before


def test_the_export_buttons_save_or_say_why_not(qtbot, tab, small_png, tmp_path, monkeypatch):
    from kmeans_gui.ui.image import image_files, palette_actions

    tab.open_file(small_png[0])
    wait_done(qtbot, tab)
    answer = {}
    for module in (image_files, palette_actions):
        monkeypatch.setattr(module.QFileDialog, "getSaveFileName",
                            staticmethod(lambda *args: (str(answer["path"]), answer.get("filter", ""))))

    answer["path"] = tmp_path / "out.png"
    qtbot.mouseClick(tab.export_png_button, Qt.MouseButton.LeftButton)
    assert tab.status.text() == f"Saved out.png ({answer['path'].stat().st_size / 1024:.1f} KiB)."
    answer["path"] = tmp_path / "no such folder" / "palette.csv"
    qtbot.mouseClick(tab.export_csv_button, Qt.MouseButton.LeftButton)
    assert tab.status.text().startswith(f"Could not write {answer['path']}: No such file or directory")
    assert tab.error_box is not None and tab.error_box.isVisible()
    tab.error_box.close()
    answer["path"] = tmp_path / "palette.txt"  # a suffix no paint program reads
    qtbot.mouseClick(tab.export_palette_button, Qt.MouseButton.LeftButton)
    assert tab.status.text().startswith("palette.txt: a palette file ends in one of") and not answer["path"].exists()
    answer["path"] = tmp_path / "colours.gpl"
    qtbot.mouseClick(tab.export_palette_button, Qt.MouseButton.LeftButton)
    assert tab.status.text() == "Saved the palette to colours.gpl." and answer["path"].read_text().startswith("GIMP")


def test_a_too_large_image_is_offered_downscaled(qtbot, tab, small_png, monkeypatch):
    from kmeans_gui.data import images

    monkeypatch.setattr(images, "MAX_PIXELS", 1200)  # the gradient is 80 x 60 = 4800 pixels
    tab.open_file(small_png[0])
    qtbot.waitUntil(lambda: tab.downscale_box is not None and tab.downscale_box.isVisible(), timeout=TIMEOUT)
    box = tab.downscale_box
    assert "80 x 60 pixels" in box.text() and "0.0012 MP" in box.text() and "downscaled to 40 x 30" in box.text()
    assert tab.loaded is None and box.defaultButton() is tab.open_downscaled_button
    qtbot.mouseClick(tab.open_downscaled_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, tab)
    assert tab.loaded.pixels.shape == (30, 40, 3) and tab.outcome.result.indices.shape == (30, 40)
    assert "Downscaled from 80 x 60 to 40 x 30" in tab.image_info.text()
    assert "not comparable: the original file holds the full-size image" in tab.figures.text()


def test_declining_the_downscale_opens_nothing(qtbot, tab, small_png, monkeypatch):
    from kmeans_gui.data import images

    monkeypatch.setattr(images, "MAX_PIXELS", 1200)
    tab.open_file(small_png[0])
    qtbot.waitUntil(lambda: tab.downscale_box is not None and tab.downscale_box.isVisible(), timeout=TIMEOUT)
    cancel = tab.downscale_box.button(tab.downscale_box.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.downscale_box.isVisible(), timeout=TIMEOUT)
    assert tab.loaded is None and not tab.runner.is_running()
    assert tab.status.text() == "Not opened: the image is larger than this program works on."


def test_dropping_a_file_opens_it(qtbot, tab, small_png):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(small_png[0]))])
    # QDragEnterEvent takes an integer QPoint, QDropEvent a QPointF.
    centre = QPoint(tab.width() // 2, tab.height() // 2)
    rest = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(centre, *rest)
    QApplication.sendEvent(tab, enter)  # Qt delivers a drop only after the widget accepted the drag
    assert enter.isAccepted()
    QApplication.sendEvent(tab, QDropEvent(QPointF(centre), *rest))
    wait_done(qtbot, tab)
    assert tab.loaded.name == "gradient.png"
    np.testing.assert_array_equal(tab.loaded.pixels, small_png[1])


def test_dragging_text_is_refused(tab):
    mime = QMimeData()
    mime.setText("hello")
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(tab, enter)
    assert not enter.isAccepted()


@pytest.mark.parametrize("kind", ["text", "truncated"])
def test_bad_file_gets_a_message_not_a_crash(qtbot, tab, tmp_path, kind):
    path = tmp_path / ("notes.png" if kind == "text" else "cut.jpg")
    if kind == "text":
        path.write_text("definitely not pixels")
    else:
        rng = np.random.default_rng(0)
        Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(path)
        path.write_bytes(path.read_bytes()[:400])
    messages = []
    tab.message.connect(messages.append)
    tab.open_file(path)
    qtbot.waitUntil(lambda: tab.error_box is not None and tab.error_box.isVisible(), timeout=TIMEOUT)
    expected = "not an image" if kind == "text" else "damaged or truncated"
    assert expected in tab.error_box.text() and expected in tab.status.text()
    assert messages and expected in messages[-1]
    assert tab.loaded is None and tab.outcome is None


def test_quantize_without_an_image_says_so(qtbot, tab):
    tab.start_quantize()
    assert "Open an image first" in tab.status.text()
    assert not tab.runner.is_running()


def test_cancel_stops_the_run_and_no_result_arrives(qtbot, tab, small_png):
    tab.open_file(small_png[0])
    wait_done(qtbot, tab)
    before = tab.outcome
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("full"))
    tab.start_quantize()
    assert tab.cancel_button.isEnabled()
    with qtbot.waitSignal(tab.runner.cancelled, timeout=TIMEOUT):
        qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
    assert tab.runner.wait(timeout=10)
    qtbot.wait(50)
    assert not tab.runner.is_running() and not tab.cancel_button.isEnabled()
    assert tab.outcome is before  # the cancelled run's result never arrives
    assert "Cancelled" in tab.progress_label.text()


def _task_threads(exclude=()):
    return [t for t in threading.enumerate() if t.name.startswith("kmeans-task") and t.is_alive() and t not in exclude]


def test_shutdown_mid_run_leaves_no_thread(qtbot, tab):
    before = set(threading.enumerate())
    tab.load_sample("china.jpg")
    assert _task_threads(before)  # the load runs on a worker thread...
    tab.shutdown()
    assert _task_threads(before) == []  # ...which shutdown joined


@pytest.fixture
def held_loads(monkeypatch):
    """File loads block until ``release.set()``: a load that is still in flight on demand."""
    from kmeans_gui.state import image as module

    release = threading.Event()
    real = module.load_image

    def slow_load(path):
        release.wait(timeout=TIMEOUT / 1000)
        return real(path)

    monkeypatch.setattr(module, "load_image", slow_load)
    yield release
    release.set()


def test_changing_settings_while_loading_keeps_the_new_image(qtbot, tab, small_png, tmp_path, held_loads):
    held_loads.set()
    tab.open_file(small_png[0])
    wait_done(qtbot, tab)
    held_loads.clear()
    second = tmp_path / "second.png"
    Image.fromarray(np.full((20, 30, 3), (10, 200, 90), np.uint8)).save(second)
    tab.open_file(second)
    tab.k_spin.setValue(3)  # would schedule a re-quantize of the old image
    qtbot.mouseClick(tab.quantize_button, Qt.MouseButton.LeftButton)  # would cancel the load
    assert tab.runner.is_running() and not tab._rerun.isActive()
    held_loads.set()
    qtbot.waitUntil(lambda: tab.loaded is not None and tab.loaded.name == "second.png" and tab.outcome is not None
                    and not tab.runner.is_running(), timeout=TIMEOUT)
    assert tab.outcome.result.n_colors == 3  # quantized once, with the settings of when the load ended
    assert tab.outcome.result.n_colors_before == 1


def test_an_unexpected_load_error_says_could_not_open(qtbot, tab, tmp_path, monkeypatch):
    from kmeans_gui.state import image as module

    def broken(path):
        raise MemoryError("image too large for memory")

    monkeypatch.setattr(module, "load_image", broken)
    tab.open_file(tmp_path / "huge.png")
    qtbot.waitUntil(lambda: tab.error_box is not None and tab.error_box.isVisible(), timeout=TIMEOUT)
    assert tab.error_box.text().startswith("Could not open huge.png")
    assert "too large" in tab.status.text() and "Quantization" not in tab.status.text()


def test_pillow_comparison_is_computed_once_per_k(qtbot, tab, small_png):
    tab.open_file(small_png[0])
    wait_done(qtbot, tab)
    first = tab.outcome.comparisons
    tab.seed_spin.setValue(7)  # our fit changes; Pillow's does not depend on the seed
    qtbot.waitUntil(lambda: tab.outcome.result.seed == 7 and not tab.runner.is_running(), timeout=TIMEOUT)
    assert all(a is b for a, b in zip(tab.outcome.comparisons, first, strict=True))


def test_the_widgets_follow_the_model_and_a_loaded_session_opens_its_image(qtbot, tab, small_png):
    settings = {**tab.model.to_dict(), "k": 6, "method": "full", "seed": 4, "right_image": "Pillow median cut",
                "source": {"kind": "file", "path": str(small_png[0])}}
    tab.model.load_dict(settings)
    assert (tab.k_spin.value(), tab.k_slider.value(), tab.method_combo.currentData(), tab.seed_spin.value()) == \
        (6, 6, "full", 4)
    assert tab.view_combo.currentText() == "Pillow median cut" and not tab.sample_spin.isEnabled()
    wait_done(qtbot, tab)
    np.testing.assert_array_equal(tab.loaded.pixels, small_png[1])
    assert tab.outcome.result.n_colors == 6 and tab.result_title.text.startswith("Pillow median cut")
    assert tab.model.to_dict() == settings  # loading and quantizing changed no setting
    tab.k_spin.setValue(7)
    assert tab.model.k == 7 and tab.k_slider.value() == 7


def test_an_image_of_fewer_colours_than_k_is_lossless_for_both_not_nan_db(qtbot, tab, tmp_path):
    path = tmp_path / "three.png"
    arr = np.zeros((30, 40, 3), np.uint8)
    arr[:, 10:] = (200, 30, 30)
    arr[:, 25:] = (20, 90, 240)
    Image.fromarray(arr).save(path)
    tab.open_file(path)
    wait_done(qtbot, tab)
    assert tab.outcome.result.psnr == float("inf")
    assert all(c.psnr == float("inf") for c in tab.outcome.comparisons)
    text = tab.figures.text()
    assert "nan" not in text.lower() and text.count("k-means lossless, as Pillow") == 2
    tab.grab().save("/tmp/fixes1214_lossless.png")


def test_the_image_shows_at_once_while_the_colour_kernels_load_on_the_worker(qtbot, tab, small_png, monkeypatch):
    from kmeans_gui.engine import palette_mapping
    from kmeans_gui.state.words import PREPARING_COLOUR_KERNELS

    release, threads = threading.Event(), []
    real_warm_up = palette_mapping.warm_up

    def slow_warm_up():  # as the first compile (15-20 s), until the test says
        threads.append(threading.current_thread())
        release.wait(timeout=TIMEOUT / 1000)
        real_warm_up()

    monkeypatch.setattr(palette_mapping, "warm_up", slow_warm_up)
    tab.open_file(small_png[0])
    qtbot.waitUntil(lambda: tab.loaded is not None, timeout=TIMEOUT)
    assert not release.is_set()  # the kernels are still loading, and the image is already there
    np.testing.assert_array_equal(tab.original_item.image, small_png[1])
    qtbot.waitUntil(lambda: tab.progress_label.text() == PREPARING_COLOUR_KERNELS, timeout=TIMEOUT)
    assert tab.outcome is None and tab.runner.is_running()
    tab.grab().save("/tmp/fixes1214_kernels.png")
    release.set()
    wait_done(qtbot, tab)
    assert threads and threading.main_thread() not in threads
    assert tab.outcome.result.n_colors == tab.k_spin.value()


def test_in_a_1200x760_window_the_figures_show_whole_without_scrolling(qtbot, make_window):
    window = make_window()
    window.resize(1200, 760)
    page = window.pages["image"]
    window.tabs.setCurrentWidget(page)
    page.sample_combo.activated.emit(page.sample_combo.findText("flower.jpg"))
    wait_done(qtbot, page)
    box = page.figures.parentWidget()
    scroll = page.controls_scroll
    assert scroll.verticalScrollBar().value() == 0

    def box_in_view():
        top = box.mapTo(scroll.viewport(), box.rect().topLeft()).y()
        return top >= 0 and top + box.height() <= scroll.viewport().height()

    qtbot.waitUntil(lambda: box.height() >= page.figures.sizeHint().height(), timeout=2000)
    qtbot.waitUntil(box_in_view, timeout=2000)
    # The controls to set k and quantize again stay in view beside them.
    for control in (page.k_spin, page.quantize_button):
        assert control.mapTo(scroll.viewport(), control.rect().topLeft()).y() >= 0
