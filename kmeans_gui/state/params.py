"""The Explore run's parameters (algorithm, k, initialisation, seed, stopping, empty clusters and
each variant's own) and their choices, validated in one place."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.inits import INITS, init_names

__all__ = [
    "Params", "INIT_LABELS", "EMPTY_POLICY_LABELS", "MAX_K", "ALGORITHM_LABELS", "COVARIANCE_LABELS",
    "ALGORITHM_INITS", "ALGORITHM_PARAMS", "BETA_RANGE", "MAX_BATCH_SIZE",
]

# algorithm value -> what the GUI calls it (the values are the states' ``algorithm``).
ALGORITHM_LABELS = {
    "lloyd": "Lloyd (k-means)",
    "minibatch": "Mini-batch k-means",
    "soft": "Soft k-means",
    "gmm": "Gaussian mixture",
}
COVARIANCE_LABELS = {"full": "Full", "diag": "Diagonal", "spherical": "Spherical"}
#: beta's slider runs over this range on a log scale (beta itself may be any number >= 0).
BETA_RANGE = (0.01, 100.0)
MAX_BATCH_SIZE = 1_000_000

# init value -> what the GUI calls it: the engine's registry, plus "manual" (the user places the
# k centres by clicking), the one initialisation that is the app's, not the engine's.
INIT_LABELS = {**{name: method.label for name, method in INITS.items()}, "manual": "Place by clicking"}
EMPTY_POLICY_LABELS = {"farthest": "Move to farthest point", "keep": "Keep in place"}
MAX_K = 50

#: The initialisations each algorithm's generator offers, as the registry says; the mixture
#: starts from k-means++ seeds or from given means.
ALGORITHM_INITS = {
    "lloyd": tuple(INIT_LABELS),
    "minibatch": (*init_names(lambda init: init.minibatch), "manual"),
    "soft": (*init_names(lambda init: not init.tutorial), "manual"),
    "gmm": ("k-means++", "manual"),
}
#: Which parameters apply to which algorithm (the panel shows only these).
ALGORITHM_PARAMS = {
    "lloyd": ("k", "init", "seed", "max_iter", "tol", "empty_policy"),
    "minibatch": ("k", "init", "seed", "max_iter", "batch_size"),
    "soft": ("k", "init", "seed", "max_iter", "tol", "beta"),
    "gmm": ("k", "init", "seed", "max_iter", "tol", "covariance"),
}


@dataclass(frozen=True)
class Params:
    """The algorithm's parameters. ``init`` is one of :data:`INIT_LABELS`."""

    k: int = 4
    init: str = "k-means++"
    seed: int = 0
    max_iter: int = 300
    tol: float = 1e-4
    empty_policy: str = "farthest"
    algorithm: str = "lloyd"
    batch_size: int = 50
    beta: float = 1.0
    covariance: str = "full"

    def __post_init__(self):
        # NumPy scalars arrive from spin boxes' callers, sweeps and sessions: turn them into plain
        # Python values here, once, so f-strings, comparisons and JSON downstream see int/float/str.
        for name in ("k", "seed", "max_iter", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, np.integer):
                object.__setattr__(self, name, int(value))
        for name in ("tol", "beta"):
            value = getattr(self, name)
            if isinstance(value, (np.floating, np.integer)) or (isinstance(value, int) and not isinstance(value, bool)):
                object.__setattr__(self, name, float(value))
        for name in ("init", "empty_policy", "algorithm", "covariance"):
            value = getattr(self, name)
            if isinstance(value, np.str_):
                object.__setattr__(self, name, str(value))

    def validated(self) -> "Params":
        """Return self, or raise ValueError saying which value is wrong and why."""
        if isinstance(self.k, bool) or not isinstance(self.k, (int, np.integer)) or not 1 <= self.k <= MAX_K:
            raise ValueError(f"k={self.k!r} must be a whole number from 1 to {MAX_K}.")
        if self.init not in INIT_LABELS:
            raise ValueError(f"init={self.init!r} must be one of: {', '.join(INIT_LABELS)}.")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise ValueError(f"seed={self.seed!r} must be a whole number >= 0.")
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, (int, np.integer)) or self.max_iter < 1:
            raise ValueError(f"max_iter={self.max_iter!r} must be a whole number >= 1.")
        if not isinstance(self.tol, (int, float, np.number)) or not np.isfinite(self.tol) or self.tol < 0:
            raise ValueError(f"tol={self.tol!r} must be a finite number >= 0.")
        if self.empty_policy not in EMPTY_POLICY_LABELS:
            raise ValueError(f"empty_policy={self.empty_policy!r} must be one of: {', '.join(EMPTY_POLICY_LABELS)}.")
        if self.algorithm not in ALGORITHM_LABELS:
            raise ValueError(f"algorithm={self.algorithm!r} must be one of: {', '.join(ALGORITHM_LABELS)}.")
        if (isinstance(self.batch_size, bool) or not isinstance(self.batch_size, (int, np.integer))
                or not 1 <= self.batch_size <= MAX_BATCH_SIZE):
            raise ValueError(f"batch_size={self.batch_size!r} must be a whole number from 1 to {MAX_BATCH_SIZE:,}.")
        if (isinstance(self.beta, bool) or not isinstance(self.beta, (int, float, np.number))
                or not np.isfinite(self.beta) or self.beta < 0):
            raise ValueError(f"beta={self.beta!r} must be a finite number >= 0.")
        if self.covariance not in COVARIANCE_LABELS:
            raise ValueError(f"covariance={self.covariance!r} must be one of: {', '.join(COVARIANCE_LABELS)}.")
        if self.init not in ALGORITHM_INITS[self.algorithm]:
            raise ValueError(
                f"init={self.init!r} is not offered for {ALGORITHM_LABELS[self.algorithm]}: use one of "
                f"{', '.join(ALGORITHM_INITS[self.algorithm])}."
            )
        return self

    def applies(self, name: str) -> bool:
        """True when parameter ``name`` is used by this algorithm (the panel hides the others)."""
        return name in ALGORITHM_PARAMS[self.algorithm]

    @property
    def tutorial_init(self) -> bool:
        """True when ``init`` is one of the tutorial's initialisations (the registry says which)."""
        return self.init in INITS and INITS[self.init].tutorial
