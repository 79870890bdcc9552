"""CSV import: layout sniffing, exact values read, and one test per kind of bad input."""

import os

import numpy as np
import pytest

from kmeans_gui.data import csv_layout
from kmeans_gui.data.csv_layout import CsvError, sniff_csv
from kmeans_gui.data.table import NonFiniteRows, check_k, load_csv
from kmeans_gui.engine.progress import Cancelled


def write(tmp_path, content, name="t.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# --- what is read -------------------------------------------------------------------------------

def test_header_label_column_and_values(tmp_path):
    path = write(tmp_path, "a,b,c,species\n1,2,3,cat\n4,5,6,dog\n7,8.5,-9,cat\n")
    layout = sniff_csv(path)
    assert (layout.delimiter, layout.has_header) == (",", True)
    assert layout.names == ("a", "b", "c", "species")
    assert layout.numeric == (True, True, True, False)
    assert layout.guess_label_column() == 3
    table = load_csv(path, label_column="species")
    np.testing.assert_array_equal(table.X, [[1, 2, 3], [4, 5, 6], [7, 8.5, -9]])
    assert table.X.dtype == np.float64 and not table.X.flags.writeable
    assert table.columns == ("a", "b", "c")
    assert table.label_names == ("cat", "dog")
    np.testing.assert_array_equal(table.labels, [0, 1, 0])


def test_numeric_label_column_and_chosen_columns(tmp_path):
    path = write(tmp_path, "x;y;z;y_true\n1;2;3;0\n4;5;6;1\n7;8;9;1\n")
    table = load_csv(path, columns=["z", "x"], label_column="y_true")
    assert table.layout.delimiter == ";"
    np.testing.assert_array_equal(table.X, [[3, 1], [6, 4], [9, 7]])
    assert table.columns == ("z", "x") and table.label_names == ("0", "1")
    np.testing.assert_array_equal(table.labels, [0, 1, 1])


def test_no_header_detected_and_overridable(tmp_path):
    path = write(tmp_path, "1\t2\n3\t4\n5\t7\n")
    layout = sniff_csv(path)
    assert (layout.delimiter, layout.has_header) == ("\t", False)
    assert layout.names == ("column 1", "column 2")
    np.testing.assert_array_equal(load_csv(path).X, [[1, 2], [3, 4], [5, 7]])
    # Told there is a header, the first row becomes the names.
    table = load_csv(path, has_header=True)
    assert table.columns == ("1", "2")
    np.testing.assert_array_equal(table.X, [[3, 4], [5, 7]])


def test_delimiter_override(tmp_path):
    path = write(tmp_path, "a|b\n1|2\n3|4\n")
    assert sniff_csv(path).delimiter == "|"
    np.testing.assert_array_equal(load_csv(path, delimiter="|").X, [[1, 2], [3, 4]])
    with pytest.raises(CsvError, match="no numeric columns to cluster"):
        load_csv(path, delimiter=",")  # one column of text: "a|b", "1|2", ...


def test_standardize(tmp_path):
    path = write(tmp_path, "a,b,c\n1,10,5\n3,30,5\n")
    table = load_csv(path, standardize=True)
    np.testing.assert_allclose(table.X, [[-1, -1, 0], [1, 1, 0]])
    np.testing.assert_allclose(table.mean, [2, 20, 5])
    np.testing.assert_allclose(table.scale, [1, 10, 1])
    np.testing.assert_allclose(table.raw(), [[1, 10, 5], [3, 30, 5]])
    assert any("'c'" in note and "centred" in note for note in table.notes)


def test_many_blocks_match_single_read(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(250, 3))
    lines = "a,b,c\n" + "".join(",".join(repr(float(v)) for v in r) + "\n" for r in X)
    path = write(tmp_path, lines)
    monkeypatch.setattr("kmeans_gui.data.table.CHUNK_ROWS", 40)
    seen = []
    table = load_csv(path, progress=lambda f, msg: seen.append((f, msg)))
    np.testing.assert_array_equal(table.X, X)
    assert len(seen) == 7 and seen[-1][0] == 1.0 and seen[-1][1].endswith("250 rows")
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)


def test_chunk_rows_sets_the_block_size(tmp_path):
    X = np.arange(60, dtype=float).reshape(20, 3)
    path = write(tmp_path, "a,b,c\n" + "".join(f"{a:g},{b:g},{c:g}\n" for a, b, c in X))
    seen = []
    table = load_csv(path, chunk_rows=7, progress=lambda f, msg: seen.append(msg))
    np.testing.assert_array_equal(table.X, X)
    assert seen == ["Reading t.csv: 7 rows", "Reading t.csv: 14 rows", "Reading t.csv: 20 rows"]
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="chunk_rows"):
            load_csv(path, chunk_rows=bad)


def test_cancel_between_blocks(tmp_path, monkeypatch):
    path = write(tmp_path, "a,b\n" + "1,2\n3,4\n" * 50)
    monkeypatch.setattr("kmeans_gui.data.table.CHUNK_ROWS", 10)
    calls = []

    def should_stop():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        load_csv(path, should_stop=should_stop)
    assert len(calls) == 4


