"""The registered measures: each computes one kind of claimed value from the data layer.

Market measures read the snapshot through :mod:`deepseek_monday.data.prices` and
:mod:`deepseek_monday.data.returns` (adjusted closes for US stocks and ETFs, so their returns
are total returns; closes for indices, Bitcoin and FX). Company measures read
:mod:`deepseek_monday.data.facts`. Returns, shares and margins come out in percent. Nothing
here knows a claimed value: the measures only measure.

Conventions stated once:

- *Known at the time*: a fiscal quarter counts as known on a date when the facts'
  event timeline has Nvidia's results for it before that date (``events.csv``, rows
  "Nvidia Qn FYyyyy results").
- *Levels* (a market value, a price-to-sales ratio, a dollar loss) are never computed from
  dividend-adjusted closes. A level is a printed-close price level
  (:func:`deepseek_monday.measures.levels.level_on`: the printed close in the facts, or the
  adjusted close rescaled to the nearest one) times the filing cover share count that applies
  that day (:func:`~deepseek_monday.measures.levels.count_on`: ``shares_outstanding`` rows,
  classes added, dated within six months). Annual weighted diluted counts are not used: the
  facts README says the two kinds of count are not to be mixed. These are the bubble chapter's
  levels, so the ledger and the chapter give one number for one question.
- Where a company has no printed close in the facts, its adjusted close is not a level: it only
  bounds the printed close from below (the snapshot's adjustment scales past closes down by the
  dividends paid since). A measure then returns that bound, marked as such, or is not checkable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from deepseek_monday.claims import calculations as calc
from deepseek_monday.claims.catalogue import Claim
from deepseek_monday.claims.registry import Measurement, NotCheckable, measure
from deepseek_monday.data.facts import fundamentals, load_ai_compute, load_events
from deepseek_monday.data.prices import Snapshot, load_snapshot, price_panel
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.data.spikes import without_flagged
from deepseek_monday.data.universe import load_universe
from deepseek_monday.errors import DataValidationError
from deepseek_monday.measures.levels import count_on, level_on, outstanding_counts, printed_closes, value_loss
from deepseek_monday.present.tables import MINUS, format_number

# ---------------------------------------------------------------- market data access


@dataclass(frozen=True)
class MarketData:
    """The snapshot with every symbol's prices and returns, loaded once per evaluation."""

    snapshot: Snapshot
    prices: pd.DataFrame
    returns: pd.DataFrame


@cache
def market_data() -> MarketData:
    """Return the market data (cached; :func:`refresh_market_data` reloads it)."""
    return MarketData(load_snapshot(), price_panel(), daily_returns())


def refresh_market_data() -> None:
    """Forget the cached market data, so the next measure reads the snapshot again."""
    market_data.cache_clear()
    _ohlc.cache_clear()


def _prices(symbol: str) -> pd.Series:
    """The price a symbol's returns come from, on its own rows."""
    return market_data().prices[symbol].dropna()


def _returns(symbol: str) -> pd.Series:
    """Daily returns on the symbol's own sessions (a session after a missing one has none)."""
    return market_data().returns[symbol].dropna()


@cache
def _ohlc(symbol: str) -> pd.DataFrame:
    """Open, high, low and close of a symbol (indices only; stocks have no OHLC)."""
    prices = market_data().snapshot.prices
    rows = prices[prices["symbol"] == symbol]
    return rows.set_index("date")[["open", "high", "low", "close"]]


def _price_kind(symbol: str) -> str:
    column = market_data().snapshot.manifest.at[symbol, "price_column"]
    return "adjusted close" if column == "adj_close" else "close"


def _pct(fraction: float) -> str:
    return f"{format_number(100 * fraction, 2, signed=True)} %"


def _session_return(symbol: str, date: pd.Timestamp) -> float:
    return calc.row_on(_returns(symbol), date, f"{symbol} return series")


def day_low_move(symbol: str, date: pd.Timestamp) -> float:
    """Return the day's low of an index relative to the previous close, in percent."""
    ohlc = _ohlc(symbol)
    return float(100 * calc.move_from_previous_close(ohlc["close"].dropna(), ohlc["low"], date))


def day_range_move(symbol: str, date: pd.Timestamp) -> tuple[float, float] | None:
    """Return the day's low and high relative to the previous close, in percent (None without OHLC)."""
    ohlc = _ohlc(symbol)
    if date not in ohlc.index or ohlc.loc[date, ["low", "high"]].isna().any():
        return None
    close = ohlc["close"].dropna()
    return (100 * calc.move_from_previous_close(close, ohlc["low"], date),
            100 * calc.move_from_previous_close(close, ohlc["high"], date))


