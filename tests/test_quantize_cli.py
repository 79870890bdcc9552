"""``kmeans-gui quantize``: writes an indexed PNG, prints the figures, fails cleanly on bad input."""

import csv

import numpy as np
import pytest
from PIL import Image

from kmeans_gui.cli import main


@pytest.fixture
def photo(tmp_path):
    rng = np.random.default_rng(0)
    # smooth gradients plus noise: many distinct colours, like a photo, but tiny
    y, x = np.mgrid[0:48, 0:64]
    arr = np.stack([x * 4, y * 5, (x + y) * 2], axis=-1) + rng.integers(0, 12, size=(48, 64, 3))
    path = tmp_path / "photo.png"
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(path)
    return path


def test_writes_an_indexed_png_with_at_most_k_colours(photo, tmp_path, capsys):
    out = tmp_path / "out.png"
    pal = tmp_path / "palette.csv"
    code = main(["quantize", str(photo), "-k", "8", "-o", str(out), "--seed", "3", "--palette-csv", str(pal)])
    assert code == 0
    with Image.open(out) as im:
        assert im.mode == "P"
        assert len(np.unique(np.asarray(im))) <= 8
        assert im.size == (64, 48)
    text = capsys.readouterr().out
    for label in ("colours", "MSE", "PSNR", "time", "indexed PNG", "Pillow median cut", "Pillow fast octree"):
        assert label in text
    assert "-> 8 after (k = 8)" in text
    rows = list(csv.DictReader(pal.open()))
    assert len(rows) == 8 and sum(int(r["pixels"]) for r in rows) == 64 * 48
    assert rows[0]["hex"] == "#{:02x}{:02x}{:02x}".format(int(rows[0]["r"]), int(rows[0]["g"]), int(rows[0]["b"]))


@pytest.mark.parametrize("method", ["full", "minibatch"])
def test_other_methods(photo, tmp_path, capsys, method):
    out = tmp_path / f"{method}.png"
    assert main(["quantize", str(photo), "-k", "4", "-o", str(out), "--method", method, "--no-compare"]) == 0
    assert out.exists() and "Pillow" not in capsys.readouterr().out


def test_builtin_sample_by_name(tmp_path, capsys):
    assert main(["quantize", "flower.jpg", "-k", "4", "--no-compare", "--sample", "2000"]) == 0
    assert "flower.jpg: 640 x 427" in capsys.readouterr().out


def _bad_inputs(tmp_path):
    text = tmp_path / "text.png"
    text.write_text("not an image")
    trunc = tmp_path / "trunc.jpg"
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(trunc)
    trunc.write_bytes(trunc.read_bytes()[:300])
    return {"text": text, "truncated": trunc, "missing": tmp_path / "missing.png"}


@pytest.mark.parametrize("kind", ["text", "truncated", "missing"])
def test_bad_image_exits_2_with_a_message_and_no_traceback(tmp_path, capsys, kind):
    path = _bad_inputs(tmp_path)[kind]
    assert main(["quantize", str(path), "-k", "8", "-o", str(tmp_path / "o.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kmeans-gui quantize: error:") and "Traceback" not in err
    assert not (tmp_path / "o.png").exists()


@pytest.mark.parametrize("args, match", [
    (["-k", "1"], "from 2 to 256"),
    (["-k", "300"], "from 2 to 256"),
    (["-k", "16", "--sample", "5"], "at least k"),
    (["-k", "4", "-o", "/nonexistent-folder/x.png"], "does not exist"),
])
def test_bad_options_exit_2(photo, capsys, args, match):
    assert main(["quantize", str(photo), *args]) == 2
    assert match in capsys.readouterr().err


def test_output_that_is_a_folder(photo, tmp_path, capsys):
    assert main(["quantize", str(photo), "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