# --- bad input, one test each -------------------------------------------------------------------

def test_empty_file(tmp_path):
    with pytest.raises(CsvError, match="is empty"):
        load_csv(write(tmp_path, ""))
    with pytest.raises(CsvError, match="is empty"):
        load_csv(write(tmp_path, "\n\n  \n", "blank.csv"))


def test_header_only(tmp_path):
    with pytest.raises(CsvError, match="has a header but no data rows"):
        load_csv(write(tmp_path, "a,b,c\n"), columns=["a", "b"])


def test_single_row(tmp_path):
    with pytest.raises(CsvError, match="single data row"):
        load_csv(write(tmp_path, "a,b\n1,2\n"))


def test_text_in_numeric_column_names_line_and_column(tmp_path):
    path = write(tmp_path, "a,b\n1,2\n3,4\n5,oops\n7,8\n")
    # The preview sees text in b, so b is not numeric; asking for it names the cell.
    with pytest.raises(CsvError, match=r"text in a numeric column: line 4, column 'b' holds 'oops'"):
        load_csv(path, columns=["a", "b"])


def test_text_found_beyond_the_preview(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_layout, "PREVIEW_LINES", 3)
    path = write(tmp_path, "a,b\n1,2\n3,4\n5,6\n7,x7\n")
    with pytest.raises(CsvError, match=r"line 5, column 'b' holds 'x7'"):
        load_csv(path)


def test_nan_and_inf_rows_counted_and_dropped(tmp_path):
    path = write(tmp_path, "a,b,lab\n1,2,p\nnan,3,q\n4,inf,r\n5,,s\n6,7,t\n")
    with pytest.raises(NonFiniteRows, match=r"3 of 5 rows .* missing, NaN or infinite .* data row 2") as info:
        load_csv(path, label_column="lab")
    assert (info.value.n_rows, info.value.n_total) == (3, 5) and isinstance(info.value, ValueError)
    table = load_csv(path, label_column="lab", drop_nonfinite=True)
    np.testing.assert_array_equal(table.X, [[1, 2], [6, 7]])
    assert table.n_dropped == 3 and table.label_names == ("p", "t")
    assert "dropped 3 rows" in table.notes[-1]


def test_all_rows_identical(tmp_path):
    with pytest.raises(CsvError, match="all 3 rows .* are identical"):
        load_csv(write(tmp_path, "a,b\n1,2\n1,2\n1,2\n"))


def test_fewer_distinct_rows_than_k(tmp_path):
    table = load_csv(write(tmp_path, "a,b\n1,2\n1,2\n3,4\n3,4\n"))
    check_k(table, 2)
    with pytest.raises(ValueError, match="k = 3 but the data have only 2 distinct rows; choose k <= 2"):
        check_k(table, 3)
    with pytest.raises(ValueError, match="positive integer"):
        check_k(table.X, 0)


def test_one_numeric_column(tmp_path):
    with pytest.raises(CsvError, match=r"only one numeric feature column \('height'\)"):
        load_csv(write(tmp_path, "name,height\nann,1.6\nbob,1.8\n"))


