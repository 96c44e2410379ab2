"""The event day across the universe (measures/event_day.py): SYNTHETIC tables for the arithmetic of the group
summary and the breadth, the real snapshot for the event-day table and the headline indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import requires_real_data

from deepseek_monday.data.prices import price_panel
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.measures import event_day

MONDAY = pd.Timestamp("2025-01-27")


def synthetic_table() -> pd.DataFrame:
    """A SYNTHETIC event-day table: two stocks and an ETF in one group, an index, a volatility level, a gap."""
    return pd.DataFrame({
        "name": ["Chip A", "Chip B", "Chip ETF", "Index", "Vol", "Gap"],
        "group": ["AI chips", "AI chips", "AI chips", "indices/benchmarks", "indices/benchmarks", "China"],
        "kind": ["stock", "stock", "etf", "index", "volatility", "stock"],
        "return": [-0.10, -0.04, -0.50, -0.01, 0.40, np.nan],
        "note": ["", "", "", "", "", "no session on this date"],
    }, index=pd.Index(["A", "B", "ETF", "IDX", "VOL", "GAP"], name="symbol"))


def test_group_summary_averages_stocks_only_and_never_a_level() -> None:
    summary = event_day.group_summary(synthetic_table())
    # The ETF sits beside the chip stocks, never averaged in; the volatility level is not a return.
    assert summary.at["AI chips", "instruments"] == 2
    assert summary.at["AI chips", "mean"] == pytest.approx(-0.07)
    assert summary.at["AI chips", "worst"] == pytest.approx(-0.10)  # the ETF's -50 % is not the group's worst
    assert "China" not in summary.index  # no return, no group
    assert list(summary.index) == ["AI chips"]


def test_group_summary_gives_no_average_for_a_group_without_stocks() -> None:
    """SYNTHETIC: two indices, two coins and an ETF-only group, each with returns, get no group average."""
    table = pd.DataFrame({
        "name": ["Index 1", "Index 2", "Coin 1", "Coin 2", "Currency", "Chip ETF", "Stock"],
        "group": ["indices/benchmarks", "indices/benchmarks", "crypto", "crypto", "FX", "AI chips", "Europe"],
        "kind": ["index", "index", "crypto", "crypto", "fx", "etf", "stock"],
        "return": [-0.02, 0.01, -0.05, 0.03, 0.004, -0.04, 0.02],
        "note": [""] * 7,
    }, index=pd.Index(["I1", "I2", "C1", "C2", "FX1", "ETF", "S"], name="symbol"))
    summary = event_day.group_summary(table)
    assert list(summary.index) == ["Europe"]
    for group in (*event_day.NON_EQUITY_GROUPS, "AI chips"):
        assert group not in summary.index, group


def test_breadth_counts_returns_and_names_the_extremes() -> None:
    moved = event_day.breadth(synthetic_table())
    assert (moved.n_instruments, moved.n_down, moved.n_up) == (4, 4, 0)  # VOL and GAP left out
    assert (moved.worst_name, moved.worst_return) == ("Chip ETF (ETF)", -0.50)
    assert (moved.best_name, moved.best_return) == ("Index (IDX)", -0.01)


@requires_real_data
def test_event_day_table_and_group_summary() -> None:
    returns = daily_returns(["NVDA", "AAPL", "SPY", "VIX", "0700.HK"])
    table = event_day.event_day_returns(returns, MONDAY)
    assert table.loc["NVDA", "return"] == returns.loc[MONDAY, "NVDA"]
    summary = event_day.group_summary(table)
    # VIX is a volatility level: shown in the table, never averaged.
    assert not np.isnan(table.loc["VIX", "return"])
    assert "indices/benchmarks" not in summary.index  # SPY and VIX: no stocks, no group average
    assert summary.loc["hyperscalers and megacaps", "mean"] == table.loc["AAPL", "return"]


@requires_real_data
def test_holiday_on_an_instruments_exchange_is_a_gap_with_a_note() -> None:
    # 2025-01-29 was Lunar New Year in Hong Kong: NYSE traded, HKEX did not.
    table = event_day.event_day_returns(daily_returns(["NVDA", "0700.HK"]), pd.Timestamp("2025-01-29"))
    assert np.isnan(table.loc["0700.HK", "return"])
    assert table.loc["0700.HK", "note"] == "no session on this date"


@requires_real_data
def test_index_moves_use_previous_own_session() -> None:
    moves = event_day.index_moves(MONDAY)
    assert list(moves.index) == list(event_day.INDEX_ROWS)
    assert moves.loc["GSPC", "close"] == pytest.approx(6012.28, abs=0.01)
    assert moves.loc["GSPC", "return"] == pytest.approx(6012.28 / moves.loc["GSPC", "previous_close"] - 1, abs=1e-6)


@requires_real_data
def test_index_move_across_a_missing_session_is_undefined() -> None:
    # The snapshot's DAX file lacks a few Xetra sessions (see the data page). On the day after such a
    # gap the previous calendar session is missing, so there must be no one-day return.
    prices = price_panel(["GDAXI"])["GDAXI"].dropna()
    returns = daily_returns(["GDAXI"])["GDAXI"]
    gap_days = returns.loc[prices.index[1:]][returns.loc[prices.index[1:]].isna()].index
    assert len(gap_days) > 0
    moves = event_day.index_moves(gap_days[-1])
    assert np.isnan(moves.loc["GDAXI", "return"]) and np.isnan(moves.loc["GDAXI", "previous_close"])
