"""A series the manifest gains but data/universe.csv does not list changes nothing the chapters compute.

All snapshots here are SYNTHETIC (see conftest).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from conftest import SYNTHETIC_DATES, manifest_row, write_manifest, write_price_file

from deepseek_monday.data import prices
from deepseek_monday.data.returns import daily_returns, report_symbols
from deepseek_monday.data.universe import load_universe
from deepseek_monday.measures import event_day

EVENT = pd.Timestamp("2025-01-21")


def _chapter_numbers() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    returns = daily_returns()
    table = event_day.event_day_returns(returns, EVENT)
    return returns, table, event_day.group_summary(table)


def test_an_extra_manifest_series_changes_no_chapter_number(synthetic_snapshot: Path) -> None:
    before = _chapter_numbers()
    assert "ZZZ" not in load_universe().index
    # SYNTHETIC extra series, not in the universe, falling 50% on the event day
    write_price_file(synthetic_snapshot, "ZZZ", SYNTHETIC_DATES, [10.0, 10.0, 10.0, 10.0, 5.0, 5.0])
    write_manifest(synthetic_snapshot, [manifest_row("NVDA", SYNTHETIC_DATES),
                                        manifest_row("GSPC", SYNTHETIC_DATES, adjusted="no (n/a)"),
                                        manifest_row("ZZZ", SYNTHETIC_DATES)])
    prices._load_snapshot.cache_clear()
    assert "ZZZ" in prices.load_snapshot().symbols()
    assert report_symbols() == ["NVDA", "GSPC"]
    after = _chapter_numbers()
    assert list(after[0].columns) == ["NVDA", "GSPC"]  # the default is restricted to the universe
    for old, new in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(old, new)
    assert after[1]["return"].min() > -0.5  # the extra series' fall is nowhere in the event table


def test_new_instruments_leave_the_us_groups_as_they_were() -> None:
    """SOX (an index) and the non-US listings sit where no US group average picks them up."""
    universe = load_universe()
    us_groups = ["AI chips", "networking/servers", "power for AI", "hyperscalers and megacaps", "cloud software"]
    assert universe.at["SOX", "group"] == "indices/benchmarks" and universe.at["SOX", "kind"] == "index"
    for symbol in ("ASML.AS", "SAP.DE", "SIE.DE", "IFX.DE", "SU.PA", "6857.T", "8035.T", "000300.SS", "KTEC"):
        assert universe.at[symbol, "group"] not in us_groups, symbol
    assert set(universe.loc[universe["group"].isin(us_groups), "calendar"]) == {"XNYS"}
    assert universe.loc[["SAP.DE", "SIE.DE", "IFX.DE"], "benchmark"].eq("GDAXI").all()
    assert universe.loc[["SU.PA", "ASML.AS"], "benchmark"].eq("STOXX50E").all()
