"""run_event_study on SYNTHETIC frames: event time, exclusions, missing data, tables, API."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy import (
    DEFAULT_EVENT_WINDOWS,
    calendar_session_mask,
    run_event_study,
    window_label,
)
from deepseek_monday.eventstudy.simulation import simulate_panel
from deepseek_monday.eventstudy.windows import _place, build_panel

SHORT = dict(estimation_window=(-60, -11), min_estimation_obs=45, n_boot=0)


def two_calendar_frame(n_days: int = 120, seed: int = 0) -> pd.DataFrame:
    """SYNTHETIC: US (weekday sessions) and HK (no session on every 7th row) plus markets."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2024-01-01", periods=n_days)
    market = rng.normal(0, 0.01, n_days)
    hk_market = rng.normal(0, 0.01, n_days)
    frame = pd.DataFrame({
        "SPX": market,
        "US1": 1.2 * market + rng.normal(0, 0.02, n_days),
        "HKI": hk_market,
        "HK1": 0.8 * hk_market + rng.normal(0, 0.02, n_days),
    }, index=dates)
    closed = np.arange(n_days) % 7 == 3
    frame.loc[closed, ["HKI", "HK1"]] = np.nan
    return frame


def test_relative_days_follow_each_instruments_own_sessions():
    frame = two_calendar_frame()
    event = frame.index[100]
    assert not np.isnan(frame.loc[event, "HK1"])
    result = run_event_study(frame, [event], symbols=["US1", "HK1"],
                             benchmark={"US1": "SPX", "HK1": "HKI"}, groups="all", **SHORT)
    ar = result.abnormal_returns
    for symbol, column in (("US1", "US1"), ("HK1", "HK1")):
        own_dates = frame.index[frame[column].notna()]
        position = own_dates.get_loc(event)
        rows = ar[ar["symbol"] == symbol].set_index("rel_day")["date"]
        expected = pd.Series(own_dates[position + rows.index.to_numpy()], index=rows.index)
        pd.testing.assert_series_equal(rows, expected, check_names=False, check_freq=False)
    hk = ar[ar["symbol"] == "HK1"]
    assert hk["date"].isin(frame.index[frame["HK1"].isna()]).sum() == 0


def test_event_date_that_is_not_a_session():
    frame = two_calendar_frame()
    holiday = frame.index[frame["HK1"].isna()][12]
    exact = run_event_study(frame, [holiday], symbols=["HK1"], benchmark="HKI", groups="g",
                            **SHORT)
    assert exact.car.empty
    assert "is not a session of HK1" in exact.exclusions.loc[0, "reason"]
    following = run_event_study(frame, [holiday], symbols=["HK1"], benchmark="HKI", groups="g",
                                day0="next", **SHORT)
    day0 = following.fits.loc[0, "day0_date"]
    assert day0 == frame.index[frame.index.get_loc(holiday) + 1]
    assert following.abnormal_returns.query("rel_day == 0")["date"].iloc[0] == day0


@pytest.mark.parametrize(("position", "fragment"), [
    (30, "estimation window [-60,-11] does not fit the data"),
    (115, "event windows [-5,+10] does not fit the data"),
])
def test_windows_that_do_not_fit_are_excluded(position, fragment):
    frame = two_calendar_frame()
    result = run_event_study(frame, [frame.index[position]], symbols=["US1"], benchmark="SPX",
                             groups="g", **SHORT)
    assert result.car.empty
    assert fragment in result.exclusions.loc[0, "reason"]


def test_too_few_valid_estimation_observations():
    frame = two_calendar_frame()
    frame.iloc[40:50, frame.columns.get_loc("SPX")] = np.nan  # benchmark missing on 10 days
    result = run_event_study(frame, [frame.index[100]], symbols=["US1"], benchmark="SPX",
                             groups="g", estimation_window=(-60, -11), min_estimation_obs=45,
                             n_boot=0)
    assert "only 40 valid estimation observations" in result.exclusions.loc[0, "reason"]
    relaxed = run_event_study(frame, [frame.index[100]], symbols=["US1"], benchmark="SPX",
                              groups="g", estimation_window=(-60, -11), min_estimation_obs=40,
                              n_boot=0)
    assert relaxed.fits.loc[0, "n_obs"] == 40  # missing days are dropped, not zero-filled