def _intraday_low_note(symbol: str, date: pd.Timestamp) -> str:
    """Say how far the day's low lay from the previous close, where the series has lows."""
    ohlc = _ohlc(symbol)
    if date not in ohlc.index or pd.isna(ohlc.at[date, "low"]):
        return ""
    return f"; the day's low was {day_low_move(symbol, date):+.2f} % from the previous close"


# ---------------------------------------------------------------- market measures


@measure("session_return", unit="percent")
def session_return(claim: Claim) -> Measurement:
    """Close-to-close return of one instrument on one session."""
    symbol, date = claim.symbol, claim.date
    value = _session_return(symbol, date)
    basis = (f"{symbol} {_price_kind(symbol)} on {date:%Y-%m-%d} against the previous session"
             f"{_intraday_low_note(symbol, date)}")
    return Measurement(100 * value, basis, day_range=day_range_move(symbol, date))


def _basket_returns(claim: Claim) -> pd.Series:
    return pd.Series({symbol: _session_return(symbol, claim.date) for symbol in claim.symbols})


@measure("basket_highest_return", unit="percent")
def basket_highest_return(claim: Claim) -> Measurement:
    """Best session return among several instruments (all fell if it is negative)."""
    returns = _basket_returns(claim)
    listed = ", ".join(f"{s} {_pct(r)}" for s, r in returns.sort_values().items())
    return Measurement(100 * returns.max(), f"returns on {claim.date:%Y-%m-%d}: {listed}")


@measure("basket_lowest_return", unit="percent")
def basket_lowest_return(claim: Claim) -> Measurement:
    """Worst session return among several instruments (the largest loss)."""
    returns = _basket_returns(claim)
    listed = ", ".join(f"{s} {_pct(r)}" for s, r in returns.sort_values().items())
    return Measurement(100 * returns.min(), f"returns on {claim.date:%Y-%m-%d}: {listed}")


@measure("intraday_move", unit="percent")
def intraday_move(claim: Claim) -> Measurement:
    """The day's low or high of an index relative to the previous close.

    Argument ``level``: ``low`` (default) or ``high``.
    """
    level = claim.arg("level", "low")
    ohlc = _ohlc(claim.symbol)
    if ohlc[level].isna().all():
        raise NotCheckable(f"{claim.symbol} has no intraday {level} in the snapshot")
    value = calc.move_from_previous_close(ohlc["close"].dropna(), ohlc[level], claim.date)
    return Measurement(100 * value, f"{claim.symbol} intraday {level} on {claim.date:%Y-%m-%d} "
                                    f"against the previous close (daily bars: the time of day is unknown)")


@measure("close_level", unit=None)
def close_level(claim: Claim) -> Measurement:
    """Closing level of an index (points) or an unadjusted price (USD) on one day."""
    symbol, date = claim.symbol, claim.date
    if _price_kind(symbol) != "close":
        raise NotCheckable(f"{symbol} carries adjusted closes only, not printed levels")
    ohlc = _ohlc(symbol)
    value = calc.row_on(ohlc["close"], date, f"{symbol} close")
    span, day_range = "", None
    if not pd.isna(ohlc.at[date, "low"]):
        span = f"; the day's range was {ohlc.at[date, 'low']:,.2f}-{ohlc.at[date, 'high']:,.2f}"
        day_range = (float(ohlc.at[date, "low"]), float(ohlc.at[date, "high"]))
    return Measurement(value, f"{symbol} close on {date:%Y-%m-%d}{span}", day_range=day_range)


@measure("record_high", unit="index_points")
def record_high(claim: Claim) -> Measurement:
    """Highest intraday high of an index up to and including a date, and when it was set."""
    highs = _ohlc(claim.symbol)["high"].loc[: claim.date].dropna()
    if highs.empty:
        raise NotCheckable(f"{claim.symbol} has no intraday highs up to {claim.date:%Y-%m-%d}")
    return Measurement(float(highs.max()), f"{claim.symbol} highest intraday high up to {claim.date:%Y-%m-%d}, "
                                           f"set on {highs.idxmax():%Y-%m-%d}")


