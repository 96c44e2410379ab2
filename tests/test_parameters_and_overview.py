"""Parameter validation of the overview chapter and its measures (real snapshot)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import requires_real_data

from deepseek_monday import overview
from deepseek_monday.errors import ParameterError
from deepseek_monday.params import check_positive_int

pytestmark = requires_real_data


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"event_date": "2025-01-26"}, "Sun 2025-01-26 is not a trading day of XNYS"),
        ({"event_date": "2026-12-01"}, r"outside the data \(SPY, the reference series for XNYS"),
        ({"event_date": "2026-07-30"}, "leaves only 1 trading days of data after it"),
        ({"event_date": "2025-01-27", "lookback_days": 1}, "lookback_days: 1 is too short"),
        ({"event_date": "2025-01-27", "lookahead_days": "ten"}, "lookahead_days: 'ten' is not a whole number"),
        ({"event_date": "2025-01-27", "symbols": ["NVDA", "XYZ"]}, r"unknown ticker\(s\) \['XYZ'\]"),
        ({"event_date": "2025-01-27", "market": "XLON"}, "market: 'XLON' is not supported"),
    ],
)
def test_overview_parameters_fail_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        overview.OverviewParameters.validate(**kwargs)


def test_booleans_are_not_window_lengths() -> None:
    with pytest.raises(ParameterError):
        check_positive_int(True, "lookback_days")


def test_event_day_table_and_group_summary() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "AAPL", "SPY", "VIX", "0700.HK"])
    returns = overview.load_event_returns(params)
    table = overview.event_day_returns(returns, params.event_date)
    assert table.loc["NVDA", "return"] == returns.loc["2025-01-27", "NVDA"]
    summary = overview.group_summary(table)
    # VIX is a volatility level: shown in the table, never averaged.
    assert not np.isnan(table.loc["VIX", "return"])
    assert summary.loc["indices/benchmarks", "instruments"] == 1
    assert summary.loc["hyperscalers and megacaps", "mean"] == table.loc["AAPL", "return"]


def test_holiday_on_an_instruments_exchange_is_a_gap_with_a_note() -> None:
    # 2025-01-29 was Lunar New Year in Hong Kong: NYSE traded, HKEX did not.
    params = overview.OverviewParameters.validate("2025-01-29", symbols=["NVDA", "0700.HK"])
    table = overview.event_day_returns(overview.load_event_returns(params), params.event_date)
    assert np.isnan(table.loc["0700.HK", "return"])
    assert table.loc["0700.HK", "note"] == "no session on this date"


def test_index_moves_use_previous_own_session() -> None:
    moves = overview.index_moves(pd.Timestamp("2025-01-27"))
    assert moves.loc["GSPC", "close"] == pytest.approx(6012.28, abs=0.01)
    assert moves.loc["GSPC", "return"] == pytest.approx(6012.28 / moves.loc["GSPC", "previous_close"] - 1, abs=1e-6)


def test_index_move_across_a_missing_session_is_undefined() -> None:
    # The snapshot's DAX file lacks a few Xetra sessions (see the data page). On the day after such a
    # gap the previous calendar session is missing, so there must be no one-day return.
    from deepseek_monday.prices import price_panel
    from deepseek_monday.returns import daily_returns

    prices = price_panel(["GDAXI"])["GDAXI"].dropna()
    returns = daily_returns(["GDAXI"])["GDAXI"]
    gap_days = returns.loc[prices.index[1:]][returns.loc[prices.index[1:]].isna()].index
    assert len(gap_days) > 0
    moves = overview.index_moves(gap_days[-1])
    assert np.isnan(moves.loc["GDAXI", "return"]) and np.isnan(moves.loc["GDAXI", "previous_close"])


def test_cumulative_returns_compound_own_returns() -> None:
    params = overview.OverviewParameters.validate("2025-01-27", symbols=["NVDA", "SPY"])
    returns = overview.load_event_returns(params)
    paths = overview.cumulative_returns(returns, params.event_date, 3, 2)
    window = returns.loc[paths.index, "NVDA"]
    assert paths["NVDA"].iloc[-1] == pytest.approx(np.prod(1 + window) - 1)
    groups = overview.group_cumulative_returns(returns, params.event_date, 3, 2)
    assert list(groups.index) == [-3, -2, -1, 0, 1, 2]


def test_group_event_study_tables() -> None:
    params = overview.OverviewParameters.validate(
        "2025-01-27", symbols=["NVDA", "AVGO", "AMD", "MU", "AAPL", "MSFT", "VST", "CEG", "SPY", "GSPC"])
    study = overview.group_event_study(overview.load_event_returns(params), params.event_date)
    shown = overview.display_group_tests(study)
    chips = shown[shown["Group"] == "AI chips"]
    assert list(chips["Window"]) == ["[0,0]", "[-1,+1]", "[0,+10]", "[-5,+5]"]  # the order of OVERVIEW_WINDOWS
    assert chips["Firms"].tolist() == [4, 4, 4, 4]
    day0 = study.car[(study.car["window"] == "[0,0]") & study.car["symbol"].isin(["NVDA", "AVGO", "AMD", "MU"])]
    assert chips["CAAR (%)"].iloc[0] == round(100 * day0["car"].mean(), 2)
    assert set(shown["Group"]) <= set(overview.GROUPS)  # the pooled "All" row is not shown per group
    # Groups below MIN_FIRMS_FOR_PATH are not drawn; indices are excluded with a reason.
    assert overview.equity_groups(study) == ["AI chips"]
    assert "GSPC" in overview.display_exclusions(study).index
    numbers = overview.event_study_numbers(study)
    assert numbers["chips_n"] == 4
    assert numbers["chips_caar"] * 100 == pytest.approx(chips["CAAR (%)"].iloc[0], abs=0.005)
