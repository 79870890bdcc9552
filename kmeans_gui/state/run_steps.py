"""The step generator of an Explore run: which engine generator, with which options, for given
points, parameters and placed centres.

One function, so the window's Explore tab and the headless pictures (``export-gif``,
``filmstrip``, the window's own GIF export) step exactly the same run. Qt-free.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..engine import gmm_steps, kmeans_steps, minibatch_steps, soft_kmeans_steps
from .params import Params

__all__ = ["make_run_steps"]


def make_run_steps(points: np.ndarray, params: Params, manual_centers: np.ndarray | None = None, *,
                   observe_init: bool = True) -> Iterator:
    """The run of ``params.algorithm`` on ``points``, one state per half-step.

    Parameters
    ----------
    points : ndarray of shape (n, d)
    params : Params
        Validated parameters (algorithm, k, init, seed, stopping and each variant's own).
    manual_centers : ndarray of shape (k, d), optional
        The placed centres, used when ``params.init == "manual"``.
    observe_init : bool
        Lloyd only: yield one state per seed of the initialisation (the window shows them).

    Returns
    -------
    iterator of states of the engine's shared protocol (``engine/protocol.py``)
    """
    p = params
    if p.init == "manual":
        if manual_centers is None:
            raise ValueError("init='manual' needs the placed centres (manual_centers).")
        init = np.array(manual_centers, dtype=np.float64)
    else:
        init = p.init
    if p.algorithm == "minibatch":
        # label_all: the canvas colours every point and the chart plots full-data inertia.
        # tol 0 and the smoothed batch inertia's stop, as scikit-learn's MiniBatchKMeans.
        return minibatch_steps(points, p.k, batch_size=p.batch_size, max_steps=p.max_iter, init=init,
                               random_state=p.seed, label_all=True)
    if p.algorithm == "soft":
        return soft_kmeans_steps(points, p.k, beta=p.beta, init=init, max_iter=p.max_iter, tol=p.tol,
                                 random_state=p.seed)
    if p.algorithm == "gmm":
        return gmm_steps(points, p.k, covariance_type=p.covariance,
                         means_init=init if p.init == "manual" else None, max_iter=p.max_iter, tol=p.tol,
                         random_state=p.seed)
    return kmeans_steps(
        points, p.k, init=init, max_iter=p.max_iter, tol=p.tol,
        empty_policy=p.empty_policy, random_state=p.seed, observe_init=observe_init,
        stop="allclose" if p.init.startswith("tutorial-") else "tol",  # the tutorial's inits stop as it does
    )
