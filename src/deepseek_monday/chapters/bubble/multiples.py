"""Price-to-sales and price-to-earnings at printed price levels: the focus company at its pre-event peak and on
the event day, Cisco at its dot-com peak.

Market value is a cover share count times the printed level (:mod:`.levels`). Nvidia's multiples use
the four quarters published before the day (trailing) and the four quarters after them as later
reported (*with hindsight*: the facts hold no forecasts, so this is what the next year's results
turned out to be, not what the market expected). Cisco's use its annual accounts: the last fiscal
year reported before the peak, and the fiscal year containing it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from deepseek_monday.chapters.bubble.valuation import annual_value, fiscal_year_containing, latest_known_quarter
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.measures.levels import CoverCount, counts_on, market_value_on

COLUMNS = ["company", "when", "date", "price", "count", "market_value", "revenue", "revenue_basis",
           "price_to_sales", "net_income", "earnings_basis", "price_to_earnings", "note"]


def ratio_or_nan(value: float, denominator: float) -> float:
    """Return value / denominator, NaN where the denominator is missing or not positive (a loss has no P/E)."""
    if denominator is None or pd.isna(denominator) or denominator <= 0:
        return np.nan
    return value / denominator


def quarterly_multiples(level: pd.Series, counts: pd.DataFrame, ticker: str, accounts: pd.DataFrame,
                        date: pd.Timestamp, when: str) -> list[dict[str, object]]:
    """Return two rows for ``ticker`` on ``date``: trailing four quarters, and the next four with hindsight.

    Raises NotCheckable where the day has no level or count or no quarter was published before it.
    """
    value, price, count = market_value_on(level, counts, ticker, date)
    quarter = latest_known_quarter(accounts, date)
    position = accounts.index.get_loc(quarter)
    base = {"company": ticker, "when": when, "date": date, "price": price, "count": count, "market_value": value}
    rows = []
    trailing = accounts.iloc[max(0, position - 3): position + 1]
    forward = accounts.iloc[position + 1: position + 5]
    for label, block, note in (("trailing", trailing, "four quarters published before the day"),
                               ("next four, reported later", forward,
                                "hindsight: results reported after the day, not a forecast")):
        complete = len(block) == 4
        revenue = float(block["revenue"].sum()) if complete and block["revenue"].notna().all() else np.nan
        income = float(block["net_income"].sum()) if complete and block["net_income"].notna().all() else np.nan
        span = f"{block.index[0]}\u2013{block.index[-1]}" if len(block) else "none in the facts"
        missing = "" if complete else f" (only {len(block)} of four quarters in the facts)"
        rows.append({**base, "revenue": revenue, "revenue_basis": f"{label}: {span}{missing}",
                     "price_to_sales": ratio_or_nan(value, revenue), "net_income": income,
                     "earnings_basis": f"{label}: {span}{missing}", "price_to_earnings": ratio_or_nan(value, income),
                     "note": note})
    return rows


def annual_multiples(level: pd.Series, counts: pd.DataFrame, ticker: str, date: pd.Timestamp,
                     when: str) -> list[dict[str, object]]:
    """Return rows for ``ticker`` on ``date`` on annual accounts.

    One row for the last fiscal year reported before the date, one for the year containing it.
    """
    value, price, count = market_value_on(level, counts, ticker, date)
    containing, before = fiscal_year_containing(ticker, date)
    rows = []
    for year, label, note in ((before, "last year reported before", "trailing (annual)"),
                              (containing, "year containing the day",
                               "partly hindsight: the year ended after the day")):
        revenue = annual_value(ticker, "revenue", year)
        try:
            income = annual_value(ticker, "net_income", year)
        except NotCheckable:
            income = np.nan
        rows.append({"company": ticker, "when": when, "date": date, "price": price, "count": count,
                     "market_value": value, "revenue": revenue, "revenue_basis": f"{year} ({label})",
                     "price_to_sales": ratio_or_nan(value, revenue), "net_income": income,
                     "earnings_basis": f"{year} GAAP net income", "price_to_earnings": ratio_or_nan(value, income),
                     "note": note})
    return rows


def multiples_table(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Return the rows as one frame in :data:`COLUMNS` order."""
    return pd.DataFrame(rows).reindex(columns=COLUMNS)


def count_text(count: CoverCount) -> str:
    """Short text of a cover count for tables: shares (bn) and as-of date."""
    return f"{count.shares / 1e9:,.3f} bn ({count.as_of:%Y-%m-%d})"


def shares_for_series(level: pd.Series, ticker: str, counts: pd.DataFrame) -> pd.DataFrame:
    """Return the share count for each day of ``level``: the filing cover count within reach, NaN elsewhere.

    Columns shares and basis. The facts' annual weighted diluted counts are a different definition
    (facts README) and are never mixed into the series, so it covers only the days near a cover count.
    """
    own = level.dropna()
    cover = counts_on(counts, own.index)["shares"]
    basis = np.where(cover.notna(), "cover count", "")
    return pd.DataFrame({"shares": cover, "basis": basis}, index=own.index)


def price_to_sales_at_levels(level: pd.Series, ticker: str, counts: pd.DataFrame,
                             accounts: pd.DataFrame) -> pd.DataFrame:
    """Return the daily price-to-sales ratio at printed levels on the revenue of the four quarters published before.

    Columns: price_to_sales and count basis (see :func:`shares_for_series`); NaN where either is missing.
    """
    own = level.dropna()
    usable = accounts.dropna(subset=["ttm_revenue"]).sort_values("published")
    position = pd.DatetimeIndex(usable["published"]).searchsorted(own.index, side="left") - 1
    ttm = np.where(position >= 0, usable["ttm_revenue"].to_numpy()[np.clip(position, 0, None)], np.nan)
    shares = shares_for_series(own, ticker, counts)
    return pd.DataFrame({"price_to_sales": shares["shares"].to_numpy() * own.to_numpy() / ttm,
                         "basis": shares["basis"].to_numpy()}, index=own.index)
