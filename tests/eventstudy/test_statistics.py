"""Each test statistic on tiny SYNTHETIC arrays, with the expected value computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from deepseek_monday.eventstudy import nonparametric, parametric


def test_single_firm_t():
    result = parametric.single_firm_t(np.array([-0.1085]), np.array([0.0001]), 3)
    assert result.statistic[0] == pytest.approx(-0.1085 / 0.01)
    assert result.p_value[0] == pytest.approx(2 * stats.t.sf(10.85, 3))


def test_cross_sectional_t_by_hand():
    car = np.array([0.01, 0.03, -0.01, 0.05])
    # mean 0.02; deviations -0.01, 0.01, -0.03, 0.03; sum of squares 0.002; sd sqrt(0.002/3)
    t = 0.02 / (math.sqrt(0.002 / 3) / 2)
    result = parametric.cross_sectional_t(car)
    assert result.statistic == pytest.approx(t)
    assert result.p_value == pytest.approx(2 * stats.t.sf(t, 3))
    assert result.n == 4


def test_cross_sectional_t_ignores_nan_and_needs_two_firms():
    with_nan = parametric.cross_sectional_t(np.array([0.01, np.nan, 0.03, -0.01, 0.05]))
    assert with_nan.n == 4
    assert with_nan.statistic == pytest.approx(0.02 / (math.sqrt(0.002 / 3) / 2))
    single = parametric.cross_sectional_t(np.array([0.04]))
    assert np.isnan(single.statistic) and np.isnan(single.p_value)


def test_patell_by_hand():
    scar = np.array([1.0, 2.0, -0.5])
    df = np.array([10, 10, 10])
    z = 2.5 / math.sqrt(3 * 10 / 8)  # each SCAR ~ t(10): variance 10 / 8
    result = parametric.patell_z(scar, df)
    assert result.statistic == pytest.approx(z)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(z))


def test_bmp_by_hand():
    scar = np.array([1.0, 2.0, -0.5, 1.5])
    # mean 1; deviations 0, 1, -1.5, 0.5; sum of squares 3.5; sd sqrt(3.5/3)
    t = 1.0 / (math.sqrt(3.5 / 3) / 2)
    result = parametric.bmp_t(scar)
    assert result.statistic == pytest.approx(t)
    assert result.p_value == pytest.approx(2 * stats.t.sf(t, 3))


def test_kolari_pynnonen_by_hand():
    result = parametric.kolari_pynnonen_t(np.array([3.0]), np.array([10]), np.array([0.1]))
    t = 3.0 * math.sqrt((1 - 0.1) / (1 + 9 * 0.1))
    assert result.statistic[0] == pytest.approx(t)
    assert result.p_value[0] == pytest.approx(2 * stats.t.sf(t, 9))
    undefined = parametric.kolari_pynnonen_t(np.array([3.0]), np.array([10]), np.array([-0.2]))
    assert np.isnan(undefined.statistic[0])  # 1 + 9 (-0.2) < 0


def test_pairwise_correlation_matches_pandas_with_missing_values():
    rng = np.random.default_rng(3)
    residuals = rng.standard_normal((120, 4)) + rng.standard_normal((120, 1))
    residuals[rng.random(residuals.shape) < 0.1] = np.nan
    expected = pd.DataFrame(residuals).corr(min_periods=30).to_numpy()
    np.testing.assert_allclose(parametric.pairwise_correlations(residuals), expected, atol=1e-12)
    off_diagonal = expected[~np.eye(4, dtype=bool)]
    assert parametric.average_cross_correlation(residuals) == pytest.approx(off_diagonal.mean())


def test_average_correlation_fast_path_equals_pairwise():
    rng = np.random.default_rng(4)
    residuals = rng.standard_normal((200, 6)) + 0.5 * rng.standard_normal((200, 1))
    corr = np.corrcoef(residuals, rowvar=False)
    expected = corr[~np.eye(6, dtype=bool)].mean()
    assert parametric.average_cross_correlation(residuals) == pytest.approx(expected, abs=1e-12)


def test_rank_deviations_by_hand():
    ar = np.array([[0.3, -0.1, 0.2, np.nan, 0.5]])
    use = np.ones_like(ar, dtype=bool)
    # Ranks of (0.3, -0.1, 0.2, 0.5) are 3, 1, 2, 4; M = 4, so K = rank / 5 - 1/2.
    expected = np.array([[0.1, -0.3, -0.1, np.nan, 0.3]])
    np.testing.assert_allclose(nonparametric.rank_deviations(ar, use), expected, atol=1e-12)
    # Days outside the ranking set are not ranked.
    use[0, 0] = False  # ranks of (-0.1, 0.2, 0.5) are 1, 2, 3; M = 3
    expected = np.array([[np.nan, 0.25 - 0.5, 0.5 - 0.5, np.nan, 0.75 - 0.5]])
    np.testing.assert_allclose(nonparametric.rank_deviations(ar, use), expected, atol=1e-12)


def test_rank_deviations_average_ties():
    ar = np.array([[0.1, 0.1, 0.3], [0.2, 0.1, 0.3]])
    result = nonparametric.rank_deviations(ar, np.ones_like(ar, dtype=bool))
    # Row 1: ranks 1.5, 1.5, 3 over M = 3; row 2: ranks 2, 1, 3.
    np.testing.assert_allclose(result, [[1.5 / 4 - 0.5, 1.5 / 4 - 0.5, 3 / 4 - 0.5],
                                        [2 / 4 - 0.5, 1 / 4 - 0.5, 3 / 4 - 0.5]])


def test_corrado_by_hand():
    kbar = np.array([0.1, -0.2, 0.0, 0.1, 0.3])
    s = math.sqrt((0.01 + 0.04 + 0.0 + 0.01 + 0.09) / 5)
    one_day = nonparametric.corrado_rank_test(kbar, np.array([0, 0, 0, 0, 1], dtype=bool))
    assert one_day.statistic == pytest.approx(0.3 / s)
    assert one_day.p_value == pytest.approx(2 * stats.norm.sf(0.3 / s))
    two_days = nonparametric.corrado_rank_test(kbar, np.array([0, 0, 0, 1, 1], dtype=bool))
    assert two_days.statistic == pytest.approx((0.1 + 0.3) / (math.sqrt(2) * s))


def test_corrado_from_two_firms_by_hand():
    # Two firms, four days; day 3 is the event day.
    ar = np.array([[0.01, -0.02, 0.00, 0.05],
                   [-0.01, 0.02, 0.03, 0.04]])
    k = nonparametric.rank_deviations(ar, np.ones_like(ar, dtype=bool))
    # Firm 1 ranks 3, 1, 2, 4 and firm 2 ranks 1, 2, 3, 4, over M = 4: K = rank / 5 - 1/2.
    expected_k = np.array([[0.1, -0.3, -0.1, 0.3], [-0.3, -0.1, 0.1, 0.3]])
    np.testing.assert_allclose(k, expected_k, atol=1e-12)
    kbar = k.mean(axis=0)  # -0.1, -0.2, 0.0, 0.3
    s = math.sqrt((0.01 + 0.04 + 0.0 + 0.09) / 4)
    result = nonparametric.corrado_rank_test(kbar, np.array([0, 0, 0, 1], dtype=bool))
    assert result.statistic == pytest.approx(0.3 / s)


def test_generalized_sign_by_hand():
    car = np.array([0.02, -0.01, 0.03, 0.01])
    p_hat = np.array([0.5, 0.4, 0.6, 0.5])  # mean 0.5
    result = nonparametric.generalized_sign_test(car, p_hat)
    z = (3 - 4 * 0.5) / math.sqrt(4 * 0.5 * 0.5)  # 3 positive CARs out of 4
    assert result.statistic == pytest.approx(z)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(z))
    assert np.isnan(nonparametric.generalized_sign_test(car[:1], p_hat[:1]).statistic)


def test_positive_share_counts_valid_days_only():
    ar = np.array([[0.1, -0.2, 0.3, np.nan, 0.4]])
    mask = np.array([[True, True, True, False, False]])
    assert nonparametric.positive_share(ar, mask)[0] == pytest.approx(2 / 3)
