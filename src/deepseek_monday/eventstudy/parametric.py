"""Parametric tests: single-firm t, cross-sectional t, Patell Z, BMP and Kolari-Pynnonen,
the skewness-adjusted BHAR t, a pre-event trend test and multiple-testing adjustment.

Cross-sectional functions reduce along the last axis (firms), ignoring NaN, so they
work on one cross-section (1-D) or on many at once (cells x windows x firms). All
p-values are two-sided. A statistic is NaN where the test is not defined (too few firms,
zero dispersion); the minimum N of each test is in ``MIN_FIRMS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from scipy import special

if TYPE_CHECKING:
    import pandas as pd

MIN_FIRMS = {"t_cs": 2, "patell": 1, "bmp": 2, "kp": 2}
# Fewest common dates for a pairwise residual correlation.
MIN_OVERLAP = 30


class StatResult(NamedTuple):
    """A test statistic, its two-sided p-value and the number of firms it used."""

    statistic: np.ndarray
    p_value: np.ndarray
    n: np.ndarray


def p_two_sided_t(statistic: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Two-sided p-value of a t statistic with ``df`` degrees of freedom (NaN propagates)."""
    statistic, df = np.asarray(statistic, dtype=float), np.asarray(df, dtype=float)
    valid = np.isfinite(statistic) & (df > 0)
    # stdtr(df, -|t|) is what scipy.stats.t.sf(|t|, df) evaluates, without its overhead.
    with np.errstate(invalid="ignore"):
        return np.where(valid, 2.0 * special.stdtr(np.where(valid, df, 1.0), -np.abs(statistic)),
                        np.nan)


def p_two_sided_normal(statistic: np.ndarray) -> np.ndarray:
    """Two-sided p-value of a standard normal statistic (NaN propagates)."""
    return 2.0 * special.ndtr(-np.abs(np.asarray(statistic, dtype=float)))  # = 2 norm.sf(|z|)


