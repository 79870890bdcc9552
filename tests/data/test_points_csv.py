"""CSV points: separators, header, and the first bad cell named by line and column."""

import numpy as np
import pytest

from kmeans_gui.data.points_csv import load_points_csv


@pytest.mark.parametrize(("text", "header"), [
    ("x,y\n1,2\n3.5,-4e1\n", ["x", "y"]),
    ('"x";"y"\n1;2\n3.5;-4e1\n', ["x", "y"]),
    ("1\t2\n3.5\t-4e1\n", None),
    ("  1    2\n3.5   -4e1\n\n", None),
])
def test_separators_and_header(tmp_path, text, header):
    path = tmp_path / "p.csv"
    path.write_text(text)
    X, names = load_points_csv(path)
    np.testing.assert_array_equal(X, [[1, 2], [3.5, -40]])
    assert names == header


def test_one_column_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "one.csv"
    path.write_bytes("\ufeffvalue\n1\n2\n3\n".encode("utf-8"))
    X, names = load_points_csv(path)
    assert X.shape == (3, 1) and names == ["value"]


def test_not_text_and_a_folder(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(ValueError, match="not a text"):
        load_points_csv(path)
    with pytest.raises(ValueError, match="is a folder"):
        load_points_csv(tmp_path)
