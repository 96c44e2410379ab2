"""Validation figures: how often each event-study test rejects at 5 % on SYNTHETIC returns.

Run from the project directory: ``.venv/bin/python benchmarks/eventstudy_size_power.py``.

Seeded simulations (deepseek_monday.eventstudy.simulation; not market data) of cells of
20 firms sharing one event date, market model, estimation window [-140,-11]:
  null            no abnormal return: every rate should be about 5 % (3-7 %)
  effect          an abnormal return of 1.25 residual sd on day 0: power of the group tests
  firm_effect     4 residual sd on day 0: power of the single-firm tests
  event_variance  residual variance tripled on day 0, no effect: Patell over-rejects, BMP holds
  correlated      residual correlation 0.05 within a cell: only Kolari-Pynnonen, rank and
                  bootstrap tests keep their size
Then, under the null, residual cross-correlation 0, 0.05, 0.2 and 0.5 among the 20 firms of
each cell (one shared event date), with the portfolio time-series test added.
The tests in tests/eventstudy/test_simulated_size_power.py and test_correlated_size.py
assert these rates. ``--write-table`` writes the second table to book/size_power_table.md,
the table the methods page includes (a test checks that it matches the simulation).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from deepseek_monday.eventstudy.simulation import (
    CORRELATIONS,
    SCENARIOS,
    SIZE_TABLE_CELLS,
    correlation_size_table,
    rejection_rates,
    simulated_tables,
    size_table_markdown,
)

CORRELATED_CELLS = SIZE_TABLE_CELLS
TABLE_PATH = Path(__file__).resolve().parents[1] / "book" / "size_power_table.md"


def write_table() -> None:
    """Write the size table of the methods page (book/size_power_table.md)."""
    TABLE_PATH.write_text(size_table_markdown(correlation_size_table(CORRELATIONS, n_cells=CORRELATED_CELLS)),
                          encoding="utf-8")
    print(f"wrote {TABLE_PATH}")


def main() -> None:
    start = time.perf_counter()
    rates = rejection_rates(simulated_tables())
    print(f"{sum(cells for cells, _ in SCENARIOS.values()):,} simulated cells of 20 firms "
          f"({time.perf_counter() - start:.1f} s). Rejection rate at 5 %, in percent; n = cells or firm-events.\n")
    table = rates.assign(rate=100 * rates["rate"]).pivot_table(
        index=["scenario", "level", "test", "n"], columns="window", values="rate", sort=False)
    print(table.round(1).to_string())

    start = time.perf_counter()
    by_rho = correlation_size_table(CORRELATIONS, n_cells=CORRELATED_CELLS)
    print(f"\nNo event effect; residual cross-correlation rho among the 20 firms of a cell, "
          f"{CORRELATED_CELLS:,} cells per rho ({time.perf_counter() - start:.1f} s). "
          "Rejection rate at 5 %, in percent:\n")
    print((100 * by_rho).round(1).to_string())


if __name__ == "__main__":
    write_table() if "--write-table" in sys.argv[1:] else main()
