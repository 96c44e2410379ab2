"""Normal-return models: hand-computed SYNTHETIC examples and agreement with statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from deepseek_monday.eventstudy import run_event_study
from deepseek_monday.eventstudy.models import fit_model, masked_ols

# SYNTHETIC example: five estimation days (-5..-1) and two event days (0, +1).
MARKET = [-0.02, -0.01, 0.00, 0.01, 0.02, 0.03, -0.01]
FIRM = [-0.03, -0.01, 0.01, 0.015, 0.045, -0.05, 0.00]
TINY = dict(estimation_window=(-5, -1), event_windows=((0, 0), (0, 1)), min_estimation_obs=5,
            groups="synthetic", n_boot=0)


def tiny_study(model: str, **overrides):
    returns = pd.DataFrame({"MKT": MARKET, "FIRM": FIRM},
                           index=pd.bdate_range("2024-03-04", periods=7))
    settings = TINY | {"min_estimation_obs": 4 if model in ("mean", "market_adjusted") else 5}
    settings |= overrides
    return run_event_study(returns, [returns.index[5]], symbols=["FIRM"], model=model,
                           benchmark="MKT", **settings)


def test_market_model_by_hand():
    result = tiny_study("market")
    # By hand: mean Rm = 0, Sxx = 0.001, Sxy = 0.00175, so beta = 1.75, alpha = mean R = 0.006.
    beta, alpha = 0.00175 / 0.001, 0.03 / 5
    residuals = [-0.001, 0.0015, 0.004, -0.0085, 0.004]
    s2 = sum(e * e for e in residuals) / (5 - 2)
    fit = result.fits.iloc[0]
    assert fit["beta"] == pytest.approx(beta, abs=1e-12)
    assert fit["alpha"] == pytest.approx(alpha, abs=1e-12)
    assert fit["sigma"] ** 2 == pytest.approx(s2, rel=1e-12)
    assert fit["df"] == 3

    ar = result.abnormal_returns.set_index("rel_day")
    ar0 = -0.05 - (alpha + beta * 0.03)  # -0.1085
    ar1 = 0.00 - (alpha + beta * -0.01)  # 0.0115
    c0 = 1 + 1 / 5 + 0.03**2 / 0.001  # forecast-error factor 2.1
    c1 = 1 + 1 / 5 + 0.01**2 / 0.001  # 1.3
    assert ar.loc[0, "ar"] == pytest.approx(ar0, abs=1e-12)
    assert ar.loc[1, "ar"] == pytest.approx(ar1, abs=1e-12)
    assert ar.loc[0, "ar_se"] ** 2 == pytest.approx(s2 * c0, rel=1e-12)
    assert ar.loc[1, "ar_se"] ** 2 == pytest.approx(s2 * c1, rel=1e-12)
    assert ar.loc[0, "sar"] == pytest.approx(ar0 / np.sqrt(s2 * c0), rel=1e-12)
    assert ar.loc[0, "p"] == pytest.approx(2 * stats.t.sf(abs(ar0 / np.sqrt(s2 * c0)), 3))

    car = result.car.set_index("window").loc["[0,+1]"]
    variance = s2 * (2 + 2**2 / 5 + (0.03 + -0.01) ** 2 / 0.001)  # s^2 (L + L^2/n + g^2/Sxx)
    assert car["car"] == pytest.approx(ar0 + ar1, abs=1e-12)
    assert car["car_se"] ** 2 == pytest.approx(variance, rel=1e-12)
    assert car["t"] == pytest.approx((ar0 + ar1) / np.sqrt(variance), rel=1e-12)
    bhar = (1 - 0.05) * (1 + 0.0) - (1 + alpha + beta * 0.03) * (1 + alpha + beta * -0.01)
    assert car["bhar"] == pytest.approx(bhar, abs=1e-12)


def test_mean_adjusted_model_by_hand():
    result = tiny_study("mean")
    mean = 0.03 / 5
    s2 = sum((r - mean) ** 2 for r in FIRM[:5]) / 4  # 0.00317 / 4
    ar = result.abnormal_returns.set_index("rel_day")
    assert ar.loc[0, "ar"] == pytest.approx(-0.05 - mean, abs=1e-12)
    assert ar.loc[0, "ar_se"] ** 2 == pytest.approx(s2 * (1 + 1 / 5), rel=1e-12)
    car = result.car.set_index("window").loc["[0,+1]"]
    assert car["car_se"] ** 2 == pytest.approx(s2 * (2 + 4 / 5), rel=1e-12)
    assert car["df"] == 4


def test_market_adjusted_model_by_hand():
    result = tiny_study("market_adjusted")
    excess = [r - m for r, m in zip(FIRM[:5], MARKET[:5], strict=True)]  # -.01 0 .01 .005 .025
    mean = sum(excess) / 5
    s2 = sum((e - mean) ** 2 for e in excess) / 4  # 0.00067 / 4: nothing estimated
    ar = result.abnormal_returns.set_index("rel_day")
    assert ar.loc[0, "ar"] == pytest.approx(-0.05 - 0.03, abs=1e-12)
    assert ar.loc[0, "ar_se"] ** 2 == pytest.approx(s2, rel=1e-12)
    car = result.car.set_index("window").loc["[0,+1]"]
    assert car["car"] == pytest.approx(-0.08 + 0.01, abs=1e-12)
    assert car["car_se"] ** 2 == pytest.approx(2 * s2, rel=1e-12)


def synthetic_regression(n_pairs: int, n_days: int, k: int, seed: int):
    """SYNTHETIC (P, D) returns with k regressors and some missing observations."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 0.01, (n_pairs, n_days, k))
    y = 0.001 + x @ rng.uniform(0.5, 1.5, k) + rng.normal(0.0, 0.02, (n_pairs, n_days))
    y[rng.random(y.shape) < 0.05] = np.nan
    x[rng.random(x.shape) < 0.03] = np.nan
    mask = np.isfinite(y) & np.isfinite(x).all(axis=2)
    return y, x, mask


