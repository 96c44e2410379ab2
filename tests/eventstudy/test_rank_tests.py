"""GRANK, Wilcoxon and the window-by-window Corrado ranking (issue #18), on SYNTHETIC data.

Every series here is simulated or written by hand (SYNTHETIC), never market data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from deepseek_monday.eventstudy import nonparametric, run_event_study
from deepseek_monday.eventstudy.engine import DEFAULT_EVENT_WINDOWS
from deepseek_monday.eventstudy.simulation import simulate_panel

SHORT = dict(estimation_window=(-140, -11), min_estimation_obs=120, n_boot=0)


def _run(sim, windows):
    return run_event_study(sim.returns, [sim.event_date], symbols=sim.firms, benchmark=sim.benchmark,
                           groups=sim.groups, event_windows=windows, **SHORT)


def test_corrado_of_a_window_does_not_depend_on_the_other_windows():
    """SYNTHETIC: day 0 alone and day 0 among the default windows give the same Corrado Z."""
    sim = simulate_panel(3, 12, seed=21, effect=0.5, effect_in_sd=True)
    alone = _run(sim, [(0, 0)]).caar.set_index("group")
    among = _run(sim, DEFAULT_EVENT_WINDOWS).caar.query("window == '[0,0]'").set_index("group")
    assert np.isfinite(alone["corrado"]).all()
    pd.testing.assert_series_equal(alone["corrado"], among["corrado"], rtol=0, atol=1e-12)
    pd.testing.assert_series_equal(alone["p_corrado"], among["p_corrado"], rtol=0, atol=1e-12)
    # The same holds for a multi-day window and for GRANK (whose ranking set is per window too).
    long_alone = _run(sim, [(-5, 5)]).caar.set_index("group")
    long_among = _run(sim, DEFAULT_EVENT_WINDOWS).caar.query("window == '[-5,+5]'").set_index("group")
    np.testing.assert_allclose(long_alone["corrado"], long_among["corrado"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(long_alone["grank"], long_among["grank"], rtol=0, atol=1e-12)


def test_engine_corrado_equals_ranking_estimation_plus_window_from_scratch():
    """SYNTHETIC: the merged ranking equals ranking estimation days + the window afresh."""
    sim = simulate_panel(1, 6, seed=3)
    result = _run(sim, [(0, 0), (-1, 1)])
    panel, fit = result.panel, result.fit
    est = panel.day_slice(panel.estimation_window)
    for window in [(0, 0), (-1, 1)]:
        days = panel.day_mask(window)
        values = np.concatenate([fit.ar[:, est], fit.ar[:, days] / np.sqrt(fit.forecast_factor(days))], axis=1)
        k = nonparametric.rank_deviations(values, np.isfinite(values))
        in_window = np.arange(values.shape[1]) >= est.stop - est.start
        expected = nonparametric.corrado_rank_test(np.nanmean(k, axis=0), in_window).statistic
        got = result.caar.query(f"window == '{'[0,0]' if window == (0, 0) else '[-1,+1]'}'")["corrado"].item()
        assert got == pytest.approx(float(expected), abs=1e-12)


def test_ranks_with_extra_days_match_a_full_ranking_including_ties_and_gaps():
    """SYNTHETIC values with NaN gaps and deliberate ties."""
    rng = np.random.default_rng(5)
    base = rng.standard_normal((40, 30))
    base[rng.random(base.shape) < 0.1] = np.nan
    extra = rng.standard_normal((40, 4))
    extra[0, 0] = base[0, 3] = 0.7  # extra ties a base value
    extra[1, :2] = 0.2  # two extra values tie
    extra[2, 1] = np.nan
    got_base, got_extra = nonparametric.ranks_with_extra_days(base, extra)
    both = np.concatenate([base, extra], axis=1)
    expected = stats.rankdata(np.where(np.isfinite(both), both, np.inf), axis=1)
    expected[~np.isfinite(both)] = np.nan
    np.testing.assert_allclose(np.concatenate([got_base, got_extra], axis=1), expected, equal_nan=True)


def test_grank_by_hand():
    """SYNTHETIC: 3 firms, 4 estimation days + the event column; ranks and formula by hand."""
    gsar = np.array([[0.1, -0.4, 0.3, -0.2, 1.5],
                     [-0.3, 0.2, 0.4, -0.1, 0.9],
                     [0.5, -0.6, 0.1, 0.0, -0.05]])
    result = nonparametric.grank_test(gsar)
    # ranks per row: [3,1,4,2,5], [1,3,4,2,5], [5,1,4,3,2]; U = rank / 6 - 1/2
    u = np.array([[3, 1, 4, 2, 5], [1, 3, 4, 2, 5], [5, 1, 4, 3, 2]]) / 6.0 - 0.5
    u_bar = u.mean(axis=0)
    s_u = np.sqrt(np.mean(u_bar**2))
    z = u_bar[-1] / s_u
    t = z * np.sqrt((5 - 2) / (5 - 1 - z**2))
    assert result.statistic == pytest.approx(t)
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(t), 3))
    assert result.n == 3


def test_engine_grank_equals_the_reference_on_each_cell():
    """SYNTHETIC: the vectorised GRANK equals grank_test on each group's GSAR matrix."""
    sim = simulate_panel(2, 8, seed=9, effect=1.0, effect_in_sd=True)
    result = _run(sim, [(0, 0), (-1, 1)])
    panel, fit, sums = result.panel, result.fit, result.sums
    est = panel.day_slice(panel.estimation_window)
    sar = np.where(panel.estimation_mask[:, est], fit.ar[:, est] / np.sqrt(fit.sigma2)[:, None], np.nan)
    scar = sums.car / np.sqrt(sums.car_variance)
    for _, row in result.caar.iterrows():
        members = (panel.pairs["group"] == row["group"]).to_numpy() if row["group"] != "All" else slice(None)
        j = [w for w in ["[0,0]", "[-1,+1]"]].index(row["window"])
        star = scar[members, j] / scar[members, j].std(ddof=1)
        expected = nonparametric.grank_test(np.column_stack([sar[members], star]))
        assert row["grank"] == pytest.approx(float(expected.statistic), abs=1e-10)
        assert row["p_grank"] == pytest.approx(float(expected.p_value), abs=1e-10)


