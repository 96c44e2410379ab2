"""Nonparametric tests: Corrado (1989) rank test and Cowan (1992) generalized sign test.

Both are two-sided and use the standard normal approximation.
"""

from __future__ import annotations

import numpy as np

from deepseek_monday.eventstudy.parametric import StatResult, p_two_sided_normal

MIN_FIRMS = {"corrado": 1, "sign": 2}


def rank_deviations(ar: np.ndarray, ranking_days: np.ndarray) -> np.ndarray:
    """Standardised rank deviations K_it = rank_it / (1 + M_i) - 1/2 (Corrado-Zivney 1992).

    Each row of ``ar`` (pairs x days) is ranked over its days where ``ranking_days`` is
    True and the AR is finite (M_i such days; ties get average ranks). Other days are NaN.
    """
    use = ranking_days & np.isfinite(ar)
    # Days outside the ranking set go to +inf: ranked above every real AR, then discarded.
    values = np.where(use, ar, np.inf)
    order = np.argsort(values, axis=-1)  # not stable: tied rows are ranked again below
    ranks = np.empty(values.shape)
    np.put_along_axis(ranks, order, np.arange(1.0, values.shape[-1] + 1.0), axis=-1)
    ordered = np.sort(values, axis=-1)
    tied = ((ordered[..., 1:] == ordered[..., :-1]) & np.isfinite(ordered[..., 1:])).any(axis=-1)
    if tied.any():  # average ranks for ties, only in the rows that have them
        from scipy.stats import rankdata  # here: scipy.stats takes about a second to import

        ranks[tied] = rankdata(values[tied], axis=-1)
    m = use.sum(axis=-1, keepdims=True)
    ranks /= 1.0 + m  # K = rank / (1 + M) - 1/2, in place
    ranks -= 0.5
    ranks[~use] = np.nan
    return ranks


def corrado_rank_test(mean_deviation: np.ndarray, window_days: np.ndarray) -> StatResult:
    """Corrado rank statistic for a window from the daily mean rank deviations.

    ``mean_deviation`` (..., days) is the cross-sectional mean of K_it on each day of the
    ranking period (NaN on days outside it). With S = sqrt(mean_t Kbar_t^2) over the
    ranking period, Z = sum_{t in window} Kbar_t / (sqrt(L) S), L the window days with a
    value (Campbell & Wasley 1993 for multi-day windows). ``n`` is the number of window days.
    """
    kbar = np.asarray(mean_deviation, dtype=float)
    finite = np.isfinite(kbar)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sqrt(np.nansum(kbar**2, axis=-1) / finite.sum(axis=-1))
        in_window = kbar[..., window_days]
        length = np.isfinite(in_window).sum(axis=-1)
        statistic = np.nansum(in_window, axis=-1) / (np.sqrt(length) * s)
    statistic = np.where((length > 0) & (s > 0), statistic, np.nan)
    return StatResult(statistic, p_two_sided_normal(statistic), length)


def positive_share(ar: np.ndarray, estimation_mask: np.ndarray) -> np.ndarray:
    """Share of a pair's valid estimation-window abnormal returns that are positive."""
    n = estimation_mask.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        positive = np.count_nonzero(estimation_mask & (ar > 0), axis=-1)
        return np.where(n > 0, positive / n, np.nan)


def generalized_sign_test(car: np.ndarray, p_hat: np.ndarray) -> StatResult:
    """Cowan (1992): Z = (w - N p) / sqrt(N p (1 - p)), standard normal; needs N >= 2.

    ``w`` is the number of firms with a positive CAR, ``p`` the mean over firms of the
    share of positive estimation-window abnormal returns (``p_hat``, one per firm).
    """
    car = np.asarray(car, dtype=float)
    p_hat = np.broadcast_to(np.asarray(p_hat, dtype=float), car.shape)
    valid = np.isfinite(car) & np.isfinite(p_hat)
    n = valid.sum(axis=-1)
    wins = (valid & (np.where(valid, car, 0.0) > 0)).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(valid, p_hat, 0.0).sum(axis=-1) / n
        statistic = (wins - n * p) / np.sqrt(n * p * (1.0 - p))
    statistic = np.where((n >= MIN_FIRMS["sign"]) & (p > 0) & (p < 1), statistic, np.nan)
    return StatResult(statistic, p_two_sided_normal(statistic), n)