@measure("window_return", unit="percent")
def window_return(claim: Claim) -> Measurement:
    """Compounded return over a window, from the close on its start to the close on its end."""
    start, end = claim.window
    value, base, last = calc.return_between(_prices(claim.symbol), start, end)
    return Measurement(100 * value, f"{claim.symbol} {_price_kind(claim.symbol)} from {base:%Y-%m-%d} "
                                    f"to {last:%Y-%m-%d}")


@measure("basket_lowest_excess_return", unit="percent")
def basket_lowest_excess_return(claim: Claim) -> Measurement:
    """Smallest excess return of several instruments over a benchmark in a window.

    Argument ``benchmark``: the benchmark's symbol.
    """
    start, end = claim.window
    benchmark = claim.arg("benchmark")
    reference, base, last = calc.return_between(_prices(benchmark), start, end)
    excess = pd.Series({s: calc.return_between(_prices(s), start, end)[0] - reference for s in claim.symbols})
    listed = ", ".join(f"{s} {_pct(e)}" for s, e in excess.sort_values().items())
    return Measurement(100 * excess.min(), f"total returns {base:%Y-%m-%d}..{last:%Y-%m-%d} minus the "
                                           f"{benchmark} {_price_kind(benchmark)} return ({_pct(reference)}, "
                                           f"dividends not included): {listed}")


@measure("drawdown_from_high", unit="percent")
def drawdown_from_high(claim: Claim) -> Measurement:
    """Distance of the price on a date below its high of an earlier period.

    Arguments ``high_from`` and ``high_to``: the period of the high.
    """
    value, high_date, day = calc.drawdown_from_high(_prices(claim.symbol), pd.Timestamp(claim.arg("high_from")),
                                                    pd.Timestamp(claim.arg("high_to")), claim.date)
    return Measurement(100 * value, f"{claim.symbol} {_price_kind(claim.symbol)} on {day:%Y-%m-%d} against "
                                    f"its high of {high_date:%Y-%m-%d}")


@measure("largest_fall_since", unit="date")
def largest_fall_since(claim: Claim) -> Measurement:
    """Latest earlier session with a fall at least as large (over several instruments: the latest)."""
    # Suspected bad prints (deepseek_monday.data.spikes) are not falls on record.
    ranked = without_flagged(market_data().returns[list(claim.symbols)])
    found = {s: calc.previous_larger_fall(ranked[s].dropna(), claim.date) for s in claim.symbols}
    if any(date is None for date in found.values()):
        worst = [s for s, date in found.items() if date is None]
        raise NotCheckable(f"{', '.join(worst)}: the fall on {claim.date:%Y-%m-%d} is the largest on record")
    listed = ", ".join(f"{s} {_pct(_session_return(s, claim.date))} (last as large on {d:%Y-%m-%d})"
                       for s, d in found.items())
    return Measurement(max(found.values()), listed)


@measure("share_of_group_beyond", unit="percent")
def share_of_group_beyond(claim: Claim) -> Measurement:
    """Share of the universe's stocks in some groups whose session return is beyond a threshold.

    Arguments: ``groups`` (``a|b``), ``side`` (``below``/``above``), ``threshold`` (percent),
    ``exclude`` (symbols, optional). Only ``kind == stock`` rows count (no ETFs or indices).
    """
    universe = load_universe()
    groups, exclude = claim.arg_list("groups"), set(claim.arg_list("exclude") if "exclude" in claim.args else [])
    members = [s for s in universe.index
               if universe.at[s, "group"] in groups and universe.at[s, "kind"] == "stock" and s not in exclude]
    returns = pd.Series({s: _session_return(s, claim.date) for s in members})
    threshold, side = float(claim.arg("threshold")) / 100, claim.arg("side")
    share = calc.share_beyond(returns, threshold, side)
    hits = returns[returns < threshold] if side == "below" else returns[returns > threshold]
    counted = (f"none of the {len(returns)} stocks" if hits.empty
               else f"{len(hits)} of the {len(returns)} stocks")
    listed = f": {', '.join(hits.index)}" if not hits.empty else ""
    return Measurement(100 * share, f"{counted} in {' + '.join(groups)} (universe) returned {side} "
                                    f"{_pct(threshold)} on {claim.date:%Y-%m-%d}{listed}")


@measure("volatility_ratio", unit="ratio")
def volatility_ratio(claim: Claim) -> Measurement:
    """Volatility of daily returns in the ``sessions`` after a date over the ``sessions`` before."""
    sessions = int(claim.arg("sessions"))
    value = calc.volatility_ratio(_returns(claim.symbol), claim.date, sessions)
    return Measurement(value, f"{claim.symbol}: standard deviation of the {sessions} daily returns after "
                              f"{claim.date:%Y-%m-%d} over that of the {sessions} before (event day excluded)")


