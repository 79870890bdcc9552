"""The lab's sentences: why k-means fails on each case and why the remedy works.

Kept with the other words the user reads (moved beside them when ``state/words.py`` exists).
"""

from __future__ import annotations

__all__ = ["WHY_KMEANS_FAILS", "WHY_REMEDY_WORKS", "case_sentences", "SCORE_EXPLAINED", "DBSCAN_EPS_EXPLAINED"]

#: k-means minimises squared distances to means: it draws convex, roughly equal-sized, round cells.
WHY_KMEANS_FAILS = {
    "moons": "k-means minimises squared distances to two means, so its border is a straight line; "
             "no straight line separates two interlocking half-circles.",
    "circles": "Both rings have their mean at the centre, and k-means' cells are convex: it can only "
               "cut the picture in two halves, each holding part of both rings.",
    "anisotropic": "k-means measures plain distance in every direction alike, so it wants round "
                   "clusters; along these long, thin streaks a point is nearer the neighbouring "
                   "streak's mean than the far end of its own.",
    "unequal-variance": "k-means puts every border halfway between two means, whatever the spread: "
                        "the wide cloud loses its outer points to its tight neighbours.",
    "unequal-sizes": "Splitting the big cloud in two lowers the squared distances more than keeping "
                     "the two small clouds apart, so k-means does that.",
    "wrong-k-2": "Asked for 2 clusters, k-means returns 2: it cannot say that the data has 3; two "
                 "of the blobs must share a cell.",
    "wrong-k-5": "Asked for 5, k-means returns 5, cutting real blobs into pieces; the inertia "
                 "still goes down, so it gives no sign that k is too large.",
    "unlucky-start": "From an unlucky random start, two seeds land in one blob and none in another; "
                     "Lloyd's steps only go downhill, so the run stays in this worse minimum, with "
                     "two blobs merged and one split.",
}

WHY_REMEDY_WORKS = {
    "moons": "Spectral clustering and single linkage follow chains of near neighbours along each "
             "moon, and DBSCAN grows clusters through dense regions, so shape does not matter.",
    "circles": "Each ring is one connected chain of close points, and the gap between the rings "
               "breaks the chain: spectral clustering and single linkage see two pieces.",
    "anisotropic": "A Gaussian mixture with full covariance learns each cluster's own elongated, "
                   "tilted shape, and measures distance along it.",
    "unequal-variance": "A Gaussian mixture gives each cluster its own spread, so the border moves "
                        "towards the tight cluster.",
    "unequal-sizes": "A Gaussian mixture weighs each cluster by its share of the points, so a small "
                     "cloud can keep its own component.",
    "wrong-k-2": "Choose k from the data (the Choose k tab's silhouette and gap); DBSCAN needs no k "
                 "and finds the three blobs itself.",
    "wrong-k-5": "Choose k from the data (the Choose k tab); DBSCAN needs no k, and single linkage "
                 "leaves the extra clusters as a few stray points.",
    "unlucky-start": "k-means++ spreads its seeds apart, and several restarts (n_init) keep the "
                     "best run: see Restarts. The other methods do not depend on this start.",
    "your-data": "Scored against the data's own groups when it has them; otherwise by silhouette, "
                 "which rewards round, well-separated clusters and so favours k-means' own answer.",
}

SCORE_EXPLAINED = ("ARI: adjusted Rand index against the true groups (1 = the same grouping, "
                   "about 0 = no better than chance). Time: the method's fit.")
DBSCAN_EPS_EXPLAINED = ("DBSCAN's eps is read off the knee of the sorted distances to each point's "
                        "8th nearest neighbour; its noise points count as one group in the ARI.")


def case_sentences(key: str) -> str:
    """Why k-means fails on case ``key`` and why the remedy works, as one paragraph."""
    parts = [WHY_KMEANS_FAILS.get(key, ""), WHY_REMEDY_WORKS.get(key, "")]
    return " ".join(p for p in parts if p)
