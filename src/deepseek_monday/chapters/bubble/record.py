"""Part 1 of the bubble chapter, *the record*: how the focus stock's event-day fall ranks in its own
history and in the universe, and the largest falls of the indices; and how far the approximations of
market value are off.

Dollar levels (the event-day loss of market value, each company's largest loss) are never taken from
here: they come from printed closes and cover share counts (:mod:`deepseek_monday.chapters.bubble.market`).
:mod:`deepseek_monday.measures.diluted_value` (annual weighted diluted count x adjusted close) holds the
claims ledger's approximation and measures how far it is off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from deepseek_monday.chapters.bubble.constants import (
    HISTORY_INDICES,
    REVERSAL_TOLERANCE,
)
from deepseek_monday.chapters.bubble.data import ChapterData
from deepseek_monday.chapters.bubble.parameters import BubbleParameters
from deepseek_monday.claims import calculations as calc
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.data.spikes import without_flagged
from deepseek_monday.data.universe import load_universe
from deepseek_monday.eventstudy import EventStudyResult
from deepseek_monday.measures.event_day import event_day_returns
from deepseek_monday.measures.stock_study import market_model_study
from deepseek_monday.present.wording import flagged_sentence


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


def focus_event_study(data: ChapterData, params: BubbleParameters) -> EventStudyResult:
    """Run :func:`market_model_study` of the focus stock against the benchmark on the event date."""
    return market_model_study(data.returns, params.focus, params.benchmark, params.event_date)


# ---------------------------------------------------------------- approximations of market value


def records_flagged_sentence() -> str:
    """Return the sentence naming the suspected bad prints left out of the index records (or saying there are none)."""
    return (flagged_sentence(list(HISTORY_INDICES), HISTORY_INDICES)
            or "No day of these indices is flagged as a suspected bad print.")
