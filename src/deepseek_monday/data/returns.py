"""Daily returns on each instrument's own trading days.

Returns come from the column :func:`deepseek_monday.data.prices.price_column` names: the
adjusted close for stocks and ETFs (total returns), the close for indices, FX and
Bitcoin (price returns). A return is taken between consecutive rows of the
instrument's own file, and is left undefined (NaN) when the instrument's exchange
calendar had a session between those rows that the file lacks: a multi-day move is
never passed off as a one-day return, and nothing is forward-filled.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from deepseek_monday.data.calendars import sessions
from deepseek_monday.data.prices import load_snapshot
from deepseek_monday.data.universe import load_universe
from deepseek_monday.errors import ParameterError

RETURN_KINDS = ("simple", "log")


def returns_from_prices(prices: pd.Series, calendar_sessions: pd.DatetimeIndex | None = None,
                        kind: str = "simple") -> pd.Series:
    """Return the daily returns of one price series on its own rows.

    ``prices`` is indexed by ascending dates and may contain NaN (dates where the
    instrument has no row); those are dropped first. When ``calendar_sessions`` is given,
    a return whose previous row is not the previous calendar session is set to NaN
    (only where the calendar covers both dates).
    """
    if kind not in RETURN_KINDS:
        raise ParameterError(f"kind: {kind!r} is not one of {RETURN_KINDS}")
    own = prices.dropna()
    ratio = own / own.shift(1)
    result = np.log(ratio) if kind == "log" else ratio - 1.0
    if calendar_sessions is not None and len(own) > 1:
        dates = own.index
        previous = dates[:-1]
        current = dates[1:]
        between = (calendar_sessions.searchsorted(current, side="left")
                   - calendar_sessions.searchsorted(previous, side="right"))
        covered = (previous >= calendar_sessions[0]) & (current <= calendar_sessions[-1])
        skipped = np.concatenate([[False], (between > 0) & covered])
        result[skipped] = np.nan
    return result


def daily_returns(symbols: list[str] | None = None, kind: str = "simple",
                  data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return daily returns, wide (dates x symbols), NaN where a symbol had no session.

    ``symbols`` defaults to the report's instruments (:func:`report_symbols`): a series the
    snapshot gains that ``data/universe.csv`` does not list changes nothing. Rows are the
    dates where one of ``symbols`` has a price. Every symbol's returns are computed once per
    snapshot, kind and calendar assignment, and copied out.
    """
    snapshot = load_snapshot(data_dir)
    panel = snapshot.price_panel(report_symbols(data_dir) if symbols is None else symbols)
    universe = load_universe()
    calendars = {symbol: universe.at[symbol, "calendar"] if symbol in universe.index else ""
                 for symbol in snapshot.symbols()}
    key = ("daily returns", kind, tuple(calendars.items()))
    every = snapshot.derived(key, lambda: _returns_of_every_symbol(snapshot.price_panel(), kind, calendars))
    return every.loc[panel.index, list(panel.columns)]


def report_symbols(data_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Return the instruments of ``data/universe.csv`` that the snapshot has prices for, in universe order."""
    available = set(load_snapshot(data_dir).symbols())
    return [symbol for symbol in load_universe().index if symbol in available]


def _returns_of_every_symbol(panel: pd.DataFrame, kind: str, calendars: dict[str, str]) -> pd.DataFrame:
    columns = {symbol: returns_from_prices(panel[symbol], sessions(calendars[symbol]) if calendars[symbol] else None,
                                           kind)
               for symbol in panel.columns}
    result = pd.DataFrame(columns, index=panel.index)
    result.columns.name = "symbol"
    return result


def warm_up() -> None:
    """Load the snapshot and compute every symbol's simple returns, so later calls reuse them.

    The kernel template (:mod:`deepseek_monday.build.kernel_template`) calls this once; every
    kernel forked from it starts with the validated snapshot in memory.
    """
    daily_returns()
