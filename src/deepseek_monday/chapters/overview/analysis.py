"""Measures of the overview chapter: the event day across the universe and its indices."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.data.params import check_event_date, check_positive_int, window_sessions
from deepseek_monday.data.prices import load_snapshot, price_panel
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.data.universe import GROUPS, check_symbols, load_universe
from deepseek_monday.errors import NotCheckable
from deepseek_monday.eventstudy import EventStudyResult, car_paths, kolari_pynnonen_widening, run_event_study
from deepseek_monday.measures.levels import value_loss
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import MINUS, MISSING, format_number, readable

# Readable names of the exchange calendars a chapter can count trading days on.
MARKET_NAMES: dict[str, str] = {"XNYS": "NYSE", "XETR": "Xetra", "XHKG": "HKEX", "XTKS": "Tokyo Stock Exchange"}


def market_name(market: str) -> str:
    """Return the readable name of an exchange calendar (``XETR`` -> ``Xetra``); unknown codes as they are."""
    return MARKET_NAMES.get(market, market)


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


@dataclass(frozen=True)
class OverviewParameters:
    """Validated parameters of the overview chapter."""

    event_date: pd.Timestamp
    lookback_days: int
    lookahead_days: int
    market: str
    symbols: tuple[str, ...]

    @classmethod
    def validate(cls, event_date: object, lookback_days: object = 10, lookahead_days: object = 10,
                 market: str = "XNYS", symbols: list[str] | None = None) -> OverviewParameters:
        """Check every parameter and return them typed; raise ParameterError otherwise."""
        lookback = check_positive_int(lookback_days, "lookback_days", minimum=2)
        lookahead = check_positive_int(lookahead_days, "lookahead_days", minimum=1)
        date = check_event_date(event_date, market, before=lookback + 1, after=lookahead)
        chosen = check_symbols(symbols) if symbols is not None else load_universe().index.tolist()
        return cls(date, lookback, lookahead, market, tuple(chosen))


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


# Groups left out when the prose compares equity groups.
NON_EQUITY_GROUPS = ("indices/benchmarks", "crypto", "FX")
# Kinds whose percentage change is not an asset return (VIX is a volatility level).
NOT_RETURNS = ("volatility",)


def group_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Return per group: instruments with a return, equal-weighted mean, median, min and max.

    Series of a kind in ``NOT_RETURNS`` are left out.
    """
    usable = table[~table["kind"].isin(NOT_RETURNS)].dropna(subset=["return"])
    grouped = usable.groupby("group", observed=True)["return"]
    summary = grouped.agg(instruments="count", mean="mean", median="median", worst="min", best="max")
    return summary.sort_values("mean")


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


def cumulative_returns(returns: pd.DataFrame, event_date: pd.Timestamp, before: int, after: int,
                       market: str = "XNYS") -> pd.DataFrame:
    """Return each instrument's compounded return from the close before the window start.

    The window runs from ``before`` to ``after`` sessions of ``market`` around the event;
    each instrument compounds its own returns on the dates it traded inside it. The
    result is wide (dates x symbols) with NaN on dates an instrument did not trade.
    """
    window = window_sessions(event_date, before, after, market)
    inside = returns.loc[window.index[0]: window.index[-1]]
    compounded = (1.0 + inside).cumprod(skipna=True) - 1.0
    return compounded.where(inside.notna())


def group_cumulative_returns(returns: pd.DataFrame, event_date: pd.Timestamp, before: int,
                             after: int, market: str = "XNYS") -> pd.DataFrame:
    """Return each group's equal-weighted cumulative return over the window, on market sessions.

    On each session of ``market`` the group's return is the mean of its members' returns
    that day (members without a session that day, and kinds in ``NOT_RETURNS``, are left
    out); these are compounded.
    """
    window = window_sessions(event_date, before, after, market)
    universe = load_universe().loc[returns.columns]
    members = universe.index[~universe["kind"].isin(NOT_RETURNS)]
    inside = returns.reindex(window.index)[members]
    groups = universe.loc[members, "group"]
    daily = inside.T.groupby(groups.to_numpy()).mean().T
    compounded = (1.0 + daily).cumprod() - 1.0
    compounded.index = pd.Index(window.to_numpy(), name="rel_day")
    return compounded[[g for g in GROUPS if g in compounded.columns]]


