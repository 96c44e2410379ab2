"""The bubble chapter's parameters: :class:`BubbleParameters` checks each against the calendar, the universe
and the snapshot."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from deepseek_monday.chapters.bubble.constants import (
    DOTCOM_INDEX,
    DOTCOM_STOCK,
    ESTIMATION_SESSIONS,
    MIN_SESSIONS_AFTER,
    SEMICONDUCTOR_ETFS,
)
from deepseek_monday.data.calendars import check_trading_day, sessions
from deepseek_monday.data.params import check_event_date, check_positive_int
from deepseek_monday.data.prices import load_snapshot
from deepseek_monday.data.universe import check_symbols, load_universe
from deepseek_monday.errors import DataUnavailableError, NotCheckable, ParameterError
from deepseek_monday.measures.levels import COUNT_MAX_GAP_DAYS, outstanding_counts


def _check_whole(value: object, parameter: str, minimum: int, maximum: int, unit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{parameter}: {value!r} is not a whole number of {unit}")
    if not minimum <= value <= maximum:
        raise ParameterError(f"{parameter}: {value} {unit} is outside the allowed range {minimum}..{maximum}")
    return value


def _series_span(symbol: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    row = load_snapshot().manifest.loc[symbol]
    return pd.Timestamp(row["first_date"]), pd.Timestamp(row["last_date"])


def _check_listing(symbol: object, parameter: str, kinds: tuple[str, ...]) -> str:
    """Return ``symbol`` if it is a US-listed instrument of one of ``kinds``; else raise."""
    if not isinstance(symbol, str):
        raise ParameterError(f"{parameter}: {symbol!r} is not a ticker")
    (symbol,) = check_symbols([symbol], parameter)
    row = load_universe().loc[symbol]
    if row["kind"] not in kinds or row["calendar"] != "XNYS":
        raise ParameterError(f"{parameter}: {symbol} is a {row['kind']} on the {row['calendar']} calendar; this "
                             f"chapter needs a US-listed {' or '.join(kinds)} (NYSE/Nasdaq sessions)")
    return symbol


def _check_coverage(symbol: str, parameter: str, start: pd.Timestamp, end: pd.Timestamp,
                    event: tuple[pd.Timestamp, int, int] | None = None) -> None:
    """Raise if ``symbol``'s data do not cover ``start``..``end``.

    ``event`` (event date, sessions needed before, after) marks a window drawn around the event
    date: its gap is a DataUnavailableError that names the dates the chapter can run from/up to.
    """
    first, last = _series_span(symbol)
    if first > start or last < end:
        message = (f"{parameter}: {symbol}'s data run {first:%Y-%m-%d}..{last:%Y-%m-%d}; this chapter "
                   f"needs {start:%Y-%m-%d}..{end:%Y-%m-%d}")
        if event is None:
            raise ParameterError(message)
        market, (_, before, after) = sessions("XNYS"), event
        if first > start:
            message += f", so it can run from {market[market.searchsorted(first) + before]:%Y-%m-%d}"
        else:
            message += f", so it can run up to {market[market.searchsorted(last, side='right') - 1 - after]:%Y-%m-%d}"
        raise DataUnavailableError(message)


def _check_share_count(focus: str, date: pd.Timestamp, market: pd.DatetimeIndex) -> None:
    """Raise DataUnavailableError unless the facts date a share count of ``focus`` near ``date``.

    The chapter's levels (market value, its loss, price to sales) are printed closes times a cover
    count dated within :data:`COUNT_MAX_GAP_DAYS` days of the event; the message names the dates it can serve.
    """
    try:
        dated = outstanding_counts(focus)["as_of"]
    except NotCheckable as error:
        raise DataUnavailableError(f"focus: the chapter measures {focus}'s market value, but {error}") from None
    gap = pd.Timedelta(days=COUNT_MAX_GAP_DAYS)
    if ((dated - date).abs() <= gap).any():
        return
    first = market[market.searchsorted(dated.min() - gap)]
    last = market[market.searchsorted(dated.max() + gap, side="right") - 1]
    raise DataUnavailableError(
        f"focus: the chapter measures {focus}'s market value at printed closes, which needs a share count dated "
        f"within {COUNT_MAX_GAP_DAYS} days of the event; the facts date {focus}'s counts "
        f"{', '.join(f'{d:%Y-%m-%d}' for d in dated)}, so the chapter can run from {first:%Y-%m-%d} "
        f"to {last:%Y-%m-%d}")


@dataclass(frozen=True)
class BubbleParameters:
    """Validated parameters of the bubble chapter."""

    event_date: pd.Timestamp
    focus: str
    benchmark: str
    semiconductor_etf: str
    dotcom_peak: pd.Timestamp
    peak_lookback_days: int
    peak_search_days: int
    horizon_years: int
    volatility_window: int
    context_days: int

    @classmethod
    def validate(cls, event_date: object, focus: object = "NVDA", benchmark: object = "SPY",
                 semiconductor_etf: object = "SMH", dotcom_peak: object = "2000-03-10",
                 peak_lookback_days: object = 250, peak_search_days: object = 31, horizon_years: object = 3,
                 volatility_window: object = 21, context_days: object = 125) -> BubbleParameters:
        """Check every parameter and return them typed; raise ParameterError otherwise."""
        lookback = check_positive_int(peak_lookback_days, "peak_lookback_days", minimum=20)
        search = _check_whole(peak_search_days, "peak_search_days", 0, 366, "calendar days")
        horizon = _check_whole(horizon_years, "horizon_years", 1, 5, "years")
        window = check_positive_int(volatility_window, "volatility_window", minimum=5)
        context = check_positive_int(context_days, "context_days", minimum=1)
        if context < window:
            raise ParameterError(f"volatility_window: {window} trading days is longer than context_days ({context}); "
                                 "the volatility window must fit in the context shown before the event "
                                 "(shorten volatility_window or lengthen context_days)")
        before = max(ESTIMATION_SESSIONS, lookback, context + window)
        date = check_event_date(event_date, "XNYS", before=before, after=MIN_SESSIONS_AFTER)
        market = sessions("XNYS")
        position = market.get_loc(date)
        start, end = market[position - before], market[position + MIN_SESSIONS_AFTER]
        # Parameters first, then what the data allow (a DataUnavailableError leaves the chapter out of an
        # edition, so it must not hide a malformed parameter); the focus's share count, the narrowest
        # constraint, first, so that the range its message names is one the chapter can really serve.
        focus = _check_listing(focus, "focus", ("stock",))
        benchmark = _check_listing(benchmark, "benchmark", ("etf", "index"))
        if benchmark == focus:
            raise ParameterError(f"benchmark: {benchmark} is the focus itself; choose a market benchmark")
        if semiconductor_etf not in SEMICONDUCTOR_ETFS:
            raise ParameterError(f"semiconductor_etf: {semiconductor_etf!r} is not one of {SEMICONDUCTOR_ETFS} "
                                 "(the snapshot has no series of the PHLX Semiconductor index itself)")
        peak = check_trading_day(dotcom_peak, "XNYS", "dotcom_peak")
        _check_share_count(focus, date, market)
        peak_window = (peak - pd.Timedelta(days=search), peak + pd.Timedelta(days=search)
                       + pd.DateOffset(years=horizon))
        for symbol in (DOTCOM_STOCK, DOTCOM_INDEX):
            _check_coverage(symbol, "dotcom_peak", *peak_window)
        if peak_window[1] >= start:
            clear = market[market.searchsorted(peak_window[1], side="right") + before]
            raise DataUnavailableError(f"dotcom_peak: {peak:%Y-%m-%d} plus {horizon} years overlaps the window before "
                                       f"the event (from {start:%Y-%m-%d}); the two eras must not overlap, so with "
                                       f"this dot-com peak the chapter can run from {clear:%Y-%m-%d}")
        for symbol, parameter in ((focus, "focus"), (benchmark, "benchmark")):
            _check_coverage(symbol, parameter, start, end, (date, before, MIN_SESSIONS_AFTER))
        _check_coverage(str(semiconductor_etf), "semiconductor_etf", start, date, (date, before, 0))
        return cls(date, focus, benchmark, str(semiconductor_etf), peak, lookback, search, horizon, window, context)
