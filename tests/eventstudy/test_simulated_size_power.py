"""Size and power of every test on SYNTHETIC (seeded, simulated) returns.

One engine run covers all scenarios of :mod:`deepseek_monday.eventstudy.simulation`: each
is a block of cells (groups) of 20 firms sharing an event date, with its own simulated
markets. Under a true null every test should reject at about its nominal 5 % (between 3 %
and 7 % over >= 1,000 cells or firm-events); with an injected abnormal return it should
reject almost always.
"""

from __future__ import annotations

import pandas as pd
import pytest

from deepseek_monday.eventstudy import run_event_study
from deepseek_monday.eventstudy.simulation import (
    CROSS_SECTIONAL_TESTS,
    FIRMS_PER_CELL,
    SETTINGS,
    rejection_rate,
    rejection_rates,
    simulate_panel,
    simulated_tables,
)


@pytest.fixture(scope="module")
def simulated() -> dict[str, pd.DataFrame]:
    """The engine's tables over every scenario (one run)."""
    return simulated_tables()


@pytest.fixture(scope="module")
def rates(simulated) -> pd.DataFrame:
    return rejection_rates(simulated).set_index(["scenario", "window", "test"])


def rate(rates: pd.DataFrame, scenario: str, window: str, test: str, at_least: int = 0) -> float:
    row = rates.loc[(scenario, window, test)]
    assert row["n"] >= at_least
    return float(row["rate"])


@pytest.mark.parametrize("window", ["[0,0]", "[-1,+1]"])
@pytest.mark.parametrize("test", CROSS_SECTIONAL_TESTS)
def test_cross_sectional_size_is_nominal(rates, test, window):
    assert 0.03 <= rate(rates, "null", window, test, at_least=1000) <= 0.07


@pytest.mark.parametrize("test", CROSS_SECTIONAL_TESTS)
def test_cross_sectional_power_for_one_sd_effect(rates, test):
    assert rate(rates, "effect", "[0,0]", test) >= 0.9


@pytest.mark.parametrize("window", ["[0,0]", "[-1,+1]"])
@pytest.mark.parametrize("test", ["car_t", "car_boot"])
def test_single_firm_car_size_is_nominal(rates, test, window):
    assert 0.03 <= rate(rates, "null", window, test, at_least=1000) <= 0.07


def test_single_firm_ar_size_and_power(rates):
    assert 0.03 <= rate(rates, "null", "[0,0]", "ar_t", at_least=1000) <= 0.07
    assert rate(rates, "firm_effect", "[0,0]", "ar_t") >= 0.9


@pytest.mark.parametrize("test", ["car_t", "car_boot"])
def test_single_firm_car_power_for_four_sd_effect(rates, test):
    assert rate(rates, "firm_effect", "[0,0]", test, at_least=1000) >= 0.9


def test_bmp_robust_to_event_induced_variance_where_patell_is_not(rates):
    assert 0.03 <= rate(rates, "event_variance", "[0,0]", "bmp") <= 0.07
    assert rate(rates, "event_variance", "[0,0]", "patell") > 0.15  # Patell assumes no variance increase


def test_kolari_pynnonen_corrects_cross_correlation(rates, simulated):
    assert rate(rates, "correlated", "[0,0]", "bmp") > 0.10  # residual correlation 0.05 inflates BMP
    assert 0.03 <= rate(rates, "correlated", "[0,0]", "kp") <= 0.07
    caar = simulated["caar"]
    correlated = caar[(caar["scenario"] == "correlated") & (caar["window"] == "[0,0]")]
    assert correlated["r_bar"].mean() == pytest.approx(0.05, abs=0.01)


def test_a_test_not_reported_is_an_error_not_a_non_rejection():
    with pytest.raises(ValueError, match="not reported"):
        rejection_rate(pd.Series([0.01, float("nan")]))
    assert rejection_rate(pd.Series([0.01, 0.2, 0.5, 0.049])) == 0.5


@pytest.fixture(scope="module")
def two_factor_panel():
    """SYNTHETIC firms loading on a market and a sector index (2,000 firm-events)."""
    return simulate_panel(100, FIRMS_PER_CELL, sector_loading=1.0, seed=7)


@pytest.mark.parametrize("model", ["mean", "market_adjusted", "market", "two_index"])
def test_single_firm_size_for_every_model(two_factor_panel, model):
    sim = two_factor_panel
    result = run_event_study(sim.returns, [sim.event_date], symbols=sim.firms, model=model,
                             benchmark=sim.benchmark, sector_index=sim.sector, groups=sim.groups,
                             **(SETTINGS | {"n_boot": 0}))
    assert len(result.car) == 2 * 2000
    for _, table in result.car.groupby("window"):
        assert 0.03 <= rejection_rate(table["p"]) <= 0.07
