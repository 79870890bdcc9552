"""The sentences of state/words.py, exactly as the user reads them."""

from kmeans_gui.state import words


def test_why_no_run_can_start():
    assert words.no_run_problem(0, 3, 0, 0).startswith("No points yet")
    assert words.no_run_problem(1, 3, 0, 0) == "k = 3 but there is only 1 point: add points or lower k."
    assert words.no_run_problem(2, 3, 0, 0) == "k = 3 but there are only 2 points: add points or lower k."
    assert words.no_run_problem(9, 3, 2, 1) == "Click on the canvas to place centroid 2 of 3."
    assert words.no_run_problem(9, 3, 0, 3) is None


def test_warnings_and_edit_messages():
    assert words.few_distinct_points(1, 3).startswith("only 1 distinct point for k = 3")
    assert words.clusters_ended_empty(2, "farthest") == "2 clusters ended empty; try another seed or lower k"
    assert words.clusters_ended_empty(None, "keep").startswith("some clusters ended empty: empty clusters are kept")
    assert words.centroid_placed(2) == "Centroid placed; 2 more to place."
    assert words.centroid_placed(0) == "All centroids placed: press Step or Play."


def test_choose_k_and_image_sentences():
    assert words.sweep_started(8, 3) == "Fitting k = 1..8 with 3 seed(s) each ..."
    assert words.k_outside_sweep(12, 1, 10) == "k = 12 is outside the sweep (k = 1..10):\nraise max k and compute again."
    assert words.silhouette_note(True, 10_000, 25_000) == "estimate on a sample of 10,000 of 25,000 points"
    assert words.silhouette_note(False, 300, 300) == "exact, all 300 points"
    assert words.quantized(16, "29.56 dB", 0.123) == "Quantized to 16 colours: PSNR 29.56 dB, 0.12 s"
    assert words.could_not_open("cat.png", "truncated") == "Could not open cat.png: truncated"
