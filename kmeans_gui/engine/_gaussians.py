"""The algebra of Gaussian mixture components for :mod:`.gmm`: parameters, log-density
coefficients, the M-step from sufficient statistics, and the start from Voronoi cells.

Each Gaussian's log-density is a quadratic polynomial in x, so for a block of points the (k, m)
table of weighted log-densities is one GEMM of per-component coefficients with the block's
monomials (1, x_a, x_a x_b), and the M-step's sufficient statistics (sum r, sum r x,
sum r x x^T) are one GEMM of the responsibilities with the same monomials. All coordinates here
are centred on X's mean. Formulas follow scikit-learn's ``GaussianMixture``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .distances import CHUNK_ROWS, feature_major, map_chunks, nearest_center

__all__ = ["Params", "Model", "ILL_DEFINED"]

_LOG_2PI = float(np.log(2.0 * np.pi))
#: scikit-learn pads every component's total responsibility with this, so an empty one divides by
#: a tiny number instead of zero.
_NK_PAD = 10.0 * np.finfo(np.float64).eps
#: Monomials per chunk are kept under this many values (4 MB), whatever the number of features.
_MAX_BLOCK_VALUES = 1 << 19


@dataclass(frozen=True)
class Params:
    """Mixture parameters in centred coordinates, with what the E-step needs precomputed."""

    weights: np.ndarray  # (k,)
    means: np.ndarray  # (k, d), centred
    covariances: np.ndarray  # scikit-learn's shape
    precisions: np.ndarray  # (k, d, d) for full and tied, (k, d) for diag and spherical
    # Mahalanobis distance squared = ||factors[j] @ (x - mu_j)||^2 for full and tied (k, d, d),
    # sum_a (factors[j, a] (x_a - mu_ja))^2 for diag and spherical (k, d)
    factors: np.ndarray
    log_det_chol: np.ndarray  # (k,): half the log-determinant of each precision
    collapsed: tuple = ()
    # The means in X's coordinates when known exactly (the seeds): centring and back would round.
    given_means: np.ndarray | None = None

    def shown_means(self, offset):
        return self.given_means if self.given_means is not None else self.means + offset


class Model:
    """The covariance type's algebra: monomials, coefficients, and the M-step from statistics.

    ``radius`` bounds the distance of any centred point from the origin; it decides for which
    components the expanded quadratic form would lose too many digits (see :meth:`exact_rows`).
    """

    def __init__(self, covariance_type, n_features, reg_covar, radius):
        self.kind = covariance_type
        self.d = n_features
        self.reg = reg_covar
        self.radius = radius
        self.full = covariance_type in ("full", "tied")
        if self.full:
            self.rows, self.cols = np.triu_indices(n_features)
        else:
            self.rows = self.cols = np.arange(n_features)
        self.n_monomials = 1 + n_features + self.rows.size
        self.chunk_rows = int(max(256, min(CHUNK_ROWS, _MAX_BLOCK_VALUES // self.n_monomials)))

    def monomials(self, Xt: np.ndarray) -> np.ndarray:
        """(p, m) rows 1, x_a, and x_a x_b (a <= b; only squares for diag and spherical)."""
        d, m = Xt.shape
        F = np.empty((self.n_monomials, m))
        F[0] = 1.0
        F[1 : d + 1] = Xt
        if not self.full:
            np.multiply(Xt, Xt, out=F[d + 1 :])
            return F
        row = d + 1
        for a in range(d):  # row by row: fancy-indexing all pairs at once would copy Xt d times
            np.multiply(Xt[a], Xt[a:], out=F[row : row + d - a])
            row += d - a
        return F

    def coefficients(self, p: Params) -> np.ndarray:
        """(k, p): log(w_j N(x | mu_j, Sigma_j)) = coefficients[j] . monomials(x)."""
        d = self.d
        mu = p.means
        if self.full:
            P = p.precisions
            P_mu = np.einsum("kab,kb->ka", P, mu)
            quad = P[:, self.rows, self.cols] * np.where(self.rows == self.cols, -0.5, -1.0)
        else:
            P_mu = p.precisions * mu
            quad = -0.5 * p.precisions
        A = np.empty((mu.shape[0], self.n_monomials))
        A[:, 0] = self.log_constants(p) - 0.5 * np.einsum("ka,ka->k", P_mu, mu)
        A[:, 1 : d + 1] = P_mu
        A[:, d + 1 :] = quad
        return A

    def log_constants(self, p: Params) -> np.ndarray:
        """(k,): log w_j + log det(P_j) / 2 - d log(2 pi) / 2, the log-density's part without x."""
        log_w = np.log(np.maximum(p.weights, np.finfo(np.float64).tiny))  # log 0 would make 0 * -inf
        return log_w + p.log_det_chol - 0.5 * self.d * _LOG_2PI

    def exact_rows(self, p: Params) -> np.ndarray:
        """Components whose log-density the expanded form cannot give to ~1e-11.

        Its terms reach ``lambda_max(P) (radius + |mu|)^2``, and rounding loses a few ulps of
        that: a tight component far from X's mean (one collapsed onto a point, with precision
        1 / reg_covar) would lose 1e-8 or more, enough to make the log-likelihood dip. Those
        components are computed directly as ``||factor (x - mu)||^2``, as scikit-learn does.
        """
        if self.full:
            largest = np.linalg.eigvalsh(p.precisions[:1] if self.kind == "tied" else p.precisions)[:, -1]
        else:
            largest = p.precisions.max(axis=1)
        reach = self.radius + np.sqrt(np.einsum("ka,ka->k", p.means, p.means))
        error = 4.0 * (self.d + 2) * np.finfo(np.float64).eps * largest * reach**2
        return np.flatnonzero(error > _EXPANDED_MAX_ERROR)

    def from_covariances(self, weights, means, covariances, collapsed=()) -> Params:
        """Parameters from covariances (regularised already); ValueError if one is not positive definite."""
        k, d = means.shape
        if self.full:
            stack = covariances if self.kind == "full" else covariances[None]
            try:
                chol = np.linalg.cholesky(stack)
            except np.linalg.LinAlgError:
                raise ValueError(ILL_DEFINED) from None
            factors = np.linalg.inv(chol)  # P = factors^T factors
            precisions = np.swapaxes(factors, -1, -2) @ factors
            log_det = -np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(axis=-1)
            if self.kind == "tied":
                precisions, factors = np.broadcast_to(precisions, (k, d, d)), np.broadcast_to(factors, (k, d, d))
                log_det = np.full(k, log_det[0])
            return Params(weights, means, covariances, precisions, factors, log_det, collapsed)
        variances = covariances if self.kind == "diag" else np.repeat(covariances[:, None], d, axis=1)
        if (variances <= 0).any():
            raise ValueError(ILL_DEFINED)
        precisions = 1.0 / variances
        log_det = 0.5 * np.log(precisions).sum(axis=1)
        return Params(weights, means, covariances, precisions, np.sqrt(precisions), log_det, collapsed)

    def from_precisions(self, weights, means, P) -> Params:
        k, d = means.shape
        if self.full:
            stack = P if self.kind == "full" else P[None]
            covariances = np.linalg.inv(stack)
            chol = np.linalg.cholesky(stack)  # P = chol chol^T
            factors = np.swapaxes(chol, -1, -2)
            log_det = np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(axis=-1)
            if self.kind == "tied":
                covariances, log_det = covariances[0], np.full(k, log_det[0])
                P, factors = np.broadcast_to(P, (k, d, d)), np.broadcast_to(factors, (k, d, d))
            return Params(weights, means, covariances, P, factors, log_det)
        precisions = P if self.kind == "diag" else np.repeat(P[:, None], d, axis=1)
        return Params(weights, means, 1.0 / P, precisions, np.sqrt(precisions), 0.5 * np.log(precisions).sum(axis=1))

    def m_step(self, stats: np.ndarray, origins: np.ndarray, centres=None) -> Params:
        """Parameters from the statistics (k, p): per component, sum r, sum r y and the sums of
        r y_a y_b over the monomials, where ``y = x - origins[j]`` (centred coordinates).

        With ``centres``, the covariances are taken around them instead of around the weighted
        means, which then become the means (used to start from seeds).
        """
        d = self.d
        total = stats[:, 0]
        nk = total + _NK_PAD
        weights = nk / nk.sum()
        sy = stats[:, 1 : d + 1]
        # Scatter around q (relative to the origin): sum_i r_i (y_i - q)(y_i - q)^T
        #   = S2 - q sy^T - sy q^T + total q q^T
        q = sy / nk[:, None] if centres is None else centres - origins
        means = origins + q
        if self.full:
            second = np.empty((stats.shape[0], d, d))
            second[:, self.rows, self.cols] = stats[:, d + 1 :]
            second[:, self.cols, self.rows] = stats[:, d + 1 :]
            cross = np.einsum("ka,kb->kab", q, sy)
            scatter = second - cross - np.swapaxes(cross, 1, 2) + total[:, None, None] * np.einsum("ka,kb->kab", q, q)
            if self.kind == "full":
                cov = scatter / nk[:, None, None]
                eigenvalues = np.linalg.eigvalsh(cov)
                cov[:, np.arange(d), np.arange(d)] += self.reg
            else:
                cov = scatter.sum(axis=0) / nk.sum()
                # One shared covariance: it collapses for all components or for none.
                eigenvalues = np.broadcast_to(np.linalg.eigvalsh(cov), (stats.shape[0], d))
                cov[np.arange(d), np.arange(d)] += self.reg
            smallest, largest = eigenvalues[:, 0], eigenvalues[:, -1]
        else:
            var = (stats[:, d + 1 :] - 2.0 * q * sy + total[:, None] * q**2) / nk[:, None]
            smallest, largest = var.min(axis=1), var.max(axis=1)
            cov = var + self.reg if self.kind == "diag" else var.mean(axis=1) + self.reg
        # A smallest eigenvalue this far below the largest is rounding of either sign (the points
        # lie on a line to working precision), so whether it shows as <= 0 would be chance.
        collapsed = tuple(int(j) for j in np.flatnonzero(smallest <= self.reg + _SINGULAR * largest))
        return self.from_covariances(weights, means, cov, collapsed)

    def initial(self, X, offset, means, weights, precisions) -> Params:
        """Start from the given means; what is not given comes from their Voronoi cells."""
        if weights is not None and precisions is not None:
            return self.from_precisions(weights, means, precisions)
        labels = nearest_center(X, means + offset)[0]
        k = means.shape[0]

        def work(a, b):
            one_hot = np.zeros((k, b - a))
            one_hot[labels[a:b], np.arange(b - a)] = 1.0
            return one_hot @ self.monomials(feature_major(X, offset, slice(a, b))).T

        stats = sum(map_chunks(work, X.shape[0], self.chunk_rows))
        cells = self.m_step(stats, np.zeros_like(means), centres=means)
        if weights is None:
            weights = cells.weights
        if precisions is None:
            return self.from_covariances(weights, means, cells.covariances, cells.collapsed)
        return self.from_precisions(weights, means, precisions)


#: Largest rounding error (in a log-density) accepted from the expanded quadratic form.
_EXPANDED_MAX_ERROR = 1e-11
#: An empirical covariance whose smallest eigenvalue is at most this fraction of its largest counts
#: as collapsed even with reg_covar=0: past a condition number of ~1e12 its log-determinant and
#: the log-likelihood carry rounding larger than EM's own progress, and the likelihood was seen
#: to drop across EM steps (scikit-learn's EM too), by up to 0.3 per point once it passes 1e15.
_SINGULAR = 1e-12

ILL_DEFINED = (
    "The Gaussian mixture failed: a component's covariance is not positive definite (a component "
    "collapsed onto a single point or a line). Increase reg_covar above 0, or use fewer components."
)
