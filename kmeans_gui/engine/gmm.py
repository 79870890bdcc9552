"""A Gaussian mixture fitted by EM, as a generator of immutable half-step states.

The E-step gives every point a responsibility per component (the posterior probability that the
component drew it); the M-step sets each component's weight, mean and covariance to the
responsibility-weighted fraction, mean and covariance of the points. Soft k-means is the special
case of equal weights and one shared spherical variance ``1 / (2 beta)`` (:mod:`.soft`).

It mirrors ``sklearn.mixture.GaussianMixture`` (same parameter names, covariances in the same
shapes, ``reg_covar`` added to every covariance's diagonal, ``tol`` on the change of the mean
log-likelihood, weights ``nk / sum(nk)`` with ``nk`` padded by ``10 * eps``): from the same
``means_init``, ``weights_init`` and ``precisions_init`` and after the same number of
iterations, the parameters agree with scikit-learn's to rounding.

Speed and memory: each Gaussian's log-density is a quadratic polynomial in x, so for a block of
points the (k, m) table of weighted log-densities is one GEMM of per-component coefficients with
the block's monomials (1, x_a, x_a x_b), and the M-step's sufficient statistics (sum r,
sum r x, sum r x x^T) are one GEMM of the responsibilities with the same monomials. So an EM
iteration is one pass over X in row chunks, extra memory O(chunk x (k + d^2)), no ``n x k x d``
temporary. Coordinates are centred on X's mean first, which keeps the expanded quadratic form's
rounding small.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field, replace
from typing import ClassVar, Iterator

import numpy as np

from . import _validation as v
from ._frozen import frozen as _frozen
from ._seeding import initial_centers
from ._gaussians import Model, Params
from .distances import column_stats, feature_major, map_chunks
from .protocol import Phase
from .steps import check_params

__all__ = [
    "COVARIANCE_TYPES",
    "CollapsedComponentWarning",
    "GMMState",
    "gmm_steps",
    "gmm_bic",
    "fit_bic",
    "n_parameters",
    "STOP_TOL",
    "STOP_MAX_ITER",
]

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
STOP_TOL = "log-likelihood changed less than tol"
STOP_MAX_ITER = "max_iter reached"


class CollapsedComponentWarning(UserWarning):
    """A component shrank onto (almost) a single point or a line: its covariance is held at
    reg_covar, or, with reg_covar=0, is singular to working precision."""


@dataclass(frozen=True, eq=False)
class GMMState:
    """A Gaussian mixture after one half-step. Every array is read-only and never changes.

    Attributes
    ----------
    phase : {"init", "assign", "update"}
        "assign" is an E-step (responsibilities from the parameters shown), "update" an M-step
        (new parameters from the responsibilities shown).
    iteration : int
        E-steps done so far (0 for the initial state).
    means : ndarray of shape (n_components, n_features)
        Also readable as ``centers``.
    covariances : ndarray
        In scikit-learn's shape for ``covariance_type``: "full" (n_components, n_features,
        n_features), "tied" (n_features, n_features), "diag" (n_components, n_features),
        "spherical" (n_components,).
    weights : ndarray of shape (n_components,)
    covariance_type : str
    responsibilities : ndarray of shape (n_samples, n_components), or None
        Rows sum to 1; None for the initial state. An M-step shares its E-step's array.
    labels : ndarray of shape (n_samples,), int32, or None
        The most likely component of each point.
    log_likelihood : float
        Mean log-likelihood per point of the parameters this state shows (also ``objective``).
        The E-step of iteration t reports what scikit-learn's ``lower_bounds_[t - 1]`` does.
    converged : bool
    stop_reason : str or None
        Set on the final state only, a last E-step for the final parameters.
    collapsed : tuple of int
        Components whose empirical variance fell to ``reg_covar`` or below at this M-step, or to
        1e-12 of their largest (collapsed onto one point or a line, or left without points): the
        floor keeps them valid; without one their likelihood is rounding noise.
    message : str or None
        Says so in words when ``collapsed`` is not empty.
    """

    algorithm: ClassVar[str] = "gmm"
    objective_name: ClassVar[str] = "log-likelihood per point"
    objective_increases: ClassVar[bool] = True

    phase: Phase
    iteration: int
    means: np.ndarray
    covariances: np.ndarray
    weights: np.ndarray
    covariance_type: str
    log_likelihood: float
    responsibilities: np.ndarray | None = None
    labels: np.ndarray | None = None
    converged: bool = False
    stop_reason: str | None = None
    collapsed: tuple = field(default=())
    message: str | None = None

    @property
    def centers(self) -> np.ndarray:
        return self.means

    @property
    def full_covariances(self) -> np.ndarray:
        """Every component's covariance as a (n_components, n_features, n_features) matrix,
        whatever ``covariance_type`` (to draw ellipses, say)."""
        k, d = self.means.shape
        cov = self.covariances
        if self.covariance_type == "full":
            return cov
        if self.covariance_type == "tied":
            full = np.broadcast_to(cov, (k, d, d))
        elif self.covariance_type == "diag":
            full = cov[:, :, None] * np.eye(d)
        else:
            full = cov[:, None, None] * np.eye(d)
        return _frozen(np.array(full))

    @property
    def objective(self) -> float:
        return self.log_likelihood

    @property
    def is_final(self) -> bool:
        return self.stop_reason is not None


def gmm_steps(
    X,
    n_components: int,
    *,
    covariance_type: str = "full",
    means_init=None,
    weights_init=None,
    precisions_init=None,
    reg_covar: float = 1e-6,
    max_iter: int = 100,
    tol: float = 1e-3,
    random_state=None,
) -> Iterator[GMMState]:
    """Fit a Gaussian mixture by EM and yield a :class:`GMMState` after every half-step.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components : int
    covariance_type : {"full", "tied", "diag", "spherical"}
    means_init : array-like of shape (n_components, n_features), optional
        Default: k-means++ seeds drawn as :func:`~kmeans_gui.engine.kmeans_steps` draws them
        (the same seeds for the same random_state).
    weights_init : array-like of shape (n_components,), optional
        Default: the share of points nearest each initial mean.
    precisions_init : array-like, optional
        Inverse covariances in scikit-learn's shape for ``covariance_type``. Default: the
        covariance of the points nearest each initial mean, around that mean, plus ``reg_covar``.
    reg_covar : float
        Added to the diagonal of every covariance (>= 0), as scikit-learn does.
    max_iter : int
        Maximum number of EM iterations.
    tol : float
        Stop when the mean log-likelihood changes by less than this between iterations
        (scikit-learn's test, on the same values).
    random_state : None, int or RandomState
        Draws the k-means++ seeds.

    Yields
    ------
    GMMState
        "init", then "assign" (E-step) and "update" (M-step) per iteration, then a final E-step
        with ``stop_reason`` set.

    Raises
    ------
    ValueError
        For bad input, and when a covariance stops being positive definite (possible only with
        ``reg_covar=0``): the message says to raise reg_covar or use fewer components.
    """
    X = v.check_data(X)
    n, d = X.shape
    n_components = v.check_n_clusters(n_components, n)
    if covariance_type not in COVARIANCE_TYPES:
        raise ValueError(f"covariance_type={covariance_type!r} must be one of {COVARIANCE_TYPES}.")
    if isinstance(reg_covar, bool) or not isinstance(reg_covar, numbers.Real) or not np.isfinite(reg_covar) \
            or reg_covar < 0:
        raise ValueError(f"reg_covar={reg_covar!r} must be a finite number >= 0.")
    given_means = check_params(X, n_components, "k-means++" if means_init is None else means_init, max_iter,
                               tol, "keep")
    weights = _check_weights(weights_init, n_components)
    precisions = _check_precisions(precisions_init, covariance_type, n_components, d)
    rng = v.check_random_state(random_state)
    stats = column_stats(X)
    offset = stats.mean
    radius = float(np.linalg.norm(np.maximum(stats.max - offset, offset - stats.min)))
    means = initial_centers(X, n_components, "k-means++", given_means, np.ones(n), rng)
    model = Model(covariance_type, d, float(reg_covar), radius)
    params = replace(model.initial(X, offset, means - offset, weights, precisions), given_means=means)
    yield from _em_steps(X, offset, model, params, max_iter, float(tol))


def n_parameters(covariance_type: str, n_components: int, n_features: int) -> int:
    """Free parameters of a mixture: means, covariances and the weights (which sum to 1).

    Counted as ``GaussianMixture._n_parameters`` counts them, so :func:`gmm_bic` is its ``bic``.
    """
    k, d = int(n_components), int(n_features)
    covariance = {"full": k * d * (d + 1) // 2, "tied": d * (d + 1) // 2, "diag": k * d, "spherical": k}
    if covariance_type not in covariance:
        raise ValueError(f"covariance_type={covariance_type!r} must be one of {COVARIANCE_TYPES}.")
    return covariance[covariance_type] + k * d + k - 1


def gmm_bic(state: GMMState, n_samples: int) -> float:
    """The Bayesian information criterion of a fitted mixture: ``-2 n log L + p log n`` (lower is better).

    Parameters
    ----------
    state : GMMState
        Normally the final state of :func:`gmm_steps`; its ``log_likelihood`` is the mean per
        point of the parameters it shows, on the data it was fitted to.
    n_samples : int
        The number of points those data have.

    Returns
    -------
    float
        Equal to ``sklearn.mixture.GaussianMixture.bic(X)`` for the same parameters.
    """
    k, d = state.means.shape
    n = int(n_samples)
    return float(-2.0 * state.log_likelihood * n + n_parameters(state.covariance_type, k, d) * np.log(n))


def fit_bic(X, n_components: int, *, covariance_type: str = "full", max_iter: int = 100, tol: float = 1e-3,
            random_state=None) -> float:
    """Fit a mixture by EM from :func:`gmm_steps`' k-means++ start and return its BIC.

    A component collapsing onto one point is held at ``reg_covar`` (its warning is not repeated
    here): the BIC of the floored fit is still the one scikit-learn reports.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components : int
    covariance_type, max_iter, tol, random_state
        As for :func:`gmm_steps`.

    Returns
    -------
    float
    """
    X = v.check_data(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollapsedComponentWarning)
        final = None
        for final in gmm_steps(X, n_components, covariance_type=covariance_type, max_iter=max_iter, tol=tol,
                               random_state=random_state):
            pass
    return gmm_bic(final, X.shape[0])


def _check_weights(weights, k):
    if weights is None:
        return None
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (k,):
        raise ValueError(f"weights_init has shape {w.shape}; expected ({k},): one weight per component.")
    if not np.isfinite(w).all() or (w < 0).any() or (w > 1).any() or abs(w.sum() - 1.0) > 1e-6:
        raise ValueError("weights_init must lie in [0, 1] and sum to 1.")
    return w


def _check_precisions(precisions, covariance_type, k, d):
    if precisions is None:
        return None
    P = np.asarray(precisions, dtype=np.float64)
    shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}[covariance_type]
    if P.shape != shape:
        raise ValueError(f"precisions_init has shape {P.shape}; expected {shape} for covariance_type="
                         f"{covariance_type!r}.")
    if not np.isfinite(P).all():
        raise ValueError("precisions_init contains NaN or inf.")
    if covariance_type in ("full", "tied"):
        if not np.allclose(P, np.swapaxes(P, -1, -2)):
            raise ValueError("precisions_init must be symmetric.")
        try:
            np.linalg.cholesky(P)
        except np.linalg.LinAlgError:
            raise ValueError("precisions_init must be positive definite.") from None
    elif (P <= 0).any():
        raise ValueError("precisions_init must be positive.")
    return P


class _EStep:
    """Responsibilities, labels, mean log-likelihood and M-step statistics from one pass over X.

    ``stats`` (k, p) are relative to ``origins`` (k, d): 0 for most components, the mean itself
    for those computed exactly, whose scatter would otherwise lose digits the same way.
    """

    def __init__(self, X, offset, model: Model, params: Params):
        n = X.shape[0]
        k, d = params.means.shape
        A = model.coefficients(params)
        exact = model.exact_rows(params)
        constants = model.log_constants(params)
        self.resp = np.empty((n, k))
        self.labels = np.empty(n, dtype=np.int32)
        self.origins = np.zeros((k, d))
        self.origins[exact] = params.means[exact]

        def work(a, b):
            Xt = feature_major(X, offset, slice(a, b))
            F = model.monomials(Xt)
            log_p = A @ F  # (k, m) log(w_j N(x | j))
            diffs = []
            for j in exact:
                diff = Xt - params.means[j][:, None]
                y = params.factors[j] @ diff if model.full else params.factors[j][:, None] * diff
                log_p[j] = constants[j] - 0.5 * np.einsum("ij,ij->j", y, y)
                diffs.append(diff)
            self.labels[a:b] = log_p.argmax(axis=0)
            top = log_p.max(axis=0)
            log_p -= top
            np.exp(log_p, out=log_p)
            total = log_p.sum(axis=0)
            log_p /= total
            self.resp[a:b] = log_p.T
            np.log(total, out=total)
            total += top
            stats = log_p @ F.T
            for j, diff in zip(exact, diffs):
                weighted = log_p[j] * diff
                stats[j, 1 : d + 1] = weighted.sum(axis=1)
                if model.full:
                    stats[j, d + 1 :] = (weighted @ diff.T)[model.rows, model.cols]
                else:
                    stats[j, d + 1 :] = np.einsum("ij,ij->i", weighted, diff)
            return float(total.sum()), stats

        parts = map_chunks(work, n, model.chunk_rows)
        self.log_likelihood = sum(p[0] for p in parts) / n
        self.stats = sum(p[1] for p in parts)
        _frozen(self.resp)
        _frozen(self.labels)


def _collapse_message(collapsed, reg_covar) -> str | None:
    if not collapsed:
        return None
    which = ", ".join(str(j) for j in collapsed)
    return (
        f"Component{'s' if len(collapsed) > 1 else ''} {which} collapsed onto (almost) a single point: "
        f"the covariance is held at reg_covar={reg_covar:g} (as scikit-learn does), not allowed to "
        "become singular. Fewer components or more spread-out data avoid it."
    )


def _em_steps(X, offset, model: Model, params: Params, max_iter, tol) -> Iterator[GMMState]:
    """The generator behind :func:`gmm_steps`, for validated input and initial parameters."""
    dtype = X.dtype
    kind = model.kind
    warned = False

    def state(phase, iteration, p, e, **extra):
        return GMMState(
            phase, iteration, _frozen(p.shown_means(offset).astype(dtype)), _frozen(p.covariances.copy()),
            _frozen(p.weights.copy()), kind, e.log_likelihood,
            None if phase == "init" else e.resp, None if phase == "init" else e.labels,
            collapsed=p.collapsed, message=_collapse_message(p.collapsed, model.reg), **extra,
        )

    # Every state reports the log-likelihood of the parameters it shows, so each E-step's pass
    # runs as soon as the parameters it needs exist: one pass over X per iteration.
    e = _EStep(X, offset, model, params)
    yield state("init", 0, params, e)
    previous = -np.inf
    reason, converged = STOP_MAX_ITER, False
    for iteration in range(1, max_iter + 1):
        yield state("assign", iteration, params, e)
        params = model.m_step(e.stats, e.origins)
        if params.collapsed and not warned:
            warnings.warn(_collapse_message(params.collapsed, model.reg), CollapsedComponentWarning, stacklevel=3)
            warned = True
        used, e = e, _EStep(X, offset, model, params)
        yield GMMState(
            "update", iteration, _frozen(params.shown_means(offset).astype(dtype)),
            _frozen(params.covariances.copy()), _frozen(params.weights.copy()), kind, e.log_likelihood,
            used.resp, used.labels, collapsed=params.collapsed,
            message=_collapse_message(params.collapsed, model.reg),
        )
        # scikit-learn's test: the change between the log-likelihoods its E-steps computed,
        # those of the parameters before this M-step and before the previous one.
        if abs(used.log_likelihood - previous) < tol:
            reason, converged = STOP_TOL, True
            break
        previous = used.log_likelihood
    yield state("assign", iteration, params, e, converged=converged, stop_reason=reason)
