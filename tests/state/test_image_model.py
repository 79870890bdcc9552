"""The Image tab's model without Qt: settings, source, outcome and the Pillow cache."""

import json

import numpy as np
import pytest

from kmeans_gui.data.images import LoadedImage
from kmeans_gui.state.image import ImageModel, load_task, quantize_task


class Ctx:
    """What a TaskRunner hands a task, minus the thread."""

    cancelled = False

    def __init__(self):
        self.partials, self.progress = [], []

    def set_progress(self, fraction, message=""):
        self.progress.append(fraction)

    def set_partial(self, value):
        self.partials.append(value)

    def check_cancelled(self):
        pass


def image(name="gradient.png"):
    y, x = np.mgrid[0:30, 0:40]
    pixels = np.stack([x * 6, y * 8, (x + y) * 3], axis=-1).astype(np.uint8)
    return LoadedImage(pixels=pixels, name=name, file_size=1234, notes=())


def test_settings_round_trip_and_a_bad_session_changes_nothing():
    m = ImageModel(k=5, method="full", seed=3)
    m.source = ImageModel.source_for("sample", "flower.jpg")
    data = json.loads(json.dumps(m.to_dict()))
    assert data == {"k": 5, "method": "full", "sample_size": 10_000, "seed": 3, "right_image": "k-means",
                    "source": {"kind": "sample", "name": "flower.jpg"}, "space": "srgb", "dither": False, "dither_strength": 1.0,
                    "target": "k", "target_psnr": 30.0, "target_delta_e": 3.0, "locked": ""}
    again = ImageModel.from_dict(data)
    assert again.to_dict() == data and again.needs_load  # the session names an image not loaded yet
    for bad in ({"source": {"kind": "sample", "name": "cat.jpg"}}, {"k": 1}, {"method": "magic"},
                {"source": {"kind": "file", "path": ""}}, {"right_image": 2}, {"space": "hsv"},
                {"dither": 1}, {"target": "size"}, {"target_psnr": 99.0}, {"locked": "#12345"}):
        with pytest.raises(ValueError):
            again.load_dict({**data, **bad})
        assert again.to_dict() == data


def test_quantize_needs_an_image_and_uses_the_settings():
    m = ImageModel(k=4, method="full")
    with pytest.raises(ValueError, match="Open an image first"):
        m.quantize_args()
    seen = []
    m.events.image.connect(lambda: seen.append("image"))
    m.events.outcome.connect(lambda: seen.append("outcome"))
    m.set_loaded(image(), ImageModel.source_for("file", "/tmp/gradient.png"))
    assert m.source == {"kind": "file", "path": "/tmp/gradient.png"} and not m.needs_load
    ctx = Ctx()
    outcome = quantize_task(Ctx(), *m.quantize_args())
    assert outcome.result.n_colors == 4 and outcome.png_size > 0 and len(outcome.comparisons) == 2
    assert [c.name for c in outcome.comparisons] == ["median cut", "fast octree"]
    m.set_outcome(outcome)
    assert m.known_comparisons() == outcome.comparisons and m.known_comparisons(5) is None
    again = quantize_task(ctx, *m.quantize_args(), known_comparisons=m.known_comparisons())
    assert again.comparisons == outcome.comparisons  # not computed twice
    assert len(ctx.partials) == 1 and ctx.partials[0].png_size is None  # ours first, figures after
    m.set_loaded(image("other.png"))
    assert m.outcome is None and m.known_comparisons() is None  # Pillow's results belong to one image
    assert seen == ["image", "outcome", "image"]


def test_load_task_reports_a_bad_file_as_a_message(tmp_path):
    bad = tmp_path / "not_an_image.png"
    bad.write_bytes(b"hello")
    kind, message = load_task(Ctx(), "file", str(bad))
    assert kind == "error" and "not_an_image.png" in message
    kind, loaded = load_task(Ctx(), "sample", "china.jpg")
    assert kind == "loaded" and loaded.pixels.shape[2] == 3


def test_locking_colours_toggles_and_keeps_one_colour_free():
    m = ImageModel(k=3)
    seen = []
    m.events.locked.connect(lambda: seen.append(m.locked))
    assert m.toggle_locked((255, 0, 16)) is True
    assert m.toggle_locked([0, 0, 0]) is True
    assert m.locked_colours() == ("#ff0010", "#000000")
    with pytest.raises(ValueError, match="Cannot lock 3 colours at k = 3"):
        m.toggle_locked((1, 2, 3))
    assert m.toggle_locked((255, 0, 16)) is False
    assert seen == ["#ff0010", "#ff0010 #000000", "#000000"]
    assert m.quantize_options() == dict(space="srgb", dither=False, target="k", target_value=None,
                                        locked=("#000000",))
    m.dither, m.dither_strength = True, 0.5
    assert m.quantize_options()["dither"] == 0.5
    m.target, m.target_psnr, m.space = "psnr", 33.5, "lab"
    assert m.quantize_options()["target_value"] == 33.5 and m.quantize_options()["space"] == "lab"
    assert m.known_comparisons() is None  # the k is the search's to find


def test_pillows_results_are_remembered_per_k_and_dithering():
    class Ctx:
        cancelled = False

        def set_progress(self, *a):
            pass

        def set_partial(self, *a):
            pass

        def check_cancelled(self):
            pass

    pixels = np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    m = ImageModel(k=4, dither=True, dither_strength=0.5)
    m.set_loaded(LoadedImage(pixels=pixels, name="noise"))
    outcome = quantize_task(Ctx(), *m.quantize_args(), **m.quantize_options())
    m.set_outcome(outcome)
    assert outcome.result.dither_strength == 0.5
    assert m.known_comparisons() == outcome.comparisons
    m.dither = False
    assert m.known_comparisons() is None  # undithered Pillow results are another computation