# ---------------------------------------------------------------- company facts

_NVIDIA_RESULTS = re.compile(r"^Nvidia Q([1-4]) FY(\d{4}) results")


def latest_reported_quarter(date: pd.Timestamp) -> tuple[str, pd.Timestamp]:
    """Return Nvidia's latest fiscal quarter with results published before ``date``, and the publication date."""
    events = load_events()
    reported = []
    for _, row in events[(events["category"] == "earnings") & (events["date"] < date)].iterrows():
        match = _NVIDIA_RESULTS.match(row["event"])
        if match:
            reported.append((f"FY{match.group(2)}Q{match.group(1)}", row["date"]))
    if not reported:
        raise NotCheckable(f"the event timeline has no Nvidia results before {date:%Y-%m-%d}")
    return max(reported, key=lambda item: item[1])


def _quarterly(metric: str, unit: str) -> pd.DataFrame:
    rows = fundamentals("NVDA", metric, unit)
    rows = rows[rows["fiscal_period"].str.fullmatch(r"FY\d{4}Q[1-4]")].drop_duplicates("fiscal_period")
    return rows.reset_index(drop=True)


def _value_for(metric: str, unit: str, fiscal_period: str) -> float:
    rows = fundamentals("NVDA", metric, unit)
    rows = rows[rows["fiscal_period"] == fiscal_period].drop_duplicates("fiscal_period")
    if rows.empty:
        raise NotCheckable(f"the facts have no Nvidia {metric} for {fiscal_period}")
    return float(rows["value"].iloc[0])


@measure("market_value_loss", unit="USD_billions")
def market_value_loss(claim: Claim) -> Measurement:
    """Fall in Nvidia's market value on a session, at printed closes: the book's one computation of it.

    :func:`deepseek_monday.measures.levels.value_loss`: the filing cover count that applies that day
    times the fall of the printed-close level (never the dividend-adjusted close).
    """
    loss = value_loss("NVDA", claim.date, _prices("NVDA"))
    shares = f"{loss.count.shares / 1e6:,.0f} m shares (filing cover count as of {loss.count.as_of:%Y-%m-%d})"
    return Measurement(loss.loss / 1e9, f"{shares} x ({loss.previous_close:.2f} {MINUS} {loss.close:.2f} USD, "
                                        f"printed-close levels of {loss.previous_date:%Y-%m-%d} and "
                                        f"{loss.date:%Y-%m-%d})")


@measure("price_to_sales", unit="ratio")
def price_to_sales(claim: Claim) -> Measurement:
    """Nvidia's market value at printed levels on a date over the revenue of the four quarters reported before it.

    Market value: the cover share count that applies that day times the printed-close level of the last
    session on or before the date (the bubble chapter's trailing price-to-sales, same count, level and revenue).
    """
    date = claim.date
    quarter, published = latest_reported_quarter(date)
    revenue = _quarterly("revenue", "USD")
    positions = revenue.index[revenue["fiscal_period"] == quarter]
    if positions.empty or positions[0] < 3:
        raise NotCheckable(f"fewer than four quarters of revenue up to {quarter}")
    four = revenue.loc[positions[0] - 3: positions[0]]
    if (four["period_end"].diff().dt.days.iloc[1:] > 100).any():
        raise NotCheckable(f"the four quarters up to {quarter} are not consecutive in the facts")
    adjusted = _prices("NVDA")
    day = calc.last_row_on_or_before(adjusted, date, "NVDA prices")
    level = level_on(adjusted, "NVDA", day)
    count = count_on(outstanding_counts("NVDA"), day, "NVDA")
    value = count.shares * level.price
    return Measurement(value / four["value"].sum(),
                       f"{count.describe()} x {level.describe()} = {value / 1e12:,.2f} tn USD over revenue "
                       f"{four['fiscal_period'].iloc[0]}-{quarter} ({four['value'].sum() / 1e9:,.1f} bn USD; "
                       f"{quarter} published {published:%Y-%m-%d})")


