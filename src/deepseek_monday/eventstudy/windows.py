"""Event time on each instrument's own sessions, and the (pairs x relative days) return panel.

An instrument's *sessions* are, by default, the rows of the wide return frame where its
return is not NaN (``sessions="returns"``). Relative day 0 is the event date's row, which
must be a session of the instrument (``day0="exact"``), or the first session on or after
the event date (``day0="next"``). Relative days are counted along the instrument's own
sessions, so day -1 of a Hong Kong stock is the previous Hong Kong session whatever the
US calendar did. Regressors (benchmark, sector index) are paired with the firm on the same
date; a date where one of them is NaN is a missing observation, never a zero.

With an explicit session mask (see :func:`calendar_session_mask`), a session whose return
is NaN (for example the day after a gap in the price file) counts as a session with a
missing observation rather than being skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from deepseek_monday.errors import ParameterError

Window = tuple[int, int]
EXCLUSION_COLUMNS = ["symbol", "event_date", "reason"]
DAY0_RULES = ("exact", "next")
OVERLAP_RULES = ("mask", "exclude", "ignore")


def window_label(window: Window) -> str:
    """Return a window as text, e.g. ``(-1, 1)`` -> ``"[-1,+1]"`` and ``(0, 0)`` -> ``"[0,0]"``."""

    def day(value: int) -> str:
        return "0" if value == 0 else f"{value:+d}"

    return f"[{day(window[0])},{day(window[1])}]"


def check_window(window: object, parameter: str) -> Window:
    """Return ``window`` as a ``(start, end)`` pair of ints, or raise naming ``parameter``."""
    try:
        start, end = window  # type: ignore[misc]
    except (TypeError, ValueError) as error:
        raise ParameterError(f"{parameter}: {window!r} is not a (start, end) pair") from error
    for value in (start, end):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ParameterError(f"{parameter}: {window!r} must hold whole trading days")
    if start > end:
        raise ParameterError(f"{parameter}: window start {start} is after its end {end}")
    return int(start), int(end)


def windows_overlap(first: Window, second: Window) -> bool:
    """Return True if two closed windows share at least one day."""
    return first[0] <= second[1] and second[0] <= first[1]


def check_windows(estimation_window: object,
                  event_windows: Sequence[object]) -> tuple[Window, tuple[Window, ...]]:
    """Validate the estimation window and the event windows (no overlap, no duplicates)."""
    estimation = check_window(estimation_window, "estimation_window")
    if isinstance(event_windows, str) or len(event_windows) == 0:
        raise ParameterError(f"event_windows: {event_windows!r} must be a non-empty list of pairs")
    events = tuple(dict.fromkeys(check_window(w, "event_windows") for w in event_windows))
    for window in events:
        if windows_overlap(estimation, window):
            raise ParameterError(
                f"event_windows: {window_label(window)} overlaps estimation_window "
                f"{window_label(estimation)}; the estimation window must not contain event days"
            )
    return estimation, events


@dataclass(frozen=True)
class EventPanel:
    """Returns of every (symbol, event) pair on a common grid of relative days.

    ``pairs`` has one row per pair (columns ``symbol, event_date, day0_date`` plus the
    regressor columns and anything passed in). Arrays are indexed [pair, day] (and
    [pair, day, regressor] for ``x``). Pair p's grid days are the sessions
    ``first_session[p]``, ``first_session[p] + 1``, ... of the flat ``session_keys`` (each
    series' sessions, series after series, as ``series * len(dates) + row`` of the wide
    frame); ``rows`` (built on first use) and :meth:`rows_at` give the rows per pair and day.
    """

    pairs: pd.DataFrame
    dates: pd.DatetimeIndex
    rel_days: np.ndarray
    session_keys: np.ndarray
    first_session: np.ndarray
    y: np.ndarray
    x: np.ndarray
    regressors: tuple[str, ...]
    estimation_window: Window
    event_windows: tuple[Window, ...]
    estimation_days: np.ndarray
    event_days: np.ndarray
    estimation_mask: np.ndarray
    masked_for_other_events: np.ndarray
    overlaps_other_event: np.ndarray

    @property
    def n_pairs(self) -> int:
        return len(self.pairs)

    @cached_property
    def rows(self) -> np.ndarray:
        """The row of the wide frame of every pair and grid day, (pairs, days)."""
        return self.rows_at(slice(None))

    def rows_at(self, days: np.ndarray | slice) -> np.ndarray:
        """The rows of the wide frame on the grid days ``days`` (a mask, indices or a slice)."""
        offsets = np.arange(self.rel_days.size)[days]
        return self.session_keys[self.first_session[:, None] + offsets] % len(self.dates)

    def day_mask(self, window: Window) -> np.ndarray:
        """Return the boolean mask of the grid's days inside ``window``."""
        return (self.rel_days >= window[0]) & (self.rel_days <= window[1])

    def day_slice(self, window: Window) -> slice:
        """Return the grid's days inside ``window`` as a slice (a view, not a copy)."""
        first = int(self.rel_days[0]) if self.rel_days.size else 0
        return slice(max(window[0] - first, 0), max(window[1] - first + 1, 0))

    def subset(self, keep: np.ndarray) -> EventPanel:
        """Return the panel restricted to the pairs where ``keep`` is True."""
        if keep.all():
            return self
        return replace(
            self,
            pairs=self.pairs.loc[keep].reset_index(drop=True),
            first_session=self.first_session[keep], y=self.y[keep], x=self.x[keep],
            estimation_mask=self.estimation_mask[keep],
            masked_for_other_events=self.masked_for_other_events[keep],
            overlaps_other_event=self.overlaps_other_event[keep],
        )


