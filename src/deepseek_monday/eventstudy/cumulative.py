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
    for j, window in enumerate(windows):  # a handful of windows, vectorised over pairs
        days = panel.day_mask(window)
        ar = fit.ar[:, days]
        missing = (~np.isfinite(ar)).sum(axis=1)
        complete = missing == 0
        car[:, j] = np.where(complete, ar.sum(axis=1), np.nan)
        variance[:, j] = np.where(complete, fit.window_variance(days), np.nan)
        firm = (1.0 + to_simple(panel.y[:, days], return_kind)).prod(axis=1)
        expected = (1.0 + to_simple(fit.expected[:, days], return_kind)).prod(axis=1)
        bhar[:, j] = np.where(complete, firm - expected, np.nan)
        n_days[:, j] = days.sum()
        n_missing[:, j] = missing
    return WindowSums(windows, car, variance, bhar, n_days, n_missing)
