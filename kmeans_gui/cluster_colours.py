"""Colour-blind-safe cluster colours: Okabe-Ito first, then Paul Tol's muted and bright sets.

The first eight are distinguishable under the common colour-vision deficiencies; beyond that,
colours repeat in a different order of lightness, which is still better than a rainbow. Clusters
past the table's length cycle.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CLUSTER_HEX", "UNASSIGNED_HEX", "cluster_rgb", "cluster_hex", "cluster_table", "heat_table"]

CLUSTER_HEX = (
    # Okabe & Ito (2008), without black
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    # Paul Tol, muted
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499",
    # Paul Tol, bright and high-contrast extras
    "#4477AA", "#EE6677", "#228833", "#997700",
)
UNASSIGNED_HEX = "#8C8C8C"
OUTLINE_HEX = "#303030"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def cluster_hex(j: int) -> str:
    return CLUSTER_HEX[j % len(CLUSTER_HEX)]


def cluster_rgb(j: int) -> tuple[int, int, int]:
    return _rgb(cluster_hex(j))


def cluster_table(k: int, alpha: int = 255) -> np.ndarray:
    """ndarray of shape (k, 4), uint8 RGBA: one row per cluster."""
    out = np.empty((k, 4), dtype=np.uint8)
    for j in range(k):
        out[j, :3] = cluster_rgb(j)
    out[:, 3] = alpha
    return out


def heat_table(levels: int) -> np.ndarray:
    """ndarray of shape (levels, 4), uint8 RGBA from pale grey (unlikely) to dark red (likely),
    for showing k-means++ D^2 probabilities."""
    t = np.linspace(0.0, 1.0, levels)[:, None]
    low = np.array(_rgb("#C8C8C8"), dtype=float)
    mid = np.array(_rgb("#E69F00"), dtype=float)
    high = np.array(_rgb("#A3200B"), dtype=float)
    rgb = np.where(t < 0.5, low + (mid - low) * (t / 0.5), mid + (high - mid) * ((t - 0.5) / 0.5))
    out = np.empty((levels, 4), dtype=np.uint8)
    out[:, :3] = np.round(rgb).astype(np.uint8)
    out[:, 3] = 255
    return out
