"""SYNTHETIC return panels for the event-study tests (simulated numbers, not market data).

The simulation lives in :mod:`deepseek_monday.eventstudy.simulation`.
"""

from __future__ import annotations

import pytest

from deepseek_monday.eventstudy.simulation import SimulatedPanel, simulate_panel

__all__ = ["SimulatedPanel", "simulate_panel"]


@pytest.fixture
def small_panel() -> SimulatedPanel:
    """Two SYNTHETIC cells of four firms, 170 days, event on day 150 (no effect)."""
    return simulate_panel(2, 4, seed=11)
