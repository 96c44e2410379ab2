"""Part 3 of the bubble chapter, the *dot-com overlay*: each series rebased at its peak, drawdowns, levels a
year or two on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.chapters.bubble.constants import (
    DAYS_PER_YEAR,
    DOTCOM_INDEX,
    DOTCOM_STOCK,
    PRESENT_INDEX,
    SERIES_NAMES,
)
from deepseek_monday.chapters.bubble.data import ChapterData, company_name
from deepseek_monday.chapters.bubble.parameters import BubbleParameters
from deepseek_monday.chapters.bubble.valuation import dotcom_peak_date, pre_event_peak_date
from deepseek_monday.claims import calculations as calc


@dataclass(frozen=True)
class OverlaySeries:
    """One series of the overlay: symbol, label, era and the peak it is rebased at."""

    symbol: str
    label: str
    era: str
    role: str
    peak: pd.Timestamp


def overlay_series(data: ChapterData, params: BubbleParameters) -> list[OverlaySeries]:
    """Return the overlay's series: focus, Nasdaq-100 and the semiconductor ETF at their pre-event peaks;
    Cisco and the Nasdaq Composite at their dot-com peaks. ``role`` pairs comparable series."""
    present = [(params.focus, company_name(params.focus), "stock"), (PRESENT_INDEX, SERIES_NAMES[PRESENT_INDEX],
                                                                     "index"),
               (params.semiconductor_etf, SERIES_NAMES[params.semiconductor_etf], "semiconductors")]
    dotcom = [(DOTCOM_STOCK, SERIES_NAMES[DOTCOM_STOCK], "stock"), (DOTCOM_INDEX, SERIES_NAMES[DOTCOM_INDEX], "index")]
    series = [OverlaySeries(s, label, "AI era", role, pre_event_peak_date(data.prices[s], params))
              for s, label, role in present]
    series += [OverlaySeries(s, label, "dot-com era", role, dotcom_peak_date(data.prices[s], params))
               for s, label, role in dotcom]
    return series


def rebase_at_peak(prices: pd.Series, peak: pd.Timestamp, years: int) -> pd.DataFrame:
    """Return a series rebased at its peak (1 = peak) for ``years`` after it.

    Columns: date, years since the peak (calendar days / 365.25), level (price / peak price)
    and drawdown (level / running maximum - 1). Ends early where the data end.
    """
    own = prices.dropna()
    window = own.loc[peak: peak + pd.DateOffset(years=years)]
    level = window / calc.row_on(own, peak, "price series")
    return pd.DataFrame({"date": window.index, "years": (window.index - peak).days / DAYS_PER_YEAR,
                         "level": level.to_numpy(), "drawdown": (level / level.cummax() - 1).to_numpy()})


def overlay_paths(data: ChapterData, series: list[OverlaySeries], years: int) -> pd.DataFrame:
    """Return every overlay series rebased at its peak, long: one row per series and date."""
    parts = [rebase_at_peak(data.prices[s.symbol], s.peak, years).assign(symbol=s.symbol, label=s.label, era=s.era,
                                                                          role=s.role)
             for s in series]
    return pd.concat(parts, ignore_index=True)


def level_after(prices: pd.Series, peak: pd.Timestamp, years: int) -> tuple[float, pd.Timestamp | None]:
    """Return the level (price / peak price) ``years`` after the peak, on the last row on or before that date.

    (NaN, None) when the data end before that date.
    """
    own = prices.dropna()
    target = peak + pd.DateOffset(years=years)
    if own.index[-1] < target:
        return np.nan, None
    day = calc.last_row_on_or_before(own, target, "price series")
    return float(own.loc[day] / own.loc[peak]), day


def overlay_summary(data: ChapterData, series: list[OverlaySeries], years: int) -> pd.DataFrame:
    """Return per overlay series: peak, level one and two years on, lowest level and largest drawdown."""
    rows = []
    for item in series:
        prices = data.prices[item.symbol]
        path = rebase_at_peak(prices, item.peak, years).set_index("date")
        one, _ = level_after(prices, item.peak, 1)
        two, _ = level_after(prices, item.peak, 2)
        drawdown, _, trough = calc.worst_peak_to_trough(path["level"])
        rows.append({"series": item.label, "era": item.era, "peak": item.peak,
                     "peak_level": float(prices.loc[item.peak]), "after_1y": one, "after_2y": two,
                     "lowest": float(path["level"].min()), "lowest_on": path["level"].idxmin(),
                     "max_drawdown": drawdown, "drawdown_trough": trough, "data_end": path.index[-1],
                     "symbol": item.symbol})
    return pd.DataFrame(rows).set_index("symbol")
