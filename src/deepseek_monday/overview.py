"""Measures of the overview chapter: the event day across the universe and its indices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.eventstudy import EventStudyResult, run_event_study
from deepseek_monday.params import check_event_date, check_positive_int, window_sessions
from deepseek_monday.prices import load_snapshot, price_panel
from deepseek_monday.returns import daily_returns
from deepseek_monday.universe import GROUPS, check_symbols, load_universe

# Headline indices of the overview, with how each stands in for what the articles name.
INDEX_ROWS: dict[str, str] = {
    "GSPC": "S&P 500",
    "IXIC": "Nasdaq Composite",
    "NDX": "Nasdaq-100",
    "DJI": "Dow Jones Industrial Average",
    "GDAXI": "DAX 40",
    "SMH": "SMH ETF (chip-index proxy)",
    "SOXX": "SOXX ETF (chip-index proxy)",
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
        chosen = check_symbols(symbols) if symbols else load_universe().index.tolist()
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
    multi-day move. SMH and SOXX values are adjusted closes, not printed prices.
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


def headline_numbers(table: pd.DataFrame, summary: pd.DataFrame, indices: pd.DataFrame,
                     parameters: OverviewParameters) -> dict[str, object]:
    """Return the numbers the chapter's prose quotes, keyed by glue name."""
    usable = table[~table["kind"].isin(NOT_RETURNS)].dropna(subset=["return"])
    worst, best = usable["return"].idxmin(), usable["return"].idxmax()
    equity_groups = summary[~summary.index.isin(NON_EQUITY_GROUPS)]
    numbers: dict[str, object] = {
        "event_day": f"{parameters.event_date:%A %d %B %Y}",
        "window": f"{parameters.lookback_days} trading days before to {parameters.lookahead_days} after",
        "n_instruments": len(usable),
        "n_down": int((usable["return"] < 0).sum()),
        "n_up": int((usable["return"] > 0).sum()),
        "worst_name": f"{usable.at[worst, 'name']} ({worst})",
        "worst_return": float(usable.at[worst, "return"]),
        "best_name": f"{usable.at[best, 'name']} ({best})",
        "best_return": float(usable.at[best, "return"]),
        "worst_group": str(equity_groups.index[0]),
        "worst_group_mean": float(equity_groups["mean"].iloc[0]),
        "best_group": str(equity_groups.index[-1]),
        "best_group_mean": float(equity_groups["mean"].iloc[-1]),
    }
    for symbol, row in indices.iterrows():
        numbers[f"{symbol.lower()}_return"] = float(row["return"])
    return numbers


def display_event_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return the event-day table as readers see it: names, group, return in percent."""
    shown = table.rename(columns={"name": "Name", "group": "Group", "kind": "Kind", "note": "Note"})
    shown["Return (%)"] = (table["return"] * 100).round(2)
    return shown[["Name", "Group", "Kind", "Return (%)", "Note"]]


def display_percent(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Return ``frame`` with ``columns`` (fractions) shown in percent, rounded to 2 decimals."""
    shown = frame.copy()
    for column in columns:
        shown[column] = (shown[column] * 100).round(2)
    return shown.rename(columns={c: f"{c} (%)" for c in columns})


# Event windows the overview reports, and the tests it shows for each group.
OVERVIEW_WINDOWS = ((0, 0), (-1, 1), (0, 10), (-5, 5))
GROUP_TESTS = {"p_t_cs": "p cross-sectional t", "p_bmp": "p BMP", "p_kp": "p BMP (Kolari-Pynnönen)",
               "p_corrado": "p Corrado rank", "p_sign": "p generalized sign"}


def group_event_study(returns: pd.DataFrame, event_date: pd.Timestamp) -> EventStudyResult:
    """Run the market-model event study of every instrument with a benchmark on the event date.

    Defaults of :mod:`deepseek_monday.eventstudy`: estimation window [-250, -11], the
    universe's benchmark per instrument; firms without one or without enough history are
    listed in the result's exclusions.
    """
    return run_event_study(returns, [event_date], model="market", event_windows=OVERVIEW_WINDOWS)


def display_group_tests(result: EventStudyResult) -> pd.DataFrame:
    """Return each group's CAAR per window with the p-values of its tests (two-sided)."""
    caar = result.caar[result.caar["group"].isin(GROUPS)].copy()
    caar["group"] = pd.Categorical(caar["group"], categories=GROUPS, ordered=True)
    order = {window: position for position, window in enumerate(OVERVIEW_WINDOWS)}
    caar["window_order"] = [order.get((a, b), len(order)) for a, b in zip(caar["window_start"], caar["window_end"],
                                                                          strict=True)]
    caar = caar.sort_values(["group", "window_order"])
    shown = pd.DataFrame({
        "Group": caar["group"].astype(str), "Window": caar["window"], "Firms": caar["n_firms"],
        "CAAR (%)": (caar["caar"] * 100).round(2),
    })
    for column, label in GROUP_TESTS.items():
        shown[label] = caar[column].round(3)
    return shown.reset_index(drop=True)


# Fewest firms for a group's CAR path to be drawn: below it the confidence band is too wide to read.
MIN_FIRMS_FOR_PATH = 4


def equity_groups(result: EventStudyResult, min_firms: int = MIN_FIRMS_FOR_PATH) -> list[str]:
    """Return the equity groups of an event study with at least ``min_firms`` firms, in universe order."""
    firms = result.caar.groupby("group")["n_firms"].max()
    return [g for g in GROUPS if firms.get(g, 0) >= min_firms and g not in NON_EQUITY_GROUPS]


def display_exclusions(result: EventStudyResult) -> pd.DataFrame:
    """Return the instruments left out of the event study and why."""
    return result.exclusions[["symbol", "reason"]].set_index("symbol")


def event_study_numbers(result: EventStudyResult) -> dict[str, object]:
    """Return the event-study figures the prose quotes: the AI-chip group's day-0 CAAR and tests."""
    day0 = result.caar[(result.caar["window"] == "[0,0]") & (result.caar["group"].isin(GROUPS))]
    chips = day0.set_index("group").loc["AI chips"]
    return {
        "chips_caar": float(chips["caar"]), "chips_n": int(chips["n_firms"]),
        "chips_p_kp": float(chips["p_kp"]), "chips_p_corrado": float(chips["p_corrado"]),
        "n_studied": int(result.car["symbol"].nunique()), "n_excluded": len(result.exclusions),
    }