def test_missing_benchmark_return_in_event_window_is_never_a_zero():
    frame = two_calendar_frame()
    event = 100
    frame.iloc[event + 1, frame.columns.get_loc("SPX")] = np.nan
    result = run_event_study(frame, [frame.index[event]], symbols=["US1"], benchmark="SPX",
                             groups="g", **SHORT)
    ar = result.abnormal_returns.set_index("rel_day")
    assert np.isnan(ar.loc[1, "ar"]) and np.isfinite(ar.loc[0, "ar"])
    car = result.car.set_index("window")
    assert np.isfinite(car.loc["[0,0]", "car"])
    assert np.isnan(car.loc["[0,+1]", "car"]) and car.loc["[0,+1]", "n_missing"] == 1
    assert np.isnan(car.loc["[0,+1]", "bhar"])


def test_reference_problems_are_listed_as_exclusions():
    frame = two_calendar_frame()
    result = run_event_study(
        frame, [frame.index[100]], symbols=["US1", "HK1", "NOPE", "SPX"],
        benchmark={"US1": "SPX", "HK1": "MISSING", "NOPE": "SPX", "SPX": "SPX"},
        groups="g", **SHORT)
    reasons = result.exclusions.set_index("symbol")["reason"]
    assert reasons["HK1"] == "benchmark 'MISSING' not in the returns frame"
    assert reasons["NOPE"] == "symbol not in the returns frame"
    assert reasons["SPX"] == "symbol is its own benchmark"
    assert list(result.car["symbol"].unique()) == ["US1"]
    assert list(result.exclusions.columns) == ["symbol", "event_date", "reason"]


def test_two_index_model_needs_a_sector_index():
    sim = simulate_panel(1, 3, sector_loading=1.0, seed=2)
    result = run_event_study(sim.returns, [sim.event_date], symbols=sim.firms, model="two_index",
                             benchmark=sim.benchmark, sector_index={sim.firms[0]: "S0"},
                             groups="g", universe=pd.DataFrame(), **SHORT)
    assert result.fits["symbol"].tolist() == [sim.firms[0]]
    assert "beta_sector_index" in result.fits.columns
    assert result.fits.loc[0, "beta_sector_index"] == pytest.approx(1.0, abs=0.5)
    assert (result.exclusions["reason"] == "no sector_index for this symbol (pass "
                                           "sector_index=...)").sum() == 2


def test_other_events_in_the_estimation_window():
    frame = two_calendar_frame(200)
    early, late = frame.index[120], frame.index[150]  # 30 sessions apart
    events = [early, late]
    masked = run_event_study(frame, events, symbols=["US1"], benchmark="SPX", groups="g",
                             estimation_window=(-60, -11), min_estimation_obs=30, n_boot=0)
    fits = masked.fits.set_index("event_date")
    # The early event's window [-5,+10] covers 16 of the late event's estimation days.
    assert fits.loc[late, "masked_for_other_events"] == 16
    assert fits.loc[late, "n_obs"] == 50 - 16
    assert fits.loc[early, "masked_for_other_events"] == 0
    ignored = run_event_study(frame, events, symbols=["US1"], benchmark="SPX", groups="g",
                              overlap="ignore", **SHORT)
    assert (ignored.fits["n_obs"] == 50).all()
    excluded = run_event_study(frame, events, symbols=["US1"], benchmark="SPX", groups="g",
                               overlap="exclude", **SHORT)
    assert excluded.fits["event_date"].tolist() == [early]
    assert "another event" in excluded.exclusions.loc[0, "reason"]


def test_overlapping_event_windows_are_flagged():
    frame = two_calendar_frame(200)
    result = run_event_study(frame, [frame.index[150], frame.index[153]], symbols=["US1"],
                             benchmark="SPX", groups="g", **SHORT)
    assert result.fits["overlaps_other_event"].all()


def test_session_mask_counts_a_missing_return_as_missing():
    frame = two_calendar_frame()
    frame.iloc[80, frame.columns.get_loc("US1")] = np.nan  # a session with no return
    event = frame.index[100]
    mask = frame.notna()
    mask.iloc[80, frame.columns.get_loc("US1")] = True  # ... that the calendar says was open
    by_returns = run_event_study(frame, [event], symbols=["US1"], benchmark="SPX", groups="g",
                                 **SHORT)
    by_mask = run_event_study(frame, [event], symbols=["US1"], benchmark="SPX", groups="g",
                              sessions=mask, **SHORT)
    # Row 80 lies in the estimation window [-60,-11] (rows 40..89 when it is a session).
    assert by_mask.fits.loc[0, "estimation_end"] == frame.index[89]
    assert by_mask.fits.loc[0, "estimation_start"] == frame.index[40]
    assert by_mask.fits.loc[0, "n_obs"] == 49  # a session with a missing observation
    assert by_returns.fits.loc[0, "estimation_end"] == frame.index[89]
    assert by_returns.fits.loc[0, "estimation_start"] == frame.index[39]  # row 80 skipped
    assert by_returns.fits.loc[0, "n_obs"] == 50


