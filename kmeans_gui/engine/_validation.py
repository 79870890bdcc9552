"""Input validation for the engine's public functions.

Public entry points validate once, here; the private workers after them assume prepared input
(C-contiguous, float32 or float64, finite, 2-D), as scikit-learn does.
"""

from __future__ import annotations

import numbers
import sys
import numpy as np

__all__ = [
    "NonNumericDataError",
    "check_data",
    "check_sample_weight",
    "check_n_clusters",
    "check_random_state",
    "FewDistinctPointsWarning",
    "InvalidParameterError",
]


class NonNumericDataError(ValueError, TypeError):
    """Raised when the data hold something that is not a number (text, objects).

    A ValueError for callers that expect one for bad data, and a TypeError for code that
    (like scikit-learn's estimator checks) expects NumPy's TypeError for objects.
    """


class InvalidParameterError(ValueError, TypeError):
    """A parameter of the wrong type or out of range. Both a ValueError and a TypeError, as
    scikit-learn's own InvalidParameterError, so code written for either catches it."""


class FewDistinctPointsWarning(UserWarning):
    """Fewer distinct points than clusters: some clusters must share points or stay empty."""


def check_data(X, *, name: str = "X", dtype_keep=(np.float32, np.float64)) -> np.ndarray:
    """Return ``X`` as a finite, C-contiguous 2-D float array, or raise a ValueError saying why.

    float32 and float64 keep their dtype; every other numeric type becomes float64.
    """
    if X is None:
        raise ValueError(f"{name} is None: pass an array of shape (n_samples, n_features).")
    if hasattr(X, "toarray") and hasattr(X, "nnz"):
        raise TypeError(f"{name} is a sparse matrix; this k-means works on dense arrays. Use X.toarray().")
    arr = np.asarray(X)
    if np.iscomplexobj(arr):
        raise ValueError(f"Complex data not supported in {name}: pass real numbers.")
    if arr.dtype not in dtype_keep:
        try:
            arr = np.asarray(arr, dtype=np.float64)
        except (ValueError, TypeError) as exc:
            raise NonNumericDataError(
                f"{name} must contain only numbers, but converting it to float failed: {exc}. "
                "Remove or convert text columns before clustering."
            ) from exc
    if arr.ndim == 0:
        raise ValueError(f"{name} is a scalar: pass a 2-D array of shape (n_samples, n_features).")
    if arr.ndim == 1:
        raise ValueError(
            f"Expected 2D array, got 1D array instead: {name} has shape {arr.shape}. Reshape your data with "
            f"{name}.reshape(-1, 1) if it holds one feature, or {name}.reshape(1, -1) if it is one sample."
        )
    if arr.ndim > 2:
        raise ValueError(
            f"{name} must be 2-D (n_samples, n_features), got {arr.ndim} dimensions with shape {arr.shape}."
        )
    n_samples, n_features = arr.shape
    if n_samples == 0:
        raise ValueError(f"{name} is empty: 0 sample(s) (shape={arr.shape}) while a minimum of 1 is required.")
    if n_features == 0:
        raise ValueError(f"{name} has 0 feature(s) (shape={arr.shape}) while a minimum of 1 is required.")
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        kind = "NaN" if np.isnan(arr[bad[0], bad[1]]) else "infinity (inf)"
        raise ValueError(
            f"{name} contains {kind} (first at row {bad[0]}, column {bad[1]}); input contains NaN or inf. "
            "Drop or impute those values before clustering."
        )
    return np.ascontiguousarray(arr)


def check_sample_weight(sample_weight, n_samples: int) -> np.ndarray:
    """Return float64 weights of shape (n_samples,); ``None`` means all ones."""
    if sample_weight is None:
        return np.ones(n_samples, dtype=np.float64)
    if isinstance(sample_weight, numbers.Number):
        return np.full(n_samples, float(sample_weight))
    try:
        w = np.asarray(sample_weight, dtype=np.float64)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"sample_weight must be numeric: {exc}") from exc
    if w.ndim != 1 or w.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight.shape == {w.shape}, expected ({n_samples},): one weight per sample."
        )
    if not np.isfinite(w).all():
        raise ValueError("sample_weight contains NaN or inf.")
    if (w < 0).any():
        raise ValueError("sample_weight has negative values; weights must be >= 0.")
    if w.sum() <= 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs a positive weight.")
    return np.ascontiguousarray(w)