def _data_centre_ceiling(date: pd.Timestamp) -> tuple[float, str]:
    quarter, published = latest_reported_quarter(date)
    gross_profit = _value_for("gross_profit", "USD_millions", quarter)
    data_centre = _value_for("data_center_revenue", "USD_millions", quarter)
    revenue = _value_for("revenue", "USD_millions", quarter)
    ceiling = calc.gross_margin_ceiling(gross_profit, data_centre)
    basis = (f"{quarter} (published {published:%Y-%m-%d}): company gross profit {gross_profit:,.0f} m USD over "
             f"data-centre revenue {data_centre:,.0f} m USD, assuming no other segment made a gross loss; "
             f"the company-wide gross margin was {100 * gross_profit / revenue:.1f} %")
    return ceiling, basis


@measure("data_centre_gross_margin_ceiling", unit="percent")
def data_centre_gross_margin_ceiling(claim: Claim) -> Measurement:
    """Highest data-centre gross margin consistent with Nvidia's reported gross profit."""
    ceiling, basis = _data_centre_ceiling(claim.date)
    return Measurement(100 * ceiling, basis, bound="upper", bound_of="Nvidia's whole data-centre segment")


@measure("data_centre_markup_ceiling", unit="ratio")
def data_centre_markup_ceiling(claim: Claim) -> Measurement:
    """Highest data-centre price-to-cost ratio consistent with Nvidia's reported gross profit."""
    ceiling, basis = _data_centre_ceiling(claim.date)
    return Measurement(calc.markup_ceiling(ceiling), f"1 / (1 - margin ceiling {100 * ceiling:.1f} %); {basis}",
                       bound="upper", bound_of="Nvidia's whole data-centre segment")


@measure("revenue_peak_to_trough", unit="percent")
def revenue_peak_to_trough(claim: Claim) -> Measurement:
    """Largest fall of Nvidia's quarterly revenue from an earlier quarterly peak, up to a date."""
    quarter, published = latest_reported_quarter(claim.date)
    revenue = _quarterly("revenue", "USD_millions")
    last_end = revenue.loc[revenue["fiscal_period"] == quarter, "period_end"].max()
    revenue = revenue[revenue["period_end"] <= last_end].set_index("period_end")["value"]
    fall, peak, trough = calc.worst_peak_to_trough(revenue)
    return Measurement(100 * fall, f"quarterly revenue {revenue.loc[peak]:,.0f} m USD (quarter ended "
                                   f"{peak:%Y-%m-%d}) to {revenue.loc[trough]:,.0f} m USD ({trough:%Y-%m-%d}); "
                                   f"{len(revenue)} quarters in the facts, the last {quarter} "
                                   f"(published {published:%Y-%m-%d})")


def _annual_revenue(fiscal_year: str) -> float:
    return _value_for("revenue", "USD_millions", fiscal_year)


@measure("fiscal_year_revenue_growth", unit="percent")
def fiscal_year_revenue_growth(claim: Claim) -> Measurement:
    """Nvidia's revenue growth in a fiscal year, as reported afterwards.

    Argument ``fiscal_year``: ``FYyyyy``.
    """
    year = claim.arg("fiscal_year")
    previous = f"FY{int(year[2:]) - 1}"
    current, before = _annual_revenue(year), _annual_revenue(previous)
    return Measurement(100 * (current / before - 1), f"reported revenue {year} {current:,.0f} m USD against "
                                                     f"{previous} {before:,.0f} m USD")


@measure("fiscal_year_net_margin", unit="percent")
def fiscal_year_net_margin(claim: Claim) -> Measurement:
    """Nvidia's net margin in a fiscal year: net income (sum of its quarters) over annual revenue."""
    year = claim.arg("fiscal_year")
    income = _quarterly("net_income", "USD_millions")
    quarters = income[income["fiscal_period"].str.startswith(f"{year}Q")]
    if len(quarters) != 4:
        raise NotCheckable(f"the facts hold {len(quarters)} of the four quarters of {year} net income")
    revenue = _annual_revenue(year)
    return Measurement(100 * quarters["value"].sum() / revenue,
                       f"net income of the four quarters of {year} ({quarters['value'].sum():,.0f} m USD) over "
                       f"revenue {revenue:,.0f} m USD, as reported afterwards")


@measure("guided_range", unit=None)
def guided_range(claim: Claim) -> Measurement:
    """A range a company gave (low and high rows of the facts), in the claim's unit; the value is the low end.

    Arguments ``ticker``, ``metric`` (the rows ``<metric>_low`` and ``<metric>_high``) and ``fiscal_period``.
    """
    ends = []
    for end in ("low", "high"):
        rows = fundamentals(claim.arg("ticker"), f"{claim.arg('metric')}_{end}", claim.unit)
        rows = rows[rows["fiscal_period"] == claim.arg("fiscal_period")]
        if rows.empty:
            raise NotCheckable(f"no {claim.arg('metric')}_{end} for {claim.arg('ticker')} {claim.arg('fiscal_period')}")
        ends.append(float(rows["value"].iloc[0]))
    secondary = " (secondary source)" if rows["secondary_source"].iloc[0] else ""
    return Measurement(ends[0], f"{claim.arg('ticker')} {claim.arg('metric')} {claim.arg('fiscal_period')}: "
                                f"{ends[0]:g} to {ends[1]:g} in the facts{secondary}", day_range=(ends[0], ends[1]))