def test_calendar_session_mask_uses_exchange_calendars():
    dates = pd.bdate_range("2025-01-13", "2025-01-24")  # includes MLK day, 2025-01-20
    frame = pd.DataFrame({"A": 0.01}, index=dates)
    frame.loc["2025-01-22", "A"] = np.nan
    mask = calendar_session_mask(frame, {"A": "XNYS"})
    assert not mask.loc["2025-01-20", "A"]  # holiday: not a session
    assert mask.loc["2025-01-22", "A"]  # a session with a missing return


def test_trimmed_rows_give_the_same_panel_as_all_rows():
    frame = two_calendar_frame(460)
    sparse_rows = np.arange(len(frame)) % 3 != 0
    frame.loc[sparse_rows, "HK1"] = np.nan  # HK1 trades on every third row only
    # 60 HK1 sessions before day 0 span 180 rows: more than the first, trimmed attempt reads.
    pairs = pd.DataFrame({"symbol": ["HK1", "US1"], "event_date": [frame.index[399]] * 2,
                          "benchmark": ["SPX", "SPX"]})
    args = (pairs, ("benchmark",), (-60, -11), DEFAULT_EVENT_WINDOWS, 40)
    trimmed, trimmed_exclusions = build_panel(frame, *args)
    full, full_exclusions = _place(frame, *args, "exact", "mask", "returns",
                                   row_span=slice(0, len(frame)), clipped=(False, False))
    assert trimmed.pairs["symbol"].tolist() == ["HK1", "US1"]
    np.testing.assert_array_equal(trimmed.y, full.y)
    np.testing.assert_array_equal(trimmed.x, full.x)
    np.testing.assert_array_equal(trimmed.dates.to_numpy()[trimmed.rows],
                                  full.dates.to_numpy()[full.rows])
    assert trimmed_exclusions.equals(full_exclusions)


def test_many_events_and_groups_in_one_call(small_panel):
    frame = small_panel.returns
    dates = [frame.index[130], frame.index[140], frame.index[150]]
    result = run_event_study(frame, dates, symbols=small_panel.firms,
                             benchmark=small_panel.benchmark, groups=small_panel.groups,
                             overlap="ignore", **SHORT)  # events 10 sessions apart
    assert result.settings["n_pairs"] == 8 * 3
    n_windows = len(DEFAULT_EVENT_WINDOWS)
    assert len(result.car) == 8 * 3 * n_windows
    assert len(result.abnormal_returns) == 8 * 3 * 16  # days -5..+10
    caar = result.caar
    assert set(caar["group"]) == {"G0", "G1", "All"}
    assert len(caar) == 3 * 3 * n_windows
    pooled = caar[caar["group"] == "All"]
    assert (pooled["n_firms"] == 8).all()
    # CAAR is the equal-weighted mean of the group's CARs.
    car = result.car[result.car["group"] == "G0"]
    expected = car.groupby(["event_date", "window"])["car"].mean()
    got = caar[caar["group"] == "G0"].set_index(["event_date", "window"])["caar"]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)
    assert result.tests["test"].nunique() == 9  # 7 tests + GRANK and Wilcoxon (issue #18)
    assert len(result.tests) == 9 * len(caar)


def test_events_as_symbol_date_pairs(small_panel):
    frame = small_panel.returns
    events = pd.DataFrame({"symbol": small_panel.firms[:2],
                           "event_date": [frame.index[140], frame.index[150]]})
    result = run_event_study(frame, events, benchmark=small_panel.benchmark, groups="g", **SHORT)
    pairs = result.fits[["symbol", "event_date"]]
    pd.testing.assert_frame_equal(pairs, events)


def test_single_firm_group_reports_only_valid_tests(small_panel):
    frame = small_panel.returns
    firm = small_panel.firms[0]
    result = run_event_study(frame, [small_panel.event_date], symbols=[firm],
                             benchmark=small_panel.benchmark, groups="solo", **SHORT)
    row = result.caar.iloc[0]
    assert row["n_firms"] == 1
    assert np.isnan(row["t_cs"]) and np.isnan(row["bmp"]) and np.isnan(row["kp"])
    assert np.isnan(row["sign"])
    assert np.isfinite(row["patell"]) and np.isfinite(row["corrado"])
    assert "N=1" in row["note"] and "cross-sectional t" in row["note"]
    # One firm: Patell Z is its standardised CAR scaled by sqrt((df - 2) / df).
    car = result.car.iloc[0]
    assert row["patell"] == pytest.approx(car["t"] / np.sqrt(car["df"] / (car["df"] - 2)))
    tests = result.tests[result.tests["window"] == row["window"]].set_index("test")
    assert not tests.loc["BMP t", "reported"] and tests.loc["Patell Z", "reported"]


