"""The market model on REAL returns equals statsmodels' OLS, pair by pair.

Returns come through ``deepseek_monday.data.returns.daily_returns`` from the market-data
snapshot. The windows are rebuilt here independently of the engine's index arithmetic:
the firm's own sessions (rows with a return), sessions -250..-11 before 27 January 2025,
paired with the benchmark on the same dates, dropping dates where either is missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from deepseek_monday.data.paths import market_data_dir
from deepseek_monday.errors import DataValidationError
from deepseek_monday.eventstudy import run_event_study

EVENT = pd.Timestamp("2025-01-27")
# (firm, benchmark): US names on SPY, Hong Kong on the Hang Seng, and one cross-calendar
# pair (a US-listed ETF on the DAX) where the dates of the two series differ.
PAIRS = [("NVDA", "SPY"), ("MSFT", "SPY"), ("0700.HK", "HSI"), ("EWG", "GDAXI")]


@pytest.fixture(scope="module")
def real_returns() -> pd.DataFrame:
    try:
        market_data_dir()
    except DataValidationError as error:
        pytest.skip(f"market-data directory absent: {error}")
    from deepseek_monday.data.returns import daily_returns

    return daily_returns(sorted({s for pair in PAIRS for s in pair}))


def statsmodels_fit(returns: pd.DataFrame, firm: str, benchmark: str):
    own = returns[firm].dropna()
    position = own.index.get_loc(EVENT)
    window = own.iloc[position - 250: position - 10]  # relative sessions -250..-11
    paired = pd.concat([window, returns[benchmark]], axis=1, join="inner").dropna()
    return sm.OLS(paired[firm], sm.add_constant(paired[benchmark])).fit(), len(window)


@pytest.mark.parametrize(("firm", "benchmark"), PAIRS)
def test_market_model_equals_statsmodels_on_real_returns(real_returns, firm, benchmark):
    result = run_event_study(real_returns, [EVENT], symbols=[firm], benchmark=benchmark,
                             groups="real", min_estimation_obs=200, n_boot=0)
    assert result.exclusions.empty, result.exclusions.to_dict("records")
    fit = result.fits.iloc[0]
    reference, window_length = statsmodels_fit(real_returns, firm, benchmark)
    assert window_length == 240
    assert fit["n_obs"] == reference.nobs
    assert fit["alpha"] == pytest.approx(reference.params["const"], abs=1e-10)
    assert fit["beta"] == pytest.approx(reference.params[benchmark], abs=1e-10)
    assert fit["sigma"] ** 2 == pytest.approx(reference.scale, rel=1e-10, abs=1e-14)
    # Day 0 abnormal return and its forecast-error standard error, from the same fit.
    day0 = result.abnormal_returns.query("rel_day == 0").iloc[0]
    assert day0["date"] == EVENT
    x0 = real_returns.loc[EVENT, benchmark]
    expected = real_returns.loc[EVENT, firm] - reference.predict(np.array([[1.0, x0]]))[0]
    assert day0["ar"] == pytest.approx(expected, abs=1e-12)
    prediction = reference.get_prediction(np.array([[1.0, x0]]))
    forecast_variance = reference.scale + prediction.var_pred_mean[0]
    assert day0["ar_se"] ** 2 == pytest.approx(forecast_variance, rel=1e-9)


def test_cross_calendar_pair_drops_unpaired_dates(real_returns):
    """EWG (NYSE) on the DAX (Xetra): dates where either has no return are missing, not zero."""
    result = run_event_study(real_returns, [EVENT], symbols=["EWG"], benchmark="GDAXI",
                             groups="real", n_boot=0)
    fit = result.fits.iloc[0]
    assert 200 <= fit["n_obs"] < 240
