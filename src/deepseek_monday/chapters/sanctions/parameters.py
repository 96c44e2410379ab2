"""The sanctions chapter's settings, its parameters and the event list of export-control milestones.

**Day-0 rule.** Day 0 is the first NYSE session in which the market could trade on the news.
The disclosure date is read from the row text of ``events.csv`` (:func:`disclosure`): a
disclosure "after the close" or in the "evening" of a date counts from the next session; a
row whose text names a later filing ("8-K filed 2023-10-24") counts from that filing's date;
otherwise the row's own date. Day 0 is then the first session on or after that date (a
weekend or holiday moves to the next session). The headline window is day 0 alone; day +1
is reported separately. Hong Kong trades before New York on the same calendar day, so a US
announcement reaches Hong Kong prices on day +1 at the earliest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepseek_monday.data.calendars import sessions
from deepseek_monday.data.facts import load_events
from deepseek_monday.data.params import check_event_date
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.data.universe import check_symbols, load_universe
from deepseek_monday.errors import DataUnavailableError, DataValidationError, ParameterError
from deepseek_monday.eventstudy import window_label
from deepseek_monday.measures.group_study import GroupDefinition
from deepseek_monday.measures.group_study import definition as group_definition

MARKET = "XNYS"
EXPORT_CONTROL = "export_control"
NONEVENT = "export_control_nonevent"  # a dated step that never happened (e.g. a compliance date rescinded before it)
CHIPS_GROUP = "US chip firms"
# The milestone study's China basket: the stocks of both China groups, each firm measured in its own market.
CHINA_GROUP = "China tech stocks"
# The report's China groups (measures.group_study): US-listed ADRs on NYSE sessions, Hong Kong stocks on HKEX's.
CHINA_US_GROUP = "China (US-listed)"
CHINA_HK_GROUP = "China (Hong Kong)"
HONG_KONG = "XHKG"
EVENT_DAY_LABEL = "E"
# US-headquartered chip designers and makers of the universe (TSMC, ASML and Arm are not US firms): the
# members of the report's group "US chip firms" (measures.group_study), one definition for every chapter.
DEFAULT_CHIP_SYMBOLS = group_definition(CHIPS_GROUP).members
# China tech: the member stocks of the report's two China groups, two US-listed platforms (ADRs) and three
# Hong Kong names (to 2025-05-22). Stocks only: the China internet ETF KWEB is shown beside, never averaged in.
DEFAULT_CHINA_SYMBOLS = (*group_definition(CHINA_US_GROUP).members, *group_definition(CHINA_HK_GROUP).members)
CHINA_ETF = "KWEB"  # the reference line beside the China baskets when ``china_symbols`` names no ETF
# Price series of the timeline: the chip champion, two semiconductor ETFs (stand-ins for the
# PHLX index, which the snapshot lacks), and China tech with the broad large-cap ETF FXI.
TIMELINE_US = ("NVDA", "SMH", "SOXX")
TIMELINE_CHINA = ("KWEB", "FXI", "BABA", "BIDU", "0700.HK", "9988.HK", "0981.HK")
SEMICONDUCTOR_ETF = "SMH"
# Event study: the engine's default estimation window, with days of other events' windows masked.
ESTIMATION_WINDOW = (-250, -11)
# Minimum of valid estimation days: half the 240-day window. Masking drops the days of other
# milestones' windows (known news days, which would inflate the normal-return variance); with
# 15 milestones in three and a half years an estimation window holds several of them, so the
# engine's usual 200 would drop firms for having had news, not for lacking data. 120 days still
# estimate a market-model beta well (its standard error grows with 1/sqrt(n): at most 1.41 times
# that of 240 days), and the t-test's degrees of freedom and forecast-error variance use the
# days actually kept.
MIN_ESTIMATION_OBS = 120
OVERLAP_RULE = "mask"
# Windows every table reports beside the chosen one: day 0 (the headline), day +1 alone (the
# rebound after a Monday shock), and three wider windows.
REPORTED_WINDOWS = ((0, 0), (1, 1), (0, 1), (-1, 1), (0, 5))
# The main window may start no earlier than day -10 (the estimation window ends at -11).
WINDOW_LIMITS = (-10, 20)
TIMELINE_LEAD_DAYS = 30
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SIGNIFICANCE = 0.05
CONFIDENCE = 0.95
# A group measured as the milestones needs two firms with an estimation window on a date: the
# Kolari-Pynnonen test and the group's interval (t with N - 1 degrees of freedom) are undefined for one.
MIN_GROUP_FIRMS = 2


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


def shift_note(date: pd.Timestamp, day0: pd.Timestamp, reason: str = "") -> str:
    """Say how the day-0 rule moved a date: ``same day`` or ``Sat → Mon (+2 days)``, with an optional reason."""
    if day0 == date:
        return "same day"
    days = (day0 - date).days
    note = f"{date:%a} → {day0:%a} (+{days} day{'s' if days > 1 else ''})"
    return f"{note}, {reason}" if reason else note


def milestone_kind(text: str) -> str:
    """Classify a milestone from its text: an effective or compliance date, or an announcement.

    Only the first clause outside parentheses counts (up to the first colon, semicolon or
    comma): "BIS foundry due diligence IFR effective (...)" is an effective date, while "BIS
    final rule ... released: ...; effective 2026-01-15" and "Nvidia 8-K discloses a licence
    requirement, ... effective immediately" announce news.
    """
    outside = re.sub(r"\([^)]*\)", "", text)
    first_clause = re.split(r"[:;,]", outside, maxsplit=1)[0].lower()
    if "effective" in first_clause or "compliance date" in first_clause:
        return "effective/compliance date"
    return "announcement"


AFTER_CLOSE = re.compile(r"(?:after the close|\bevening\b)[ ,]*(\d{4}-\d{2}-\d{2})?", re.IGNORECASE)
FILED_ON = re.compile(r"\bfiled (\d{4}-\d{2}-\d{2})", re.IGNORECASE)


@dataclass(frozen=True)
class Disclosure:
    """When the market could first trade on a milestone: a date and whether it came after that day's close."""

    date: pd.Timestamp
    after_close: bool
    basis: str


