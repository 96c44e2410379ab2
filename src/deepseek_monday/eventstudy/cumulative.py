"""Cumulative (CAR) and buy-and-hold (BHAR) abnormal returns over event windows.

A window's CAR or BHAR is defined only if every day of the window has an abnormal
return: a missing day makes it NaN (it is never treated as a zero return).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deepseek_monday.eventstudy.models import ModelFit
from deepseek_monday.eventstudy.windows import EventPanel, Window


@dataclass(frozen=True)
class WindowSums:
    """Per pair and window (arrays of shape (P, W)): CAR, its variance, BHAR, day counts."""

    windows: tuple[Window, ...]
    car: np.ndarray
    car_variance: np.ndarray
    bhar: np.ndarray
    n_days: np.ndarray
    n_missing: np.ndarray


def to_simple(returns: np.ndarray, kind: str) -> np.ndarray:
    """Convert returns of ``kind`` ("simple" or "log") to simple returns."""
    return np.expm1(returns) if kind == "log" else returns


def window_sums(panel: EventPanel, fit: ModelFit, windows: tuple[Window, ...],
                return_kind: str = "simple") -> WindowSums:
    """Compute CAR, Var(CAR) (forecast-error corrected), and BHAR for every pair and window.

    BHAR = prod(1 + R_t) - prod(1 + E[R_t]) over the window, in simple returns
    (log returns are converted with exp(r) - 1 first).
    """
    shape = (panel.n_pairs, len(windows))
    car, variance, bhar = np.empty(shape), np.empty(shape), np.empty(shape)
    n_days, n_missing = np.empty(shape, dtype=int), np.empty(shape, dtype=int)
    # Every window's days are copied once, column-major (so each window's sums and
    # products run day after day); a window is then a slice of these columns.
    days = panel.day_mask((min(w[0] for w in windows), max(w[1] for w in windows)))
    first_day = panel.rel_days[days][0]
    returns = np.asfortranarray(panel.y[:, days])
    expected_returns = np.asfortranarray(fit.expected_on(days))
    ar = returns - expected_returns  # = fit.ar_on(days)
    missing_day = ~np.isfinite(ar)
    firm = 1.0 + to_simple(returns, return_kind)
    expected = 1.0 + to_simple(expected_returns, return_kind)
    for j, window in enumerate(windows):  # a handful of windows, vectorised over pairs
        span = slice(window[0] - first_day, window[1] - first_day + 1)
        missing = missing_day[:, span].sum(axis=1)
        complete = missing == 0
        car[:, j] = np.where(complete, ar[:, span].sum(axis=1), np.nan)
        variance[:, j] = np.where(complete, fit.window_variance(panel.day_mask(window)), np.nan)
        bhar[:, j] = np.where(complete, firm[:, span].prod(axis=1) - expected[:, span].prod(axis=1),
                              np.nan)
        n_days[:, j] = span.stop - span.start
        n_missing[:, j] = missing
    return WindowSums(windows, car, variance, bhar, n_days, n_missing)
