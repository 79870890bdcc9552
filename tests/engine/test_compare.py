"""The mini-batch against Lloyd comparison: same start, honest checkpoints, cancel."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from kmeans_gui.engine import kmeans_steps, run_to_end
from kmeans_gui.engine.compare import minibatch_vs_lloyd
from kmeans_gui.engine.progress import Cancelled
from kmeans_gui.engine.distances import nearest_center


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(3000, centers=4, cluster_std=0.7, random_state=0)[0]


def test_curves_share_the_start_and_measure_the_whole_data(blobs):
    reported = []
    curves = minibatch_vs_lloyd(blobs, 4, batch_sizes=(50, 256, 5000), max_epochs=2, random_state=0,
                                n_checkpoints=10, progress=lambda f, msg: reported.append(f))
    assert [c.label for c in curves] == ["Lloyd", "mini-batch 50", "mini-batch 256", "mini-batch 5000"]
    assert [c.batch_size for c in curves] == [None, 50, 256, 5000]
    start_inertia = curves[0].inertia[0]
    for c in curves:
        assert c.inertia[0] == start_inertia and c.points_processed[0] == 0 and c.seconds[0] == 0
        assert len(c.points_processed) == len(c.seconds) == len(c.inertia) > 2
        assert np.all(np.diff(c.points_processed) > 0) and np.all(np.diff(c.seconds) >= 0)
        if c.batch_size is not None:  # at most max_epochs of the data, give or take a batch
            assert c.points_processed[-1] <= 2 * 3000 + c.points_processed[1]
        assert c.final_inertia == pytest.approx(nearest_center(blobs, c.centers)[1].sum())
        assert not c.inertia.flags.writeable
    lloyd = curves[0]
    assert np.all(np.diff(lloyd.inertia) <= 1e-9 * start_inertia)  # Lloyd never goes up
    assert lloyd.points_processed[1] == 3000  # one full pass per iteration
    # A batch larger than the data is the whole data: 3000 points per step.
    assert curves[3].points_processed[1] == 3000
    # Mini-batch ends close to Lloyd on separated blobs, and no better than it.
    for c in curves[1:3]:
        assert lloyd.final_inertia * (1 - 1e-9) <= c.final_inertia <= 1.05 * lloyd.final_inertia
    assert reported[-1] == 1.0 and reported == sorted(reported)


def test_lloyd_curve_is_kmeans_from_the_shared_start(blobs):
    start = blobs[[0, 10, 20, 30]]
    lloyd = minibatch_vs_lloyd(blobs, 4, batch_sizes=(), init=start)[0]
    final = run_to_end(kmeans_steps(blobs, 4, init=start))
    np.testing.assert_allclose(lloyd.centers, final.centers)
    assert lloyd.points_processed[-1] % 3000 == 0 and lloyd.points_processed[-1] <= final.iteration * 3000


def test_cancel_and_bad_parameters(blobs):
    with pytest.raises(Cancelled):
        minibatch_vs_lloyd(blobs, 4, should_stop=lambda: True)
    for kwargs, match in [(dict(batch_sizes=(0,)), "batch size"), (dict(max_epochs=0), "max_epochs"),
                          (dict(n_checkpoints=0), "n_checkpoints")]:
        with pytest.raises(ValueError, match=match):
            minibatch_vs_lloyd(blobs, 4, **kwargs)
