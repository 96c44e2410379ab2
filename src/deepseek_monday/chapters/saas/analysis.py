"""Measures of the chapter "Software against infrastructure" (20_saas).

The theme of article 002: cheaper AI should help application software and hurt the
suppliers of AI infrastructure and the hyperscalers' capex plans. The chapter compares
four baskets of US listings (:data:`DEFAULT_BASKETS`), checked against
``data/universe.csv``: on the event day (event study by basket), in the days around it,
and from the event to the end of the snapshot; and it sets the hyperscalers' capital
expenditure from the sourced facts beside the infrastructure basket.

Conventions: returns are fractions (0.05 = 5 %); stocks and ETFs are priced by their
adjusted closes (total returns), indices by their closes (price returns). The CAAR of a
basket is over its *stocks*; ETFs (WCLD and IGV hold the basket's own kind of stocks, QQQ
the Nasdaq-100) are shown one by one beside it, never averaged in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.claims import Claim, load_claims
from deepseek_monday.claims import calculations as calc
from deepseek_monday.claims import ledger as claims_ledger
from deepseek_monday.claims.registry import NotCheckable
from deepseek_monday.claims.verdicts import Verdict
from deepseek_monday.data.calendars import sessions
from deepseek_monday.data.facts import convert, is_press_reading, load_events, load_fundamentals
from deepseek_monday.data.params import check_event_date, check_positive_int, window_sessions
from deepseek_monday.data.prices import load_snapshot, price_panel
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.data.universe import check_symbols, load_universe
from deepseek_monday.errors import DataUnavailableError, DataValidationError, ParameterError
from deepseek_monday.eventstudy import window_label
from deepseek_monday.measures import group_study
from deepseek_monday.measures.event_day import group_summary
from deepseek_monday.present.tables import MINUS, MISSING, format_number, format_percent, readable
from deepseek_monday.present.wording import of_total, p_text

MARKET = "XNYS"  # every basket member is a US listing priced on NYSE sessions
BASKETS: tuple[str, ...] = ("AI infrastructure", "hyperscalers", "cloud software", "benchmarks")
# The universe groups each basket may draw from: the defaults are checked against them.
BASKET_SOURCE_GROUPS: dict[str, tuple[str, ...]] = {
    "AI infrastructure": ("AI chips", "networking/servers", "power for AI"),
    "hyperscalers": ("hyperscalers and megacaps",),
    "cloud software": ("cloud software",),
    "benchmarks": ("indices/benchmarks",),
}
# Chips, networking, servers and power for AI data centres; the companies renting out cloud
# capacity; application software (two index ETFs plus six stocks); the market.
DEFAULT_BASKETS: dict[str, tuple[str, ...]] = {
    "AI infrastructure": ("NVDA", "AVGO", "TSM", "ASML", "AMD", "ARM", "ANET", "MRVL", "MU", "SMCI",
                          "VST", "CEG", "GEV"),
    "hyperscalers": ("MSFT", "GOOGL", "AMZN", "META", "ORCL"),
    "cloud software": ("WCLD", "IGV", "CRM", "NOW", "SNOW", "DDOG", "MDB", "PLTR"),
    "benchmarks": ("SPY", "QQQ"),
}
MEMBER_KINDS = ("stock", "etf")  # indices, FX and crypto cannot be basket members

CLOUD_INDEX_PROXY = "WCLD"  # WisdomTree Cloud Computing Fund: tracks the BVP Nasdaq Emerging Cloud Index
NASDAQ_100 = "NDX"  # the Nasdaq-100 index itself (price index)
NASDAQ_100_FUND = "QQQ"  # the fund tracking it (total returns, comparable with WCLD's)
# Ledger claims the chapter takes its dates from (data/claims.csv).
CLOUD_RISE_CLAIM = "002-15"
CLOUD_DRAWDOWN_CLAIM = "002-18"
CLAIM_WINDOW_SYMBOLS = ("WCLD", "IGV", "NDX", "QQQ", "NVDA")
# ETFs the prose always quotes, whatever the baskets: the theme's comparison is WCLD against QQQ.
REFERENCE_ETFS = ("WCLD", "IGV", "QQQ", "SPY")
STOCK_BASKETS = ("AI infrastructure", "hyperscalers", "cloud software")  # each needs a stock: its CAAR
TWO_WEEKS_SESSIONS = 10

HEATMAP_PRE_DAYS = 5  # the heatmap of daily returns starts five sessions before the event
ESTIMATION_DAYS = 240  # market-model estimation window length, ending the day before the shown window
MIN_POST_DAYS = 1


# ---------------------------------------------------------------- baskets and parameters


def _universe_problems(baskets: Mapping[str, tuple[str, ...]]) -> list[str]:
    universe = load_universe()
    problems = []
    for basket, members in baskets.items():
        for symbol in members:
            if symbol not in universe.index:
                problems.append(f"{symbol} ({basket}) is not in the universe")
            elif universe.at[symbol, "group"] not in BASKET_SOURCE_GROUPS[basket]:
                problems.append(f"{symbol} ({basket}) belongs to universe group {universe.at[symbol, 'group']!r}")
    return problems


def default_baskets() -> dict[str, tuple[str, ...]]:
    """Return the default baskets after checking each member's group in ``data/universe.csv``."""
    problems = _universe_problems(DEFAULT_BASKETS)
    if problems:
        raise DataValidationError(f"default baskets disagree with data/universe.csv: {'; '.join(problems)}")
    return dict(DEFAULT_BASKETS)


def check_baskets(overrides: object = None, allow_overlap: object = False) -> dict[str, tuple[str, ...]]:
    """Return the baskets: the defaults with ``overrides`` (basket -> list of tickers) applied.

    Rejected with a ParameterError: an unknown basket name, a basket that is not a list of
    tickers, an empty basket, a ticker repeated in a basket, a ticker not in the universe,
    an instrument that is not a US-listed stock or ETF, and a ticker in two baskets unless
    ``allow_overlap`` is True.
    """
    if not isinstance(allow_overlap, bool):
        raise ParameterError(f"allow_overlap: {allow_overlap!r} must be True or False")
    baskets = default_baskets()
    if overrides is None:
        return baskets
    if not isinstance(overrides, Mapping):
        raise ParameterError(f"baskets: expected a dict basket -> list of tickers (or None), got {overrides!r}")
    universe = load_universe()
    for basket, members in overrides.items():
        if basket not in BASKETS:
            raise ParameterError(f"baskets: unknown basket {basket!r}; the baskets are {list(BASKETS)}")
        if isinstance(members, str) or not isinstance(members, list | tuple):
            raise ParameterError(f"baskets[{basket!r}]: expected a list of tickers, got {members!r}")
        if not members:
            raise ParameterError(f"baskets[{basket!r}]: the basket is empty; give at least one ticker")
        repeated = sorted({s for s in members if list(members).count(s) > 1})
        if repeated:
            raise ParameterError(f"baskets[{basket!r}]: tickers listed twice: {repeated}")
        check_symbols(list(members), f"baskets[{basket!r}]")
        wrong = [s for s in members
                 if universe.at[s, "kind"] not in MEMBER_KINDS or universe.at[s, "calendar"] != MARKET]
        if wrong:
            raise ParameterError(f"baskets[{basket!r}]: {wrong} are not US-listed stocks or ETFs (NYSE sessions); "
                                 "this chapter compares US listings only")
        baskets[basket] = tuple(members)
    if not allow_overlap:
        seen: dict[str, str] = {}
        for basket, members in baskets.items():
            for symbol in members:
                if symbol in seen:
                    raise ParameterError(
                        f"baskets: {symbol} is in both {seen[symbol]!r} and {basket!r}; remove it from one "
                        "or set allow_overlap = True"
                    )
                seen[symbol] = basket
    return baskets


def check_basket_coverage(returns: pd.DataFrame, baskets: Mapping[str, tuple[str, ...]],
                          event_date: pd.Timestamp) -> None:
    """Raise a ParameterError if a basket has no member with a return on the event date.

    The baskets of :data:`STOCK_BASKETS` need a *stock* with a return (their CAAR is over stocks).
    """
    universe = load_universe()
    for basket, members in baskets.items():
        needed = [s for s in members if universe.at[s, "kind"] == "stock"] if basket in STOCK_BASKETS else members
        what = "stock" if basket in STOCK_BASKETS else "member"
        if not needed or returns.loc[event_date, list(needed)].notna().sum() == 0:
            raise (DataUnavailableError if needed else ParameterError)(
                f"event_date: no {what} of basket {basket!r} ({', '.join(members)}) has a return on "
                f"{event_date:%Y-%m-%d} (none given, or not yet listed); choose a later date or other tickers"
            )


def check_etf_coverage(baskets: Mapping[str, tuple[str, ...]], event_date: pd.Timestamp) -> None:
    """Raise a ParameterError if a basket's ETF has no price on the close before the event.

    Each ETF is drawn on its own from that close (:func:`after_shock_paths`), so every one
    needs it; the message names the first event date all of them allow.
    """
    universe, manifest = load_universe(), load_snapshot().manifest
    etfs = [s for members in baskets.values() for s in members if universe.at[s, "kind"] != "stock"]
    base = window_sessions(event_date, 1, 0, MARKET).index[0]
    late = {s: pd.Timestamp(manifest.at[s, "first_date"]) for s in dict.fromkeys(etfs)}
    late = {s: first for s, first in late.items() if first > base}
    if late:
        latest = max(pd.Timestamp(manifest.at[s, "first_date"]) for s in etfs)
        market = sessions(MARKET)
        runnable_from = market[market.searchsorted(latest, side="right")]
        listed = ", ".join(f"{s} from {first:%Y-%m-%d}" for s, first in late.items())
        raise DataUnavailableError(
            f"event_date: {event_date:%Y-%m-%d} is too early for the baskets' ETFs, each drawn from the close "
            f"before the event ({base:%Y-%m-%d}); their data start: {listed}. With these baskets the chapter "
            f"can run from {runnable_from:%Y-%m-%d}"
        )


