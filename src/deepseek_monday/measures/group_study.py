"""One event study per named group of stocks, shared by every chapter that quotes a group.

On 27 January 2025 every firm shares one event date, so the firms' abnormal returns are
cross-correlated and the cross-sectional tests, which treat firms as independent,
over-reject (or, once a correction inflates their variance, can lose all power). The
headline of each group is therefore the **portfolio time-series test**
(:func:`deepseek_monday.eventstudy.portfolio_test`: the group's equal-weighted portfolio
tested against its own estimation-window residual variance, df = L - 2), with the
Kolari-Pynnönen-adjusted BMP test (designed for clustered event dates) as the second line,
and the cross-sectional tests as context.

**Groups** (:data:`GROUPS`) are stocks only: ETFs and indices that hold or track the same
firms are listed in ``beside`` and tested one by one, never averaged in (an ETF in a stock
average counts its holdings twice). Each group has one definition and one computation, so
two chapters quoting the same group, window and test quote the same number; groups with
different members carry different names ("AI chips" of the overview is not the SaaS
chapter's "AI infrastructure").

**Benchmarks.** SPY holds Nvidia, Broadcom and the rest of AI infrastructure, so a market
model on SPY books part of the chip crash as "market" and inflates everyone else's excess
return. US groups are measured against the equal-weighted S&P 500 without AI
infrastructure (:func:`deepseek_monday.measures.market_wide.ex_ai_benchmark`, "clean
benchmark"). The S&P 500 cross-section starts in 2015: where it does not cover the
estimation and event windows, US groups fall back to SPY and ``benchmark_note`` says so.
Groups listed outside the US use their local index. ``benchmarks`` sets side by side, per
group and window: the raw return, market-adjusted (SPY), market model on SPY, market model
on the clean benchmark and the Fama-French three-factor model (US groups).

Portfolios are equal-weighted: value weights need each member's market value, and the
facts hold share counts for a handful of firms only. CARs are sums of daily abnormal
returns over the window (relative days on the group's own sessions); the raw return of a
window is likewise the sum of the portfolio's daily returns.

:func:`group_study` is cached per (validated) event date and group definitions within a process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy import portfolio_returns, portfolio_test, run_event_study, window_label
from deepseek_monday.eventstudy.portfolio import car_tests

ESTIMATION_WINDOW = (-250, -11)
WINDOWS: tuple[tuple[int, int], ...] = ((0, 0), (0, 1), (0, 5))  # day 0 is the headline
PRE_WINDOWS: tuple[tuple[int, int], ...] = ((-1, -1), (-5, -1), (-10, -1))
PATH_SPAN = (-10, 10)  # the widest CAR path a chapter may draw (the estimation window ends at -11)
MIN_ESTIMATION_OBS = 200
# Rows of the returns kept around the event: ample for 250 sessions before and 10 after on every calendar.
CALENDAR_DAYS_BEFORE, CALENDAR_DAYS_AFTER = 500, 60
N_BOOT = 999
CLEAN = "S&P 500 ex AI infrastructure (equal-weighted)"  # the clean benchmark's column name
SPY = "SPY"
CLEAN_LABEL = "S&P 500 ex AI infrastructure"
CLEAN_SHORT = "S&P 500 ex AI"  # the same benchmark in narrow table columns
MODEL_LABELS = {
    "raw": "raw return",
    "market_adjusted": "market-adjusted (SPY)",
    "market_spy": "market model, SPY",
    "market_clean": "market model, S&P 500 ex AI infrastructure",
    "market_local": "market model, local index",
    "ff3": "Fama\u2013French 3-factor",
}
# Cross-sectional tests of the engine: (column prefix, label, family).
CROSS_SECTION_TESTS = (
    ("kp", "Kolari\u2013Pynnönen (BMP adjusted for cross-correlation)", "clustered cross-section"),
    ("t_cs", "cross-sectional t", "cross-section (assumes independent firms)"),
    ("patell", "Patell Z", "cross-section (assumes independent firms)"),
    ("bmp", "BMP t", "cross-section (assumes independent firms)"),
    ("corrado", "Corrado rank", "cross-section (assumes independent firms)"),
    ("sign", "generalized sign", "cross-section (assumes independent firms)"),
    ("grank", "GRANK t", "cross-section (assumes independent firms)"),
    ("wilcoxon", "Wilcoxon signed-rank", "cross-section (assumes independent firms)"),
)
PORTFOLIO_TEST = "portfolio time-series t"
WILD_TEST = "portfolio, wild bootstrap"
HEADLINE_COLUMNS = ["group", "window", "window_start", "window_end", "model", "benchmark", "car", "se", "t", "df",
                    "p", "p_wild", "p_kp", "r_bar", "n_firms"]


@dataclass(frozen=True)
class GroupDefinition:
    """A named group of stocks, its market index, and the ETFs/indices shown beside it (never averaged in)."""

    name: str
    members: tuple[str, ...]
    index: str = SPY
    beside: tuple[str, ...] = ()
    description: str = ""

    @property
    def us(self) -> bool:
        """A US group (NYSE sessions, SPY as market index): measured against the clean benchmark."""
        return self.index == SPY


GROUPS: tuple[GroupDefinition, ...] = (
    # The overview's groups: the universe's groups, stocks only.
    GroupDefinition("AI chips", ("NVDA", "AVGO", "TSM", "ASML", "AMD", "ARM", "MRVL", "MU", "INTC", "QCOM"),
                    beside=("SOXX", "SMH", "SOX"), description="universe group AI chips, stocks"),
    GroupDefinition("networking/servers", ("ANET", "CSCO", "SMCI"), description="universe group, stocks"),
    GroupDefinition("power for AI", ("VST", "CEG", "GEV"), description="universe group, stocks"),
    GroupDefinition("hyperscalers and megacaps", ("ORCL", "AAPL", "MSFT", "GOOGL", "AMZN", "META"),
                    beside=("QQQ",), description="universe group, stocks"),
    GroupDefinition("cloud software", ("SAP", "CRM", "NOW", "SNOW", "DDOG", "MDB", "PLTR"),
                    beside=("WCLD", "IGV"), description="universe group, US-listed stocks (SAP as its ADR)"),
    GroupDefinition("China (US-listed)", ("BABA", "BIDU"), beside=("KWEB", "FXI", "MCHI", "ASHR", "KTEC"),
                    description="universe group China, US-listed ADRs"),
    GroupDefinition("China (Hong Kong)", ("0700.HK", "9988.HK", "0981.HK"), index="HSI",
                    description="universe group China, HKEX stocks, against the Hang Seng"),
    GroupDefinition("Europe", ("SAP.DE", "SIE.DE", "IFX.DE", "SU.PA", "ASML.AS"), index="STOXX50E",
                    beside=("EWG", "GDAXI"), description="universe group, stocks, against the EURO STOXX 50"),
    GroupDefinition("Japan", ("9984.T", "6857.T", "8035.T"), index="N225", beside=("EWJ",),
                    description="universe group, stocks, against the Nikkei 225"),
    # The SaaS chapter's baskets: other members, so other names.
    GroupDefinition("AI infrastructure", ("NVDA", "AVGO", "TSM", "ASML", "AMD", "ARM", "ANET", "MRVL", "MU", "SMCI",
                                          "VST", "CEG", "GEV"),
                    beside=("SOXX", "SMH"), description="SaaS chapter: chips, networking, servers, power for AI"),
    GroupDefinition("hyperscalers", ("MSFT", "GOOGL", "AMZN", "META", "ORCL"), beside=("QQQ",),
                    description="SaaS chapter: the companies renting out cloud capacity (no Apple)"),
    GroupDefinition("US cloud software", ("CRM", "NOW", "SNOW", "DDOG", "MDB", "PLTR"), beside=("WCLD", "IGV"),
                    description="SaaS chapter: US application software (no SAP)"),
    # The sanctions chapter's chip group: US-headquartered firms only (export controls bind US firms).
    GroupDefinition("US chip firms", ("NVDA", "AMD", "AVGO", "MU", "INTC", "QCOM", "MRVL"), beside=("SMH", "SOXX"),
                    description="sanctions chapter: US-headquartered chip designers and makers (no TSMC, ASML, Arm)"),
)
OVERVIEW_GROUPS = ("AI chips", "networking/servers", "power for AI", "hyperscalers and megacaps", "cloud software",
                   "China (US-listed)", "China (Hong Kong)", "Europe", "Japan")
SAAS_GROUPS = ("AI infrastructure", "hyperscalers", "US cloud software")
SANCTIONS_GROUPS = ("US chip firms",)


def check_definitions(definitions: Iterable[GroupDefinition], universe: pd.DataFrame | None = None
                      ) -> tuple[GroupDefinition, ...]:
    """Return ``definitions`` if every group is a non-empty list of distinct stocks of the universe.

    Raise a ParameterError for a repeated group name, an empty group, a member that is not a
    stock (ETFs and indices belong in ``beside``), a member on another exchange calendar than
    the group's index, or an unknown symbol.
    """
    if universe is None:
        from deepseek_monday.data.universe import load_universe

        universe = load_universe()
    definitions = tuple(definitions)
    names = [d.name for d in definitions]
    if len(set(names)) != len(names):
        raise ParameterError(f"groups: names repeated: {sorted({n for n in names if names.count(n) > 1})}")
    for group in definitions:
        if not group.members:
            raise ParameterError(f"group {group.name!r}: no members")
        if len(set(group.members)) != len(group.members):
            raise ParameterError(f"group {group.name!r}: a member is listed twice")
        unknown = [s for s in (*group.members, *group.beside, group.index) if s not in universe.index]
        if unknown:
            raise ParameterError(f"group {group.name!r}: not in data/universe.csv: {unknown}")
        not_stocks = [s for s in group.members if universe.at[s, "kind"] != "stock"]
        if not_stocks:
            raise ParameterError(f"group {group.name!r}: {not_stocks} are not stocks; a group averages stocks only "
                                 "(list ETFs and indices in `beside`)")
        calendar = universe.at[group.index, "calendar"]
        if group.us and any(universe.at[s, "calendar"] != calendar for s in group.members):
            raise ParameterError(f"group {group.name!r}: a US group's members must all trade on {calendar}")
    return definitions


def definition(name: str) -> GroupDefinition:
    """Return the report's definition of group ``name``."""
    for group in GROUPS:
        if group.name == name:
            return group
    raise ParameterError(f"unknown group {name!r}; the groups are {[g.name for g in GROUPS]}")


