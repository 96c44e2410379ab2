"""Price levels of the sanctions chapter: the timeline's series rebased at a common start, and each series'
return over a span."""

from __future__ import annotations

import numpy as np
import pandas as pd

from deepseek_monday.chapters.sanctions.parameters import (
    MARKET,
    TIMELINE_CHINA,
    TIMELINE_LEAD_DAYS,
    TIMELINE_US,
    SanctionsParameters,
)
from deepseek_monday.data.calendars import sessions
from deepseek_monday.data.prices import price_panel
from deepseek_monday.data.universe import load_universe
from deepseek_monday.present.tables import readable


def last_on_or_before(series: pd.Series, date: pd.Timestamp, strictly: bool = False) -> pd.Timestamp | None:
    """Return the date of the series' last row on (or, ``strictly``, before) ``date``; None if none."""
    own = series.dropna()
    earlier = own.index[own.index < date] if strictly else own.index[own.index <= date]
    return earlier[-1] if len(earlier) else None


def rebase(prices: pd.DataFrame, base: pd.Timestamp, strictly: bool = False) -> pd.DataFrame:
    """Return each price series divided by its own last price on (``strictly``: before) ``base``.

    Rows before the base are dropped; a series with no price by then is all NaN. Nothing is filled.
    """
    levels = {}
    for symbol in prices.columns:
        series = prices[symbol]
        day = last_on_or_before(series, base, strictly)
        levels[symbol] = series.loc[day:] / series.loc[day] if day is not None else series * np.nan
    frame = pd.DataFrame(levels).reindex(columns=prices.columns)
    start = frame.apply(lambda column: column.first_valid_index()).dropna()
    return frame.loc[start.min():] if not start.empty else frame


def timeline_start(params: SanctionsParameters) -> pd.Timestamp:
    """Return the first date the timeline shows: a month before the first milestone or the event day."""
    first = min(params.controls["day0"].min(), params.event_date)
    return first - pd.Timedelta(days=TIMELINE_LEAD_DAYS)


def timeline_base(params: SanctionsParameters) -> pd.Timestamp:
    """Return the timeline's base: the last NYSE session before the first milestone's day 0.

    The figure's levels and the table of returns since the first milestone both start from each
    series' last close before that day 0 (for Hong Kong names, on their own calendar).
    """
    market = sessions(MARKET)
    return market[market.get_loc(params.controls["day0"].min()) - 1]


def timeline_levels(params: SanctionsParameters) -> pd.DataFrame:
    """Return the timeline's price series from :func:`timeline_start` on, each divided by its close at the base.

    The base is each series' last close before the first milestone's day 0, as in
    :func:`timeline_returns`; a series without a close by then is all NaN. Adjusted closes.
    """
    prices = price_panel(list(dict.fromkeys((*TIMELINE_US, *TIMELINE_CHINA))))
    first_milestone = params.controls["day0"].min()
    levels = {}
    for symbol in prices.columns:
        series = prices[symbol]
        day = last_on_or_before(series, first_milestone, strictly=True)
        levels[symbol] = series / series.loc[day] if day is not None else series * np.nan
    frame = pd.DataFrame(levels).reindex(columns=prices.columns).loc[timeline_start(params):]
    return frame.dropna(how="all")


def hong_kong_end_note(levels: pd.DataFrame) -> str:
    """Say where the timeline's Hong Kong series end (see :func:`series_end_note`)."""
    return series_end_note(levels, tuple(s for s in TIMELINE_CHINA if s.endswith(".HK")))


def series_end_note(levels: pd.DataFrame, symbols: tuple[str, ...]) -> str:
    """Say where the data of ``symbols`` end when they stop before the chart does: "whose data end on 22 May 2025"."""
    present = [s for s in symbols if s in levels.columns and levels[s].notna().any()]
    ends = {s: levels[s].last_valid_index() for s in present}
    early = {s: end for s, end in ends.items() if end < levels.index[-1]}
    if not early:
        return "whose data run to the end of the chart"
    dates = sorted(set(early.values()))
    if len(dates) == 1 and len(early) == len(present):
        return f"whose data end on {dates[0]:%-d %B %Y}"
    return "whose data end early: " + ", ".join(f"{s} on {end:%-d %B %Y}" for s, end in early.items())


def returns_over(prices: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp | None = None,
                 strictly: bool = True) -> pd.DataFrame:
    """Return each series' return from its last close before ``start`` to its last close by ``end``.

    Columns: base_date, end_date, return. ``end`` None: each series' own last row.
    """
    rows = []
    for symbol in prices.columns:
        series = prices[symbol].dropna()
        base = last_on_or_before(series, start, strictly=strictly)
        last = series.index[-1] if end is None else last_on_or_before(series, end)
        if base is None or last is None or last <= base:
            rows.append((symbol, base, last, np.nan))
            continue
        rows.append((symbol, base, last, float(series.loc[last] / series.loc[base] - 1)))
    table = pd.DataFrame(rows, columns=["symbol", "base_date", "end_date", "return"]).set_index("symbol")
    return table


def timeline_returns(params: SanctionsParameters) -> pd.DataFrame:
    """Return each timeline series' return from the close before the first milestone to its last close."""
    prices = price_panel(list(dict.fromkeys((*TIMELINE_US, *TIMELINE_CHINA))))
    table = returns_over(prices, params.controls["day0"].min())
    names = load_universe().loc[table.index, "name"]
    return table.assign(name=names)[["name", "base_date", "end_date", "return"]]


def display_timeline_returns(table: pd.DataFrame) -> pd.DataFrame:
    """Return the timeline returns for readers, in percent; the base close is the figure's base."""
    shown = pd.DataFrame({
        "Symbol": table.index, "Name": table["name"].to_numpy(),
        "Base close (before the first milestone)": table["base_date"].dt.strftime("%Y-%m-%d").to_numpy(),
        "Last close": table["end_date"].dt.strftime("%Y-%m-%d").to_numpy(),
        "Return since the base close (%)": 100 * table["return"].to_numpy(),
    })
    return readable(shown, decimals=1, index="Symbol")