@dataclass(frozen=True)
class SaasParameters:
    """Validated parameters of the chapter.

    ``pre_days``/``post_days``: trading days shown before and after the event (the CAR
    paths and the window [-pre_days, +post_days]; the event window [0, +post_days]). The
    market model is estimated on the :data:`ESTIMATION_DAYS` sessions before that window.
    """

    event_date: pd.Timestamp
    pre_days: int
    post_days: int
    baskets: tuple[tuple[str, tuple[str, ...]], ...]
    allow_overlap: bool

    @classmethod
    def validate(cls, event_date: object, pre_days: object = 10, post_days: object = 10,
                 baskets: object = None, allow_overlap: object = False) -> SaasParameters:
        """Check every parameter and return them typed; raise ParameterError otherwise."""
        pre = check_positive_int(pre_days, "pre_days", minimum=HEATMAP_PRE_DAYS)
        post = check_positive_int(post_days, "post_days", minimum=MIN_POST_DAYS)
        span = group_study.PATH_SPAN
        if pre > -span[0] or post > span[1]:
            raise ParameterError(f"pre_days/post_days: at most {-span[0]} and {span[1]}: the CAR paths are drawn "
                                 f"inside the group study's span (its estimation window ends at day "
                                 f"{group_study.ESTIMATION_WINDOW[1]})")
        chosen = check_baskets(baskets, allow_overlap)
        date = check_event_date(event_date, MARKET, before=pre + ESTIMATION_DAYS + 1, after=post)
        members = list(dict.fromkeys(s for m in chosen.values() for s in m))
        check_basket_coverage(daily_returns(members), chosen, date)
        check_etf_coverage(chosen, date)
        return cls(date, pre, post, tuple(chosen.items()), bool(allow_overlap))

    @property
    def basket_map(self) -> dict[str, tuple[str, ...]]:
        return dict(self.baskets)

    @property
    def symbols(self) -> list[str]:
        """Every basket member once, in basket order."""
        return list(dict.fromkeys(s for _, members in self.baskets for s in members))

    @property
    def event_windows(self) -> tuple[tuple[int, int], ...]:
        """The windows of the report's group study (:data:`group_study.WINDOWS`), the same in every chapter."""
        return group_study.WINDOWS

    @property
    def estimation_window(self) -> tuple[int, int]:
        return group_study.ESTIMATION_WINDOW


def membership(params: SaasParameters) -> pd.DataFrame:
    """Return one row per (basket, member): name, kind, first date in the data, and whether it is in the CAAR."""
    universe, manifest = load_universe(), load_snapshot().manifest
    rows = [{"basket": basket, "symbol": symbol, "name": universe.at[symbol, "name"],
             "kind": universe.at[symbol, "kind"], "first_date": manifest.at[symbol, "first_date"],
             "in_caar": universe.at[symbol, "kind"] == "stock"}
            for basket, members in params.baskets for symbol in members]
    return pd.DataFrame(rows)


def display_membership(members: pd.DataFrame) -> pd.DataFrame:
    """Return the baskets as readers see them: one row per basket, stocks and ETFs listed."""
    rows = []
    for basket, part in members.groupby("basket", sort=False):
        rows.append({"Basket": basket,
                     "Stocks (in the CAAR)": ", ".join(part.loc[part["in_caar"], "symbol"]) or MISSING,
                     "ETFs (shown apart)": ", ".join(part.loc[~part["in_caar"], "symbol"]) or MISSING})
    return pd.DataFrame(rows).set_index("Basket")


def load_returns(params: SaasParameters) -> pd.DataFrame:
    """Return daily returns of the basket members, the reference ETFs and the Nasdaq-100 index."""
    return daily_returns(list(dict.fromkeys([*params.symbols, *REFERENCE_ETFS, NASDAQ_100])))


# ---------------------------------------------------------------- the shock by basket


@dataclass(frozen=True)
class BasketStudy:
    """Event-study tables of every basket: stocks pooled per basket, ETFs one by one.

    ``caar``: one row per basket and window (stocks only); ``car``: one row per member
    and window, with ``in_caar``; ``paths``: each basket's mean CAR path with its band;
    ``exclusions``: members not studied and why.
    """

    caar: pd.DataFrame
    car: pd.DataFrame
    paths: pd.DataFrame
    exclusions: pd.DataFrame


# The group of measures.group_study behind each stock basket (same members by default, so every chapter
# quoting the group quotes the same number). "cloud software" here has no SAP: its group is "US cloud software".
BASKET_GROUPS = {"AI infrastructure": "AI infrastructure", "hyperscalers": "hyperscalers",
                 "cloud software": "US cloud software"}


def basket_definitions(params: SaasParameters) -> tuple[group_study.GroupDefinition, ...]:
    """Return the group definition of each stock basket: the report's group if the basket's stocks are its
    members, else a group of this run's stocks named "<basket> (this run)" (ETFs shown beside, never averaged)."""
    universe = load_universe()
    definitions = []
    for basket, members in params.baskets:
        if basket not in BASKET_GROUPS:
            continue
        stocks = tuple(s for s in members if universe.at[s, "kind"] == "stock")
        etfs = tuple(s for s in members if universe.at[s, "kind"] != "stock")
        default = group_study.definition(BASKET_GROUPS[basket])
        if stocks == default.members and etfs == default.beside:
            definitions.append(default)
        else:
            definitions.append(group_study.GroupDefinition(f"{basket} (this run)", stocks, beside=etfs))
    return tuple(definitions)


def basket_group_study(params: SaasParameters) -> group_study.GroupStudy:
    """Return the group study behind the baskets: the report's shared study unless the baskets were changed."""
    definitions = basket_definitions(params)
    if all(d in group_study.GROUPS for d in definitions):
        return group_study.group_study(params.event_date)
    return group_study.group_study(params.event_date, definitions)


def basket_event_study(returns: pd.DataFrame, params: SaasParameters) -> BasketStudy:
    """Return the baskets' event study, taken from :func:`deepseek_monday.measures.group_study.group_study`.

    ``caar``: each basket's equal-weighted portfolio of stocks per window (portfolio time-series
    test, market model on the S&P 500 without AI infrastructure; column ``caar`` is the portfolio
    CAR, equal to the mean of the firms' CARs when they share the estimation days), with the
    Kolari-Pynnönen and Corrado p of the firm-by-firm model; ``car``: each stock's CAR and each
    ETF's own CAR; ``paths``: the portfolio CAR paths with the portfolio test's band;
    ``exclusions``: stocks without a firm-by-firm estimate. ``returns`` is not used (kept for callers).
    """
    study = basket_group_study(params)
    names = {d.name: basket for d, (basket, _) in zip(basket_definitions(params),
                                                      [b for b in params.baskets if b[0] in BASKET_GROUPS],
                                                      strict=True)}
    head = study.headline[study.headline["group"].isin(names)]
    corrado = study.tests[study.tests["test"] == "Corrado rank"].set_index(["group", "window"])["p"]
    caar = pd.DataFrame({
        "basket": head["group"].map(names), "group": head["group"], "window": head["window"],
        "n_firms": head["n_firms"], "caar": head["car"], "se": head["se"], "t": head["t"], "p": head["p"],
        "p_wild": head["p_wild"], "p_kp": head["p_kp"],
        "p_corrado": [corrado.get(k, np.nan) for k in zip(head["group"], head["window"], strict=True)],
        "benchmark": head["benchmark"],
    }).reset_index(drop=True)
    firms = study.firms[study.firms["group"].isin(names)]
    beside = study.beside[study.beside["group"].isin(names)]
    car = pd.concat([
        pd.DataFrame({"symbol": firms["symbol"], "basket": firms["group"].map(names), "window": firms["window"],
                      "car": firms["car"], "p": firms["p"], "in_caar": True}),
        pd.DataFrame({"symbol": beside["symbol"], "basket": beside["group"].map(names), "window": beside["window"],
                      "car": beside["car"], "p": beside["p"], "in_caar": False}),
    ], ignore_index=True)
    paths = study.paths(-params.pre_days, params.post_days)
    paths = paths[paths["group"].isin(names)].assign(group=lambda f: f["group"].map(names))
    paths = paths.assign(basket=paths["group"], event_date=params.event_date)
    rows = [(s, b, "no firm-by-firm estimate (too short a price history); it counts in the basket's portfolio "
                   "from its first trading day")
            for group, b in names.items() for s in group_study_members(study, group)
            if not ((firms["group"] == group) & (firms["symbol"] == s)).any()]
    exclusions = pd.DataFrame(rows, columns=["symbol", "basket", "reason"])
    return BasketStudy(caar=caar, car=car, paths=paths.reset_index(drop=True), exclusions=exclusions)


def group_study_members(study: group_study.GroupStudy, group: str) -> tuple[str, ...]:
    """The stocks of ``group`` in ``study``."""
    return next(d.members for d in study.definitions if d.name == group)


def _window_order(params: SaasParameters) -> dict[str, int]:
    return {window_label(w): i for i, w in enumerate(params.event_windows)}


P_PORTFOLIO = "p, portfolio test"
P_KOLARI_PYNNONEN = "p, Kolari\u2013Pynnönen"


def display_caar(study: BasketStudy, params: SaasParameters) -> pd.DataFrame:
    """Return each basket's portfolio CAR per window with the portfolio test (headline) and Kolari-Pynnönen p.

    Rows: basket and window (trading days relative to the event day); two-sided p-values.
    """
    caar = study.caar.assign(order=study.caar["window"].map(_window_order(params)),
                             basket_order=study.caar["basket"].map({b: i for i, b in enumerate(BASKETS)}))
    caar = caar.sort_values(["basket_order", "order"])
    shown = pd.DataFrame({
        "Basket": caar["basket"], "Window (trading days)": caar["window"].str.replace("-", MINUS),
        "Stocks": caar["n_firms"].astype(int), "CAR (%)": caar["caar"] * 100, "s.e. (%)": caar["se"] * 100,
        "t": caar["t"], P_PORTFOLIO: caar["p"], "p, wild bootstrap": caar["p_wild"],
        P_KOLARI_PYNNONEN: caar["p_kp"],
    })
    p_values = (P_PORTFOLIO, "p, wild bootstrap", P_KOLARI_PYNNONEN)
    return readable(shown, p_values=p_values).set_index(["Basket", "Window (trading days)"])