# ---------------------------------------------------------------- AI training facts


def _model_row(model: str) -> pd.Series:
    """Return the row of ``ai_compute.csv`` named ``model`` (or the one row whose name starts with it)."""
    compute = load_ai_compute()
    rows = compute[compute["model"] == model]
    if rows.empty:
        rows = compute[compute["model"].str.startswith(model)]
    if rows.empty:
        raise NotCheckable(f"ai_compute.csv has no row {model!r}")
    if len(rows) > 1:
        raise DataValidationError(f"{len(rows)} rows of ai_compute.csv start with {model!r}")
    return rows.iloc[0]


def _run_scope(row: pd.Series) -> str:
    """Name what a cost row of ``ai_compute.csv`` is the cost of: a training run, not a model's development."""
    return f"the {row['model']} training run"


@measure("training_cost", unit="USD_millions")
def training_cost(claim: Claim) -> Measurement:
    """Reported training cost of a model.

    Argument ``model``: a row of ``ai_compute.csv``.
    """
    row = _model_row(claim.arg("model"))
    if pd.isna(row["reported_cost_usd"]):
        raise NotCheckable(f"no reported cost for {row['model']}")
    basis = f"{row['model']}: reported cost in ai_compute.csv"
    if pd.notna(row["gpu_hours"]) and row["gpu_type"]:
        basis += f" ({row['gpu_hours']:,.0f} {row['gpu_type']} GPU-hours)"
    if row["estimate"]:
        return Measurement(row["reported_cost_usd"] / 1e6, f"{basis} (an estimate)", scope=_run_scope(row))
    return Measurement(row["reported_cost_usd"] / 1e6, f"{basis}: the cost of this training run as reported, "
                                                       "not what developing the model cost", scope=_run_scope(row))


@measure("training_cost_floor", unit="USD_millions")
def training_cost_floor(claim: Claim) -> Measurement:
    """Sum of the reported costs of the training runs a model rests on: a lower bound on what developing it cost.

    Argument ``models``: rows of ``ai_compute.csv`` (``a|b``; a unique prefix of a name suffices), runs that do
    not overlap (never a total with its own stages).
    """
    rows = [_model_row(model) for model in claim.arg_list("models")]
    missing = [row["model"] for row in rows if pd.isna(row["reported_cost_usd"])]
    if missing:
        raise NotCheckable(f"no reported cost for {', '.join(missing)}")
    total = sum(float(row["reported_cost_usd"]) for row in rows) / 1e6
    listed = " + ".join(f"{row['model']} {row['reported_cost_usd'] / 1e6:.3f} m USD" for row in rows)
    return Measurement(total, f"{listed} (ai_compute.csv); research, experiments, staff and hardware come on top",
                       bound="lower")


@measure("training_ratio", unit="ratio")
def training_ratio(claim: Claim) -> Measurement:
    """Ratio of one model's training figure (GPUs, GPU-hours or cost) to another's.

    Arguments ``model``, ``reference`` (rows of ``ai_compute.csv``) and ``field``: ``gpu_count``,
    ``gpu_hours`` or ``reported_cost_usd``.
    """
    field = claim.arg("field")
    if field not in ("gpu_count", "gpu_hours", "reported_cost_usd"):
        raise DataValidationError(f"claim {claim.id}: training_ratio cannot compare {field!r}")
    model, reference = _model_row(claim.arg("model")), _model_row(claim.arg("reference"))
    if pd.isna(model[field]) or pd.isna(reference[field]):
        raise NotCheckable(f"{field} is missing for {model['model']} or {reference['model']}")
    return Measurement(float(model[field] / reference[field]),
                       f"{field}: {model['model']} {model[field]:,.0f} over {reference['model']} "
                       f"{reference[field]:,.0f}" + (" (an estimate)" if reference["estimate"] else ""))


