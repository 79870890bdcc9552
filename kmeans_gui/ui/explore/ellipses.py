"""A Gaussian mixture's components drawn as 1- and 2-sigma ellipses in their cluster colours.

One curve item per component and level, made when first needed and hidden when not: a step
moves at most a few dozen ellipses, so there is nothing to batch.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ...cluster_colours import cluster_rgb

__all__ = ["EllipseLayer", "ellipse_outline", "SIGMAS"]

SIGMAS = (1.0, 2.0)
_SEGMENTS = 96
#: Ellipses are drawn in a darker shade of their cluster's colour: in the colour itself they vanish
#: into the points they surround.
SHADE = 0.55


def _dark(j: int) -> tuple[int, int, int]:
    return tuple(int(c * SHADE) for c in cluster_rgb(j))


def ellipse_outline(mean: np.ndarray, cov: np.ndarray, sigma: float, segments: int = _SEGMENTS) -> np.ndarray:
    """Points on the ``sigma`` contour of a 2-D Gaussian.

    Parameters
    ----------
    mean : ndarray of shape (2,)
    cov : ndarray of shape (2, 2), symmetric positive semi-definite
    sigma : float
        Mahalanobis radius: 1 for the 1-sigma ellipse.

    Returns
    -------
    ndarray of shape (segments + 1, 2): a closed polyline (the last point is the first).
    """
    values, vectors = np.linalg.eigh(np.asarray(cov, dtype=np.float64))
    radii = sigma * np.sqrt(np.maximum(values, 0.0))
    t = np.linspace(0.0, 2 * np.pi, segments + 1)
    circle = np.stack([np.cos(t), np.sin(t)], axis=1)
    return np.asarray(mean, dtype=np.float64) + (circle * radii) @ vectors.T


class EllipseLayer:
    """The ellipses of one mixture state in ``viewbox``; :meth:`show` with None hides them."""

    def __init__(self, viewbox: pg.ViewBox, max_components: int, z: float = 3.0):
        self.viewbox = viewbox
        self.max_components = max_components
        self.z = z
        self.curves: list[list[tuple]] = []  # [component][level] -> (halo, line)

    def _curves_for(self, j: int) -> list[tuple[pg.PlotCurveItem, pg.PlotCurveItem]]:
        """Component j's (white halo, line) pair per level; the halo keeps the line readable over
        a dense cloud of its own colour."""
        while len(self.curves) <= j:
            colour = _dark(len(self.curves))
            level_items = []
            for level, _sigma in enumerate(SIGMAS):
                style = Qt.PenStyle.SolidLine if level == 0 else Qt.PenStyle.DashLine
                width = 2.5 if level == 0 else 1.8
                pair = (pg.PlotCurveItem(pen=pg.mkPen((255, 255, 255, 200), width=width + 3)),
                        pg.PlotCurveItem(pen=pg.mkPen(colour, width=width, style=style)))
                for z, item in zip((self.z, self.z + 0.1), pair):
                    item.setZValue(z)
                    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
                    self.viewbox.addItem(item)
                level_items.append(pair)
            self.curves.append(level_items)
        return self.curves[j]

    def show(self, state, projection=None) -> None:
        """Draw ``state``'s components, or hide all for None.

        ``projection`` (a :class:`~kmeans_gui.data.projection.Projection`), for a mixture in any
        dimension, draws each component's shadow on the view's plane: mean P(mu) and covariance
        P Sigma P^T, the exact distribution of the projected points of that Gaussian. Without it
        the state must have 2 features.
        """
        k = 0
        if state is not None and (projection is not None or state.means.shape[1] == 2):
            means = state.means
            covs = state.full_covariances
            if projection is not None:
                P = projection.components
                means = projection.transform(means)
                covs = np.einsum("ai,kij,bj->kab", P, covs, P)
            k = min(len(means), self.max_components)
            for j in range(k):
                for sigma, pair in zip(SIGMAS, self._curves_for(j)):
                    outline = ellipse_outline(means[j], covs[j], sigma)
                    for item in pair:
                        item.setData(outline[:, 0], outline[:, 1])
                        item.setVisible(True)
        for levels in self.curves[k:]:
            for pair in levels:
                for item in pair:
                    if item.isVisible():
                        item.setVisible(False)

    @property
    def n_visible(self) -> int:
        """Components whose ellipses are shown."""
        return sum(1 for levels in self.curves if levels[0][1].isVisible())