def disclosure(text: str, date: pd.Timestamp) -> Disclosure:
    """Read from a row's text when the news became public (the row's ``date`` unless the text says otherwise).

    "after the close 2022-08-31" or "evening 2025-12-08" (the date optional: the row's date):
    after the close of that date. "filed 2023-10-24" later than the row's date: on that date
    (the hour is not stated, so its own session counts). Otherwise: on the row's date.
    """
    after = AFTER_CLOSE.search(text)
    if after:
        when = pd.Timestamp(after.group(1)) if after.group(1) else date
        return Disclosure(when, True, f"after the close of {when:%Y-%m-%d} (row text)")
    later = [pd.Timestamp(found) for found in FILED_ON.findall(text) if pd.Timestamp(found) > date]
    if later:
        return Disclosure(min(later), False, f"filed {min(later):%Y-%m-%d} (row text)")
    return Disclosure(date, False, "the row's date")


def disclosure_day0(text: str, date: pd.Timestamp, market: str = MARKET) -> pd.Timestamp:
    """Return day 0 of a milestone: the first session on or after its disclosure, the next one if after the close."""
    found = disclosure(text, date)
    start = found.date + pd.Timedelta(days=1) if found.after_close else found.date
    return first_session_on_or_after(start, market)


def nonevent_rows() -> pd.DataFrame:
    """Return the ``export_control_nonevent`` rows of ``events.csv`` (dated steps that never took place)."""
    events = load_events()
    return events.loc[events["category"] == NONEVENT, ["date", "event"]].reset_index(drop=True)


def nonevent_note() -> str:
    """Say which dated steps of the timeline are non-events and left out of the study."""
    rows = nonevent_rows()
    if rows.empty:
        return "The timeline marks no export-control date as a non-event."
    dates = ", ".join(f"{d.day} {d:%B %Y}" for d in rows["date"])
    verb = "is" if len(rows) == 1 else "are"
    return (f"The timeline also lists {dates}, which {verb} marked as a non-event (a compliance date rescinded "
            "before it arrived); it is left out of the study, because nothing happened that day.")


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
    date, event, category, approximate, secondary_source, kind, day0, shift. The
    ``export_control_nonevent`` rows are never in the default list (see :func:`nonevent_note`).
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
    day0, reasons = [], []
    for date, text in zip(table["date"], table["event"], strict=True):
        found = disclosure(text, date)
        reasons.append("" if found.basis == "the row's date" else
                       ("disclosed after the close" if found.after_close else f"disclosed {found.date:%Y-%m-%d}"))
        session = disclosure_day0(text, date, market)
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
    table["shift"] = [shift_note(d, s, r) for d, s, r in zip(table["date"], table["day0"], reasons, strict=True)]
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


