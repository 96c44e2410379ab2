"""Shock days of the event's own kind: the event ranked within each kind of shock.

Three kinds, each ranked within itself (suspected bad prints left out, see :mod:`data.spikes`):

* **mega-cap single-stock shocks**: the one-day returns of the largest US companies in the
  report's universe (:data:`MEGA_CAPS`), each stock in its own history and all of them pooled
  over the period in which every one of them trades; the dollar loss only where the facts hold
  printed closes and a share count (never from the adjusted closes of the price files);
* **sector shocks**: the PHLX Semiconductor index (SOX, 1994 on), with the chip ETFs as context;
* **market crashes**: the S&P 500, the Nasdaq Composite and the Nasdaq-100.

Ranks run from 1 = the lowest return; tied returns share the better rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.claims import calculations as calc
from deepseek_monday.data.facts import load_fundamentals
from deepseek_monday.data.spikes import flagged_days, without_flagged
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import MISSING, format_bn, format_number, format_percent, readable

# The largest US companies of the report's universe with their whole price history in the snapshot
# (Tesla and Berkshire Hathaway have prices only from 2015, in the S&P 500 cross-section, and are left out).
MEGA_CAPS: dict[str, str] = {"AAPL": "Apple", "NVDA": "Nvidia", "MSFT": "Microsoft", "AMZN": "Amazon",
                             "GOOGL": "Alphabet", "META": "Meta", "AVGO": "Broadcom"}
SECTOR: dict[str, str] = {"SOX": "PHLX Semiconductor index", "SMH": "SMH chip ETF", "SOXX": "SOXX chip ETF"}
MARKET: dict[str, str] = {"GSPC": "S&P 500", "IXIC": "Nasdaq Composite", "NDX": "Nasdaq-100"}
SENTENCES = ("mc_event", "mc_dollar", "kind_flagged", "what_megacap", "what_sector", "what_market")  # glued as Markdown
WORST_SHOWN = 10  # rows of each worst-days table (the event joins them when it ranks lower)
SHARE_METRICS = ("shares_outstanding", "shares_outstanding_class_a", "shares_outstanding_class_b",
                 "shares_outstanding_class_c")


def ordinal(number: int) -> str:
    """Return ``number`` as an English ordinal with thousands separators: 1st, 22nd, 1,013th."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number:,}{suffix}"


def worst_phrase(rank: object) -> str:
    """Return 'the worst' for rank 1, 'the 3rd-worst' otherwise ('not ranked' when missing)."""
    if rank is None or rank is pd.NA or (isinstance(rank, float) and np.isnan(rank)):
        return "not ranked"
    return "the worst" if int(rank) == 1 else f"the {ordinal(int(rank))}-worst"


def rank_in(series: pd.Series, day: pd.Timestamp) -> dict[str, object]:
    """Rank ``day``'s return among all of ``series``' returns (1 = lowest; ties share the best rank).

    Returns the return, rank (NaN without a return that day), the number of returns ranked, their
    first and last dates, and the last earlier day with a return at or below it (None if none).
    """
    history = series.dropna()
    value = float(history.get(day, np.nan))
    result: dict[str, object] = {"return": value, "rank": np.nan, "n": len(history),
                                 "first": history.index[0] if len(history) else pd.NaT,
                                 "last": history.index[-1] if len(history) else pd.NaT, "last_lower": None}
    if not np.isnan(value):
        result["rank"] = calc.fall_rank(history, day)[0]
        result["last_lower"] = calc.previous_larger_fall(history, day)
    return result


def worst_days(series: pd.Series, count: int = WORST_SHOWN, include: pd.Timestamp | None = None) -> pd.DataFrame:
    """Return the ``count`` lowest returns of ``series`` (rank, return), plus ``include`` if it ranks lower.

    The index is the series' own (dates, or (date, symbol) for pooled stock-days); ties share the
    better rank and are ordered by date.
    """
    present = series.dropna()
    ranks = present.rank(method="min").astype(int)
    table = pd.DataFrame({"rank": ranks, "return": present}).sort_values(["rank"], kind="stable")
    shown = table.iloc[:count]
    if include is not None and include in table.index and include not in shown.index:
        shown = pd.concat([shown, table.loc[[include]]])
    return shown