def load_event_returns(parameters: OverviewParameters) -> pd.DataFrame:
    """Return daily returns of the chapter's instruments."""
    return daily_returns(list(parameters.symbols))


def load_index_returns() -> pd.DataFrame:
    """Return daily returns of the headline indices (``INDEX_ROWS``), whatever the chapter's symbols."""
    return daily_returns(list(INDEX_ROWS))


# Short names of the headline indices in the chapter's prose.
INDEX_SHORT_NAMES: dict[str, str] = {
    "GSPC": "the S&P 500", "IXIC": "the Nasdaq Composite", "NDX": "the Nasdaq-100", "DJI": "the Dow",
    "GDAXI": "the DAX", "SOX": "the PHLX Semiconductor index", "SMH": "SMH",
    "SOXX": "SOXX",
}


def _join(clauses: list[str]) -> str:
    return clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]


def _index_returns_text(returns: pd.Series, symbols: list[str]) -> str:
    """Return "A returned x%, B y% and C z%; D and E have no data for that day" for ``symbols``."""
    present = [s for s in symbols if not np.isnan(returns[s])]
    missing = [INDEX_SHORT_NAMES[s] for s in symbols if np.isnan(returns[s])]
    moved = [f"{INDEX_SHORT_NAMES[s]} {'returned ' if i == 0 else ''}{returns[s]:+.2%}" for i, s in enumerate(present)]
    parts = [_join(moved)] if moved else []
    if missing:
        parts.append(f"{_join(missing)} {'has' if len(missing) == 1 else 'have'} no data for that day")
    return "; ".join(parts)


def index_paragraph(indices: pd.DataFrame) -> str:
    """Return the prose on the headline indices' event-day returns (Markdown), from :func:`index_moves`.

    An index without a return that day (its series ends before or starts after it, or no
    session) is said to have no data for that day, never printed as NaN.
    """
    returns = indices["return"].astype(float)
    return (f"Among the headline indices, {_index_returns_text(returns, ['GSPC', 'IXIC', 'NDX', 'DJI', 'GDAXI'])}. "
            f"The chip index the articles cite, {_index_returns_text(returns, ['SOX'])} (a price index). "
            f"As context, the semiconductor ETFs {_index_returns_text(returns, ['SMH', 'SOXX'])} (total "
            f"returns, so they include dividends; on a single day the difference is negligible).")


def group_sentence(equity_groups: pd.DataFrame) -> str:
    """Return the sentence (Markdown) on the hardest-hit and best-placed equity group of :func:`group_summary`.

    ``equity_groups`` is the summary without ``NON_EQUITY_GROUPS``, sorted by mean return.
    """
    if equity_groups.empty:
        return "None of this edition's instruments belongs to an equity group, so no group average is given."
    worst, best = equity_groups.index[0], equity_groups.index[-1]
    worst_mean, best_mean = float(equity_groups["mean"].iloc[0]), float(equity_groups["mean"].iloc[-1])
    if len(equity_groups) == 1:
        return f"Averaged with equal weights, the only equity group, *{worst}*, returned {worst_mean:+.2%}."
    return (f"Averaged with equal weights, the hardest-hit equity group was *{worst}* ({worst_mean:+.2%}) and the "
            f"best-placed was *{best}* ({best_mean:+.2%}).")


def headline_numbers(table: pd.DataFrame, summary: pd.DataFrame, indices: pd.DataFrame,
                     parameters: OverviewParameters) -> dict[str, object]:
    """Return the numbers the chapter's prose quotes, keyed by glue name."""
    usable = table[~table["kind"].isin(NOT_RETURNS)].dropna(subset=["return"])
    worst, best = usable["return"].idxmin(), usable["return"].idxmax()
    equity_groups = summary[~summary.index.isin(NON_EQUITY_GROUPS)]
    numbers: dict[str, object] = {
        "event_day": f"{parameters.event_date:%A} {long_date(parameters.event_date)}",
        "window": f"{parameters.lookback_days} trading days before to {parameters.lookahead_days} after",
        "n_instruments": len(usable),
        "n_down": int((usable["return"] < 0).sum()),
        "n_up": int((usable["return"] > 0).sum()),
        "worst_name": f"{usable.at[worst, 'name']} ({worst})",
        "worst_return": float(usable.at[worst, "return"]),
        "best_name": f"{usable.at[best, 'name']} ({best})",
        "best_return": float(usable.at[best, "return"]),
        "group_sentence": group_sentence(equity_groups),
    }
    if not equity_groups.empty:
        numbers.update({
            "worst_group": str(equity_groups.index[0]), "worst_group_mean": float(equity_groups["mean"].iloc[0]),
            "best_group": str(equity_groups.index[-1]), "best_group_mean": float(equity_groups["mean"].iloc[-1]),
        })
    for symbol, row in indices.iterrows():
        numbers[f"{symbol.lower()}_return"] = float(row["return"])
    return numbers


