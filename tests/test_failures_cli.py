"""``kmeans-gui failures``: ARI and seconds for every case and method, sentences per case."""

import json
import subprocess
import sys

from kmeans_gui.cli import main
from kmeans_gui.lab.cases import CASE_KEYS
from kmeans_gui.lab.methods import METHOD_KEYS


def test_json_has_every_case_and_method(capsys):
    assert main(["failures", "--n", "80", "--seed", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [m["key"] for m in data["methods"]] == list(METHOD_KEYS)
    assert [row["case"] for row in data["cases"]] == list(CASE_KEYS)
    for row in data["cases"]:
        assert row["n"] == 80 and row["score"] == "ARI"
        assert row["why_kmeans_fails"] and row["why_the_remedy_works"]
        assert set(row["methods"]) == set(METHOD_KEYS)
        for cell in row["methods"].values():
            assert -1 <= cell["score"] <= 1 and cell["seconds"] > 0
    assert "knee" in data["cases"][0]["methods"]["dbscan"]["note"]
    unlucky = data["cases"][-1]
    assert unlucky["kmeans_init"] == "random" and unlucky["seed"] >= 1


def test_table_names_the_cases_and_sentences(capsys):
    assert main(["failures", "--n", "60"]) == 0
    out = capsys.readouterr().out
    assert "Two moons" in out and "single link." in out and "no straight" in out
    assert max(len(line) for line in out.splitlines()) <= 120


def test_bad_n_is_one_line_and_status_2():
    proc = subprocess.run([sys.executable, "-m", "kmeans_gui", "failures", "--n", "5"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "kmeans-gui failures: error: --n 5: it must be at least 20."
