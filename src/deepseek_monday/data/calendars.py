"""Exchange calendars (from the exchange_calendars library) and trading-day checks."""

from __future__ import annotations

import os
import re
from functools import cache
from importlib.metadata import version

import exchange_calendars as xcals
import pandas as pd

from deepseek_monday.data.paths import cache_dir
from deepseek_monday.errors import ParameterError

DEFAULT_MARKET = "XNYS"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Earliest starts tried in turn: each calendar records holidays back to a different year.
_STARTS = ("1927-01-01", "1960-01-01", "1997-01-01")


def get_calendar(name: str) -> xcals.ExchangeCalendar:
    """Return calendar ``name`` covering as much history as the library records."""
    if name not in xcals.get_calendar_names(include_aliases=True):
        raise ParameterError(f"unknown exchange calendar {name!r} (an exchange_calendars code)")
    for start in _STARTS:
        try:
            return xcals.get_calendar(name, start=start)
        except ValueError:
            continue
    return xcals.get_calendar(name)


@cache
def sessions(name: str) -> pd.DatetimeIndex:
    """Return all sessions of calendar ``name`` as tz-naive dates (cached on disk)."""
    key = f"sessions-{name.replace('/', '_')}-xcals{version('exchange_calendars')}.parquet"
    path = cache_dir() / key
    if path.is_file():
        try:
            return pd.DatetimeIndex(pd.read_parquet(path)["session"], name="session")
        except Exception:  # corrupt cache: rebuild below
            path.unlink(missing_ok=True)
    result = pd.DatetimeIndex(get_calendar(name).sessions, name="session").tz_localize(None)
    temporary = path.with_suffix(f".tmp-{os.getpid()}")
    pd.DataFrame({"session": result}).to_parquet(temporary, index=False)
    os.replace(temporary, path)
    return result


def nearest_sessions(date: pd.Timestamp, name: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Return the last session before and the first session after ``date``."""
    all_sessions = sessions(name)
    position = all_sessions.searchsorted(date)
    before = all_sessions[position - 1] if position > 0 else None
    after_position = position + 1 if position < len(all_sessions) and all_sessions[position] == date else position
    after = all_sessions[after_position] if after_position < len(all_sessions) else None
    return before, after


def check_trading_day(date: str | pd.Timestamp, market: str = DEFAULT_MARKET,
                      parameter: str = "event_date") -> pd.Timestamp:
    """Return ``date`` as a Timestamp if it is a session of ``market``, else raise.

    The message names the weekday and the nearest sessions before and after.
    """
    not_a_date = ParameterError(f"{parameter}: {date!r} is not a date (use YYYY-MM-DD)")
    if isinstance(date, str) and not _ISO_DATE.match(date):
        raise not_a_date
    try:
        timestamp = pd.Timestamp(date)
    except (ValueError, TypeError) as error:
        raise not_a_date from error
    if pd.isna(timestamp):  # None, NaN, NaT and "" become NaT
        raise not_a_date
    if timestamp.tzinfo is not None or timestamp != timestamp.normalize():
        raise ParameterError(f"{parameter}: {date!r} must be a plain calendar date (YYYY-MM-DD)")
    all_sessions = sessions(market)
    if timestamp in all_sessions:
        return timestamp
    span = f"{all_sessions[0]:%Y-%m-%d}..{all_sessions[-1]:%Y-%m-%d}"
    if not all_sessions[0] <= timestamp <= all_sessions[-1]:
        raise ParameterError(
            f"{parameter}: {timestamp:%Y-%m-%d} is outside the {market} exchange calendar, which covers {span}"
        )
    before, after = nearest_sessions(timestamp, market)
    reason = "a weekend day" if timestamp.dayofweek >= 5 else "a holiday or closure"
    neighbours = ", ".join(
        f"{label} {day:%a %Y-%m-%d}" for label, day in (("before:", before), ("after:", after)) if day is not None
    )
    raise ParameterError(
        f"{parameter}: {timestamp:%a %Y-%m-%d} is not a trading day of {market} ({reason}; "
        f"calendar covers {span}); nearest trading days {neighbours}"
    )
