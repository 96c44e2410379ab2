"""Measures of the bubble chapter: is AI infrastructure priced like a bubble?

Five parts, each a set of small functions returning plain numbers or tidy frames:

1. *The record*: the focus stock's loss of market value on the event day, how that fall
   ranks in its own history and in the universe, and the largest falls of the indices.
2. *Valuation*: price-to-sales on trailing-twelve-month revenue, margins and growth from
   ``fundamentals.csv``; Cisco at its dot-com peak.
3. *Dot-com overlay*: each series rebased at its peak, drawdowns, levels a year or two on.
4. *Concentration and volatility*: market values where share counts exist; realised
   volatility against the benchmark and the VIX.
5. *Sequoia's question*: the required end-user revenue implied by data-centre revenue.

Conventions, shared with the claims ledger (:mod:`deepseek_monday.claims.measures`), whose
calculations are reused so that the chapter and the ledger cannot disagree:

- *Market value* = annual weighted diluted share count x adjusted close. The count is the
  latest one of a fiscal year ended before the date, used for at most
  :data:`SHARE_COUNT_VALID_DAYS` after that year's end. ADRs are left out: the facts count
  the company's ordinary shares, and the ADR ratio is not in the data.
- *Known at the time*: a fiscal quarter counts once its results are published, on the date
  the event timeline gives; quarters older than the timeline's first results row are taken
  as published :func:`reporting_lag` days after their end (the longest lag in the timeline).

Everything a measure cannot answer raises :class:`~deepseek_monday.claims.registry.NotCheckable`
with the reason; the chapter prints the reason instead of a number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.calendars import check_trading_day, sessions
from deepseek_monday.claims import calculations as calc
from deepseek_monday.claims.measures import EVENT_TEXT_PATTERNS, find_event
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy import EventStudyResult, run_event_study
from deepseek_monday.facts import fundamentals, load_events
from deepseek_monday.overview import event_day_returns
from deepseek_monday.params import check_event_date, check_positive_int
from deepseek_monday.prices import load_snapshot, price_panel
from deepseek_monday.returns import daily_returns
from deepseek_monday.universe import check_symbols, load_universe

# ---------------------------------------------------------------- constants

DOTCOM_STOCK = "CSCO"
DOTCOM_INDEX = "IXIC"
PRESENT_INDEX = "NDX"
SEMICONDUCTOR_ETFS = ("SMH", "SOXX")
VOLATILITY_INDEX = "VIX"
HISTORY_INDICES: dict[str, str] = {"GSPC": "S&P 500", "IXIC": "Nasdaq Composite"}
# Labels of the overlay's comparison series.
SERIES_NAMES: dict[str, str] = {"NDX": "Nasdaq-100", "IXIC": "Nasdaq Composite", "SMH": "SMH (semiconductor ETF)",
                                "SOXX": "SOXX (semiconductor ETF)", "CSCO": "Cisco"}
MEGACAP_GROUP = "hyperscalers and megacaps"
TRADING_DAYS_PER_YEAR = 252
DAYS_PER_YEAR = 365.25
# A share count is used for dates up to two years after its fiscal year ended.
SHARE_COUNT_VALID_DAYS = 731
# Markers in the universe's names of listings whose share count the facts do not give.
ADR_MARKERS = ("(ADR)", "(ADS)", "NY registry shares")
# A one-day fall whose next close is back within this distance of the previous close is flagged.
REVERSAL_TOLERANCE = 0.02
# Event-study settings: the engine's default estimation window needs 250 sessions before the event.
EVENT_WINDOWS = ((0, 0), (0, 1), (-5, 5), (0, 10))
ESTIMATION_SESSIONS = 250
MIN_SESSIONS_AFTER = 10
# Sequoia's "$600B question" (D. Cahn, 2024): two assumptions of the essay, not data.
SEQUOIA_COST_MULTIPLE = 2.0  # GPUs are half of a data centre's total cost: x2
SEQUOIA_END_USER_MARGIN = 0.5  # the AI companies buying that capacity need a 50 % gross margin


# ---------------------------------------------------------------- parameters


def _check_whole(value: object, parameter: str, minimum: int, maximum: int, unit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{parameter}: {value!r} is not a whole number of {unit}")
    if not minimum <= value <= maximum:
        raise ParameterError(f"{parameter}: {value} {unit} is outside the allowed range {minimum}..{maximum}")
    return value


def _series_span(symbol: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    row = load_snapshot().manifest.loc[symbol]
    return pd.Timestamp(row["first_date"]), pd.Timestamp(row["last_date"])


def _check_listing(symbol: object, parameter: str, kinds: tuple[str, ...]) -> str:
    """Return ``symbol`` if it is a US-listed instrument of one of ``kinds``; else raise."""
    if not isinstance(symbol, str):
        raise ParameterError(f"{parameter}: {symbol!r} is not a ticker")
    (symbol,) = check_symbols([symbol], parameter)
    row = load_universe().loc[symbol]
    if row["kind"] not in kinds or row["calendar"] != "XNYS":
        raise ParameterError(f"{parameter}: {symbol} is a {row['kind']} on the {row['calendar']} calendar; this "
                             f"chapter needs a US-listed {' or '.join(kinds)} (NYSE/Nasdaq sessions)")
    return symbol


def _check_coverage(symbol: str, parameter: str, start: pd.Timestamp, end: pd.Timestamp) -> None:
    first, last = _series_span(symbol)
    if first > start or last < end:
        raise ParameterError(f"{parameter}: {symbol}'s data run {first:%Y-%m-%d}..{last:%Y-%m-%d}; this chapter "
                             f"needs {start:%Y-%m-%d}..{end:%Y-%m-%d}")


@dataclass(frozen=True)
class BubbleParameters:
    """Validated parameters of the bubble chapter."""

    event_date: pd.Timestamp
    focus: str
    benchmark: str
    semiconductor_etf: str
    dotcom_peak: pd.Timestamp
    peak_lookback_days: int
    peak_search_days: int
    horizon_years: int
    volatility_window: int
    context_days: int

    @classmethod
    def validate(cls, event_date: object, focus: object = "NVDA", benchmark: object = "SPY",
                 semiconductor_etf: object = "SMH", dotcom_peak: object = "2000-03-10",
                 peak_lookback_days: object = 250, peak_search_days: object = 31, horizon_years: object = 3,
                 volatility_window: object = 21, context_days: object = 125) -> BubbleParameters:
        """Check every parameter and return them typed; raise ParameterError otherwise."""
        lookback = check_positive_int(peak_lookback_days, "peak_lookback_days", minimum=20)
        search = _check_whole(peak_search_days, "peak_search_days", 0, 366, "calendar days")
        horizon = _check_whole(horizon_years, "horizon_years", 1, 5, "years")
        window = check_positive_int(volatility_window, "volatility_window", minimum=5)
        context = check_positive_int(context_days, "context_days", minimum=window)
        before = max(ESTIMATION_SESSIONS, lookback, context + window)
        date = check_event_date(event_date, "XNYS", before=before, after=MIN_SESSIONS_AFTER)
        market = sessions("XNYS")
        position = market.get_loc(date)
        start, end = market[position - before], market[position + MIN_SESSIONS_AFTER]
        focus = _check_listing(focus, "focus", ("stock",))
        benchmark = _check_listing(benchmark, "benchmark", ("etf", "index"))
        if benchmark == focus:
            raise ParameterError(f"benchmark: {benchmark} is the focus itself; choose a market benchmark")
        for symbol, parameter in ((focus, "focus"), (benchmark, "benchmark")):
            _check_coverage(symbol, parameter, start, end)
        if semiconductor_etf not in SEMICONDUCTOR_ETFS:
            raise ParameterError(f"semiconductor_etf: {semiconductor_etf!r} is not one of {SEMICONDUCTOR_ETFS} "
                                 "(the snapshot has no series of the PHLX Semiconductor index itself)")
        _check_coverage(str(semiconductor_etf), "semiconductor_etf", start, date)
        peak = check_trading_day(dotcom_peak, "XNYS", "dotcom_peak")
        peak_window = (peak - pd.Timedelta(days=search), peak + pd.Timedelta(days=search)
                       + pd.DateOffset(years=horizon))
        for symbol in (DOTCOM_STOCK, DOTCOM_INDEX):
            _check_coverage(symbol, "dotcom_peak", *peak_window)
        if peak_window[1] >= start:
            raise ParameterError(f"dotcom_peak: {peak:%Y-%m-%d} plus {horizon} years overlaps the window before the "
                                 f"event (from {start:%Y-%m-%d}); the two eras must not overlap")
        return cls(date, focus, benchmark, str(semiconductor_etf), peak, lookback, search, horizon, window, context)


# ---------------------------------------------------------------- data access


def chapter_symbols(params: BubbleParameters) -> list[str]:
    """Return every symbol the chapter reads: focus, benchmark, comparison series and the universe's stocks."""
    universe = load_universe()
    stocks = universe.index[(universe["kind"] == "stock") & (universe["calendar"] == "XNYS")].tolist()
    fixed = [params.benchmark, params.semiconductor_etf, PRESENT_INDEX, DOTCOM_STOCK, DOTCOM_INDEX,
             *HISTORY_INDICES, VOLATILITY_INDEX]
    return list(dict.fromkeys([params.focus, *fixed, *stocks]))


