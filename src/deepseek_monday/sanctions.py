"""Measures of the sanctions chapter: US export controls on AI chips against the efficiency answer.

Four questions, one section each: where the export-control milestones fall on the prices of
US chip firms and China tech (:func:`timeline_levels`); what each milestone and the event day
cost in abnormal returns (:func:`run_sanctions_study` and the tables after it); how China
tech did against US semiconductors after the R1 release (:func:`performance_since`); and
what DeepSeek-V3's compute figures say against Llama 3.1 405B and the GPT-4 estimate
(:func:`compute_ratios`). Claims are judged by the claims ledger only
(:func:`theme_claims_table` shapes its rows).

**Day-0 rule.** Each milestone date of ``events.csv`` (or of the ``control_events``
parameter) is mapped to the first NYSE session on or after it: a date on a weekend or
holiday moves to the next session. Rules are often published after the close, so the
default event window [0, +1] covers an announcement during the session of the stated
date and one after its close. Hong Kong trades before New York on the same calendar day,
so a US announcement reaches Hong Kong prices on day +1 at the earliest.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from deepseek_monday.calendars import sessions
from deepseek_monday.claims import ledger as claims_ledger
from deepseek_monday.claims.catalogue import load_claims
from deepseek_monday.claims.measures import nvidia_shares
from deepseek_monday.claims.registry import get_measure
from deepseek_monday.errors import DataValidationError, ParameterError
from deepseek_monday.eventstudy import EventStudyResult, run_event_study, window_label
from deepseek_monday.facts import load_events
from deepseek_monday.params import check_event_date
from deepseek_monday.prices import price_panel
from deepseek_monday.returns import daily_returns
from deepseek_monday.universe import check_symbols, load_universe

MARKET = "XNYS"
EXPORT_CONTROL = "export_control"
CHIPS_GROUP = "US chip firms"
CHINA_GROUP = "China tech"
EVENT_DAY_LABEL = "E"
# US-headquartered chip designers and makers of the universe (TSMC, ASML and Arm are not US firms).
DEFAULT_CHIP_SYMBOLS = ("NVDA", "AMD", "AVGO", "MU", "INTC", "QCOM", "MRVL")
# China tech: the internet ETF, two US-listed platforms and three Hong Kong names (to 2025-05-22).
DEFAULT_CHINA_SYMBOLS = ("KWEB", "BABA", "BIDU", "0700.HK", "9988.HK", "0981.HK")
# Price series of the timeline: the chip champion, two semiconductor ETFs (stand-ins for the
# PHLX index, which the snapshot lacks), and China tech with the broad large-cap ETF FXI.
TIMELINE_US = ("NVDA", "SMH", "SOXX")
TIMELINE_CHINA = ("KWEB", "FXI", "BABA", "BIDU", "0700.HK", "9988.HK", "0981.HK")
SEMICONDUCTOR_ETF = "SMH"
# Event study: the engine's default estimation window, with days of other events' windows masked.
ESTIMATION_WINDOW = (-250, -11)
MIN_ESTIMATION_OBS = 200
OVERLAP_RULE = "mask"
# Windows every table reports beside the chosen one.
REPORTED_WINDOWS = ((0, 0), (0, 1), (-1, 1), (0, 5))
# The main window may start no earlier than day -10 (the estimation window ends at -11).
WINDOW_LIMITS = (-10, 20)
TIMELINE_LEAD_DAYS = 30
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SIGNIFICANCE = 0.05
CONFIDENCE = 0.95


# ---------------------------------------------------------------- parameters and the event list


def parse_date(value: object, parameter: str) -> pd.Timestamp:
    """Return ``value`` (text ``YYYY-MM-DD`` or a date) as a Timestamp, else raise ParameterError."""
    if isinstance(value, dt.date):  # also datetime and Timestamp; YAML reads 2025-01-27 as a date
        timestamp = pd.Timestamp(value)
    elif isinstance(value, str) and ISO_DATE.match(value):
        try:
            timestamp = pd.Timestamp(value)
        except ValueError as error:
            raise ParameterError(f"{parameter}: {value!r} is not a valid date") from error
    else:
        raise ParameterError(f"{parameter}: {value!r} is not a date (use 'YYYY-MM-DD')")
    if timestamp.tzinfo is not None or timestamp != timestamp.normalize():
        raise ParameterError(f"{parameter}: {value!r} must be a plain calendar date (YYYY-MM-DD)")
    return timestamp


def first_session_on_or_after(date: pd.Timestamp, market: str = MARKET) -> pd.Timestamp:
    """Return the first session of ``market`` on or after ``date`` (the chapter's day-0 rule)."""
    all_sessions = sessions(market)
    position = all_sessions.searchsorted(date, side="left")
    if position >= len(all_sessions):
        raise ParameterError(f"{date:%Y-%m-%d} is after the last session the {market} calendar knows")
    return all_sessions[position]


def shift_note(date: pd.Timestamp, day0: pd.Timestamp) -> str:
    """Say how the day-0 rule moved a date: ``same day`` or ``Sat -> Mon (+2 days)``."""
    if day0 == date:
        return "same day"
    days = (day0 - date).days
    return f"{date:%a} → {day0:%a} (+{days} day{'s' if days > 1 else ''})"


def milestone_kind(text: str) -> str:
    """Classify a milestone from its text: an effective or compliance date, or an announcement.

    Only the text outside parentheses counts ("rules (... chip rule effective 2023-11-16)" is
    the announcement of rules that take effect later).
    """
    lowered = re.sub(r"\([^)]*\)", "", text).lower()
    if "effective" in lowered or "compliance date" in lowered:
        return "effective/compliance date"
    return "announcement"


def _events_on(date: pd.Timestamp, events: pd.DataFrame) -> pd.Series | None:
    """Return the events.csv row on ``date`` (an export-control row first), or None."""
    rows = events[events["date"] == date]
    if rows.empty:
        return None
    controls = rows[rows["category"] == EXPORT_CONTROL]
    return (controls if not controls.empty else rows).iloc[0]


def control_event_list(control_events: object, window_end: int, market: str = MARKET) -> pd.DataFrame:
    """Return the export-control milestones with their day 0, numbered in date order.

    ``control_events``: None (the ``export_control`` rows of ``events.csv``) or a list of
    dates. A given date takes the text of the ``events.csv`` row on that date, if any. Each
    date is mapped to the first session on or after it; the milestone must leave the
    estimation window before and ``window_end`` sessions after it inside the data. Columns:
    date, event, category, approximate, secondary_source, kind, day0, shift.
    """
    events = load_events()
    if control_events is None:
        chosen = events[events["category"] == EXPORT_CONTROL]
        if chosen.empty:
            raise DataValidationError("events.csv has no export_control rows")
        table = chosen[["date", "event", "category", "approximate", "source"]].copy()
    else:
        if isinstance(control_events, str | bytes | dt.date) or not isinstance(control_events, Sequence):
            raise ParameterError(
                f"control_events: expected None or a list of dates like ['2022-10-07'], got {control_events!r}"
            )
        if len(control_events) == 0:
            raise ParameterError("control_events: the list is empty; give at least one date or None")
        dates = [parse_date(value, "control_events") for value in control_events]
        repeated = sorted({f"{d:%Y-%m-%d}" for d in dates if dates.count(d) > 1})
        if repeated:
            raise ParameterError(f"control_events: dates listed twice: {repeated}")
        rows = []
        for date in dates:
            row = _events_on(date, events)
            if row is None:
                rows.append({"date": date, "event": "date given as a parameter (not in events.csv)",
                             "category": "", "approximate": False, "source": ""})
            else:
                rows.append({"date": date, "event": row["event"], "category": row["category"],
                             "approximate": bool(row["approximate"]), "source": row["source"]})
        table = pd.DataFrame(rows)
    table = table.sort_values("date", kind="stable").reset_index(drop=True)
    table["secondary_source"] = table["source"].str.contains("(secondary", regex=False)
    table["kind"] = table["event"].map(milestone_kind)
    day0 = []
    for date in table["date"]:
        session = first_session_on_or_after(date, market)
        try:
            check_event_date(session, market, before=-ESTIMATION_WINDOW[0], after=window_end,
                             parameter="control_events")
        except ParameterError as error:
            raise ParameterError(f"control_events: milestone {date:%Y-%m-%d} (day 0 {session:%Y-%m-%d}) "
                                 f"cannot be studied: {error}") from None
        day0.append(session)
    table["day0"] = pd.DatetimeIndex(day0)
    clashes = table[table["day0"].duplicated(keep=False)]
    if not clashes.empty:
        raise ParameterError(
            "control_events: " + ", ".join(f"{d:%Y-%m-%d}" for d in clashes["date"])
            + f" map to the same session {clashes['day0'].iloc[0]:%Y-%m-%d}; keep one of them"
        )
    table["shift"] = [shift_note(d, s) for d, s in zip(table["date"], table["day0"], strict=True)]
    table.index = pd.Index([str(n) for n in range(1, len(table) + 1)], name="milestone")
    return table.drop(columns="source")


def _check_day(value: object, parameter: str, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{parameter}: {value!r} is not a whole number of trading days")
    if not lowest <= value <= highest:
        raise ParameterError(f"{parameter}: {value} must lie between {lowest} and {highest} trading days")
    return value


def _check_symbol_set(symbols: object, default: tuple[str, ...], parameter: str) -> tuple[str, ...]:
    if symbols is None:
        return default
    if isinstance(symbols, str) or not isinstance(symbols, Sequence):
        raise ParameterError(f"{parameter}: expected None or a list of tickers, got {symbols!r}")
    chosen = check_symbols(list(symbols), parameter)
    if len(set(chosen)) != len(chosen):
        raise ParameterError(f"{parameter}: a ticker is listed twice in {chosen}")
    kinds = load_universe().loc[chosen, "kind"]
    not_equity = kinds[~kinds.isin(["stock", "etf"])].index.tolist()
    if not_equity:
        raise ParameterError(f"{parameter}: {not_equity} are not stocks or ETFs; the event study needs equities")
    return tuple(chosen)


@dataclass(frozen=True)
class SanctionsParameters:
    """Validated parameters of the sanctions chapter.

    ``controls`` is the mapped event list; a milestone whose day 0 is the event day itself is
    left out of it (it cannot be compared with itself) and its date kept in ``dropped``.
    """

    event_date: pd.Timestamp
    controls: pd.DataFrame
    window: tuple[int, int]
    chip_symbols: tuple[str, ...]
    china_symbols: tuple[str, ...]
    comparison_start: pd.Timestamp
    comparison_base: pd.Timestamp
    dropped: tuple[pd.Timestamp, ...] = ()

    @classmethod
    def validate(cls, event_date: object = "2025-01-27", control_events: object = None, window_start: object = 0,
                 window_end: object = 1, chip_symbols: object = None, china_symbols: object = None,
                 comparison_start: object = "2025-01-20") -> SanctionsParameters:
        """Check every parameter and return them typed; raise ParameterError otherwise."""
        start = _check_day(window_start, "window_start", WINDOW_LIMITS[0], 0)
        end = _check_day(window_end, "window_end", 0, WINDOW_LIMITS[1])
        after = max(end, *(w[1] for w in REPORTED_WINDOWS))
        date = check_event_date(event_date, MARKET, before=-ESTIMATION_WINDOW[0], after=after)
        listed = control_event_list(control_events, after)
        controls = listed[listed["day0"] != date]  # a milestone on the event day is the event itself
        if controls.empty:
            raise ParameterError(f"control_events: every milestone falls on the event day {date:%Y-%m-%d}; "
                                 "give at least one other date")
        controls.index = pd.Index([str(n) for n in range(1, len(controls) + 1)], name="milestone")
        chips = _check_symbol_set(chip_symbols, DEFAULT_CHIP_SYMBOLS, "chip_symbols")
        if "NVDA" not in chips:
            raise ParameterError("chip_symbols: must include NVDA (the chapter asks what the events cost Nvidia)")
        china = _check_symbol_set(china_symbols, DEFAULT_CHINA_SYMBOLS, "china_symbols")
        shared = sorted(set(chips) & set(china))
        if shared:
            raise ParameterError(f"chip_symbols and china_symbols share {shared}; a firm belongs to one group")
        first_day = parse_date(comparison_start, "comparison_start")
        position = sessions(MARKET).searchsorted(first_day, side="left")
        if position == 0:
            raise ParameterError(f"comparison_start: {first_day:%Y-%m-%d} is before the {MARKET} calendar starts")
        base = sessions(MARKET)[position - 1]
        check_event_date(base, MARKET, after=5, parameter="comparison_start (its previous session)")
        dropped = tuple(listed.loc[listed["day0"] == date, "date"])
        return cls(date, controls, (start, end), chips, china, first_day, base, dropped)

    @property
    def windows(self) -> tuple[tuple[int, int], ...]:
        """The chosen window first, then the reported ones (no duplicates)."""
        return tuple(dict.fromkeys((self.window, *REPORTED_WINDOWS)))

    @property
    def window_text(self) -> str:
        return window_label(self.window)


def dropped_note(params: SanctionsParameters) -> str:
    """Say which milestones were left out because their day 0 is the event day."""
    if not params.dropped:
        return "No milestone falls on the event day itself."
    dates = ", ".join(f"{d:%Y-%m-%d}" for d in params.dropped)
    return (f"The milestone of {dates} has the event day as its day 0 and is left out of the comparison "
            "(it would be compared with itself).")


def study_events(params: SanctionsParameters) -> pd.DataFrame:
    """Return the milestones and the event day in one table (the event day labelled ``E``)."""
    event_row = pd.DataFrame(
        {"date": [params.event_date], "event": ["event day of this report"], "category": ["market"],
         "approximate": [False], "secondary_source": [False], "kind": ["event day"],
         "day0": [params.event_date], "shift": ["same day"]},
        index=pd.Index([EVENT_DAY_LABEL], name="milestone"))
    return pd.concat([params.controls, event_row])


def display_event_list(events: pd.DataFrame) -> pd.DataFrame:
    """Return the event list as readers see it, approximate dates flagged."""
    return pd.DataFrame({
        "Date (events.csv)": events["date"].dt.strftime("%Y-%m-%d"),
        "Date approximate": np.where(events["approximate"], "yes (approximate)", "no"),
        "Day 0 (NYSE)": events["day0"].dt.strftime("%a %Y-%m-%d"),
        "Shift": events["shift"],
        "Kind": events["kind"],
        "Event": events["event"],
        "Secondary source": np.where(events["secondary_source"], "yes", "no"),
    }, index=events.index)


# ---------------------------------------------------------------- price levels


def last_on_or_before(series: pd.Series, date: pd.Timestamp, strictly: bool = False) -> pd.Timestamp | None:
    """Return the date of the series' last row on (or, ``strictly``, before) ``date``; None if none."""
    own = series.dropna()
    earlier = own.index[own.index < date] if strictly else own.index[own.index <= date]
    return earlier[-1] if len(earlier) else None


def rebase(prices: pd.DataFrame, base: pd.Timestamp, strictly: bool = False) -> pd.DataFrame:
    """Return each price series divided by its own last price on (``strictly``: before) ``base``.

    Rows before the base are dropped; a series with no price by then is all NaN. Nothing is filled.
    """
    levels = {}
    for symbol in prices.columns:
        series = prices[symbol]
        day = last_on_or_before(series, base, strictly)
        levels[symbol] = series.loc[day:] / series.loc[day] if day is not None else series * np.nan
    frame = pd.DataFrame(levels).reindex(columns=prices.columns)
    start = frame.apply(lambda column: column.first_valid_index()).dropna()
    return frame.loc[start.min():] if not start.empty else frame


def timeline_start(params: SanctionsParameters) -> pd.Timestamp:
    """Return the timeline's base date: a month before the first milestone or the event day."""
    first = min(params.controls["day0"].min(), params.event_date)
    return first - pd.Timedelta(days=TIMELINE_LEAD_DAYS)


def timeline_levels(params: SanctionsParameters) -> pd.DataFrame:
    """Return the timeline's price series rebased to 1 at the timeline start (adjusted closes)."""
    prices = price_panel(list(dict.fromkeys((*TIMELINE_US, *TIMELINE_CHINA))))
    return rebase(prices, timeline_start(params))


def returns_over(prices: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp | None = None,
                 strictly: bool = True) -> pd.DataFrame:
    """Return each series' return from its last close before ``start`` to its last close by ``end``.

    Columns: base_date, end_date, return. ``end`` None: each series' own last row.
    """
    rows = []
    for symbol in prices.columns:
        series = prices[symbol].dropna()
        base = last_on_or_before(series, start, strictly=strictly)
        last = series.index[-1] if end is None else last_on_or_before(series, end)
        if base is None or last is None or last <= base:
            rows.append((symbol, base, last, np.nan))
            continue
        rows.append((symbol, base, last, float(series.loc[last] / series.loc[base] - 1)))
    table = pd.DataFrame(rows, columns=["symbol", "base_date", "end_date", "return"]).set_index("symbol")
    return table


def timeline_returns(params: SanctionsParameters) -> pd.DataFrame:
    """Return each timeline series' return from the close before the first milestone to its last close."""
    prices = price_panel(list(dict.fromkeys((*TIMELINE_US, *TIMELINE_CHINA))))
    table = returns_over(prices, params.controls["day0"].min())
    names = load_universe().loc[table.index, "name"]
    return table.assign(name=names)[["name", "base_date", "end_date", "return"]]


def display_timeline_returns(table: pd.DataFrame) -> pd.DataFrame:
    """Return the timeline returns for readers, in percent."""
    return pd.DataFrame({
        "Name": table["name"], "Base close": table["base_date"].dt.strftime("%Y-%m-%d"),
        "Last close": table["end_date"].dt.strftime("%Y-%m-%d"), "Return (%)": (table["return"] * 100).round(1),
    }, index=table.index)


def display_ratios(ratios: pd.DataFrame) -> pd.DataFrame:
    """Return the compute ratios for readers, rounded to three significant figures."""
    shown = ratios.rename(columns={"ratio": "Ratio", "value": "Value", "source": "Computed by"}).copy()
    shown["Value"] = [float(f"{value:.3g}") for value in shown["Value"]]
    return shown.set_index("Ratio")


# ---------------------------------------------------------------- event study


def group_map(params: SanctionsParameters) -> dict[str, str]:
    """Return symbol -> group (US chip firms or China tech) for the event study."""
    return {symbol: CHIPS_GROUP for symbol in params.chip_symbols} | {
        symbol: CHINA_GROUP for symbol in params.china_symbols}


def load_study_returns(params: SanctionsParameters) -> pd.DataFrame:
    """Return daily returns of the studied firms and their benchmarks (from the universe)."""
    firms = [*params.chip_symbols, *params.china_symbols]
    benchmarks = [b for b in load_universe().loc[firms, "benchmark"] if b]
    return daily_returns(list(dict.fromkeys([*firms, *benchmarks])))


def run_sanctions_study(returns: pd.DataFrame, params: SanctionsParameters) -> EventStudyResult:
    """Run the market-model event study of every firm around every milestone and the event day.

    Day 0 is each milestone's mapped NYSE session (for Hong Kong names: their first session
    on or after it). Estimation window [-250, -11] with ``overlap="mask"``: estimation days
    inside another event's window are dropped, so one shock does not inflate the normal-return
    variance of the next event's test; firms left with fewer than 200 days are excluded.
    """
    events = study_events(params)
    return run_event_study(
        returns, list(events["day0"]), symbols=[*params.chip_symbols, *params.china_symbols],
        model="market", estimation_window=ESTIMATION_WINDOW, event_windows=params.windows,
        min_estimation_obs=MIN_ESTIMATION_OBS, groups=group_map(params), pooled_group=None,
        day0="next", overlap=OVERLAP_RULE)


def _label_events(frame: pd.DataFrame, events: pd.DataFrame) -> pd.Series:
    labels = pd.Series(events.index, index=events["day0"])
    return frame["event_date"].map(labels)


def firm_cars(result: EventStudyResult, events: pd.DataFrame, symbol: str, window: tuple[int, int]) -> pd.DataFrame:
    """Return one firm's CAR, its standard error and t-test p-value per event, in event-list order."""
    label = window_label(window)
    rows = result.car[(result.car["symbol"] == symbol) & (result.car["window"] == label)].copy()
    rows["milestone"] = _label_events(rows, events)
    table = rows.set_index("milestone")[["car", "car_se", "p", "df"]]
    return table.reindex(events.index)


def group_caars(result: EventStudyResult, events: pd.DataFrame, group: str, window: tuple[int, int]) -> pd.DataFrame:
    """Return a group's CAAR, firm count and test p-values per event, in event-list order."""
    label = window_label(window)
    rows = result.caar[(result.caar["group"] == group) & (result.caar["window"] == label)].copy()
    rows["milestone"] = _label_events(rows, events)
    table = rows.set_index("milestone")[["n_firms", "caar", "caar_se", "p_t_cs", "p_kp", "p_corrado", "p_sign"]]
    return table.reindex(events.index)


def comparison_table(result: EventStudyResult, events: pd.DataFrame, window: tuple[int, int]) -> pd.DataFrame:
    """Return, per event, Nvidia's CAR and both groups' CAAR over ``window``, with tests and 95 % half-widths.

    Half-widths: t quantile x standard error (Nvidia: the forecast-error standard error with the
    model's degrees of freedom; groups: the cross-sectional standard error with N - 1).
    """
    nvda = firm_cars(result, events, "NVDA", window)
    chips = group_caars(result, events, CHIPS_GROUP, window)
    china = group_caars(result, events, CHINA_GROUP, window)
    quantile = 0.5 + CONFIDENCE / 2

    def group_half(table: pd.DataFrame) -> pd.Series:
        degrees = (table["n_firms"] - 1).where(table["n_firms"] > 1)
        return pd.Series(special.stdtrit(degrees, quantile), index=table.index) * table["caar_se"]  # t quantile

    return pd.DataFrame({
        "date": events["date"], "day0": events["day0"], "approximate": events["approximate"],
        "kind": events["kind"],
        "nvda_car": nvda["car"], "nvda_p": nvda["p"],
        "nvda_half": pd.Series(special.stdtrit(nvda["df"], quantile), index=nvda.index) * nvda["car_se"],
        "chips_n": chips["n_firms"], "chips_caar": chips["caar"], "chips_p_kp": chips["p_kp"],
        "chips_p_corrado": chips["p_corrado"], "chips_half": group_half(chips),
        "china_n": china["n_firms"], "china_caar": china["caar"], "china_p_kp": china["p_kp"],
        "china_p_corrado": china["p_corrado"], "china_half": group_half(china),
    }, index=events.index)


def display_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """Return the comparison table for readers: percent and p-values rounded, approximate dates marked."""
    date = table["date"].dt.strftime("%Y-%m-%d") + np.where(table["approximate"], " (approx.)", "")
    shown = pd.DataFrame({"Date": date, "Day 0": table["day0"].dt.strftime("%Y-%m-%d")}, index=table.index)
    shown["NVDA CAR (%)"] = (table["nvda_car"] * 100).round(2)
    shown["NVDA p"] = table["nvda_p"].round(3)
    for prefix, name in (("chips", "US chips"), ("china", "China tech")):
        shown[f"{name} N"] = table[f"{prefix}_n"].astype("Int64")
        shown[f"{name} CAAR (%)"] = (table[f"{prefix}_caar"] * 100).round(2)
        shown[f"{name} p KP"] = table[f"{prefix}_p_kp"].round(3)
        shown[f"{name} p rank"] = table[f"{prefix}_p_corrado"].round(3)
    return shown


def nvidia_windows_table(result: EventStudyResult, events: pd.DataFrame,
                         windows: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """Return Nvidia's CAR (%) per event (rows) and window (columns): how robust the ranking is."""
    columns = {window_label(w): firm_cars(result, events, "NVDA", w)["car"] * 100 for w in windows}
    table = pd.DataFrame(columns).round(2)
    table.columns.name = "NVDA CAR (%) over window"
    return table


def windows_overlap_other(events: pd.DataFrame, window: tuple[int, int], market: str = MARKET) -> pd.Series:
    """Return, per event, the labels of other events whose window shares a session with its own."""
    positions = sessions(market).get_indexer(events["day0"])
    span = window[1] - window[0]
    overlaps = {}
    for label, position in zip(events.index, positions, strict=True):
        others = [other for other, p in zip(events.index, positions, strict=True)
                  if other != label and abs(int(p) - int(position)) <= span]
        overlaps[label] = ", ".join(others)
    return pd.Series(overlaps, name="overlaps")


@dataclass(frozen=True)
class CombinedCar:
    """Sum of CARs over several events with a z-test (independent, non-overlapping windows)."""

    total: float
    z: float
    p: float
    n_events: int


def combined_car(cars: pd.Series, standard_errors: pd.Series) -> CombinedCar:
    """Return the sum of CARs and its z-test: z = sum CAR / sqrt(sum Var CAR), two-sided p."""
    present = cars.notna() & standard_errors.notna()
    if not present.any():
        raise DataValidationError("no event with a CAR to combine")
    total = float(cars[present].sum())
    z = total / math.sqrt(float((standard_errors[present] ** 2).sum()))
    return CombinedCar(total, z, float(2 * special.ndtr(-abs(z))), int(present.sum()))  # normal tails


def nvidia_market_values(events: pd.DataFrame, window: tuple[int, int]) -> pd.DataFrame:
    """Return Nvidia's market value at the close before each event window (adjusted close x shares).

    Shares: the claims ledger's convention (:func:`deepseek_monday.claims.measures.nvidia_shares`,
    the latest annual weighted diluted count of a fiscal year ended before day 0), so values
    are approximate to about 1 %.
    """
    prices = price_panel(["NVDA"])["NVDA"].dropna()
    rows = []
    for label, day0 in events["day0"].items():
        position = prices.index.get_loc(day0) + window[0] - 1
        base = prices.index[position]
        shares, basis = nvidia_shares(day0)  # the ledger's convention: a fiscal year ended before the event
        rows.append((label, base, shares * prices.iloc[position], basis))
    return pd.DataFrame(rows, columns=["milestone", "base_date", "market_value", "shares_basis"]).set_index("milestone")


def nvidia_value_table(result: EventStudyResult, events: pd.DataFrame, window: tuple[int, int]) -> pd.DataFrame:
    """Return per event Nvidia's CAR and the abnormal change in market value it implies (CAR x value)."""
    cars = firm_cars(result, events, "NVDA", window)
    values = nvidia_market_values(events, window)
    table = pd.DataFrame({"kind": events["kind"], "base_date": values["base_date"],
                          "market_value": values["market_value"], "car": cars["car"], "car_se": cars["car_se"],
                          "p": cars["p"]}, index=events.index)
    table["abnormal_value"] = table["car"] * table["market_value"]
    return table


def display_value_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return the Nvidia value table in USD bn and percent."""
    return pd.DataFrame({
        "Kind": table["kind"], "Value at close of": table["base_date"].dt.strftime("%Y-%m-%d"),
        "Market value (USD bn)": (table["market_value"] / 1e9).round(0),
        "CAR (%)": (table["car"] * 100).round(2), "p": table["p"].round(3),
        "Abnormal change (USD bn)": (table["abnormal_value"] / 1e9).round(1),
    }, index=table.index)


def sanctions_vs_event(values: pd.DataFrame) -> dict[str, CombinedCar | float]:
    """Return the milestones' combined CAR (all, announcements only) and abnormal value against the event day."""
    controls = values.drop(index=EVENT_DAY_LABEL)
    announcements = controls[controls["kind"] == "announcement"]
    result: dict[str, CombinedCar | float] = {
        "all": combined_car(controls["car"], controls["car_se"]),
        "value_all": float(controls["abnormal_value"].sum()),
        "event_car": float(values.at[EVENT_DAY_LABEL, "car"]),
        "event_p": float(values.at[EVENT_DAY_LABEL, "p"]),
        "event_value": float(values.at[EVENT_DAY_LABEL, "abnormal_value"]),
    }
    if not announcements.empty:
        result["announcements"] = combined_car(announcements["car"], announcements["car_se"])
        result["value_announcements"] = float(announcements["abnormal_value"].sum())
    return result


def hurt_more_by_window(result: EventStudyResult, events: pd.DataFrame,
                        windows: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """Return, per window, Nvidia's event-day CAR against the worst milestone and all milestones combined.

    ``overlapping_pairs`` counts milestone pairs whose windows share a session (their sum
    then counts those days twice).
    """
    rows = []
    for window in windows:
        values = nvidia_value_table(result, events, window)
        combined = sanctions_vs_event(values)
        controls = values.drop(index=EVENT_DAY_LABEL)
        overlaps = windows_overlap_other(events.drop(index=EVENT_DAY_LABEL), window)
        rows.append({
            "window": window_label(window), "event_car": combined["event_car"], "event_p": combined["event_p"],
            "worst_car": float(controls["car"].min()), "worst_milestone": str(controls["car"].idxmin()),
            "sum_car": combined["all"].total, "sum_p": combined["all"].p,
            "announcements_car": combined["announcements"].total if "announcements" in combined else np.nan,
            "announcements_p": combined["announcements"].p if "announcements" in combined else np.nan,
            "event_value": combined["event_value"], "sum_value": combined["value_all"],
            "overlapping_pairs": int(sum(len(o.split(", ")) for o in overlaps if o) // 2),
        })
    return pd.DataFrame(rows).set_index("window")


def display_hurt_more(table: pd.DataFrame) -> pd.DataFrame:
    """Return the window comparison for readers: percent, USD bn, p-values rounded."""
    return pd.DataFrame({
        "Event day CAR (%)": (table["event_car"] * 100).round(2), "Event day p": table["event_p"].round(3),
        "Worst milestone": table["worst_milestone"], "Worst milestone CAR (%)": (table["worst_car"] * 100).round(2),
        "All milestones, sum CAR (%)": (table["sum_car"] * 100).round(2), "Sum p": table["sum_p"].round(3),
        "Announcements, sum CAR (%)": (table["announcements_car"] * 100).round(2),
        "Announcements p": table["announcements_p"].round(3),
        "Event day (USD bn)": (table["event_value"] / 1e9).round(1),
        "All milestones (USD bn)": (table["sum_value"] / 1e9).round(1),
        "Overlapping pairs": table["overlapping_pairs"],
    }, index=table.index)


def larger_loss(event_loss: float, controls_loss: float) -> str:
    """Return which of two abnormal changes is the larger loss: "event day", "milestones" or "neither"."""
    if np.isnan(event_loss) or np.isnan(controls_loss):
        raise DataValidationError("cannot compare a missing abnormal return")
    if min(event_loss, controls_loss) >= 0:
        return "neither"
    return "event day" if event_loss < controls_loss else "milestones"


_LOSER_TEXT = {"event day": "the event day cost Nvidia more than all the milestones together",
               "milestones": "all the milestones together cost Nvidia more than the event day",
               "neither": "neither the event day nor the milestones show an abnormal loss"}


def cost_comparison_sentence(event_car: float, sum_car: float, event_value: float, sum_value: float) -> str:
    """Return one sentence saying which cost Nvidia more, in percent and in dollars."""
    percent, dollars = larger_loss(event_car, sum_car), larger_loss(event_value, sum_value)
    if percent == dollars:
        return f"Over this window {_LOSER_TEXT[percent]}, in percent and in dollars."
    return (f"Over this window, in percent {_LOSER_TEXT[percent]}; in dollars, weighted by the market "
            f"value of the day, {_LOSER_TEXT[dollars]}.")


def window_robustness(hurt_more: pd.DataFrame) -> dict[str, int]:
    """Count the windows in which the event day's loss beats every milestone, and the milestones' sum."""
    return {
        "n_windows_event_worst": int((hurt_more["event_car"] < hurt_more["worst_car"]).sum()),
        "n_windows_event_more_percent": int((hurt_more["event_car"] < hurt_more["sum_car"]).sum()),
        "n_windows_event_more_dollars": int((hurt_more["event_value"] < hurt_more["sum_value"]).sum()),
    }


def estimation_table(result: EventStudyResult, events: pd.DataFrame) -> pd.DataFrame:
    """Return per event the fewest and most estimation days of any firm and the most days masked."""
    fits = result.fits.copy()
    fits["milestone"] = _label_events(fits, events)
    table = fits.groupby("milestone").agg(firms=("symbol", "size"), fewest_days=("n_obs", "min"),
                                          most_days=("n_obs", "max"), most_masked=("masked_for_other_events", "max"))
    return table.reindex(events.index)


def study_numbers(result: EventStudyResult, params: SanctionsParameters, hurt_more: pd.DataFrame) -> dict[str, object]:
    """Return the event study's settings and counts the prose quotes (glue names)."""
    return {
        "estimation_window": f"[{ESTIMATION_WINDOW[0]}, {ESTIMATION_WINDOW[1]}]",
        "min_estimation_obs": MIN_ESTIMATION_OBS,
        "n_excluded": len(result.exclusions),
        "n_excluded_masking": excluded_for_estimation(result),
        "n_reported_windows": len(params.windows),
        **window_robustness(hurt_more),
    }


def excluded_for_estimation(result: EventStudyResult) -> int:
    """Return how many (firm, event) pairs fell below the minimum of valid estimation days."""
    return int(result.exclusions["reason"].str.contains("valid estimation observations", regex=False).sum())


def display_estimation(table: pd.DataFrame) -> pd.DataFrame:
    """Return the estimation table with readable column names."""
    return table.rename(columns={"firms": "Firms studied", "fewest_days": "Fewest estimation days",
                                 "most_days": "Most estimation days", "most_masked": "Most days masked"})


def display_exclusions(result: EventStudyResult, events: pd.DataFrame) -> pd.DataFrame:
    """Return the (firm, event) pairs left out of the study and why."""
    excluded = result.exclusions.copy()
    if excluded.empty:
        return pd.DataFrame({"Firm": [], "Reason": []}, index=pd.Index([], name="milestone"))
    excluded["milestone"] = _label_events(excluded, events)
    return excluded.rename(columns={"symbol": "Firm", "reason": "Reason"}).set_index("milestone")[["Firm", "Reason"]]


# ---------------------------------------------------------------- China after DeepSeek


def basket_value(prices: pd.DataFrame, members: Sequence[str], start: pd.Timestamp) -> pd.Series:
    """Return the return path of an equal-weighted buy-and-hold basket bought at the close before ``start``.

    Members must trade on the same calendar: the basket is defined only on dates where every
    member has a price (never filled), and is the mean of the members' price relatives, minus 1.
    """
    levels = rebase(prices[list(members)], start, strictly=True)
    complete = levels.dropna(how="any")
    return (complete.mean(axis=1) - 1.0).rename("basket")


def nyse_members(symbols: Sequence[str]) -> list[str]:
    """Return the symbols that trade on NYSE sessions (US listings)."""
    calendars = load_universe().loc[list(symbols), "calendar"]
    return [s for s in symbols if calendars[s] == MARKET]


def comparison_paths(params: SanctionsParameters) -> pd.DataFrame:
    """Return the cumulative returns since the R1 release: both baskets, the semiconductor ETF, NVDA, KWEB.

    Baskets hold the US-listed members of each group (Hong Kong names trade on other days
    and end earlier; they are in :func:`performance_since`). Wide: NYSE dates x series.
    """
    chips, china = list(params.chip_symbols), nyse_members(params.china_symbols)
    singles = list(dict.fromkeys([SEMICONDUCTOR_ETF, "NVDA", *(["KWEB"] if "KWEB" in china else [])]))
    prices = price_panel(list(dict.fromkeys([*chips, *china, *singles])))
    paths = {f"{CHINA_GROUP} basket": basket_value(prices, china, params.comparison_start),
             f"{CHIPS_GROUP} basket": basket_value(prices, chips, params.comparison_start)}
    singles_paths = rebase(prices[singles], params.comparison_start, strictly=True) - 1.0
    frame = pd.DataFrame(paths).join(singles_paths, how="outer")
    return frame.dropna(how="all")


def relative_path(paths: pd.DataFrame) -> pd.Series:
    """Return China tech's basket relative to the US chip basket: (1 + R_china) / (1 + R_chips) - 1."""
    china, chips = paths[f"{CHINA_GROUP} basket"], paths[f"{CHIPS_GROUP} basket"]
    return ((1 + china) / (1 + chips) - 1).dropna().rename("relative")


def performance_since(params: SanctionsParameters) -> pd.DataFrame:
    """Return every studied series' return since the close before the R1 release.

    Two horizons: to the last date every series has (``common_end``, set by the Hong Kong
    names) and to each series' own last close. Baskets are US-listed members only.
    """
    symbols = list(dict.fromkeys([*params.china_symbols, SEMICONDUCTOR_ETF, *params.chip_symbols]))
    prices = price_panel(symbols)
    last_dates = prices.apply(lambda column: column.last_valid_index())
    common_end = last_dates.min()
    to_common = returns_over(prices, params.comparison_start, common_end)
    to_own = returns_over(prices, params.comparison_start)
    universe = load_universe()
    table = pd.DataFrame({
        "name": universe.loc[symbols, "name"],
        "group": [CHINA_GROUP if s in params.china_symbols else CHIPS_GROUP if s in params.chip_symbols
                  else "semiconductor ETF" for s in symbols],
        "base_date": to_own["base_date"], "return_to_common_end": to_common["return"],
        "last_date": to_own["end_date"], "return_to_last_date": to_own["return"],
    }, index=pd.Index(symbols, name="symbol"))
    table.attrs["common_end"] = common_end
    for group, members in ((CHINA_GROUP, nyse_members(params.china_symbols)), (CHIPS_GROUP, list(params.chip_symbols))):
        path = basket_value(prices, members, params.comparison_start)
        table.loc[f"{group} basket"] = {
            "name": "equal-weighted, bought at the base close: " + ", ".join(members), "group": group,
            "base_date": last_on_or_before(prices[members[0]], params.comparison_start, strictly=True),
            "return_to_common_end": path.loc[:common_end].iloc[-1], "last_date": path.index[-1],
            "return_to_last_date": path.iloc[-1]}
    return table


def display_performance(table: pd.DataFrame) -> pd.DataFrame:
    """Return the performance table for readers, in percent."""
    common_end = table.attrs["common_end"]
    return pd.DataFrame({
        "Name": table["name"], "Group": table["group"], "Base close": table["base_date"].dt.strftime("%Y-%m-%d"),
        f"Return to {common_end:%Y-%m-%d} (%)": (table["return_to_common_end"].astype(float) * 100).round(2),
        "Last close": table["last_date"].dt.strftime("%Y-%m-%d"),
        "Return to last close (%)": (table["return_to_last_date"].astype(float) * 100).round(2),
    }, index=table.index)


# ---------------------------------------------------------------- compute efficiency

V3_FULL = "DeepSeek-V3 (full training)"
V3_STAGES = ("DeepSeek-V3 (pre-training stage)", "DeepSeek-V3 (context extension stage)",
             "DeepSeek-V3 (post-training stage)")
R1_STAGE = "DeepSeek-R1 (RL stage; Nature 2025 supplement)"
LLAMA = "Llama 3.1 405B"
GPT4 = "GPT-4 (estimate)"
FLEET_CLAIM = "DeepSeek (claimed fleet, Scale AI CEO claim)"
FLEET_ESTIMATE = "DeepSeek (estimated Hopper fleet, SemiAnalysis)"
# Training compute of a dense or mixture-of-experts transformer: about 6 FLOPs per active
# parameter per token (Kaplan et al. 2020); a rule of thumb, not a reported figure.
FLOPS_PER_PARAMETER_TOKEN = 6.0
COMPUTE_MEASURES = ("training_cost", "training_ratio", "training_gpu_type")


def compute_row(compute: pd.DataFrame, model: str) -> pd.Series:
    """Return the ``ai_compute.csv`` row of ``model``; raise DataValidationError if absent."""
    rows = compute[compute["model"] == model]
    if rows.empty:
        raise DataValidationError(f"ai_compute.csv has no row {model!r}")
    return rows.iloc[0]


def compute_ratio(compute: pd.DataFrame, numerator: str, denominator: str, field: str) -> float:
    """Return ``field`` of model ``numerator`` over that of ``denominator`` (NaN if either is missing)."""
    top, bottom = compute_row(compute, numerator)[field], compute_row(compute, denominator)[field]
    if pd.isna(top) or pd.isna(bottom):
        return float("nan")
    if bottom == 0:
        raise DataValidationError(f"{field} of {denominator!r} is zero")
    return float(top / bottom)


def approximate_training_flops(active_parameters: float, tokens: float) -> float:
    """Return the rule-of-thumb training compute 6 x active parameters x tokens (FLOPs)."""
    return FLOPS_PER_PARAMETER_TOKEN * active_parameters * tokens


def compute_models_table(compute: pd.DataFrame) -> pd.DataFrame:
    """Return the training runs compared: GPUs, GPU-hours, tokens, active parameters, cost, approximate FLOPs."""
    models = [V3_FULL, *V3_STAGES, R1_STAGE, LLAMA, GPT4]
    rows = compute.set_index("model").loc[models]
    table = rows[["gpu_type", "gpu_count", "gpu_hours", "training_tokens", "params_active", "reported_cost_usd",
                  "estimate"]].copy()
    table["approx_flops"] = approximate_training_flops(table["params_active"], table["training_tokens"])
    return table


def display_compute_models(table: pd.DataFrame) -> pd.DataFrame:
    """Return the training-runs table in readable units; "n/a" where the facts hold no figure."""
    shown = pd.DataFrame({
        "GPU": table["gpu_type"].replace("", "n/a"), "GPUs": table["gpu_count"].astype("Int64"),
        "GPU-hours (m)": (table["gpu_hours"] / 1e6).round(3),
        "Tokens (tn)": (table["training_tokens"] / 1e12).round(1),
        "Active parameters (bn)": (table["params_active"] / 1e9).round(0),
        "Reported cost (USD m)": (table["reported_cost_usd"] / 1e6).round(3),
        "≈ FLOPs (6·N·D, 1e24)": (table["approx_flops"] / 1e24).round(2),
        "Estimate": np.where(table["estimate"], "yes", "no"),
    }, index=table.index.rename("model"))
    return shown.astype(object).where(shown.notna(), "n/a")


def ledger_measurement(claim_id: str) -> float:
    """Return the claims ledger's measured value (or its context value) for one claim, by id."""
    claim = next((c for c in load_claims() if c.id == claim_id), None)
    if claim is None or not claim.measure:
        raise DataValidationError(f"claim {claim_id!r} is not in data/claims.csv or has no measure")
    return float(get_measure(claim.measure)(claim).value)


def compute_ratios(compute: pd.DataFrame) -> pd.DataFrame:
    """Return the chapter's compute ratios, each with what it compares and where it comes from.

    Ratios the claims ledger also computes are taken from the ledger's measure (by claim id),
    so the chapter and the ledger cannot disagree; the others are computed here from the
    same facts file.
    """
    v3, llama, fleet = compute_row(compute, V3_FULL), compute_row(compute, LLAMA), compute_row(compute, FLEET_CLAIM)
    v3_per_token = v3["gpu_hours"] / v3["training_tokens"]
    llama_per_token = llama["gpu_hours"] / llama["training_tokens"]
    v3_flops = approximate_training_flops(v3["params_active"], v3["training_tokens"])
    llama_flops = approximate_training_flops(llama["params_active"], llama["training_tokens"])
    rows = [
        ("llama_over_v3_gpu_hours", "GPU-hours: Llama 3.1 405B over DeepSeek-V3", ledger_measurement("002-12"),
         "claims ledger (002-12, context)"),
        ("v3_over_llama_gpus", "GPUs in the run: DeepSeek-V3 over Llama 3.1 405B", ledger_measurement("003-05"),
         "claims ledger (003-05)"),
        ("gpt4_over_v3_cost", "Cost: GPT-4 estimate over DeepSeek-V3's reported cost",
         1.0 / ledger_measurement("000-10"), "claims ledger (000-10, context), inverted"),
        ("llama_over_v3_hours_per_token", "GPU-hours per training token: Llama 3.1 405B over DeepSeek-V3",
         float(llama_per_token / v3_per_token), "this chapter"),
        ("llama_over_v3_active_params", "Active parameters per token: Llama 3.1 405B over DeepSeek-V3",
         compute_ratio(compute, LLAMA, V3_FULL, "params_active"), "this chapter"),
        ("llama_over_v3_flops", "≈ training FLOPs (6·N·D): Llama 3.1 405B over DeepSeek-V3",
         float(llama_flops / v3_flops), "this chapter (rule of thumb)"),
        ("v3_over_llama_hours_per_flop", "GPU-hours per ≈ FLOP: DeepSeek-V3 over Llama 3.1 405B",
         float((v3["gpu_hours"] / v3_flops) / (llama["gpu_hours"] / llama_flops)), "this chapter (rule of thumb)"),
        ("fleet_over_v3_gpus", f"Claimed fleet ({fleet['gpu_count']:,.0f} {fleet['gpu_type']}) over the GPUs of "
         "the V3 run", compute_ratio(compute, FLEET_CLAIM, V3_FULL, "gpu_count"), "this chapter (claim unverified)"),
    ]
    return pd.DataFrame(rows, columns=["key", "ratio", "value", "source"]).set_index("key")


def check_against_ledger(ratios: pd.DataFrame, compute: pd.DataFrame) -> None:
    """Raise DataValidationError if this module's ratio function disagrees with the ledger's measure."""
    pairs = {"llama_over_v3_gpu_hours": (LLAMA, V3_FULL, "gpu_hours"),
             "v3_over_llama_gpus": (V3_FULL, LLAMA, "gpu_count"),
             "gpt4_over_v3_cost": (GPT4, V3_FULL, "reported_cost_usd")}
    for key, (numerator, denominator, field) in pairs.items():
        own = compute_ratio(compute, numerator, denominator, field)
        if not np.isclose(own, ratios.at[key, "value"], rtol=1e-12):
            raise DataValidationError(f"{key}: chapter {own} and ledger {ratios.at[key, 'value']} disagree")


def cost_breakdown(compute: pd.DataFrame) -> dict[str, float | str]:
    """Return what the reported V3 cost is made of: stage shares, the assumed rental price, R1 added."""
    v3 = compute_row(compute, V3_FULL)
    stages = {name: compute_row(compute, name)["gpu_hours"] for name in V3_STAGES}
    stage_sum = float(sum(stages.values()))
    if not np.isclose(stage_sum, v3["gpu_hours"]):
        raise DataValidationError(f"V3 stage GPU-hours sum to {stage_sum:,.0f}, not {v3['gpu_hours']:,.0f}")
    r1 = compute_row(compute, R1_STAGE)
    basis = re.search(r"cost assumes ([^;]+)", v3["source"])
    excludes = re.search(r"excludes ([^;]+)", v3["source"])
    return {
        "v3_cost_musd": float(v3["reported_cost_usd"] / 1e6),
        "v3_gpu_hours_m": float(v3["gpu_hours"] / 1e6),
        "v3_gpus": float(v3["gpu_count"]),
        "v3_gpu_type": str(v3["gpu_type"]),
        "usd_per_gpu_hour": float(v3["reported_cost_usd"] / v3["gpu_hours"]),
        "pretraining_share": float(stages[V3_STAGES[0]] / v3["gpu_hours"]),
        "r1_cost_musd": float(r1["reported_cost_usd"] / 1e6),
        "v3_plus_r1_musd": float((v3["reported_cost_usd"] + r1["reported_cost_usd"]) / 1e6),
        "llama_at_v3_price_musd": float(compute_row(compute, LLAMA)["gpu_hours"] * v3["reported_cost_usd"]
                                        / v3["gpu_hours"] / 1e6),
        "cost_assumes": basis.group(1).strip() if basis else "not stated in the facts",
        "cost_excludes": excludes.group(1).strip() if excludes else "not stated in the facts",
        "fleet_estimate_gpus": float(compute_row(compute, FLEET_ESTIMATE)["gpu_count"]),
        "v3_active_bn": float(v3["params_active"] / 1e9),
        "v3_total_bn": float(v3["params_total"] / 1e9),
    }


def compute_claims_table(ledger_frame: pd.DataFrame) -> pd.DataFrame:
    """Return the ledger's compute claims of this chapter with the basis or context it reports."""
    chapter = ledger_frame[ledger_frame["chapter"] == "30_sanctions"]
    about_compute = chapter["measure"].isin(COMPUTE_MEASURES) | chapter["measure"].eq("")
    causal = chapter["basis"].str.startswith("A causal claim")
    rows = chapter[about_compute & ~causal]
    shown = rows.set_index("id")[["claim", "claimed", "measured", "verdict", "basis", "context"]].copy()
    shown["verdict"] = shown["verdict"].astype(str)
    return shown


def theme_claims_table(ledger_frame: pd.DataFrame) -> pd.DataFrame:
    """Return this chapter's claims as the ledger judges them: claim, article, claimed, measured, verdict."""
    table = claims_ledger.claims_table(ledger_frame, chapter="30_sanctions")
    articles = ledger_frame.set_index("id")["article"]
    table.insert(1, "article", articles.loc[table.index])
    return table


def verdict_counts(ledger_frame: pd.DataFrame) -> dict[str, int]:
    """Return how many of this chapter's claims got each verdict."""
    verdicts = ledger_frame.loc[ledger_frame["chapter"] == "30_sanctions", "verdict"].astype(str)
    counts = verdicts.value_counts()
    return {"n_claims": len(verdicts), **{
        f"n_{name.replace(' ', '_')}": int(counts.get(name, 0))
        for name in ("confirmed", "roughly right", "contradicted", "not checkable")}}


# ---------------------------------------------------------------- numbers for the prose


def headline_numbers(params: SanctionsParameters, comparison: pd.DataFrame, values: pd.DataFrame,
                     estimation: pd.DataFrame, timeline: pd.DataFrame, performance: pd.DataFrame,
                     relative: pd.Series, ratios: pd.DataFrame, breakdown: dict[str, float | str]) -> dict[str, object]:
    """Return the numbers the chapter's prose quotes, keyed by glue name (plain Python values)."""
    controls = comparison.drop(index=EVENT_DAY_LABEL)
    event = comparison.loc[EVENT_DAY_LABEL]
    combined = sanctions_vs_event(values)
    all_controls = combined["all"]
    worst = controls["nvda_car"].idxmin()
    common_end = performance.attrs["common_end"]
    china_basket = nyse_members(params.china_symbols)
    numbers: dict[str, object] = {
        "event_day": f"{params.event_date:%A %d %B %Y}",
        "window": params.window_text,
        "chip_members": ", ".join(params.chip_symbols),
        "china_members": ", ".join(params.china_symbols),
        "china_basket_members": ", ".join(china_basket),
        "n_controls": len(controls),
        "first_control": f"{controls['date'].min():%d %B %Y}",
        "last_control": f"{controls['date'].max():%d %B %Y}",
        "n_approximate": int(controls["approximate"].sum()),
        "n_shifted": int((params.controls["day0"] != params.controls["date"]).sum()),
        "dropped_note": dropped_note(params),
        "n_effective": int((controls["kind"] != "announcement").sum()),
        "nvda_car_event": float(event["nvda_car"]), "nvda_p_event": float(event["nvda_p"]),
        "chips_caar_event": float(event["chips_caar"]), "chips_p_kp_event": float(event["chips_p_kp"]),
        "china_caar_event": float(event["china_caar"]), "china_p_kp_event": float(event["china_p_kp"]),
        "china_p_corrado_event": float(event["china_p_corrado"]),
        "nvda_n_negative": int((controls["nvda_car"] < 0).sum()),
        "nvda_n_significant": int((controls["nvda_p"] < SIGNIFICANCE).sum()),
        "chips_n_significant": int((controls["chips_p_kp"] < SIGNIFICANCE).sum()),
        "china_n_significant": int((controls["china_p_kp"] < SIGNIFICANCE).sum()),
        "china_n_negative": int((controls["china_caar"] < 0).sum()),
        "chips_caar_controls_mean": float(controls["chips_caar"].mean()),
        "china_caar_controls_mean": float(controls["china_caar"].mean()),
        "worst_control": f"milestone {worst}, {controls.at[worst, 'date']:%d %B %Y}",
        "worst_control_car": float(controls.at[worst, "nvda_car"]),
        "worst_control_p": float(controls.at[worst, "nvda_p"]),
        "nvda_car_controls_sum": all_controls.total, "nvda_p_controls_sum": all_controls.p,
        "nvda_value_event_bn": float(combined["event_value"]) / 1e9,
        "nvda_value_controls_bn": float(combined["value_all"]) / 1e9,
        "nvda_value_worst_bn": float(values.at[worst, "abnormal_value"]) / 1e9,
        "cost_comparison": cost_comparison_sentence(float(combined["event_car"]), all_controls.total,
                                                    float(combined["event_value"]), float(combined["value_all"])),
        "fewest_estimation_days": int(estimation["fewest_days"].min()),
        "most_masked_days": int(estimation["most_masked"].max()),
        "timeline_base": f"{timeline['base_date'].min():%d %B %Y}",
        "common_end": f"{common_end:%d %B %Y}",
        "comparison_start": f"{params.comparison_start:%d %B %Y}",
        "relative_end": float(relative.iloc[-1]),
        "relative_end_date": f"{relative.index[-1]:%d %B %Y}",
        "relative_peak": float(relative.max()),
        "relative_peak_date": f"{relative.idxmax():%d %B %Y}",
        "relative_trough": float(relative.min()),
        "relative_trough_date": f"{relative.idxmin():%d %B %Y}",
    }
    announcements = combined.get("announcements")  # absent when every milestone is an effective date
    numbers["nvda_car_announcements_sum"] = announcements.total if announcements else float("nan")
    numbers["nvda_p_announcements_sum"] = announcements.p if announcements else float("nan")
    numbers["nvda_value_announcements_bn"] = float(combined.get("value_announcements", float("nan"))) / 1e9
    for symbol in ("NVDA", SEMICONDUCTOR_ETF, "KWEB", "FXI"):
        numbers[f"timeline_{symbol.lower()}"] = float(timeline.at[symbol, "return"])
    for key in (f"{CHINA_GROUP} basket", f"{CHIPS_GROUP} basket", SEMICONDUCTOR_ETF):
        name = key.split(" basket")[0].lower().replace(" ", "_")
        numbers[f"since_{name}_common"] = float(performance.at[key, "return_to_common_end"])
        numbers[f"since_{name}_last"] = float(performance.at[key, "return_to_last_date"])
    numbers["since_last_date"] = f"{performance.at[f'{CHIPS_GROUP} basket', 'last_date']:%d %B %Y}"
    for key, value in ratios["value"].items():
        numbers[key] = float(value)
    numbers["v3_gpus_as_fraction"] = f"1/{1 / ratios.at['v3_over_llama_gpus', 'value']:.0f}"
    numbers |= breakdown
    return numbers
