"""Seeded simulations of SYNTHETIC returns: the size and power of every test of the engine.

Nothing here is market data. :func:`simulate_panel` draws a market-model world with
known parameters; :func:`rejection_rates` runs the engine once over several such worlds
(no effect, an injected abnormal return, event-induced variance, cross-correlated
residuals) and returns how often each test rejects at 5 %. :func:`correlation_size_table`
does the same for residual cross-correlations 0 to 0.5 among firms sharing one event
date, adding the portfolio time-series test. The tests of the package assert these
rates; ``benchmarks/eventstudy_size_power.py`` prints them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from deepseek_monday.eventstudy.engine import TESTS, run_event_study
from deepseek_monday.eventstudy.portfolio import portfolio_test

# The cross-sectional tests, by the suffix of their p-value column in the CAAR table.
CROSS_SECTIONAL_TESTS = ("t_cs", "patell", "bmp", "kp", "corrado", "grank", "sign", "wilcoxon", "boot")
# Residual cross-correlations of :func:`correlation_size_table`, and the tests it compares.
CORRELATIONS = (0.0, 0.05, 0.2, 0.5)
CORRELATION_TESTS = ("t_cs", "patell", "bmp", "kp", "corrado", "grank", "sign", "wilcoxon", "portfolio")
TEST_LABELS = {prefix: label for prefix, label, *_ in TESTS} | {"portfolio": "portfolio time-series t"}
SIZE_LEVEL = 0.05
FIRMS_PER_CELL = 20
SETTINGS: dict[str, Any] = dict(estimation_window=(-140, -11), event_windows=((0, 0), (-1, 1)),
                                min_estimation_obs=120, pooled_group=None, n_boot=199)
# name: (cells of FIRMS_PER_CELL firms sharing an event date, simulate_panel arguments)
SCENARIOS: dict[str, tuple[int, dict[str, Any]]] = {
    "null": (1500, {}),
    "effect": (300, {"effect": 1.25, "effect_in_sd": True}),
    "firm_effect": (100, {"effect": 4.0, "effect_in_sd": True}),
    "event_variance": (1000, {"event_variance": 3.0}),
    "correlated": (1000, {"correlation": 0.05}),
}


@dataclass(frozen=True)
class SimulatedPanel:
    """A SYNTHETIC wide return frame: per cell one market, one sector index and N firms."""

    returns: pd.DataFrame
    firms: list[str]
    benchmark: dict[str, str]
    sector: dict[str, str]
    groups: dict[str, str]
    sigma: pd.Series
    event_date: pd.Timestamp


def simulate_panel(
    n_cells: int,
    n_firms: int,
    *,
    effect: float = 0.0,
    effect_in_sd: bool = False,
    event_variance: float = 1.0,
    correlation: float = 0.0,
    sector_loading: float = 0.0,
    seed: int = 0,
    n_days: int = 170,
    event_day: int = 150,
    prefix: str = "",
) -> SimulatedPanel:
    """Simulate R = alpha + beta M + gamma S + sigma e for n_cells x n_firms firms at once.

    Residuals e have a common component with pairwise correlation ``correlation`` within a
    cell; on the event day e is scaled by sqrt(event_variance) and ``effect`` is added
    (in units of each firm's sigma if ``effect_in_sd``). Every firm shares one event date.
    """
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2021-01-04", periods=n_days)
    market = rng.normal(0.0004, 0.01, (n_days, n_cells))
    sector = rng.normal(0.0, 0.008, (n_days, n_cells))
    alpha = rng.normal(0.0, 0.0005, (n_cells, n_firms))
    beta = rng.uniform(0.5, 1.5, (n_cells, n_firms))
    sigma = rng.uniform(0.01, 0.03, (n_cells, n_firms))
    common = rng.standard_normal((n_days, n_cells, 1))
    own = rng.standard_normal((n_days, n_cells, n_firms))
    noise = np.sqrt(correlation) * common + np.sqrt(1.0 - correlation) * own
    noise[event_day] *= np.sqrt(event_variance)
    firms = (alpha + beta * market[:, :, None] + sector_loading * sector[:, :, None]
             + sigma * noise)
    firms[event_day] += effect * sigma if effect_in_sd else effect
    markets = [f"{prefix}M{c}" for c in range(n_cells)]
    sectors = [f"{prefix}S{c}" for c in range(n_cells)]
    names = [f"{prefix}F{c}_{i}" for c in range(n_cells) for i in range(n_firms)]
    returns = pd.DataFrame(np.column_stack([market, sector, firms.reshape(n_days, -1)]),
                           index=dates, columns=markets + sectors + names)
    cell_of = {name: c for c in range(n_cells) for name in names[c * n_firms:(c + 1) * n_firms]}
    return SimulatedPanel(
        returns=returns,
        firms=names,
        benchmark={name: markets[c] for name, c in cell_of.items()},
        sector={name: sectors[c] for name, c in cell_of.items()},
        groups={name: f"{prefix}G{c}" for name, c in cell_of.items()},
        sigma=pd.Series(sigma.ravel(), index=names),
        event_date=dates[event_day],
    )


def simulated_tables(scenarios: Mapping[str, tuple[int, dict[str, Any]]] = SCENARIOS,
                     first_seed: int = 100) -> dict[str, pd.DataFrame]:
    """Run the engine once over every scenario; return its CAAR, CAR and day-0 AR tables.

    Each table has a ``scenario`` column. Scenario ``i`` (in order) is drawn with seed
    ``first_seed + i``.
    """
    panels = {name: simulate_panel(cells, FIRMS_PER_CELL, seed=seed, prefix=f"{name}:", **arguments)
              for seed, (name, (cells, arguments)) in enumerate(scenarios.items(), start=first_seed)}
    returns = pd.concat([p.returns for p in panels.values()], axis=1)
    result = run_event_study(
        returns, [next(iter(panels.values())).event_date],
        symbols=[f for p in panels.values() for f in p.firms],
        benchmark={k: v for p in panels.values() for k, v in p.benchmark.items()},
        groups={k: v for p in panels.values() for k, v in p.groups.items()}, **SETTINGS)

    def scenario(table: pd.DataFrame, column: str) -> pd.Series:
        return table[column].str.split(":").str[0]

    return {
        "caar": result.caar.assign(scenario=scenario(result.caar, "group")),
        "car": result.car.assign(scenario=scenario(result.car, "symbol")),
        "ar": result.abnormal_returns.query("rel_day == 0").assign(scenario=lambda t: scenario(t, "symbol")),
    }


def rejection_rate(p_values: pd.Series) -> float:
    """Share of p-values below 5 %; a test that was not reported (NaN) is an error."""
    if p_values.isna().any():
        raise ValueError("a test was not reported (NaN p-value)")
    return float((p_values < SIZE_LEVEL).mean())


def rejection_rates(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Rejection rate at 5 % of every test, per scenario and window (tidy).

    Columns: scenario, window, test, level ("cross-section": one cell of firms; "firm": one
    firm-event), n (cells or firm-events) and rate.
    """
    rows = []
    for (scenario, window), cells in tables["caar"].groupby(["scenario", "window"], sort=False):
        rows += [(scenario, window, test, "cross-section", len(cells), rejection_rate(cells[f"p_{test}"]))
                 for test in CROSS_SECTIONAL_TESTS]
    for (scenario, window), firms in tables["car"].groupby(["scenario", "window"], sort=False):
        rows += [(scenario, window, name, "firm", len(firms), rejection_rate(firms[column]))
                 for name, column in (("car_t", "p"), ("car_boot", "p_boot"))]
    for scenario, firms in tables["ar"].groupby("scenario", sort=False):
        rows.append((scenario, "[0,0]", "ar_t", "firm", len(firms), rejection_rate(firms["p"])))
    return pd.DataFrame(rows, columns=["scenario", "window", "test", "level", "n", "rate"])


def correlated_rejection_rates(correlations: tuple[float, ...] = CORRELATIONS, n_cells: int = 500,
                               n_firms: int = FIRMS_PER_CELL, first_seed: int = 300) -> pd.DataFrame:
    """Rejection rate at 5 % under the null of every group test, by residual cross-correlation.

    SYNTHETIC: for each correlation rho, ``n_cells`` cells of ``n_firms`` firms share one event
    date, their market-model residuals pairwise correlated rho (no event effect). One
    engine run covers all of them (market model, estimation [-140,-11]); the portfolio
    time-series test runs on each cell's equal-weighted portfolio. Tidy: rho, window, test,
    label, n (cells), rate.
    """
    panels = {rho: simulate_panel(n_cells, n_firms, correlation=rho, seed=seed, prefix=f"{rho}:")
              for seed, rho in enumerate(correlations, start=first_seed)}
    returns = pd.concat([p.returns for p in panels.values()], axis=1)
    firms = [f for p in panels.values() for f in p.firms]
    groups = {k: v for p in panels.values() for k, v in p.groups.items()}
    settings = SETTINGS | {"n_boot": 0}
    event_date = next(iter(panels.values())).event_date
    caar = run_event_study(returns, [event_date], symbols=firms,
                           benchmark={k: v for p in panels.values() for k, v in p.benchmark.items()},
                           groups=groups, **settings).caar
    market_of_group = {groups[f]: m for p in panels.values() for f, m in p.benchmark.items()}
    benchmarks = returns[list(market_of_group.values())].set_axis(list(market_of_group), axis=1)
    portfolio = portfolio_test(returns[firms], benchmarks, groups, event_date,
                               windows=settings["event_windows"],
                               estimation_window=settings["estimation_window"],
                               min_estimation_obs=settings["min_estimation_obs"])
    caar = caar.assign(p_portfolio=portfolio.set_index(["group", "window"])["p"]
                       .reindex(pd.MultiIndex.from_frame(caar[["group", "window"]])).to_numpy())
    caar["rho"] = caar["group"].str.split(":").str[0].astype(float)
    rows = [(rho, window, test, TEST_LABELS[test], len(cells), rejection_rate(cells[f"p_{test}"]))
            for (rho, window), cells in caar.groupby(["rho", "window"], sort=False)
            for test in CORRELATION_TESTS]
    return pd.DataFrame(rows, columns=["rho", "window", "test", "label", "n", "rate"])


def correlation_size_table(correlations: tuple[float, ...] = CORRELATIONS, n_cells: int = 500,
                           n_firms: int = FIRMS_PER_CELL, first_seed: int = 300) -> pd.DataFrame:
    """:func:`correlated_rejection_rates` as a table: one row per window and test, one column
    per residual correlation, rejection rates at 5 % (SYNTHETIC, no event effect)."""
    rates = correlated_rejection_rates(correlations, n_cells, n_firms, first_seed)
    table = rates.pivot_table(index=["window", "label"], columns="rho", values="rate", sort=False)
    table.columns = [f"rho={rho:g}" for rho in table.columns]
    return table


# Cells per correlation of the size table the methods page shows (book/size_power_table.md).
SIZE_TABLE_CELLS = 1000
SIZE_TABLE_NOTE = ("<!-- GENERATED by `python benchmarks/eventstudy_size_power.py --write-table`; do not edit. "
                   "tests/eventstudy/test_correlated_size.py checks that it matches the simulation. -->")


def size_table_markdown(table: pd.DataFrame, n_cells: int = SIZE_TABLE_CELLS) -> str:
    """The table of :func:`correlation_size_table` as a Markdown table for the methods page (rates in %).

    One row per window and test, one column per residual correlation; a rate outside 3-7 %
    (a 5 % test that does not hold its size in 1,000 cells) is set in bold.
    """
    rhos = [column.removeprefix("rho=") for column in table.columns]
    lines = [SIZE_TABLE_NOTE, "",
             "| Window | Test | " + " | ".join(f"$\\rho = {rho}$" for rho in rhos) + " |",
             "| --- | --- | " + " | ".join("---:" for _ in rhos) + " |"]
    for (window, label), rates in table.iterrows():
        cells = []
        for rate in rates:
            text = f"{100 * rate:.1f}"
            cells.append(text if 0.03 <= rate <= 0.07 else f"**{text}**")
        label = label.replace("Kolari-Pynnonen", "Kolari\u2013Pynnönen")
        window = window.replace("-", "\u2212")
        lines.append(f"| {window} | {label} | " + " | ".join(cells) + " |")
    lines += ["", f"Rejection rate at the 5 % level, in percent, of {n_cells:,} SYNTHETIC groups of "
              f"{FIRMS_PER_CELL} firms per correlation, no event effect; bold: outside 3\u20137 %."]
    return "\n".join(lines) + "\n"