def display_etf_cars(study: BasketStudy, params: SaasParameters) -> pd.DataFrame:
    """Return the ETFs' own CARs per window with the single-series t-test p-value (same benchmark as the baskets).

    Rows: ETF and window (trading days relative to the event day); two-sided p-values.
    """
    etfs = study.car[~study.car["in_caar"]].drop_duplicates(["symbol", "window"])
    etfs = etfs.assign(order=etfs["window"].map(_window_order(params))).sort_values(["symbol", "order"])
    shown = pd.DataFrame({
        "ETF": etfs["symbol"], "Window (trading days)": etfs["window"].str.replace("-", MINUS),
        "Basket": etfs["basket"], "CAR (%)": etfs["car"] * 100, "p, t-test (single ETF)": etfs["p"],
    })
    return readable(shown, p_values=("p, t-test (single ETF)",)).set_index(["ETF", "Window (trading days)"])


# Exclusion reasons of the event-study engine, in plain words for readers.
_TOO_SHORT = re.compile(r"^estimation window \[(-?\d+),(-?\d+)\] does not fit the data: \S+ has (\d+) sessions "
                        r"before and (\d+) after day 0")
_TOO_LATE = re.compile(r"^event windows \[(-?\d+),(-?\d+)\] does not fit the data: \S+ has (\d+) sessions "
                       r"before and (\d+) after day 0")


def plain_exclusion_reason(symbol: str, reason: str, benchmarks: Mapping[str, str]) -> str:
    """Return the event-study engine's exclusion ``reason`` in plain English.

    ``benchmarks``: each instrument's market-model benchmark (from the universe), to tell the
    benchmark itself from an instrument that merely lacks one. Unknown reasons are returned as given.
    """
    if reason.startswith("no benchmark for this symbol"):
        if symbol in benchmarks.values():
            return "it is the market model's benchmark itself (its abnormal return would be zero by construction)"
        return "the universe file gives it no benchmark for the market model"
    if match := _TOO_SHORT.match(reason):
        first, before = int(match.group(1)), int(match.group(3))
        return (f"too short a price history: {before} trading days before the event day, and the estimation "
                f"window needs {-first}")
    if match := _TOO_LATE.match(reason):
        last, after = int(match.group(2)), int(match.group(4))
        return f"too few trading days after the event day: {after}, and the event windows need {last}"
    if reason.startswith("regressors are constant or collinear"):
        return "the market model cannot be estimated (the benchmark's returns are constant in the estimation window)"
    if reason.startswith("no return that day") or "(no return that day" in reason:
        return "no return on the event day"
    if reason.startswith("no session of"):
        return "no trading day on or after the event day in the data"
    return reason


def display_exclusions(study: BasketStudy) -> pd.DataFrame:
    """Return the members left out of the event study and why, in plain words."""
    if study.exclusions.empty:
        return pd.DataFrame(columns=["Basket", "Why it is left out"], index=pd.Index([], name="Member"))
    universe = load_universe()
    benchmarks = universe["benchmark"].dropna().astype(str).to_dict()
    reasons = [plain_exclusion_reason(s, r, benchmarks)
               for s, r in zip(study.exclusions["symbol"], study.exclusions["reason"], strict=True)]
    shown = pd.DataFrame({"Member": study.exclusions["symbol"], "Basket": study.exclusions["basket"],
                          "Why it is left out": reasons})
    return shown.set_index("Member")


def exclusion_sentence(exclusions: pd.DataFrame) -> str:
    """Return the sentence introducing the exclusions table: none, one or several members left out."""
    symbols = list(exclusions["symbol"]) if not exclusions.empty else []
    if not symbols:
        return "No basket member is left out of the event study."
    if len(symbols) == 1:
        return f"One member is left out of the event study ({symbols[0]}), for the reason given below."
    return (f"{len(symbols)} members are left out of the event study ({', '.join(symbols)}), "
            "each for the reason given below.")


def event_day_table(returns: pd.DataFrame, study: BasketStudy, params: SaasParameters) -> pd.DataFrame:
    """Return one row per (basket, member): kind, raw return and abnormal return on the event date."""
    members = membership(params)
    day0 = study.car[study.car["window"] == "[0,0]"].set_index(["basket", "symbol"])["car"]
    members["return"] = returns.loc[params.event_date, members["symbol"]].to_numpy()
    members["abnormal"] = [day0.get((b, s), np.nan) for b, s in zip(members["basket"], members["symbol"],
                                                                    strict=True)]
    return members


def basket_day_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Return per basket the event-day raw returns of its stocks: count, mean, median, worst, best."""
    stocks = table[table["in_caar"]].rename(columns={"basket": "group"})
    summary = group_summary(stocks).rename_axis("basket").rename(columns={"instruments": "stocks"})
    return summary.reindex([b for b in BASKETS if b in summary.index])


def display_day_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the event-day summary of each basket's stocks for reading (returns in %)."""
    shown = pd.DataFrame({"Stocks": summary["stocks"].astype(int), "Mean (%)": summary["mean"] * 100,
                          "Median (%)": summary["median"] * 100, "Worst (%)": summary["worst"] * 100,
                          "Best (%)": summary["best"] * 100}, index=summary.index.rename("Basket"))
    return readable(shown)


def heatmap_returns(returns: pd.DataFrame, params: SaasParameters) -> pd.DataFrame:
    """Return daily returns, members x relative trading day, from -5 to +post_days (NaN: no session)."""
    window = window_sessions(params.event_date, HEATMAP_PRE_DAYS, params.post_days, MARKET)
    members = membership(params)
    frame = returns.reindex(window.index)[members["symbol"]].T
    frame.columns = pd.Index(window.to_numpy(), name="rel_day")
    frame.index = pd.MultiIndex.from_frame(members[["basket", "symbol"]])
    return frame


# ---------------------------------------------------------------- the claims about the cloud index


def best_window_return(prices: pd.Series, last: pd.Timestamp,
                       sessions: int) -> tuple[float, pd.Timestamp, pd.Timestamp]:
    """Return the largest rise from one close to a later one among the last ``sessions`` + 1 closes up to ``last``.

    The most favourable reading of "rose X % in the last two weeks" (ten sessions): any
    base close and any later end close in that span. Returns (return, base date, end date).
    """
    span = prices.loc[:last].dropna().iloc[-(sessions + 1):]
    if len(span) < 2:
        raise NotCheckable(f"fewer than two closes up to {last:%Y-%m-%d}")
    values = span.to_numpy()
    gains = values / np.minimum.accumulate(values) - 1
    end = int(np.argmax(gains))
    base = int(np.argmin(values[: end + 1]))
    return float(gains[end]), span.index[base], span.index[end]


def _claim(claim_id: str) -> Claim:
    matches = [c for c in load_claims() if c.id == claim_id]
    if not matches:
        raise DataValidationError(f"claim {claim_id} is not in data/claims.csv")
    return matches[0]


def cloud_claim_windows(prices: pd.DataFrame) -> pd.DataFrame:
    """Return the two-week returns of the cloud ETFs, the Nasdaq-100 and Nvidia under several readings.

    Readings: the ledger's window of claim 002-15; the same window one session later (the
    article's own day); WCLD's best rise within the last :data:`TWO_WEEKS_SESSIONS`
    sessions to the ledger's end date (the other instruments over the same dates).
    """
    start, end = _claim(CLOUD_RISE_CLAIM).window
    wcld = prices[CLOUD_INDEX_PROXY].dropna()
    next_start = wcld.index[wcld.index.get_loc(calc.last_row_on_or_before(wcld, start)) + 1]
    next_end = wcld.index[wcld.index.get_loc(calc.last_row_on_or_before(wcld, end)) + 1]
    _, best_start, best_end = best_window_return(wcld, end, TWO_WEEKS_SESSIONS)
    readings = {
        "ledger window": (start, end),
        "one session later (to the article's day)": (next_start, next_end),
        f"most favourable window for WCLD (≤ {TWO_WEEKS_SESSIONS} sessions)": (best_start, best_end),
    }
    rows = []
    for reading, (base, last) in readings.items():
        row: dict[str, object] = {"reading": reading, "from": f"{base:%Y-%m-%d}", "to": f"{last:%Y-%m-%d}"}
        for symbol in CLAIM_WINDOW_SYMBOLS:
            row[symbol] = calc.return_between(prices[symbol].dropna(), base, last)[0]
        rows.append(row)
    return pd.DataFrame(rows).set_index("reading")


def cloud_drawdowns(prices: pd.DataFrame) -> pd.DataFrame:
    """Return WCLD's distance below its late-2021 high on the claim's date and at the end of the data."""
    claim = _claim(CLOUD_DRAWDOWN_CLAIM)
    wcld = prices[CLOUD_INDEX_PROXY].dropna()
    high_from, high_to = pd.Timestamp(claim.arg("high_from")), pd.Timestamp(claim.arg("high_to"))
    rows = []
    for label, day in (("on the claim's date", claim.date), ("at the end of the data", wcld.index[-1])):
        value, high_date, at = calc.drawdown_from_high(wcld, high_from, high_to, day)
        rows.append({"when": label, "date": f"{at:%Y-%m-%d}", "high on": f"{high_date:%Y-%m-%d}",
                     "high": float(wcld.loc[high_date]), "close": float(wcld.loc[at]), "below the high": value})
    return pd.DataFrame(rows).set_index("when")


def sentence_case(text: str) -> str:
    """Return ``text`` with its first letter in upper case and the rest as it is (tickers stay upper case)."""
    return text[:1].upper() + text[1:]


def display_claim_windows(windows: pd.DataFrame) -> pd.DataFrame:
    """Return the two-week readings of the cloud claim for reading: dates and returns in %."""
    shown = pd.DataFrame({"From (close)": windows["from"], "To (close)": windows["to"]}, index=windows.index)
    for symbol in CLAIM_WINDOW_SYMBOLS:
        shown[f"{symbol} (%)"] = windows[symbol] * 100
    shown.index = pd.Index([sentence_case(r) for r in shown.index], name="Reading of “the last two weeks”")
    return readable(shown)


def display_drawdowns(drawdowns: pd.DataFrame) -> pd.DataFrame:
    """Return WCLD's distance from its late-2021 high for reading: prices in USD, change in %."""
    shown = pd.DataFrame({"Date": drawdowns["date"], "High on": drawdowns["high on"],
                          "High (USD)": drawdowns["high"], "Close (USD)": drawdowns["close"],
                          "Change from the high (%)": drawdowns["below the high"] * 100}, index=drawdowns.index)
    shown.index = pd.Index([sentence_case(r) for r in shown.index], name="When")
    return readable(shown)