def level_note(symbol: str, event_date: pd.Timestamp) -> str:
    """Return how a level series (the VIX: a volatility index, not a price) moved on the event date, as text."""
    series = price_panel([symbol])[symbol].dropna()
    if event_date not in series.index or series.index.get_loc(event_date) == 0:
        return "a volatility index, not a return; no close on this date"
    position = series.index.get_loc(event_date)
    previous, close = float(series.iloc[position - 1]), float(series.iloc[position])
    return (f"a volatility index, not a return: closed at {format_number(close)} points, "
            f"{format_number(close - previous, signed=True)} points "
            f"({format_number(100 * (close / previous - 1), signed=True)} %) on the previous close")


def display_event_table(table: pd.DataFrame, event_date: pd.Timestamp) -> pd.DataFrame:
    """Return the event-day table as readers see it: name, group, kind, return in percent and notes.

    A level series (kind in ``NOT_RETURNS``, the VIX) has no return: its column shows a dash
    and the note gives its close and change in points.
    """
    is_level = table["kind"].isin(NOT_RETURNS)
    notes = table["note"].copy()
    for symbol in table.index[is_level]:
        notes[symbol] = level_note(symbol, event_date)
    shown = pd.DataFrame({
        "Name": table["name"], "Group": table["group"].astype(str), "Kind": table["kind"],
        "Return (%)": (table["return"] * 100).where(~is_level), "Note": notes.replace("", MISSING),
    }, index=pd.Index(table.index, name="Symbol"))
    return readable(shown)


def display_group_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the group summary as readers see it: instruments and returns in percent, per group."""
    shown = pd.DataFrame({
        "Instruments": summary["instruments"].astype(int),
        "Mean return (%)": summary["mean"] * 100, "Median return (%)": summary["median"] * 100,
        "Worst return (%)": summary["worst"] * 100, "Best return (%)": summary["best"] * 100,
    }, index=pd.Index(summary.index.astype(str), name="Group"))
    return readable(shown)


def display_index_moves(indices: pd.DataFrame) -> pd.DataFrame:
    """Return the headline-index table as readers see it: previous close, close and return (%)."""
    shown = pd.DataFrame({
        "Series": indices["series"], "Previous close": indices["previous_close"], "Close": indices["close"],
        "Return (%)": indices["return"] * 100,
    }, index=pd.Index(indices.index, name="Symbol"))
    return readable(shown)


def display_percent(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Return ``frame`` with ``columns`` (fractions) shown in percent, rounded to 2 decimals."""
    shown = frame.copy()
    for column in columns:
        shown[column] = (shown[column] * 100).round(2)
    return shown.rename(columns={c: f"{c} (%)" for c in columns})


# Event windows the overview reports, and the tests it shows for each group.
OVERVIEW_WINDOWS = ((0, 0), (-1, 1), (0, 10), (-5, 5))
GROUP_TESTS = {"p_t_cs": "p cross-sectional t", "p_bmp": "p BMP", "p_kp": "p BMP (Kolari\u2013Pynnönen)",
               "p_corrado": "p Corrado rank", "p_sign": "p generalized sign"}


def group_event_study(returns: pd.DataFrame, event_date: pd.Timestamp) -> EventStudyResult:
    """Run the market-model event study of every instrument with a benchmark on the event date.

    Defaults of :mod:`deepseek_monday.eventstudy`: estimation window [-250, -11], the
    universe's benchmark per instrument; firms without one or without enough history are
    listed in the result's exclusions. Benchmarks the chosen instruments need but ``returns``
    lacks (SPY for ``symbols=[NVDA, AMD]``) are loaded for the study without being studied.
    """
    chosen = list(returns.columns)
    benchmarks = load_universe().loc[chosen, "benchmark"].dropna()
    missing = sorted(set(benchmarks) - {""} - set(chosen))
    if missing:
        returns = returns.join(daily_returns(missing), how="outer")
    return run_event_study(returns, [event_date], model="market", event_windows=OVERVIEW_WINDOWS)


