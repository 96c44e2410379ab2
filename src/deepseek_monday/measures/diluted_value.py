"""A stock's market value from its annual weighted diluted share count and its adjusted close, and how far
that approximation is off the facts' fiscal-year-end market values.

*Market value* = annual weighted diluted share count x adjusted close. The count is the latest one of a
fiscal year ended before the date, used for at most :data:`SHARE_COUNT_VALID_DAYS` after that year's end.
ADRs are left out: the facts count the company's ordinary shares, and the ADR ratio is not in the data.
No level the book quotes uses it: market values, price-to-sales and dollar losses use printed closes and
cover counts (:mod:`deepseek_monday.measures.levels`); :func:`largest_approximation_error` says how far this
approximation is off where the facts give a value to compare. Used by the bubble chapter (its record).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.data.facts import fundamentals
from deepseek_monday.data.prices import last_row_on_or_before
from deepseek_monday.data.universe import company_name
from deepseek_monday.errors import NotCheckable, ParameterError

# A share count is used for dates up to two years after its fiscal year ended.
SHARE_COUNT_VALID_DAYS = 731
# Markers in the universe's names of listings whose share count the facts do not give.
ADR_MARKERS = ("(ADR)", "(ADS)", "NY registry shares")


@dataclass(frozen=True)
class ShareCount:
    """The share count a market value uses: shares, and the fiscal year it comes from."""

    shares: float
    fiscal_period: str
    period_end: pd.Timestamp

    def describe(self) -> str:
        """Say which count this is, as the claims ledger does."""
        return (f"{self.shares / 1e6:,.0f} m weighted diluted shares ({self.fiscal_period}, "
                f"ended {self.period_end:%Y-%m-%d})")


def share_count_schedule(ticker: str) -> pd.DataFrame:
    """Return a ticker's annual weighted diluted share counts (shares), oldest first.

    Raises NotCheckable for an ADR (the facts count ordinary shares) or a ticker without counts.
    """
    name = company_name(ticker)
    if any(marker in name for marker in ADR_MARKERS):
        raise NotCheckable(f"{ticker} is a depositary listing; the facts count the company's ordinary shares and the "
                           "ADR ratio is not in the data")
    try:
        rows = fundamentals(ticker, "diluted_shares_weighted", "shares")
    except ParameterError:
        raise NotCheckable(f"the facts hold no share count for {ticker}") from None
    rows = rows.drop_duplicates("fiscal_period").sort_values("period_end")
    return rows[["fiscal_period", "period_end", "value"]].rename(columns={"value": "shares"}).reset_index(drop=True)


def share_count(ticker: str, date: pd.Timestamp) -> ShareCount:
    """Return the share count for ``date``: the latest of a fiscal year ended before it (at most two years old)."""
    schedule = share_count_schedule(ticker)
    earlier = schedule[schedule["period_end"] < date]
    if earlier.empty:
        raise NotCheckable(f"no {ticker} share count for a fiscal year ended before {date:%Y-%m-%d}")
    latest = earlier.iloc[-1]
    if (date - latest["period_end"]).days > SHARE_COUNT_VALID_DAYS:
        raise NotCheckable(f"the latest {ticker} share count before {date:%Y-%m-%d} ({latest['fiscal_period']}) "
                           f"is more than {SHARE_COUNT_VALID_DAYS} days old")
    return ShareCount(float(latest["shares"]), str(latest["fiscal_period"]), pd.Timestamp(latest["period_end"]))


def shares_on(dates: pd.DatetimeIndex, schedule: pd.DataFrame) -> pd.Series:
    """Return the share count that applies on each date (NaN where none does), by :func:`share_count`'s rule."""
    ends = pd.DatetimeIndex(schedule["period_end"])
    position = ends.searchsorted(dates, side="left") - 1
    values = schedule["shares"].to_numpy(dtype=float)
    shares = np.where(position >= 0, values[np.clip(position, 0, None)], np.nan)
    age = (dates - ends[np.clip(position, 0, None)]).days
    shares = np.where(np.asarray(age) > SHARE_COUNT_VALID_DAYS, np.nan, shares)
    return pd.Series(shares, index=dates, name="shares")


def market_value(prices: pd.Series, ticker: str) -> pd.Series:
    """Return the daily market value (USD) of ``ticker``: share count x adjusted close; NaN where no count applies."""
    own = prices.dropna()
    return (shares_on(own.index, share_count_schedule(ticker)) * own).rename(ticker)


# ---------------------------------------------------------------- approximations of market value


def market_value_approximations(ticker: str, prices: pd.Series) -> pd.DataFrame:
    """Return, per fiscal year with a market value in the facts, how our two approximations compare.

    The facts' fiscal-year-end market value over their split-adjusted price gives the implied
    share count; against it the weighted diluted count and the snapshot's adjusted close (last
    row on or before the year end) show how far each approximation is off, and ``value_gap``
    how far the two together put our market value from the facts' (fractions).
    """
    try:
        caps = fundamentals(ticker, "market_cap", "USD")
        quoted = fundamentals(ticker, "close_price_split_adjusted", "USD")
    except ParameterError:
        raise NotCheckable(f"the facts give no fiscal-year-end market value and price for {ticker}") from None
    schedule = share_count_schedule(ticker).set_index("fiscal_period")
    table = caps.set_index("fiscal_period")[["period_end", "value"]].rename(columns={"value": "market_value"})
    table["quoted_price"] = quoted.set_index("fiscal_period")["value"]
    table["implied_shares"] = table["market_value"] / table["quoted_price"]
    table["diluted_shares"] = schedule["shares"]
    table["count_gap"] = table["diluted_shares"] / table["implied_shares"] - 1
    own = prices.dropna()
    table["adjusted_close"] = [float(own.loc[last_row_on_or_before(own, end)]) for end in table["period_end"]]
    table["price_gap"] = table["adjusted_close"] / table["quoted_price"] - 1
    table["value_gap"] = table["diluted_shares"] * table["adjusted_close"] / table["market_value"] - 1
    return table


@dataclass(frozen=True)
class ApproximationError:
    """The largest gap between our market value and the facts' fiscal-year-end value, and where it is."""

    gap: float
    fiscal_period: str
    years: int


def largest_approximation_error(ticker: str, prices: pd.Series) -> ApproximationError:
    """Return the largest absolute ``value_gap`` of :func:`market_value_approximations` (a fraction)."""
    gaps = market_value_approximations(ticker, prices)["value_gap"].dropna()
    if gaps.empty:
        raise NotCheckable(f"the facts give no fiscal-year-end market value to check {ticker}'s against")
    worst = gaps.abs().idxmax()
    return ApproximationError(float(abs(gaps[worst])), str(worst), len(gaps))