def calendar_session_mask(returns: pd.DataFrame,
                          calendars: Mapping[str, str] | pd.Series | None = None) -> pd.DataFrame:
    """Return a session mask from exchange calendars (True where the instrument had a session).

    ``calendars`` maps symbol -> exchange_calendars code (default: the universe's
    ``calendar`` column). Only rows between a symbol's first and last non-NaN return are
    sessions; symbols without a calendar keep the rows where their return is not NaN.
    """
    from deepseek_monday.data.calendars import sessions

    if calendars is None:
        from deepseek_monday.data.universe import load_universe

        calendars = load_universe()["calendar"]
    mask = returns.notna()
    for symbol in returns.columns:  # one calendar lookup per column, outside the hot path
        code = calendars.get(symbol)
        observed = returns.index[mask[symbol].to_numpy()]
        if not code or observed.empty:
            continue
        inside = (returns.index >= observed[0]) & (returns.index <= observed[-1])
        mask[symbol] = returns.index.isin(sessions(code)) & inside
    return mask


class _Exclusions:
    """Collects one reason per excluded pair; a pair keeps its first reason."""

    def __init__(self, n_pairs: int) -> None:
        self.reasons = np.full(n_pairs, None, dtype=object)
        self.alive = np.ones(n_pairs, dtype=bool)

    def add(self, failed: np.ndarray, reasons: np.ndarray | str) -> None:
        """Exclude the still-alive pairs where ``failed`` is True, with their reasons."""
        failed = np.asarray(failed, dtype=bool) & self.alive
        if failed.any():
            self.reasons[failed] = reasons if isinstance(reasons, str) else reasons[failed]
            self.alive = self.alive & ~failed

    def table(self, pairs: pd.DataFrame) -> pd.DataFrame:
        excluded = np.flatnonzero(~self.alive)
        return pd.DataFrame({"symbol": pairs["symbol"].array[excluded],
                             "event_date": pairs["event_date"].array[excluded],
                             "reason": self.reasons[excluded].astype(str)})


