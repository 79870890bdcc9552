"""Initial centres for the generators that do not show their seeding step by step.

Draws are those :func:`~kmeans_gui.engine.kmeans_steps` makes for the same ``random_state`` (same
functions, same order), so soft k-means, a Gaussian mixture and Lloyd seeded alike start alike.
"""

from __future__ import annotations

import numpy as np

from .init import farthest_point_steps, kmeans_plusplus_steps, random_seeds

__all__ = ["initial_centers"]


def initial_centers(X, n_clusters, init, given, weights, rng) -> np.ndarray:
    """Float64 centres of shape (n_clusters, n_features) from validated input.

    ``given`` is the validated array of centres (from ``steps.check_params``) or None, in which
    case ``init`` names the method: "k-means++", "random" or "farthest".
    """
    if given is not None:
        return np.array(given, dtype=np.float64)
    if init == "random":
        return X[random_seeds(X, n_clusters, weights, rng)].astype(np.float64)
    steps = kmeans_plusplus_steps if init == "k-means++" else farthest_point_steps
    return np.array([seed.center for seed in steps(X, n_clusters, weights, rng)], dtype=np.float64)
