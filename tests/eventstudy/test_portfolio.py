"""Portfolio time-series test, pre-event trend, skewness-adjusted BHAR t and p-value
adjustment (issue #18). All data here are SYNTHETIC (simulated or written by hand).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy import parametric
from deepseek_monday.eventstudy.portfolio import portfolio_returns, portfolio_test
from deepseek_monday.eventstudy.simulation import simulate_panel

EST = (-140, -11)


@pytest.fixture(scope="module")
def sim():
    """SYNTHETIC: 2 cells x 10 firms, residual correlation 0.3, no event effect."""
    return simulate_panel(2, 10, seed=17, correlation=0.3)


def _bench(sim, n_cells=2):
    return sim.returns[[f"M{c}" for c in range(n_cells)]].set_axis([f"G{c}" for c in range(n_cells)], axis=1)


def test_portfolio_returns_equal_and_value_weighted_by_hand():
    """SYNTHETIC 3 x 3 frame with a missing return."""
    frame = pd.DataFrame({"A": [0.01, 0.02, np.nan], "B": [0.03, -0.02, 0.04], "C": [0.0, 0.0, 0.0]},
                         index=pd.bdate_range("2024-01-01", periods=3))
    groups = {"A": "g", "B": "g", "C": "h"}
    equal = portfolio_returns(frame, groups)
    np.testing.assert_allclose(equal["g"], [0.02, 0.0, 0.04])
    value = portfolio_returns(frame, groups, weights=pd.Series({"A": 3.0, "B": 1.0, "C": 1.0}))
    np.testing.assert_allclose(value["g"], [(3 * 0.01 + 0.03) / 4, (3 * 0.02 - 0.02) / 4, 0.04])
    with pytest.raises(ParameterError, match="weight"):
        portfolio_returns(frame, groups, weights=pd.Series({"A": 1.0}))


def _statsmodels_dummy_t(y, x, rel_days, window):
    """Reference: OLS over estimation + window days with one dummy per window day; the sum of
    the dummies' coefficients is the CAR and its t uses exactly the forecast-corrected variance."""
    days = (rel_days >= window[0]) & (rel_days <= window[1])
    est = (rel_days >= EST[0]) & (rel_days <= EST[1])
    use = est | days
    dummies = np.column_stack([(rel_days == d).astype(float) for d in range(window[0], window[1] + 1)])
    design = sm.add_constant(np.column_stack([x, dummies]))[use]
    fitted = sm.OLS(y[use], design).fit()
    contrast = np.r_[0.0, 0.0, np.ones(dummies.shape[1])]
    test = fitted.t_test(contrast)
    return float(test.effect[0]), float(test.sd[0][0]), float(test.tvalue[0][0]), int(fitted.df_resid)


def test_portfolio_market_model_matches_a_dummy_variable_regression(sim):
    result = portfolio_test(sim.returns, _bench(sim), sim.groups, sim.event_date,
                            windows=[(0, 0), (-1, 1), (0, 10)], estimation_window=EST)
    port = portfolio_returns(sim.returns, sim.groups)
    position = sim.returns.index.get_loc(sim.event_date)
    rel_days = np.arange(len(sim.returns)) - position
    for _, row in result.iterrows():
        group = row["group"]
        car, se, t, df = _statsmodels_dummy_t(port[group].to_numpy(), sim.returns[f"M{group[1]}"].to_numpy(),
                                              rel_days, (row["window_start"], row["window_end"]))
        assert row["car"] == pytest.approx(car, rel=1e-9)
        assert row["se"] == pytest.approx(se, rel=1e-9)
        assert row["t"] == pytest.approx(t, rel=1e-9)
        assert row["df"] == df == 128  # L - 2 with L = 130 estimation days
        assert row["n_firms"] == 10 and row["weighting"] == "equal"


def test_without_forecast_correction_the_variance_is_window_length_times_s2(sim):
    with_fc = portfolio_test(sim.returns, _bench(sim), sim.groups, sim.event_date,
                             windows=[(0, 0), (0, 10)], estimation_window=EST)
    without = portfolio_test(sim.returns, _bench(sim), sim.groups, sim.event_date,
                             windows=[(0, 0), (0, 10)], estimation_window=EST, forecast_correction=False)
    # s from the [0,0] row: se_fc^2 = s^2 (1 + 1/L + d^2/Sxx) > s^2; the k+1 rule without it.
    s_day = without.set_index(["group", "window"])["se"]
    for group in ("G0", "G1"):
        assert s_day[(group, "[0,+10]")] == pytest.approx(np.sqrt(11) * s_day[(group, "[0,0]")])
    assert (with_fc["se"] > without["se"]).all()
    pd.testing.assert_series_equal(with_fc["car"], without["car"])


