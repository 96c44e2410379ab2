"""Size of the group tests when firms share one event date and their residuals are
cross-correlated (issue #18). SYNTHETIC, seeded simulations; no market data.

With residual correlation 0.5 among 20 firms, a cross-sectional test that treats the
firms as independent understates the variance of the mean by the factor
(1 + 19 * 0.5) / (1 - 0.5) = 21 and rejects a true null most of the time; the portfolio
time-series test, whose residual variance contains the correlation, keeps its size.
"""

from __future__ import annotations

import pytest

from deepseek_monday.eventstudy.simulation import (
    CORRELATION_TESTS,
    correlated_rejection_rates,
    correlation_size_table,
)


@pytest.fixture(scope="module")
def rates():
    """600 SYNTHETIC cells of 20 firms at rho = 0 and 600 at rho = 0.5 (no event effect)."""
    table = correlated_rejection_rates(correlations=(0.0, 0.5), n_cells=600, first_seed=500)
    return table.set_index(["rho", "window", "test"])["rate"]


@pytest.mark.parametrize("window", ["[0,0]", "[-1,+1]"])
def test_portfolio_test_holds_its_size_under_strong_cross_correlation(rates, window):
    assert 0.03 <= rates[(0.5, window, "portfolio")] <= 0.075
    assert 0.03 <= rates[(0.0, window, "portfolio")] <= 0.075


@pytest.mark.parametrize("window", ["[0,0]", "[-1,+1]"])
def test_cross_sectional_t_over_rejects_under_strong_cross_correlation(rates, window):
    assert 0.03 <= rates[(0.0, window, "t_cs")] <= 0.075  # independent firms: nominal
    assert rates[(0.5, window, "t_cs")] > 0.4  # shared event date, rho = 0.5: far above 5 %
    # Kolari-Pynnonen's correction also restores the size; the sign and Wilcoxon tests do not.
    assert 0.03 <= rates[(0.5, window, "kp")] <= 0.075
    assert rates[(0.5, window, "wilcoxon")] > 0.4 and rates[(0.5, window, "sign")] > 0.4


def test_table_has_every_test_and_correlation():
    table = correlation_size_table(correlations=(0.0, 0.2), n_cells=20, n_firms=8)
    assert list(table.columns) == ["rho=0", "rho=0.2"]
    assert len(table) == 2 * len(CORRELATION_TESTS)  # two windows
    assert ((table >= 0) & (table <= 1)).all().all()


def test_methods_page_table_is_the_simulation_s():
    """The size table the methods page includes (book/size_power_table.md) is generated, never typed:
    it equals the seeded simulation's table (SYNTHETIC), rate for rate."""
    from pathlib import Path

    from deepseek_monday.eventstudy.simulation import CORRELATIONS, SIZE_TABLE_CELLS, size_table_markdown

    page = Path(__file__).parents[2] / "book" / "size_power_table.md"
    table = correlation_size_table(CORRELATIONS, n_cells=SIZE_TABLE_CELLS)
    assert page.read_text(encoding="utf-8") == size_table_markdown(table), (
        "book/size_power_table.md is stale: run benchmarks/eventstudy_size_power.py --write-table")
    methods = (Path(__file__).parents[2] / "book" / "methods_event_study.md").read_text(encoding="utf-8")
    assert "```{include} size_power_table.md" in methods
