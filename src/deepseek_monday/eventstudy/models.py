"""Normal-return models fitted on the estimation window, for all pairs at once.

Models (``k`` estimated slopes):

- ``mean``: E[R_t] = mu (k = 0, intercept only).
- ``market_adjusted``: E[R_t] = R_m,t (nothing estimated; s^2 is the sample variance of
  R - R_m in the estimation window).
- ``market``: E[R_t] = alpha + beta R_m,t (OLS, k = 1).
- ``two_index``: E[R_t] = alpha + beta_m R_m,t + beta_s R_s,t (OLS, k = 2).
- ``ff3``, ``carhart4``, ``ff5`` (Fama-French): on excess returns, E[R_t - rf_t] = alpha +
  b' F_t with F = (mkt_rf, smb, hml), plus ``mom`` (Carhart), or (mkt_rf, smb5, hml, rmw,
  cma) (five-factor 2x3: its own SMB); OLS, k = 3, 4, 5. The abnormal return is
  R_t - rf_t - (alpha + b' F_t). The factors come as a table (see
  :func:`deepseek_monday.data.facts.load_ff_factors`), not as return columns; the engine
  subtracts rf (:mod:`.factors`).

The OLS fits use masked sums on demeaned regressors: no loop over pairs. The prediction-
error variance of an event-day abnormal return is s^2 c_t with
c_t = 1 + 1/L + d_t' S^-1 d_t, where d_t are the regressors minus their estimation means
and S their centred cross-product matrix (for the market model
c_t = 1 + 1/L + (R_m,t - mean R_m)^2 / sum (R_m - mean R_m)^2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from deepseek_monday.errors import ParameterError

MODELS = ("mean", "market_adjusted", "market", "two_index", "ff3", "carhart4", "ff5")
# Factor models: the regressors are columns of the factor table (decimal), the same for every firm.
FACTOR_MODELS: dict[str, tuple[str, ...]] = {
    "ff3": ("mkt_rf", "smb", "hml"),
    "carhart4": ("mkt_rf", "smb", "hml", "mom"),
    "ff5": ("mkt_rf", "smb5", "hml", "rmw", "cma"),
}
MODEL_REGRESSORS: dict[str, tuple[str, ...]] = {
    "mean": (),
    "market_adjusted": ("benchmark",),
    "market": ("benchmark",),
    "two_index": ("benchmark", "sector_index"),
    **FACTOR_MODELS,
}
# Regressors whose cross-product matrix has a larger condition number are collinear.
MAX_CONDITION = 1e10


def check_model(model: object) -> str:
    """Return ``model`` if it is a known model name, else raise."""
    if model not in MODELS:
        raise ParameterError(f"model: {model!r} is not one of {MODELS}")
    return str(model)


@dataclass(frozen=True)
class OLSFit:
    """Batched OLS of y on an intercept and k regressors, one regression per row.

    ``beta`` is (P, k); ``sxx_inv`` the inverse centred cross-product matrix (P, k, k);
    ``sigma2`` the residual variance with ``df = n_obs - k - 1`` degrees of freedom.
    """

    alpha: np.ndarray
    beta: np.ndarray
    sigma2: np.ndarray
    n_obs: np.ndarray
    df: np.ndarray
    xbar: np.ndarray
    sxx_inv: np.ndarray
    r2: np.ndarray
    singular: np.ndarray


# Pairs per block in masked_ols (its temporaries: a few (block, D) arrays).
_BLOCK_PAIRS = 1024


def _centre(zeroed: np.ndarray, mean: np.ndarray, ones: np.ndarray) -> np.ndarray:
    """Subtract each row's ``mean`` in place, then zero the days off the mask (``ones``: the
    mask as 1.0 / 0.0; plain arithmetic is faster than a masked ufunc)."""
    np.subtract(zeroed, mean[:, None], out=zeroed)
    return np.multiply(zeroed, ones, out=zeroed)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise dot products of two (P, D) arrays."""
    return np.einsum("pd,pd->p", a, b)