def claims_table(ledger_frame: pd.DataFrame) -> pd.DataFrame:
    """Return this chapter's claims (from the claims ledger): claim, article, claimed, measured, verdict."""
    table = claims_ledger.claims_table(ledger_frame, chapter="20_saas")
    articles = ledger_frame.set_index("id")["article"]
    table.insert(1, "article", articles.reindex(table.index).to_numpy())
    return table


def display_claims(ledger_frame: pd.DataFrame) -> pd.DataFrame:
    """Return this chapter's claims for reading, one row per claim of the ledger."""
    table = claims_table(ledger_frame)
    shown = table.rename(columns={"claim": "Claim", "article": "Article", "claimed": "Claimed",
                                  "measured": "Measured", "verdict": "Verdict"})
    for column in ("Claimed", "Measured"):  # a true minus sign before a number, as in the other tables
        shown[column] = shown[column].astype(str).str.replace(r"(?<!\w)-(?=\d)", MINUS, regex=True)
    return readable(shown.rename_axis("Claim no."))


def claim_values(ledger_frame: pd.DataFrame) -> dict[str, object]:
    """Return the measured value and verdict of each of this chapter's claims, keyed for glue."""
    rows = ledger_frame[ledger_frame["chapter"] == "20_saas"].set_index("id")
    numbers: dict[str, object] = {}
    for claim_id, row in rows.iterrows():
        key = claim_id.replace("-", "_")
        numbers[f"claim_{key}_measured"] = str(row["measured"])
        numbers[f"claim_{key}_verdict"] = str(row["verdict"])
        numbers[f"claim_{key}_claimed"] = str(row["claimed"])
        numbers[f"claim_{key}_deviation"] = float(row["deviation"]) if pd.notna(row["deviation"]) else float("nan")
        numbers[f"claim_{key}_tolerance"] = str(row["tolerance"])
    counts = claims_ledger.verdict_counts(ledger_frame, "20_saas")
    for verdict in Verdict:
        numbers[f"n_claims_{verdict.name.lower()}"] = counts[f"n_{verdict.name.lower()}"]
    numbers["n_claims"] = counts["n_claims"]
    numbers["claims_sentence"] = verdict_sentence({v.value: counts[f"n_{v.name.lower()}"] for v in Verdict},
                                                  counts["n_claims"])
    return numbers


VERDICTS = tuple(verdict.value for verdict in Verdict)


def verdict_sentence(counts: Mapping[str, int], total: int) -> str:
    """Return how this theme's claims fared, naming only the verdicts that occur.

    "Of this theme's 8 claims, 4 are confirmed, 1 roughly right and 3 contradicted.";
    "All 3 of this theme's claims are confirmed."; a zero count is never mentioned.
    """
    if total == 0:
        return "The ledger holds no claim of this theme."
    present = [(verdict, n) for verdict, n in counts.items() if n > 0]
    if len(present) == 1:
        verdict = present[0][0]
        subject = "The one claim of this theme" if total == 1 else f"All {total} of this theme's claims"
        verb = "cannot be checked" if verdict == "not checkable" else f"{'is' if total == 1 else 'are'} {verdict}"
        return f"{subject} {verb}."
    parts = []
    for position, (verdict, n) in enumerate(present):
        if verdict == "not checkable":
            parts.append(f"{n} cannot be checked")
        else:
            parts.append(f"{n} {'is ' if n == 1 else 'are '}{verdict}" if position == 0 else f"{n} {verdict}")
    noun = "claim" if total == 1 else "claims"
    return f"Of this theme's {total} {noun}, {join_words(parts)}."


# ---------------------------------------------------------------- after the shock


def basket_value(prices: pd.DataFrame, members: list[str] | tuple[str, ...], base_date: pd.Timestamp) -> pd.Series:
    """Return an equal-weighted buy-and-hold basket's cumulative return since the close on ``base_date``.

    One dollar in each member with a price on ``base_date``, never rebalanced: the value is
    the mean of the members' price relatives; a member without a price on a later date is
    left out of that date's mean.
    """
    after = prices.loc[base_date:, list(members)]
    held = [s for s in members if pd.notna(after.at[base_date, s])]
    if not held:
        raise ParameterError(f"no member of {list(members)} has a price on {base_date:%Y-%m-%d}")
    relatives = after[held] / after.loc[base_date, held]
    return relatives.mean(axis=1, skipna=True) - 1.0


def rebalanced_value(returns: pd.DataFrame, members: list[str] | tuple[str, ...],
                     start: pd.Timestamp) -> pd.Series:
    """Return an equal-weighted basket rebalanced daily: the mean of the members' returns each day, compounded.

    Members enter on their first return (a new listing joins the basket); the series
    starts at 0 on the close before ``start``'s session.
    """
    daily = returns.loc[start:, list(members)].mean(axis=1, skipna=True)
    return (1.0 + daily.fillna(0.0)).cumprod() - 1.0


def relative_performance(first: pd.Series, second: pd.Series) -> pd.Series:
    """Return the cumulative return of holding ``first`` against ``second``: (1 + a) / (1 + b) - 1."""
    return (1.0 + first) / (1.0 + second) - 1.0


def base_date(params: SaasParameters) -> pd.Timestamp:
    """Return the close before the event (the base of the after-shock comparison)."""
    return window_sessions(params.event_date, 1, 0, MARKET).index[0]


def after_shock_paths(prices: pd.DataFrame, params: SaasParameters) -> pd.DataFrame:
    """Return cumulative returns from the close before the event to the end of the data.

    Columns: each basket's stocks, equal-weighted buy-and-hold (named after the basket),
    and each ETF on its own (named by its ticker): the baskets' ETFs and the reference ETFs.
    """
    base = base_date(params)
    universe = load_universe()
    columns: dict[str, pd.Series] = {}
    for basket, members in params.baskets:
        stocks = [s for s in members if universe.at[s, "kind"] == "stock"]
        if stocks:
            columns[basket] = basket_value(prices, stocks, base)
        for etf in (s for s in members if universe.at[s, "kind"] != "stock"):
            columns[etf] = basket_value(prices, [etf], base)
    for etf in REFERENCE_ETFS:
        if etf not in columns and pd.notna(prices.at[base, etf]):
            columns[etf] = basket_value(prices, [etf], base)
    paths = pd.DataFrame(columns)
    return paths.loc[: paths.dropna(how="all").index[-1]]


def relative_paths(paths: pd.DataFrame) -> pd.DataFrame:
    """Return the two comparisons of the theme: cloud stocks against infrastructure, WCLD against QQQ."""
    pairs = {"cloud software vs AI infrastructure": ("cloud software", "AI infrastructure"),
             f"{CLOUD_INDEX_PROXY} vs {NASDAQ_100_FUND}": (CLOUD_INDEX_PROXY, NASDAQ_100_FUND)}
    return pd.DataFrame({label: relative_performance(paths[a], paths[b])
                         for label, (a, b) in pairs.items() if a in paths and b in paths})


def member_returns_to_end(prices: pd.DataFrame, params: SaasParameters) -> pd.DataFrame:
    """Return each member's total return from the close before the event to its last close."""
    base = base_date(params)
    members = membership(params)
    values = []
    for symbol in members["symbol"]:
        series = prices[symbol].dropna()
        values.append(series.iloc[-1] / series.loc[base] - 1 if base in series.index else np.nan)
    return members.assign(to_end=values)


def after_shock_table(paths: pd.DataFrame, members: pd.DataFrame, params: SaasParameters) -> pd.DataFrame:
    """Return each line's return to the event day, to +post_days and to the end, with its best and worst.

    For the stock baskets the median member's return to the end is added (the equal-weighted
    mean can be carried by one or two members).
    """
    sessions = paths.index
    event_position = sessions.get_loc(params.event_date)
    post_date = sessions[min(event_position + params.post_days, len(sessions) - 1)]
    medians = members[members["in_caar"]].groupby("basket")["to_end"].median()
    table = pd.DataFrame({
        "event day": paths.loc[params.event_date],
        f"to day +{params.post_days}": paths.loc[post_date],
        "to the end": paths.iloc[-1],
        "lowest": paths.min(),
        "highest": paths.max(),
        "median stock, to the end": [medians.get(c, np.nan) for c in paths.columns],
    })
    table.index.name = "line"
    return table


def basket_stocks(basket: str) -> str:
    """Return how a basket's stocks are named in a label: "AI infrastructure stocks", "hyperscaler stocks"."""
    return f"{basket.removesuffix('s') if basket == 'hyperscalers' else basket} stocks"


def line_label(column: str) -> str:
    """Return how a line of the after-shock comparison is named for readers: a basket's stocks or an ETF."""
    return f"{basket_stocks(column)} (equal-weighted)" if column in BASKETS else f"{column} (ETF)"


def display_after_shock(table: pd.DataFrame) -> pd.DataFrame:
    """Return the after-shock table for reading: returns in %, a dash where a line has no median stock."""
    labels = {"event day": "Event day (%)", "to the end": "To the end (%)", "lowest": "Lowest (%)",
              "highest": "Highest (%)", "median stock, to the end": "Median stock, to the end (%)"}
    shown = (table * 100).rename(columns=lambda c: labels.get(c, f"{c[:1].upper()}{c[1:]} (%)"))
    shown.index = pd.Index([line_label(c) for c in table.index], name="Line (return since the close before the event)")
    return readable(shown)


def member_numbers(members: pd.DataFrame) -> dict[str, object]:
    """Return the best and worst stock from the close before the event to the end of the data."""
    stocks = members[members["in_caar"]].dropna(subset=["to_end"])
    best, worst = stocks.loc[stocks["to_end"].idxmax()], stocks.loc[stocks["to_end"].idxmin()]
    return {"best_to_end": f"{best['name']} ({best['symbol']}, {best['basket']})",
            "best_to_end_return": float(best["to_end"]),
            "worst_to_end": f"{worst['name']} ({worst['symbol']}, {worst['basket']})",
            "worst_to_end_return": float(worst["to_end"])}


