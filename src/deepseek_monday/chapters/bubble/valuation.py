"""Part 2 of the bubble chapter, *valuation*: price-to-sales on trailing-twelve-month revenue, margins and
growth from ``fundamentals.csv``; Cisco at its dot-com peak.

*Known at the time*: a fiscal quarter counts once its results are published, on the date
the event timeline gives; quarters older than the timeline's first results row are taken
as published :func:`reporting_lag` days after their end (the longest lag in the timeline).
Share counts are the exception: a market value is the day's shares times the day's price, so
:func:`price_to_sales` takes the count of the fiscal year closest to the date, even before that
year's results are out. It is the adjusted-close comparison; the claims ledger and the printed-level
multiples (:mod:`.multiples`) use the cover count and the printed-close level instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.chapters.bubble.constants import DOTCOM_STOCK
from deepseek_monday.chapters.bubble.data import ChapterData, company_name
from deepseek_monday.chapters.bubble.parameters import BubbleParameters
from deepseek_monday.claims import calculations as calc
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.data.facts import fundamentals, load_events
from deepseek_monday.errors import ParameterError
from deepseek_monday.measures.diluted_value import ShareCount, share_count


def reporting_lag(ticker: str) -> tuple[pd.DataFrame, int]:
    """Return the results dates the event timeline gives for ``ticker`` and the longest lag (days).

    Timeline rows read "<Company> Qn FYyyyy results"; the company is matched on the first
    word of the universe's name, case-insensitively.
    """
    first_word = company_name(ticker).split()[0]
    pattern = re.compile(rf"^{re.escape(first_word)} Q([1-4]) FY(\d{{4}}) results", re.IGNORECASE)
    events = load_events()
    rows = []
    for _, row in events[events["category"] == "earnings"].iterrows():
        match = pattern.match(row["event"])
        if match:
            rows.append({"fiscal_period": f"FY{match.group(2)}Q{match.group(1)}", "published": row["date"]})
    published = pd.DataFrame(rows, columns=["fiscal_period", "published"])
    if published.empty:
        raise NotCheckable(f"the event timeline gives no results dates for {ticker}")
    ends = _quarter_rows(ticker, "revenue", "USD").set_index("fiscal_period")["period_end"]
    lags = (published.set_index("fiscal_period")["published"] - ends.reindex(published["fiscal_period"])).dt.days
    return published, int(lags.max())


def _quarter_rows(ticker: str, metric: str, unit: str) -> pd.DataFrame:
    try:
        rows = fundamentals(ticker, metric, unit)
    except ParameterError:
        return pd.DataFrame(columns=["fiscal_period", "period_end", "value"])
    rows = rows[rows["fiscal_period"].str.fullmatch(r"FY\d{4}Q[1-4]")].drop_duplicates("fiscal_period")
    return rows[["fiscal_period", "period_end", "value"]].reset_index(drop=True)


def quarterly_accounts(ticker: str) -> pd.DataFrame:
    """Return a ticker's quarterly accounts from the facts, one row per fiscal quarter (USD, fractions).

    Columns: period end, publication date and its basis, revenue, gross margin (gross profit,
    else revenue less cost of revenue, else the reported GAAP margin) and its basis, net
    income and margin, year-on-year revenue growth, data-centre revenue, and trailing
    four-quarter revenue (NaN unless the four quarters are consecutive).
    """
    revenue = _quarter_rows(ticker, "revenue", "USD")
    if revenue.empty:
        raise NotCheckable(f"the facts hold no quarterly revenue for {ticker}")
    table = revenue.set_index("fiscal_period").rename(columns={"value": "revenue"})
    published, lag = reporting_lag(ticker)
    known = published.set_index("fiscal_period")["published"]
    table["published"] = known.reindex(table.index)
    table["published_basis"] = np.where(table["published"].notna(), "event timeline",
                                        f"assumed: quarter end + {lag} days")
    table["published"] = table["published"].fillna(table["period_end"] + pd.Timedelta(days=lag))
    for metric, column in (("gross_profit", "gross_profit"), ("cost_of_revenue", "cost_of_revenue"),
                           ("net_income", "net_income"), ("data_center_revenue", "data_centre_revenue")):
        table[column] = _quarter_rows(ticker, metric, "USD").set_index("fiscal_period")["value"]
    reported = _quarter_rows(ticker, "gross_margin_gaap", "percent").set_index("fiscal_period")["value"] / 100
    from_profit = table["gross_profit"] / table["revenue"]
    from_cost = 1 - table["cost_of_revenue"] / table["revenue"]
    table["gross_margin"] = from_profit.fillna(from_cost).fillna(reported.reindex(table.index))
    table["gross_margin_basis"] = np.select(
        [from_profit.notna(), from_cost.notna(), table["gross_margin"].notna()],
        ["gross profit / revenue", "1 - cost of revenue / revenue", "reported GAAP margin"], "")
    table["net_margin"] = table["net_income"] / table["revenue"]
    gaps = table["period_end"].diff().dt.days
    consecutive = gaps.between(80, 100)
    year_ago = table["revenue"].shift(4)
    table["revenue_growth"] = np.where(consecutive.rolling(4).sum() == 4, table["revenue"] / year_ago - 1, np.nan)
    table["ttm_revenue"] = np.where(consecutive.rolling(3).sum() == 3, table["revenue"].rolling(4).sum(), np.nan)
    table["ttm_net_income"] = np.where(consecutive.rolling(3).sum() == 3, table["net_income"].rolling(4).sum(),
                                       np.nan)
    return table.drop(columns=["gross_profit", "cost_of_revenue"])


def latest_known_quarter(accounts: pd.DataFrame, date: pd.Timestamp, column: str = "revenue") -> str:
    """Return the latest fiscal quarter published before ``date`` with a value in ``column``."""
    known = accounts[(accounts["published"] < date) & accounts[column].notna()]
    if known.empty:
        raise NotCheckable(f"no quarter with {column.replace('_', ' ')} was published before {date:%Y-%m-%d}")
    return str(known["published"].idxmax())


@dataclass(frozen=True)
class PriceToSales:
    """A price-to-sales ratio and what went into it."""

    ratio: float
    date: pd.Timestamp
    price: float
    shares: ShareCount
    market_value: float
    ttm_revenue: float
    first_quarter: str
    last_quarter: str
    published: pd.Timestamp
    published_assumed: bool


def price_to_sales(prices: pd.Series, ticker: str, accounts: pd.DataFrame, date: pd.Timestamp) -> PriceToSales:
    """Return market value on ``date`` over the revenue of the four quarters published before it.

    Weighted diluted count x adjusted close: not the claims ledger's ``price_to_sales`` (printed levels, the
    trailing row of :func:`.multiples.quarterly_multiples`).
    """
    quarter = latest_known_quarter(accounts, date)
    ttm = accounts.at[quarter, "ttm_revenue"]
    if pd.isna(ttm):
        raise NotCheckable(f"fewer than four consecutive quarters of {ticker} revenue up to {quarter}")
    own = prices.dropna()
    day = calc.last_row_on_or_before(own, date, f"{ticker} prices")
    count = share_count(ticker, date)
    value = count.shares * float(own.loc[day])
    position = accounts.index.get_loc(quarter)
    return PriceToSales(value / ttm, day, float(own.loc[day]), count, value, float(ttm),
                        str(accounts.index[position - 3]), quarter, accounts.at[quarter, "published"],
                        accounts.at[quarter, "published_basis"] != "event timeline")


def fiscal_years(ticker: str, accounts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return annual revenue, growth, net income and net margin per fiscal year.

    Revenue is the annual row where the facts have one, else the sum of four quarters; net
    income is the sum of the four quarters where all exist (as the ledger measures it), else
    the annual row. Units: USD and fractions.
    """
    def annual(metric: str) -> pd.Series:
        try:
            rows = fundamentals(ticker, metric, "USD")
        except ParameterError:
            return pd.Series(dtype=float)
        rows = rows[rows["fiscal_period"].str.fullmatch(r"FY\d{4}")].drop_duplicates("fiscal_period")
        return rows.set_index("fiscal_period")["value"]

    def from_quarters(column: str) -> pd.Series:
        if accounts is None or accounts.empty:
            return pd.Series(dtype=float)
        year = accounts.index.str.slice(0, 6)
        sums = accounts[column].groupby(year).agg(lambda values: values.sum() if values.notna().sum() == 4
                                                  else np.nan)
        return sums.dropna()

    revenue = annual("revenue").combine_first(from_quarters("revenue"))
    income = from_quarters("net_income").combine_first(annual("net_income"))
    if revenue.empty:
        raise NotCheckable(f"the facts hold no annual revenue for {ticker}")
    table = pd.DataFrame({"revenue": revenue, "net_income": income.reindex(revenue.index)}).sort_index()
    previous = [f"FY{int(year[2:]) - 1}" for year in table.index]
    table["revenue_growth"] = table["revenue"].to_numpy() / table["revenue"].reindex(previous).to_numpy() - 1
    table["net_margin"] = table["net_income"] / table["revenue"]
    table.index.name = "fiscal_year"
    return table