def display_group_tests(result: EventStudyResult) -> pd.DataFrame:
    """Return each group's CAAR per window with the p-values of its tests (two-sided), indexed by group and window."""
    caar = result.caar[result.caar["group"].isin(GROUPS)].copy()
    caar["group"] = pd.Categorical(caar["group"], categories=GROUPS, ordered=True)
    order = {window: position for position, window in enumerate(OVERVIEW_WINDOWS)}
    caar["window_order"] = [order.get((a, b), len(order)) for a, b in zip(caar["window_start"], caar["window_end"],
                                                                          strict=True)]
    caar = caar.sort_values(["group", "window_order"])
    shown = pd.DataFrame({
        "Group": caar["group"].astype(str), "Window (trading days)": caar["window"].str.replace("-", MINUS),
        "Firms": caar["n_firms"].astype(int), "CAAR (%)": caar["caar"] * 100,
    })
    for column, label in GROUP_TESTS.items():
        shown[label] = caar[column]
    shown = readable(shown, p_values=tuple(GROUP_TESTS.values()))
    return shown.set_index(["Group", "Window (trading days)"])


def kolari_pynnonen_factor(n_firms: np.ndarray | float, r_bar: np.ndarray | float) -> np.ndarray:
    """Return how much wider a group's band is drawn once firms' cross-correlation is allowed for.

    :func:`~deepseek_monday.eventstudy.kolari_pynnonen_widening`, never below 1 (a negative r
    does not narrow the band) and 1 where it is undefined (one firm, or no correlation estimate).
    """
    n = np.asarray(n_firms, dtype=float)
    factor = kolari_pynnonen_widening(n, r_bar)
    return np.where((n >= 2) & np.isfinite(factor), np.maximum(factor, 1.0), 1.0)


def correlation_adjusted_paths(result: EventStudyResult, start: int = -5, end: int = 10,
                               level: float = 0.95) -> pd.DataFrame:
    """Return each group's mean CAR path whose band allows for the firms' cross-correlation.

    The band of :func:`deepseek_monday.eventstudy.car_paths` (mean +/- t sd / sqrt(N)) treats the
    firms as independent; firms that share one event date are not, so its half-width is
    multiplied by :func:`kolari_pynnonen_factor` with the group's residual correlation, the
    same correction as the Kolari-Pynnönen test (column ``widening``).
    """
    paths = car_paths(result, start=start, end=end, by="group", level=level)
    correlation = result.caar.drop_duplicates(["group", "event_date"])[["group", "event_date", "r_bar"]]
    paths = paths.merge(correlation, on=["group", "event_date"], how="left")
    widening = kolari_pynnonen_factor(paths["n_firms"].to_numpy(), paths["r_bar"].to_numpy())
    paths["lower"] = paths["car"] - widening * (paths["car"] - paths["lower"])
    paths["upper"] = paths["car"] + widening * (paths["upper"] - paths["car"])
    paths["widening"] = widening
    paths.attrs["level"] = level
    return paths


# Fewest firms for a group's CAR path to be drawn: below it the confidence band is too wide to read.
MIN_FIRMS_FOR_PATH = 4


def equity_groups(result: EventStudyResult, min_firms: int = MIN_FIRMS_FOR_PATH) -> list[str]:
    """Return the equity groups of an event study with at least ``min_firms`` firms, in universe order."""
    firms = result.caar.groupby("group")["n_firms"].max()
    return [g for g in GROUPS if firms.get(g, 0) >= min_firms and g not in NON_EQUITY_GROUPS]


# The event-study engine's reasons for leaving an instrument out, in plain English (regex -> text).
_ESTIMATION_WINDOW = re.compile(r"^(?P<what>estimation window|event windows) \[(?P<lo>-?\d+),\+?(?P<hi>-?\d+)\] "
                                r"does not fit the data: .* has (?P<before>\d+) sessions before and "
                                r"(?P<after>\d+) after day 0")