def check_n_clusters(n_clusters, n_samples: int) -> int:
    if isinstance(n_clusters, bool) or not isinstance(n_clusters, numbers.Integral):
        raise InvalidParameterError(f"n_clusters must be an integer, got {n_clusters!r}.")
    n_clusters = int(n_clusters)
    if n_clusters < 1:
        raise InvalidParameterError(f"n_clusters={n_clusters} must be at least 1.")
    if n_clusters > n_samples:
        raise ValueError(
            f"n_samples={n_samples} should be >= n_clusters={n_clusters}: there are fewer points than "
            f"clusters. Lower n_clusters to at most {n_samples} or add data."
        )
    return n_clusters


def check_random_state(seed) -> np.random.RandomState:
    """Turn None, an int or a RandomState into a RandomState (scikit-learn's convention).

    RandomState rather than Generator so that, seeded alike, our draws match scikit-learn's.
    """
    if seed is None:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return np.random.RandomState(int(seed))
    if isinstance(seed, np.random.RandomState):
        return seed
    raise ValueError(f"random_state={seed!r} cannot seed a RandomState: pass None, an int or a RandomState.")


#: Magnitudes the distance arithmetic handles without rescaling, per working dtype: squared
#: distances (and float32's GEMM form) must neither overflow nor underflow to zero.
SAFE_MAGNITUDE = {np.dtype(np.float64): (1e-150, 1e150), np.dtype(np.float32): (1e-15, 1e15)}


def range_scale(lowest, highest, dtype) -> float:
    """A power of two that brings data spanning [lowest, highest] into the safe range, or 1.0.

    Multiplying by a power of two is exact, so scaled data cluster exactly as the originals
    would in exact arithmetic; centres are scaled back, the inertia by the square.
    """
    magnitude = float(max(abs(float(np.min(lowest))), abs(float(np.max(highest)))))
    small, large = SAFE_MAGNITUDE[np.dtype(dtype)]
    if magnitude == 0.0 or small <= magnitude <= large:
        return 1.0
    return float(np.ldexp(1.0, -int(np.frexp(magnitude)[1])))


def check_magnitude(lowest, highest, dtype, name: str = "X") -> None:
    """Raise a ValueError when data need rescaling (for functions that do not rescale themselves)."""
    if range_scale(lowest, highest, dtype) != 1.0:
        small, large = SAFE_MAGNITUDE[np.dtype(dtype)]
        magnitude = max(abs(float(np.min(lowest))), abs(float(np.max(highest))))
        raise ValueError(
            f"{name} has values up to {magnitude:.3g} in magnitude; step-by-step k-means on {np.dtype(dtype)} "
            f"needs the largest magnitude between {small:g} and {large:g} so that squared distances fit. "
            f"Rescale {name} (e.g. divide by {magnitude:.0e}), or use KMeans, which rescales internally."
        )


_few_distinct_with_sklearn = None


def few_distinct_points_category():
    """The category to warn with when clusters end empty.

    scikit-learn warns with its ConvergenceWarning there. Importing scikit-learn costs about a
    second that the GUI's start-up must not pay, so the warning is also a ConvergenceWarning only
    once scikit-learn is loaded (always so for the KMeans estimator, which builds on it).
    """
    global _few_distinct_with_sklearn
    exceptions = sys.modules.get("sklearn.exceptions")
    if exceptions is None:
        return FewDistinctPointsWarning
    if _few_distinct_with_sklearn is None:
        _few_distinct_with_sklearn = type(
            "FewDistinctPointsWarning",
            (FewDistinctPointsWarning, exceptions.ConvergenceWarning),
            {"__doc__": FewDistinctPointsWarning.__doc__ + " Also scikit-learn's ConvergenceWarning.",
             "__module__": __name__},
        )
    return _few_distinct_with_sklearn