def masked_ols(y: np.ndarray, x: np.ndarray, mask: np.ndarray) -> OLSFit:
    """Fit y[p] = alpha[p] + x[p] @ beta[p] + e on the days where ``mask[p]`` is True.

    ``y`` is (P, D), ``x`` is (P, D, k) with k >= 0, ``mask`` (P, D) marks valid
    observations (finite y and x). Rows with collinear or constant regressors are
    flagged in ``singular`` (their estimates are NaN). Vectorised over pairs, in blocks
    of ``_BLOCK_PAIRS`` so the temporary arrays stay small.
    """
    starts = range(0, len(y), _BLOCK_PAIRS) if len(y) else [0]
    fits = [_masked_ols_block(y[s:s + _BLOCK_PAIRS], x[s:s + _BLOCK_PAIRS], mask[s:s + _BLOCK_PAIRS])
            for s in starts]
    if len(fits) == 1:
        return fits[0]
    return OLSFit(**{name: np.concatenate([getattr(fit, name) for fit in fits])
                     for name in OLSFit.__dataclass_fields__})


def _masked_ols_block(y: np.ndarray, x: np.ndarray, mask: np.ndarray) -> OLSFit:
    """:func:`masked_ols` on one block of pairs: one (P, D) array per series."""
    n_pairs, _, k = x.shape
    ones = mask.astype(float)  # the mask as 1.0 / 0.0
    n = ones.sum(axis=1).astype(np.int64)
    y0 = np.where(mask, y, 0.0)
    x0 = [np.where(mask, x[:, :, j], 0.0) for j in range(k)]
    xbar = np.empty((n_pairs, k))
    with np.errstate(invalid="ignore", divide="ignore"):
        ybar = y0.sum(axis=1) / n
        for j, column in enumerate(x0):
            xbar[:, j] = column.sum(axis=1) / n
    yc = _centre(y0, ybar, ones)  # centred, zero off the mask (in place)
    xc = [_centre(column, xbar[:, j], ones) for j, column in enumerate(x0)]
    sst = _dot(yc, yc)
    if k:
        sxx, sxy = np.empty((n_pairs, k, k)), np.empty((n_pairs, k))
        for j in range(k):
            sxy[:, j] = _dot(xc[j], yc)
            for i in range(j + 1):
                sxx[:, i, j] = sxx[:, j, i] = _dot(xc[i], xc[j])
        # Constant regressors (relative to their raw scale, sum x^2) or near-collinear ones.
        scale = np.einsum("pjj->p", sxx) + n * np.einsum("pj,pj->p", xbar, xbar)
        eigenvalues = sxx[:, 0] if k == 1 else np.linalg.eigvalsh(sxx)  # ascending (1 x 1: itself)
        singular = ((eigenvalues[:, 0] <= eigenvalues[:, -1] / MAX_CONDITION)
                    | (eigenvalues[:, -1] <= 1e-12 * scale) | (n < k + 2))
        safe = np.where(singular[:, None, None], np.eye(k), sxx)
        sxx_inv = 1.0 / safe if k == 1 else np.linalg.inv(safe)
        sxx_inv[singular] = np.nan
        beta = np.einsum("pkl,pl->pk", sxx_inv, sxy)
        # Residuals yc - sum_j beta_j xc_j (zero off the mask), built in the buffer of xc[0].
        fitted = np.multiply(xc[0], beta[:, :1], out=xc[0])
        for j in range(1, k):
            fitted += xc[j] * beta[:, j, None]
        resid = np.subtract(yc, fitted, out=fitted)
    else:
        singular = n < 2
        sxx_inv = np.zeros((n_pairs, 0, 0))
        beta = np.zeros((n_pairs, 0))
        resid = yc
    alpha = ybar - np.einsum("pk,pk->p", beta, xbar)
    ssr = _dot(resid, resid)
    df = n - k - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma2 = ssr / df
        r2 = 1.0 - ssr / sst if k else np.zeros(n_pairs)
    sigma2 = np.where(singular, np.nan, sigma2)
    return OLSFit(alpha=alpha, beta=beta, sigma2=sigma2, n_obs=n.astype(int),
                  df=df.astype(int), xbar=xbar, sxx_inv=sxx_inv, r2=r2, singular=singular)


def _fitted(ols: OLSFit, x: np.ndarray) -> np.ndarray:
    """alpha + x beta for every pair on the days of ``x`` (P, days, k): a new array."""
    fitted = x[:, :, 0] * ols.beta[:, :1] if x.shape[2] else np.zeros(x.shape[:2])
    for j in range(1, x.shape[2]):
        fitted += x[:, :, j] * ols.beta[:, j, None]
    fitted += ols.alpha[:, None]
    return fitted