@dataclass(frozen=True)
class ChapterData:
    """Prices (the column returns come from) and daily returns of the chapter's symbols, wide."""

    prices: pd.DataFrame
    returns: pd.DataFrame


def load_chapter_data(params: BubbleParameters) -> ChapterData:
    """Return prices and returns of :func:`chapter_symbols` (NaN where an instrument has no session)."""
    symbols = chapter_symbols(params)
    return ChapterData(price_panel(symbols), daily_returns(symbols))


def company_name(ticker: str) -> str:
    """Return the universe's name of a ticker (the ticker itself if unknown)."""
    universe = load_universe()
    return str(universe.at[ticker, "name"]) if ticker in universe.index else ticker


# ---------------------------------------------------------------- 1. market value and the record


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


def value_changes(prices: pd.Series, returns: pd.Series, ticker: str) -> pd.Series:
    """Return each session's change in market value (USD): shares x previous close x return.

    Equal to shares x (close - previous close) where the previous row is the previous session;
    NaN where the return is undefined (a missed session) or no share count applies.
    """
    own = prices.dropna()
    shares = shares_on(own.index, share_count_schedule(ticker))
    change = shares * own.shift(1) * returns.reindex(own.index)
    return change.rename(ticker)


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
    for symbol, name in HISTORY_INDICES.items():
        falls = largest_falls(data.prices[symbol], data.returns[symbol], n).reset_index()
        falls.insert(0, "index", name)
        falls.insert(1, "rank", range(1, len(falls) + 1))
        parts.append(falls)
    return pd.concat(parts, ignore_index=True)


def event_day_index_ranks(data: ChapterData, event_date: pd.Timestamp) -> pd.DataFrame:
    """Return each history index's event-day return and its rank among all its daily falls."""
    rows = []
    for symbol, name in HISTORY_INDICES.items():
        series = data.returns[symbol]
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
    """Run the market-model event study of the focus stock against the benchmark (engine defaults otherwise)."""
    returns = data.returns[[params.focus, params.benchmark]]
    return run_event_study(returns, [params.event_date], symbols=[params.focus], model="market",
                           benchmark=params.benchmark, event_windows=EVENT_WINDOWS, pooled_group=None)


# ---------------------------------------------------------------- approximations of market value