@pytest.mark.parametrize("n", [8, 30, 80])
def test_wilcoxon_matches_scipy(n):
    """SYNTHETIC CARs: exact p for n <= 50, normal approximation beyond, as scipy."""
    rng = np.random.default_rng(n)
    values = rng.normal(0.3, 1.0, (5, n))
    got = nonparametric.wilcoxon_signed_rank(values)
    method = "exact" if n <= nonparametric.WILCOXON_EXACT_MAX else "asymptotic"
    for row, p in zip(values, got.p_value, strict=True):
        assert p == pytest.approx(stats.wilcoxon(row, method=method).pvalue, rel=1e-9)
    # Z: the normal standardisation of W+ (scipy's asymptotic z, same sign as the mean).
    for row, z in zip(values, got.statistic, strict=True):
        w_plus = stats.rankdata(np.abs(row))[row > 0].sum()
        assert z == pytest.approx((w_plus - n * (n + 1) / 4) / np.sqrt(n * (n + 1) * (2 * n + 1) / 24))


def test_wilcoxon_ties_zeros_and_padding_match_scipy():
    """SYNTHETIC: ties and zeros (dropped, 'wilcox'), NaN padding, too few firms."""
    values = np.array([[0.5, -0.5, 0.5, 1.0, 2.0, -0.1, 0.0, 3.0, 0.5, np.nan],
                       [1.0, 2.0, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan]])
    got = nonparametric.wilcoxon_signed_rank(values)
    row = values[0][np.isfinite(values[0])]
    expected = stats.wilcoxon(row, method="asymptotic")  # ties: normal approximation with tie correction
    assert got.p_value[0] == pytest.approx(expected.pvalue, rel=1e-9)
    assert got.n[0] == 8  # the zero is dropped
    assert np.isnan(got.p_value[1]) and got.n[1] == 2  # below MIN_FIRMS["wilcoxon"]


def test_run_event_study_reports_grank_and_wilcoxon_in_both_tables():
    sim = simulate_panel(2, 10, seed=4, effect=2.0, effect_in_sd=True)  # SYNTHETIC, strong effect
    result = _run(sim, [(0, 0)])
    caar = result.caar
    assert {"grank", "p_grank", "wilcoxon", "p_wilcoxon"} <= set(caar.columns)
    assert (caar["p_grank"] < 0.05).all() and (caar["p_wilcoxon"] < 0.05).all()
    tests = result.tests.set_index("test")
    assert tests.loc["GRANK t", "statistic"].tolist() == caar["grank"].tolist()
    assert tests.loc["Wilcoxon signed-rank Z", "p_value"].tolist() == caar["p_wilcoxon"].tolist()