def _lazy_reasons(failed: np.ndarray, message) -> np.ndarray | str:
    """Build reasons only where ``failed`` (``message(i)`` is called for those ``i``)."""
    if not failed.any():
        return ""  # nothing to exclude
    reasons = np.full(len(failed), "", dtype=object)
    for i in np.flatnonzero(failed):  # excluded pairs only: formatting their messages
        reasons[i] = message(i)
    return reasons


# Rows kept around the events before counting sessions: this many rows per session
# needed (a calendar with gaps may need more; then all rows are used).
_ROWS_PER_SESSION = 2


class _RowsClipped(Exception):
    """The trimmed rows were too few for some window: count sessions on all rows instead."""


def _check_sessions(returns: pd.DataFrame, sessions: pd.DataFrame | str) -> None:
    if isinstance(sessions, str):
        if sessions != "returns":
            raise ParameterError(
                f"sessions: {sessions!r} is not 'returns' or a boolean DataFrame "
                "(see calendar_session_mask)"
            )
        return
    if not isinstance(sessions, pd.DataFrame):
        raise ParameterError(f"sessions: expected 'returns' or a DataFrame, got {type(sessions)}")
    if not sessions.index.equals(returns.index) or not sessions.columns.equals(returns.columns):
        raise ParameterError("sessions: the mask must have exactly the index and columns of returns")


def build_panel(
    returns: pd.DataFrame,
    pairs: pd.DataFrame,
    regressors: Sequence[str],
    estimation_window: Window,
    event_windows: tuple[Window, ...],
    min_estimation_obs: int,
    day0: Literal["exact", "next"] = "exact",
    overlap: Literal["mask", "exclude", "ignore"] = "mask",
    sessions: pd.DataFrame | str = "returns",
) -> tuple[EventPanel, pd.DataFrame]:
    """Place every (symbol, event_date) pair on the grid of relative days.

    ``pairs`` needs columns ``symbol`` and ``event_date`` plus one column per name in
    ``regressors`` (the symbol of each regressor series, e.g. ``benchmark``). Returns the
    panel of the pairs that can be studied and the exclusions (symbol, event_date, reason).
    ``overlap`` says what to do with estimation days that fall in an event window of
    another event of the same symbol: drop those days ("mask"), drop the pair
    ("exclude") or keep them ("ignore"). Only the rows around the events are read; if
    that is too few for some pair, all rows are (same result, more work).
    """
    if day0 not in DAY0_RULES:
        raise ParameterError(f"day0: {day0!r} is not one of {DAY0_RULES}")
    if overlap not in OVERLAP_RULES:
        raise ParameterError(f"overlap: {overlap!r} is not one of {OVERLAP_RULES}")
    if returns.empty:
        raise ParameterError("returns: the frame is empty")
    _check_sessions(returns, sessions)
    if not pairs.index.equals(pd.RangeIndex(len(pairs))):
        pairs = pairs.reset_index(drop=True)
    lo = min(estimation_window[0], *(w[0] for w in event_windows))
    hi = max(estimation_window[1], *(w[1] for w in event_windows))
    event_rows = returns.index.searchsorted(pd.DatetimeIndex(pairs["event_date"]))
    n_rows = len(returns.index)
    start = max(0, int(event_rows.min()) - _ROWS_PER_SESSION * (max(-lo, 0) + 1))
    stop = min(n_rows, int(event_rows.max()) + _ROWS_PER_SESSION * (max(hi, 0) + 1) + 1)
    arguments = (pairs, regressors, estimation_window, event_windows, min_estimation_obs, day0,
                 overlap, sessions)
    try:
        return _place(returns, *arguments, row_span=slice(start, stop),
                      clipped=(start > 0, stop < n_rows))
    except _RowsClipped:
        return _place(returns, *arguments, row_span=slice(0, n_rows), clipped=(False, False))


