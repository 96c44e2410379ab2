"""Part 1 of the bubble chapter, *the record*: how the focus stock's event-day fall ranks in its own
history and in the universe, and the largest falls of the indices; and how far the approximations of
market value are off.

Dollar levels (the event-day loss of market value, each company's largest loss) are never taken from
here: they come from printed closes and cover share counts (:mod:`deepseek_monday.chapters.bubble.market`).
:func:`market_value` (annual weighted diluted count x adjusted close) is the claims ledger's
approximation, kept for its ratios and for measuring how far the approximation is off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.chapters.bubble.constants import (
    ADR_MARKERS,
    EVENT_WINDOWS,
    HISTORY_INDICES,
    REVERSAL_TOLERANCE,
    SHARE_COUNT_VALID_DAYS,
)
from deepseek_monday.chapters.bubble.data import ChapterData, company_name
from deepseek_monday.chapters.bubble.parameters import BubbleParameters
from deepseek_monday.chapters.overview.analysis import event_day_returns
from deepseek_monday.claims import calculations as calc
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.data.facts import fundamentals
from deepseek_monday.data.spikes import flagged_sentence, without_flagged
from deepseek_monday.data.universe import load_universe
from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy import EventStudyResult, run_event_study


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
    """Return the share count for ``date``: the latest of a fiscal year ended before it (at most two years old).

    For Nvidia this is the claims ledger's count (:func:`deepseek_monday.claims.measures.nvidia_shares`).
    """
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


def largest_falls(prices: pd.Series, returns: pd.Series, n: int = 5) -> pd.DataFrame:
    """Return the ``n`` largest one-day falls with the closes around them.

    ``undone_next_day`` flags a fall whose next close is back within :data:`REVERSAL_TOLERANCE`
    of the previous close (or above it). That is what a real crash and rebound look like, but
    also what a bad print in the source looks like; daily closes cannot tell the two apart.
    """
    own = prices.dropna()
    present = returns.reindex(own.index)
    previous, following = own.shift(1), own.shift(-1)
    table = pd.DataFrame({"previous_close": previous, "close": own, "return": present,
                          "next_close": following})
    table["undone_next_day"] = table["next_close"] / table["previous_close"] - 1 > -REVERSAL_TOLERANCE
    table = table.dropna(subset=["return"]).nsmallest(n, "return")
    table.index.name = "date"
    return table


def index_records(data: ChapterData, n: int = 5) -> pd.DataFrame:
    """Return the ``n`` largest one-day falls of each history index, and the event day's rank."""
    parts = []
    ranked = without_flagged(data.returns[list(HISTORY_INDICES)])  # suspected bad prints are never records
    for symbol, name in HISTORY_INDICES.items():
        falls = largest_falls(data.prices[symbol], ranked[symbol], n).reset_index()
        falls.insert(0, "index", name)
        falls.insert(1, "rank", range(1, len(falls) + 1))
        parts.append(falls)
    return pd.concat(parts, ignore_index=True)


def event_day_index_ranks(data: ChapterData, event_date: pd.Timestamp) -> pd.DataFrame:
    """Return each history index's event-day return and its rank among all its daily falls."""
    rows = []
    ranked = without_flagged(data.returns[list(HISTORY_INDICES)])
    for symbol, name in HISTORY_INDICES.items():
        series = ranked[symbol]
        first, last = series.dropna().index[[0, -1]]
        try:
            rank, count = calc.fall_rank(series, event_date)
            value = float(series.loc[event_date])
        except NotCheckable:
            rank, count, value = None, len(series.dropna()), np.nan
        rows.append({"index": name, "symbol": symbol, "return": value, "rank": rank, "sessions": count,
                     "from": first, "to": last})
    return pd.DataFrame(rows).set_index("index")


def universe_stock_ranking(data: ChapterData, event_date: pd.Timestamp) -> pd.DataFrame:
    """Return the event-day return of every US-listed stock of the universe, worst first, with its rank."""
    table = event_day_returns(data.returns, event_date)
    stocks = table[(table["kind"] == "stock")].dropna(subset=["return"]).sort_values("return")
    stocks = stocks[stocks.index.isin(load_universe().index[load_universe()["calendar"] == "XNYS"])]
    stocks = stocks.assign(rank=np.arange(1, len(stocks) + 1))
    return stocks[["name", "group", "return", "rank"]]


def market_model_study(returns: pd.DataFrame, focus: str, benchmark: str, event_date: pd.Timestamp) -> EventStudyResult:
    """Run the market-model event study of one stock around one date (engine defaults otherwise).

    With a single event no estimation day falls in another event's window, so nothing is masked.
    """
    return run_event_study(returns[[focus, benchmark]], [event_date], symbols=[focus], model="market",
                           benchmark=benchmark, event_windows=EVENT_WINDOWS, pooled_group=None)


def focus_event_study(data: ChapterData, params: BubbleParameters) -> EventStudyResult:
    """Run :func:`market_model_study` of the focus stock against the benchmark on the event date."""
    return market_model_study(data.returns, params.focus, params.benchmark, params.event_date)


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
    table["adjusted_close"] = [float(own.loc[calc.last_row_on_or_before(own, end)]) for end in table["period_end"]]
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


def records_flagged_sentence() -> str:
    """Return the sentence naming the suspected bad prints left out of the index records (or saying there are none)."""
    return (flagged_sentence(list(HISTORY_INDICES), HISTORY_INDICES)
            or "No day of these indices is flagged as a suspected bad print.")