@measure("training_gpu_type", unit="text")
def training_gpu_type(claim: Claim) -> Measurement:
    """GPU model a training run used.

    Argument ``model``: a row of ``ai_compute.csv``.
    """
    row = _model_row(claim.arg("model"))
    return Measurement(row["gpu_type"], f"{row['model']}: {row['gpu_count']:,.0f} x {row['gpu_type']} "
                                        "in ai_compute.csv (the H800 is the export-compliant H100 variant)")


def _has_printed_close(symbol: str) -> bool:
    try:
        printed_closes(symbol)
    except NotCheckable:
        return False
    return True


def _market_value(symbol: str, date: pd.Timestamp) -> tuple[float, str]:
    """Return a symbol's market value (USD) at the close of ``date`` and its basis.

    At printed levels; without a printed close in the facts, a lower bound: cover count x adjusted close.
    """
    adjusted = _prices(symbol)
    calc.row_on(adjusted, date, f"{symbol} price")
    count = count_on(outstanding_counts(symbol), date, symbol)
    if _has_printed_close(symbol):
        level = level_on(adjusted, symbol, date)
        value = count.shares * level.price
        return value, f"{symbol} {count.describe()} x {level.describe()} = {value / 1e12:.2f} tn USD"
    price = float(adjusted.loc[date])
    value = count.shares * price
    return value, (f"{symbol} {count.describe()} x adjusted close {price:.2f} USD = at least {value / 1e12:.2f} tn "
                   f"USD (the facts hold no {symbol} printed close; the adjusted close sits below it by the "
                   "dividends paid since)")


@measure("market_value_ratio", unit="ratio")
def market_value_ratio(claim: Claim) -> Measurement:
    """Market value of the first symbol over the second's at a close, at printed levels.

    Each side: the cover share count that applies that day times the printed-close level. Where only
    one side has a printed close in the facts, the other's adjusted close bounds its market value from
    below, so the ratio is a bound (lower if the first side lacks it, upper if the second does); where
    neither has one, the claim is not checkable at printed levels.
    """
    if len(claim.symbols) != 2:
        raise DataValidationError(f"claim {claim.id}: market_value_ratio compares two symbols")
    first, second = claim.symbols
    missing = [symbol for symbol in claim.symbols if not _has_printed_close(symbol)]
    if len(missing) == 2:
        raise NotCheckable(f"the facts hold no printed close for {first} or {second}, so neither market value "
                           "can be computed at printed levels (an adjusted close is not a price level)")
    (top, top_basis), (bottom, bottom_basis) = _market_value(first, claim.date), _market_value(second, claim.date)
    basis = f"{top_basis}; {bottom_basis}"
    if not missing:
        return Measurement(top / bottom, basis)
    side = "lower" if missing == [first] else "upper"
    return Measurement(top / bottom, f"{basis}; so the ratio is {'a lower' if side == 'lower' else 'an upper'} bound",
                       bound=side, bound_of=f"{first}'s market value over {second}'s at printed closes")


@measure("sector_mean_return", unit="percent")
def sector_mean_return(claim: Claim) -> Measurement:
    """Equal-weighted mean session return of the S&P 500 members of some GICS sectors (the cross-section files).

    Argument ``sectors``: GICS sector names (``a|b``).
    """
    sectors = claim.arg_list("sectors")
    directory = market_data().snapshot.directory / "universe-sp500"
    members = pd.read_csv(directory / "constituents.csv", dtype=str)
    members = members[members["gics_sector"].isin(sectors) & members["price_file"].notna()]
    returns = {}
    for symbol, price_file in zip(members["symbol"], members["price_file"], strict=True):
        path = directory / price_file
        if not path.is_file():
            continue
        prices = pd.read_csv(path, usecols=["date", "adj_close"], parse_dates=["date"]).set_index("date")["adj_close"]
        prices = prices.dropna()
        if claim.date in prices.index and prices.index.get_loc(claim.date) > 0:
            position = prices.index.get_loc(claim.date)
            returns[symbol] = float(prices.iloc[position] / prices.iloc[position - 1] - 1)
    if not returns:
        raise NotCheckable(f"no S&P 500 member of {', '.join(sectors)} has a return on {claim.date:%Y-%m-%d}")
    series = pd.Series(returns)
    fell = int((series < 0).sum())
    return Measurement(100 * float(series.mean()), f"mean of {len(series)} S&P 500 members ({' + '.join(sectors)}, "
                                                   f"universe-sp500 adjusted closes) on {claim.date:%Y-%m-%d}; "
                                                   f"{fell} of them fell")


