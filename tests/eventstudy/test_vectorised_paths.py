"""The engine's vectorised shortcuts against direct computations, on SYNTHETIC data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from deepseek_monday.eventstudy import run_event_study
from deepseek_monday.eventstudy.bootstrap import _count_at_least
from deepseek_monday.eventstudy.engine import abnormal_return_table
from deepseek_monday.eventstudy.windows import build_panel

from .test_engine import SHORT, two_calendar_frame


def test_regressors_on_each_firms_sessions_with_several_series_per_firm():
    # One symbol paired with a different benchmark on each date (one copy of its
    # sessions per benchmark), and a symbol on another calendar.
    frame = two_calendar_frame(160)
    dates = frame.index
    pairs = pd.DataFrame({"symbol": ["HK1", "HK1", "US1"],
                          "event_date": [dates[120], dates[140], dates[120]],
                          "benchmark": ["HKI", "SPX", "SPX"]})
    panel, exclusions = build_panel(frame, pairs, ("benchmark",), (-60, -11), ((0, 0), (-1, 1)), 40)
    assert exclusions.empty and panel.n_pairs == 3
    for p, (symbol, benchmark) in enumerate(zip(pairs["symbol"], pairs["benchmark"], strict=True)):
        rows = panel.rows[p]
        np.testing.assert_array_equal(panel.y[p], frame[symbol].to_numpy()[rows])
        np.testing.assert_array_equal(panel.x[p, :, 0], frame[benchmark].to_numpy()[rows])
        assert frame[symbol].iloc[rows].notna().all()  # the firm's own sessions


def test_overlap_with_another_event_when_event_windows_have_gaps():
    frame = two_calendar_frame(200)
    windows = ((0, 0), (6, 8))  # event days 0, 6, 7, 8: a gap from +1 to +5
    day0 = [150, 152, 170]  # the second event's days fall inside the first one's gap
    result = run_event_study(frame, list(frame.index[day0]), symbols=["US1"], benchmark="SPX",
                             groups="g", event_windows=windows, overlap="ignore", **SHORT)
    # Flat session positions = rows here (US1 has every row): event spans [d, d + 8].
    spans = [set(range(d, d + 9)) for d in day0]
    own_days = [{d, d + 6, d + 7, d + 8} for d in day0]
    expected = [any(own_days[i] & spans[j] for j in range(3) if j != i) for i in range(3)]
    assert result.fits["overlaps_other_event"].tolist() == expected == [True, True, False]


def test_abnormal_return_table_is_built_on_first_access():
    frame = two_calendar_frame()
    result = run_event_study(frame, [frame.index[100]], symbols=["US1"], benchmark="SPX",
                             groups="g", **SHORT)
    table = result.abnormal_returns
    assert table is result.abnormal_returns  # built once
    pd.testing.assert_frame_equal(table, abnormal_return_table(result.panel, result.fit))
    np.testing.assert_array_equal(table["ar"].to_numpy(),
                                  result.fit.ar[:, result.panel.event_days].ravel())


def test_count_at_least_is_a_direct_count():
    rng = np.random.default_rng(3)
    for _ in range(200):
        rows, lengths, n_boot = rng.integers(1, 5), rng.integers(1, 4), int(rng.integers(1, 30))
        errors = rng.integers(-3, 4, (rows, lengths, n_boot)).astype(np.float32)  # with ties
        errors[rng.random(errors.shape) < 0.1] = np.nan
        window_errors = rng.integers(0, lengths, rng.integers(1, 4))
        threshold = rng.integers(-4, 5, (rows, window_errors.size)).astype(np.float32)
        threshold[rng.random(threshold.shape) < 0.1] = np.nan
        direct = np.stack([(errors[:, window, :] >= threshold[:, [w]]).sum(axis=-1)
                           for w, window in enumerate(window_errors)], axis=1)
        # np.sort puts NaN last, as _intervals relies on.
        counted = _count_at_least(np.sort(errors, axis=-1), window_errors, threshold)
        np.testing.assert_array_equal(counted, direct)