def common_window(returns: pd.DataFrame) -> pd.DataFrame:
    """Return ``returns`` from the first day on which every column has a return (all columns trade)."""
    start = max(returns[column].first_valid_index() for column in returns.columns)
    return returns.loc[start:]


def pooled(returns: pd.DataFrame) -> pd.Series:
    """Return every (date, symbol) return of a wide frame as one series, missing values dropped."""
    stacked = returns.stack()
    stacked.index = stacked.index.set_names(["date", "symbol"])
    return stacked.dropna().sort_index()


# --- Dollar losses from printed closes and share counts (facts only) ------------------------

def shares_on(ticker: str, day: pd.Timestamp, facts: pd.DataFrame) -> tuple[float, pd.Timestamp] | None:
    """Return (shares outstanding, as-of date): the latest period count on or before ``day``, classes added.

    Only period counts (``shares_outstanding`` and its classes) count, never weighted diluted
    counts. None when the facts hold no such count for ``ticker`` by ``day``.
    """
    rows = facts[(facts["ticker"] == ticker) & facts["metric"].isin(SHARE_METRICS) & (facts["unit"] == "shares")
                 & (facts["period_end"] <= day)]
    if rows.empty:
        return None
    latest = rows["period_end"].max()
    return float(rows.loc[rows["period_end"] == latest, "value"].sum()), latest


def printed_close(ticker: str, day: pd.Timestamp, facts: pd.DataFrame) -> float:
    """Return the facts' printed close of ``ticker`` on ``day`` in USD, NaN if the facts hold none."""
    rows = facts[(facts["ticker"] == ticker) & (facts["metric"] == "close_price_printed")
                 & (facts["period_end"] == day) & (facts["unit"] == "USD")]
    return float(rows["value"].iloc[0]) if len(rows) else np.nan


def dollar_loss(ticker: str, day: pd.Timestamp, previous: pd.Timestamp, facts: pd.DataFrame) -> dict[str, object]:
    """Return the market value lost on ``day``: shares x (printed close of ``previous`` - printed close of ``day``).

    ``loss`` is NaN (with ``why``) unless both printed closes and a period share count on or
    before ``day`` are in the facts; adjusted closes are never used for a level.
    """
    before, after = printed_close(ticker, previous, facts), printed_close(ticker, day, facts)
    shares = shares_on(ticker, day, facts)
    result: dict[str, object] = {"loss": np.nan, "previous_close": before, "close": after,
                                 "shares": np.nan, "shares_date": pd.NaT, "why": ""}
    if np.isnan(before) or np.isnan(after):
        missing = [long_date(d) for d, v in ((previous, before), (day, after)) if np.isnan(v)]
        result["why"] = f"no printed close in the facts for {' and '.join(missing)}"
        return result
    if shares is None:
        result["why"] = "no share count in the facts on or before that day"
        return result
    result.update(shares=shares[0], shares_date=shares[1], loss=shares[0] * (before - after))
    return result


# --- The three kinds -------------------------------------------------------------------------

@dataclass(frozen=True)
class KindRanks:
    """The event ranked within the shock days of each kind.

    ``megacaps``/``sector``/``market``: per symbol, :func:`rank_in` of the event day in the
    symbol's own history (plus its worst day for mega-caps). ``megacap_pooled``: every stock-day
    of the mega-caps in their common window. ``megacap_symbol``: the mega-cap with the lowest
    return on the event day ("" if none had one); ``megacap_pooled_rank``: its stock-day's rank
    in the pool (NaN outside the window); ``megacaps['pooled_rank']`` the same for every mega-cap.
    ``dollars``: :func:`dollar_loss` of each mega-cap with a return that day.
    """

    day: pd.Timestamp
    megacaps: pd.DataFrame
    megacap_pooled: pd.Series
    megacap_symbol: str
    megacap_pooled_rank: float
    dollars: dict[str, dict[str, object]]
    sector: pd.DataFrame
    market: pd.DataFrame
    cleaned: pd.DataFrame  # the returns ranked: the kinds' series without flagged days


