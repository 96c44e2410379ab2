"""SYNTHETIC return panels for the event-study tests (simulated numbers, not market data)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest


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


@pytest.fixture
def small_panel() -> SimulatedPanel:
    """Two SYNTHETIC cells of four firms, 170 days, event on day 150 (no effect)."""
    return simulate_panel(2, 4, seed=11)
