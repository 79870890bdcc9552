"""The k-means engine: pure NumPy, no Qt.

- :func:`kmeans_steps`: the generator of half-step :class:`KMeansState` objects the GUI plays.
- :class:`KMeans`: a scikit-learn compatible estimator on top of it.
- :mod:`.distances`: chunked nearest-centre search; :mod:`.init`: seeding, observable step by step.
"""

from .distances import nearest_center, sq_distances
from .init import SeedStep
from .steps import STOP_ALLCLOSE, STOP_MAX_ITER, STOP_NO_CHANGE, STOP_TOL, KMeansState, kmeans_steps, run_to_end
from ._validation import FewDistinctPointsWarning, NonNumericDataError

__all__ = [
    "KMeans",
    "KMeansState",
    "SeedStep",
    "kmeans_steps",
    "run_to_end",
    "nearest_center",
    "sq_distances",
    "STOP_NO_CHANGE",
    "STOP_TOL",
    "STOP_ALLCLOSE",
    "STOP_MAX_ITER",
    "FewDistinctPointsWarning",
    "NonNumericDataError",
]


def __getattr__(name):
    # KMeans subclasses scikit-learn's BaseEstimator; importing scikit-learn costs about a second,
    # which the GUI's start-up should not pay before anyone asks for the estimator.
    if name == "KMeans":
        from .estimator import KMeans

        return KMeans
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
