"""Part 1 of the bubble chapter, *the record*: the focus stock's loss of market value on the event day, how
that fall ranks in its own history and in the universe, and the largest falls of the indices.

Market values here are annual weighted diluted share counts x adjusted closes, by the convention of
:mod:`deepseek_monday.measures.diluted_value` (shared with the claims ledger and the sanctions chapter; that
module also says how far the approximation is off); the loss on a day is the ledger's calculation
(:func:`deepseek_monday.claims.calculations.market_value_loss`), so the chapter and the ledger cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.chapters.bubble.constants import HISTORY_INDICES, REVERSAL_TOLERANCE
from deepseek_monday.chapters.bubble.data import ChapterData, company_name
from deepseek_monday.chapters.bubble.parameters import BubbleParameters
from deepseek_monday.claims import calculations as calc
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.data.spikes import flagged_sentence, without_flagged
from deepseek_monday.data.universe import load_universe
from deepseek_monday.eventstudy import EventStudyResult
from deepseek_monday.measures.diluted_value import ShareCount, market_value, share_count, value_changes
from deepseek_monday.measures.event_day import event_day_returns
from deepseek_monday.measures.stock_study import market_model_study


@dataclass(frozen=True)
class DayLoss:
    """A stock's fall on one session: prices, return and (where a share count exists) market value lost."""

    ticker: str
    date: pd.Timestamp
    previous_date: pd.Timestamp
    previous_close: float
    close: float
    change: float
    shares: ShareCount | None
    loss: float | None
    why_no_value: str = ""


def day_loss(prices: pd.Series, ticker: str, date: pd.Timestamp) -> DayLoss:
    """Return the focus stock's move on ``date`` against the previous row, and its market-value loss (USD).

    The loss is the ledger's: ``calc.market_value_loss(shares, previous close, close)``.
    """
    own = prices.dropna()
    close = calc.row_on(own, date, f"{ticker} price")
    position = own.index.get_loc(date)
    if position == 0:
        raise NotCheckable(f"{ticker} has no row before {date:%Y-%m-%d}")
    previous = float(own.iloc[position - 1])
    try:
        count = share_count(ticker, date)
    except NotCheckable as reason:
        return DayLoss(ticker, date, own.index[position - 1], previous, close, close / previous - 1, None, None,
                       str(reason))
    loss = calc.market_value_loss(count.shares, previous, close)
    return DayLoss(ticker, date, own.index[position - 1], previous, close, close / previous - 1, count, loss)


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


def _stocks_in(data: ChapterData) -> list[str]:
    """Return the chapter's symbols that are stocks of the universe."""
    universe = load_universe()
    return [s for s in data.prices.columns if s in universe.index and universe.at[s, "kind"] == "stock"]


def value_losses(data: ChapterData) -> pd.DataFrame:
    """Return every one-day market-value loss (USD; negative for a gain) we can compute, long.

    Covers the universe's stocks whose share count the facts hold (not ADRs), on the dates a
    count applies. Columns: ticker, name, date, return, loss.
    """
    parts = []
    for ticker in _stocks_in(data):
        try:
            changes = value_changes(data.prices[ticker], data.returns[ticker], ticker).dropna()
        except NotCheckable:
            continue
        parts.append(pd.DataFrame({"ticker": ticker, "name": company_name(ticker), "date": changes.index,
                                   "return": data.returns[ticker].reindex(changes.index).to_numpy(),
                                   "loss": -changes.to_numpy()}))
    if not parts:
        raise NotCheckable("no stock of the universe has a share count in the facts")
    return pd.concat(parts, ignore_index=True)


def value_loss_records(losses: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Return the ``n`` largest one-day market-value losses of :func:`value_losses`, ranked."""
    top = losses.nlargest(n, "loss").reset_index(drop=True)
    top.insert(0, "rank", range(1, len(top) + 1))
    return top


def largest_loss_per_stock(losses: pd.DataFrame) -> pd.DataFrame:
    """Return each stock's largest one-day market-value loss, largest first."""
    rows = losses.loc[losses.groupby("ticker")["loss"].idxmax()]
    return rows.sort_values("loss", ascending=False).reset_index(drop=True)


def value_loss_coverage(data: ChapterData) -> pd.DataFrame:
    """Return, per stock with a share count, the dates its market value can be computed."""
    rows = []
    for ticker in _stocks_in(data):
        try:
            value = market_value(data.prices[ticker], ticker).dropna()
        except NotCheckable:
            continue
        if not value.empty:
            rows.append({"ticker": ticker, "from": value.index[0], "to": value.index[-1], "sessions": len(value)})
    return pd.DataFrame(rows).set_index("ticker").sort_values("from")


def own_value_loss_rank(data: ChapterData, ticker: str, date: pd.Timestamp) -> tuple[int, int]:
    """Return (rank, count) of the date's market-value loss among the stock's own sessions with a share count."""
    changes = value_changes(data.prices[ticker], data.returns[ticker], ticker).dropna()
    losses = -changes
    today = calc.row_on(losses, date, f"{ticker} market-value change")
    return int((losses > today).sum()) + 1, len(losses)


def focus_event_study(data: ChapterData, params: BubbleParameters) -> EventStudyResult:
    """Run :func:`market_model_study` of the focus stock against the benchmark on the event date."""
    return market_model_study(data.returns, params.focus, params.benchmark, params.event_date)


def records_flagged_sentence() -> str:
    """Return the sentence naming the suspected bad prints left out of the index records (or saying there are none)."""
    return (flagged_sentence(list(HISTORY_INDICES), HISTORY_INDICES)
            or "No day of these indices is flagged as a suspected bad print.")