def later_events(params: SaasParameters, end: pd.Timestamp) -> pd.DataFrame:
    """Return the events of the timeline after the event date up to ``end``, numbered from 1."""
    events = load_events()
    later = events[(events["date"] > params.event_date) & (events["date"] <= end)]
    later = later[["date", "event", "category"]].reset_index(drop=True)
    later.index = pd.RangeIndex(1, len(later) + 1, name="#")
    return later


EVENT_CATEGORIES = {"ai_model": "AI model", "ai_infrastructure": "AI infrastructure", "claim": "claim in the press",
                    "earnings": "earnings", "export_control": "export control", "market": "market"}


def display_events(events: pd.DataFrame) -> pd.DataFrame:
    """Return the numbered events for reading: ISO dates and categories in plain words."""
    categories = events["category"].map(lambda c: EVENT_CATEGORIES.get(c, str(c).replace("_", " ")))
    shown = pd.DataFrame({"Date": events["date"].dt.strftime("%Y-%m-%d"), "Event": events["event"],
                          "Category": categories}, index=events.index.rename("No. in the figure"))
    return readable(shown)


def revival_numbers(paths: pd.DataFrame, relative: pd.DataFrame, params: SaasParameters) -> dict[str, object]:
    """Return how the cloud-versus-infrastructure comparison developed: peak, last lead, end."""
    numbers: dict[str, object] = {}
    verdicts = []
    for key, column in (("cloud_vs_infra", "cloud software vs AI infrastructure"),
                        ("wcld_vs_qqq", f"{CLOUD_INDEX_PROXY} vs {NASDAQ_100_FUND}")):
        if column not in relative:
            continue
        series = relative[column].loc[params.event_date:]
        ahead = series[series > 0]
        numbers[f"{key}_end"] = float(series.iloc[-1])
        numbers[f"{key}_peak"] = float(series.max())
        numbers[f"{key}_peak_date"] = f"{series.idxmax():%-d %B %Y}"
        numbers[f"{key}_last_ahead"] = (f"last ahead on {ahead.index[-1]:%-d %B %Y}" if not ahead.empty
                                        else "never ahead after the event day")
        numbers[f"{key}_end_word"] = "ahead of" if series.iloc[-1] > 0 else "behind"
        verdicts.append(series.iloc[-1] > 0)
    held = sum(verdicts)
    numbers["revival_held"] = ("held on both" if held == len(verdicts) and verdicts
                               else "held on neither" if held == 0 else "held on one")
    return numbers


# ---------------------------------------------------------------- capex against infrastructure

HYPERSCALER_CAPEX_TICKERS = ("MSFT", "GOOGL", "AMZN", "META", "BIG4")
# What each capex metric of fundamentals.csv measures, as the facts README defines it. Only
# figures of one metric are ever compared; a capex metric the facts gain that is not defined
# here is listed in the capex table as "not defined in this report" and never compared.
CAPEX_DEFINITIONS: dict[str, str] = {
    "capex": "purchases of property and equipment (cash-flow line, gross, excl. finance leases)",
    "capex_approx": "purchases of property and equipment, rounded by the source",
    "capex_incl_finance_leases": "company's headline capex incl. assets acquired under finance leases",
    "capex_incl_finance_lease_principal": "company's headline capex incl. principal payments on finance leases",
    "capex_net_of_proceeds_incentives": "capex net of proceeds from sales and incentives (free-cash-flow basis)",
    "capex_as_stated_on_call": "capex as stated on the earnings call (company's own measure)",
    "aws_capex": "Amazon Web Services segment capital expenditure",
    "capex_combined_as_reported": "four hyperscalers combined, mixed basis (not the sum of their capex rows)",
    "capex_combined_approx": "four hyperscalers combined, rounded",
    "capex_combined_incl_finance_leases": "four hyperscalers combined, incl. finance leases (lower bound)",
    "capex_guidance_initial": "plan for the year as first announced (early 2025)",
    "capex_guidance_initial_low": "plan as first announced, lower end",
    "capex_guidance_initial_high": "plan as first announced, upper end",
    "capex_guidance_ai_datacenter": "plan for AI-enabled data centres (fiscal year)",
    "capex_guidance_combined_initial": "four hyperscalers' first plans combined (fiscal and calendar years mixed)",
    "capex_guidance_oct2025": "plan for the year as of October 2025",
    "capex_guidance_oct2025_low": "plan as of October 2025, lower end",
    "capex_guidance_oct2025_high": "plan as of October 2025, upper end",
}
UNDEFINED_CAPEX = "not defined in this report: shown, never compared"
COMBINED_ACTUAL = "capex_combined_as_reported"
ANNUAL_PERIOD = re.compile(r"^(CY|FY)\d{4}$")
REPORTED_CAPEX = ("capex", "capex_approx")  # one definition: the cash-flow line


def hyperscaler_capex() -> pd.DataFrame:
    """Return every capex row of the hyperscalers in the facts, in USD bn, with its definition.

    ``annual``: a full (calendar or fiscal) year; ``fiscal_lookalike``: a row labelled as a
    calendar year whose value equals a fiscal-year row of the same company (see
    :func:`fiscal_year_lookalikes`).
    """
    facts = load_fundamentals()
    is_capex = facts["metric"].str.contains("capex")
    rows = facts[facts["ticker"].isin(HYPERSCALER_CAPEX_TICKERS) & is_capex].copy()
    rows["value"] = convert(rows["value"], rows["unit"], "USD_billions")
    rows["unit"] = "USD_billions"
    rows["definition"] = rows["metric"].map(CAPEX_DEFINITIONS).fillna(UNDEFINED_CAPEX)
    rows["annual"] = rows["fiscal_period"].str.match(ANNUAL_PERIOD)
    rows["guidance"] = rows["metric"].str.contains("guidance") & rows["metric"].isin(CAPEX_DEFINITIONS)
    rows["fiscal_lookalike"] = fiscal_year_lookalikes(rows)
    columns = ["ticker", "fiscal_period", "period_end", "metric", "definition", "value", "annual", "guidance",
               "fiscal_lookalike", "secondary_source", "source"]
    return rows[columns].sort_values(["ticker", "period_end", "metric"]).reset_index(drop=True)


def fiscal_year_lookalikes(rows: pd.DataFrame) -> pd.Series:
    """Flag calendar-year rows (``CY....``) equal in value to a fiscal-year row (``FY....``) of the same company.

    Such a row is most likely a fiscal-year figure under a calendar label (Microsoft's
    fiscal year ends in June), so it is not a second, independent value.
    """
    fiscal = rows[rows["fiscal_period"].str.match(r"^FY\d{4}$")]
    flags = []
    for _, row in rows.iterrows():
        same = fiscal[(fiscal["ticker"] == row["ticker"]) & np.isclose(fiscal["value"], row["value"])]
        flags.append(bool(row["fiscal_period"].startswith("CY") and ANNUAL_PERIOD.match(row["fiscal_period"])
                          and not same.empty))
    return pd.Series(flags, index=rows.index)


COMPANY_NAMES = {"MSFT": "Microsoft", "GOOGL": "Alphabet", "AMZN": "Amazon", "META": "Meta", "BIG4": "all four"}
COMBINED = "BIG4"  # the facts' ticker for figures of the four hyperscalers combined
_PERIOD = re.compile(r"^(CY|FY)(\d{4})(Q\d)?$")


def period_label(period: str) -> str:
    """Return a fiscal-period code of the facts in words: ``CY2024Q3`` -> "2024 Q3", ``FY2025`` -> "fiscal 2025"."""
    match = _PERIOD.match(period)
    if not match:
        return period
    kind, year, quarter = match.groups()
    return f"{'' if kind == 'CY' else 'fiscal '}{year}{f' {quarter}' if quarter else ''}"


def source_label(source: str) -> str:
    """Return a source of the facts as its site (or GitHub repository), without the page address."""
    first = source.split()[0] if source.split() else source
    if first.startswith("derived"):
        return "derived in the facts (sum of quarters)"
    if "." not in first and not first.startswith("github:"):  # a named source, not a web address
        return re.split(r"[,(;\"]", source)[0].strip()
    if first.startswith("github:"):
        return f"GitHub {first.removeprefix('github:')}"
    site = re.sub(r"^https?://", "", first).split("/")[0]
    return site.removeprefix("www.") or source


def display_capex(capex: pd.DataFrame) -> pd.DataFrame:
    """Return the capex rows for reading: company and period as rows, what is measured, USD bn, source, note."""
    shown = pd.DataFrame({
        "Company": capex["ticker"].map(lambda t: f"{COMPANY_NAMES.get(t, t)} ({t})" if t != COMBINED else "all four"),
        "Period": capex["fiscal_period"].map(period_label),
        "Period end": capex["period_end"].dt.strftime("%Y-%m-%d"), "What the figure measures": capex["definition"],
        "USD bn": capex["value"],
        "Source (site)": capex["source"].map(source_label),
        "Note": np.where(capex["fiscal_lookalike"], "equals a fiscal-year figure: left out of the figure", ""),
    })
    return readable(shown).set_index(["Company", "Period"])



def join_words(items: list[str]) -> str:
    """Return "a", "a and b" or "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _value(capex: pd.DataFrame, ticker: str, period: str, metric: str) -> pd.Series:
    match = capex[(capex["ticker"] == ticker) & (capex["fiscal_period"] == period) & (capex["metric"] == metric)]
    if len(match) != 1:
        raise DataValidationError(f"expected one {metric} row for {ticker} {period}, found {len(match)}")
    return match.iloc[0]


# The plans the facts' combined first plan adds up: a company's single figure, else the upper end of its range.
FIRST_PLAN_METRICS = ("capex_guidance_initial", "capex_guidance_initial_high", "capex_guidance_ai_datacenter")


def first_plan_parts(capex: pd.DataFrame) -> pd.DataFrame:
    """Return each company's first 2025 plan in the facts (any kind: calendar year, upper end, fiscal AI plan)."""
    plans = capex[capex["metric"].isin(FIRST_PLAN_METRICS) & (capex["ticker"] != COMBINED)
                  & (capex["period_end"].dt.year == 2025)]
    return plans.sort_values("ticker").reset_index(drop=True)