# ----------------------------------------------------------------------------- inputs


@cache
def clean_benchmark() -> pd.Series:
    """The equal-weighted S&P 500 without AI infrastructure, daily returns (cached per process)."""
    from deepseek_monday.data.cross_section import load_cross_section
    from deepseek_monday.measures.market_wide import EX_AI_LABEL, ex_ai_benchmark

    return ex_ai_benchmark(load_cross_section())[EX_AI_LABEL].rename(CLEAN)


def clean_benchmark_covers(clean: pd.Series, spy: pd.Series, event_date: pd.Timestamp,
                           span: tuple[int, int]) -> bool:
    """True if ``clean`` has a return on every SPY session from ``span[0]`` to ``span[1]`` around the event."""
    sessions = spy.dropna().index
    if event_date not in sessions:
        return False
    zero = sessions.get_loc(event_date)
    if zero + span[0] < 0 or zero + span[1] >= len(sessions):
        return False
    days = sessions[zero + span[0]:zero + span[1] + 1]
    return bool(clean.reindex(days).notna().all())


def _load_returns(definitions: tuple[GroupDefinition, ...]) -> pd.DataFrame:
    from deepseek_monday.data.returns import daily_returns

    symbols = [SPY, *(s for g in definitions for s in (*g.members, *g.beside, g.index))]
    return daily_returns(list(dict.fromkeys(symbols)))