def test_models_degrees_of_freedom_and_value_weights(sim):
    common = dict(windows=[(0, 0)], estimation_window=EST)
    mean = portfolio_test(sim.returns, None, sim.groups, sim.event_date, model="mean", **common)
    adjusted = portfolio_test(sim.returns, _bench(sim), sim.groups, sim.event_date, model="market_adjusted",
                              **common)
    assert (mean["df"] == 129).all() and (adjusted["df"] == 129).all()  # L - 1
    weights = pd.Series(np.arange(1.0, len(sim.firms) + 1), index=sim.firms)
    value = portfolio_test(sim.returns, _bench(sim), sim.groups, sim.event_date, weights=weights, **common)
    equal = portfolio_test(sim.returns, _bench(sim), sim.groups, sim.event_date, **common)
    assert (value["weighting"] == "value").all()
    assert not np.allclose(value["car"], equal["car"])
    with pytest.raises(ParameterError, match="not a session"):
        portfolio_test(sim.returns, _bench(sim), sim.groups, "2030-01-01", **common)
    with pytest.raises(ParameterError, match="benchmark"):
        portfolio_test(sim.returns, None, sim.groups, sim.event_date, **common)


def test_portfolio_test_detects_an_injected_effect_and_wild_bootstrap_agrees():
    """SYNTHETIC: +6 % on day 0 in every firm of 2 cells (about 5 portfolio residual sd)."""
    sim = simulate_panel(2, 10, seed=2, correlation=0.3, effect=0.06)
    result = portfolio_test(sim.returns, _bench(sim), sim.groups, sim.event_date, windows=[(0, 0), (-5, -1)],
                            estimation_window=EST, n_boot=499, seed=1)
    day0 = result[result["window"] == "[0,0]"]
    assert (day0["p"] < 0.01).all() and (day0["p_wild"] <= 0.01).all()
    assert ((result["p_wild"] > 0) & (result["p_wild"] <= 1)).all()
    # Wild-bootstrap and t p-values tell the same story away from the tails.
    pre = result[result["window"] == "[-5,-1]"]
    assert np.allclose(pre["p_wild"], pre["p"], atol=0.1)
    again = portfolio_test(sim.returns, _bench(sim), sim.groups, sim.event_date, windows=[(0, 0), (-5, -1)],
                           estimation_window=EST, n_boot=499, seed=1)
    pd.testing.assert_series_equal(result["p_wild"], again["p_wild"])  # seeded: deterministic


def test_pre_event_trend_flags_a_drift_before_day_zero():
    """SYNTHETIC: a drift of 2 % a day on days -5..-1 in group G0 only (portfolio sd about 1.2 %)."""
    sim = simulate_panel(2, 10, seed=8, correlation=0.2)
    returns = sim.returns.copy()
    position = returns.index.get_loc(sim.event_date)
    g0 = [f for f in sim.firms if sim.groups[f] == "G0"]
    returns.iloc[position - 5:position, returns.columns.get_indexer(g0)] += 0.02
    trend = parametric.pre_event_trend(returns, _bench(sim), sim.groups, sim.event_date, estimation_window=EST)
    p = trend.set_index(["group", "window"])["p"]
    assert p[("G0", "[-5,-1]")] < 0.01
    assert p[("G1", "[-5,-1]")] > 0.05
    assert set(trend["window"]) == {"[-5,-1]", "[-10,-1]"}
    with pytest.raises(ValueError, match="before day 0"):
        parametric.pre_event_trend(returns, _bench(sim), sim.groups, sim.event_date, windows=[(-3, 0)])


def test_skewness_adjusted_t_by_hand():
    bhar = np.array([0.05, -0.02, 0.30, 0.01, -0.04, 0.12])  # SYNTHETIC, right-skewed
    n, mean, sd = 6, bhar.mean(), bhar.std(ddof=1)
    skew = ((bhar - mean) ** 3).sum() / (n * sd**3)
    s = mean / sd
    expected = np.sqrt(n) * (s + skew * s**2 / 3 + skew / (6 * n))
    result = parametric.skewness_adjusted_t(bhar)
    assert result.statistic == pytest.approx(expected)
    assert skew > 0 and result.statistic > parametric.cross_sectional_t(bhar).statistic
    assert np.isnan(parametric.skewness_adjusted_t(np.array([0.1, 0.2])).statistic)


def test_adjust_p_values_holm_and_bh_by_hand():
    p = np.array([0.01, 0.04, np.nan, 0.03, 0.20])
    holm = parametric.adjust_p_values(p, "holm")
    # sorted 0.01, 0.03, 0.04, 0.20 times 4, 3, 2, 1, then running maximum
    np.testing.assert_allclose(holm, [0.04, 0.09, np.nan, 0.09, 0.20])
    bh = parametric.adjust_p_values(p, "bh")
    # p * m / rank: 0.04, 0.06, 0.0533, 0.20, then running minimum from the top
    np.testing.assert_allclose(bh, [0.04, 0.04 * 4 / 3, np.nan, 0.04 * 4 / 3, 0.20])
    with pytest.raises(ValueError):
        parametric.adjust_p_values(p, "bonferroni")