@pytest.mark.parametrize("k", [1, 2])
def test_masked_ols_equals_statsmodels(k):
    y, x, mask = synthetic_regression(6, 120, k, seed=k)
    fit = masked_ols(y, x, mask)
    for p in range(len(y)):
        keep = mask[p]
        reference = sm.OLS(y[p, keep], sm.add_constant(x[p, keep])).fit()
        assert fit.alpha[p] == pytest.approx(reference.params[0], abs=1e-12)
        np.testing.assert_allclose(fit.beta[p], reference.params[1:], rtol=0, atol=1e-11)
        assert fit.sigma2[p] == pytest.approx(reference.scale, rel=1e-10)
        assert fit.r2[p] == pytest.approx(reference.rsquared, rel=1e-10)
        assert fit.n_obs[p] == keep.sum()
        assert fit.df[p] == reference.df_resid


def test_forecast_variance_matches_the_matrix_formula():
    """Centred formulas equal MacKinlay's s^2 (I + X* (X'X)^-1 X*') with the intercept in X."""
    y, x, mask = synthetic_regression(3, 80, 2, seed=9)
    estimation = np.zeros(80, dtype=bool)
    estimation[:70] = True
    x[:, 70:] = np.random.default_rng(10).normal(0.0, 0.01, (3, 10, 2))  # complete event days
    fit = fit_model("two_index", y, x, mask & estimation)
    window = ~estimation
    for p in range(3):
        keep = mask[p] & estimation
        design = sm.add_constant(x[p, keep])
        inverse = np.linalg.inv(design.T @ design)
        event = np.column_stack([np.ones(window.sum()), x[p, window]])
        covariance = np.eye(window.sum()) + event @ inverse @ event.T  # in units of s^2
        np.testing.assert_allclose(fit.forecast_factor(window)[p], np.diag(covariance),
                                   rtol=1e-10)
        ones = np.ones(window.sum())
        expected = fit.sigma2[p] * ones @ covariance @ ones  # Var(CAR) = s^2 1' V 1
        assert fit.window_variance(window)[p] == pytest.approx(expected, rel=1e-10)


def test_constant_regressor_is_excluded_with_reason():
    returns = pd.DataFrame({"MKT": [0.01] * 7, "FIRM": FIRM},
                           index=pd.bdate_range("2024-03-04", periods=7))
    result = run_event_study(returns, [returns.index[5]], symbols=["FIRM"], benchmark="MKT",
                             **TINY)
    assert result.car.empty
    assert result.exclusions["reason"].str.contains("constant or collinear").all()
