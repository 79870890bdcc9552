"""Show data of any dimension on a 2-D canvas: PCA, or two chosen columns.

A :class:`Projection` is fitted once on the data and then applied to anything in the same space
(the points, every centroid of every step), so centroids land where their points are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Projection", "fit_projection", "pca_projection", "column_projection"]


@dataclass(frozen=True, eq=False)
class Projection:
    """An affine map from the data's space to the canvas: ``(X - mean) @ components.T``.

    Attributes
    ----------
    kind : {"pca", "columns"}
    mean : ndarray of shape (n_features,)
        Zero for a column projection, so its axes read in the data's own units.
    components : ndarray of shape (2, n_features)
        Orthonormal rows: the two principal axes, or two unit vectors picking the columns.
    axis_titles : tuple of str
        E.g. ("PC 1, 41% of variance", "PC 2, 23% of variance") or the two column names.
    explained_variance_ratio : ndarray of shape (2,) or None
        Share of the total variance along each axis (PCA only).
    """

    kind: str
    mean: np.ndarray
    components: np.ndarray
    axis_titles: tuple[str, str]
    explained_variance_ratio: np.ndarray | None = None

    def transform(self, X) -> np.ndarray:
        """Project rows of shape (n, n_features) to shape (n, 2)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.mean.shape[0]:
            raise ValueError(f"expected an array of shape (n, {self.mean.shape[0]}); got shape {X.shape}.")
        if self.kind == "columns":
            return X[:, self._columns()].copy()
        return (X - self.mean) @ self.components.T

    def _columns(self) -> list[int]:
        return [int(np.argmax(row)) for row in self.components]


def column_projection(n_features: int, columns=(0, 1), names=None) -> Projection:
    """Show two of the columns as they are.

    Parameters
    ----------
    n_features : int
    columns : pair of int
        0-based indices of the horizontal and vertical column.
    names : sequence of str, optional
        All column names, for the axis titles; default "column 1", "column 2", ...
    """
    i, j = (int(c) for c in columns)
    if i == j or not (0 <= i < n_features and 0 <= j < n_features):
        raise ValueError(f"columns {columns!r} must be two different indices in 0..{n_features - 1}.")
    names = list(names) if names is not None else [f"column {c + 1}" for c in range(n_features)]
    components = np.zeros((2, n_features))
    components[0, i] = components[1, j] = 1.0
    return Projection("columns", np.zeros(n_features), components, (names[i], names[j]))


def pca_projection(X) -> Projection:
    """The plane of the two principal components of ``X`` (shape (n, d), d >= 2, n >= 2).

    Each axis's sign is fixed so its largest loading is positive, so the same data always look the
    same. Computed from the d x d covariance (cheap for many rows), or from an SVD of the centred
    rows when there are more columns than rows.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < 2 or X.shape[0] < 2:
        raise ValueError(f"PCA needs at least 2 rows and 2 columns; got shape {X.shape}.")
    n, d = X.shape
    mean = X.mean(axis=0)
    if d <= n:
        Xc = X - mean
        cov = Xc.T @ Xc / (n - 1)
        variances, vectors = np.linalg.eigh(cov)  # ascending
        order = np.argsort(variances)[::-1]
        variances = np.clip(variances[order], 0.0, None)
        components = vectors[:, order[:2]].T
    else:
        _, s, vt = np.linalg.svd(X - mean, full_matrices=False)
        variances = s**2 / (n - 1)
        components = vt[:2]
    total = float(variances.sum())
    ratio = variances[:2] / total if total > 0 else np.zeros(2)
    biggest = np.argmax(np.abs(components), axis=1)
    components = components * np.sign(components[np.arange(2), biggest])[:, None]
    titles = tuple(f"PC {i + 1}, {_percent(r)} of variance" for i, r in enumerate(ratio))
    return Projection("pca", mean, np.ascontiguousarray(components), titles, ratio)


def _percent(ratio: float) -> str:
    value = 100.0 * float(ratio)
    return f"{value:.0f}%" if value >= 1 or value == 0 else "<1%"


def fit_projection(X, *, columns=None, names=None) -> Projection:
    """The default view of ``X`` (shape (n, d)): its own axes when d == 2, else PCA; or ``columns``."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < 2:
        raise ValueError(f"a 2-D view needs at least 2 columns; got shape {X.shape}.")
    if columns is not None:
        return column_projection(X.shape[1], columns, names)
    if X.shape[1] == 2:
        return column_projection(2, (0, 1), names)
    return pca_projection(X)