def _rank_table(cleaned: pd.DataFrame, names: dict[str, str], day: pd.Timestamp) -> pd.DataFrame:
    rows = []
    for symbol, name in names.items():
        series = cleaned[symbol]
        row = {"symbol": symbol, "name": name, **rank_in(series, day)}
        worst = series.dropna()
        row["worst_day"], row["worst_return"] = (worst.idxmin(), float(worst.min())) if len(worst) else (pd.NaT,
                                                                                                       np.nan)
        rows.append(row)
    return pd.DataFrame(rows).set_index("symbol")


def rank_by_kind(returns: pd.DataFrame, day: pd.Timestamp, facts: pd.DataFrame | None = None) -> KindRanks:
    """Rank ``day`` within each kind of shock on ``returns`` (dates x symbols, simple returns)."""
    symbols = [*MEGA_CAPS, *SECTOR, *MARKET]
    cleaned = without_flagged(returns[symbols])  # suspected bad prints are never ranked
    facts = load_fundamentals() if facts is None else facts
    megacaps = _rank_table(cleaned, MEGA_CAPS, day)
    pool = pooled(common_window(cleaned[list(MEGA_CAPS)]))
    megacaps["pooled_rank"] = [float((pool < pool[(day, symbol)]).sum() + 1) if (day, symbol) in pool.index
                               else np.nan for symbol in megacaps.index]
    on_day = megacaps["return"].dropna()
    symbol = str(on_day.idxmin()) if len(on_day) else ""
    pooled_rank = float(megacaps.at[symbol, "pooled_rank"]) if symbol else np.nan
    dollars = {}
    for ticker in on_day.index:
        history = cleaned[ticker].dropna()
        position = history.index.get_loc(day)
        if position > 0:  # the first return's previous close is not in the returns; no level without it anyway
            dollars[ticker] = dollar_loss(ticker, day, history.index[position - 1], facts)
    return KindRanks(day, megacaps, pool, symbol, pooled_rank, dollars, _rank_table(cleaned, SECTOR, day),
                     _rank_table(cleaned, MARKET, day), cleaned)


# --- Words and tables --------------------------------------------------------------------------

def _span(row: pd.Series) -> str:
    return f"{row['n']:,} daily returns from {long_date(row['first'])} to {long_date(row['last'])}"


def series_sentence(row: pd.Series, what: str) -> str:
    """Return e.g. 'SOX fell -9.15 %, the 12th-worst of its 8,104 daily returns from 5 May 1994 to ...'."""
    if np.isnan(row["rank"]):
        return f"{what} has no return that day (its {_span(row)} do not include it)"
    if row["return"] >= 0:
        return (f"{what} rose {format_percent(row['return'])} (rank {int(row['rank']):,} from the worst of its "
                f"{_span(row)})")
    lower = row["last_lower"]
    since = "with no earlier fall as large in the data" if lower is None or pd.isna(lower) else \
        f"the largest fall since {long_date(lower)}"
    return f"{what} fell {format_percent(row['return'])}, {worst_phrase(row['rank'])} of its {_span(row)}, {since}"


def flagged_text(symbols: list[str], names: dict[str, str]) -> str:
    """Return the sentence naming the suspected bad prints left out of the rankings (house number style)."""
    flagged = flagged_days(symbols)
    if flagged.empty:
        return "No day of these series is flagged as a suspected bad print."
    items = [f"{names.get(f['symbol'], f['symbol'])} on {long_date(f['date'])} "
             f"({format_percent(f['return'], 1, signed=True)}, undone by "
             f"{format_percent(f['next_return'], 1, signed=True)} the next session)" for _, f in flagged.iterrows()]
    listed = items[0] if len(items) == 1 else "; ".join(items[:-1]) + "; and " + items[-1]
    return ("Left out of every ranking, with the next session's reversal, as suspected bad prints (an isolated "
            f"one-day spike that the next session undoes): {listed}.")


