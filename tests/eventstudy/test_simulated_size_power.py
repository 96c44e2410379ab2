"""Size and power of every test on SYNTHETIC (seeded, simulated) returns.

One engine run covers all scenarios: each scenario is a block of cells (groups) of 20
firms sharing an event date, with its own simulated markets. Under a true null every
test should reject at about its nominal 5 % (between 3 % and 7 % over >= 1,000 cells or
firm-events); with an injected abnormal return it should reject almost always.
"""

from __future__ import annotations

import pandas as pd
import pytest

from deepseek_monday.eventstudy import run_event_study

from .conftest import simulate_panel

N_FIRMS = 20
SETTINGS = dict(estimation_window=(-140, -11), event_windows=((0, 0), (-1, 1)),
                min_estimation_obs=120, pooled_group=None, n_boot=199)
CROSS_SECTIONAL = ["t_cs", "patell", "bmp", "kp", "corrado", "sign", "boot"]
SCENARIOS = {  # name: (cells, simulation arguments)
    "null": (1500, {}),
    "effect": (300, {"effect": 1.25, "effect_in_sd": True}),
    "firm_effect": (100, {"effect": 4.0, "effect_in_sd": True}),
    "event_variance": (1000, {"event_variance": 3.0}),
    "correlated": (1000, {"correlation": 0.05}),
}


def rejection_rate(p_values: pd.Series) -> float:
    """Share of p-values below 5 % (a NaN p-value counts as a failure to report)."""
    assert p_values.notna().all(), "a test was not reported"
    return float((p_values < 0.05).mean())


@pytest.fixture(scope="module")
def simulated():
    """Run the engine once over every scenario; return its tables split by scenario."""
    panels = {name: simulate_panel(cells, N_FIRMS, seed=seed, prefix=f"{name}:", **arguments)
              for seed, (name, (cells, arguments)) in enumerate(SCENARIOS.items(), start=100)}
    event_dates = {p.event_date for p in panels.values()}
    assert len(event_dates) == 1
    returns = pd.concat([p.returns for p in panels.values()], axis=1)
    firms = [f for p in panels.values() for f in p.firms]
    benchmark = {k: v for p in panels.values() for k, v in p.benchmark.items()}
    groups = {k: v for p in panels.values() for k, v in p.groups.items()}
    result = run_event_study(returns, list(event_dates), symbols=firms, benchmark=benchmark,
                             groups=groups, **SETTINGS)
    assert result.exclusions.empty

    def scenario(table: pd.DataFrame, column: str) -> pd.Series:
        return table[column].str.split(":").str[0]

    return {
        "caar": result.caar.assign(scenario=scenario(result.caar, "group")),
        "car": result.car.assign(scenario=scenario(result.car, "symbol")),
        "ar": result.abnormal_returns.query("rel_day == 0")
        .assign(scenario=lambda t: scenario(t, "symbol")),
    }


def cells(simulated, scenario: str, window: str) -> pd.DataFrame:
    caar = simulated["caar"]
    return caar[(caar["scenario"] == scenario) & (caar["window"] == window)]


@pytest.mark.parametrize("window", ["[0,0]", "[-1,+1]"])
@pytest.mark.parametrize("test", CROSS_SECTIONAL)
def test_cross_sectional_size_is_nominal(simulated, test, window):
    table = cells(simulated, "null", window)
    assert len(table) >= 1000
    assert 0.03 <= rejection_rate(table[f"p_{test}"]) <= 0.07


@pytest.mark.parametrize("test", CROSS_SECTIONAL)
def test_cross_sectional_power_for_one_sd_effect(simulated, test):
    table = cells(simulated, "effect", "[0,0]")
    assert rejection_rate(table[f"p_{test}"]) >= 0.9


@pytest.mark.parametrize("window", ["[0,0]", "[-1,+1]"])
@pytest.mark.parametrize("column", ["p", "p_boot"])
def test_single_firm_car_size_is_nominal(simulated, column, window):
    car = simulated["car"]
    table = car[(car["scenario"] == "null") & (car["window"] == window)]
    assert len(table) >= 1000
    assert 0.03 <= rejection_rate(table[column]) <= 0.07


def test_single_firm_ar_size_and_power(simulated):
    ar = simulated["ar"]
    assert 0.03 <= rejection_rate(ar.loc[ar["scenario"] == "null", "p"]) <= 0.07
    assert rejection_rate(ar.loc[ar["scenario"] == "firm_effect", "p"]) >= 0.9


@pytest.mark.parametrize("column", ["p", "p_boot"])
def test_single_firm_car_power_for_four_sd_effect(simulated, column):
    car = simulated["car"]
    table = car[(car["scenario"] == "firm_effect") & (car["window"] == "[0,0]")]
    assert len(table) >= 1000
    assert rejection_rate(table[column]) >= 0.9


def test_bmp_robust_to_event_induced_variance_where_patell_is_not(simulated):
    table = cells(simulated, "event_variance", "[0,0]")
    assert 0.03 <= rejection_rate(table["p_bmp"]) <= 0.07
    assert rejection_rate(table["p_patell"]) > 0.15  # Patell assumes no variance increase


def test_kolari_pynnonen_corrects_cross_correlation(simulated):
    table = cells(simulated, "correlated", "[0,0]")
    assert rejection_rate(table["p_bmp"]) > 0.10  # residual correlation 0.05 inflates BMP
    assert 0.03 <= rejection_rate(table["p_kp"]) <= 0.07
    assert table["r_bar"].mean() == pytest.approx(0.05, abs=0.01)


@pytest.fixture(scope="module")
def two_factor_panel():
    """SYNTHETIC firms loading on a market and a sector index (2,000 firm-events)."""
    return simulate_panel(100, N_FIRMS, sector_loading=1.0, seed=7)


@pytest.mark.parametrize("model", ["mean", "market_adjusted", "market", "two_index"])
def test_single_firm_size_for_every_model(two_factor_panel, model):
    sim = two_factor_panel
    result = run_event_study(sim.returns, [sim.event_date], symbols=sim.firms, model=model,
                             benchmark=sim.benchmark, sector_index=sim.sector, groups=sim.groups,
                             **(SETTINGS | {"n_boot": 0}))
    assert len(result.car) == 2 * 2000
    for _, table in result.car.groupby("window"):
        assert 0.03 <= rejection_rate(table["p"]) <= 0.07
