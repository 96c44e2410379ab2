"""Measures of the overview chapter: the event day across the universe and its indices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.data.params import check_event_date, check_positive_int, window_sessions
from deepseek_monday.data.prices import price_panel
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.data.universe import GROUPS, check_symbols, load_universe
from deepseek_monday.errors import NotCheckable
from deepseek_monday.measures import group_study
from deepseek_monday.measures.event_day import (
    INDEX_ROWS,
    NON_EQUITY_GROUPS,
    NOT_RETURNS,
    breadth,
    index_moves,
)

# Re-exported: the chapter's notebook calls them as overview.event_day_returns and overview.group_summary.
from deepseek_monday.measures.event_day import event_day_returns as event_day_returns
from deepseek_monday.measures.event_day import group_summary as group_summary
from deepseek_monday.measures.levels import value_loss
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import MINUS, MISSING, format_number, format_percent, readable

# Readable names of the exchange calendars a chapter can count trading days on.
MARKET_NAMES: dict[str, str] = {"XNYS": "NYSE", "XETR": "Xetra", "XHKG": "HKEX", "XTKS": "Tokyo Stock Exchange"}


def market_name(market: str) -> str:
    """Return the readable name of an exchange calendar (``XETR`` -> ``Xetra``); unknown codes as they are."""
    return MARKET_NAMES.get(market, market)


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
    """Return each group's equal-weighted cumulative return of its stocks over the window, on market sessions.

    On each session of ``market`` the group's return is the mean of its stocks' returns that day
    (stocks without a session that day are left out); these are compounded. Only stocks count, as
    in :func:`group_summary`: ETFs and indices are never averaged in, and a group without stocks
    (indices, crypto, FX) has no column (see :func:`other_asset_returns`).
    """
    window = window_sessions(event_date, before, after, market)
    universe = load_universe().loc[returns.columns]
    members = universe.index[universe["kind"] == "stock"]
    inside = returns.reindex(window.index)[members]
    groups = universe.loc[members, "group"]
    daily = inside.T.groupby(groups.to_numpy()).mean().T
    compounded = (1.0 + daily).cumprod() - 1.0
    compounded.index = pd.Index(window.to_numpy(), name="rel_day")
    return compounded[[g for g in GROUPS if g in compounded.columns]]


# Groups without stocks whose members the cumulative figure draws one by one (the indices have their own panel).
OTHER_ASSET_GROUPS = ("crypto", "FX")


def other_asset_returns(returns: pd.DataFrame, event_date: pd.Timestamp, before: int, after: int,
                        market: str = "XNYS") -> pd.DataFrame:
    """Return each member of ``OTHER_ASSET_GROUPS`` (Bitcoin, EUR/USD) on its own, never averaged.

    Each compounds its own returns from the window's first to last session (Bitcoin's weekend days
    included) and is read at the close of each ``market`` session; the index is the relative day.
    """
    universe = load_universe().loc[returns.columns]
    members = universe.index[universe["group"].isin(OTHER_ASSET_GROUPS) & ~universe["kind"].isin(NOT_RETURNS)]
    window = window_sessions(event_date, before, after, market)
    own = cumulative_returns(returns[members], event_date, before, after, market)
    read = own.ffill().reindex(window.index)
    read.index = pd.Index(window.to_numpy(), name="rel_day")
    return read


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
    """Return the sentence (Markdown) on the hardest-hit and best-placed group of stocks.

    ``equity_groups`` is :func:`group_summary` (groups of stocks only, each averaged over its stocks), sorted
    by mean return.
    """
    if equity_groups.empty:
        return "None of this edition's instruments is a stock, so no group average is given."
    worst, best = equity_groups.index[0], equity_groups.index[-1]
    worst_mean, best_mean = float(equity_groups["mean"].iloc[0]), float(equity_groups["mean"].iloc[-1])
    if len(equity_groups) == 1:
        return (f"Averaging its stocks with equal weights, the only group of stocks, *{worst}*, "
                f"returned {format_percent(worst_mean, signed=True)}.")
    return (f"Averaging each group's stocks with equal weights, the hardest-hit group was *{worst}* "
            f"({format_percent(worst_mean, signed=True)}) and the best-placed was *{best}* "
            f"({format_percent(best_mean, signed=True)}).")


def headline_numbers(table: pd.DataFrame, summary: pd.DataFrame, indices: pd.DataFrame,
                     parameters: OverviewParameters) -> dict[str, object]:
    """Return the numbers the chapter's prose quotes, keyed by glue name."""
    moved = breadth(table)
    equity_groups = summary[~summary.index.isin(NON_EQUITY_GROUPS)]  # group_summary has none of them; kept as a guard
    numbers: dict[str, object] = {
        "event_day": f"{parameters.event_date:%A} {long_date(parameters.event_date)}",
        "window": f"{parameters.lookback_days} trading days before to {parameters.lookahead_days} after",
        "n_instruments": moved.n_instruments,
        "n_down": moved.n_down,
        "n_up": moved.n_up,
        "worst_name": moved.worst_name,
        "worst_return": moved.worst_return,
        "best_name": moved.best_name,
        "best_return": moved.best_return,
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
    """Return the group summary as readers see it: stocks and their returns in percent, per group of stocks."""
    shown = pd.DataFrame({
        "Stocks": summary["instruments"].astype(int),
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


# ----------------------------------------------------------------------------- the event study by group
# Every group statistic comes from measures.group_study (one definition and one computation per group).

P_PORTFOLIO = "p, portfolio test"
P_WILD = "p, wild bootstrap"
P_KP = "p, Kolari\u2013Pynnönen"
P_HOLM = "p, portfolio (Holm)"
CHIPS = "AI chips"


def overview_groups(symbols: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """Return the overview's groups (:data:`group_study.OVERVIEW_GROUPS`) that hold one of ``symbols`` as a stock
    or an ETF/index beside it; all of them for None. A group is always studied whole, whatever ``symbols``."""
    chosen = None if symbols is None else set(symbols)
    return [name for name in group_study.OVERVIEW_GROUPS
            if chosen is None or chosen & set((d := group_study.definition(name)).members + d.beside)]


def study_groups(event_date: pd.Timestamp) -> group_study.GroupStudy:
    """Return the report's group study for ``event_date`` (shared with every chapter, cached)."""
    return group_study.group_study(event_date)


def _studied(study: group_study.GroupStudy, groups: list[str]) -> list[str]:
    return [g for g in groups if g in set(study.headline["group"])]


def _window_text(window: str) -> str:
    return window.replace("-", MINUS)


def display_headline(study: group_study.GroupStudy, groups: list[str]) -> pd.DataFrame:
    """Each group's portfolio CAR per window with the portfolio test (headline) and the Kolari\u2013Pynnönen test."""
    rows = study.headline[study.headline["group"].isin(groups)].copy()
    rows["order"] = rows["group"].map({g: i for i, g in enumerate(groups)})
    rows = rows.sort_values(["order", "window_end"], kind="stable")
    holm = study.tests[study.tests["model"].str.endswith("(headline)")
                       & (study.tests["test"] == group_study.PORTFOLIO_TEST)].set_index(["group", "window"])["p_holm"]
    shown = pd.DataFrame({
        "Group": rows["group"], "Window (trading days)": rows["window"].map(_window_text),
        "Stocks": rows["n_firms"].astype(int),
        "Benchmark": rows["benchmark"].replace({group_study.CLEAN_LABEL: group_study.CLEAN_SHORT}),
        "CAR (%)": rows["car"] * 100, "s.e. (%)": rows["se"] * 100, "t": rows["t"],
        P_PORTFOLIO: rows["p"], P_WILD: rows["p_wild"],
        P_HOLM: [holm.get((g, w), np.nan) for g, w in zip(rows["group"], rows["window"], strict=True)],
        P_KP: rows["p_kp"],
    })
    return readable(shown, p_values=(P_PORTFOLIO, P_WILD, P_HOLM, P_KP)).set_index(["Group", "Window (trading days)"])


BENCHMARK_COLUMNS = {
    "raw": "Raw return (%)", "market_adjusted": "Market-adjusted, SPY (%)", "market_spy": "Market model, SPY (%)",
    "market_clean": "Market model, S&P 500 ex AI infra. (%)", "ff3": "Fama\u2013French 3-factor (%)",
    "market_local": "Market model, local index (%)",
}


def display_benchmarks(study: group_study.GroupStudy, groups: list[str], window: str = "[0,0]") -> pd.DataFrame:
    """Each group's return over ``window`` under every benchmark, side by side (portfolio, equal-weighted, %)."""
    rows = study.benchmarks[study.benchmarks["group"].isin(groups) & (study.benchmarks["window"] == window)]
    rows = rows.set_index("group").reindex(_studied(study, groups))
    shown = pd.DataFrame({label: rows[column] * 100 for column, label in BENCHMARK_COLUMNS.items()},
                         index=pd.Index(rows.index, name="Group"))
    shown.insert(0, "Stocks", rows["n_firms"].astype(int))
    return readable(shown)


CONTEXT_TESTS = {"Kolari\u2013Pynnönen (BMP adjusted for cross-correlation)": "p, Kolari\u2013Pynnönen",
                 "cross-sectional t": "p, cross-sectional t", "Patell Z": "p, Patell",
                 "BMP t": "p, BMP", "Corrado rank": "p, Corrado rank", "generalized sign": "p, generalized sign"}


def display_cross_section(study: group_study.GroupStudy, groups: list[str], window: str = "[0,0]") -> pd.DataFrame:
    """The firm-by-firm (cross-sectional) tests of each group over ``window``, as context: p-values."""
    tests = study.tests[study.tests["group"].isin(groups) & (study.tests["window"] == window)
                        & study.tests["test"].isin(list(CONTEXT_TESTS))]
    table = tests.pivot(index="group", columns="test", values="p").reindex(_studied(study, groups))
    shown = table[list(CONTEXT_TESTS)].rename(columns=CONTEXT_TESTS)
    shown.index.name = "Group"
    return readable(shown, p_values=tuple(CONTEXT_TESTS.values()))


def display_pre_trend(study: group_study.GroupStudy, groups: list[str]) -> pd.DataFrame:
    """Each group's portfolio CAR over the pre-event windows with the portfolio test's p."""
    rows = study.pre_trend[study.pre_trend["group"].isin(groups)].copy()
    rows["order"] = rows["group"].map({g: i for i, g in enumerate(groups)})
    rows = rows.sort_values(["order", "window_start"], ascending=[True, False], kind="stable")
    shown = pd.DataFrame({"Group": rows["group"], "Window (trading days)": rows["window"].map(_window_text),
                          "CAR (%)": rows["car"] * 100, "t": rows["t"], P_PORTFOLIO: rows["p"]})
    return readable(shown, p_values=(P_PORTFOLIO,)).set_index(["Group", "Window (trading days)"])


def display_beside(study: group_study.GroupStudy, groups: list[str], window: str = "[0,0]") -> pd.DataFrame:
    """The ETFs and indices shown beside each group (never averaged in), each tested on its own."""
    rows = study.beside[study.beside["group"].isin(groups) & (study.beside["window"] == window)]
    shown = pd.DataFrame({"Beside group": rows["group"], "Symbol": rows["symbol"], "Kind": rows["kind"],
                          "Raw return (%)": rows["raw"] * 100, "CAR (%)": rows["car"] * 100,
                          "p, single-series t": rows["p"], "Benchmark": rows["benchmark"]})
    return readable(shown, p_values=("p, single-series t",)).set_index(["Beside group", "Symbol"])


def display_group_members(study: group_study.GroupStudy, groups: list[str]) -> pd.DataFrame:
    """Each group's definition: its stocks (averaged), what is shown beside it, its benchmark."""
    benchmark = study.headline.drop_duplicates("group").set_index("group")["benchmark"]
    rows = []
    for name in groups:
        definition = group_study.definition(name)
        rows.append({"Group": name, "Stocks (the portfolio)": ", ".join(definition.members),
                     "Shown beside (ETFs, indices)": ", ".join(definition.beside) or MISSING,
                     "Benchmark": benchmark.get(name, "not studied on this date")})
    return pd.DataFrame(rows).set_index("Group")


# Fewest firms for a group's CAR path to be drawn.
MIN_FIRMS_FOR_PATH = 3


def path_groups(study: group_study.GroupStudy, groups: list[str], min_firms: int = MIN_FIRMS_FOR_PATH) -> list[str]:
    """The groups whose CAR path the chapter draws: studied, with at least ``min_firms`` stocks."""
    firms = study.headline.drop_duplicates("group").set_index("group")["n_firms"]
    return [g for g in _studied(study, groups) if firms.get(g, 0) >= min_firms]


def event_study_numbers(study: group_study.GroupStudy, groups: list[str]) -> dict[str, object]:
    """Return the event-study figures the prose quotes (the AI-chip group's day 0, the benchmarks' effect)."""
    numbers: dict[str, object] = {"benchmark_note": study.benchmark_note,
                                  "n_groups": len(_studied(study, groups))}
    if CHIPS in _studied(study, groups):
        q = group_study.quote(study, CHIPS)
        numbers |= {f"chips_{key}": value for key, value in q.items()}
        numbers["chips_sentence"] = group_study.tests_sentence("AI-chip", q)
    else:
        numbers["chips_sentence"] = ("The AI-chip group is not part of this edition, so no group CAR is quoted.")
    sentences = [group_study.benchmark_sentence(name, group_study.quote(study, name))
                 for name in (CHIPS, "cloud software") if name in _studied(study, groups)]
    numbers["benchmark_sentence"] = " ".join(sentences)
    dropped = study.dropped
    numbers["dropped_sentence"] = ("" if dropped.empty else "Not studied on this date: " + "; ".join(
        f"{g} ({r})" for g, r in zip(dropped["group"], dropped["reason"], strict=True)) + ".")
    return numbers


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
