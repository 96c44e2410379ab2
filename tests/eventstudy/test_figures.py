"""CAR paths (tidy table and plot) on a SYNTHETIC panel."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from conftest import assert_house_numbers
from scipy import stats

from deepseek_monday.errors import ParameterError
from deepseek_monday.eventstudy import car_paths, plot_car_paths, run_event_study

matplotlib.use("Agg")


@pytest.fixture
def result(small_panel):
    groups = dict(small_panel.groups)
    groups[small_panel.firms[-1]] = "solo"  # a one-firm group
    return run_event_study(small_panel.returns, [small_panel.event_date],
                           symbols=small_panel.firms, benchmark=small_panel.benchmark,
                           groups=groups, estimation_window=(-60, -11), min_estimation_obs=45,
                           n_boot=0)


def test_symbol_paths_cumulate_abnormal_returns(result):
    paths = car_paths(result, start=-1, end=3, by="symbol")
    ar = result.abnormal_returns
    for symbol, path in paths.groupby("symbol"):
        own = ar[(ar["symbol"] == symbol) & ar["rel_day"].between(-1, 3)]
        np.testing.assert_allclose(path["car"], own["ar"].cumsum(), atol=1e-15)
    last = paths[paths["rel_day"] == 1]  # window [-1,+1]: the band is t_df x se(CAR)
    car = result.car[result.car["window"] == "[-1,+1]"].set_index("symbol")
    half = (last.set_index("symbol")["upper"] - last.set_index("symbol")["car"])
    expected = stats.t.ppf(0.975, car["df"]) * car["car_se"]
    np.testing.assert_allclose(half.sort_index(), expected.sort_index(), rtol=1e-10)


def test_group_paths_average_firms_with_cross_sectional_band(result):
    paths = car_paths(result, by="group")
    symbol_paths = car_paths(result, by="symbol")
    g0 = symbol_paths[symbol_paths["group"] == "G0"].groupby("rel_day")["car"]
    row = paths[(paths["group"] == "G0")].set_index("rel_day")
    np.testing.assert_allclose(row["car"], g0.mean(), atol=1e-15)
    n = row["n_firms"].iloc[0]
    assert n == 4
    half = stats.t.ppf(0.975, n - 1) * g0.std(ddof=1) / np.sqrt(n)
    np.testing.assert_allclose(row["upper"] - row["car"], half, rtol=1e-10)
    solo = paths[paths["group"] == "solo"]
    assert (solo["band"] == "forecast error").all() and solo["upper"].notna().all()
    assert set(paths["rel_day"]) == set(range(-5, 11))


def test_paths_must_stay_in_event_windows(result):
    with pytest.raises(ParameterError, match="event-window days only"):
        car_paths(result, start=-20, end=0)


def test_plot_has_labelled_axes_and_one_line_per_group(result):
    axes = plot_car_paths(car_paths(result))
    assert axes.get_xlabel().startswith("Trading days relative to the event")
    assert axes.get_ylabel() == "Cumulative abnormal return (%)"
    labels = [line.get_label() for line in axes.get_lines() if not line.get_label().startswith("_")]
    assert sorted(labels) == ["All", "G0", "G1", "solo"]
    assert "95 % confidence" in axes.get_title()
    assert_house_numbers(axes.figure)
