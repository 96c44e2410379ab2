"""The event day across the universe: each instrument's return, the group averages, the headline indices
and the breadth of the move. Shared by the overview, the bubble, the software and the cross-event chapters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.data.prices import load_snapshot, price_panel
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.data.universe import GROUPS, load_universe

# Headline indices of the overview, with how each stands in for what the articles name.
INDEX_ROWS: dict[str, str] = {
    "GSPC": "S&P 500",
    "IXIC": "Nasdaq Composite",
    "NDX": "Nasdaq-100",
    "DJI": "Dow Jones Industrial Average",
    "GDAXI": "DAX 40",
    "SOX": "PHLX Semiconductor index",
    "SMH": "SMH semiconductor ETF (context)",
    "SOXX": "SOXX semiconductor ETF (context)",
}
# Groups without stocks: never averaged (their members are shown one by one).
NON_EQUITY_GROUPS = ("indices/benchmarks", "crypto", "FX")
# Kinds whose percentage change is not an asset return (VIX is a volatility level).
NOT_RETURNS = ("volatility",)


def event_day_returns(returns: pd.DataFrame, event_date: pd.Timestamp) -> pd.DataFrame:
    """Return one row per instrument: name, group, kind and its return on the event date.

    Rows are ordered by group (universe order), then by return. An instrument with no
    session that day, or no return, keeps a NaN return and says why in ``note``.
    """
    universe = load_universe().loc[returns.columns]
    on_day = returns.loc[event_date] if event_date in returns.index else pd.Series(np.nan, returns.columns)
    snapshot = load_snapshot()
    notes = []
    for symbol in returns.columns:
        first = pd.Timestamp(snapshot.manifest.at[symbol, "first_date"])
        last = pd.Timestamp(snapshot.manifest.at[symbol, "last_date"])
        if not first < event_date <= last:
            notes.append("outside this series' data")
        elif np.isnan(on_day[symbol]):
            notes.append("no session on this date")
        else:
            notes.append("")
    table = pd.DataFrame({
        "name": universe["name"], "group": universe["group"], "kind": universe["kind"],
        "return": on_day.astype(float), "note": notes,
    })
    table["group"] = pd.Categorical(table["group"], categories=GROUPS, ordered=True)
    table.index.name = "symbol"
    return table.sort_values(["group", "return"], na_position="last")


def group_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Return per group of stocks: stocks with a return, their equal-weighted mean, median, min and max.

    Only stocks are averaged. ETFs and indices that hold or track a group's stocks are shown beside
    them in the instrument table, never averaged in (an ETF of chip stocks is not one more chip
    stock); a group without stocks (``NON_EQUITY_GROUPS``: indices, crypto, FX) has no average at
    all, since averaging the S&P 500 with the DAX, or Bitcoin with the euro, is no group's return.
    The count column keeps its name ``instruments``; it counts stocks.
    """
    stocks = table[table["kind"] == "stock"].dropna(subset=["return"])
    grouped = stocks.groupby("group", observed=True)["return"]
    summary = grouped.agg(instruments="count", mean="mean", median="median", worst="min", best="max")
    return summary.sort_values("mean")


@dataclass(frozen=True)
class Breadth:
    """How broad the event day's move was: instruments with a return, how many fell and rose, the extremes.

    ``worst_name`` and ``best_name`` read "Name (SYMBOL)"; returns are fractions.
    """

    n_instruments: int
    n_down: int
    n_up: int
    worst_name: str
    worst_return: float
    best_name: str
    best_return: float


def breadth(table: pd.DataFrame) -> Breadth:
    """Return the breadth of :func:`event_day_returns`' table (kinds in ``NOT_RETURNS`` left out)."""
    usable = table[~table["kind"].isin(NOT_RETURNS)].dropna(subset=["return"])
    worst, best = usable["return"].idxmin(), usable["return"].idxmax()
    return Breadth(
        n_instruments=len(usable), n_down=int((usable["return"] < 0).sum()), n_up=int((usable["return"] > 0).sum()),
        worst_name=f"{usable.at[worst, 'name']} ({worst})", worst_return=float(usable.at[worst, "return"]),
        best_name=f"{usable.at[best, 'name']} ({best})", best_return=float(usable.at[best, "return"]),
    )


def index_moves(event_date: pd.Timestamp) -> pd.DataFrame:
    """Return the headline indices' previous close, close and return on the event date.

    The return is the instrument's one-session return from :func:`daily_returns`: it is
    undefined (NaN) where the file lacks the previous calendar session, never a
    multi-day move. SMH and SOXX values are adjusted closes, not printed prices; SOX is the index's close.
    """
    symbols = list(INDEX_ROWS)
    panel = price_panel(symbols)
    one_day = daily_returns(symbols)
    rows = []
    for symbol in symbols:
        series = panel[symbol].dropna()
        defined = event_date in one_day.index and not np.isnan(one_day.at[event_date, symbol])
        if not defined:
            rows.append((symbol, INDEX_ROWS[symbol], np.nan, np.nan, np.nan))
            continue
        position = series.index.get_loc(event_date)
        previous, close = series.iloc[position - 1], series.iloc[position]
        rows.append((symbol, INDEX_ROWS[symbol], previous, close, one_day.at[event_date, symbol]))
    table = pd.DataFrame(rows, columns=["symbol", "series", "previous_close", "close", "return"])
    return table.set_index("symbol")