def _check_china_symbols(symbols: object) -> tuple[str, ...]:
    """Validate ``china_symbols``: stocks on NYSE or Hong Kong sessions, at least one US-listed; ETFs shown beside.

    The China baskets average stocks only; an ETF in the list is shown beside them. The comparison
    with US chip firms over weeks runs on NYSE sessions, so at least one stock must be US-listed.
    """
    chosen = _check_symbol_set(symbols, DEFAULT_CHINA_SYMBOLS, "china_symbols")
    universe = load_universe()
    stocks = [s for s in chosen if universe.at[s, "kind"] == "stock"]
    if not stocks:
        raise ParameterError(f"china_symbols: {list(chosen)} holds no stock; the China baskets average stocks only "
                             "(ETFs such as KWEB are shown beside them), so give at least one")
    elsewhere = [s for s in chosen if universe.at[s, "calendar"] not in (MARKET, HONG_KONG)]
    if elsewhere:
        raise ParameterError(f"china_symbols: {elsewhere} trade neither in New York nor in Hong Kong; the China "
                             "groups are US-listed or Hong Kong stocks")
    if not any(universe.at[s, "calendar"] == MARKET for s in stocks):
        raise ParameterError("china_symbols: needs at least one US-listed stock (such as BABA or BIDU): the "
                             "comparison with US chip firms runs on NYSE sessions")
    return chosen


def history_starts(symbols: Sequence[str]) -> dict[str, pd.Timestamp | None]:
    """Return per symbol the first date with a full estimation window of its own returns before it.

    The event study needs ``-ESTIMATION_WINDOW[0]`` sessions of returns before day 0; a symbol
    with fewer returns in the whole snapshot maps to None.
    """
    returns = daily_returns(list(symbols))
    needed = -ESTIMATION_WINDOW[0]
    starts: dict[str, pd.Timestamp | None] = {}
    for symbol in symbols:
        own = returns[symbol].dropna().index
        starts[symbol] = own[needed] if len(own) > needed else None
    return starts


def history_constraint(date: pd.Timestamp, chips: Sequence[str], china: Sequence[str],
                       starts: dict[str, pd.Timestamp | None]) -> tuple[str, pd.Timestamp | None] | None:
    """Return (why, first date that works) if ``date`` is too early for Nvidia or a group, else None.

    Nvidia needs its own estimation window; each group needs :data:`MIN_GROUP_FIRMS` firms with one
    (all of them if the group has fewer). The first date is None where the data never suffice.
    """
    needed = -ESTIMATION_WINDOW[0]
    problems: list[tuple[str, pd.Timestamp | None]] = []

    def data_start(symbol: str) -> str:
        first = daily_returns([symbol])[symbol].first_valid_index()
        return f"{symbol} from {first:%Y-%m-%d}" if first is not None else f"{symbol} without data"

    nvda = starts.get("NVDA")
    if nvda is None or date < nvda:
        problems.append((f"Nvidia needs {needed} sessions of returns before the event day for its market model "
                         f"(returns of {data_start('NVDA')})", nvda))
    for name, members in ((CHIPS_GROUP, chips), (CHINA_GROUP, china)):
        minimum = min(MIN_GROUP_FIRMS, len(members))
        ready = [s for s in members if starts.get(s) is not None and starts[s] <= date]
        if len(ready) >= minimum:
            continue
        dates = sorted(d for d in (starts.get(s) for s in members) if d is not None)
        first = dates[minimum - 1] if len(dates) >= minimum else None
        have = "none has" if not ready else f"only {', '.join(ready)} {'has' if len(ready) == 1 else 'have'}"
        late = "; ".join(data_start(s) for s in members if s not in ready)
        problems.append((f"its {name} group needs {minimum} stocks with {needed} sessions of returns before the "
                         f"event day for its tests, and {have} them (returns of {late})", first))
    if not problems:
        return None
    firsts = [first for _, first in problems]
    return "; ".join(why for why, _ in problems), (None if None in firsts else max(firsts))


