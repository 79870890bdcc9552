"""Initial centres for the generators that do not show their seeding step by step.

Draws are those :func:`~kmeans_gui.engine.kmeans_steps` makes for the same ``random_state`` (same
functions, same order), so soft k-means, a Gaussian mixture and Lloyd seeded alike start alike.
"""

from __future__ import annotations

import numpy as np

from .inits import INITS

__all__ = ["initial_centers"]


def initial_centers(X, n_clusters, init, given, weights, rng) -> np.ndarray:
    """Float64 centres of shape (n_clusters, n_features) from validated input.

    ``given`` is the validated array of centres (from ``steps.check_params``) or None, in which
    case ``init`` names the method, one of :data:`~.inits.INITS`.
    """
    if given is not None:
        return np.array(given, dtype=np.float64)
    method = INITS[init]
    if not method.stepwise:
        return X[method.seeding(X, n_clusters, weights, rng)].astype(np.float64)
    return np.array([seed.center for seed in method.seeding(X, n_clusters, weights, rng)], dtype=np.float64)
