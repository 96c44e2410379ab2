"""Market-wide measures on the SYNTHETIC cross-section of tests/conftest.py (made-up members) and the real one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deepseek_monday.data.cross_section import load_cross_section
from deepseek_monday.data.paths import DATA_ENV_VAR
from deepseek_monday.errors import ParameterError
from deepseek_monday.measures import market_wide as mw
from tests.conftest import REAL_DATA, requires_real_data

DAY = pd.Timestamp("2025-01-27")
# SYNTHETIC report groups: SOFT is put in "networking/servers" to test the group half of the rule.
UNIVERSE = pd.DataFrame({"group": ["networking/servers", "cloud software"]}, index=pd.Index(["SOFT", "OTHER"]))


def test_sector_portfolios_are_equal_weighted_over_members_with_a_return(synthetic_cross_section: Path) -> None:
    cs = load_cross_section()
    sectors = mw.group_returns(cs, "sector")
    r = cs.returns.loc[DAY]
    assert sectors.at[DAY, "Information Technology"] == pytest.approx((r["CHIP"] + r["SOFT"]) / 2)
    assert sectors.at[DAY, "Utilities"] == pytest.approx(r["UTIL"])
    # 2025-01-16: CHIP has no price, so IT is SOFT alone (CHIP is left out, not counted as zero).
    assert sectors.at[pd.Timestamp("2025-01-16"), "Information Technology"] == pytest.approx(52 / 51 - 1)
    sub = mw.group_returns(cs, "sub_industry")
    assert sub.at[DAY, "Semiconductors"] == pytest.approx(r["CHIP"])
    with pytest.raises(ParameterError, match="level"):
        mw.group_returns(cs, "industry")


def test_value_weights_only_when_given(synthetic_cross_section: Path) -> None:
    cs = load_cross_section()
    weights = pd.Series({"CHIP": 3.0, "SOFT": 1.0, "UTIL": 1.0, "BRK-B": 1.0})
    sectors = mw.group_returns(cs, "sector", weights=weights)
    r = cs.returns.loc[DAY]
    assert sectors.at[DAY, "Information Technology"] == pytest.approx(0.75 * r["CHIP"] + 0.25 * r["SOFT"])
    with pytest.raises(ParameterError, match="no weight"):
        mw.group_returns(cs, "sector", weights=weights.drop("UTIL"))


def test_exclusion_rule_takes_sub_industries_and_report_groups(synthetic_cross_section: Path) -> None:
    cs = load_cross_section()
    excluded = mw.ai_infrastructure_members(cs, universe=UNIVERSE)
    assert set(excluded.index) == {"CHIP", "SOFT"}
    assert excluded.at["CHIP", "reason"] == "GICS sub-industry: Semiconductors"
    assert excluded.at["SOFT", "reason"] == "report group: networking/servers"
    bench = mw.ex_ai_benchmark(cs, excluded=excluded.index)
    r = cs.returns.loc[DAY]
    assert bench.at[DAY, mw.EX_AI_LABEL] == pytest.approx((r["UTIL"] + r["BRK-B"]) / 2)
    assert bench.at[DAY, mw.ALL_LABEL] == pytest.approx(r[["CHIP", "SOFT", "UTIL", "BRK-B"]].mean())
    with pytest.raises(ParameterError, match="not members"):
        mw.ex_ai_benchmark(cs, excluded=["NVDA"])


def test_movers_and_count_of_fallers(synthetic_cross_section: Path) -> None:
    cs = load_cross_section()
    moves = mw.movers(cs, "2025-01-27", n=2)
    assert moves.losers.index[0] == "CHIP" and moves.losers["return"].iloc[0] == pytest.approx(90 / 107 - 1)
    assert moves.losers["return"].is_monotonic_increasing and moves.winners["return"].is_monotonic_decreasing
    assert (moves.n_fell, moves.n_rose, moves.n_with_return) == (1, 3, 4)
    assert len(moves.winners) == 2
    with pytest.raises(ParameterError, match="first usable date is 2025-01-15"):
        mw.movers(cs, "2025-01-14")


def test_window_returns_by_sector(synthetic_cross_section: Path) -> None:
    cs = load_cross_section()
    table = mw.group_window_returns(cs, "2025-01-23", windows=[(0, 0), (0, 1), (0, 3)])
    assert list(table.columns) == ["[0,0]", "[0,+1]", "[0,+3]", "n_members"]
    prices = cs.prices
    start, end = pd.Timestamp("2025-01-22"), pd.Timestamp("2025-01-28")  # sessions 0..+3: 01-23, 24, 27, 28
    chip = prices.at[end, "CHIP"] / prices.at[start, "CHIP"] - 1
    soft = prices.at[end, "SOFT"] / prices.at[start, "SOFT"] - 1
    assert table.at["Information Technology", "[0,+3]"] == pytest.approx((chip + soft) / 2)
    assert table.index[-1] == mw.ALL_LABEL and table.at[mw.ALL_LABEL, "n_members"] == 4
    assert table.iloc[:-1]["[0,0]"].is_monotonic_increasing
    with pytest.raises(ParameterError, match="last with 5 session"):
        mw.group_window_returns(cs, "2025-01-27")


@requires_real_data
def test_real_market_wide_on_27_january(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV_VAR, str(REAL_DATA))
    cs = load_cross_section()
    excluded = mw.ai_infrastructure_members(cs)
    required = {"NVDA", "AVGO", "AMD", "MU", "INTC", "QCOM", "ANET", "SMCI", "CSCO", "VST", "CEG", "GEV"}
    assert required <= set(excluded.index)
    assert "AAPL" not in excluded.index and "MSFT" not in excluded.index
    bench = mw.ex_ai_benchmark(cs)
    # Dropping the AI-infrastructure names raises the day's equal-weighted return.
    assert bench.at[DAY, mw.EX_AI_LABEL] > bench.at[DAY, mw.ALL_LABEL]
    moves = mw.movers(cs, "2025-01-27")
    assert moves.n_with_return == 492 and moves.n_fell + moves.n_rose + moves.n_unchanged == 492
    assert "NVDA" in moves.losers.index
    table = mw.group_window_returns(cs, "2025-01-27")
    assert table.at["Information Technology", "[0,0]"] == pytest.approx(
        cs.returns.loc[DAY, cs.members.index[cs.members["gics_sector"] == "Information Technology"]].mean())
    assert np.isfinite(table[["[0,0]", "[0,+1]", "[0,+5]"]].to_numpy()).all()
    assert mw.group_window_returns(cs, "2015-03-02").shape[0] == 12  # any covered date works


def test_main_groups_and_overlapping_portfolios(synthetic_cross_section: Path) -> None:
    cs = load_cross_section()
    # SYNTHETIC report groups: CHIP is also a report "AI chips" name, so it sits in two groups.
    universe = pd.DataFrame({"group": ["AI chips", "cloud software"]}, index=pd.Index(["CHIP", "SOFT"]))
    groups = mw.main_groups(cs, universe=universe)
    assert groups.loc[[mw.SEMICONDUCTORS_LABEL]].tolist() == ["CHIP"]
    assert groups.loc[["AI chips (report)"]].tolist() == ["CHIP"]
    assert groups.loc[[mw.SOFTWARE_LABEL]].tolist() == ["SOFT"]
    assert groups.loc[["Cloud software (report)"]].tolist() == ["SOFT"]
    assert "Power for AI (report)" not in groups.index  # no member in that group
    frame = mw.overlapping_portfolio_returns(cs.returns, pd.Series(["CHIP", "UTIL", "UTIL"],
                                                                   index=pd.Index(["a", "a", "b"], name="group")))
    r = cs.returns.loc[DAY]
    assert frame.at[DAY, "a"] == pytest.approx((r["CHIP"] + r["UTIL"]) / 2)
    assert frame.at[DAY, "b"] == pytest.approx(r["UTIL"])
    with pytest.raises(ParameterError, match="no returns"):
        mw.overlapping_portfolio_returns(cs.returns, pd.Series(["NVDA"], index=["a"]))
