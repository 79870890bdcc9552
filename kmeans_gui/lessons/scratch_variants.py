"""Soft k-means and a Gaussian mixture from scratch: the variants' code for the Learn panel.

Written like :func:`~kmeans_gui.lessons.scratch_kmeans.kmeans` (plain NumPy, ``yield phase,
locals()`` at each half-step) and tested against the engine's ``soft_kmeans_steps`` and
``gmm_steps`` from the same start in ``tests/lessons/test_scratch_variants.py``.
"""

from __future__ import annotations

import numpy as np

from .scratch_kmeans import register

__all__ = ["soft_kmeans", "gmm"]


def soft_kmeans(X, centroids, beta=1.0, tol=1e-4,
                max_iter=300):
    centroids = np.array(centroids, dtype=float)
    yield "init", locals()
    tol = tol * X.var(axis=0).mean()
    converged, iteration = False, 0
    while True:
        iteration += 1
        diff = X[:, None, :] - centroids[None, :, :]
        distances = (diff ** 2).sum(axis=2)  # (n, k)
        nearest = distances.min(axis=1)[:, None]
        gaps = distances - nearest  # 0: the nearest
        closeness = np.exp(-beta * gaps)
        shares = closeness.sum(axis=1, keepdims=True)
        # each row of responsibilities sums to 1
        responsibilities = closeness / shares
        yield "assign", locals()
        if converged:
            return responsibilities, centroids
        old = centroids.copy()  # all pull on all
        mass = responsibilities.sum(axis=0)[:, None]
        centroids = responsibilities.T @ X / mass
        shift = np.sum((centroids - old) ** 2)
        converged = (shift <= tol
                     or iteration == max_iter)
        yield "update", locals()


def gmm(X, means, covariances, weights,
        reg_covar=1e-6, tol=1e-3, max_iter=100):
    means, covariances, weights = (
        np.array(a, dtype=float)
        for a in (means, covariances, weights))
    yield "init", locals()
    n, d = X.shape
    previous = -np.inf  # the last log-likelihood
    converged, iteration = False, 0
    while True:
        iteration += 1
        log_p = np.column_stack([  # (n, k)
            np.log(w) + log_gaussian(X, m, c)
            for m, c, w in zip(means, covariances,
                               weights)])
        top = log_p.max(axis=1, keepdims=True)
        p = np.exp(log_p - top)
        sums = p.sum(axis=1, keepdims=True)
        log_likelihood = np.mean(top + np.log(sums))
        responsibilities = p / sums  # E-step
        yield "assign", locals()
        if converged:
            return (responsibilities, means,
                    covariances, weights)
        mass = responsibilities.sum(axis=0)  # M-step
        weights = mass / n
        means = responsibilities.T @ X
        means /= mass[:, None]
        covariances = np.array([
            (r[:, None] * (X - m)).T @ (X - m) / s
            + reg_covar * np.eye(d) for r, m, s
            in zip(responsibilities.T, means, mass)])
        change = abs(log_likelihood - previous)
        converged = (change < tol
                     or iteration == max_iter)
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
    "assign": "responsibilities = p / sums",
    "update": "weights = mass / n",
    "converged": "return (responsibilities, means",
})
