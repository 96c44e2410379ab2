"""The record and the concentration at printed levels: each company's largest one-day loss of market value,
the focus's own history of losses, and the largest companies' share of the S&P 500's value.

Only companies whose printed closes and cover share counts are both in the facts can be ranked
(:mod:`.levels`); the others are listed with the reason. The concentration needs prices of companies
for which the facts hold no printed close: their adjusted closes sit at or below the printed
ones (by the dividends paid since), so the share computed from them is a *lower bound*, and the
table says which price each company uses.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.data.facts import fundamentals, load_fundamentals
from deepseek_monday.errors import ParameterError
from deepseek_monday.measures.levels import (
    count_on,
    level_losses,
    outstanding_counts,
    price_level,
)

# The facts' ticker -> the snapshot's price symbol (Berkshire's listed class is B; Alphabet's
# three classes are all priced at the class A close, which the C shares trail by well under 1 %).
PRICE_SYMBOLS: dict[str, str] = {"BRK": "BRK-B"}
INDEX_TOTAL_METRIC = "index_total_market_cap"
INDEX_SYMBOL = "GSPC"


def tickers_with_counts() -> list[str]:
    """Return every ticker with a cover share count in the facts, in the facts' order."""
    rows = load_fundamentals()
    rows = rows[rows["metric"].str.startswith("shares_outstanding")]
    return list(dict.fromkeys(rows["ticker"]))


def company_record_losses(adjusted: Callable[[str], pd.Series], tickers: list[str]) -> tuple[pd.DataFrame,
                                                                                              pd.DataFrame]:
    """Return (each company's largest one-day loss at printed levels, ranked; the companies left out and why).

    ``adjusted(ticker)`` returns the ticker's adjusted closes. A company enters only where the facts
    hold a printed close (for the level) and a cover count within reach of the day.
    """
    ranked, left_out = [], []
    for ticker in tickers:
        try:
            series = adjusted(ticker)
            losses = level_losses(price_level(series, ticker), outstanding_counts(ticker), ticker)
            if losses.empty:
                raise NotCheckable(f"no {ticker} session lies within reach of a share count")
        except NotCheckable as reason:
            left_out.append({"ticker": ticker, "reason": str(reason)})
            continue
        top = losses.loc[losses["loss"].idxmax()]
        ranked.append({**top.to_dict(), "sessions": len(losses), "from": losses["date"].iloc[0],
                       "to": losses["date"].iloc[-1]})
    table = pd.DataFrame(ranked)
    if not table.empty:
        table = table.sort_values("loss", ascending=False).reset_index(drop=True)
        table.insert(0, "rank", range(1, len(table) + 1))
    return table, pd.DataFrame(left_out, columns=["ticker", "reason"])


def own_history(level: pd.Series, counts: pd.DataFrame, ticker: str, n: int = 10) -> pd.DataFrame:
    """Return the ``n`` largest one-day losses of one company at printed levels, ranked, with the sessions covered."""
    losses = level_losses(level, counts, ticker)
    if losses.empty:
        raise NotCheckable(f"no {ticker} session lies within reach of a share count")
    top = losses.nlargest(n, "loss").reset_index(drop=True)
    top.insert(0, "rank", range(1, len(top) + 1))
    top.attrs.update({"sessions": len(losses), "from": losses["date"].iloc[0], "to": losses["date"].iloc[-1]})
    return top


def own_loss_rank(level: pd.Series, counts: pd.DataFrame, ticker: str, date: pd.Timestamp) -> tuple[int, int]:
    """Return (rank, count) of the date's loss among the company's sessions with a count (1 = the largest)."""
    losses = level_losses(level, counts, ticker).set_index("date")["loss"]
    if date not in losses.index:
        raise NotCheckable(f"{ticker} has no loss at printed levels on {date:%Y-%m-%d}")
    return int((losses > losses.loc[date]).sum()) + 1, len(losses)


# ---------------------------------------------------------------- concentration


def index_total(date: pd.Timestamp) -> tuple[float, pd.Timestamp]:
    """Return the facts' S&P 500 total market value (USD) nearest ``date`` and its date.

    The latest total dated on or before ``date``; where the facts hold none that early, the earliest
    one after it (the caller carries it back by the index's move, :func:`rolled_total`).
    """
    try:
        rows = fundamentals(INDEX_SYMBOL, INDEX_TOTAL_METRIC, "USD")
    except ParameterError:
        raise NotCheckable("the facts hold no S&P 500 total market value") from None
    earlier = rows[rows["period_end"] <= date]
    chosen = earlier.iloc[-1] if not earlier.empty else rows.sort_values("period_end").iloc[0]
    return float(chosen["value"]), pd.Timestamp(chosen["period_end"])


def rolled_total(total: float, total_date: pd.Timestamp, index_closes: pd.Series, date: pd.Timestamp) -> float:
    """Return the total carried from ``total_date`` to ``date`` (forward or back) by the index's price change.

    Each date takes the index's last close on or before it.
    """
    own = index_closes.dropna()
    start, end = own.loc[:total_date], own.loc[:date]
    if start.empty or end.empty:
        raise NotCheckable("the index has no close to carry the total forward")
    return total * float(end.iloc[-1]) / float(start.iloc[-1])


def concentration(prices: Callable[[str], pd.Series], index_closes: pd.Series, tickers: list[str],
                  dates: list[pd.Timestamp]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (per company and date: count, price, basis, value; per date: sum, total, share, a lower bound).

    ``prices(ticker)`` returns the adjusted closes of the ticker's listed class. The price is the
    printed level where the facts give printed closes, else the adjusted close (a lower bound). The
    total is the facts' S&P 500 total nearest the date (:func:`index_total`), carried to it by the index.
    """
    rows = []
    for ticker in tickers:
        try:
            counts = outstanding_counts(ticker)
            series = prices(ticker).dropna()
        except (NotCheckable, KeyError):
            continue
        try:
            level, basis = price_level(series, ticker), "printed level"
        except NotCheckable:
            level, basis = series, "adjusted close (lower bound)"
        for date in dates:
            try:
                count = count_on(counts, date, ticker)
            except NotCheckable:
                rows.append({"ticker": ticker, "date": date, "shares": np.nan, "as_of": pd.NaT, "price": np.nan,
                             "basis": "no share count within reach", "value": np.nan})
                continue
            day = level.loc[:date]
            price = float(day.iloc[-1]) if not day.empty else np.nan
            rows.append({"ticker": ticker, "date": date, "shares": count.shares, "as_of": count.as_of,
                         "price": price, "basis": basis, "value": count.shares * price})
    companies = pd.DataFrame(rows)
    if companies.empty:
        raise NotCheckable("no company has both a share count and prices")
    summary = []
    for date in dates:
        total, total_date = index_total(date)
        carried = rolled_total(total, total_date, index_closes, date)
        day = companies[companies["date"] == date].dropna(subset=["value"])
        summary.append({"date": date, "companies": len(day), "value": float(day["value"].sum()),
                        "total_date": total_date, "total": carried, "share": float(day["value"].sum()) / carried,
                        "printed": int((day["basis"] == "printed level").sum())})
    return companies, pd.DataFrame(summary)