def _ff_factors() -> pd.DataFrame:
    from deepseek_monday.data.facts import load_ff_factors

    return load_ff_factors()


# ----------------------------------------------------------------------------- result


@dataclass(frozen=True)
class GroupStudy:
    """Every group's event study on one date (tidy tables; see the module docstring).

    - ``headline``: one row per group and window: the portfolio time-series test (market model
      on the clean benchmark for US groups, the local index elsewhere) with ``p_kp``, the
      Kolari-Pynnönen p of the same model, and ``p_wild``, the portfolio's wild-bootstrap p.
    - ``benchmarks``: per group and window, the CAR under each model of :data:`MODEL_LABELS`
      (columns) and the portfolio test's p beside each.
    - ``tests``: every test in long form, with Holm and Benjamini-Hochberg p adjusted over
      all groups x windows of that test.
    - ``pre_trend``: the portfolio test over the pre-event windows.
    - ``beside``: each ETF or index shown beside a group, tested on its own.
    - ``firms``: each member's abnormal return (same model as the headline) per window.
    - ``dropped``: groups that cannot be studied on this date (group, reason).
    """

    event_date: pd.Timestamp
    definitions: tuple[GroupDefinition, ...]
    headline: pd.DataFrame
    benchmarks: pd.DataFrame
    tests: pd.DataFrame
    pre_trend: pd.DataFrame
    beside: pd.DataFrame
    firms: pd.DataFrame
    clean_benchmark_used: bool
    benchmark_note: str
    portfolios: pd.DataFrame
    benchmark_columns: pd.DataFrame
    dropped: pd.DataFrame

    def row(self, group: str, window: str = "[0,0]") -> pd.Series:
        """The headline row of ``group`` over ``window`` (a KeyError names what is missing)."""
        match = self.headline[(self.headline["group"] == group) & (self.headline["window"] == window)]
        if match.empty:
            raise KeyError(f"no headline row for group {group!r}, window {window}")
        return match.iloc[0]

    def paths(self, start: int = -5, end: int = 10, level: float = 0.95) -> pd.DataFrame:
        """Each group's portfolio CAR from day ``start`` to each day up to ``end``, with the
        ``level`` band of the portfolio test (± t(df) se of the CAR over [start, day]).

        Columns group, rel_day, car, lower, upper, n_firms, band. ``start`` >= the first day
        of :data:`PATH_SPAN` (the estimation window must not overlap the path).
        """
        from scipy import special

        if not (PATH_SPAN[0] <= start <= 0 <= end <= PATH_SPAN[1]):
            raise ParameterError(f"path: start {start} and end {end} must lie in {PATH_SPAN} around day 0")
        windows = tuple((start, day) for day in range(start, end + 1))
        rows = []
        for group in self.definitions:
            y, x, mask, rel_days = _grid_arrays(self.portfolios[group.name], self.benchmark_columns[group.name],
                                                self.event_date, windows)
            car, se, _, _, fit = car_tests(y[None], x[None], mask[None], rel_days, windows, "market")
            half = special.stdtrit(float(fit.df[0]), 0.5 + level / 2.0) * se[0]
            n_firms = int(self.headline.loc[self.headline["group"] == group.name, "n_firms"].iloc[0])
            rows.append(pd.DataFrame({"group": group.name, "rel_day": np.arange(start, end + 1), "car": car[0],
                                      "lower": car[0] - half, "upper": car[0] + half, "n_firms": n_firms,
                                      "band": "portfolio time-series"}))
        table = pd.concat(rows, ignore_index=True)
        table.attrs["level"] = level
        return table