@dataclass(frozen=True)
class ModelFit:
    """A fitted normal-return model for every pair, with abnormal returns on all grid days.

    ``ar`` is R - E[R] on every day of the grid (estimation days: residuals; event days:
    prediction errors), NaN where the return or a regressor is missing. ``y`` and ``x``
    hold the returns (P, D) and regressors (P, D, k). ``ar`` and ``expected`` (E[R]) are
    built on first use; :meth:`ar_on` and :meth:`expected_on` give some days only.
    """

    model: str
    ols: OLSFit
    y: np.ndarray
    x: np.ndarray
    estimated: bool

    @cached_property
    def ar(self) -> np.ndarray:
        """R - E[R] of every pair on every grid day, (P, D)."""
        if not self.estimated:
            return self.y - self.x[:, :, 0]
        expected = _fitted(self.ols, self.x)
        return np.subtract(self.y, expected, out=expected)  # in place: one new (P, D) array

    @cached_property
    def expected(self) -> np.ndarray:
        """E[R_t] of every pair on every grid day, (P, D)."""
        return self.expected_on(slice(None))

    def ar_on(self, days: np.ndarray | slice) -> np.ndarray:
        """R - E[R] on the grid days ``days`` (the same values as ``ar[:, days]``)."""
        return self.y[:, days] - self.expected_on(days)

    def expected_on(self, days: np.ndarray | slice) -> np.ndarray:
        """E[R_t] on the grid days ``days``: alpha + x beta, or the market return if nothing
        is estimated."""
        if not self.estimated:
            return self.x[:, days, 0]
        return _fitted(self.ols, self.x[:, days, :])

    @property
    def sigma2(self) -> np.ndarray:
        return self.ols.sigma2

    @property
    def df(self) -> np.ndarray:
        return self.ols.df

    def forecast_factor(self, days: np.ndarray) -> np.ndarray:
        """Return c_t = Var(AR_t) / s^2 on the grid days ``days`` (boolean), shape (P, days).

        c_t = 1 + 1/n + d_t' S^-1 d_t with d_t the centred regressors (1 if nothing is
        estimated).
        """
        if not self.estimated:
            return np.ones((len(self.y), int(days.sum())))
        centred = self.x[:, days, :] - self.ols.xbar[:, None, :]
        quad = np.einsum("pdk,pkl,pdl->pd", centred, self.ols.sxx_inv, centred)
        return 1.0 + 1.0 / self.ols.n_obs[:, None] + quad

    def window_variance(self, days: np.ndarray) -> np.ndarray:
        """Return Var(CAR) over the grid days ``days`` (boolean), one value per pair.

        Var(CAR) = s^2 (L + L^2/n + g' S^-1 g), with g the sum of centred regressors over
        the window (only s^2 L for the market-adjusted model, which estimates nothing).
        """
        length = float(days.sum())
        if not self.estimated:
            return self.sigma2 * length
        g = self.x[:, days, :].sum(axis=1) - length * self.ols.xbar
        quad = np.einsum("pk,pkl,pl->p", g, self.ols.sxx_inv, g)
        return self.sigma2 * (length + length**2 / self.ols.n_obs + quad)

    def subset(self, keep: np.ndarray) -> ModelFit:
        """Return the fit restricted to the pairs where ``keep`` is True."""
        ols = OLSFit(**{name: getattr(self.ols, name)[keep] for name in OLSFit.__dataclass_fields__})
        return replace(self, ols=ols, y=self.y[keep], x=self.x[keep])


def fit_model(model: str, y: np.ndarray, x: np.ndarray, mask: np.ndarray) -> ModelFit:
    """Fit ``model`` for every pair (abnormal returns on every grid day: ``.ar``).

    ``x`` holds the regressors in the order of ``MODEL_REGRESSORS[model]``.
    """
    model = check_model(model)
    if model == "market_adjusted":
        market = x[:, :, 0]
        ar = y - market
        # Nothing is estimated: zero intercept, unit beta; s^2 is the sample variance of AR.
        fitted = masked_ols(ar, x[:, :, :0], mask)
        ols = replace(fitted, alpha=np.zeros_like(fitted.alpha), beta=np.ones((len(y), 1)),
                      sxx_inv=np.full((len(y), 1, 1), np.nan), r2=np.full(len(y), np.nan))
        return ModelFit(model, ols, y=y, x=x, estimated=False)
    return ModelFit(model, masked_ols(y, x, mask), y=y, x=x, estimated=True)
