"""Validation of the parameters shared by the chapters, with messages for people."""

from __future__ import annotations

import pandas as pd

from deepseek_monday.data.calendars import check_trading_day, sessions
from deepseek_monday.data.prices import load_snapshot
from deepseek_monday.errors import DataUnavailableError, ParameterError

# The series whose dates define "inside the data" for each market calendar.
MARKET_REFERENCE = {"XNYS": "SPY", "XETR": "GDAXI", "XHKG": "HSI", "XTKS": "N225"}


def check_positive_int(value: object, parameter: str, minimum: int = 1) -> int:
    """Return ``value`` if it is a whole number of at least ``minimum``, else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{parameter}: {value!r} is not a whole number of trading days")
    if value < minimum:
        raise ParameterError(f"{parameter}: {value} is too short; it must be at least {minimum} trading days")
    return value


def check_event_date(event_date: object, market: str = "XNYS", before: int = 0, after: int = 0,
                     parameter: str = "event_date") -> pd.Timestamp:
    """Return the event date if it is a trading day of ``market`` with the window inside the data.

    ``before``/``after`` are trading days the chapter needs around the event.
    """
    if market not in MARKET_REFERENCE:
        raise ParameterError(f"market: {market!r} is not supported; use one of {sorted(MARKET_REFERENCE)}")
    date = check_trading_day(event_date, market, parameter)
    reference = MARKET_REFERENCE[market]
    row = load_snapshot().manifest.loc[reference]
    first, last = pd.Timestamp(row["first_date"]), pd.Timestamp(row["last_date"])
    if not first <= date <= last:
        raise ParameterError(
            f"{parameter}: {date:%Y-%m-%d} is outside the data ({reference}, the reference series "
            f"for {market}, runs {first:%Y-%m-%d}..{last:%Y-%m-%d})"
        )
    market_sessions = sessions(market)
    inside = market_sessions[(market_sessions >= first) & (market_sessions <= last)]
    position = inside.get_loc(date)
    if position - before < 0:
        raise DataUnavailableError(
            f"{parameter}: {date:%Y-%m-%d} leaves only {position} trading days of data before it; "
            f"this chapter needs {before}, so it can run from {inside[min(before, len(inside) - 1)]:%Y-%m-%d}"
        )
    if position + after >= len(inside):
        raise DataUnavailableError(
            f"{parameter}: {date:%Y-%m-%d} leaves only {len(inside) - position - 1} trading days of "
            f"data after it (data end {last:%Y-%m-%d}); this chapter needs {after}, so it can run "
            f"up to {inside[max(len(inside) - 1 - after, 0)]:%Y-%m-%d}"
        )
    return date


def window_sessions(event_date: pd.Timestamp, before: int, after: int,
                    market: str = "XNYS") -> pd.Series:
    """Return the market's sessions from ``before`` days before to ``after`` days after the event.

    The result maps each session date to its relative trading day (event day = 0).
    """
    market_sessions = sessions(market)
    position = market_sessions.get_loc(event_date)
    dates = market_sessions[position - before: position + after + 1]
    return pd.Series(range(-before, after + 1), index=dates, name="rel_day")