def _grid_arrays(series: pd.Series, benchmark: pd.Series, event_date: pd.Timestamp,
                 windows: tuple[tuple[int, int], ...]) -> tuple[np.ndarray, ...]:
    """The portfolio and benchmark on relative days (estimation window to the last window day)."""
    sessions = series.index[np.isfinite(series.to_numpy())]
    zero = sessions.get_loc(event_date)
    lo = min(ESTIMATION_WINDOW[0], *(w[0] for w in windows))
    hi = max(ESTIMATION_WINDOW[1], *(w[1] for w in windows))
    dates = sessions[zero + lo:zero + hi + 1]
    rel_days = np.arange(lo, hi + 1)
    y = series.reindex(dates).to_numpy(dtype=float)
    x = benchmark.reindex(dates).to_numpy(dtype=float)
    mask = (rel_days >= ESTIMATION_WINDOW[0]) & (rel_days <= ESTIMATION_WINDOW[1]) & np.isfinite(y) & np.isfinite(x)
    return y, x, mask, rel_days


def check_study_date(event_date: object) -> pd.Timestamp:
    """Return ``event_date`` as a Timestamp if it is a plain date (the data check comes with the study)."""
    try:
        timestamp = pd.Timestamp(event_date)
    except (ValueError, TypeError) as error:
        raise ParameterError(f"event_date: cannot read {event_date!r} as a date ({error})") from error
    if timestamp is pd.NaT or timestamp.tz is not None or timestamp != timestamp.normalize():
        raise ParameterError(f"event_date: {event_date!r} must be a plain calendar date (YYYY-MM-DD)")
    return timestamp


def group_study(event_date: object, groups: Iterable[GroupDefinition] | None = None) -> GroupStudy:
    """Return the event study of every group of ``groups`` (default :data:`GROUPS`) on ``event_date``.

    Cached per validated date and definitions: every chapter that asks for the same group on
    the same date gets the very same numbers. Raises a ParameterError if the date is not a
    session of a group (no member has a return) or the data do not cover the estimation
    window [-250, -11] and the windows up to +10.
    """
    definitions = check_definitions(GROUPS if groups is None else groups)
    return _group_study(check_study_date(event_date), definitions)