_NO_BENCHMARK = "no benchmark for this symbol"
_NOT_A_SESSION = re.compile(r"^event date \S+ is not a session of ")
_FEW_OBSERVATIONS = re.compile(r"^only (?P<n>\d+) valid estimation observations")
NON_STOCK_KINDS = {"index": "an index", "volatility": "a volatility index", "fx": "an exchange rate",
                   "crypto": "a cryptocurrency"}


def plain_reason(reason: str, kind: str = "", data_range: tuple[pd.Timestamp, pd.Timestamp] | None = None,
                 event_date: pd.Timestamp | None = None) -> str:
    """Return the event-study engine's reason for leaving an instrument out in plain English.

    ``kind`` is the instrument's kind in the universe (stock, etf, index, ...); ``data_range``
    (first and last date of its series) and ``event_date`` tell a date outside the series
    from a holiday. A reason the function does not know is returned as it is.
    """
    if reason.startswith(_NO_BENCHMARK):
        what = NON_STOCK_KINDS.get(kind)
        if what:
            return f"{what}: the report measures only stocks and ETFs against a market benchmark"
        return "no market benchmark is assigned to it in the report's universe"
    window = _ESTIMATION_WINDOW.match(reason)
    if window:
        lo, hi = int(window["lo"]), int(window["hi"])
        before, after = int(window["before"]), int(window["after"])
        if before < -lo:
            return (f"price history too short: {before:,} trading days before the event, {-lo:,} needed "
                    f"to estimate its normal relation to the market")
        return f"too few trading days after the event in the data: {after:,}, {hi:,} needed"
    if _NOT_A_SESSION.match(reason):
        if data_range is not None and event_date is not None:
            first, last = data_range
            if event_date < first:
                return f"no price data on the event date: its series starts on {long_date(first)}"
            if event_date > last:
                return f"no price data on the event date: its series ends on {long_date(last)}"
        return "no trading session on the event date (a holiday on its exchange)"
    few = _FEW_OBSERVATIONS.match(reason)
    if few:
        return f"too few usable trading days ({int(few['n']):,}) to estimate its normal relation to the market"
    return reason