def headline_numbers(kinds: KindRanks) -> dict[str, str]:
    """Return the chapter's sentences and numbers on the kinds, keyed by glue name (all text)."""
    numbers: dict[str, str] = {}
    for table in (kinds.megacaps, kinds.sector, kinds.market):
        for symbol, row in table.iterrows():
            numbers[f"kind_{symbol.lower()}"] = series_sentence(row, row["name"])
    pool = kinds.megacap_pooled
    dates = pool.index.get_level_values("date")
    numbers.update({"mc_names": ", ".join(MEGA_CAPS.values()), "mc_n": str(len(MEGA_CAPS)),
                    "mc_pool_n": f"{len(pool):,}", "mc_pool_first": long_date(dates.min()),
                    "mc_pool_last": long_date(dates.max())})
    pool_text = f"the {len(pool):,} stock-days of the {len(MEGA_CAPS)} mega-caps from {long_date(dates.min())}"
    if not kinds.megacap_symbol:
        numbers["mc_event"] = "None of the mega-caps had a return that day, so none is ranked."
    else:
        row = kinds.megacaps.loc[kinds.megacap_symbol]
        pooled_text = (f"Among {pool_text} (the first day all of them trade) to {long_date(dates.max())}, "
                       f"that fall is {worst_phrase(kinds.megacap_pooled_rank)}."
                       if not np.isnan(kinds.megacap_pooled_rank) else
                       f"The day falls outside {pool_text} to {long_date(dates.max())}, the days on which all of "
                       "them trade, so it is not ranked among their pooled stock-days.")
        numbers["mc_event"] = (f"The hardest-hit of the {len(MEGA_CAPS)} mega-caps that day was {row['name']}, "
                               f"{series_sentence(row, 'which')}. {pooled_text}")
    losses = []
    for symbol, dollar in kinds.dollars.items():
        if np.isnan(dollar["loss"]):
            continue
        name = MEGA_CAPS[symbol]
        rank = kinds.megacaps.at[symbol, "pooled_rank"]
        ranked = f" (its fall is {worst_phrase(rank)} of {pool_text})" if not np.isnan(rank) else ""
        losses.append(f"{name} lost {format_bn(dollar['loss'])} of market value{ranked}: "
                      f"{format_number(dollar['shares'] / 1e9)} bn shares (as of {long_date(dollar['shares_date'])}) "
                      f"times the fall of its printed close from {format_number(dollar['previous_close'])} to "
                      f"{format_number(dollar['close'])} USD")
    if losses:
        numbers["mc_dollar"] = ("In dollars, " + "; ".join(losses) + ". The facts hold printed closes for no other "
                                "mega-cap shock day, so no dollar loss is ranked: the mega-caps are ranked by "
                                "return only.")
    else:
        numbers["mc_dollar"] = ("No dollar loss is computed for that day: the facts hold no printed closes for the "
                                "mega-caps around it, and the price files carry dividend-adjusted closes, which give "
                                "returns but not levels. The mega-caps are ranked by return only.")
    numbers.update(summaries(kinds))
    numbers["kind_flagged"] = flagged_text(list(kinds.cleaned.columns), {**MEGA_CAPS, **SECTOR, **MARKET})
    return numbers


def _short(row: pd.Series) -> str:
    """Return e.g. "-9.15 %, the 12th-worst of its 8,104 daily returns since 5 May 1994" ("no return" if missing)."""
    if np.isnan(row["rank"]):
        return "no return that day"
    return (f"{format_percent(row['return'])}, {worst_phrase(row['rank'])} of its {row['n']:,} daily returns since "
            f"{long_date(row['first'])}")


def summaries(kinds: KindRanks) -> dict[str, str]:
    """Return one plain sentence per kind for the chapter's closing section (glue names ``what_*``)."""
    pool = kinds.megacap_pooled
    first = long_date(pool.index.get_level_values("date").min())
    if kinds.megacap_symbol:
        row = kinds.megacaps.loc[kinds.megacap_symbol]
        pooled_rank = kinds.megacap_pooled_rank
        among = (f"{worst_phrase(pooled_rank)} of the {len(pool):,} stock-days of the {len(MEGA_CAPS)} mega-caps "
                 f"since {first}" if not np.isnan(pooled_rank) else
                 f"not ranked among the mega-caps' pooled stock-days, which start on {first}")
        megacap = f"{row['name']} fell most of the mega-caps: {_short(row)}, and {among}."
    else:
        megacap = "None of the mega-caps had a return that day."
    sox, gspc, ixic = kinds.sector.loc["SOX"], kinds.market.loc["GSPC"], kinds.market.loc["IXIC"]
    return {"what_megacap": megacap,
            "what_sector": f"The chip index (SOX): {_short(sox)}.",
            "what_market": f"The S&P 500: {_short(gspc)}; the Nasdaq Composite: {_short(ixic)}."}