def peak_in(prices: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Timestamp:
    """Return the date of the highest close between ``start`` and ``end`` (inclusive)."""
    window = prices.loc[start:end].dropna()
    if window.empty:
        raise NotCheckable(f"no prices between {start:%Y-%m-%d} and {end:%Y-%m-%d}")
    return pd.Timestamp(window.idxmax())


def dotcom_peak_date(prices: pd.Series, params: BubbleParameters) -> pd.Timestamp:
    """Return a dot-com series' peak: its highest close within ``peak_search_days`` of ``dotcom_peak``."""
    span = pd.Timedelta(days=params.peak_search_days)
    return peak_in(prices, params.dotcom_peak - span, params.dotcom_peak + span)


def pre_event_peak_date(prices: pd.Series, params: BubbleParameters) -> pd.Timestamp:
    """Return a present-day series' peak: its highest close in the ``peak_lookback_days`` sessions before the event."""
    own = prices.dropna().loc[: params.event_date - pd.Timedelta(days=1)]
    return pd.Timestamp(own.iloc[-params.peak_lookback_days:].idxmax())


def annual_value(ticker: str, metric: str, fiscal_year: str) -> float:
    """Return one annual figure (USD) of the facts; NotCheckable if absent."""
    try:
        rows = fundamentals(ticker, metric, "USD")
    except ParameterError:
        raise NotCheckable(f"the facts hold no {metric} for {ticker}") from None
    rows = rows[rows["fiscal_period"] == fiscal_year]
    if rows.empty:
        raise NotCheckable(f"the facts hold no {metric} for {ticker} {fiscal_year}")
    return float(rows["value"].iloc[0])


def fiscal_year_containing(ticker: str, date: pd.Timestamp) -> tuple[str, str]:
    """Return (the fiscal year whose end is the first on or after ``date``, the one before it) from the facts."""
    try:
        rows = fundamentals(ticker, "revenue", "USD")
    except ParameterError:
        raise NotCheckable(f"the facts hold no revenue for {ticker}") from None
    years = rows[rows["fiscal_period"].str.fullmatch(r"FY\d{4}")].drop_duplicates("fiscal_period")
    later = years[years["period_end"] >= date]
    earlier = years[years["period_end"] < date]
    if later.empty or earlier.empty:
        raise NotCheckable(f"the facts hold no {ticker} fiscal years on both sides of {date:%Y-%m-%d}")
    return str(later["fiscal_period"].iloc[0]), str(earlier["fiscal_period"].iloc[-1])


def valuation_comparison(data: ChapterData, params: BubbleParameters, subject: str,
                         accounts: pd.DataFrame | None) -> pd.DataFrame:
    """Return ``subject`` at the event date and at its pre-event peak beside Cisco at its dot-com peak.

    The subject's rows use trailing four-quarter revenue known at the time. Cisco rows use the annual
    revenue of the fiscal year containing the peak and of the last year reported before it;
    its adjusted close lies below the printed price (dividends paid since are taken out), so
    Cisco's market value and ratio are lower bounds.
    """
    rows = []
    subject_prices = data.prices[subject]
    if accounts is not None:
        peak = pre_event_peak_date(subject_prices, params)
        for label, date in (("event date", params.event_date), ("pre-event peak", peak)):
            try:
                ratio = price_to_sales(subject_prices, subject, accounts, date)
            except NotCheckable as reason:
                rows.append({"company": subject, "when": label, "date": date, "note": str(reason)})
                continue
            quarter = accounts.loc[ratio.last_quarter]
            rows.append({"company": subject, "when": label, "date": ratio.date,
                         "market_value": ratio.market_value, "revenue": ratio.ttm_revenue,
                         "revenue_basis": f"{ratio.first_quarter}-{ratio.last_quarter} (four quarters)",
                         "price_to_sales": ratio.ratio,
                         "net_margin": quarter["ttm_net_income"] / ratio.ttm_revenue,
                         "note": "adjusted close (within a fraction of a percent of the printed price)"})
    cisco = data.prices[DOTCOM_STOCK]
    peak = dotcom_peak_date(cisco, params)
    containing, before = fiscal_year_containing(DOTCOM_STOCK, peak)
    count = share_count(DOTCOM_STOCK, peak)
    value = count.shares * float(cisco.loc[peak])
    for year, basis in ((before, "last fiscal year reported before the peak"),
                        (containing, "fiscal year containing the peak")):
        revenue = annual_value(DOTCOM_STOCK, "revenue", year)
        income = annual_value(DOTCOM_STOCK, "net_income", year)
        rows.append({"company": DOTCOM_STOCK, "when": "dot-com peak", "date": peak, "market_value": value,
                     "revenue": revenue, "revenue_basis": f"{year} ({basis})", "price_to_sales": value / revenue,
                     "net_margin": income / revenue,
                     "note": "lower bound: adjusted close, below the printed price by the dividends paid since"})
    columns = ["company", "when", "date", "market_value", "revenue", "revenue_basis", "price_to_sales",
               "net_margin", "note"]
    return pd.DataFrame(rows).reindex(columns=columns)
