"""Normal-return models fitted on the estimation window, for all pairs at once.

Models (``k`` estimated slopes):

- ``mean``: E[R_t] = mu (k = 0, intercept only).
- ``market_adjusted``: E[R_t] = R_m,t (nothing estimated; s^2 is the sample variance of
  R - R_m in the estimation window).
- ``market``: E[R_t] = alpha + beta R_m,t (OLS, k = 1).
- ``two_index``: E[R_t] = alpha + beta_m R_m,t + beta_s R_s,t (OLS, k = 2).

The OLS fits use masked sums on demeaned regressors: no loop over pairs. The prediction-
error variance of an event-day abnormal return is s^2 c_t with
c_t = 1 + 1/L + d_t' S^-1 d_t, where d_t are the regressors minus their estimation means
and S their centred cross-product matrix (for the market model
c_t = 1 + 1/L + (R_m,t - mean R_m)^2 / sum (R_m - mean R_m)^2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from deepseek_monday.errors import ParameterError

MODELS = ("mean", "market_adjusted", "market", "two_index")
MODEL_REGRESSORS: dict[str, tuple[str, ...]] = {
    "mean": (),
    "market_adjusted": ("benchmark",),
    "market": ("benchmark",),
    "two_index": ("benchmark", "sector_index"),
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


def masked_ols(y: np.ndarray, x: np.ndarray, mask: np.ndarray) -> OLSFit:
    """Fit y[p] = alpha[p] + x[p] @ beta[p] + e on the days where ``mask[p]`` is True.

    ``y`` is (P, D), ``x`` is (P, D, k) with k >= 0, ``mask`` (P, D) marks valid
    observations (finite y and x). Rows with collinear or constant regressors are
    flagged in ``singular`` (their estimates are NaN).
    """
    n_pairs, _, k = x.shape
    n = mask.sum(axis=1)
    y0 = np.where(mask, y, 0.0)
    x0 = np.where(mask[:, :, None], x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ybar = y0.sum(axis=1) / n
        xbar = x0.sum(axis=1) / n[:, None]
    yc = y0 - ybar[:, None]
    yc *= mask  # centred, zero off the mask
    xc = x0 - xbar[:, None, :]
    xc *= mask[:, :, None]
    sxx = np.einsum("pdk,pdl->pkl", xc, xc)
    sxy = np.einsum("pdk,pd->pk", xc, yc)
    if k:
        # Constant regressors (relative to their raw scale) or near-collinear ones.
        eigenvalues = np.linalg.eigvalsh(sxx)  # ascending
        scale = np.einsum("pdk,pdk->p", x0, x0)
        singular = ((eigenvalues[:, 0] <= eigenvalues[:, -1] / MAX_CONDITION)
                    | (eigenvalues[:, -1] <= 1e-12 * scale) | (n < k + 2))
        safe = np.where(singular[:, None, None], np.eye(k), sxx)
        sxx_inv = np.linalg.inv(safe)
        sxx_inv[singular] = np.nan
        beta = np.einsum("pkl,pl->pk", sxx_inv, sxy)
    else:
        singular = n < 2
        sxx_inv = np.zeros((n_pairs, 0, 0))
        beta = np.zeros((n_pairs, 0))
    alpha = ybar - np.einsum("pk,pk->p", beta, xbar)
    # Fitted part as a batched matrix product (einsum's generic loop is several times slower here).
    resid = yc - np.matmul(xc, beta[:, :, None])[:, :, 0] if k else yc  # zero off the mask
    ssr = np.einsum("pd,pd->p", resid, resid)
    sst = np.einsum("pd,pd->p", yc, yc)
    df = n - k - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma2 = ssr / df
        r2 = 1.0 - ssr / sst if k else np.zeros(n_pairs)
    sigma2 = np.where(singular, np.nan, sigma2)
    return OLSFit(alpha=alpha, beta=beta, sigma2=sigma2, n_obs=n.astype(int),
                  df=df.astype(int), xbar=xbar, sxx_inv=sxx_inv, r2=r2, singular=singular)


@dataclass(frozen=True)
class ModelFit:
    """A fitted normal-return model for every pair, with abnormal returns on all grid days.

    ``ar`` is R - E[R] on every day of the grid (estimation days: residuals; event days:
    prediction errors), NaN where the return or a regressor is missing. ``x`` holds the
    regressors (P, D, k) the forecast-error variances are computed from.
    """

    model: str
    ols: OLSFit
    x: np.ndarray
    expected: np.ndarray
    ar: np.ndarray
    estimated: bool

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
            return np.ones((len(self.ar), int(days.sum())))
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
        return replace(self, ols=ols, x=self.x[keep], expected=self.expected[keep],
                       ar=self.ar[keep])


def fit_model(model: str, y: np.ndarray, x: np.ndarray, mask: np.ndarray) -> ModelFit:
    """Fit ``model`` for every pair and compute abnormal returns on every grid day.

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
        return ModelFit(model, ols, x=x, expected=market, ar=ar, estimated=False)
    ols = masked_ols(y, x, mask)
    expected = ols.alpha[:, None] + np.einsum("pdk,pk->pd", x, ols.beta)
    return ModelFit(model, ols, x=x, expected=expected, ar=y - expected, estimated=True)