def display_exclusions(result: EventStudyResult, symbols: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """Return every instrument of ``symbols`` not in the event study, with the reason in plain English.

    Instruments that serve as another's benchmark (SPY, the Hang Seng, the Nikkei) are not
    studied themselves; they are listed too, so studied and left-out instruments add up to
    ``symbols``.
    """
    universe = load_universe()
    manifest = load_snapshot().manifest
    rows = []
    for symbol, event_date, reason in zip(result.exclusions["symbol"], result.exclusions["event_date"],
                                          result.exclusions["reason"], strict=True):
        data_range = (pd.Timestamp(manifest.at[symbol, "first_date"]), pd.Timestamp(manifest.at[symbol, "last_date"]))
        rows.append((symbol, universe.at[symbol, "name"],
                     plain_reason(reason, universe.at[symbol, "kind"], data_range, pd.Timestamp(event_date))))
    listed = set(result.car["symbol"]) | set(result.exclusions["symbol"])
    benchmarks = set(universe["benchmark"]) - {""}
    for symbol in symbols:
        if symbol not in listed:
            reason = ("the benchmark itself: other instruments are measured against it" if symbol in benchmarks
                      else "not studied")
            rows.append((symbol, universe.at[symbol, "name"], reason))
    table = pd.DataFrame(rows, columns=["Symbol", "Name", "Why it is left out"])
    return table.set_index("Symbol")


def chips_sentence(chips: pd.Series) -> str:
    """Return the sentences (Markdown) on the AI-chip group's day-0 CAAR and its tests, from its CAAR row.

    Without AI-chip firms in the study (NaN row) they say so instead of quoting NaN.
    """
    if np.isnan(chips["n_firms"]) or np.isnan(chips["caar"]):
        return ("None of this edition's instruments is an AI-chip stock or ETF in the event study, so no group "
                "CAAR is quoted.")
    return (f"On the event day the cumulative average abnormal return (CAAR) of the {int(chips['n_firms'])} AI-chip "
            f"stocks and ETFs, the return beyond what the market explains, was {chips['caar']:+.2%}. Because every "
            f"firm here shares one event date, their abnormal returns are correlated and the plain tests overstate "
            f"significance (the cross-sectional t-test, which treats the firms as independent, gives "
            f"p = {chips['p_t_cs']:.3f}); the Kolari\u2013Pynnönen adjustment of the BMP test allows for that "
            f"(p = {chips['p_kp']:.3f}), and the Corrado rank test, which does not assume normal returns, gives "
            f"p = {chips['p_corrado']:.3f}.")


def event_study_numbers(result: EventStudyResult, symbols: tuple[str, ...] | list[str] = ()) -> dict[str, object]:
    """Return the event-study figures the prose quotes: the AI-chip group's day-0 CAAR and tests.

    ``n_excluded`` counts the rows of :func:`display_exclusions` for ``symbols``, so that
    ``n_studied + n_excluded`` is the number of instruments of the chapter.
    """
    day0 = result.caar[(result.caar["window"] == "[0,0]") & (result.caar["group"].isin(GROUPS))]
    by_group = day0.set_index("group")
    no_chips = pd.Series(np.nan, index=["caar", "n_firms", "p_kp", "p_corrado", "p_t_cs", "r_bar"])
    chips = by_group.loc["AI chips"] if "AI chips" in by_group.index else no_chips
    return {
        "chips_caar": float(chips["caar"]), "chips_n": int(np.nan_to_num(chips["n_firms"])),
        "chips_p_kp": float(chips["p_kp"]), "chips_p_corrado": float(chips["p_corrado"]),
        "chips_p_t_cs": float(chips["p_t_cs"]),
        "chips_band_widening": float(kolari_pynnonen_factor(chips["n_firms"], chips["r_bar"])),
        "n_studied": int(result.car["symbol"].nunique()),
        "n_excluded": len(display_exclusions(result, symbols)),
        "n_instruments_total": len(set(symbols) | set(result.car["symbol"]) | set(result.exclusions["symbol"])),
    } | {"chips_sentence": chips_sentence(chips)}


def _percent(value: float) -> str:
    return "no return (no session or no data)" if np.isnan(value) else f"{value:+.2%}"


def key_findings(event_date: pd.Timestamp) -> dict[str, str]:
    """Return the landing page's key findings for ``event_date``, one sentence each, keyed by glue name.

    The numbers are this chapter's and the bubble chapter's: one-session returns from
    :func:`daily_returns`, the headline indices from :func:`index_moves`, and Nvidia's
    market-value change at printed closes from :func:`deepseek_monday.measures.levels.value_loss`
    (the one computation the bubble chapter and the claims ledger quote too). A number the data
    cannot give is said to be missing, never estimated.
    """
    returns = daily_returns()
    on_day = returns.loc[event_date] if event_date in returns.index else pd.Series(np.nan, returns.columns)
    nvidia = float(on_day.get("NVDA", np.nan))
    sentence = f"Nvidia's shares returned {_percent(nvidia)}"
    if not np.isnan(nvidia):
        try:
            loss = value_loss("NVDA", event_date)
        except NotCheckable as why:
            sentence += f"; its change in market value cannot be computed ({why})"
        else:
            verb = "took" if loss.loss > 0 else "added"
            sentence += (f", which {verb} about {abs(loss.loss) / 1e9:,.0f} billion US dollars "
                         f"{'off' if loss.loss > 0 else 'to'} its market value")
    indices = index_moves(event_date)["return"]
    universe = load_universe().loc[returns.columns]
    usable = on_day[~universe["kind"].isin(NOT_RETURNS)].dropna()
    return {
        "findings_day": f"{event_date:%A} {long_date(event_date)}",
        "finding_nvidia": f"{sentence}.",
        "finding_chips": (f"The chip index, the PHLX Semiconductor index, returned {_percent(indices['SOX'])}; "
                          f"the semiconductor ETFs SMH and SOXX returned {_percent(indices['SMH'])} and "
                          f"{_percent(indices['SOXX'])}."),
        "finding_market": (f"The S&P 500 returned {_percent(indices['GSPC'])} and the Nasdaq Composite "
                           f"{_percent(indices['IXIC'])}; the Dow Jones returned {_percent(indices['DJI'])}."),
        "finding_breadth": (f"{int((usable < 0).sum())} of the {len(usable)} instruments of the report with a return "
                            f"that day closed lower."),
    }
