"""Soft k-means and a Gaussian mixture from scratch: the variants' code for the Learn panel.

Written like :func:`~kmeans_gui.lessons.scratch_kmeans.kmeans` (plain NumPy, ``yield phase,
locals()`` at each half-step) and tested against the engine's ``soft_kmeans_steps`` and
``gmm_steps`` from the same start in ``tests/lessons/test_scratch_variants.py``.
"""

from __future__ import annotations

import numpy as np

from .scratch_kmeans import register

__all__ = ["soft_kmeans", "gmm"]


def soft_kmeans(X, centroids, beta=1.0, tol=1e-4, max_iter=300):
    centroids = np.array(centroids, dtype=float)
    yield "init", locals()
    tol = tol * X.var(axis=0).mean()
    converged, iteration = False, 0
    while True:
        iteration += 1
        diff = X[:, None, :] - centroids[None, :, :]
        distances = (diff ** 2).sum(axis=2)                  # (n, k)
        nearest = distances.min(axis=1, keepdims=True)
        closeness = np.exp(-beta * (distances - nearest))
        shares = closeness.sum(axis=1, keepdims=True)
        responsibilities = closeness / shares           # rows sum to 1
        yield "assign", locals()
        if converged:
            return responsibilities, centroids
        old = centroids.copy()         # every point pulls on every one
        mass = responsibilities.sum(axis=0)[:, None]
        centroids = responsibilities.T @ X / mass
        shift = np.sum((centroids - old) ** 2)
        converged = shift <= tol or iteration == max_iter
        yield "update", locals()


def gmm(X, means, covariances, weights, reg_covar=1e-6, tol=1e-3,
        max_iter=100):
    means, covariances, weights = (np.array(a, dtype=float)
                                   for a in (means, covariances, weights))
    yield "init", locals()
    n, d = X.shape
    converged, previous, iteration = False, -np.inf, 0
    while True:
        iteration += 1
        log_p = np.stack([np.log(w) + log_gaussian(X, m, c)      # (n, k)
                          for m, c, w in zip(means, covariances, weights)],
                         axis=1)
        top = log_p.max(axis=1, keepdims=True)
        p = np.exp(log_p - top)
        log_likelihood = np.mean(top[:, 0] + np.log(p.sum(axis=1)))
        responsibilities = p / p.sum(axis=1, keepdims=True)    # E-step
        yield "assign", locals()
        if converged:
            return responsibilities, means, covariances, weights
        mass = responsibilities.sum(axis=0)                    # M-step
        weights, means = mass / n, responsibilities.T @ X / mass[:, None]
        covariances = np.array([
            (r[:, None] * (X - m)).T @ (X - m) / s + reg_covar * np.eye(d)
            for r, m, s in zip(responsibilities.T, means, mass)])
        change = abs(log_likelihood - previous)
        converged = change < tol or iteration == max_iter
        previous = log_likelihood
        yield "update", locals()


def log_gaussian(X, mean, covariance):
    """log N(x | mean, covariance) for every row of X, shape (n,)."""
    diff = X - mean
    mahalanobis = np.sum(diff @ np.linalg.inv(covariance) * diff, axis=1)
    return -0.5 * (mahalanobis + np.linalg.slogdet(covariance)[1] + len(mean) * np.log(2 * np.pi))


register("soft_kmeans", soft_kmeans, {
    "init": "centroids = np.array(centroids",
    "assign": "responsibilities = closeness / shares",
    "update": "centroids = responsibilities.T @ X",
    "converged": "return responsibilities, centroids",
})
register("gmm", gmm, {
    "init": "means, covariances, weights = (",
    "assign": "responsibilities = p / p.sum(",
    "update": "weights, means = mass / n",
    "converged": "return responsibilities, means",
})
