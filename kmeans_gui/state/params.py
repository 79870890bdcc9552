"""The Explore run's parameters (k, initialisation, seed, stopping, empty clusters) and their
choices, validated in one place."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Params", "INIT_LABELS", "EMPTY_POLICY_LABELS", "MAX_K"]

# init value -> what the GUI calls it. "manual" means the user places the k centres by clicking.
INIT_LABELS = {
    "random": "Random",
    "k-means++": "k-means++",
    "farthest": "Farthest point",
    "tutorial-random": "Tutorial: random",
    "tutorial-k-means++": "Tutorial: k-means++",
    "manual": "Place by clicking",
}
EMPTY_POLICY_LABELS = {"farthest": "Move to farthest point", "keep": "Keep in place"}
MAX_K = 50



@dataclass(frozen=True)
class Params:
    """The algorithm's parameters. ``init`` is one of :data:`INIT_LABELS`."""

    k: int = 4
    init: str = "k-means++"
    seed: int = 0
    max_iter: int = 300
    tol: float = 1e-4
    empty_policy: str = "farthest"

    def __post_init__(self):
        # NumPy scalars arrive from spin boxes' callers, sweeps and sessions: turn them into plain
        # Python values here, once, so f-strings, comparisons and JSON downstream see int/float/str.
        for name in ("k", "seed", "max_iter"):
            value = getattr(self, name)
            if isinstance(value, np.integer):
                object.__setattr__(self, name, int(value))
        if isinstance(self.tol, (np.floating, np.integer)) or (isinstance(self.tol, int) and not isinstance(self.tol, bool)):
            object.__setattr__(self, "tol", float(self.tol))
        for name in ("init", "empty_policy"):
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
        return self
