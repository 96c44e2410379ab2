"""Market value at weighted diluted share counts (measures/diluted_value.py): SYNTHETIC schedules for the rule
and the arithmetic, the real facts for the approximation check and what the facts cannot answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import requires_real_data

from deepseek_monday.data.paths import facts_dir
from deepseek_monday.data.prices import price_panel
from deepseek_monday.errors import NotCheckable
from deepseek_monday.measures import diluted_value

MONDAY = pd.Timestamp("2025-01-27")
# SYNTHETIC share counts of two fiscal years.
SYNTHETIC_SCHEDULE = pd.DataFrame({"fiscal_period": ["FY2023", "FY2024"],
                                   "period_end": pd.to_datetime(["2023-01-29", "2024-01-28"]),
                                   "shares": [1_000.0, 2_000.0]})


def test_share_count_rule_uses_the_latest_year_ended_before_and_expires() -> None:
    dates = pd.to_datetime(["2023-01-29", "2023-01-30", "2024-01-28", "2024-01-29", "2026-01-28", "2026-01-30"])
    shares = diluted_value.shares_on(pd.DatetimeIndex(dates), SYNTHETIC_SCHEDULE)
    # On a fiscal year's last day its own count does not apply yet; after two years none applies.
    assert np.isnan(shares.iloc[0])
    assert shares.iloc[1:4].tolist() == [1_000.0, 1_000.0, 2_000.0]
    assert shares.iloc[4] == 2_000.0
    assert np.isnan(shares.iloc[5])


def test_share_count_is_the_schedules_and_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diluted_value, "share_count_schedule", lambda ticker: SYNTHETIC_SCHEDULE)
    count = diluted_value.share_count("SYN", pd.Timestamp("2024-03-01"))
    assert (count.shares, count.fiscal_period) == (2_000.0, "FY2024")
    with pytest.raises(NotCheckable, match="more than 731 days old"):
        diluted_value.share_count("SYN", pd.Timestamp("2026-02-01"))
    with pytest.raises(NotCheckable, match="no SYN share count for a fiscal year ended before"):
        diluted_value.share_count("SYN", pd.Timestamp("2023-01-29"))


def test_market_value_on_synthetic_prices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diluted_value, "share_count_schedule", lambda ticker: SYNTHETIC_SCHEDULE)
    prices = pd.Series([10.0, 12.0, 9.0, 9.0], index=pd.bdate_range("2024-03-04", periods=4), name="SYN")
    assert diluted_value.market_value(prices, "SYN").tolist() == [20_000.0, 24_000.0, 18_000.0, 18_000.0]


# ---------------------------------------------------------------- real facts


def raw_fact(ticker: str, fiscal_period: str, metric: str) -> float:
    """One value of fundamentals.csv, read with pandas directly (independently of the package)."""
    raw = pd.read_csv(facts_dir() / "fundamentals.csv")
    rows = raw[(raw["ticker"] == ticker) & (raw["fiscal_period"] == fiscal_period) & (raw["metric"] == metric)]
    return float(rows["value"].iloc[0])


@requires_real_data
def test_market_value_approximations_from_the_facts() -> None:
    prices = price_panel(["NVDA", "AMD"])
    table = diluted_value.market_value_approximations("NVDA", prices["NVDA"])
    implied = raw_fact("NVDA", "FY2025", "market_cap") * 1e6 / raw_fact("NVDA", "FY2025", "close_price_split_adjusted")
    assert table.at["FY2025", "implied_shares"] == pytest.approx(implied)
    assert table.at["FY2025", "count_gap"] == pytest.approx(
        raw_fact("NVDA", "FY2025", "diluted_shares_weighted") * 1e6 / implied - 1)
    with pytest.raises(NotCheckable):
        diluted_value.market_value_approximations("AMD", prices["AMD"])


@requires_real_data
def test_largest_approximation_error_is_the_tables_largest_gap() -> None:
    prices = price_panel(["NVDA", "AMD"])
    table = diluted_value.market_value_approximations("NVDA", prices["NVDA"])
    error = diluted_value.largest_approximation_error("NVDA", prices["NVDA"])
    assert error.gap == pytest.approx(table["value_gap"].abs().max())
    assert error.years == int(table["value_gap"].notna().sum())
    row = table.loc[error.fiscal_period]
    assert 1 + row["value_gap"] == pytest.approx((1 + row["count_gap"]) * (1 + row["price_gap"]))
    with pytest.raises(NotCheckable):
        diluted_value.largest_approximation_error("AMD", prices["AMD"])


@requires_real_data
def test_what_the_facts_cannot_answer() -> None:
    with pytest.raises(NotCheckable, match="ADR ratio"):
        diluted_value.share_count("TSM", MONDAY)
    with pytest.raises(NotCheckable, match="no share count for AVGO"):
        diluted_value.share_count("AVGO", MONDAY)
