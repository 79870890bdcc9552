"""CSV export round-trips exactly and is atomic: a failed write leaves the old file untouched."""

import os

import numpy as np
import pytest

from kmeans_gui.data.atomic import atomic_file
from kmeans_gui.data.export_csv import write_centroids_csv, write_points_csv
from kmeans_gui.data.table import load_csv


def test_points_round_trip_with_true_labels(tmp_path):
    X = np.array([[0.1, 2.0, -3.5], [1e-300, 4.0, 1 / 3]])
    path = tmp_path / "points.csv"
    write_points_csv(path, X, [1, 0], columns=["a", "b", "c"], true_labels=[1, 0], label_names=["cat", "dog, big"])
    assert path.read_text().splitlines() == [
        "a,b,c,cluster,true_label",
        "0.1,2.0,-3.5,1,dog, big".replace("dog, big", '"dog, big"'),
        f"1e-300,4.0,{1 / 3!r},0,cat",
    ]
    table = load_csv(path, columns=["a", "b", "c"], label_column="true_label")
    np.testing.assert_array_equal(table.X, X)
    assert table.label_names == ("cat", "dog, big")


def test_points_without_true_labels_and_many_rows(tmp_path):
    X = np.random.default_rng(0).normal(size=(25_000, 2))
    labels = np.arange(25_000) % 3
    path = tmp_path / "p.csv"
    write_points_csv(path, X, labels)
    table = load_csv(path, columns=["x1", "x2"], label_column="cluster")
    np.testing.assert_array_equal(table.X, X)
    np.testing.assert_array_equal(table.labels, labels)


def test_centroids(tmp_path):
    path = tmp_path / "c.csv"
    write_centroids_csv(path, [[1.5, 2.0], [3.0, -1.25]], columns=["u", "v"], sizes=[10, 7])
    assert path.read_text().splitlines() == ["cluster,u,v,size", "0,1.5,2.0,10", "1,3.0,-1.25,7"]


def test_bad_shapes():
    with pytest.raises(ValueError, match="one name per column"):
        write_centroids_csv("never.csv", [[1.0, 2.0]], columns=["a"])
    with pytest.raises(ValueError, match=r"labels shape \(n,\)"):
        write_points_csv("never.csv", [[1.0, 2.0]], [0, 1])
    assert not os.path.exists("never.csv")


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    path = tmp_path / "keep.csv"
    path.write_text("old content\n")
    os.chmod(path, 0o640)
    with pytest.raises(RuntimeError):
        with atomic_file(path, "w") as f:
            f.write("half of the new")
            raise RuntimeError("disk full")
    assert path.read_text() == "old content\n"
    assert os.listdir(tmp_path) == ["keep.csv"]
    with atomic_file(path, "w") as f:
        f.write("new\n")
    assert path.read_text() == "new\n"
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o640)  # the file keeps its permissions


def test_atomic_file_bad_destination(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        with atomic_file(tmp_path):
            pass
    with pytest.raises(ValueError, match="does not exist"):
        with atomic_file(tmp_path / "no" / "x.csv"):
            pass
