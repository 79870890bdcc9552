"""``snapshot --save-session`` saves what it rendered, and ``snapshot --session`` renders it again
pixel for pixel; a bad session is one line on stderr and exit status 2."""

import numpy as np
from PIL import Image

from kmeans_gui.cli import build_parser, main
from kmeans_gui.state import session
from kmeans_gui.ui import snapshot


def parse(*argv):
    return build_parser("snapshot").parse_args(["snapshot", *argv])


def test_a_saved_session_renders_the_same_picture(qtbot, tmp_path):
    first, again, saved = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "s.kmsession"
    assert snapshot.run(parse("--dataset", "moons", "--k", "3", "--seed", "2", "--steps", "5", "--lines",
                              "--size", "900x600", "-o", str(first), "--save-session", str(saved))) == 0
    loaded = session.read(saved)
    assert loaded.models["explore"]["cursor"] == 5 and loaded.models["view"]["show_lines"]
    assert snapshot.run(parse("--session", str(saved), "--size", "900x600", "-o", str(again))) == 0
    a, b = np.asarray(Image.open(first).convert("RGBA")), np.asarray(Image.open(again).convert("RGBA"))
    assert a.shape == b.shape == (600, 900, 4)
    assert np.array_equal(a, b), f"{int((a != b).any(axis=-1).sum())} pixels differ"


def test_a_bad_session_is_one_line_and_status_2(qtbot, tmp_path, capsys):
    bad = tmp_path / "bad.kmsession"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert main(["snapshot", "--session", str(bad), "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "damaged or truncated" in err and "Traceback" not in err
    assert main([str(bad)]) == 2  # kmeans-gui FILE
    err = capsys.readouterr().err.strip()
    assert err.startswith("kmeans-gui: bad.kmsession is not a kmeans-gui session") and err.count("\n") == 0
    assert main(["open", str(tmp_path / "missing.kmsession")]) == 2
    assert "does not exist" in capsys.readouterr().err