def _plan_part_words(row: pd.Series) -> str:
    name = f"{COMPANY_NAMES.get(row['ticker'], row['ticker'])}'s {row['value']:g} bn USD"
    if row["metric"].endswith("_high"):
        return f"{name} (the upper end of its range)"
    if row["metric"] == "capex_guidance_ai_datacenter":
        return f"{name} (for AI data centres only, in its fiscal year to {row['period_end']:%B %Y})"
    return name


def mixed_plan_kinds(parts: pd.DataFrame) -> list[str]:
    """Return what, besides calendar-year plans, the first plans of :func:`first_plan_parts` include."""
    mixed = []
    if parts["metric"].str.endswith("_high").any():
        mixed.append("the upper end of a range")
    if (parts["metric"] == "capex_guidance_ai_datacenter").any():
        mixed.append("a fiscal-year plan for AI data centres only")
    return mixed


def combined_plan_sentence(capex: pd.DataFrame) -> str:
    """Return the sentence on the combined first 2025 plan: what it adds up and how far it compares with 2024.

    The facts' combined plan is traced to the per-company plans it equals (if it does), and
    what is mixed in it (upper ends of ranges, fiscal-year or AI-only plans) is named.
    """
    plan = _value(capex, COMBINED, "CY2025", "capex_guidance_combined_initial")
    actual = _value(capex, COMBINED, "CY2024", COMBINED_ACTUAL)
    growth = plan["value"] / actual["value"] - 1
    who = "The same source" if plan["source"] == actual["source"] else "Another source"
    text = f"{who} puts their first plans for 2025 at {plan['value']:.0f} bn USD"
    parts = first_plan_parts(capex)
    if parts.empty or not np.isclose(parts["value"].sum(), plan["value"], atol=0.5):
        return (f"{text} ({growth:+.0%} on 2024); the per-company plans in the facts add up to "
                f"{parts['value'].sum():.0f} bn USD, so how that total was formed cannot be traced.")
    text += f", the sum of {join_words([_plan_part_words(row) for _, row in parts.iterrows()])}"
    mixed = mixed_plan_kinds(parts)
    if not mixed:
        return f"{text} ({growth:+.0%} on 2024)."
    return (f"{text}. That total mixes calendar-year plans with {join_words(mixed)}, so its rise of "
            f"{growth:+.0%} on the {actual['value']:.0f} bn USD spent in 2024 is a rough indication, "
            "not a like-for-like comparison.")


def capex_numbers(capex: pd.DataFrame) -> dict[str, object]:
    """Return the capex figures the prose quotes: combined growth, first plans and October revisions."""
    combined_2023 = float(_value(capex, COMBINED, "CY2023", COMBINED_ACTUAL)["value"])
    combined_2024 = float(_value(capex, COMBINED, "CY2024", COMBINED_ACTUAL)["value"])
    plan_2025 = float(_value(capex, COMBINED, "CY2025", "capex_guidance_combined_initial")["value"])
    numbers: dict[str, object] = {
        "capex_2023": combined_2023, "capex_2024": combined_2024, "capex_plan_2025": plan_2025,
        "capex_growth_2024": combined_2024 / combined_2023 - 1, "capex_plan_growth_2025": plan_2025 / combined_2024 - 1,
        "capex_plan_sentence": combined_plan_sentence(capex),
        "capex_plan_total": (f"{plan_2025:.0f} bn USD, a total that mixes kinds of plan"
                             if mixed_plan_kinds(first_plan_parts(capex)) else f"{plan_2025:.0f} bn USD"),
        "n_fiscal_lookalikes": int(capex["fiscal_lookalike"].sum()),
        "fiscal_lookalike_companies": ", ".join(sorted(capex.loc[capex["fiscal_lookalike"], "ticker"].unique())),
    }
    reported = capex[capex["annual"] & capex["metric"].isin(REPORTED_CAPEX) & ~capex["fiscal_lookalike"]]
    spread = reported.groupby(["ticker", "fiscal_period"])["value"].agg(lambda v: v.max() - v.min())
    differing = spread[spread > 0.05]
    numbers["n_differing_years"] = len(differing)
    numbers["differing_years"] = ", ".join(f"{t} {period_label(p)}" for t, p in differing.index)
    revisions = guidance_revisions(capex)
    counted = revisions[revisions["counted"]]
    numbers["n_plans_raised"] = int(counted["raised"].sum())
    numbers["n_plans_compared"] = len(counted)
    numbers["plans_raised_phrase"] = _count_words(numbers["n_plans_raised"], len(counted), "companies", "company")
    numbers["revisions_not_counted"] = revisions_not_counted_sentence(revisions)
    return numbers


def revisions_not_counted_sentence(revisions: pd.DataFrame) -> str:
    """Say which companies' October figures are shown but not counted as revisions (a press first figure)."""
    left_out = [COMPANY_NAMES.get(t, t) for t in revisions.index[~revisions["counted"]]]
    if not left_out:
        return ""
    verb = "is" if len(left_out) == 1 else "are"
    whose = "its" if len(left_out) == 1 else "their"
    return (f"{join_words(left_out)} {verb} shown but not counted: {whose} first figure in the facts is the "
            "press's reading, not a company plan, so a later company figure above it is no revision.")


def _plan_ends(part: pd.DataFrame, prefix: str) -> tuple[float, float]:
    """Return a plan's (low, high) ends: a single figure is both; an end the facts lack is NaN."""
    low = high = np.nan
    for metric, value in zip(part["metric"], part["value"], strict=True):
        suffix = metric.removeprefix(prefix)
        if suffix in ("", "_low"):
            low = value
        if suffix in ("", "_high"):
            high = value
    return low, high


def guidance_revisions(capex: pd.DataFrame) -> pd.DataFrame:
    """Return each company's 2025 capex plan as first announced and as of October 2025, both as (low, high) ends.

    A single figure is both ends; an end the facts do not give is NaN (Meta's first plan is
    known by its upper end only). ``raised``: the October plan's lower end lies above the
    first plan's upper end (with one end missing, the other stands in); ``change_of_upper_end``
    compares the upper ends. ``first_is_company_figure`` is False where the facts' source says the
    first figure is not a company figure (Amazon's: the press's reading of a remark on the call);
    such a row is shown but is not a revision of a company plan, so ``counted`` is False.
    """
    plans = capex[capex["guidance"] & (capex["fiscal_period"] == "CY2025") & (capex["ticker"] != COMBINED)]
    rows = []
    for ticker, part in plans.groupby("ticker"):
        first = part[part["metric"].str.startswith("capex_guidance_initial")]
        october = part[part["metric"].str.startswith("capex_guidance_oct2025")]
        if first.empty or october.empty:
            continue
        first_low, first_high = _plan_ends(first, "capex_guidance_initial")
        october_low, october_high = _plan_ends(october, "capex_guidance_oct2025")
        first_top = first_high if pd.notna(first_high) else first_low
        october_bottom = october_low if pd.notna(october_low) else october_high
        company_figure = not first["source"].map(is_press_reading).any()
        rows.append({"company": ticker, "first_low": first_low, "first_high": first_high,
                     "october_low": october_low, "october_high": october_high,
                     "raised": bool(october_bottom > first_top),
                     "change_of_upper_end": (october_high if pd.notna(october_high) else october_low) / first_top - 1,
                     "first_is_company_figure": company_figure, "counted": company_figure})
    columns = ["first_low", "first_high", "october_low", "october_high", "raised", "change_of_upper_end",
               "first_is_company_figure", "counted"]
    return pd.DataFrame(rows, columns=["company", *columns]).set_index("company")


def display_guidance(revisions: pd.DataFrame) -> pd.DataFrame:
    """Return the plan revisions for reading: both ends of each plan in USD bn, a dash where the facts lack one."""
    shown = pd.DataFrame({
        "First plan, low (USD bn)": revisions["first_low"],
        "First plan, high (USD bn)": revisions["first_high"],
        "October 2025, low (USD bn)": revisions["october_low"],
        "October 2025, high (USD bn)": revisions["october_high"],
        "Upper end, change (%)": revisions["change_of_upper_end"] * 100,
        "Raised (October low above first high)": [
            ("yes" if raised else "no") if counted else "not counted: first figure is a press reading"
            for raised, counted in zip(revisions["raised"], revisions["counted"], strict=True)],
    })
    shown.index = pd.Index([f"{COMPANY_NAMES.get(t, t)} ({t})" for t in revisions.index], name="Company")
    return readable(shown, decimals=1)


def capex_start(capex: pd.DataFrame) -> pd.Timestamp:
    """Return 1 January of the earliest year with an annual capex figure (the start of the long view)."""
    return pd.Timestamp(f"{int(capex.loc[capex['annual'], 'period_end'].dt.year.min())}-01-01")


def calendar_year_returns(value: pd.Series, years: list[int]) -> pd.Series:
    """Return a cumulative-return series' return within each calendar year (last close to last close).

    The series counts from 0 at the close before its first date, so a year it starts in
    is measured from that base.
    """
    level = 1.0 + value
    out = {}
    for year in years:
        before, within = level.loc[: f"{year - 1}-12-31"], level.loc[f"{year}-01-01": f"{year}-12-31"]
        base = before.iloc[-1] if len(before) else 1.0
        out[year] = float(within.iloc[-1] / base - 1) if len(within) else np.nan
    return pd.Series(out, name="return")


def long_run_baskets(returns: pd.DataFrame, params: SaasParameters, start: pd.Timestamp) -> pd.DataFrame:
    """Return the infrastructure and hyperscaler baskets' stocks, rebalanced daily, from ``start`` to the end."""
    universe = load_universe()
    baskets = params.basket_map
    columns = {}
    for basket in ("AI infrastructure", "hyperscalers"):
        stocks = [s for s in baskets[basket] if universe.at[s, "kind"] == "stock"]
        if stocks:
            columns[basket] = rebalanced_value(returns, stocks, start)
    frame = pd.DataFrame(columns)
    return frame.loc[: returns[params.symbols].dropna(how="all").index[-1]]


# ---------------------------------------------------------------- numbers for the prose


BASKET_KEYS = {"AI infrastructure": "infra", "hyperscalers": "hyper", "cloud software": "cloud"}