def check_histories(event_date: pd.Timestamp, day0s: pd.Series, chips: Sequence[str], china: Sequence[str]) -> None:
    """Raise if the event day (DataUnavailableError) or a milestone (ParameterError) is too early for the study.

    The abnormal returns need price histories only (:func:`history_constraint`); no share count
    limits the chapter, since a milestone without one simply has no dollar figure.
    """
    starts = history_starts(list(dict.fromkeys(["NVDA", *chips, *china])))
    found = history_constraint(event_date, chips, china, starts)
    if found:
        why, first = found
        when = f"it can run from {first:%Y-%m-%d}" if first is not None else "the data never allow it"
        raise DataUnavailableError(f"event_date: {event_date:%Y-%m-%d} is too early for this chapter: {why}; {when}")
    for day0 in day0s:
        found = history_constraint(day0, chips, china, starts)
        if found:
            why, first = found
            when = f"give milestones from {first:%Y-%m-%d}" if first is not None else "the data never allow it"
            raise ParameterError(f"control_events: the milestone with day 0 {day0:%Y-%m-%d} is too early: {why}; "
                                 f"{when}")


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
                 window_end: object = 0, chip_symbols: object = None, china_symbols: object = None,
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
        china = _check_china_symbols(china_symbols)
        shared = sorted(set(chips) & set(china))
        if shared:
            raise ParameterError(f"chip_symbols and china_symbols share {shared}; a firm belongs to one group")
        kinds = load_universe().loc[list(china), "kind"]
        check_histories(date, controls["day0"], chips, [s for s in china if kinds[s] == "stock"])
        first_day = parse_date(comparison_start, "comparison_start")
        position = sessions(MARKET).searchsorted(first_day, side="left")
        if position == 0:
            raise ParameterError(f"comparison_start: {first_day:%Y-%m-%d} is before the {MARKET} calendar starts")
        base = sessions(MARKET)[position - 1]
        check_event_date(base, MARKET, after=5, parameter="comparison_start (its previous session)")
        dropped = tuple(listed.loc[listed["day0"] == date, "date"])
        return cls(date, controls, (start, end), chips, china, first_day, base, dropped)

    @property
    def china_stocks(self) -> tuple[str, ...]:
        """The China stocks of this run (averaged in the China baskets), in the order given."""
        kinds = load_universe().loc[list(self.china_symbols), "kind"]
        return tuple(s for s in self.china_symbols if kinds[s] == "stock")

    @property
    def china_beside(self) -> tuple[str, ...]:
        """The ETFs shown beside the China baskets, never averaged in: those of ``china_symbols``, else KWEB."""
        kinds = load_universe().loc[list(self.china_symbols), "kind"]
        return tuple(s for s in self.china_symbols if kinds[s] != "stock") or (CHINA_ETF,)

    @property
    def windows(self) -> tuple[tuple[int, int], ...]:
        """The chosen window first, then the reported ones (no duplicates)."""
        return tuple(dict.fromkeys((self.window, *REPORTED_WINDOWS)))

    @property
    def window_text(self) -> str:
        return window_label(self.window)


def china_groups(params: SanctionsParameters) -> tuple[GroupDefinition, ...]:
    """The report's China groups (:mod:`deepseek_monday.measures.group_study`) behind this run's China stocks.

    US-listed stocks form "China (US-listed)", Hong Kong stocks "China (Hong Kong)" (against the
    Hang Seng), each the report's group if this run's stocks are its members, else the same name
    with "(this run)". ETFs are shown beside the US-listed group, never averaged in. A group
    without stocks in this run is left out.
    """
    universe = load_universe()
    groups = []
    for name, calendar in ((CHINA_US_GROUP, MARKET), (CHINA_HK_GROUP, HONG_KONG)):
        report = group_definition(name)
        stocks = tuple(s for s in params.china_stocks if universe.at[s, "calendar"] == calendar)
        if not stocks:
            continue
        if set(stocks) == set(report.members):
            groups.append(report)
        else:
            beside = params.china_beside if calendar == MARKET else ()
            groups.append(GroupDefinition(f"{name} (this run)", stocks, index=report.index, beside=beside,
                                          description=f"sanctions chapter, this run's {name} stocks"))
    return tuple(groups)


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
    }, index=events.index).rename_axis("Milestone")