def market_value_approximations(ticker: str, prices: pd.Series) -> pd.DataFrame:
    """Return, per fiscal year with a market value in the facts, how our two approximations compare.

    The facts' fiscal-year-end market value over their split-adjusted price gives the implied
    share count; against it the weighted diluted count and the snapshot's adjusted close (last
    row on or before the year end) show how far each approximation is off.
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
    return table


# ---------------------------------------------------------------- 2. valuation


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

    For Nvidia this is the claims ledger's ``price_to_sales`` measure.
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


def price_to_sales_or_none(prices: pd.Series, ticker: str, accounts: pd.DataFrame,
                           date: pd.Timestamp) -> PriceToSales | None:
    """Return :func:`price_to_sales`, or None where the facts cannot give it (the prose then says so)."""
    try:
        return price_to_sales(prices, ticker, accounts, date)
    except NotCheckable:
        return None


def price_to_sales_series(prices: pd.Series, ticker: str, accounts: pd.DataFrame) -> pd.Series:
    """Return the daily price-to-sales ratio (rule of :func:`price_to_sales`); NaN where it cannot be computed."""
    own = prices.dropna()
    usable = accounts.dropna(subset=["ttm_revenue"]).sort_values("published")
    position = pd.DatetimeIndex(usable["published"]).searchsorted(own.index, side="left") - 1
    ttm = np.where(position >= 0, usable["ttm_revenue"].to_numpy()[np.clip(position, 0, None)], np.nan)
    ratio = market_value(own, ticker) / ttm
    return ratio.rename("price_to_sales")


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


# ---------------------------------------------------------------- 3. dot-com overlay


@dataclass(frozen=True)
class OverlaySeries:
    """One series of the overlay: symbol, label, era and the peak it is rebased at."""

    symbol: str
    label: str
    era: str
    role: str
    peak: pd.Timestamp


def overlay_series(data: ChapterData, params: BubbleParameters) -> list[OverlaySeries]:
    """Return the overlay's series: focus, Nasdaq-100 and the semiconductor ETF at their pre-event peaks;
    Cisco and the Nasdaq Composite at their dot-com peaks. ``role`` pairs comparable series."""
    present = [(params.focus, company_name(params.focus), "stock"), (PRESENT_INDEX, SERIES_NAMES[PRESENT_INDEX],
                                                                     "index"),
               (params.semiconductor_etf, SERIES_NAMES[params.semiconductor_etf], "semiconductors")]
    dotcom = [(DOTCOM_STOCK, SERIES_NAMES[DOTCOM_STOCK], "stock"), (DOTCOM_INDEX, SERIES_NAMES[DOTCOM_INDEX], "index")]
    series = [OverlaySeries(s, label, "AI era", role, pre_event_peak_date(data.prices[s], params))
              for s, label, role in present]
    series += [OverlaySeries(s, label, "dot-com era", role, dotcom_peak_date(data.prices[s], params))
               for s, label, role in dotcom]
    return series


def rebase_at_peak(prices: pd.Series, peak: pd.Timestamp, years: int) -> pd.DataFrame:
    """Return a series rebased at its peak (1 = peak) for ``years`` after it.

    Columns: date, years since the peak (calendar days / 365.25), level (price / peak price)
    and drawdown (level / running maximum - 1). Ends early where the data end.
    """
    own = prices.dropna()
    window = own.loc[peak: peak + pd.DateOffset(years=years)]
    level = window / calc.row_on(own, peak, "price series")
    return pd.DataFrame({"date": window.index, "years": (window.index - peak).days / DAYS_PER_YEAR,
                         "level": level.to_numpy(), "drawdown": (level / level.cummax() - 1).to_numpy()})


def overlay_paths(data: ChapterData, series: list[OverlaySeries], years: int) -> pd.DataFrame:
    """Return every overlay series rebased at its peak, long: one row per series and date."""
    parts = [rebase_at_peak(data.prices[s.symbol], s.peak, years).assign(symbol=s.symbol, label=s.label, era=s.era,
                                                                          role=s.role)
             for s in series]
    return pd.concat(parts, ignore_index=True)


def level_after(prices: pd.Series, peak: pd.Timestamp, years: int) -> tuple[float, pd.Timestamp | None]:
    """Return the level (price / peak price) ``years`` after the peak, on the last row on or before that date.

    (NaN, None) when the data end before that date.
    """
    own = prices.dropna()
    target = peak + pd.DateOffset(years=years)
    if own.index[-1] < target:
        return np.nan, None
    day = calc.last_row_on_or_before(own, target, "price series")
    return float(own.loc[day] / own.loc[peak]), day


def overlay_summary(data: ChapterData, series: list[OverlaySeries], years: int) -> pd.DataFrame:
    """Return per overlay series: peak, level one and two years on, lowest level and largest drawdown."""
    rows = []
    for item in series:
        prices = data.prices[item.symbol]
        path = rebase_at_peak(prices, item.peak, years).set_index("date")
        one, _ = level_after(prices, item.peak, 1)
        two, _ = level_after(prices, item.peak, 2)
        drawdown, _, trough = calc.worst_peak_to_trough(path["level"])
        rows.append({"series": item.label, "era": item.era, "peak": item.peak,
                     "peak_level": float(prices.loc[item.peak]), "after_1y": one, "after_2y": two,
                     "lowest": float(path["level"].min()), "lowest_on": path["level"].idxmin(),
                     "max_drawdown": drawdown, "drawdown_trough": trough, "data_end": path.index[-1],
                     "symbol": item.symbol})
    return pd.DataFrame(rows).set_index("symbol")


# ---------------------------------------------------------------- 4. concentration and volatility


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
    where the data end too soon after the event).
    """
    rows = []
    window = params.volatility_window
    for symbol in (params.focus, params.benchmark):
        own = data.returns[symbol].dropna()
        position = own.index.get_loc(params.event_date)
        before = own.iloc[max(0, position - window): position]
        after = own.iloc[position + 1: position + 1 + window]
        try:
            ratio = calc.volatility_ratio(own, params.event_date, window)
        except NotCheckable:
            ratio = np.nan
        rows.append({"series": symbol, "before": before.std() * np.sqrt(TRADING_DAYS_PER_YEAR),
                     "after": after.std() * np.sqrt(TRADING_DAYS_PER_YEAR) if len(after) == window else np.nan,
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
                f"{vix.index[0]:%d %B %Y} to {vix.index[-1]:%d %B %Y}).")
    position = vix.index.get_loc(params.event_date)
    later = vix.iloc[position + 1: position + 1 + params.volatility_window]
    text = (f"The VIX closed at {vix.iloc[position - 1]:.2f} on the session before the event and "
            f"{vix.iloc[position]:.2f} on the event day")
    if later.empty:
        return text + "; the snapshot has no later closes."
    return text + f"; its highest close in the following sessions was {later.max():.2f} ({later.idxmax():%d %B %Y})."


# ---------------------------------------------------------------- 5. Sequoia's question


@dataclass(frozen=True)
class SequoiaQuestion:
    """The amount of Sequoia's question (USD) and the date the event timeline gives it."""

    amount: float
    date: pd.Timestamp
    date_approximate: bool

    def describe_date(self) -> str:
        """Return the date as the prose and figures quote it."""
        return f"{self.date:%B %Y}" + (", date approximate" if self.date_approximate else "")


def sequoia_question() -> SequoiaQuestion:
    """Return Sequoia's question as the event timeline records it."""
    row = find_event("Sequoia")
    match = re.search(EVENT_TEXT_PATTERNS["dollar_b"], row["event"])
    if not match:
        raise NotCheckable("the Sequoia event states no amount")
    return SequoiaQuestion(float(match.group(1)) * 1e9, pd.Timestamp(row["date"]), bool(row["approximate"]))


def required_revenue(data_centre_run_rate: float, cost_multiple: float = SEQUOIA_COST_MULTIPLE,
                     end_user_margin: float = SEQUOIA_END_USER_MARGIN) -> float:
    """Return Sequoia's required end-user AI revenue: run-rate x cost multiple / (1 - end-user gross margin)."""
    if not 0 <= end_user_margin < 1:
        raise ParameterError(f"end_user_margin: {end_user_margin} must be a fraction in [0, 1)")
    return data_centre_run_rate * cost_multiple / (1 - end_user_margin)


def implied_run_rate(question: float, cost_multiple: float = SEQUOIA_COST_MULTIPLE,
                     end_user_margin: float = SEQUOIA_END_USER_MARGIN) -> float:
    """Return the annual data-centre run-rate that makes :func:`required_revenue` equal ``question``."""
    return question * (1 - end_user_margin) / cost_multiple


def sequoia_table(accounts: pd.DataFrame) -> pd.DataFrame:
    """Return Sequoia's arithmetic per quarter with data-centre revenue in the facts (USD).

    run-rate = quarterly data-centre revenue x 4; data-centre spending = run-rate x cost
    multiple; required revenue = spending / (1 - end-user margin).
    """
    rows = accounts.dropna(subset=["data_centre_revenue"])
    if rows.empty:
        raise NotCheckable("the facts hold no quarterly data-centre revenue")
    table = pd.DataFrame({"period_end": rows["period_end"], "published": rows["published"],
                          "data_centre_revenue": rows["data_centre_revenue"]})
    table["run_rate"] = 4 * table["data_centre_revenue"]
    table["spending"] = table["run_rate"] * SEQUOIA_COST_MULTIPLE
    table["required_revenue"] = [required_revenue(r) for r in table["run_rate"]]
    return table


def annual_data_centre_question(ticker: str) -> pd.DataFrame:
    """Return the question on full fiscal years of data-centre revenue (USD); empty where the facts have none."""
    try:
        rows = fundamentals(ticker, "data_center_revenue", "USD")
    except ParameterError:
        return pd.DataFrame(columns=["data_centre_revenue", "required_revenue"], dtype=float)
    rows = rows[rows["fiscal_period"].str.fullmatch(r"FY\d{4}")].drop_duplicates("fiscal_period")
    table = rows.set_index("fiscal_period")[["value"]].rename(columns={"value": "data_centre_revenue"})
    table["required_revenue"] = [required_revenue(v) for v in table["data_centre_revenue"]]
    return table


# ---------------------------------------------------------------- the chapter's subjects

# The company whose accounts stand in when the focus has no quarterly accounts in the facts, and
# whose data-centre revenue Sequoia's essay rests on.
ACCOUNTS_FALLBACK = "NVDA"


@dataclass(frozen=True)
class ValuationSubject:
    """The company the valuation section measures, its quarterly accounts, and why it was chosen."""

    ticker: str
    accounts: pd.DataFrame
    note: str


def valuation_subject(focus: str) -> ValuationSubject:
    """Return the focus's quarterly accounts, or Nvidia's (saying why) when the facts hold none for the focus."""
    try:
        return ValuationSubject(focus, quarterly_accounts(focus),
                                f"The facts hold quarterly accounts for {company_name(focus)} ({focus}).")
    except NotCheckable as reason:
        fallback = quarterly_accounts(ACCOUNTS_FALLBACK)
        return ValuationSubject(ACCOUNTS_FALLBACK, fallback,
                                f"This section measures {company_name(ACCOUNTS_FALLBACK)} ({ACCOUNTS_FALLBACK}), "
                                f"not {focus}: {reason}.")


def or_reason(function: Callable[..., pd.DataFrame], *args: object) -> pd.DataFrame:
    """Return ``function(*args)``, or a one-row frame saying why the data cannot answer."""
    try:
        return function(*args)
    except NotCheckable as reason:
        return pd.DataFrame({"not available": [str(reason)]})


def fiscal_year_after(accounts: pd.DataFrame, date: pd.Timestamp) -> str:
    """Return the first fiscal year whose fourth quarter ends after ``date``."""
    fourth = accounts[accounts.index.str.endswith("Q4") & (accounts["period_end"] > date)]
    if fourth.empty:
        raise NotCheckable(f"the facts hold no fiscal year ending after {date:%Y-%m-%d}")
    return str(fourth.index[0][:6])


def record_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Return the ledger's rows on the articles' record: every market-value-loss claim and the session-return
    claims on the same instrument and date (with the ledger's verdicts)."""
    losses = claims[claims["measure"] == "market_value_loss"]
    keys = set(zip(losses["instrument"], losses["dates"], strict=True))
    same = pd.Series([key in keys for key in zip(claims["instrument"], claims["dates"], strict=True)],
                     index=claims.index)
    chosen = claims[same & claims["measure"].isin(["market_value_loss", "session_return"])]
    shown = chosen.set_index("id")[["claim", "claimed", "measured", "verdict"]].copy()
    shown["verdict"] = shown["verdict"].astype(str)
    return shown


# ---------------------------------------------------------------- numbers and sentences for the prose
#
# Plain values are glued as numbers; where the data may not answer (another focus or date),
# a sentence is built here and glued as Markdown, so the prose never prints "nan".

# Glue names ending so hold Markdown text (sentences), to be glued with IPython's Markdown.
MARKDOWN_SUFFIXES = ("_sentence", "_sentences", "_note")


def _pct(value: float) -> str:
    return f"{100 * value:+.1f} %"


def _bn(value: float) -> str:
    return f"{value / 1e9:,.1f} bn USD"


def record_sentence(loss: DayLoss, name: str) -> str:
    """Say how much market value the focus lost, or why that cannot be computed."""
    day = f"{loss.date:%A %d %B %Y}"
    if loss.loss is None or loss.shares is None:
        return (f"{name}'s change in market value on {day} cannot be computed: {loss.why_no_value}. Its adjusted "
                f"close moved {_pct(loss.change)}.")
    verb = "lost" if loss.loss > 0 else "gained"
    return (f"On {day} {name} {verb} **{_bn(abs(loss.loss))}** of market value: {loss.shares.describe()} times "
            f"the change of its adjusted close from {loss.previous_close:.2f} USD ({loss.previous_date:%d %b %Y}) "
            f"to {loss.close:.2f} USD, a move of **{_pct(loss.change)}**.")


def headline_numbers(params: BubbleParameters, data: ChapterData, loss: DayLoss, own_rank: tuple[int, int],
                     ranking: pd.DataFrame, index_ranks: pd.DataFrame) -> dict[str, object]:
    """Return the record's numbers the prose quotes, keyed by glue name (plain Python values)."""
    name = company_name(params.focus)
    worst = ranking.index[0]
    numbers: dict[str, object] = {
        "event_day": f"{params.event_date:%A %d %B %Y}",
        "focus": params.focus,
        "focus_name": f"{name} ({params.focus})",
        "benchmark": params.benchmark,
        "focus_return": float(loss.change),
        "record_sentence": record_sentence(loss, name),
        "own_rank": own_rank[0],
        "own_count": own_rank[1],
        "own_since": f"{data.returns[params.focus].dropna().index[0]:%Y}",
        "universe_rank": int(ranking.at[params.focus, "rank"]) if params.focus in ranking.index else 0,
        "universe_count": len(ranking),
        "universe_worst": f"{ranking.at[worst, 'name']} ({worst})",
        "universe_worst_return": float(ranking.at[worst, "return"]),
    }
    parts = []
    for name, row in index_ranks.iterrows():
        numbers[f"{row['symbol'].lower()}_since"] = f"{row['from']:%Y}"
        if pd.isna(row["return"]):
            parts.append(f"the {name} has no return that day in the snapshot (its returns run from "
                         f"{row['from']:%d %B %Y} to {row['to']:%d %B %Y})")
        else:
            parts.append(f"the {name} returned {100 * row['return']:+.2f} %, rank {int(row['rank']):,} of its "
                         f"{row['sessions']:,} sessions")
    numbers["index_day_sentence"] = "On the event day " + "; ".join(parts) + "."
    return numbers


def value_record_sentence(records: pd.DataFrame, coverage: pd.DataFrame, params: BubbleParameters,
                          own_rank: tuple[int, int] | None) -> str:
    """Say where the focus's event-day loss of market value stands among the losses we can compute."""
    covered = ", ".join(f"{t} ({row['from']:%Y} to {row['to']:%Y})" for t, row in coverage.iterrows())
    top = records.iloc[0]
    opening = f"Market values can be computed where the facts hold share counts: {covered}."
    largest = (f"The largest one-day loss of market value in that coverage is {company_name(top['ticker'])}'s "
               f"{_bn(top['loss'])} on {top['date']:%d %B %Y}.")
    if own_rank is None:
        return f"{opening} {largest}"
    hit = records[(records["ticker"] == params.focus) & (records["date"] == params.event_date)]
    own = f"among {params.focus}'s own {own_rank[1]:,} sessions with a share count it ranks {own_rank[0]:,}"
    if not hit.empty and int(hit["rank"].iloc[0]) == 1:
        return f"{opening} {params.focus}'s loss on the event day is the largest of all those stock-days; {own}."
    place = f"ranks {int(hit['rank'].iloc[0])} among" if not hit.empty else "is not among"
    return (f"{opening} Among all those stock-days, {params.focus}'s loss on the event day {place} the "
            f"{len(records)} largest; {own}. {largest}")


def event_study_numbers(result: EventStudyResult) -> dict[str, object]:
    """Return the focus's abnormal return on the event day and over [0, +10], with p-values."""
    car = result.car.set_index("window")
    start, end = result.settings["estimation_window"]
    return {"estimation_window": f"{start} to {end}",
            "car_day0": float(car.at["[0,0]", "car"]), "p_day0": p_value_text(float(car.at["[0,0]", "p"])),
            "car_0_10": float(car.at["[0,+10]", "car"]), "p_0_10": p_value_text(float(car.at["[0,+10]", "p"]))}


def p_value_text(p: float) -> str:
    """Write a p-value for prose: three decimals, or "< 0.001"."""
    if pd.isna(p):
        return "not available"
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def valuation_numbers(subject: ValuationSubject, ratio: PriceToSales | None, comparison: pd.DataFrame,
                      years: pd.DataFrame, event_date: pd.Timestamp) -> dict[str, object]:
    """Return the valuation numbers and sentences the prose quotes."""
    accounts = subject.accounts
    name = company_name(subject.ticker)
    numbers: dict[str, object] = {"subject": subject.ticker, "subject_name": f"{name} ({subject.ticker})",
                                  "subject_note": subject.note}
    if ratio is not None:
        numbers["ps_sentence"] = (
            f"On {ratio.date:%d %B %Y} the market valued {name} at **{ratio.ratio:.1f} times** the revenue of its "
            f"four quarters {ratio.first_quarter} to {ratio.last_quarter} ({_bn(ratio.ttm_revenue)}; "
            f"{ratio.last_quarter} was {'taken as ' if ratio.published_assumed else ''}published on "
            f"{ratio.published:%d %B %Y}): a market value of "
            f"{_bn(ratio.market_value)}, from {ratio.shares.describe()} at an adjusted close of {ratio.price:.2f} "
            "USD.")
    else:
        notes = comparison.loc[(comparison["company"] == subject.ticker) & (comparison["when"] == "event date"), "note"]
        reason = f": {notes.iloc[0]}" if not notes.empty else ""
        numbers["ps_sentence"] = (f"{name}'s price-to-sales ratio at the event date cannot be computed from the "
                                  f"facts{reason}.")
    cisco = comparison[comparison["company"] == DOTCOM_STOCK].reset_index(drop=True)
    numbers.update({"cisco_ps_last_year": float(cisco.at[0, "price_to_sales"]),
                    "cisco_ps_last_year_basis": str(cisco.at[0, "revenue_basis"]),
                    "cisco_ps_containing_year": float(cisco.at[1, "price_to_sales"]),
                    "cisco_ps_containing_year_basis": str(cisco.at[1, "revenue_basis"]),
                    "cisco_peak_day": f"{cisco.at[0, 'date']:%d %B %Y}",
                    "cisco_market_value": float(cisco.at[0, "market_value"]),
                    "cisco_net_margin": float(cisco.at[1, "net_margin"])})
    margins = accounts.dropna(subset=["gross_margin"])
    known = margins[margins["published"] < event_date]
    span = (f"over the {len(margins)} quarters with a gross margin in the facts ({margins.index[0]} to "
            f"{margins.index[-1]}) it ranged from {100 * margins['gross_margin'].min():.1f} % to "
            f"{100 * margins['gross_margin'].max():.1f} %")
    if known.empty:
        numbers["gross_margin_sentence"] = f"No quarterly gross margin was published before the event date; {span}."
    else:
        last = known.index[-1]
        numbers["gross_margin_sentence"] = (
            f"The last quarterly gross margin published before the event, for {last}, was "
            f"**{100 * known.at[last, 'gross_margin']:.1f} %**; {span}.")
    try:
        year = fiscal_year_after(accounts, event_date)
        row = years.loc[year]
        margin = (f" and a net margin of **{100 * row['net_margin']:.1f} %**" if pd.notna(row["net_margin"])
                  else "; its net margin cannot be computed from the facts")
        numbers["fiscal_year_sentence"] = (
            f"For {year}, the first fiscal year to end after the event date, {name} later reported revenue of "
            f"{_bn(row['revenue'])}, growth of **{_pct(row['revenue_growth'])}** on the year before{margin}.")
    except (NotCheckable, KeyError):
        numbers["fiscal_year_sentence"] = (f"The facts do not yet hold {name}'s full accounts for the first fiscal "
                                           "year to end after the event date.")
    return numbers


def _level_phrase(lead: str, value: float, data_end: pd.Timestamp) -> str:
    """Say where a series stood relative to its peak, or that the data do not reach that far yet."""
    if pd.isna(value):
        return f"{lead}: not yet in the data (which end on {data_end:%d %B %Y})"
    return f"{lead} at {100 * value:.0f} % of the peak"


def overlay_sentences(summary: pd.DataFrame) -> str:
    """Return one Markdown bullet per overlay series: its peak, its level one and two years on, its worst drawdown."""
    lines = []
    for _, row in summary.iterrows():
        lines.append(f"- **{row['series']}** ({row['era']}, peak {row['peak']:%d %B %Y}): "
                     f"{_level_phrase('one year on', row['after_1y'], row['data_end'])}; "
                     f"{_level_phrase('two years on', row['after_2y'], row['data_end'])}; largest drawdown within "
                     f"the window {100 * row['max_drawdown']:.0f} % (trough {row['drawdown_trough']:%d %B %Y}).")
    return "\n".join(lines)


def volatility_sentence(summary: pd.DataFrame, params: BubbleParameters) -> str:
    """Say how realised volatility after the event compares with before, for focus and benchmark."""
    parts = []
    for symbol, row in summary.iterrows():
        if pd.isna(row["ratio"]):
            parts.append(f"{symbol}'s volatility after the event cannot be measured yet (fewer than "
                         f"{params.volatility_window} sessions of data after it)")
        else:
            parts.append(f"{symbol}'s realised volatility was {100 * row['before']:.0f} % a year in the "
                         f"{params.volatility_window} sessions before the event and {100 * row['after']:.0f} % in "
                         f"the {params.volatility_window} after (ratio {row['ratio']:.2f})")
    return "; ".join(parts) + "."


def sequoia_numbers(table: pd.DataFrame, question: SequoiaQuestion, annual: pd.DataFrame,
                    event_date: pd.Timestamp) -> dict[str, object]:
    """Return the numbers of Sequoia's question the prose quotes."""
    run_rate = implied_run_rate(question.amount)
    reached = table[table["run_rate"] >= run_rate]
    numbers: dict[str, object] = {
        "question_amount": question.amount / 1e9, "question_date": question.describe_date(),
        "implied_run_rate": run_rate / 1e9, "implied_quarter": run_rate / 4 / 1e9,
        "cost_multiple": SEQUOIA_COST_MULTIPLE, "end_user_margin": SEQUOIA_END_USER_MARGIN,
        "required_multiple": required_revenue(1.0),
    }
    numbers["reached_sentence"] = (
        f"Quarterly data-centre revenue first reached that level in **{reached.index[0]}** "
        f"({reached['data_centre_revenue'].iloc[0] / 1e9:.1f} bn USD, published "
        f"{reached['published'].iloc[0]:%d %B %Y})."
        if not reached.empty else "No quarter in the facts reaches that level.")
    known = table[table["published"] < event_date]
    if known.empty:
        numbers["event_sentence"] = "No quarter with data-centre revenue was published before the event date."
    else:
        last = known.index[-1]
        numbers["event_sentence"] = (
            f"On the event date the latest published quarter with data-centre revenue in the facts was {last}: "
            f"{known.at[last, 'data_centre_revenue'] / 1e9:.1f} bn USD, a run-rate of "
            f"{known.at[last, 'run_rate'] / 1e9:,.1f} bn and a required AI revenue of "
            f"**{known.at[last, 'required_revenue'] / 1e9:,.0f} bn USD** a year.")
    latest = table.index[-1]
    numbers["latest_quarter"] = latest
    numbers["latest_required"] = float(table.at[latest, "required_revenue"] / 1e9)
    numbers["latest_published"] = f"{table.at[latest, 'published']:%d %B %Y}"
    if not annual.empty:
        year = annual.index[-1]
        numbers["annual_sentence"] = (
            f"On a full fiscal year instead of a run-rate, {year}'s data-centre revenue of "
            f"{annual.at[year, 'data_centre_revenue'] / 1e9:,.1f} bn USD implies "
            f"{annual.at[year, 'required_revenue'] / 1e9:,.0f} bn USD.")
    return numbers


def approximation_sentence(prices: pd.Series, loss: DayLoss) -> str:
    """Say what the loss would be with the share count implied by the facts' latest year-end market value."""
    if loss.loss is None or loss.shares is None:
        return "Without a share count for the focus, no market value is computed."
    try:
        table = market_value_approximations(loss.ticker, prices)
    except NotCheckable as reason:
        return f"The share count cannot be checked against a market value: {reason}."
    earlier = table[table["period_end"] < loss.date]
    if earlier.empty:
        return "The facts give no fiscal-year-end market value before the event to check the share count against."
    year = earlier.index[-1]
    implied = calc.market_value_loss(float(earlier.at[year, "implied_shares"]), loss.previous_close, loss.close)
    return (f"With the share count implied by the facts' market value at the end of {year} "
            f"({earlier.at[year, 'implied_shares'] / 1e6:,.0f} m shares) instead of the weighted diluted count, "
            f"the loss would be **{_bn(implied)}** rather than {_bn(loss.loss)}; the adjusted close sat "
            f"{-100 * earlier.at[year, 'price_gap']:.2f} % below the quoted price at that year end.")


def megacap_sentence(data: ChapterData) -> str:
    """Say what share of the universe's market value the megacaps held, or why that cannot be computed."""
    try:
        share = megacap_share(data)
    except NotCheckable as reason:
        return f"The megacaps' share of the universe's market value cannot be computed: {reason}."
    return (f"The megacaps held {100 * share.iloc[-1]:.1f} % of the universe's market value on "
            f"{share.index[-1]:%d %B %Y}, against {100 * share.iloc[0]:.1f} % on {share.index[0]:%d %B %Y}.")


def ledger_row(claims: pd.DataFrame, measure: str, measured_only: bool = True) -> dict[str, str]:
    """Return the claimed and measured value, verdict and article of the first ledger claim checked with ``measure``.

    ``measured_only=False`` also accepts a claim the ledger could not check (its measured value is empty).
    """
    rows = claims[(claims["measure"] == measure) & ((claims["measured"] != "") | (not measured_only))]
    if rows.empty:
        raise NotCheckable(f"no ledger claim was measured with {measure!r}")
    row = rows.iloc[0]
    return {"id": str(row["id"]), "article": str(row["article"]), "claimed": str(row["claimed"]),
            "measured": str(row["measured"]), "verdict": str(row["verdict"]), "basis": str(row["basis"])}


def ledger_numbers(claims: pd.DataFrame) -> dict[str, object]:
    """Return the ledger's claimed and measured values the prose quotes, keyed ``ledger_<measure>_<field>``."""
    numbers: dict[str, object] = {}
    for measure in ("price_to_sales", "data_centre_gross_margin_ceiling", "data_centre_markup_ceiling",
                    "volatility_ratio", "market_value_loss", "revenue_peak_to_trough"):
        for field, value in ledger_row(claims, measure).items():
            numbers[f"ledger_{measure}_{field}"] = value
    for measure in ("fiscal_year_revenue_growth", "fiscal_year_net_margin"):
        for field, value in ledger_row(claims, measure, measured_only=False).items():
            numbers[f"ledger_{measure}_{field}"] = value
    record = claims[claims["measure"] == "market_value_loss"]
    numbers["articles_day"] = f"{pd.Timestamp(record['dates'].iloc[0]):%A %d %B %Y}"
    return numbers


def conclusion_sentences(params: BubbleParameters, loss: DayLoss, value_rank: tuple[int, int] | None,
                         subject: str, ratio: PriceToSales | None, comparison: pd.DataFrame,
                         overlay: pd.DataFrame, sequoia: pd.DataFrame, question: SequoiaQuestion) -> str:
    """Return the chapter's findings as Markdown bullets, each saying so where the data cannot answer."""
    name, day = company_name(params.focus), f"{params.event_date:%d %B %Y}"
    if loss.loss is None:
        record = f"its change in market value cannot be computed ({loss.why_no_value})"
    else:
        verb = "lost" if loss.loss > 0 else "gained"
        record = f"{verb} {_bn(abs(loss.loss))} of market value"
        if value_rank is not None:
            record += (f", rank {value_rank[0]:,} among its {value_rank[1]:,} sessions with a share count "
                       "(1 = the largest loss)")
    lines = [f"- **Record.** {name} moved {_pct(loss.change)} on {day} and {record}."]
    cisco = comparison[comparison["company"] == DOTCOM_STOCK]["price_to_sales"]
    cisco_text = (f"Cisco at its dot-com peak traded at no less than {cisco.iloc[0]:.1f} times its last reported "
                  f"annual revenue and {cisco.iloc[1]:.1f} times that of the fiscal year of the peak")
    valuation = (f"{company_name(subject)} traded at {ratio.ratio:.1f} times its trailing revenue on "
                 f"{ratio.date:%d %B %Y}" if ratio is not None
                 else f"{company_name(subject)}'s price to sales cannot be computed for the event date")
    lines.append(f"- **Valuation.** {valuation}; {cisco_text}.")
    focus_row, cisco_row = overlay.loc[params.focus], overlay.loc[DOTCOM_STOCK]
    lines.append(f"- **After the peak.** {name} (pre-event peak {focus_row['peak']:%d %B %Y}): "
                 f"{_level_phrase('one year on', focus_row['after_1y'], focus_row['data_end'])}, largest drawdown "
                 f"{100 * focus_row['max_drawdown']:.0f} % in the data. Cisco (peak {cisco_row['peak']:%d %B %Y}): "
                 f"{_level_phrase('one year on', cisco_row['after_1y'], cisco_row['data_end'])}, largest drawdown "
                 f"within {params.horizon_years} years {100 * cisco_row['max_drawdown']:.0f} %.")
    known = sequoia[sequoia["published"] < params.event_date]
    at_event = (f"with the data-centre revenue published by the event date ({known.index[-1]}) it comes to "
                f"{known['required_revenue'].iloc[-1] / 1e9:,.0f} bn USD a year" if not known.empty
                else "no data-centre revenue in the facts was published by the event date")
    lines.append(f"- **Sequoia's question.** Against the essay's {question.amount / 1e9:,.0f} bn USD, {at_event}; "
                 f"with the latest quarter in the facts ({sequoia.index[-1]}), "
                 f"{sequoia['required_revenue'].iloc[-1] / 1e9:,.0f} bn USD.")
    return "\n".join(lines)


def claim_counts(claims: pd.DataFrame, chapter: str = "10_bubble") -> dict[str, object]:
    """Return how many of the chapter's ledger claims got each verdict."""
    rows = claims[claims["chapter"] == chapter]
    counts = rows["verdict"].astype(str).value_counts()
    return {"n_claims": len(rows), **{f"n_{verdict.replace(' ', '_')}": int(counts.get(verdict, 0))
                                      for verdict in ("confirmed", "roughly right", "contradicted", "not checkable")}}


# ---------------------------------------------------------------- display helpers


def display_record(loss: DayLoss, own_rank: tuple[int, int], ranking: pd.DataFrame, params: BubbleParameters,
                   value_rank: tuple[int, int] | None) -> pd.DataFrame:
    """Return the record table: the focus's fall in percent and dollars and its ranks."""
    rows = {
        "previous adjusted close (USD)": round(loss.previous_close, 2),
        "adjusted close (USD)": round(loss.close, 2),
        "one-day return (%)": round(100 * loss.change, 2),
        "rank among own daily returns (1 = largest fall)": f"{own_rank[0]} of {own_rank[1]:,}",
        "rank among the universe's US stocks that day": (
            f"{int(ranking.at[params.focus, 'rank'])} of {len(ranking)}" if params.focus in ranking.index else "n/a"),
        "share count used": loss.shares.describe() if loss.shares else loss.why_no_value,
        "loss of market value (USD bn)": round(loss.loss / 1e9, 1) if loss.loss is not None else "n/a",
        "rank among own one-day market-value losses": (f"{value_rank[0]} of {value_rank[1]:,}" if value_rank
                                                        else "n/a"),
    }
    return pd.DataFrame({"value": [str(v) for v in rows.values()]}, index=pd.Index(list(rows), name="measure"))


def display_universe_ranking(ranking: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Return the ``n`` largest event-day falls among the universe's US stocks, in percent."""
    shown = ranking.head(n).copy()
    shown["return"] = (100 * shown["return"]).round(2)
    shown["group"] = shown["group"].astype(str)
    return shown.rename(columns={"name": "Name", "group": "Group", "return": "Return (%)", "rank": "Rank"})


def display_value_records(records: pd.DataFrame) -> pd.DataFrame:
    """Return market-value losses for reading: USD bn and percent (ranked if ``rank`` is a column)."""
    shown = records.copy()
    if "rank" not in shown.columns:
        shown.insert(0, "rank", range(1, len(shown) + 1))
    shown["date"] = shown["date"].dt.strftime("%Y-%m-%d")
    shown["return"] = (100 * shown["return"]).round(2)
    shown["loss"] = (shown["loss"] / 1e9).round(1)
    return shown.rename(columns={"rank": "Rank", "ticker": "Ticker", "name": "Name", "date": "Date",
                                 "return": "Return (%)", "loss": "Loss (USD bn)"}).set_index("Rank")


def display_index_records(records: pd.DataFrame) -> pd.DataFrame:
    """Return the indices' largest falls for reading, with falls undone the next session marked."""
    shown = records.copy()
    shown["date"] = shown["date"].dt.strftime("%Y-%m-%d")
    for column in ("previous_close", "close", "next_close"):
        shown[column] = shown[column].round(2)
    shown["return"] = (100 * shown["return"]).round(2)
    shown["undone_next_day"] = np.where(shown["undone_next_day"], "undone the next session", "")
    return shown.rename(columns={"index": "Index", "rank": "Rank", "date": "Date", "previous_close": "Previous close",
                                 "close": "Close", "return": "Return (%)", "next_close": "Next close",
                                 "undone_next_day": "Note"}).set_index(["Index", "Rank"])


def display_event_study(result: EventStudyResult) -> pd.DataFrame:
    """Return the focus's CAR per window with its single-firm t-test and bootstrap interval (percent)."""
    car = result.car
    return pd.DataFrame({
        "Window": car["window"], "Days": car["n_days"], "CAR (%)": (100 * car["car"]).round(2),
        "t": car["t"].round(2), "p": car["p"].round(4),
        "95 % bootstrap interval (%)": [f"{100 * lo:.2f} to {100 * hi:.2f}" for lo, hi
                                        in zip(car["boot_lo"], car["boot_hi"], strict=True)],
    }).set_index("Window")


def approximation_table(ticker: str, prices: pd.Series) -> pd.DataFrame:
    """Return :func:`market_value_approximations` for reading, or why the facts cannot give it."""
    return or_reason(lambda: display_approximations(market_value_approximations(ticker, prices)))


def display_approximations(table: pd.DataFrame) -> pd.DataFrame:
    """Return the market-value approximation check for reading."""
    return pd.DataFrame({
        "Year end": table["period_end"].dt.strftime("%Y-%m-%d"),
        "Market value in the facts (USD bn)": (table["market_value"] / 1e9).round(1),
        "Implied shares (m)": (table["implied_shares"] / 1e6).round(0),
        "Weighted diluted shares (m)": (table["diluted_shares"] / 1e6).round(0),
        "Count above implied (%)": (100 * table["count_gap"]).round(2),
        "Adjusted close (USD)": table["adjusted_close"].round(2),
        "Price in the facts (USD)": table["quoted_price"].round(2),
        "Adjusted below quoted (%)": (-100 * table["price_gap"]).round(2),
    })


def display_valuation(comparison: pd.DataFrame) -> pd.DataFrame:
    """Return the valuation comparison for reading: USD bn, ratio, percent."""
    shown = pd.DataFrame({
        "Company": comparison["company"], "When": comparison["when"],
        "Date": pd.to_datetime(comparison["date"]).dt.strftime("%Y-%m-%d"),
        "Market value (USD bn)": (comparison["market_value"] / 1e9).round(1),
        "Revenue (USD bn)": (comparison["revenue"] / 1e9).round(1),
        "Revenue basis": comparison["revenue_basis"].fillna(""),
        "Price to sales": comparison["price_to_sales"].round(1),
        "Net margin (%)": (100 * comparison["net_margin"]).round(1),
        "Note": comparison["note"],
    })
    return shown.set_index(["Company", "When"])


def display_quarters(accounts: pd.DataFrame) -> pd.DataFrame:
    """Return the quarterly accounts for reading: USD bn and percent."""
    return pd.DataFrame({
        "Quarter end": accounts["period_end"].dt.strftime("%Y-%m-%d"),
        "Published": accounts["published"].dt.strftime("%Y-%m-%d"),
        "Revenue (USD bn)": (accounts["revenue"] / 1e9).round(2),
        "Growth on a year (%)": (100 * accounts["revenue_growth"]).round(1),
        "Gross margin (%)": (100 * accounts["gross_margin"]).round(1),
        "Net margin (%)": (100 * accounts["net_margin"]).round(1),
        "Data-centre revenue (USD bn)": (accounts["data_centre_revenue"] / 1e9).round(2),
    })


def display_fiscal_years(years: pd.DataFrame) -> pd.DataFrame:
    """Return the annual figures for reading."""
    return pd.DataFrame({
        "Revenue (USD bn)": (years["revenue"] / 1e9).round(1),
        "Growth (%)": (100 * years["revenue_growth"]).round(1),
        "Net income (USD bn)": (years["net_income"] / 1e9).round(1),
        "Net margin (%)": (100 * years["net_margin"]).round(1),
    })


def display_overlay(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the overlay summary for reading: levels in percent of the peak."""
    def date_text(values: pd.Series) -> pd.Series:
        return pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")

    return pd.DataFrame({
        "Series": summary["series"], "Era": summary["era"], "Peak": date_text(summary["peak"]),
        "One year on (% of peak)": (100 * summary["after_1y"]).round(1),
        "Two years on (% of peak)": (100 * summary["after_2y"]).round(1),
        "Lowest (% of peak)": (100 * summary["lowest"]).round(1), "Lowest on": date_text(summary["lowest_on"]),
        "Largest drawdown (%)": (100 * summary["max_drawdown"]).round(1),
        "Data end": date_text(summary["data_end"]),
    }).set_index("Series")


def display_volatility(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the volatility summary for reading: annualised percent and the after/before ratio."""
    shown = (100 * summary[["before", "after"]]).round(1)
    shown["ratio"] = summary["ratio"].round(2)
    return shown.rename(columns={"before": "Before (% a year)", "after": "After (% a year)",
                                 "ratio": "After / before"})


def display_sequoia(table: pd.DataFrame) -> pd.DataFrame:
    """Return Sequoia's arithmetic for reading, USD bn."""
    return pd.DataFrame({
        "Quarter end": table["period_end"].dt.strftime("%Y-%m-%d"),
        "Published": table["published"].dt.strftime("%Y-%m-%d"),
        "Data-centre revenue (USD bn)": (table["data_centre_revenue"] / 1e9).round(2),
        "Run-rate x4 (USD bn)": (table["run_rate"] / 1e9).round(1),
        "Data-centre spending x2 (USD bn)": (table["spending"] / 1e9).round(1),
        "Required AI revenue (USD bn)": (table["required_revenue"] / 1e9).round(1),
    })
