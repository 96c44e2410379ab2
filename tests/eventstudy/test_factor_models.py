"""Fama-French models in the engine, on SYNTHETIC factors and returns (simulated, not market data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy import run_event_study
from deepseek_monday.eventstudy.models import FACTOR_MODELS, MODELS

N_DAYS = 320
EVENT_POSITION = 300
ESTIMATION = (-250, -11)


def synthetic_data(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, np.ndarray]]:
    """SYNTHETIC daily factors (decimal) and three firms' returns built from them plus noise."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2021-01-04", periods=N_DAYS)
    factors = pd.DataFrame(rng.normal(0.0, 0.01, size=(N_DAYS, 7)),
                           columns=["mkt_rf", "smb", "hml", "mom", "smb5", "rmw", "cma"], index=dates)
    factors["rf"] = 0.0001 + rng.uniform(0, 0.00005, N_DAYS)
    betas = {"A": np.array([1.2, 0.3, -0.4, 0.2, 0.1, 0.5, -0.2]),
             "B": np.array([0.8, -0.2, 0.6, -0.1, 0.3, -0.3, 0.4]),
             "C": np.array([1.0, 0.0, 0.0, 0.3, -0.2, 0.2, 0.1])}
    returns = {}
    for name, beta in betas.items():
        excess = factors[["mkt_rf", "smb", "hml", "mom", "smb5", "rmw", "cma"]].to_numpy() @ beta
        returns[name] = factors["rf"].to_numpy() + 0.0002 + excess + rng.normal(0, 0.012, N_DAYS)
    return pd.DataFrame(returns, index=dates), factors, betas


@pytest.mark.parametrize("model", list(FACTOR_MODELS))
def test_factor_model_matches_statsmodels_ols(model: str) -> None:
    """SYNTHETIC: alpha, betas and event-day AR = r - rf - (alpha + X beta) agree with statsmodels OLS."""
    returns, factors, _ = synthetic_data()
    event = returns.index[EVENT_POSITION]
    result = run_event_study(returns, [event], model=model, factors=factors, estimation_window=ESTIMATION,
                             event_windows=[(0, 0), (0, 5)], n_boot=0, groups="firms", pooled_group=None)
    names = list(FACTOR_MODELS[model])
    estimation = slice(EVENT_POSITION + ESTIMATION[0], EVENT_POSITION + ESTIMATION[1] + 1)
    for symbol in returns.columns:
        y = (returns[symbol] - factors["rf"]).iloc[estimation]
        x = sm.add_constant(factors[names].iloc[estimation])
        reference = sm.OLS(y, x).fit()
        fit = result.fits.set_index("symbol").loc[symbol]
        assert fit["alpha"] == pytest.approx(reference.params["const"], abs=1e-12)
        betas = [fit["beta"], *(fit[f"beta_{n}"] for n in names[1:])]
        np.testing.assert_allclose(betas, reference.params[names].to_numpy(), atol=1e-12)
        assert fit["sigma"] == pytest.approx(np.sqrt(reference.scale), rel=1e-10)
        assert fit["df"] == reference.df_resid
        ar = result.abnormal_returns.set_index(["symbol", "rel_day"]).loc[(symbol, 0), "ar"]
        expected = (returns.at[event, symbol] - factors.at[event, "rf"]
                    - reference.params["const"] - factors.loc[event, names].to_numpy() @ reference.params[names])
        assert ar == pytest.approx(expected, abs=1e-13)


def test_factor_model_recovers_synthetic_betas() -> None:
    """SYNTHETIC: with 240 days the five-factor betas land near the values the data were built with."""
    returns, factors, betas = synthetic_data(seed=5)
    result = run_event_study(returns, [returns.index[EVENT_POSITION]], model="ff5", factors=factors,
                             n_boot=0, groups="firms", pooled_group=None)
    fit = result.fits.set_index("symbol").loc["A"]
    # ff5 regressors: mkt_rf, smb5, hml, rmw, cma -> positions 0, 4, 2, 5, 6 of the built betas.
    built = betas["A"][[0, 4, 2, 5, 6]]
    estimated = [fit["beta"], fit["beta_smb5"], fit["beta_hml"], fit["beta_rmw"], fit["beta_cma"]]
    np.testing.assert_allclose(estimated, built, atol=0.3)
    assert result.settings["dependent"].startswith("excess")


