"""The single-stock market-model study the bubble and the sanctions chapters share (measures/stock_study.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import requires_real_data

from deepseek_monday.data.returns import daily_returns
from deepseek_monday.eventstudy import window_label
from deepseek_monday.measures import stock_study

MONDAY = pd.Timestamp("2025-01-27")


@requires_real_data
def test_market_model_study_of_one_stock_around_one_date() -> None:
    returns = daily_returns(["NVDA", "SPY"])
    study = stock_study.market_model_study(returns, "NVDA", "SPY", MONDAY)
    assert list(study.car["window"]) == [window_label(w) for w in stock_study.EVENT_WINDOWS]
    fit = study.fits.iloc[0]
    assert len(study.fits) == 1 and (fit["symbol"], fit["benchmark"], fit["model"]) == ("NVDA", "SPY", "market")
    assert fit["masked_for_other_events"] == 0  # one event: no estimation day lies in another's window
    # Day 0's abnormal return is the day's return less the fitted market model's.
    expected = returns.at[MONDAY, "NVDA"] - (fit["alpha"] + fit["beta"] * returns.at[MONDAY, "SPY"])
    assert study.car.set_index("window").at["[0,0]", "car"] == pytest.approx(expected, rel=1e-9)