def _on_firm_sessions(by_symbol: np.ndarray, session: np.ndarray, session_keys: np.ndarray,
                      starts: np.ndarray, firm: np.ndarray, series: np.ndarray,
                      offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Series ``series[i]`` on the sessions of series ``firm[i]``, flat, and where pair i's
    block starts in it (``offset[i]`` sessions into its firm's).

    With one series per firm the layout is the sessions' own; else each (firm, series)
    combination gets its own copy of the firm's sessions.
    """
    n_series, n_rows = by_symbol.shape
    combos, which = np.unique(firm * n_series + series, return_inverse=True)
    combo_firm, combo_series = np.divmod(combos, n_series)
    if np.all(np.diff(combo_firm) > 0):
        if combo_series.size and np.all(combo_series == combo_series[0]):  # the same for all
            return (np.broadcast_to(by_symbol[combo_series[0]], session.shape)[session],
                    starts[firm] + offset)
        series_of = np.arange(n_series)  # series without pairs: their own values, never read
        series_of[combo_firm] = combo_series
        return by_symbol[series_of][session], starts[firm] + offset
    n_sessions = np.diff(starts)[combo_firm]
    begins = np.cumsum(n_sessions) - n_sessions
    keys = session_keys[np.arange(n_sessions.sum()) + np.repeat(starts[combo_firm] - begins, n_sessions)]
    keys += np.repeat((combo_series - combo_firm) * n_rows, n_sessions)  # firm's keys -> series'
    return by_symbol.ravel()[keys], begins[which] + offset


def _place(
    returns: pd.DataFrame,
    pairs: pd.DataFrame,
    regressors: Sequence[str],
    estimation_window: Window,
    event_windows: tuple[Window, ...],
    min_estimation_obs: int,
    day0: str,
    overlap: str,
    sessions: pd.DataFrame | str,
    row_span: slice,
    clipped: tuple[bool, bool],
) -> tuple[EventPanel, pd.DataFrame]:
    """:func:`build_panel` on the rows ``row_span`` of the frame (``clipped``: rows were cut
    off before / after them, so a window that does not fit raises :class:`_RowsClipped`)."""
    symbols = pairs["symbol"].astype(str).to_numpy(dtype=object)
    references = [pairs[name].fillna("").astype(str).to_numpy(dtype=object) for name in regressors]
    wanted = pd.Index(pd.unique(np.concatenate([symbols, *references])))
    used = wanted[wanted.isin(returns.columns)]
    dates = returns.index[row_span]
    n_pairs, n_rows, n_cols = len(pairs), len(dates), len(used)
    # Symbol-major layout (symbols x dates).
    by_symbol = np.ascontiguousarray(returns.iloc[row_span][used].to_numpy(dtype=float).T)
    # Sessions per series, plus an empty last one (n_cols) for missing series.
    session = np.zeros((n_cols + 1, n_rows), dtype=bool)
    if isinstance(sessions, str):
        np.isfinite(by_symbol, out=session[:n_cols])
    else:
        session[:n_cols] = sessions.iloc[row_span][used].to_numpy(dtype=bool).T
    exclusions = _Exclusions(n_pairs)
    event_dates = pd.DatetimeIndex(pairs["event_date"])

    # Column positions; a missing series points at the empty series n_cols.
    col, *ref_cols = np.split(used.get_indexer(np.concatenate([symbols, *references])),
                              n_pairs * np.arange(1, len(references) + 1))
    exclusions.add(col < 0, "symbol not in the returns frame")
    reg_cols = []
    for name, refs, ref_col in zip(regressors, references, ref_cols, strict=True):
        has_ref = refs != ""
        ref_col = np.where(has_ref, ref_col, -1)
        exclusions.add(~has_ref, f"no {name} for this symbol (pass {name}=...)")
        exclusions.add(ref_col < 0, _lazy_reasons(
            ref_col < 0, lambda i, r=refs, n=name: f"{n} {r[i]!r} not in the returns frame"))
        exclusions.add(refs == symbols, f"symbol is its own {name}")
        reg_cols.append(np.where(ref_col < 0, n_cols, ref_col))

    # Each series' sessions, series after series: flat position starts[s] + j is the j-th
    # session of series s (its key series * n_rows + row in session_keys, its return in
    # session_values).
    session_keys = np.flatnonzero(session)  # series * n_rows + row, ascending
    n_sessions = np.count_nonzero(session, axis=1)
    starts = np.concatenate([[0], np.cumsum(n_sessions)])
    session_values = by_symbol[session[:n_cols]]

    # Day 0: the event date's row (exact) or the first session on or after it (next).
    k = np.where(col < 0, n_cols, col)
    r0 = dates.searchsorted(event_dates, side="left")
    in_frame = r0 < n_rows
    r0c = np.minimum(r0, n_rows - 1)
    on_row = in_frame & (dates[r0c] == event_dates)
    day_is_session = in_frame & session[k, r0c]
    before = np.searchsorted(session_keys, k * n_rows + r0) - starts[k]  # sessions before row r0
    if day0 == "exact":
        failed = ~(on_row & day_is_session)
        exclusions.add(failed, _lazy_reasons(
            failed, lambda i: f"event date {event_dates[i]:%Y-%m-%d} is not a session of "
                              f"{symbols[i]} (no return that day; day0='next' takes the next session)"))
    else:
        failed = before >= n_sessions[k]
        if clipped[1] and (failed & exclusions.alive).any():
            raise _RowsClipped
        exclusions.add(failed, _lazy_reasons(
            failed, lambda i: f"no session of {symbols[i]} on or after {event_dates[i]:%Y-%m-%d}"))
    o0 = before  # 0-based ordinal of day 0

    # Windows must fit the symbol's sessions.
    est_lo, est_hi = estimation_window
    ev_lo = min(w[0] for w in event_windows)
    ev_hi = max(w[1] for w in event_windows)
    last = n_sessions[k] - 1
    for (lo, hi), what in (((est_lo, est_hi), "estimation window"),
                           ((ev_lo, ev_hi), "event windows")):
        failed = (o0 + lo < 0) | (o0 + hi > last)
        cut = (clipped[0] & (o0 + lo < 0)) | (clipped[1] & (o0 + hi > last))
        if (cut & exclusions.alive).any():
            raise _RowsClipped
        exclusions.add(failed, _lazy_reasons(failed, lambda i, lo=lo, hi=hi, what=what: (
            f"{what} {window_label((lo, hi))} does not fit the data: {symbols[i]} has "
            f"{o0[i]} sessions before and {last[i] - o0[i]} after day 0 "
            f"({event_dates[i]:%Y-%m-%d})")))

    # The same symbol and day 0 twice (e.g. a Saturday and a Sunday with day0='next').
    alive = np.flatnonzero(exclusions.alive)
    _, first_seen = np.unique(k[alive] * (n_rows + 1) + o0[alive], return_index=True)
    failed = np.zeros(n_pairs, dtype=bool)
    failed[alive] = True
    failed[alive[first_seen]] = False
    exclusions.add(failed, "same symbol and day 0 as an earlier event in this call")

    # Each live pair's grid days are a contiguous run of its symbol's flat session
    # positions, first..first + n_days - 1 (a strided window view: no per-pair loop).
    live = np.flatnonzero(exclusions.alive)
    lo_all, hi_all = min(est_lo, ev_lo), max(est_hi, ev_hi)
    rel_days = np.arange(lo_all, hi_all + 1)
    n_days = rel_days.size
    k_live, o0_live = k[live], o0[live]
    first = starts[k_live] + o0_live + lo_all

    def blocks(flat: np.ndarray, first: np.ndarray = first) -> np.ndarray:
        """``flat[first[i]:first[i] + n_days]`` for every live pair i, as (pairs, days).

        Every live pair's windows fit its sessions, so no block runs past its series.
        """
        if first.size == 0:
            return np.empty((0, n_days), dtype=flat.dtype)
        return sliding_window_view(flat, n_days)[first]

    # Regressors on the firm's sessions; then the wide copies are freed before the
    # (pairs x days) blocks are cut.
    regressor_values = [_on_firm_sessions(by_symbol, session[:n_cols], session_keys, starts, k_live,
                                          reg_col[live], o0_live + lo_all) for reg_col in reg_cols]
    del by_symbol
    # Valid observations: finite return and regressors (checked on the flat series).
    valid = blocks(np.isfinite(session_values))
    for values, block_first in regressor_values:
        valid &= blocks(np.isfinite(values), block_first)
    y = blocks(session_values)
    del session_values
    regressor_blocks = [blocks(values, block_first) for values, block_first in regressor_values]
    del regressor_values
    x = (np.stack(regressor_blocks, axis=2) if len(regressor_blocks) > 1
         else regressor_blocks[0][:, :, None] if regressor_blocks
         else np.empty((live.size, n_days, 0)))

    estimation_days = (rel_days >= est_lo) & (rel_days <= est_hi)
    event_days = np.zeros(n_days, dtype=bool)
    for window in event_windows:
        event_days |= (rel_days >= window[0]) & (rel_days <= window[1])
    # Each live pair's event span (first to last event day) in flat session positions.
    # Spans of different symbols never meet; spans all have the same length and event
    # days at both ends, so a pair's event days meet another event's span iff its span
    # meets the nearest span before or after it.
    span = ev_hi - ev_lo + 1
    event_start = first + (ev_lo - lo_all)
    by_start = np.argsort(event_start)
    close = np.diff(event_start[by_start]) < span
    overlaps_other_event = np.zeros(live.size, dtype=bool)
    overlaps_other_event[by_start[1:]] |= close
    overlaps_other_event[by_start[:-1]] |= close
    estimation_mask = valid & estimation_days
    n_masked = np.zeros(n_pairs, dtype=np.int64)
    if overlap != "ignore":
        # How many event spans cover each flat session position (a difference array).
        n_flat = session_keys.size
        coverage = np.cumsum(np.bincount(event_start, minlength=n_flat + 1)
                             - np.bincount(event_start + span, minlength=n_flat + 1))
        hits_other = blocks(coverage[:n_flat] > 0) & estimation_days
        if overlap == "exclude":
            failed = np.zeros(n_pairs, dtype=bool)
            failed[live] = hits_other.any(axis=1)
            exclusions.add(failed, "estimation window contains an event window of another event "
                                   "of this symbol (overlap='exclude')")
        else:
            n_masked[live] = np.count_nonzero(hits_other, axis=1)
            estimation_mask &= ~hits_other
    n_valid = np.zeros(n_pairs, dtype=np.int64)
    n_valid[live] = np.count_nonzero(estimation_mask, axis=1)
    failed = n_valid < min_estimation_obs
    exclusions.add(failed, _lazy_reasons(failed, lambda i: (
        f"only {n_valid[i]} valid estimation observations (< min_estimation_obs="
        f"{min_estimation_obs}); {n_masked[i]} days masked for other events")))

    alive = exclusions.alive
    day0_rows = np.zeros(n_pairs, dtype=np.int64)
    day0_rows[alive] = session_keys[starts[k[alive]] + o0[alive]] % n_rows
    pairs = pairs.assign(day0_date=pd.DatetimeIndex(np.where(
        alive, dates.to_numpy()[day0_rows], np.datetime64("NaT"))))
    panel = EventPanel(
        pairs=pairs if live.size == n_pairs else pairs.iloc[live].reset_index(drop=True),
        dates=pd.DatetimeIndex(dates),
        rel_days=rel_days, session_keys=session_keys, first_session=first, y=y, x=x,
        regressors=tuple(regressors),
        estimation_window=estimation_window, event_windows=event_windows,
        estimation_days=estimation_days, event_days=event_days, estimation_mask=estimation_mask,
        masked_for_other_events=n_masked[live], overlaps_other_event=overlaps_other_event,
    )
    return panel.subset(alive[live]), exclusions.table(pairs)