def headline_numbers(table: pd.DataFrame, summary: pd.DataFrame, study: BasketStudy, returns: pd.DataFrame,
                     params: SaasParameters) -> dict[str, object]:
    """Return the event-day and event-study numbers the prose quotes, keyed by glue name."""
    caar = study.caar.set_index(["basket", "window"])
    numbers: dict[str, object] = {
        "event_day": f"{params.event_date:%A %-d %B %Y}",
        "post_days": params.post_days, "pre_days": params.pre_days,
        "full_window": window_label((-params.pre_days, params.post_days)).replace("-", MINUS),
        "estimation_window": window_label(params.estimation_window),
        "exclusion_sentence": exclusion_sentence(study.exclusions),
    }
    for basket, key in BASKET_KEYS.items():  # NaN where a basket has no stock with a result
        row = summary.loc[basket] if basket in summary.index else pd.Series(dtype=float)
        numbers[f"{key}_mean"] = float(row.get("mean", np.nan))
        numbers[f"{key}_median"] = float(row.get("median", np.nan))
        numbers[f"{key}_count"] = int(row.get("stocks", 0))
        for window, suffix in (("[0,0]", "day0"), ("[0,+1]", "p1"), ("[0,+5]", "p5")):
            row = caar.loc[(basket, window)] if (basket, window) in caar.index else pd.Series(dtype=float)
            numbers[f"{key}_car_{suffix}"] = float(row.get("caar", np.nan))
            numbers[f"{key}_caar_{suffix}"] = numbers[f"{key}_car_{suffix}"]  # the landing page's older name
            numbers[f"{key}_p_{suffix}"] = p_text(float(row.get("p", np.nan)))
            numbers[f"{key}_p_kp_{suffix}"] = p_text(float(row.get("p_kp", np.nan)))
            numbers[f"{key}_n"] = int(row.get("n_firms", 0))
    numbers |= software_numbers(params)
    stocks = table[table["in_caar"]].dropna(subset=["return"])
    worst = stocks.loc[stocks["return"].idxmin()]
    best = stocks.loc[stocks["return"].idxmax()]
    numbers |= {"worst_stock": f"{worst['name']} ({worst['symbol']}, {worst['basket']})",
                "worst_return": float(worst["return"]),
                "best_stock": f"{best['name']} ({best['symbol']}, {best['basket']})",
                "best_return": float(best["return"])}
    for symbol in REFERENCE_ETFS:
        numbers[f"{symbol.lower()}_return"] = float(returns.at[params.event_date, symbol])
    return numbers


def software_numbers(params: SaasParameters) -> dict[str, object]:
    """The software basket's day-0 excess return under each benchmark and the tests' sentence (group_study.quote)."""
    name = dict(zip((d.name for d in basket_definitions(params)),
                    (b for b, _ in params.baskets if b in BASKET_GROUPS), strict=True))
    software = next((g for g, b in name.items() if b == "cloud software"), None)
    infra = next((g for g, b in name.items() if b == "AI infrastructure"), None)
    study = basket_group_study(params)
    numbers: dict[str, object] = {"benchmark_note": study.benchmark_note}
    for key, group in (("cloud", software), ("infra", infra)):
        q = group_study.quote(study, group) if group else {}
        for field in ("raw", "market_adjusted", "market_spy", "market_clean", "ff3"):
            numbers[f"{key}_{field}_day0"] = float(q.get(field, np.nan))
        label = "cloud-software" if key == "cloud" else "AI-infrastructure"
        numbers[f"{key}_benchmark_sentence"] = group_study.benchmark_sentence(f"the {label} stocks", q) if q else ""
        numbers[f"{key}_tests_sentence"] = group_study.tests_sentence(label, q) if q else ""
    return numbers


def distance_from_high(change: float, high: str = "it", decimals: int = 2) -> str:
    """Return a change from a high in words, without a double negative: -0.3752 -> "37.52 % below it"."""
    if np.isclose(change, 0.0):
        return f"at {high}"
    return f"{format_percent(abs(change), decimals)} {'below' if change < 0 else 'above'} {high}"


def claim_window_numbers(windows: pd.DataFrame, drawdowns: pd.DataFrame) -> dict[str, object]:
    """Return the cloud-claim figures the prose quotes."""
    ledger_row, best = windows.loc["ledger window"], windows.iloc[2]
    return {
        "claim_from": ledger_row["from"], "claim_to": ledger_row["to"],
        "wcld_claim_window": float(ledger_row[CLOUD_INDEX_PROXY]), "ndx_claim_window": float(ledger_row[NASDAQ_100]),
        "igv_claim_window": float(ledger_row["IGV"]), "nvda_claim_window": float(ledger_row["NVDA"]),
        "wcld_best_window": float(best[CLOUD_INDEX_PROXY]), "best_from": best["from"], "best_to": best["to"],
        "wcld_later_window": float(windows.iloc[1][CLOUD_INDEX_PROXY]),
        "wcld_high_date": drawdowns.iloc[0]["high on"],
        "wcld_drawdown_claim": float(drawdowns.iloc[0]["below the high"]),
        "wcld_drawdown_end": float(drawdowns.iloc[-1]["below the high"]),
        "wcld_from_high_claim": distance_from_high(float(drawdowns.iloc[0]["below the high"])),
        "wcld_from_high_end": distance_from_high(float(drawdowns.iloc[-1]["below the high"])),
        "wcld_end_date": drawdowns.iloc[-1]["date"],
    }


def load_prices(params: SaasParameters) -> pd.DataFrame:
    """Return the price panel of the basket members and of the claims' instruments."""
    return price_panel(list(dict.fromkeys([*params.symbols, *REFERENCE_ETFS, *CLAIM_WINDOW_SYMBOLS])))


# ---------------------------------------------------------------- dated 2025 plans against the 2025 outcome

@dataclass(frozen=True)
class PlanBasis:
    """What a company's first 2025 plan measures, and which ``fundamentals.csv`` metric measures the same.

    ``metric`` None: no actual of the plan's definition exists, so the plan is shown beside the
    ``shown`` actuals (each named by its own definition) but never compared with them.
    """

    definition: str
    metric: str | None
    shown: tuple[str, ...] = ()
    company_figure: bool = True
    short: str = ""


# From the scope column of capex_guidance.csv and the facts README ("Capex metrics are not interchangeable").
PLAN_BASES: dict[str, PlanBasis] = {
    "MSFT": PlanBasis("AI-enabled data centres, fiscal 2025 (July 2024 to June 2025); whether cash purchases or "
                      "incl. finance leases is not stated", None, ("capex", "capex_incl_finance_leases"),
                      short="not stated (AI data centres, fiscal year)"),
    "META": PlanBasis("Meta's own measure: purchases of property and equipment plus principal payments on finance "
                      "leases", "capex_incl_finance_lease_principal",
                      short="Meta's measure (incl. finance-lease principal)"),
    "GOOGL": PlanBasis("purchases of property and equipment (Alphabet's capex)", "capex",
                       short="cash purchases of property and equipment"),
    "AMZN": PlanBasis("not a company figure: 4 x the Q4 2024 capex Amazon called representative (26.3 bn USD, "
                      "consistent with its net-of-proceeds-and-incentives basis) and the press's \"over 100 bn\"",
                      None, ("capex",), company_figure=False, short="press reading, not a company figure"),
}
SHORT_DEFINITIONS = {
    "capex": "cash purchases of property and equipment",
    "capex_incl_finance_leases": "incl. finance leases (Microsoft's headline)",
    "capex_incl_finance_lease_principal": "incl. finance-lease principal (Meta's measure)",
}


def _actual(capex: pd.DataFrame, ticker: str, metric: str, period_end: pd.Timestamp) -> pd.Series | None:
    """Return the annual row of ``metric`` for ``ticker`` whose period ends on ``period_end`` (None if absent)."""
    rows = capex[(capex["ticker"] == ticker) & (capex["metric"] == metric) & capex["annual"]
                 & (capex["period_end"] == period_end) & ~capex["fiscal_lookalike"]]
    return rows.iloc[0] if len(rows) else None


def _year_before(period_end: pd.Timestamp) -> pd.Timestamp:
    return period_end - pd.DateOffset(years=1)


def plan_outcomes(capex: pd.DataFrame, guidance: pd.DataFrame, event_date: pd.Timestamp) -> pd.DataFrame:
    """Return each company's first 2025 plan beside the actual of the same definition, before and after it.

    Per company: when the plan was announced (before or after ``event_date``), its period and
    range; the actual of the year before and of the plan's own period, both of the plan's own
    definition (:data:`PLAN_BASES`); the plan against the year before and the outcome against the
    plan's upper end. Where no actual has the plan's definition these are NaN and the actuals of
    other definitions are listed in ``other_actuals``, never compared.
    """
    rows = []
    for _, plan in guidance.sort_values("announced_date").iterrows():
        ticker = plan["ticker"]
        basis = PLAN_BASES.get(ticker, PlanBasis("not defined in this report", None))
        row = {"company": ticker, "announced": plan["announced_date"],
               "timing": "before" if plan["announced_date"] < event_date else "after",
               "period": period_label(plan["period_label"]), "period_end": plan["period_end"],
               "plan_low": plan["value_low"], "plan_high": plan["value_high"], "definition": basis.definition,
               "short_definition": basis.short or basis.definition,
               "company_figure": bool(plan.get("company_figure", basis.company_figure)),
               "metric": basis.metric or "", "prior": np.nan, "actual": np.nan, "actual_source": ""}
        if basis.metric:
            prior = _actual(capex, ticker, basis.metric, _year_before(plan["period_end"]))
            actual = _actual(capex, ticker, basis.metric, plan["period_end"])
            row["prior"] = prior["value"] if prior is not None else np.nan
            if actual is not None:
                row["actual"], row["actual_source"] = actual["value"], actual["source"]
        others = [(metric, _actual(capex, ticker, metric, plan["period_end"])) for metric in basis.shown]
        found_others = [(m, found) for m, found in others if found is not None]
        row["other_values"] = tuple(float(found["value"]) for _, found in found_others)
        row["other_actuals"] = " and ".join(f"{format_number(found['value'], 1)} bn USD ({SHORT_DEFINITIONS.get(m, m)})"
                                            for m, found in found_others)
        rows.append(row)
    table = pd.DataFrame(rows).set_index("company")
    table["plan_vs_prior"] = table["plan_high"] / table["prior"] - 1
    table["actual_vs_plan"] = table["actual"] / table["plan_high"] - 1
    return table


