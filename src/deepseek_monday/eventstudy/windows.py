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
    [pair, day, regressor] for ``x``); ``rows`` gives the row of the wide frame (-1: none).
    """

    pairs: pd.DataFrame
    dates: pd.DatetimeIndex
    rel_days: np.ndarray
    rows: np.ndarray
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

    def day_mask(self, window: Window) -> np.ndarray:
        """Return the boolean mask of the grid's days inside ``window``."""
        return (self.rel_days >= window[0]) & (self.rel_days <= window[1])

    def subset(self, keep: np.ndarray) -> EventPanel:
        """Return the panel restricted to the pairs where ``keep`` is True."""
        if keep.all():
            return self
        return replace(
            self,
            pairs=self.pairs.loc[keep].reset_index(drop=True),
            rows=self.rows[keep], y=self.y[keep], x=self.x[keep],
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
    from deepseek_monday.calendars import sessions

    if calendars is None:
        from deepseek_monday.universe import load_universe

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

    @property
    def alive(self) -> np.ndarray:
        return np.equal(self.reasons, None)

    def add(self, failed: np.ndarray, reasons: np.ndarray | str) -> None:
        """Exclude the still-alive pairs where ``failed`` is True, with their reasons."""
        failed = np.asarray(failed, dtype=bool) & self.alive
        self.reasons[failed] = reasons if isinstance(reasons, str) else reasons[failed]

    def table(self, pairs: pd.DataFrame) -> pd.DataFrame:
        excluded = ~self.alive
        table = pairs.loc[excluded, ["symbol", "event_date"]].copy()
        table["reason"] = self.reasons[excluded].astype(str)
        return table.reset_index(drop=True)


def _lazy_reasons(failed: np.ndarray, message) -> np.ndarray:
    """Build reasons only where ``failed`` (``message(i)`` is called for those ``i``)."""
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
    frame = returns.iloc[row_span][used]
    n_pairs, n_rows, n_cols = len(pairs), len(frame.index), len(used)
    # Symbol-major layout (symbols x dates), plus an all-NaN row for missing series.
    by_symbol = np.full((n_cols + 1, n_rows), np.nan)
    by_symbol[:n_cols] = frame.to_numpy(dtype=float).T
    # Sessions per series; the all-NaN row has none.
    if isinstance(sessions, str):
        session = np.isfinite(by_symbol)
    else:
        session = np.zeros((n_cols + 1, n_rows), dtype=bool)
        session[:n_cols] = sessions.iloc[row_span][used].to_numpy(dtype=bool).T
    exclusions = _Exclusions(n_pairs)
    event_dates = pd.DatetimeIndex(pairs["event_date"])

    # Column positions; a missing series points at the all-NaN row n_cols.
    columns = pd.Index(used)
    col = columns.get_indexer(symbols)
    exclusions.add(col < 0, "symbol not in the returns frame")
    reg_cols = []
    for name, refs in zip(regressors, references, strict=True):
        has_ref = refs != ""
        ref_col = np.where(has_ref, columns.get_indexer(refs), -1)
        exclusions.add(~has_ref, f"no {name} for this symbol (pass {name}=...)")
        exclusions.add(ref_col < 0, _lazy_reasons(
            ref_col < 0, lambda i, r=refs, n=name: f"{n} {r[i]!r} not in the returns frame"))
        exclusions.add(refs == symbols, f"symbol is its own {name}")
        reg_cols.append(np.where(ref_col < 0, n_cols, ref_col))

    # Session ordinals: ordinal[k, r] = sessions of symbol k up to and including row r.
    # session_rows[k, j] / session_values[k, j]: row and return of symbol k's j-th session.
    ordinal = np.cumsum(session, axis=1)
    n_sessions = ordinal[:, -1]
    sessions_first = np.argsort(~session, axis=1, kind="stable")  # a symbol's sessions first
    is_session = np.arange(n_rows)[None, :] < n_sessions[:, None]
    session_rows = np.where(is_session, sessions_first, -1)
    session_values = np.where(is_session, np.take_along_axis(by_symbol, sessions_first, axis=1),
                              np.nan)

    # Day 0: the event date's row (exact) or the first session on or after it (next).
    k = np.where(col < 0, n_cols, col)
    r0 = frame.index.searchsorted(event_dates, side="left")
    in_frame = r0 < n_rows
    r0c = np.minimum(r0, n_rows - 1)
    on_row = in_frame & (frame.index[r0c] == event_dates)
    day_is_session = in_frame & session[k, r0c]
    before = np.where(in_frame, ordinal[k, r0c] - day_is_session, n_sessions[k])
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
    day0_key = pd.DataFrame({"k": k, "o0": o0, "alive": exclusions.alive})
    duplicate = day0_key.loc[day0_key["alive"]].duplicated(["k", "o0"])
    failed = np.zeros(n_pairs, dtype=bool)
    failed[duplicate.index[duplicate.to_numpy()]] = True
    exclusions.add(failed, "same symbol and day 0 as an earlier event in this call")

    # Gather each live pair's contiguous block of sessions (a strided window view: no
    # per-pair loop and no per-element index arithmetic).
    live = np.flatnonzero(exclusions.alive)
    lo_all, hi_all = min(est_lo, ev_lo), max(est_hi, ev_hi)
    rel_days = np.arange(lo_all, hi_all + 1)
    n_days, width = rel_days.size, session_rows.shape[1]
    k_live, first = k[live], o0[live] + lo_all

    def blocks(per_session: np.ndarray, which: np.ndarray = k_live) -> np.ndarray:
        """Rows ``which`` of a (series x session) array, sessions first..first + n_days - 1.

        Every live pair's windows fit its sessions, so no block runs past the array.
        """
        if live.size == 0:
            return np.empty((0, n_days), dtype=per_session.dtype)
        return sliding_window_view(per_session, n_days, axis=1)[which, first]

    # Other events' event windows on each symbol's own session ordinals (difference array).
    coverage = np.zeros((n_cols + 1, width + 1), dtype=np.int64)
    np.add.at(coverage, (k_live, o0[live] + ev_lo), 1)
    np.add.at(coverage, (k_live, np.minimum(o0[live] + ev_hi + 1, width)), -1)
    coverage = np.cumsum(coverage, axis=1)[:, :width]
    rows = blocks(session_rows)
    y = blocks(session_values)
    covered = blocks(coverage)
    # Regressors on the firm's sessions: once per (firm, regressor) series, then in blocks.
    regressor_blocks = []
    for reg_col in reg_cols:
        combos, which = np.unique(np.column_stack([k_live, reg_col[live]]), axis=0,
                                  return_inverse=True)
        firm_rows = session_rows[combos[:, 0]]
        on_sessions = np.where(firm_rows >= 0,
                               by_symbol[combos[:, 1, None], np.maximum(firm_rows, 0)], np.nan)
        regressor_blocks.append(blocks(on_sessions, which.ravel()))
    x = (np.stack(regressor_blocks, axis=2) if len(regressor_blocks) > 1
         else regressor_blocks[0][:, :, None] if regressor_blocks
         else np.empty((live.size, n_days, 0)))

    estimation_days = (rel_days >= est_lo) & (rel_days <= est_hi)
    event_days = np.zeros(n_days, dtype=bool)
    for window in event_windows:
        event_days |= (rel_days >= window[0]) & (rel_days <= window[1])
    hits_other = (covered > 0) & estimation_days[None, :]
    overlaps_other_event = ((covered > 1) & event_days[None, :]).any(axis=1)
    if overlap == "exclude":
        failed = np.zeros(n_pairs, dtype=bool)
        failed[live] = hits_other.any(axis=1)
        exclusions.add(failed, "estimation window contains an event window of another event "
                               "of this symbol (overlap='exclude')")
    masked = hits_other if overlap == "mask" else np.zeros_like(hits_other)
    finite = np.isfinite(y) & np.isfinite(x).all(axis=2)
    estimation_mask = finite & estimation_days[None, :] & ~masked
    n_valid = np.zeros(n_pairs, dtype=np.int64)
    n_valid[live] = estimation_mask.sum(axis=1)
    n_masked = np.zeros(n_pairs, dtype=np.int64)
    n_masked[live] = masked.sum(axis=1)
    failed = n_valid < min_estimation_obs
    exclusions.add(failed, _lazy_reasons(failed, lambda i: (
        f"only {n_valid[i]} valid estimation observations (< min_estimation_obs="
        f"{min_estimation_obs}); {n_masked[i]} days masked for other events")))

    pairs = pairs.copy()
    day0_rows = session_rows[k, np.clip(o0, 0, width - 1)]
    pairs["day0_date"] = pd.DatetimeIndex(np.where(
        exclusions.alive, frame.index.to_numpy()[np.maximum(day0_rows, 0)], np.datetime64("NaT")))
    panel = EventPanel(
        pairs=pairs.iloc[live].reset_index(drop=True), dates=pd.DatetimeIndex(frame.index),
        rel_days=rel_days, rows=rows, y=y, x=x, regressors=tuple(regressors),
        estimation_window=estimation_window, event_windows=event_windows,
        estimation_days=estimation_days, event_days=event_days, estimation_mask=estimation_mask,
        masked_for_other_events=n_masked[live], overlaps_other_event=overlaps_other_event,
    )
    return panel.subset(exclusions.alive[live]), exclusions.table(pairs)
