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


@pytest.mark.parametrize("via", ["same path", "symlink", "dotted path"])
@pytest.mark.parametrize("option", ["-o", "--palette-csv"])
def test_refuses_to_overwrite_the_input(photo, tmp_path, capsys, via, option):
    before = photo.read_bytes()
    if via == "symlink":
        target = tmp_path / "link.png"
        target.symlink_to(photo)
    elif via == "dotted path":
        (tmp_path / "sub").mkdir()
        target = tmp_path / "sub" / ".." / photo.name
    else:
        target = photo
    assert main(["quantize", str(photo), "-k", "4", "--no-compare", option, str(target)]) == 2
    err = capsys.readouterr().err
    assert "is the input image itself" in err and err.count("\n") == 1
    assert photo.read_bytes() == before


def test_png_and_csv_with_one_name_are_refused(photo, tmp_path, capsys):
    out = tmp_path / "x.out"
    assert main(["quantize", str(photo), "-k", "4", "--no-compare", "-o", str(out), "--palette-csv", str(out)]) == 2
    assert "same file" in capsys.readouterr().err and not out.exists()


def test_when_the_csv_cannot_be_written_no_png_is_left_behind(photo, tmp_path, capsys, monkeypatch):
    import kmeans_gui.engine.quantize as q

    out = tmp_path / "out.png"
    out.write_bytes(b"previous result")

    def disk_full(f, palette, counts):
        f.write("r,g,b")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(q, "write_palette_csv", disk_full)
    code = main(["quantize", str(photo), "-k", "4", "--no-compare", "-o", str(out), "--palette-csv", str(tmp_path / "p.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "cannot write p.csv: No space left on device (nothing was written)" in err
    assert out.read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png", "photo.png"]


def test_csv_in_a_missing_folder_leaves_no_png(photo, tmp_path, capsys):
    out = tmp_path / "out.png"
    code = main(["quantize", str(photo), "-k", "4", "--no-compare", "-o", str(out),
                 "--palette-csv", str(tmp_path / "missing" / "p.csv")])
    assert code == 2 and "cannot write p.csv" in capsys.readouterr().err and not out.exists()


def test_negative_seed_names_the_option(photo, capsys):
    assert main(["quantize", str(photo), "-k", "4", "--seed", "-1"]) == 2
    err = capsys.readouterr().err
    assert err == "kmeans-gui quantize: error: --seed -1: the seed must be a whole number, 0 or more.\n"


def test_too_many_pixels_is_refused_in_one_line_naming_the_way_forward(photo, tmp_path, capsys, monkeypatch):
    from kmeans_gui.data import images

    monkeypatch.setattr(images, "MAX_PIXELS", 768)  # the photo is 64 x 48 = 3072 pixels
    out = tmp_path / "out.png"
    assert main(["quantize", str(photo), "-k", "4", "--no-compare", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "64 x 48 pixels" in err and "downscaled to 32 x 24" in err
    assert err.rstrip().endswith("Add --downscale to quantize it at that size.") and not out.exists()

    assert main(["quantize", str(photo), "-k", "4", "--no-compare", "-o", str(out), "--downscale"]) == 0
    text = capsys.readouterr().out
    assert "note: Downscaled from 64 x 48 to 32 x 24" in text and "photo.png: 32 x 24" in text
    assert "not comparable: the original file holds the full-size image" in text
    with Image.open(out) as im:
        assert im.size == (32, 24)


def test_an_indexed_png_larger_than_the_original_is_called_larger(photo, tmp_path, capsys):
    tiny_jpeg = tmp_path / "tiny.jpg"
    Image.open(photo).save(tiny_jpeg, quality=5)  # a very lossy JPEG: the lossless PNG is larger
    assert main(["quantize", str(tiny_jpeg), "-k", "256", "--no-compare", "-o", str(tmp_path / "o.png")]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("indexed PNG"))
    png, original = (tmp_path / "o.png").stat().st_size, tiny_jpeg.stat().st_size
    assert png > original
    assert line.endswith(f"% of the original file (larger)") and f"{100 * png / original:.0f}%" in line


@pytest.mark.parametrize("args, match", [
    (["--seed", "abc"], "argument --seed: invalid int value: 'abc'"),
    (["--method", "magic"], "argument --method: invalid choice: 'magic'"),
])
def test_option_errors_are_one_line_with_status_2(photo, capsys, args, match):
    with pytest.raises(SystemExit) as info:
        main(["quantize", str(photo), *args])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and match in err
    assert err.startswith("kmeans-gui quantize: error:") and "usage" not in err