def plan_range_text(low: float, high: float) -> str:
    """Write a plan as "75" or "60\u201365" (an en dash between the ends of a range)."""
    if np.isclose(low, high):
        return format_number(low, 0)
    return f"{format_number(low, 0)}\u2013{format_number(high, 0)}"


def display_plan_outcomes(table: pd.DataFrame) -> pd.DataFrame:
    """Return the plans and outcomes for readers, one column per company (USD bn; a dash: nothing to compare)."""
    def number(value: float, signed: bool = False) -> str:
        return format_number(value, 1, signed=signed)

    rows = {
        "Announced": [f"{d.day} {d:%B %Y}, {t} the event day" for d, t in zip(table["announced"], table["timing"],
                                                                               strict=True)],
        "Period": table["period"].tolist(),
        "What the plan measures": table["short_definition"].tolist(),
        "Plan (USD bn)": list(map(plan_range_text, table["plan_low"], table["plan_high"])),
        "Year before, same measure (USD bn)": [number(v) for v in table["prior"]],
        "Plan's upper end against the year before (%)": [number(100 * v, signed=True) for v in table["plan_vs_prior"]],
        "Outcome, same measure (USD bn)": [number(v) for v in table["actual"]],
        "Outcome against the plan's upper end (%)": [number(100 * v, signed=True) for v in table["actual_vs_plan"]],
        "Outcome by other measures, not compared": [text or MISSING for text in table["other_actuals"]],
    }
    shown = pd.DataFrame(rows, index=[f"{COMPANY_NAMES.get(t, t)} ({t})" for t in table.index]).T
    shown.index.name = "Measure"
    return shown


CALENDAR_METRIC = "capex"  # the one measure every company's calendar years are compared by


def calendar_capex(capex: pd.DataFrame, years: tuple[int, ...] = (2024, 2025)) -> pd.DataFrame:
    """Return cash purchases of property and equipment (``capex``) per company and calendar year, with growth.

    One definition only. Microsoft's calendar years are the facts' derived sums of four fiscal
    quarters (``derived`` is True); a company without a ``capex`` row for a year shows NaN.
    """
    rows = []
    for ticker in ("MSFT", "GOOGL", "AMZN", "META"):
        row: dict[str, object] = {"company": ticker}
        for year in years:
            found = capex[(capex["ticker"] == ticker) & (capex["metric"] == CALENDAR_METRIC)
                          & (capex["fiscal_period"] == f"CY{year}")]
            row[year] = float(found["value"].iloc[0]) if len(found) else np.nan
            row[f"derived_{year}"] = bool(len(found) and found["source"].iloc[0].startswith("derived"))
        rows.append(row)
    table = pd.DataFrame(rows).set_index("company")
    table["growth"] = table[years[-1]] / table[years[0]] - 1
    return table


def display_calendar_capex(table: pd.DataFrame) -> pd.DataFrame:
    """Return the calendar-year table for readers, derived figures marked."""
    years = [c for c in table.columns if isinstance(c, int)]
    shown = pd.DataFrame(index=pd.Index([f"{COMPANY_NAMES.get(t, t)} ({t})" for t in table.index], name="Company"))
    for year in years:
        shown[f"{year} (USD bn)"] = table[year].to_numpy()
    shown[f"Change {years[0]} to {years[-1]} (%)"] = 100 * table["growth"].to_numpy()
    shown["Note"] = ["calendar years are sums of Microsoft's fiscal quarters (derived)" if any(
        table.loc[t, f"derived_{y}"] for y in years) else ("no cash-purchases row for 2025 in the facts"
                                                            if table.loc[t, [*years]].isna().any() else "")
                     for t in table.index]
    return readable(shown, decimals=1)


def plan_outcome_numbers(outcomes: pd.DataFrame, calendar: pd.DataFrame) -> dict[str, object]:
    """Return the plan-and-outcome figures the prose quotes, preformatted (true minus, a space before %)."""
    def pct(value: float, decimals: int = 0) -> str:
        return f"{format_number(100 * value, decimals, signed=True)} %"

    def bn(value: float) -> str:
        return f"{format_number(value, 1)} bn USD"

    def plan(company: str) -> str:
        return f"{plan_range_text(outcomes.at[company, 'plan_low'], outcomes.at[company, 'plan_high'])} bn USD"

    numbers: dict[str, object] = {}
    for company in outcomes.index:
        key = company.lower()
        date = outcomes.at[company, "announced"]
        numbers |= {f"{key}_plan": plan(company), f"{key}_announced": f"{date.day} {date:%B %Y}",
                    f"{key}_timing": str(outcomes.at[company, "timing"]),
                    f"{key}_prior": bn(outcomes.at[company, "prior"]),
                    f"{key}_actual": bn(outcomes.at[company, "actual"]),
                    f"{key}_plan_vs_prior": pct(outcomes.at[company, "plan_vs_prior"]),
                    f"{key}_actual_vs_plan": pct(outcomes.at[company, "actual_vs_plan"]),
                    f"{key}_other_actuals": outcomes.at[company, "other_actuals"] or "none"}
    compared = outcomes.dropna(subset=["actual"])
    after = outcomes[outcomes["timing"] == "after"]
    numbers["n_plans"] = len(outcomes)
    numbers["n_plans_after"] = len(after)
    numbers["n_plans_compared"] = len(compared)
    numbers["plans_compared_names"] = join_words([COMPANY_NAMES.get(t, t) for t in compared.index])
    numbers["plans_not_compared_names"] = join_words([COMPANY_NAMES.get(t, t) for t in outcomes.index
                                                      if t not in compared.index]) or "none"
    numbers["n_outcomes_above_plan"] = int((compared["actual"] > compared["plan_high"]).sum())
    numbers["outcomes_above_phrase"] = _count_words(numbers["n_outcomes_above_plan"], len(compared), "companies",
                                                    "company")
    for company in calendar.index:
        key = company.lower()
        numbers[f"{key}_cash_2024"] = bn(calendar.at[company, 2024])
        numbers[f"{key}_cash_2025"] = bn(calendar.at[company, 2025])
        numbers[f"{key}_cash_growth"] = pct(calendar.at[company, "growth"])
    grown = calendar.dropna(subset=["growth"])
    numbers["cash_growth_range"] = f"{pct(grown['growth'].min())} to {pct(grown['growth'].max())}"
    numbers["cash_companies"] = join_words([COMPANY_NAMES.get(t, t) for t in grown.index])
    numbers["cash_missing"] = join_words([COMPANY_NAMES.get(t, t) for t in calendar.index
                                          if t not in grown.index]) or "none"
    return numbers


def plan_outcome_points(outcomes: pd.DataFrame, capex: pd.DataFrame) -> pd.DataFrame:
    """Return what the plan-and-outcome figure draws, one row per mark: company, label, low, high, kind.

    Kinds: ``prior`` (the year before, the plan's measure), ``plan`` (its range), ``actual``
    (the outcome, the plan's measure) and ``other`` (an outcome of another measure, shown and
    labelled, never compared). Rows per company in reading order.
    """
    rows = []
    for company, row in outcomes.iterrows():
        period = row["period"]
        before = _year_before(row["period_end"])
        year_before = period_label(f"{'FY' if period.startswith('fiscal') else 'CY'}{before.year}")
        if pd.notna(row["prior"]):
            rows.append((company, f"{year_before}, actual", row["prior"], row["prior"], "prior"))
        when = f"{row['announced'].day} {row['announced']:%b %Y}, {row['timing']} the event"
        label = f"plan of {when}" if row["company_figure"] else f"press reading of {when}: (not a company figure)"
        rows.append((company, label,
                     row["plan_low"], row["plan_high"], "plan"))
        if pd.notna(row["actual"]):
            rows.append((company, f"{period}, actual", row["actual"], row["actual"], "actual"))
        for metric in PLAN_BASES.get(company, PlanBasis("", None)).shown:
            found = _actual(capex, company, metric, row["period_end"])
            if found is not None:
                rows.append((company, f"{period}, actual: {SHORT_DEFINITIONS.get(metric, metric)}", found["value"],
                             found["value"], "other"))
    return pd.DataFrame(rows, columns=["company", "label", "low", "high", "kind"])


def unmatched_plan_sentence(outcomes: pd.DataFrame, company: str) -> str:
    """Say where a plan without an outcome of its own measure lies against the outcomes of other measures."""
    text, values = outcomes.at[company, "other_actuals"], list(outcomes.at[company, "other_values"])
    if not values:
        return "The facts hold no outcome for that period to set beside it."
    low, high = outcomes.at[company, "plan_low"], outcomes.at[company, "plan_high"]
    if len(values) == 1:
        return f"The outcome in the facts, {text}, is of another measure, so the two are not compared."
    if high < min(values):
        where = "below all of them"
    elif low > max(values):
        where = "above all of them"
    else:
        where = "between them"
    return f"Its outcomes for that period, by other measures, were {text}; the plan lies {where}."


def _count_words(count: int, total: int, noun: str, singular: str) -> str:
    """Like :func:`of_total`, with "both" for two of two."""
    return f"both {noun}" if count == total == 2 else of_total(count, total, noun, singular)


def rethink_sentence(outcomes: pd.DataFrame) -> str:
    """Say what the dated plans and their outcomes show about a rethink after the event day, from the numbers only."""
    after = outcomes[(outcomes["timing"] == "after") & outcomes["plan_vs_prior"].notna()]
    compared = outcomes.dropna(subset=["actual"])
    below_prior = int((after["plan_vs_prior"] < 0).sum())
    below_plan = int((compared["actual"] < compared["plan_low"]).sum())
    if after.empty and compared.empty:
        return "No plan and outcome of one measure are in the facts, so a rethink cannot be measured."
    parts = []
    if not after.empty:
        parts.append(f"{_count_words(len(after) - below_prior, len(after), 'plans', 'plan')} announced after the event "
                     "day that can be set against the year before lay above that year's spending")
    if not compared.empty:
        parts.append(f"{_count_words(len(compared) - below_plan, len(compared), 'outcomes', 'outcome')} that can be "
                     "set against their plan reached at least its lower end")
    verdict = ("the figures show no cut after the event day" if below_prior == 0 and below_plan == 0
               else "the figures show some spending below plan or below the year before")
    return f"{sentence_case('; '.join(parts))}: {verdict}."