def test_hundred_thousand_columns_refused_quickly(tmp_path):
    path = write(tmp_path, ",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join(["1"] * 100_000) + "\n")
    with pytest.raises(CsvError, match=r"about 100,000 columns .* at most 10,000"):
        sniff_csv(path)


def test_mixed_delimiters(tmp_path):
    with pytest.raises(CsvError, match="mixes delimiters: comma .* and semicolon"):
        sniff_csv(write(tmp_path, "a,b,c\n1,2,3\n4;5;6\n7;8;9\n"))


def test_mixed_delimiter_beyond_preview_names_line(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_layout, "PREVIEW_LINES", 3)
    with pytest.raises(CsvError, match=r"line 5 .* has 1 field where the header has 2 .*mixed delimiters"):
        load_csv(write(tmp_path, "a,b\n1,2\n3,4\n5,6\n7;8\n"))


def test_utf8_bom(tmp_path):
    table = load_csv(write(tmp_path, b"\xef\xbb\xbfx,y\n1,2\n3,4\n"))
    assert table.columns == ("x", "y")
    assert any("byte-order mark" in n for n in table.notes)


def test_latin1_bytes(tmp_path):
    table = load_csv(write(tmp_path, "Größe,Höhe,Stadt\n1,2,Köln\n3,4,Zürich\n".encode("latin-1")),
                     label_column="Stadt")
    assert table.columns == ("Größe", "Höhe")
    assert table.label_names == ("Köln", "Zürich")
    assert any("Latin-1" in n for n in table.notes)


def test_latin1_after_the_sniffed_megabyte(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_layout, "SNIFF_BYTES", 64)
    body = "a,b,city\n" + "1,2,x\n" * 20 + "3,4,K\xf6ln\n"
    table = load_csv(write(tmp_path, body.encode("latin-1")), label_column="city")
    assert table.label_names == ("Köln", "x") and table.n_rows == 21
    assert any("Latin-1" in n for n in table.notes)


def test_encoding_override(tmp_path):
    path = write(tmp_path, "\ufeffa,b,city\n1,2,K\u00f6ln\n3,4,Z\u00fcrich\n")
    assert load_csv(path, encoding="utf-8", label_column="city").label_names == ("Köln", "Zürich")
    assert load_csv(path, encoding="latin-1", label_column="city").label_names == ("KÃ¶ln", "ZÃ¼rich")
    with pytest.raises(CsvError, match="unknown encoding 'klingon'"):
        sniff_csv(path, encoding="klingon")


def test_windows_line_endings(tmp_path):
    table = load_csv(write(tmp_path, b"a,b,lab\r\n1,2,u\r\n3,4,v\r\n"), label_column="lab")
    assert table.columns == ("a", "b") and table.label_names == ("u", "v")
    np.testing.assert_array_equal(table.X, [[1, 2], [3, 4]])


def test_quoted_numbers_with_thousands_separators(tmp_path):
    path = write(tmp_path, 'city,people,area\nA,"1,234,567",12.5\nB,"89,000.5","1,000"\nC,12,3\n')
    layout = sniff_csv(path)
    assert layout.numeric == (False, True, True)
    table = load_csv(path)
    np.testing.assert_array_equal(table.X, [[1234567, 12.5], [89000.5, 1000], [12, 3]])


def test_file_over_the_size_limit_refused(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(2 * 1024**3)  # sparse: 2 GiB on paper, nothing on disk
    with pytest.raises(CsvError, match=r"2\.0 GiB; files above 1 GiB are refused"):
        load_csv(path)


@pytest.mark.parametrize("content, what", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
    (b"PK\x03\x04" + b"\x00" * 50, "ZIP archive"),
    (bytes(range(256)) * 4, "binary data"),
])
def test_binary_file_renamed_csv(tmp_path, content, what):
    with pytest.raises(CsvError, match=f"not a CSV text file: .*{what}"):
        load_csv(write(tmp_path, content))


def test_vanished_or_unreadable_path(tmp_path):
    with pytest.raises(CsvError, match="no such file"):
        load_csv(tmp_path / "gone.csv")
    with pytest.raises(CsvError, match="is a folder"):
        load_csv(tmp_path)
    path = write(tmp_path, "a,b\n1,2\n3,4\n")
    layout = sniff_csv(path)
    os.remove(path)  # vanished between the preview and the import
    with pytest.raises(CsvError, match="cannot be read"):
        load_csv(path, layout=layout)


def test_unknown_column_names_the_choices(tmp_path):
    path = write(tmp_path, "a,b\n1,2\n3,4\n")
    with pytest.raises(CsvError, match="no column named 'c' .* its columns are: a, b"):
        load_csv(path, columns=["a", "c"])
    with pytest.raises(CsvError, match="both a feature and the label"):
        load_csv(path, columns=["a", "b"], label_column="b")


# --- decimal commas (European spreadsheets export "5,1" in ';'-separated files) ---------------------

def test_decimal_commas_in_a_semicolon_file_are_read_as_numbers(tmp_path):
    path = write(tmp_path, 'a;b;name\n5,1;3,5;"Smith, J"\n4,9;3;setosa\n-0,25;1,0E2;setosa\n')
    layout = sniff_csv(path)
    assert (layout.delimiter, layout.decimal, layout.has_header) == (";", ",", True)
    assert layout.numeric == (True, True, False)
    assert any("decimal comma" in note for note in layout.notes)
    table = load_csv(path, label_column="name")
    np.testing.assert_array_equal(table.X, [[5.1, 3.5], [4.9, 3.0], [-0.25, 100.0]])
    assert table.label_names == ("Smith, J", "setosa")  # a comma inside text is kept


def test_decimal_commas_with_missing_cells_read_cell_by_cell(tmp_path):
    path = write(tmp_path, "a;b\n1,5;2,5\n;3,5\n4,5;5\n")
    table = load_csv(path, drop_nonfinite=True, chunk_rows=1)
    np.testing.assert_array_equal(table.X, [[1.5, 2.5], [4.5, 5.0]])


def test_decimal_points_stay_the_rule_for_comma_separated_files(tmp_path):
    path = write(tmp_path, 'a,b\n"1,5",2\n3,4\n')
    layout = sniff_csv(path)
    assert layout.decimal == "." and layout.numeric == (False, True)  # "1,5" there is not 1.5


def test_a_comma_before_three_digits_stays_a_thousands_separator(tmp_path):
    path = write(tmp_path, 'a;b\n"1,250";2\n"3,500.5";4\n')
    layout = sniff_csv(path)
    assert layout.decimal == "."
    np.testing.assert_array_equal(load_csv(path).X, [[1250, 2], [3500.5, 4]])
