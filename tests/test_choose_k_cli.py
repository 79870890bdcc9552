"""``kmeans-gui choose-k``: per k every criterion as mean and spread, per criterion its k or why none."""

import json
import subprocess
import sys

import numpy as np
import pytest

from kmeans_gui.cli import main
from kmeans_gui.data.datasets import make_dataset
from kmeans_gui.engine.sweep import sweep_k


def run_json(capsys, *argv):
    assert main(["choose-k", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_on_the_tutorials_blobs(capsys):
    data = run_json(capsys, "--dataset", "tutorial-blobs", "--max-k", "6", "--seeds", "2", "--gap-refs", "4")
    expected = sweep_k(make_dataset("tutorial-blobs"), range(1, 7), 2, random_state=0, gap_refs=4)
    assert [row["k"] for row in data["per_k"]] == [1, 2, 3, 4, 5, 6]
    assert data["settings"]["seeds"] == list(expected.seeds)
    for i, row in enumerate(data["per_k"]):
        for score in ("inertia", "silhouette", "calinski_harabasz", "davies_bouldin"):
            mean, spread = expected.mean(score)[i], expected.spread(score)[i]
            assert row[score]["mean"] == (None if np.isnan(mean) else pytest.approx(mean))
            assert row[score]["spread"] == (None if np.isnan(spread) else pytest.approx(spread))
        assert row["gap"] == {"mean": pytest.approx(expected.gap.gap[i]), "spread": pytest.approx(expected.gap.s[i])}
    assert data["per_k"][0]["silhouette"] == {"mean": None, "spread": None}  # undefined at k = 1
    assert all(row["fit_seconds"]["mean"] > 0 and row["fit_seconds"]["spread"] >= 0 for row in data["per_k"])
    chosen = {name: c["k"] for name, c in data["chosen"].items()}
    assert chosen == {"elbow": 3, "silhouette": 4, "calinski_harabasz": 4, "davies_bouldin": 4, "gap": 4, "bic": None}
    assert "not computed" in data["chosen"]["bic"]["reason"] and "bic" not in data["per_k"][0]
    assert all(c["reason"] for c in data["chosen"].values())
    assert data["disagreement"].startswith("The criteria disagree: the elbow says k = 3;")
    assert "two clusters lie close together" in data["disagreement"]


def test_algorithm_gmm_adds_the_mixtures_bic_per_k_and_its_choice(capsys):
    data = run_json(capsys, "--dataset", "tutorial-blobs", "--max-k", "5", "--seeds", "2", "--gap-refs", "0",
                    "--algorithm", "gmm", "--covariance", "diag")
    expected = sweep_k(make_dataset("tutorial-blobs"), range(1, 6), 2, random_state=0, gmm_covariance="diag")
    assert data["settings"]["algorithm"] == "gmm" and data["settings"]["covariance"] == "diag"
    for i, row in enumerate(data["per_k"]):
        assert row["bic"] == {"mean": pytest.approx(expected.mean("bic")[i]),
                              "spread": pytest.approx(expected.spread("bic")[i])}
    assert data["chosen"]["bic"]["k"] == expected.chosen_k("bic")[0] is not None
    assert main(["choose-k", "--dataset", "tutorial-blobs", "--max-k", "3", "--seeds", "1", "--gap-refs", "0",
                 "--algorithm", "gmm"]) == 0
    table = capsys.readouterr().out
    assert "GMM BIC" in table and "\nbic " in table


def test_csv_of_one_cluster_only_the_gap_answers_1(tmp_path, capsys):
    X = np.random.default_rng(0).normal(size=(200, 3))
    path = tmp_path / "one.csv"
    path.write_text("a,b,c\n" + "\n".join(",".join(f"{v:.6f}" for v in row) for row in X) + "\n")
    data = run_json(capsys, "--data", str(path), "--max-k", "5", "--seeds", "2", "--init", "random")
    assert data["data"] == {"source": f"file {path}", "n_samples": 200}
    assert data["settings"]["init"] == "random"
    assert data["chosen"]["gap"]["k"] == 1
    # Silhouette, CH and DB cannot say 1: they are undefined there, and say so by choosing among k >= 2.
    assert data["chosen"]["silhouette"]["k"] >= 2


def test_none_with_a_reason_when_a_criterion_cannot_choose(capsys):
    data = run_json(capsys, "--dataset", "tutorial-blobs", "--max-k", "1", "--gap-refs", "0")
    assert data["chosen"]["silhouette"] == {
        "k": None, "reason": "undefined for every k tried: it needs at least 2 clusters of distinct points"}
    assert data["chosen"]["gap"]["k"] is None and "not computed" in data["chosen"]["gap"]["reason"]
    assert data["chosen"]["elbow"]["k"] is None and "need at least 3" in data["chosen"]["elbow"]["reason"]
    assert "gap" not in data["per_k"][0]


def test_table_without_json(capsys):
    assert main(["choose-k", "--dataset", "tutorial-blobs", "--max-k", "5", "--gap-refs", "3"]) == 0
    out = capsys.readouterr().out
    assert "dataset tutorial-blobs: 300 points; mean ± spread over 3 seed(s)" in out
    assert "Calinski-Harabasz" in out and "gap ± s_k" in out and "fit ms" in out
    assert "silhouette         k = 4   highest mean over the seeds at k = 4" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--max-k", "0"], "--max-k 0: it must be at least 1"),
    (["--seeds", "0"], "--seeds 0: it must be at least 1"),
    (["--gap-refs", "-1"], "--gap-refs -1: it must be at least 0"),
    (["--tol", "nan"], "--tol nan"),
    (["--dataset", "empty"], "has no points"),
    (["--data", "/nonexistent/points.csv"], "no such file"),
])
def test_bad_options_exit_2_with_one_line(capsys, args, message):
    assert main(["choose-k", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kmeans-gui choose-k: error:") and message in err and err.count("\n") == 1


@pytest.mark.parametrize(("text", "message"), [
    ("x,y\n1,2\n3,oops\n", "only one numeric feature column ('x')"),
    ("1,2\n3\n", "line 2 of the sample has 1 fields, the first line 2"),
    ("1,2\n3,inf\n", "1 of 2 rows of bad.csv hold missing, NaN or infinite values (the first is data row 2)"),
    ("x,y\n", "has no numeric columns to cluster"),
    ("", "is empty"),
])
def test_bad_csv_exits_2_naming_the_problem(tmp_path, capsys, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    assert main(["choose-k", "--data", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_semicolons_and_too_few_points(tmp_path, capsys):
    path = tmp_path / "semi.csv"
    path.write_text("1;2\n1;2\n5;6\n")
    data = run_json(capsys, "--data", str(path), "--max-k", "10", "--seeds", "1", "--gap-refs", "2")
    assert [row["k"] for row in data["per_k"]] == [1, 2]
    assert data["notes"][0] == "--max-k 10 lowered to 3: the data have 3 points"
    assert "k = 3 skipped: the data have only 2 distinct points" in data["notes"]


def test_runs_headless_without_importing_qt():
    code = ("import sys; from kmeans_gui.cli import main; "
            "rc = main(['choose-k', '--dataset', 'blobs', '--n', '120', '--max-k', '3', '--seeds', '1', "
            "'--gap-refs', '2', '--json']); "
            "print('QT' if any(m.startswith('PySide6') for m in sys.modules) else 'NO QT', rc, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stderr.strip().endswith("NO QT 0")
    assert json.loads(done.stdout)["data"]["n_samples"] == 120
