"""Part 4 of the bubble chapter, *concentration and volatility*: market values where share counts exist;
realised volatility against the benchmark and the VIX."""

from __future__ import annotations

import numpy as np
import pandas as pd

from deepseek_monday.chapters.bubble.constants import MEGACAP_GROUP, TRADING_DAYS_PER_YEAR, VOLATILITY_INDEX
from deepseek_monday.chapters.bubble.data import ChapterData
from deepseek_monday.chapters.bubble.parameters import BubbleParameters
from deepseek_monday.claims import calculations as calc
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.data.calendars import sessions
from deepseek_monday.data.universe import load_universe
from deepseek_monday.measures.diluted_value import market_value


def share_count_coverage(data: ChapterData) -> pd.DataFrame:
    """Return per equity group of US-listed stocks: how many stocks, and which have a usable share count."""
    universe = load_universe()
    stocks = universe[(universe["kind"] == "stock") & (universe["calendar"] == "XNYS")]
    rows = []
    for group, members in stocks.groupby("group", sort=False):
        usable = []
        for ticker in members.index:
            try:
                if market_value(data.prices[ticker], ticker).notna().any():
                    usable.append(ticker)
            except NotCheckable:
                continue
        rows.append({"group": group, "stocks": len(members), "with_share_count": len(usable),
                     "tickers": ", ".join(usable) if usable else "none"})
    return pd.DataFrame(rows).set_index("group")


def megacap_share(data: ChapterData) -> pd.Series:
    """Return the megacaps' share of the universe's total market value, per date.

    Needs a market value for every stock on a date; raises NotCheckable naming the stocks without one.
    """
    universe = load_universe()
    stocks = universe.index[(universe["kind"] == "stock") & (universe["calendar"] == "XNYS")]
    values, missing = {}, []
    for ticker in stocks:
        try:
            values[ticker] = market_value(data.prices[ticker], ticker)
        except NotCheckable:
            missing.append(ticker)
    if missing:
        megacaps = [t for t in missing if universe.at[t, "group"] == MEGACAP_GROUP]
        raise NotCheckable(f"{len(missing)} of the universe's {len(stocks)} US-listed stocks have no usable share "
                           f"count in the facts, among them the megacaps {', '.join(megacaps) or 'none'}; the "
                           "total market value, and so any share of it, cannot be computed")
    frame = pd.DataFrame(values).dropna()
    members = [t for t in frame.columns if universe.at[t, "group"] == MEGACAP_GROUP]
    return frame[members].sum(axis=1) / frame.sum(axis=1)


def market_values(data: ChapterData, tickers: list[str]) -> pd.DataFrame:
    """Return the daily market values (USD) of ``tickers``, wide; tickers without a share count are left out."""
    columns = {}
    for ticker in tickers:
        try:
            columns[ticker] = market_value(data.prices[ticker], ticker)
        except NotCheckable:
            continue
    return pd.DataFrame(columns).dropna(how="all")


def realised_volatility(returns: pd.Series, window: int) -> pd.Series:
    """Return the annualised rolling standard deviation of daily returns over ``window`` of the series' own rows."""
    own = returns.dropna()
    return (own.rolling(window, min_periods=window).std() * np.sqrt(TRADING_DAYS_PER_YEAR)).rename(returns.name)


def volatility_around(data: ChapterData, params: BubbleParameters) -> pd.DataFrame:
    """Return realised volatility of focus and benchmark and the VIX (as a fraction) around the event.

    From ``context_days`` sessions before to ``context_days`` after the event (fewer where the data end).
    """
    market = sessions("XNYS")
    position = market.get_loc(params.event_date)
    start, end = market[position - params.context_days], market[position + params.context_days]
    frame = pd.DataFrame({
        params.focus: realised_volatility(data.returns[params.focus], params.volatility_window),
        params.benchmark: realised_volatility(data.returns[params.benchmark], params.volatility_window),
        VOLATILITY_INDEX: data.prices[VOLATILITY_INDEX] / 100,
    })
    return frame.loc[start:end].dropna(how="all")


def volatility_summary(data: ChapterData, params: BubbleParameters) -> pd.DataFrame:
    """Return realised volatility (annualised) in the ``volatility_window`` sessions before and after the event.

    The event day is in neither window; the ratio is the ledger's ``volatility_ratio`` (NaN
    where the data end too soon after the event). ``from_event`` covers the event day and the
    sessions after it, ``volatility_window`` in all: the span of the figure's rolling line
    ``volatility_window - 1`` sessions after the event.
    """
    rows = []
    window = params.volatility_window
    for symbol in (params.focus, params.benchmark):
        own = data.returns[symbol].dropna()
        position = own.index.get_loc(params.event_date)
        before = own.iloc[max(0, position - window): position]
        after = own.iloc[position + 1: position + 1 + window]
        from_event = own.iloc[position: position + window]
        try:
            ratio = calc.volatility_ratio(own, params.event_date, window)
        except NotCheckable:
            ratio = np.nan
        rows.append({"series": symbol, "before": before.std() * np.sqrt(TRADING_DAYS_PER_YEAR),
                     "after": after.std() * np.sqrt(TRADING_DAYS_PER_YEAR) if len(after) == window else np.nan,
                     "from_event": (from_event.std() * np.sqrt(TRADING_DAYS_PER_YEAR) if len(from_event) == window
                                    else np.nan),
                     "ratio": ratio})
    return pd.DataFrame(rows).set_index("series")


def vix_sentence(data: ChapterData, params: BubbleParameters) -> str:
    """Say where the VIX (points) closed before, on and after the event, or why the data cannot say.

    "After" is its highest close in the ``volatility_window`` sessions following the event
    (fewer where the data end).
    """
    vix = data.prices[VOLATILITY_INDEX].dropna()
    if params.event_date not in vix.index:
        return (f"The VIX has no close on the event day in the snapshot (its series runs "
                f"{vix.index[0]:%-d %B %Y} to {vix.index[-1]:%-d %B %Y}).")
    position = vix.index.get_loc(params.event_date)
    later = vix.iloc[position + 1: position + 1 + params.volatility_window]
    text = (f"The VIX closed at {vix.iloc[position - 1]:.2f} on the session before the event and "
            f"{vix.iloc[position]:.2f} on the event day")
    if later.empty:
        return text + "; the snapshot has no later closes."
    return text + f"; its highest close in the following sessions was {later.max():.2f} ({later.idxmax():%-d %B %Y})."
