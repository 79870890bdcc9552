"""The k-means engine: pure NumPy, no Qt.

- :func:`kmeans_steps`: the generator of half-step :class:`KMeansState` objects the GUI plays.
- :func:`minibatch_steps`, :func:`soft_kmeans_steps`, :func:`gmm_steps`: the variants, whose states
  follow the same protocol (:class:`StepState`), so one viewer plays them all.
- :class:`KMeans`: a scikit-learn compatible estimator on top of it.
- :func:`minibatch_vs_lloyd`: full-data inertia against time and points processed, for a chart.
- :mod:`.distances`: chunked nearest-centre search; :mod:`.init`: seeding, observable step by step.
"""

from .compare import ConvergenceCurve, minibatch_vs_lloyd
from .distances import nearest_center, sq_distances
from .init import SeedStep
from .gmm import CollapsedComponentWarning, GMMState, gmm_steps
from .minibatch import MiniBatchState, minibatch_steps
from .protocol import StepState, membership, uncertainty
from .soft import SoftKMeansState, soft_kmeans_steps
from .steps import STOP_ALLCLOSE, STOP_MAX_ITER, STOP_NO_CHANGE, STOP_TOL, KMeansState, kmeans_steps, run_to_end
from ._validation import FewDistinctPointsWarning, NonNumericDataError

__all__ = [
    "KMeans",
    "KMeansState",
    "SeedStep",
    "kmeans_steps",
    "minibatch_steps",
    "MiniBatchState",
    "soft_kmeans_steps",
    "SoftKMeansState",
    "StepState",
    "gmm_steps",
    "GMMState",
    "CollapsedComponentWarning",
    "membership",
    "uncertainty",
    "minibatch_vs_lloyd",
    "ConvergenceCurve",
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