def test_factor_models_are_listed() -> None:
    assert {"ff3", "carhart4", "ff5"} <= set(MODELS)
    assert FACTOR_MODELS["carhart4"] == ("mkt_rf", "smb", "hml", "mom")
    assert FACTOR_MODELS["ff5"] == ("mkt_rf", "smb5", "hml", "rmw", "cma")


def test_factor_model_without_factors_is_refused() -> None:
    returns, _, _ = synthetic_data()
    with pytest.raises(ParameterError, match="needs a factor table"):
        run_event_study(returns, [returns.index[EVENT_POSITION]], model="ff3", n_boot=0)


def test_missing_factor_column_is_refused() -> None:
    returns, factors, _ = synthetic_data()
    with pytest.raises(ParameterError, match=r"needs columns \['mom'\]"):
        run_event_study(returns, [returns.index[EVENT_POSITION]], model="carhart4",
                        factors=factors.drop(columns="mom"), n_boot=0)


def test_uncovered_estimation_window_is_refused() -> None:
    """SYNTHETIC: factors that stop inside the estimation window raise, naming the first missing date."""
    returns, factors, _ = synthetic_data()
    short = factors.iloc[:200]
    with pytest.raises(ParameterError, match=rf"estimation window .*\(first {returns.index[200]:%Y-%m-%d}\)"):
        run_event_study(returns, [returns.index[EVENT_POSITION]], model="ff3", factors=short, n_boot=0)


def test_uncovered_event_window_is_refused() -> None:
    returns, factors, _ = synthetic_data()
    short = factors.iloc[:EVENT_POSITION + 2]
    with pytest.raises(ParameterError, match="event window"):
        run_event_study(returns, [returns.index[EVENT_POSITION]], model="ff3", factors=short,
                        event_windows=[(0, 5)], n_boot=0)


def test_factors_with_a_return_model_are_refused() -> None:
    returns, factors, _ = synthetic_data()
    with pytest.raises(ParameterError, match="only the factor models"):
        run_event_study(returns, [returns.index[EVENT_POSITION]], model="mean", factors=factors, n_boot=0)


def test_ff_factor_loader_converts_percent_to_decimal(tmp_path, monkeypatch) -> None:
    """SYNTHETIC facts file: percent becomes decimal, later-starting columns are NaN before they begin."""
    from deepseek_monday.data.facts import load_ff_factors
    from deepseek_monday.data.paths import FACTS_ENV_VAR
    from deepseek_monday.errors import DataValidationError

    header = "date,mkt_rf,smb,hml,rf,mom,smb5,rmw,cma\n"
    (tmp_path / "ff_factors_daily.csv").write_text(
        header + "2025-01-24,-0.27,-0.15,0.68,0.02,,,,\n2025-01-27,-1.49,-0.67,2.50,0.02,-3.28,0.30,-0.14,-1.73\n")
    monkeypatch.setenv(FACTS_ENV_VAR, str(tmp_path))
    load_ff_factors.cache_clear()
    table = load_ff_factors()
    assert table.at[pd.Timestamp("2025-01-27"), "mkt_rf"] == pytest.approx(-0.0149)
    assert table.at[pd.Timestamp("2025-01-27"), "rf"] == pytest.approx(0.0002)
    assert np.isnan(table.at[pd.Timestamp("2025-01-24"), "mom"])
    (tmp_path / "ff_factors_daily.csv").write_text(header + "2025-01-27,-1.49,,2.50,0.02,,,,\n")
    load_ff_factors.cache_clear()
    with pytest.raises(DataValidationError, match="line 2: smb"):
        load_ff_factors()
    load_ff_factors.cache_clear()