def _of(rank: object, n: int) -> str:
    return MISSING if rank is pd.NA or rank is None or np.isnan(float(rank)) else f"{int(rank):,} of {n:,}"


def display_kind(kinds: KindRanks, kind: str) -> pd.DataFrame:
    """Return one kind's table: per series, the event day's return and rank in its own history, and its worst day.

    For the mega-caps also the rank among the pooled mega-cap stock-days.
    """
    table = {"megacaps": kinds.megacaps, "sector": kinds.sector, "market": kinds.market}[kind]
    shown = pd.DataFrame({
        "Return that day (%)": table["return"].astype(float).to_numpy() * 100,
        "Rank in its own history (1 = worst)": [
            _of(rank, n) + f" since {first.year}" if not np.isnan(rank) else "no return that day"
            for rank, n, first in zip(table["rank"], table["n"], table["first"], strict=True)],
        "Last earlier day as low or lower": [
            MISSING if np.isnan(r) else "rose that day" if value >= 0
            else "none in the data" if lower is None or pd.isna(lower) else long_date(lower)
            for r, value, lower in zip(table["rank"], table["return"], table["last_lower"], strict=True)],
        "Worst day in the data": [MISSING if pd.isna(d) else long_date(d) for d in table["worst_day"]],
        "Its return (%)": table["worst_return"].astype(float).to_numpy() * 100,
    }, index=pd.Index(table["name"], name="Series"))
    if kind == "megacaps":
        pool = kinds.megacap_pooled
        first = long_date(pool.index.get_level_values("date").min())
        shown.insert(2, f"Rank among the mega-caps' stock-days since {first}",
                     [_of(rank, len(pool)) for rank in table["pooled_rank"]])
    return readable(shown)


def display_worst(kinds: KindRanks, kind: str, count: int = WORST_SHOWN) -> pd.DataFrame:
    """Return the kind's worst days (the event day marked, and added when it ranks lower).

    ``megacaps``: pooled stock-days of the mega-caps; ``sector``: the SOX; ``market``: the S&P 500.
    """
    if kind == "megacaps":
        include = (kinds.day, kinds.megacap_symbol) if kinds.megacap_symbol else None
        worst = worst_days(kinds.megacap_pooled, count, include)
        days = worst.index.get_level_values("date")
        series = [MEGA_CAPS[s] for s in worst.index.get_level_values("symbol")]
    else:
        symbol = {"sector": "SOX", "market": "GSPC"}[kind]
        worst = worst_days(kinds.cleaned[symbol], count, kinds.day)
        days, series = worst.index, [{**SECTOR, **MARKET}[symbol]] * len(worst)
    shown = pd.DataFrame({
        "Rank (1 = worst)": worst["rank"].astype(int).to_numpy(),
        "Day": [long_date(d) + (" ◀ event" if d == kinds.day else "") for d in days],
        "Series": series,
        "Return (%)": worst["return"].to_numpy() * 100,
    })
    if kind != "megacaps":
        shown = shown.drop(columns="Series")
    return readable(shown, index="Rank (1 = worst)")


KIND_TITLES = {"megacaps": "Mega-cap stocks, pooled", "sector": "Chip sector (SOX)", "market": "Market (S&P 500)"}


def worst_for_figure(kinds: KindRanks, kind: str, count: int = 15) -> pd.DataFrame:
    """Return the kind's ``count`` worst days for a chart: label, return, rank, whether it is the event day.

    The event's worst stock-day (mega-caps) or the event day joins the list when it ranks lower.
    """
    if kind == "megacaps":
        include = (kinds.day, kinds.megacap_symbol) if kinds.megacap_symbol else None
        worst = worst_days(kinds.megacap_pooled, count, include)
        days = worst.index.get_level_values("date")
        labels = [f"{long_date(d)}, {MEGA_CAPS[s]}" for d, s in worst.index]
    else:
        worst = worst_days(kinds.cleaned[{"sector": "SOX", "market": "GSPC"}[kind]], count, kinds.day)
        days = worst.index
        labels = [long_date(d) for d in days]
    return pd.DataFrame({"label": labels, "return": worst["return"].to_numpy(),
                         "rank": worst["rank"].to_numpy(), "event": days == kinds.day})