def test_log_returns_compound_for_bhar():
    frame = two_calendar_frame()
    event = frame.index[100]
    simple = run_event_study(frame, [event], symbols=["US1"], benchmark="SPX", groups="g",
                             **SHORT)
    logged = run_event_study(np.log1p(frame), [event], symbols=["US1"], benchmark="SPX",
                             groups="g", return_kind="log", **SHORT)
    day = logged.abnormal_returns.query("rel_day == 0").iloc[0]
    car = logged.car.set_index("window").loc["[0,0]"]
    assert car["bhar"] == pytest.approx(np.expm1(day["ret"]) - np.expm1(day["expected"]))
    assert simple.car["bhar"].notna().all()


def test_universe_defaults_for_benchmark_and_group():
    frame = two_calendar_frame()
    universe = pd.DataFrame({"benchmark": ["SPX", "HKI", "", ""], "group": ["US", "HK", "i", "i"],
                             "sector_index": ""}, index=["US1", "HK1", "SPX", "HKI"])
    result = run_event_study(frame, [frame.index[100]], universe=universe, **SHORT)
    # Default symbols: every column except those used as benchmarks.
    assert sorted(result.fits["symbol"]) == ["HK1", "US1"]
    assert result.fits.set_index("symbol").loc["HK1", "benchmark"] == "HKI"
    assert set(result.caar["group"]) == {"US", "HK", "All"}
    override = run_event_study(frame, [frame.index[100]], symbols=["HK1"], benchmark="SPX",
                               universe=universe, **SHORT)
    assert override.fits.loc[0, "benchmark"] == "SPX"


def test_window_labels():
    assert [window_label(w) for w in DEFAULT_EVENT_WINDOWS] == [
        "[0,0]", "[-1,+1]", "[0,+1]", "[-5,+5]", "[0,+10]"]


@pytest.mark.parametrize(("arguments", "message"), [
    ({"model": "capm"}, "model: 'capm' is not one of"),
    ({"event_windows": [(1, -1)]}, "event_windows: window start 1 is after its end -1"),
    ({"event_windows": [(-20, 0)]}, "overlaps estimation_window"),
    ({"estimation_window": (-11, -250)}, "estimation_window: window start -11"),
    ({"event_windows": [(0, 1.5)]}, "must hold whole trading days"),
    ({"min_estimation_obs": 500}, "min_estimation_obs: 500 must be between 5"),
    ({"min_estimation_obs": 2}, "min_estimation_obs: 2 must be between 5"),
    ({"n_boot": -1}, "n_boot: -1"),
    ({"ci_level": 95}, "ci_level: 95"),
    ({"day0": "nearest"}, "day0: 'nearest' is not one of"),
    ({"overlap": "drop"}, "overlap: 'drop' is not one of"),
    ({"sessions": "calendar"}, "sessions: 'calendar' is not 'returns'"),
    ({"return_kind": "excess"}, "return_kind: 'excess'"),
    ({"benchmark": 3}, "benchmark: expected None, a symbol or a dict"),
])
def test_invalid_parameters_raise_clear_errors(arguments, message):
    frame = two_calendar_frame()
    settings = {"symbols": ["US1"], "benchmark": "SPX", "groups": "g"} | arguments
    with pytest.raises(ParameterError, match=message.replace("[", r"\[").replace("(", r"\(")):
        run_event_study(frame, [frame.index[100]], **settings)


def test_invalid_inputs_raise_clear_errors():
    frame = two_calendar_frame()
    with pytest.raises(ParameterError, match="DatetimeIndex"):
        run_event_study(frame.reset_index(drop=True), ["2024-05-01"], benchmark="SPX", groups="g")
    with pytest.raises(ParameterError, match="unique and ascending"):
        run_event_study(frame.iloc[::-1], ["2024-05-01"], benchmark="SPX", groups="g")
    with pytest.raises(ParameterError, match="lacks columns"):
        run_event_study(frame, pd.DataFrame({"symbol": ["US1"]}), benchmark="SPX", groups="g")
    with pytest.raises(ParameterError, match="plain calendar dates"):
        run_event_study(frame, ["2024-05-01 10:30"], benchmark="SPX", groups="g")
    with pytest.raises(ParameterError, match="cannot read the event dates"):
        run_event_study(frame, ["not a date"], benchmark="SPX", groups="g")
