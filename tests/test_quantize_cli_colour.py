"""``kmeans-gui quantize`` with --space, --dither, a quality target and palette files."""

import re

import numpy as np
import pytest
from PIL import Image

from kmeans_gui.cli import main
from kmeans_gui.data.palette_files import load_palette


@pytest.fixture
def photo(tmp_path):
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:48, 0:64]
    arr = np.stack([x * 4, y * 5, (x + y) * 2], axis=-1) + rng.integers(0, 12, size=(48, 64, 3))
    path = tmp_path / "photo.png"
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(path)
    return path


def _figure(text, label):
    line = next(x for x in text.splitlines() if x.startswith(label))
    return line[19:]


@pytest.mark.parametrize("space, shown", [("srgb", "sRGB"), ("lab", "CIELAB"), ("oklab", "OKLab")])
def test_space_is_used_and_shown_with_delta_e(photo, capsys, space, shown):
    assert main(["quantize", str(photo), "-k", "6", "--no-compare", "--space", space]) == 0
    out = capsys.readouterr().out
    assert _figure(out, "colour space") == shown
    assert float(_figure(out, "mean Delta E 2000")) > 0


def test_dither_writes_a_dithered_png(photo, tmp_path, capsys):
    plain, dithered = tmp_path / "plain.png", tmp_path / "dithered.png"
    assert main(["quantize", str(photo), "-k", "4", "--no-compare", "-o", str(plain)]) == 0
    assert main(["quantize", str(photo), "-k", "4", "--no-compare", "--dither", "-o", str(dithered)]) == 0
    assert "Floyd-Steinberg dithering" in capsys.readouterr().out
    with Image.open(plain) as a, Image.open(dithered) as b:
        assert a.mode == b.mode == "P"
        assert np.any(np.asarray(a) != np.asarray(b))


def test_target_psnr_reports_the_k_it_found(photo, tmp_path, capsys):
    out = tmp_path / "t.png"
    assert main(["quantize", str(photo), "--target-psnr", "30", "--no-compare", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    found = re.search(r"PSNR >= 30 dB: reached at k = (\d+)", _figure(text, "target"))
    assert found
    psnr = float(_figure(text, "PSNR").split()[0])
    assert psnr >= 30
    with Image.open(out) as im:
        assert len(np.unique(np.asarray(im))) <= int(found.group(1))


def test_all_palette_files_hold_the_png_palette(photo, tmp_path, capsys):
    out = tmp_path / "out.png"
    files = {s: tmp_path / f"p.{s}" for s in ("csv", "gpl", "ase", "act")}
    args = ["quantize", str(photo), "-k", "5", "--no-compare", "-o", str(out)]
    for suffix, path in files.items():
        args += [f"--palette-{suffix}", str(path)]
    assert main(args) == 0
    with Image.open(out) as im:
        png_palette = np.array(im.getpalette()[:15], dtype=np.uint8).reshape(5, 3)
    for path in files.values():
        np.testing.assert_array_equal(load_palette(path), png_palette)


@pytest.mark.parametrize("args, match", [
    (["-k", "8", "--target-psnr", "30"], "give -k or a target"),
    (["--target-psnr", "30", "--target-delta-e", "2"], "not allowed with argument"),
    (["--space", "hsv"], "invalid choice: 'hsv'"),
    (["--method", "minibatch", "--space", "lab"], "works in sRGB only"),
    (["--target-psnr", "-3"], "above 0 dB"),
])
def test_bad_combinations_exit_2_in_one_line(photo, capsys, args, match):
    try:
        code = main(["quantize", str(photo), "--no-compare", *args])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and match in err and err.count("\n") == 1 and "Traceback" not in err


def test_two_palette_files_with_one_name_are_refused(photo, tmp_path, capsys):
    same = tmp_path / "p.gpl"
    assert main(["quantize", str(photo), "-k", "4", "--no-compare", "--palette-gpl", str(same),
                 "--palette-ase", str(same)]) == 2
    assert "--palette-gpl and --palette-ase name the same file" in capsys.readouterr().err
    assert not same.exists()


def test_dither_strength(photo, capsys):
    assert main(["quantize", "--dither", str(photo), "-k", "4", "--no-compare"]) == 0  # a flag: IN may follow
    assert "Floyd-Steinberg dithering\n" in capsys.readouterr().out
    assert main(["quantize", "--dither-strength", "0.5", str(photo), "-k", "4", "--no-compare"]) == 0
    assert "Floyd-Steinberg dithering at strength 0.5" in capsys.readouterr().out
    assert main(["quantize", str(photo), "-k", "4", "--no-compare", "--dither-strength", "2"]) == 2
    err = capsys.readouterr().err
    assert "--dither-strength 2: the strength must be above 0 and at most 1." in err and err.count("\n") == 1
