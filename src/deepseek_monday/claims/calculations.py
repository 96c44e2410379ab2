"""Pure calculations behind the measures, on plain series (no file access).

Prices and returns are ``pd.Series`` indexed by ascending dates, holding only the
instrument's own rows (no NaN). Returns and shares are fractions (0.05 = 5 %); the
measures convert to the claim's unit. Functions raise :class:`NotCheckable` when the
series cannot answer (a date without a row, an empty window).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from deepseek_monday.claims.registry import NotCheckable

# Defined in the data layer so that the measures below the claims share it; re-exported for calc.X.
from deepseek_monday.data.prices import last_row_on_or_before as last_row_on_or_before


def row_on(series: pd.Series, date: pd.Timestamp, what: str = "series") -> float:
    """Return the value on ``date``; raise NotCheckable if the series has no row that day."""
    if date not in series.index or pd.isna(series.loc[date]):
        raise NotCheckable(f"the {what} has no value on {date:%Y-%m-%d}")
    return float(series.loc[date])


def return_between(prices: pd.Series, start: pd.Timestamp,
                   end: pd.Timestamp) -> tuple[float, pd.Timestamp, pd.Timestamp]:
    """Return the compounded return from the close on ``start`` to the close on ``end``.

    Each end is the last row on or before the given date (a window given in calendar
    dates may start or end on a non-trading day). Returns (return, base date, end date).
    """
    base = last_row_on_or_before(prices, start, "price series")
    last = last_row_on_or_before(prices, end, "price series")
    if last <= base:
        raise NotCheckable(f"the window {start:%Y-%m-%d}..{end:%Y-%m-%d} holds no trading day after its start")
    return float(prices.loc[last] / prices.loc[base] - 1), base, last


def move_from_previous_close(close: pd.Series, level: pd.Series, date: pd.Timestamp) -> float:
    """Return ``level`` on ``date`` (e.g. the day's low) relative to the previous row's close."""
    position = close.index.get_loc(date) if date in close.index else None
    if position is None or position == 0:
        raise NotCheckable(f"no session and previous close around {date:%Y-%m-%d}")
    return float(row_on(level, date, "intraday series") / close.iloc[position - 1] - 1)


def fall_rank(returns: pd.Series, date: pd.Timestamp) -> tuple[int, int]:
    """Return (rank, count): ``date``'s return among all returns, 1 = the largest fall (ties share the best rank)."""
    present = returns.dropna()
    today = row_on(present, date, "return series")
    return int((present < today).sum()) + 1, len(present)


def previous_larger_fall(returns: pd.Series, date: pd.Timestamp) -> pd.Timestamp | None:
    """Return the latest date before ``date`` with a return at or below the one on ``date``.

    None when the return on ``date`` is the worst in the series up to then.
    """
    today = row_on(returns, date, "return series")
    earlier = returns.loc[: date - pd.Timedelta(days=1)].dropna()
    worse = earlier[earlier <= today]
    return None if worse.empty else worse.index[-1]


def drawdown_from_high(prices: pd.Series, high_from: pd.Timestamp, high_to: pd.Timestamp,
                       at: pd.Timestamp) -> tuple[float, pd.Timestamp, pd.Timestamp]:
    """Return how far the price on (or last before) ``at`` lies below the high of a period.

    Returns (price / high - 1, date of the high, date of the price).
    """
    period = prices.loc[high_from:high_to].dropna()
    if period.empty:
        raise NotCheckable(f"no prices between {high_from:%Y-%m-%d} and {high_to:%Y-%m-%d}")
    high_date = period.idxmax()
    day = last_row_on_or_before(prices, at, "price series")
    return float(prices.loc[day] / period.max() - 1), high_date, day


def share_beyond(values: pd.Series, threshold: float, side: str) -> float:
    """Return the share of non-missing ``values`` strictly below or above ``threshold``."""
    if side not in ("below", "above"):
        raise ValueError(f"side must be 'below' or 'above', not {side!r}")
    present = values.dropna()
    if present.empty:
        raise NotCheckable("no values to count")
    hits = present < threshold if side == "below" else present > threshold
    return float(hits.mean())


def volatility_ratio(returns: pd.Series, date: pd.Timestamp, sessions: int) -> float:
    """Return the standard deviation of the ``sessions`` returns after ``date`` over the ``sessions`` before.

    The event day itself is in neither window.
    """
    own = returns.dropna()
    if date not in own.index:
        raise NotCheckable(f"no return on {date:%Y-%m-%d}")
    position = own.index.get_loc(date)
    before = own.iloc[max(0, position - sessions): position]
    after = own.iloc[position + 1: position + 1 + sessions]
    if len(before) < sessions or len(after) < sessions:
        raise NotCheckable(f"fewer than {sessions} returns on one side of {date:%Y-%m-%d}")
    return float(after.std() / before.std())


def worst_peak_to_trough(values: pd.Series) -> tuple[float, pd.Timestamp, pd.Timestamp]:
    """Return the largest fall from a running peak: (trough / peak - 1, peak date, trough date)."""
    present = values.dropna()
    if len(present) < 2:
        raise NotCheckable("fewer than two values")
    running_peak = present.cummax()
    falls = present / running_peak - 1
    trough = falls.idxmin()
    peak = present.loc[:trough].idxmax()
    return float(falls.min()), peak, trough


def gross_margin_ceiling(company_gross_profit: float, segment_revenue: float) -> float:
    """Return the highest gross margin a segment can have, given the company's gross profit.

    If no other segment makes a gross loss, the segment's gross profit is at most the
    company's, so its margin is at most ``company_gross_profit / segment_revenue`` (capped at 1).
    """
    if segment_revenue <= 0:
        raise ValueError("segment revenue must be positive")
    return float(min(1.0, company_gross_profit / segment_revenue))


def markup_ceiling(margin_ceiling: float) -> float:
    """Return the price-to-cost ratio matching a gross-margin ceiling (1 / (1 - margin))."""
    return float(np.inf) if margin_ceiling >= 1 else float(1 / (1 - margin_ceiling))


def market_value_loss(shares: float, previous_price: float, price: float) -> float:
    """Return shares x (previous price - price): the fall in market value (positive for a loss)."""
    return float(shares * (previous_price - price))


def implied_share_count(market_value: float, quoted_price: float) -> float:
    """Return the share count implied by a market value and the quoted (printed) price it was computed at."""
    if quoted_price <= 0:
        raise ValueError("the quoted price must be positive")
    return float(market_value / quoted_price)
