"""CAR paths with confidence bands: a tidy table (:func:`car_paths`) and its plot.

A path cumulates abnormal returns from ``start`` to each relative day. For a group of
N >= 2 firms the band is mean CAR +/- t_(N-1) sd / sqrt(N) (cross-sectional); for a
single firm it is CAR +/- t_df sqrt(Var CAR) with the forecast-error variance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import special

from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy.engine import cross_sections
from deepseek_monday.eventstudy.parametric import mean_sd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from deepseek_monday.eventstudy.engine import EventStudyResult

Y_LABEL = "Cumulative abnormal return (%)"
X_LABEL = "Trading days relative to the event (own sessions)"


def _path_days(result: EventStudyResult, start: int | None, end: int | None) -> np.ndarray:
    panel = result.panel
    event_rel = panel.rel_days[panel.event_days]
    start = int(event_rel.min()) if start is None else start
    end = int(event_rel.max()) if end is None else end
    days = (panel.rel_days >= start) & (panel.rel_days <= end)
    if start > end or not days.any() or not panel.event_days[days].all():
        raise ParameterError(
            f"car_paths: start={start}, end={end} must span event-window days only "
            f"(the event windows cover {sorted(set(event_rel.tolist()))})"
        )
    return days


def _forecast_band(result: EventStudyResult, days: np.ndarray, level: float) -> np.ndarray:
    """Half-width of each firm's band on each path day (pairs x path days)."""
    positions = np.flatnonzero(days)
    half = np.empty((result.panel.n_pairs, positions.size))
    quantile = special.stdtrit(result.fit.df.astype(float), 0.5 + level / 2.0)  # Student t quantile
    for j, last in enumerate(positions):  # one window per path day, vectorised over firms
        window = days & (np.arange(days.size) <= last)
        half[:, j] = quantile * np.sqrt(result.fit.window_variance(window))
    return half


def car_paths(result: EventStudyResult, start: int | None = None, end: int | None = None,
              by: Literal["group", "symbol"] = "group", level: float = 0.95) -> pd.DataFrame:
    """Return CAR paths with ``level`` confidence bands, one row per path and relative day.

    ``by="group"``: equal-weighted mean CAR per group and event (columns group,
    event_date, rel_day, car, lower, upper, n_firms, band). ``by="symbol"``: one path per
    symbol and event. ``start``/``end`` default to the span of the event windows.
    """
    if by not in ("group", "symbol"):
        raise ParameterError(f"by: {by!r} is not 'group' or 'symbol'")
    if not 0.0 < level < 1.0:
        raise ParameterError(f"level: {level!r} must be a fraction between 0 and 1")
    days = _path_days(result, start, end)
    rel_days = result.panel.rel_days[days]
    paths = np.cumsum(result.fit.ar[:, days], axis=1)  # a missing day leaves NaN after it
    firm_half = _forecast_band(result, days, level)
    if by == "symbol":
        labels = result.panel.pairs[["symbol", "event_date", "group"]]
        mean, half, n = paths, firm_half, np.ones(paths.shape, dtype=int)
        band = np.full(paths.shape, "forecast error", dtype=object)
    else:
        labels = result.cells
        n_cells = len(labels)
        sections = cross_sections(paths, result.membership, n_cells)
        mean, sd, n = mean_sd(sections)
        with np.errstate(invalid="ignore", divide="ignore"):
            half = special.stdtrit(np.maximum(n - 1, 1), 0.5 + level / 2.0) * sd / np.sqrt(n)
        single = cross_sections(firm_half, result.membership, n_cells)[:, :, 0]
        half = np.where(n == 1, single, half)
        band = np.where(n == 1, "forecast error", "cross-sectional t").astype(object)
    n_days = rel_days.size
    table = pd.DataFrame({c: np.repeat(labels[c].to_numpy(), n_days) for c in labels.columns})
    table["rel_day"] = np.tile(rel_days, len(labels))
    table["car"] = mean.ravel()
    table["lower"] = (mean - half).ravel()
    table["upper"] = (mean + half).ravel()
    table["n_firms"] = n.ravel()
    table["band"] = band.ravel()
    table.attrs["level"] = level
    return table


def plot_car_paths(paths: pd.DataFrame, ax: Axes | None = None, title: str | None = None,
                   palette: dict[str, str] | None = None) -> Axes:
    """Draw CAR paths (from :func:`car_paths`) with their bands on ``ax``, in percent.

    One line per group (or symbol) and event date; a group line takes its colour from
    ``palette`` (group -> colour) when given, else matplotlib's cycle.
    """
    import matplotlib.pyplot as plt  # plotting only: the engine and car_paths do without matplotlib

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    palette = palette or {}
    by_symbol = "symbol" in paths.columns
    several_dates = paths["event_date"].nunique() > 1
    for (label, event_date), part in paths.groupby(["symbol" if by_symbol else "group",
                                                    "event_date"], sort=False):
        name = f"{label} ({event_date:%Y-%m-%d})" if several_dates else str(label)
        colour = None if by_symbol or several_dates else palette.get(label)
        (line,) = ax.plot(part["rel_day"], 100 * part["car"], marker="o", markersize=3,
                          label=name, color=colour)
        ax.fill_between(part["rel_day"], 100 * part["lower"], 100 * part["upper"],
                        color=line.get_color(), alpha=0.15, linewidth=0)
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.axvline(0.0, color="0.3", linewidth=0.8, linestyle="--")
    level = paths.attrs.get("level", 0.95)
    ax.set_title(title or f"Cumulative abnormal returns with {100 * level:g} % confidence bands")
    ax.set_xlabel(X_LABEL)
    ax.set_ylabel(Y_LABEL)
    ax.legend(fontsize="small", frameon=False)
    return ax
