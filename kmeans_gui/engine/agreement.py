"""When the criteria for k disagree, say so, and say why when the data show it.

The usual reason is two clusters close together: the elbow (how fast inertia falls) sees little
gain in splitting them, while the silhouette or the gap statistic still count them apart, or the
other way round. :func:`explain_disagreement` finds, in the best clustering at the larger k, the
two clusters closest relative to their spread and checks that the smaller k's clustering is that
one with those two joined; then it names them. Works on a :class:`~kmeans_gui.engine.sweep.SweepResult`
(duck-typed: this module imports neither the sweep nor the metrics).
"""

from __future__ import annotations

import numpy as np

__all__ = ["CRITERION_NAMES", "explain_disagreement", "closest_pair"]

#: How each criterion is called in a sentence.
CRITERION_NAMES = {
    "elbow": "the elbow",
    "silhouette": "the silhouette",
    "calinski_harabasz": "Calinski-Harabasz",
    "davies_bouldin": "Davies-Bouldin",
    "gap": "the gap statistic",
    "bic": "the Gaussian mixture's BIC",
}


def _names(criteria: list[str]) -> str:
    words = [CRITERION_NAMES.get(c, c) for c in criteria]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def closest_pair(X: np.ndarray, labels: np.ndarray, centers: np.ndarray):
    """The two clusters whose centres are closest relative to their spread.

    Spread is a cluster's root-mean-square distance to its centre. Returns ``(i, j, distance,
    ratio, next_ratio)`` where ``ratio = distance / (spread_i + spread_j)`` and ``next_ratio`` is the
    same for the next closest pair (inf with fewer than three clusters), or None for one cluster.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
    centers : ndarray of shape (k, n_features)
    """
    k = centers.shape[0]
    if k < 2:
        return None
    sq = np.einsum("ij,ij->i", X - centers[labels], X - centers[labels])
    counts = np.bincount(labels, minlength=k)
    spread = np.sqrt(np.bincount(labels, weights=sq, minlength=k) / np.maximum(counts, 1))
    diff = centers[:, None, :] - centers[None, :, :]
    dist = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = dist / (spread[:, None] + spread[None, :])
    ratio[np.tril_indices(k)] = np.inf
    order = np.argsort(ratio, axis=None)
    i, j = np.unravel_index(order[0], ratio.shape)
    next_ratio = float(ratio.flat[order[1]]) if k >= 3 else float("inf")
    return int(i), int(j), float(dist[i, j]), float(ratio[i, j]), next_ratio


def _joins(labels_large: np.ndarray, labels_small: np.ndarray, i: int, j: int) -> bool:
    """True when the smaller clustering is the larger one with clusters i and j joined.

    Each cluster of the larger clustering is matched to the smaller cluster holding most of its
    points; the test passes when i and j share theirs and every other cluster has its own.
    """
    k_large = int(labels_large.max()) + 1
    counts = np.zeros((k_large, int(labels_small.max()) + 1))
    np.add.at(counts, (labels_large, labels_small), 1.0)
    home = counts.argmax(axis=1)
    others = [home[c] for c in range(k_large) if c not in (i, j)]
    return home[i] == home[j] and home[i] not in others and len(set(others)) == len(others)


def explain_disagreement(result, X) -> str | None:
    """A few sentences on how the criteria's chosen k differ, and why; None when they agree.

    Parameters
    ----------
    result : SweepResult
        Its ``chosen_k(criterion)`` for each of "elbow", "silhouette", "calinski_harabasz",
        "davies_bouldin", "gap" and "bic" (criteria with no answer are left out).
    X : array-like of shape (n_samples, n_features)
        The data the sweep ran on.
    """
    answers: dict[int, list[str]] = {}
    for criterion in CRITERION_NAMES:
        k, _ = result.chosen_k(criterion)
        if k is not None:
            answers.setdefault(int(k), []).append(criterion)
    if len(answers) < 2:
        return None
    said = "; ".join(f"{_names(c)} {'says' if len(c) == 1 else 'say'} k = {k}" for k, c in sorted(answers.items()))
    text = f"The criteria disagree: {said}."
    (k_small, small), (k_large, large) = sorted(answers.items())[:2]
    fit_small, fit_large = result.fit_for(k_small), result.fit_for(k_large)
    X = np.asarray(X, dtype=np.float64)
    pair = closest_pair(X, fit_large.labels, fit_large.centers) if len(answers) == 2 else None
    if pair is not None and k_large == k_small + 1 and _joins(fit_large.labels, fit_small.labels, *pair[:2]):
        _, _, dist, ratio, next_ratio = pair
        against = "" if not np.isfinite(next_ratio) else f", against {next_ratio:.1f} for the next closest pair"
        text += (f" At k = {k_large}, two clusters lie close together (centres {dist:.3g} apart, {ratio:.1f} times "
                 f"their spread{against}), and k = {k_small} is that clustering with the two joined: "
                 f"{_names(small)} {'takes' if len(small) == 1 else 'take'} them as one cluster, "
                 f"{_names(large)} as two. Look at both on the canvas to decide.")
    else:
        text += (" They measure different things (how fast inertia falls, how well each point fits its own "
                 "cluster against the next, how far the data are from uniform noise), so close, elongated "
                 "or uneven clusters can pull them apart. Look at each k on the canvas to decide.")
    return text
