"""The "K-Means from Scratch" tutorial's own code, transcribed as a reference for the tests.

Its functions, as the tutorial writes them (NumPy only). The one addition is ``history``: a list
that, when given, receives ``(centroids, labels, new_centroids)`` for every iteration, so a test
can compare each iteration with the app's run. Nothing else is changed: do not "fix" it.
"""

import numpy as np


def initialize_centroids(X, k, seed=42):
    rng = np.random.RandomState(seed)
    indices = rng.choice(len(X), k, replace=False)
    return X[indices]


def kmeans_plus_plus(X, k, seed=42):
    rng = np.random.RandomState(seed)
    centroids = [X[rng.randint(len(X))]]
    for _ in range(1, k):
        distances = np.min([np.sum((X - c) ** 2, axis=1) for c in centroids], axis=0)
        probabilities = distances / distances.sum()
        centroids.append(X[rng.choice(len(X), p=probabilities)])
    return np.array(centroids)


def assign_clusters(X, centroids):
    distances = np.sqrt(((X[:, np.newaxis] - centroids) ** 2).sum(axis=2))
    return np.argmin(distances, axis=1)


def update_centroids(X, labels, k):
    return np.array([X[labels == i].mean(axis=0) for i in range(k)])


def compute_inertia(X, labels, centroids):
    return np.sum((X - centroids[labels]) ** 2)


def kmeans(X, k, max_iters=100, seed=42, init="random", history=None):
    if init == "k-means++":
        centroids = kmeans_plus_plus(X, k, seed)
    else:
        centroids = initialize_centroids(X, k, seed)
    for i in range(max_iters):
        labels = assign_clusters(X, centroids)
        new_centroids = update_centroids(X, labels, k)
        if history is not None:
            history.append((centroids, labels, new_centroids))
        if np.allclose(centroids, new_centroids):
            break
        centroids = new_centroids
    return labels, centroids


def elbow_curve(X, k_values, seed=42):
    """One run per k from the tutorial's seed: the tutorial's elbow chart."""
    out = []
    for k in k_values:
        labels, centroids = kmeans(X, k, seed=seed)
        out.append(compute_inertia(X, labels, centroids))
    return out