@cache
def _group_study(event_date: pd.Timestamp, definitions: tuple[GroupDefinition, ...]) -> GroupStudy:
    returns = _load_returns(definitions)
    returns = returns.loc[event_date - pd.Timedelta(days=CALENDAR_DAYS_BEFORE):
                          event_date + pd.Timedelta(days=CALENDAR_DAYS_AFTER)]
    spy = returns[SPY]
    clean = clean_benchmark().reindex(returns.index)
    used = clean_benchmark_covers(clean, spy, event_date, (ESTIMATION_WINDOW[0], PATH_SPAN[1]))
    if used:
        note = (f"US groups are measured against the {CLEAN_LABEL} (equal-weighted S&P 500 members without chip "
                "makers, chip-equipment makers and the report's networking, server and power names).")
    else:
        note = (f"The S&P 500 cross-section behind the {CLEAN_LABEL} does not cover the estimation and event "
                f"windows of {event_date:%-d %B %Y} (it starts in 2015), so US groups fall back to SPY, which "
                "itself holds the AI-infrastructure stocks.")
    frame = returns.assign(**{CLEAN: clean})
    portfolios = pd.DataFrame({g.name: portfolio_returns(frame, dict.fromkeys(g.members, g.name))[g.name]
                               for g in definitions})
    reasons = {g.name: _unusable(portfolios[g.name], event_date) for g in definitions}
    dropped = pd.DataFrame([(name, why) for name, why in reasons.items() if why], columns=["group", "reason"])
    definitions = tuple(g for g in definitions if not reasons[g.name])
    if not definitions:
        raise ParameterError(f"event_date: no group can be studied on {event_date:%Y-%m-%d}: "
                             + "; ".join(f"{g}: {r}" for g, r in zip(dropped["group"], dropped["reason"], strict=True)))
    portfolios = portfolios[[g.name for g in definitions]]
    headline_column = {g.name: (CLEAN if used else SPY) if g.us else g.index for g in definitions}
    bench = pd.DataFrame({name: frame[column] for name, column in headline_column.items()})
    spy_bench = pd.DataFrame({g.name: frame[SPY if g.us else g.index] for g in definitions})

    on_day = frame.loc[event_date] if event_date in frame.index else pd.Series(dtype=float)
    n_firms = {g.name: int(on_day.reindex(list(g.members)).notna().sum()) for g in definitions}

    def run(benchmark: pd.DataFrame, model: str, windows=WINDOWS, n_boot: int = 0) -> pd.DataFrame:
        table = portfolio_test(portfolios, benchmark, {g.name: g.name for g in definitions}, event_date,
                               windows=windows, estimation_window=ESTIMATION_WINDOW, model=model,
                               min_estimation_obs=MIN_ESTIMATION_OBS, n_boot=n_boot)
        table["n_firms"] = table["group"].map(n_firms)  # members with a return on the event date
        return table

    headline = run(bench, "market", n_boot=N_BOOT)
    headline["benchmark"] = [_benchmark_name(headline_column[g]) for g in headline["group"]]
    # Validate that every window (paths included) fits the data, with a clear message.
    run(bench, "market", windows=((PATH_SPAN[0], PATH_SPAN[1]),))
    by_model = {"market_adjusted": run(pd.DataFrame({g.name: frame[SPY] for g in definitions}), "market_adjusted"),
                "market_spy": run(spy_bench, "market")}
    if used:
        by_model["market_clean"] = run(pd.DataFrame({g.name: frame[CLEAN] for g in definitions}), "market")
    ff3 = _ff3(portfolios[[g.name for g in definitions if g.us]], event_date)
    cross = _cross_section(frame, definitions, headline_column, event_date)
    pre_trend = run(bench, "market", windows=PRE_WINDOWS)
    pre_trend["benchmark"] = [_benchmark_name(headline_column[g]) for g in pre_trend["group"]]

    caar = cross["caar"].set_index(["group", "window"])
    keys = list(zip(headline["group"], headline["window"], strict=True))
    headline["p_kp"] = [caar["p_kp"].get(k, np.nan) for k in keys]
    headline["r_bar"] = [caar["r_bar"].get(k, np.nan) for k in keys]
    headline["model"] = "market model (portfolio)"
    benchmarks = _benchmark_table(portfolios, headline, by_model, ff3, definitions, event_date)
    tests = _tests_table(headline, cross["caar"], by_model, ff3, definitions)
    beside = _beside(frame, definitions, headline_column, event_date)
    return GroupStudy(event_date=event_date, definitions=definitions, headline=headline[HEADLINE_COLUMNS],
                      benchmarks=benchmarks, tests=tests, pre_trend=pre_trend, beside=beside, firms=cross["car"],
                      clean_benchmark_used=used, benchmark_note=note, portfolios=portfolios, benchmark_columns=bench,
                      dropped=dropped)


def _unusable(series: pd.Series, event_date: pd.Timestamp) -> str:
    """Why a group's portfolio cannot be studied on ``event_date`` ("" if it can)."""
    sessions = series.index[np.isfinite(series.to_numpy())]
    if event_date not in sessions:
        return "no member has a return on the event date"
    zero = sessions.get_loc(event_date)
    if zero + ESTIMATION_WINDOW[0] < 0:
        return f"only {zero} sessions of history before the event date, {-ESTIMATION_WINDOW[0]} needed"
    if zero + PATH_SPAN[1] >= len(sessions):
        return f"only {len(sessions) - 1 - zero} sessions after the event date, {PATH_SPAN[1]} needed"
    return ""


def _benchmark_name(column: str) -> str:
    return CLEAN_LABEL if column == CLEAN else column


def _ff3(portfolios: pd.DataFrame, event_date: pd.Timestamp) -> pd.DataFrame:
    """Fama-French three-factor CAR of each US portfolio (single-series t of the engine); NaN where not covered."""
    columns = ["group", "window", "car", "se", "t", "p"]
    if portfolios.empty:
        return pd.DataFrame(columns=columns)
    result = run_event_study(portfolios, [event_date], symbols=list(portfolios.columns), model="ff3",
                             factors=_ff_factors(), estimation_window=ESTIMATION_WINDOW, event_windows=WINDOWS,
                             groups={g: g for g in portfolios.columns}, pooled_group=None, n_boot=0,
                             min_estimation_obs=MIN_ESTIMATION_OBS)
    car = result.car.drop(columns="group").rename(columns={"symbol": "group", "car_se": "se"})
    return car[columns]


