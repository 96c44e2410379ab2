"""Facts loaders (units kept, conversions explicit) and the universe file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import REAL_DATA, requires_real_data

from deepseek_monday.data import facts
from deepseek_monday.data.universe import GROUPS, check_symbols, load_universe, symbols_in_group
from deepseek_monday.errors import DataValidationError, ParameterError


def test_convert_between_units_of_one_dimension() -> None:
    values = pd.Series([1.5, 2500.0])
    units = pd.Series(["USD_billions", "USD_millions"])
    assert facts.convert(values, units, "USD_millions").tolist() == [1500.0, 2500.0]


def test_convert_refuses_other_dimensions_and_unknown_units() -> None:
    with pytest.raises(ParameterError, match=r"cannot convert \['percent'\] to 'USD_millions'"):
        facts.convert(pd.Series([50.0]), pd.Series(["percent"]), "USD_millions")
    with pytest.raises(ParameterError, match="unknown unit 'EUR'"):
        facts.convert(pd.Series([1.0]), pd.Series(["USD"]), "EUR")


def test_bad_facts_file_names_the_line(tmp_path: Path) -> None:
    # SYNTHETIC facts file with a malformed value on line 3.
    (tmp_path / "fundamentals.csv").write_text(
        "ticker,fiscal_period,period_end,metric,value,unit,source\n"
        "NVDA,FY2025,2025-01-26,revenue,130497,USD_millions,synthetic\n"
        "NVDA,FY2026,2026-01-25,revenue,lots,USD_millions,synthetic\n"
    )
    with pytest.raises(DataValidationError, match=r"fundamentals.csv: line 3: value 'lots' is not a number"):
        facts.load_fundamentals(str(tmp_path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"NVDA,FY2025,2025-01-26,revenue,130,497,USD_millions,synthetic\n", "line 2: 8 fields, expected 7"),
        (b"NVDA,FY2025,2025-01-26,revenue,130497,USD_millions,synth\xe9tic\n", "line 2: not UTF-8 text"),
        (b"\nNVDA,FY2025,2025-01-26,revenue,130497,USD_millions,synthetic\n", "line 2: empty line"),
    ],
)
def test_malformed_facts_file_names_file_and_line(tmp_path: Path, content: bytes, message: str) -> None:
    # SYNTHETIC facts file.
    (tmp_path / "fundamentals.csv").write_bytes(b"ticker,fiscal_period,period_end,metric,value,unit,source\n" + content)
    with pytest.raises(DataValidationError, match=r"fundamentals\.csv: " + message):
        facts.check_facts(str(tmp_path))


GUIDANCE_HEADER = ("ticker,announced_date,announced_via,period_label,period_type,period_start,period_end,"
                   "value_low,value_high,unit,scope,source\n")


def test_capex_guidance_in_usd_bn_with_dates_and_the_company_figure_flag(tmp_path: Path) -> None:
    # SYNTHETIC plans: one company figure in USD bn, one press reading in USD m.
    (tmp_path / "capex_guidance.csv").write_text(
        GUIDANCE_HEADER
        + "AAA,2025-01-03,blog,FY2025,fiscal,2024-07-01,2025-06-30,80,80,USD_billions,capex,synthetic\n"
        + 'BBB,2025-02-06,call,CY2025,calendar,2025-01-01,2025-12-31,100000,105000,USD_millions,'
          '"NOT a formal guidance figure","synthetic; not a company figure"\n')
    plans = facts.load_capex_guidance(str(tmp_path))
    assert plans["value_low"].tolist() == [80.0, 100.0] and plans["value_high"].tolist() == [80.0, 105.0]
    assert set(plans["unit"]) == {"USD_billions"}
    assert plans.at[0, "announced_date"] == pd.Timestamp("2025-01-03")
    assert plans["company_figure"].tolist() == [True, False]
    assert facts.is_press_reading("NOT a formal guidance figure: press shorthand")
    assert not facts.is_press_reading("capex")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("AAA,2025-13-03,x,FY2025,fiscal,2024-07-01,2025-06-30,80,80,USD_billions,s,s\n", "line 2: announced_date"),
        ("AAA,2025-01-03,x,FY2025,fiscal,2024-07-01,2025-06-30,90,80,USD_billions,s,s\n", "line 2: a plan's low end"),
        ("AAA,2025-01-03,x,FY2025,fiscal,2024-07-01,2025-06-30,80,80,shares,s,s\n", "different dimension"),
    ],
)
def test_capex_guidance_refuses_bad_rows(tmp_path: Path, row: str, message: str) -> None:
    (tmp_path / "capex_guidance.csv").write_text(GUIDANCE_HEADER + row)  # SYNTHETIC
    with pytest.raises((DataValidationError, ParameterError), match=message):
        facts.load_capex_guidance(str(tmp_path))


@requires_real_data
def test_real_capex_guidance_marks_amazons_press_reading() -> None:
    plans = facts.load_capex_guidance().set_index("ticker")
    assert plans.index.tolist() == ["MSFT", "META", "GOOGL", "AMZN"]
    assert not plans.at["AMZN", "company_figure"] and plans.drop(index="AMZN")["company_figure"].all()


@requires_real_data
def test_real_fundamentals_keep_units_and_convert_on_request() -> None:
    revenue = facts.fundamentals("NVDA", "revenue", "USD_millions")
    assert set(revenue["unit"]) == {"USD_millions"}
    assert {"USD_millions", "USD_billions"} <= set(revenue["unit_as_written"])
    as_written = revenue[revenue["unit_as_written"] == "USD_billions"].iloc[0]
    assert as_written["value"] == as_written["value_as_written"] * 1000


@requires_real_data
def test_real_events_and_compute() -> None:
    events = facts.load_events()
    assert events["date"].is_monotonic_increasing
    assert (events["category"] == "export_control").sum() >= 5
    assert events.loc[events["approximate"], "event"].str.contains("approximate").all()
    compute = facts.load_ai_compute()
    assert compute["gpu_hours"].dtype.kind == "f"
    assert compute["estimate"].any()


@requires_real_data
def test_every_universe_symbol_has_a_price_file() -> None:
    manifest = pd.read_csv(REAL_DATA / "MANIFEST.csv", dtype=str)
    universe = load_universe()
    assert set(universe.index) <= set(manifest["symbol"])  # the snapshot may hold more than the report uses
    assert set(universe["group"]) == set(GROUPS)
    assert universe.loc[universe["kind"] != "volatility", "kind"].isin(manifest["kind"]).all()


def test_universe_lookups() -> None:
    assert "NVDA" in symbols_in_group("AI chips")
    assert check_symbols(["NVDA", "SPY"]) == ["NVDA", "SPY"]
    with pytest.raises(ParameterError, match=r"unknown ticker\(s\) \['NVDIA'\]"):
        check_symbols(["NVDIA"])
    with pytest.raises(ParameterError, match="unknown group"):
        symbols_in_group("banks")


@requires_real_data
@pytest.mark.parametrize(
    ("symbols", "message"),
    [([], "symbols: the list is empty"), (["NVDA", "NVDA"], r"symbols: tickers listed twice: \['NVDA'\]")],
)
def test_check_symbols_refuses_empty_and_repeated_lists(symbols: list[str], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        check_symbols(symbols)
