"""Write a clustering as CSV: the points with their cluster (and true label), and the centroids.

Clusters are numbered from 0, as the engine's ``labels`` (and scikit-learn's ``labels_``) are.
Numbers are written with Python's shortest round-trip form, so reading the file back gives the same
float64 values. Files are written atomically (:func:`~kmeans_gui.data.atomic.atomic_file`).
"""

from __future__ import annotations

import csv

import numpy as np

from .atomic import atomic_file

__all__ = ["write_points_csv", "write_centroids_csv"]

_ROWS_PER_WRITE = 10_000


def _names(columns, d: int) -> list[str]:
    if columns is None:
        return [f"x{i + 1}" for i in range(d)]
    columns = [str(c) for c in columns]
    if len(columns) != d:
        raise ValueError(f"{len(columns)} column names for {d} features; give one name per column.")
    return columns


def write_points_csv(path, X, labels, *, columns=None, true_labels=None, label_names=None) -> None:
    """One row per point: its features, its cluster, and its true label if given.

    Parameters
    ----------
    path : str or os.PathLike
    X : array-like of shape (n, d)
    labels : array-like of shape (n,), int
        Cluster of each point.
    columns : sequence of str of length d, optional
        Feature names for the header (default x1, x2, ...).
    true_labels : array-like of shape (n,), optional
        Codes (into ``label_names``) or values of the true labels.
    label_names : sequence of str, optional
        ``label_names[true_labels[i]]`` is written when given.
    """
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels)
    if X.ndim != 2 or labels.shape != (X.shape[0],):
        raise ValueError(f"X must have shape (n, d) and labels shape (n,); got {X.shape} and {labels.shape}.")
    header = _names(columns, X.shape[1]) + ["cluster"]
    truth = None
    if true_labels is not None:
        truth = np.asarray(true_labels)
        if truth.shape != labels.shape:
            raise ValueError(f"true_labels must have shape {labels.shape}; got {truth.shape}.")
        if label_names is not None:
            truth = np.asarray(label_names, dtype=object)[truth.astype(np.int64)]
        header.append("true_label")
    with atomic_file(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for start in range(0, X.shape[0], _ROWS_PER_WRITE):
            stop = start + _ROWS_PER_WRITE
            columns_out = [X[start:stop].tolist(), labels[start:stop].tolist()]
            if truth is None:
                writer.writerows(row + [lab] for row, lab in zip(*columns_out))
            else:
                writer.writerows(row + [lab, t] for row, lab, t in zip(*columns_out, truth[start:stop].tolist()))


def write_centroids_csv(path, centers, *, columns=None, sizes=None) -> None:
    """One row per centroid: its cluster number, coordinates, and (optionally) how many points it has.

    Parameters
    ----------
    path : str or os.PathLike
    centers : array-like of shape (k, d)
    columns : sequence of str of length d, optional
    sizes : array-like of shape (k,), optional
        Points in each cluster, e.g. ``np.bincount(labels, minlength=k)``.
    """
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2:
        raise ValueError(f"centers must have shape (k, d); got {centers.shape}.")
    header = ["cluster"] + _names(columns, centers.shape[1])
    if sizes is not None:
        sizes = np.asarray(sizes)
        if sizes.shape != (centers.shape[0],):
            raise ValueError(f"sizes must have shape ({centers.shape[0]},); got {sizes.shape}.")
        header.append("size")
    with atomic_file(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for j, row in enumerate(centers.tolist()):
            writer.writerow([j] + row + ([int(sizes[j])] if sizes is not None else []))