def single_firm_t(value: np.ndarray, variance: np.ndarray, df: np.ndarray) -> StatResult:
    """t = value / sqrt(variance) for one firm's AR or CAR, t-distributed with ``df`` df.

    ``variance`` is the forecast-error variance, s^2 c_t for an AR day and
    s^2 (L + L^2/n + g' S^-1 g) for a CAR window.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        statistic = np.asarray(value) / np.sqrt(variance)
    df = np.broadcast_to(np.asarray(df, dtype=float), statistic.shape)
    return StatResult(statistic, p_two_sided_t(statistic, df), np.ones(statistic.shape, dtype=int))


def _count(values: np.ndarray) -> np.ndarray:
    return np.isfinite(values).sum(axis=-1)


def mean_sd(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return mean, sample sd (ddof=1) and count along the last axis, ignoring NaN."""
    n = _count(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(values, axis=-1) / n
        squares = np.nansum((values - mean[..., None]) ** 2, axis=-1)
        sd = np.sqrt(squares / (n - 1))
    return np.where(n > 0, mean, np.nan), np.where(n > 1, sd, np.nan), n


def _t_of_mean(values: np.ndarray) -> StatResult:
    mean, sd, n = mean_sd(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        statistic = mean / (sd / np.sqrt(n))
    statistic = np.where((n >= 2) & (sd > 0), statistic, np.nan)
    return StatResult(statistic, p_two_sided_t(statistic, n - 1), n)


def cross_sectional_t(car: np.ndarray) -> StatResult:
    """Cross-sectional t: mean CAR / (sd(CAR) / sqrt(N)), t with N - 1 df; needs N >= 2."""
    return _t_of_mean(car)


def patell_z(scar: np.ndarray, df: np.ndarray) -> StatResult:
    """Patell (1976): Z = sum SCAR_i / sqrt(sum df_i / (df_i - 2)), standard normal.

    ``scar`` are CARs divided by their forecast-error standard deviation; under the null
    each is t with ``df_i`` degrees of freedom, hence variance df/(df - 2). Needs df > 2.
    """
    scar = np.asarray(scar, dtype=float)
    df = np.broadcast_to(np.asarray(df, dtype=float), scar.shape)
    valid = np.isfinite(scar) & (df > 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = np.where(valid, df / (df - 2.0), 0.0).sum(axis=-1)
        statistic = np.where(valid, scar, 0.0).sum(axis=-1) / np.sqrt(variance)
    n = valid.sum(axis=-1)
    statistic = np.where(n >= MIN_FIRMS["patell"], statistic, np.nan)
    return StatResult(statistic, p_two_sided_normal(statistic), n)


def bmp_t(scar: np.ndarray) -> StatResult:
    """Boehmer, Musumeci & Poulsen (1991): mean SCAR / (sd(SCAR) / sqrt(N)), t with N - 1 df.

    The standardised CARs are scaled by their cross-sectional dispersion, which makes the
    test robust to event-induced variance. Needs N >= 2.
    """
    return _t_of_mean(scar)


def kolari_pynnonen_widening(n: np.ndarray | float, r_bar: np.ndarray | float) -> np.ndarray:
    """Return sqrt((1 + (N - 1) r) / (1 - r)): how much wider a mean's standard error is once the
    firms' cross-correlation r is allowed for (the inverse of :func:`kolari_pynnonen_t`'s factor).

    NaN where it is undefined (r >= 1 or 1 + (N - 1) r <= 0).
    """
    n, r = np.asarray(n, dtype=float), np.asarray(r_bar, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        squared = (1.0 + (n - 1.0) * r) / (1.0 - r)
    return np.where((squared > 0) & np.isfinite(squared), np.sqrt(np.where(squared > 0, squared, np.nan)), np.nan)


def kolari_pynnonen_t(bmp_statistic: np.ndarray, n: np.ndarray, r_bar: np.ndarray) -> StatResult:
    """Kolari & Pynnonen (2010) adjustment of BMP for cross-correlation (same event date).

    t_KP = t_BMP sqrt((1 - r) / (1 + (N - 1) r)), with r the average pairwise correlation
    of the firms' estimation-window residuals; t with N - 1 df. NaN where N < 2 or the
    adjustment is undefined (1 + (N - 1) r <= 0).
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.sqrt((1.0 - r_bar) / (1.0 + (n - 1.0) * r_bar))
    statistic = np.where((n >= MIN_FIRMS["kp"]) & np.isfinite(factor),
                         np.asarray(bmp_statistic) * factor, np.nan)
    return StatResult(statistic, p_two_sided_t(statistic, n - 1), n.astype(int))


def pairwise_correlations(residuals: np.ndarray, min_overlap: int = MIN_OVERLAP) -> np.ndarray:
    """Pairwise-complete correlation matrix of the columns of ``residuals`` (dates x firms).

    NaN marks a missing residual; each pair uses the dates where both are present. A pair
    with fewer than ``min_overlap`` common dates gets NaN. Computed with matrix products.
    """
    valid = np.isfinite(residuals).astype(float)
    x = np.where(valid > 0, residuals, 0.0)
    n = valid.T @ valid
    sum_x = x.T @ valid  # [i, j]: sum of firm i over the dates where j is present
    sum_xx = (x**2).T @ valid
    sum_xy = x.T @ x
    with np.errstate(invalid="ignore", divide="ignore"):
        covariance = n * sum_xy - sum_x * sum_x.T
        var_i = n * sum_xx - sum_x**2
        corr = covariance / np.sqrt(var_i * var_i.T)
    return np.where(n >= min_overlap, corr, np.nan)


def average_cross_correlation(residuals: np.ndarray, min_overlap: int = MIN_OVERLAP) -> float:
    """Average off-diagonal pairwise correlation of residual columns (NaN if fewer than 2).

    Without missing values this is computed in O(N T) from the standardised residuals z:
    sum_ij corr_ij = sum_t (sum_i z_it)^2 / (T - 1); otherwise pairwise-complete.
    """
    n_dates, n_firms = residuals.shape
    if n_firms < 2:
        return float("nan")
    if np.isfinite(residuals).all() and n_dates >= max(min_overlap, 2):
        sd = residuals.std(axis=0, ddof=1)
        if (sd > 0).all():
            z = (residuals - residuals.mean(axis=0)) / sd
            total = (z.sum(axis=1) ** 2).sum() / (n_dates - 1)
            return float((total - n_firms) / (n_firms * (n_firms - 1)))
    corr = pairwise_correlations(residuals, min_overlap)
    off_diagonal = corr[~np.eye(corr.shape[0], dtype=bool)]
    finite = off_diagonal[np.isfinite(off_diagonal)]
    return float(finite.mean()) if finite.size else float("nan")


def skewness_adjusted_t(bhar: np.ndarray) -> StatResult:
    """Skewness-adjusted t of the mean BHAR (Lyon, Barber & Tsai 1999; Hall 1992).

    With S = mean(BHAR) / sd(BHAR) (sd with N - 1) and the sample skewness
    g = sum (BHAR_i - mean)^3 / (N sd^3),

        t_sa = sqrt(N) (S + g S^2 / 3 + g / (6 N)),

    compared with t(N - 1). Long-horizon BHARs are right-skewed, which biases the plain t;
    the adjustment removes the first-order skewness bias. Firms are assumed independent.
    Along the last axis, NaN ignored; needs N >= 3.
    """
    bhar = np.asarray(bhar, dtype=float)
    mean, sd, n = mean_sd(bhar)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = mean / sd
        skew = np.nansum((bhar - mean[..., None]) ** 3, axis=-1) / (n * sd**3)
        statistic = np.sqrt(n) * (s + skew * s**2 / 3.0 + skew / (6.0 * n))
    statistic = np.where((n >= 3) & (sd > 0), statistic, np.nan)
    return StatResult(statistic, p_two_sided_t(statistic, n - 1), n)


def adjust_p_values(p_values: np.ndarray | list[float], method: str = "holm") -> np.ndarray:
    """Family-wise (Holm 1979) or false-discovery-rate (Benjamini & Hochberg 1995) adjusted p.

    ``method``: "holm" (step-down Bonferroni, controls the family-wise error rate) or
    "bh" (controls the expected share of false rejections). NaN p-values (tests not
    reported) are left NaN and are not counted in the family. Uses
    ``statsmodels.stats.multitest.multipletests``.
    """
    from statsmodels.stats.multitest import multipletests

    methods = {"holm": "holm", "bh": "fdr_bh"}
    if method not in methods:
        raise ValueError(f"method: {method!r} is not 'holm' or 'bh'")
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        out[finite] = multipletests(p[finite], method=methods[method])[1]
    return out


def pre_event_trend(returns: pd.DataFrame, benchmark: pd.Series | pd.DataFrame | None,
                    groups: Mapping[str, str], event_date: object,
                    windows: Iterable[tuple[int, int]] = ((-5, -1), (-10, -1)),
                    estimation_window: tuple[int, int] = (-250, -11), **options: Any) -> pd.DataFrame:
    """Pre-event drift: the portfolio time-series test of the CAR over pre-event windows.

    A significant CAR over [-5, -1] or [-10, -1] says the prices moved before the event
    date (leakage, anticipation, or a model that misfits the weeks before), which weakens
    the reading of the event-window CAR as the event's effect. Same arguments and output
    as :func:`deepseek_monday.eventstudy.portfolio.portfolio_test` (the windows must end
    before day 0 and after the estimation window).
    """
    from deepseek_monday.eventstudy.portfolio import portfolio_test

    windows = tuple(windows)
    if any(w[1] >= 0 for w in windows):
        raise ValueError(f"windows: pre-event windows must end before day 0, got {windows}")
    return portfolio_test(returns, benchmark, groups, event_date, windows=windows,
                          estimation_window=estimation_window, **options)