# ---------------------------------------------------------------- event timeline


def find_event(keyword: str) -> pd.Series:
    """Return the one row of ``events.csv`` whose text contains ``keyword`` (case-insensitive)."""
    events = load_events()
    rows = events[events["event"].str.contains(keyword, case=False, regex=False)]
    if rows.empty:
        raise NotCheckable(f"no event mentioning {keyword!r} in events.csv")
    if len(rows) > 1:
        raise DataValidationError(f"{len(rows)} events mention {keyword!r}; use a more specific keyword")
    return rows.iloc[0]


def _event_basis(row: pd.Series) -> str:
    approximate = " (date approximate)" if row["approximate"] and "approximate" not in row["event"] else ""
    secondary = " (secondary source)" if "(secondary" in row["source"] else ""
    return f"events.csv {row['date']:%Y-%m-%d}: {row['event']}{approximate}{secondary}"


@measure("event_date", unit="date")
def event_date(claim: Claim) -> Measurement:
    """Date of an event in the timeline.

    Argument ``keyword``: text that only that event's description contains.
    """
    row = find_event(claim.arg("keyword"))
    return Measurement(row["date"], _event_basis(row))


@measure("days_between_events", unit="days")
def days_between_events(claim: Claim) -> Measurement:
    """Calendar days from one event of the timeline to another (negative if the second came first).

    Arguments ``from`` and ``to``: keywords of the two events.
    """
    first, second = find_event(claim.arg("from")), find_event(claim.arg("to"))
    days = (second["date"] - first["date"]).days
    return Measurement(float(days), f"{_event_basis(first)}; {_event_basis(second)}")


@measure("days_since_event", unit="days")
def days_since_event(claim: Claim) -> Measurement:
    """Calendar days from an event of the timeline to the claim's date.

    Argument ``keyword``: text that only that event's description contains.
    """
    row = find_event(claim.arg("keyword"))
    return Measurement(float((claim.date - row["date"]).days), _event_basis(row))


# Figures quoted in the timeline's event texts, by name.
EVENT_TEXT_PATTERNS: dict[str, str] = {
    "up_to_usd_bn": r"up to USD (\d+(?:\.\d+)?)bn",
    "immediate_usd_bn": r"USD (\d+(?:\.\d+)?)bn deployed immediately",
    "dollar_b": r"\$(\d+(?:\.\d+)?)B\b",
    "over_years": r"over (\d+) years",
}


def _figure_in_event(keyword: str, pattern: str) -> tuple[float, pd.Series]:
    row = find_event(keyword)
    match = re.search(EVENT_TEXT_PATTERNS[pattern], row["event"])
    if not match:
        raise NotCheckable(f"the event mentioning {keyword!r} states no figure of the form {pattern!r}")
    return float(match.group(1)), row


@measure("amount_in_event", unit="USD_billions")
def amount_in_event(claim: Claim) -> Measurement:
    """An amount stated in the description of an event of the timeline.

    Arguments ``keyword`` (the event) and ``pattern`` (a key of :data:`EVENT_TEXT_PATTERNS`).
    """
    value, row = _figure_in_event(claim.arg("keyword"), claim.arg("pattern"))
    return Measurement(value, _event_basis(row))


@measure("horizon_years", unit="years")
def horizon_years(claim: Claim) -> Measurement:
    """Length in years of a programme stated in the timeline.

    Argument ``keyword``: text that only that event's description contains.
    """
    value, row = _figure_in_event(claim.arg("keyword"), "over_years")
    return Measurement(value, _event_basis(row))


@measure("horizon_end_year", unit="year")
def horizon_end_year(claim: Claim) -> Measurement:
    """Last year of a programme: the year it was announced plus its length in years."""
    value, row = _figure_in_event(claim.arg("keyword"), "over_years")
    return Measurement(float(row["date"].year + value), f"{row['date'].year} + {value:.0f} years; {_event_basis(row)}")


@measure("export_controls_before", unit="count")
def export_controls_before(claim: Claim) -> Measurement:
    """Number of US export-control milestones in the timeline dated before the claim's date."""
    events = load_events()
    rules = events[(events["category"] == "export_control") & (events["date"] < claim.date)]
    if rules.empty:
        return Measurement(0.0, f"no export-control milestones before {claim.date:%Y-%m-%d}")
    return Measurement(float(len(rules)), f"export-control milestones in events.csv from "
                                          f"{rules['date'].min():%Y-%m-%d} to {rules['date'].max():%Y-%m-%d}")