def _disjoint_batches(definitions: tuple[GroupDefinition, ...]) -> list[list[GroupDefinition]]:
    """Split groups into batches whose members do not overlap (the engine takes one group per symbol)."""
    batches: list[tuple[set[str], list[GroupDefinition]]] = []
    for group in definitions:
        for taken, batch in batches:
            if taken.isdisjoint(group.members):
                taken.update(group.members)
                batch.append(group)
                break
        else:
            batches.append((set(group.members), [group]))
    return [batch for _, batch in batches]


def _cross_section(frame: pd.DataFrame, definitions: tuple[GroupDefinition, ...], headline_column: dict[str, str],
                   event_date: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The engine's firm-level market model and cross-sectional tests, same benchmark as the headline."""
    caars, cars = [], []
    for batch in _disjoint_batches(definitions):
        symbols = [s for g in batch for s in g.members]
        result = run_event_study(frame, [event_date], symbols=symbols, model="market",
                                 benchmark={s: headline_column[g.name] for g in batch for s in g.members},
                                 groups={s: g.name for g in batch for s in g.members}, pooled_group=None,
                                 estimation_window=ESTIMATION_WINDOW, event_windows=WINDOWS, n_boot=0,
                                 min_estimation_obs=MIN_ESTIMATION_OBS)
        caars.append(result.caar)
        cars.append(result.car)
    return {"caar": pd.concat([c for c in caars if not c.empty], ignore_index=True),
            "car": pd.concat([c for c in cars if not c.empty], ignore_index=True)}


def _window_sum(series: pd.Series, event_date: pd.Timestamp, window: tuple[int, int]) -> float:
    """Sum of the series' returns over sessions window[0]..window[1] of its own sessions around the event."""
    values = series.to_numpy(dtype=float)
    present = np.isfinite(values)
    dates, values = series.index[present], values[present]
    zero = dates.get_loc(event_date)
    return float(values[zero + window[0]:zero + window[1] + 1].sum())


def _benchmark_table(portfolios: pd.DataFrame, headline: pd.DataFrame, by_model: dict[str, pd.DataFrame],
                     ff3: pd.DataFrame, definitions: tuple[GroupDefinition, ...],
                     event_date: pd.Timestamp) -> pd.DataFrame:
    """Per group and window: raw, market-adjusted, market model (SPY / clean / local) and FF3 CARs with p."""
    table = headline[["group", "window", "window_start", "window_end", "n_firms", "benchmark"]].copy()
    table["raw"] = [_window_sum(portfolios[g], event_date, (a, b))
                    for g, a, b in zip(table["group"], table["window_start"], table["window_end"], strict=True)]
    keys = list(zip(table["group"], table["window"], strict=True))
    us = {g.name: g.us for g in definitions}
    for model in ("market_adjusted", "market_spy", "market_clean"):
        part = by_model.get(model)
        indexed = part.set_index(["group", "window"]) if part is not None else None
        for column in ("car", "p"):
            values = [indexed[column].get(k, np.nan) if indexed is not None else np.nan for k in keys]
            if model == "market_clean":  # the clean benchmark only exists for US groups
                values = [v if us[g] else np.nan for v, g in zip(values, table["group"], strict=True)]
            table[f"{model}_{column}" if column == "p" else model] = values
    local = by_model["market_spy"].set_index(["group", "window"])
    table["market_local"] = [np.nan if us[g] else local["car"].get(k) for g, k in zip(table["group"], keys,
                                                                                      strict=True)]
    table["market_local_p"] = [np.nan if us[g] else local["p"].get(k) for g, k in zip(table["group"], keys,
                                                                                      strict=True)]
    table.loc[~table["group"].map(us), ["market_adjusted", "market_adjusted_p", "market_spy", "market_spy_p"]] = np.nan
    indexed = ff3.set_index(["group", "window"])
    table["ff3"] = [indexed["car"].get(k, np.nan) for k in keys]
    table["ff3_p"] = [indexed["p"].get(k, np.nan) for k in keys]
    table["headline"] = headline["car"].to_numpy()
    return table


def _tests_table(headline: pd.DataFrame, caar: pd.DataFrame, by_model: dict[str, pd.DataFrame],
                 ff3: pd.DataFrame, definitions: tuple[GroupDefinition, ...]) -> pd.DataFrame:
    """Every test in long form: group, window, family, test, model, statistic, p, p_holm, p_bh."""
    rows = []
    base = ["group", "window", "window_start", "window_end"]
    first = headline[[*base, "benchmark", "n_firms", "car", "t", "p", "p_wild"]]
    headline_model = "market model, " + first["benchmark"] + " (headline)"
    rows.append(first.assign(family="portfolio time-series", test=PORTFOLIO_TEST, statistic=first["t"],
                             model=headline_model))
    rows.append(first.assign(family="portfolio time-series", test=WILD_TEST, statistic=first["t"],
                             p=first["p_wild"], model=headline_model))
    for model, part in by_model.items():
        if model == "market_spy":
            part = part[part["group"].isin([g.name for g in definitions if g.us])]
        rows.append(part[[*base, "n_firms", "car", "t", "p"]].assign(
            family="portfolio time-series", test=PORTFOLIO_TEST, statistic=part["t"], model=MODEL_LABELS[model]))
    if not ff3.empty:
        windows = headline.drop_duplicates("window").set_index("window")[["window_start", "window_end"]]
        ff = ff3.join(windows, on="window")
        rows.append(ff.assign(family="portfolio time-series", test="single-series t (FF3 portfolio)",
                              statistic=ff["t"], model=MODEL_LABELS["ff3"]))
    for prefix, label, family in CROSS_SECTION_TESTS:
        rows.append(caar[[*base, "n_firms"]].assign(family=family, test=label, statistic=caar[prefix],
                                                    p=caar[f"p_{prefix}"], car=caar["caar"],
                                                    model="market model (headline benchmark), firm by firm"))
    tests = pd.concat(rows, ignore_index=True)
    columns = ["group", "window", "window_start", "window_end", "family", "test", "model", "n_firms", "car",
               "statistic", "p"]
    tests = tests[columns].reset_index(drop=True)
    tests["p_holm"], tests["p_bh"] = np.nan, np.nan
    for _, index in tests.groupby(["test", "model"], sort=False).groups.items():
        tests.loc[index, "p_holm"] = adjust_p(tests.loc[index, "p"].to_numpy(dtype=float), "holm")
        tests.loc[index, "p_bh"] = adjust_p(tests.loc[index, "p"].to_numpy(dtype=float), "bh")
    return tests


def adjust_p(p_values: np.ndarray, method: str = "holm") -> np.ndarray:
    """Holm (1979) or Benjamini-Hochberg (1995) adjusted p-values; NaN stays NaN and is not counted.

    The same numbers as :func:`deepseek_monday.eventstudy.adjust_p_values` (statsmodels), in
    numpy: statsmodels' call costs a garbage collection each time, a second per table here.
    Holm: p_(i) (m - i + 1) for the i-th smallest, made non-decreasing, capped at 1. BH:
    p_(i) m / i, made non-increasing from the largest, capped at 1.
    """
    if method not in ("holm", "bh"):
        raise ParameterError(f"method: {method!r} is not 'holm' or 'bh'")
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    m = finite.size
    if m == 0:
        return out
    order = finite[np.argsort(p[finite], kind="stable")]
    ranked = p[order]
    if method == "holm":
        adjusted = np.maximum.accumulate(ranked * (m - np.arange(m)))
    else:
        adjusted = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    out[order] = np.minimum(adjusted, 1.0)
    return out


def _beside(frame: pd.DataFrame, definitions: tuple[GroupDefinition, ...], headline_column: dict[str, str],
            event_date: pd.Timestamp) -> pd.DataFrame:
    """Each ETF or index beside a group: raw return and its own CAR (group's headline benchmark), one by one."""
    from deepseek_monday.data.universe import load_universe

    universe = load_universe()
    us_column = CLEAN if CLEAN in headline_column.values() else SPY

    def column_for(symbol: str, group: GroupDefinition) -> str:
        """A US listing (EWG, EWJ) is measured on NYSE sessions against the US benchmark, whatever its group."""
        return us_column if universe.at[symbol, "calendar"] == "XNYS" else headline_column[group.name]

    pairs = {(s, column_for(s, g)) for g in definitions for s in g.beside if s != column_for(s, g)}
    tested: dict[tuple[str, str], pd.DataFrame] = {}
    for column in {c for _, c in pairs}:
        symbols = sorted(s for s, c in pairs if c == column and event_date in frame[s].dropna().index)
        try:  # all at once; one by one if an ETF with a short history sinks the batch
            batch = portfolio_test(frame[symbols], frame[column], {s: s for s in symbols}, event_date,
                                   windows=WINDOWS, estimation_window=ESTIMATION_WINDOW, model="market",
                                   min_estimation_obs=MIN_ESTIMATION_OBS)
            tested.update({(s, column): part.set_index("window") for s, part in batch.groupby("group")})
            continue
        except ParameterError:
            pass
        for symbol in symbols:
            try:
                tested[(symbol, column)] = portfolio_test(
                    frame[[symbol]], frame[column], {symbol: symbol}, event_date, windows=WINDOWS,
                    estimation_window=ESTIMATION_WINDOW, model="market",
                    min_estimation_obs=MIN_ESTIMATION_OBS).set_index("window")
            except ParameterError:  # too short a history: its raw return only
                continue
    rows = []
    for group in definitions:
        for symbol in group.beside:
            column = column_for(symbol, group)
            series = frame[symbol]
            trades = event_date in series.dropna().index
            test = tested.get((symbol, column))
            for window in WINDOWS:
                label = window_label(window)
                rows.append({"group": group.name, "symbol": symbol, "name": universe.at[symbol, "name"],
                             "kind": universe.at[symbol, "kind"], "window": label,
                             "raw": _window_sum(series, event_date, window) if trades else np.nan,
                             "car": test.at[label, "car"] if test is not None else np.nan,
                             "p": test.at[label, "p"] if test is not None else np.nan,
                             "benchmark": _benchmark_name(column)})
    return pd.DataFrame(rows, columns=["group", "symbol", "name", "kind", "window", "raw", "car", "p", "benchmark"])


# ----------------------------------------------------------------------------- what the chapters quote


def quote(study: GroupStudy, group: str, window: str = "[0,0]") -> dict[str, float]:
    """The numbers a chapter quotes for ``group`` over ``window``: one source for every chapter.

    Keys: car, se, t, df, p (portfolio test, headline), p_wild, p_kp, r_bar, n_firms, raw,
    market_adjusted, market_spy, market_clean, ff3 (NaN where a model does not apply), p_holm
    (the headline p adjusted over every group x window of the study), p_t_cs (cross-sectional
    t, which assumes independent firms) and sd_firms (cross-sectional sd of the firms' ARs).
    """
    row = study.row(group, window)
    bench = study.benchmarks[(study.benchmarks["group"] == group) & (study.benchmarks["window"] == window)].iloc[0]
    tests = study.tests[(study.tests["group"] == group) & (study.tests["window"] == window)].set_index("test")
    headline = tests[tests["model"].str.endswith("(headline)")]
    firms = study.firms[(study.firms["group"] == group) & (study.firms["window"] == window)]["car"]
    return {
        "car": float(row["car"]), "se": float(row["se"]), "t": float(row["t"]), "df": float(row["df"]),
        "p": float(row["p"]), "p_wild": float(row["p_wild"]), "p_kp": float(row["p_kp"]),
        "r_bar": float(row["r_bar"]), "n_firms": float(row["n_firms"]), "raw": float(bench["raw"]),
        "market_adjusted": float(bench["market_adjusted"]), "market_spy": float(bench["market_spy"]),
        "market_clean": float(bench["market_clean"]), "ff3": float(bench["ff3"]),
        "p_holm": float(headline.at[PORTFOLIO_TEST, "p_holm"]),
        "p_t_cs": float(tests.at["cross-sectional t", "p"]) if "cross-sectional t" in tests.index else np.nan,
        "sd_firms": float(firms.std(ddof=1)) if len(firms) > 1 else np.nan,
    }


def _p(p: float) -> str:
    if not np.isfinite(p):
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def tests_sentence(name: str, q: dict[str, float], level: float = 0.05) -> str:
    """The sentences (Markdown) on one group's day-0 headline, its second line and why they may disagree."""
    if not np.isfinite(q["car"]):
        return f"No abnormal return can be computed for {name} on this date."
    text = (f"The portfolio of the {int(q['n_firms'])} {name} stocks returned {q['car']:+.2%} beyond its market "
            f"model on the event day (portfolio time-series test: t = {q['t']:.2f}, {_p(q['p'])}; wild bootstrap "
            f"{_p(q['p_wild'])}). The Kolari\u2013Pynnönen test, built for firms that share an event date, gives "
            f"{_p(q['p_kp'])}; the cross-sectional t-test, which assumes the firms' abnormal returns are "
            f"independent, gives {_p(q['p_t_cs'])}.")
    if (q["p"] < level) == (q["p_kp"] < level):
        return text + " The two tests designed for a shared event date agree."
    return text + (
        f" The two disagree because they measure the noise differently. The portfolio test sets the day's "
        f"{q['car']:+.2%} against the portfolio's own residual volatility over the estimation year (standard "
        f"error {q['se']:.2%}), which already contains the firms' common moves. Kolari\u2013Pynnönen takes as its "
        f"yardstick the spread of the {int(q['n_firms'])} firms' standardised abnormal returns on that one day "
        f"(the firms' abnormal returns range widely: standard deviation {q['sd_firms']:.2%}) and widens it "
        f"further for their average residual correlation (r = {q['r_bar']:.2f}): with few firms that moved "
        "very unequally it has little power, even when the whole group fell.")


def benchmark_sentence(name: str, q: dict[str, float]) -> str:
    """One sentence: how far the choice of benchmark moves a US group's day-0 abnormal return."""
    if not np.isfinite(q["market_clean"]):
        return (f"For {name} the clean benchmark is not available on this date, so the market model on SPY is "
                f"the headline ({q['market_spy']:+.2%}).")
    return (f"For {name} the market model on SPY gives {q['market_spy']:+.2%} and on the S&P 500 without AI "
            f"infrastructure {q['market_clean']:+.2%}, a difference of "
            f"{100 * (q['market_clean'] - q['market_spy']):+.2f} percentage points; market-adjusted (minus SPY's "
            f"return) {q['market_adjusted']:+.2%}, Fama\u2013French three-factor {q['ff3']:+.2%}, raw {q['raw']:+.2%}.")
