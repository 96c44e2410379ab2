"""Loaders for the sourced facts: fundamentals, the event timeline, AI training compute, dated capex plans.

Values keep their units. :func:`fundamentals` converts on request, through an explicit
table of units (so ``USD_billions`` and ``USD_millions`` rows of one metric can be
compared), and refuses conversions between different dimensions.
"""

from __future__ import annotations

import os
from functools import cache

import pandas as pd

from deepseek_monday.data.paths import facts_dir
from deepseek_monday.data.prices import read_csv_text
from deepseek_monday.errors import DataValidationError, ParameterError

FUNDAMENTALS_COLUMNS = ["ticker", "fiscal_period", "period_end", "metric", "value", "unit", "source"]
EVENTS_COLUMNS = ["date", "event", "category", "source"]
AI_COMPUTE_COLUMNS = ["model", "developer", "release_date", "gpu_type", "gpu_count", "gpu_hours",
                      "reported_cost_usd", "params_total", "params_active", "training_tokens", "source"]
CAPEX_GUIDANCE_COLUMNS = ["ticker", "announced_date", "announced_via", "period_label", "period_type", "period_start",
                          "period_end", "value_low", "value_high", "unit", "scope", "source"]
# How the facts mark a plan that is not the company's own guidance (a press reading), in
# capex_guidance.csv's scope and in the source of fundamentals.csv's guidance rows (case ignored).
NOT_COMPANY_FIGURE = ("not a company figure", "not a formal guidance figure")
AI_COMPUTE_NUMERIC = ["gpu_count", "gpu_hours", "reported_cost_usd", "params_total",
                      "params_active", "training_tokens"]

# unit -> (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {
    "USD": ("USD", 1.0),
    "USD_millions": ("USD", 1e6),
    "USD_billions": ("USD", 1e9),
    "TWD_millions": ("TWD", 1e6),
    "USD_per_share": ("USD per share", 1.0),
    "shares": ("shares", 1.0),
    "millions_of_shares": ("shares", 1e6),
    "millions_of_shares_split_adjusted": ("shares", 1e6),
    "millions_of_common_shares": ("shares", 1e6),
    "percent": ("percent", 1.0),
    "ratio": ("ratio", 1.0),
}


def _read(name: str, columns: list[str], facts: str | os.PathLike[str] | None) -> pd.DataFrame:
    path = facts_dir(facts) / name
    if not path.is_file():
        raise DataValidationError(f"{path}: facts file not found")
    frame = read_csv_text(path)
    if list(frame.columns) != columns:
        raise DataValidationError(f"{path}: columns {list(frame.columns)}, expected {columns}")
    frame.attrs["path"] = str(path)
    return frame


def _parse_dates(frame: pd.DataFrame, column: str) -> pd.Series:
    parsed = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
    if parsed.isna().any():
        line = int(parsed.isna().to_numpy().nonzero()[0][0]) + 2
        raise DataValidationError(
            f"{frame.attrs['path']}: line {line}: {column} {frame[column].iloc[line - 2]!r} is not an ISO date"
        )
    return parsed


def _parse_numbers(frame: pd.DataFrame, column: str, allow_empty: bool) -> pd.Series:
    text = frame[column].str.strip()
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = values.isna() & ((text != "") | (not allow_empty))
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise DataValidationError(
            f"{frame.attrs['path']}: line {line}: {column} {text.iloc[line - 2]!r} is not a number"
        )
    return values


@cache
def load_fundamentals(facts: str | None = None) -> pd.DataFrame:
    """Return ``fundamentals.csv`` with parsed dates and values, units as written."""
    frame = _read("fundamentals.csv", FUNDAMENTALS_COLUMNS, facts)
    frame["period_end"] = _parse_dates(frame, "period_end")
    frame["value"] = _parse_numbers(frame, "value", allow_empty=False)
    unknown = sorted(set(frame["unit"]) - set(UNITS))
    if unknown:
        raise DataValidationError(f"{frame.attrs['path']}: unknown units {unknown}; known: {sorted(UNITS)}")
    frame["secondary_source"] = frame["source"].str.contains("(secondary", regex=False)
    return frame


def convert(values: pd.Series, from_units: pd.Series, to_unit: str) -> pd.Series:
    """Convert ``values`` row by row from ``from_units`` to ``to_unit`` (same dimension only)."""
    if to_unit not in UNITS:
        raise ParameterError(f"unit: unknown unit {to_unit!r}; known: {sorted(UNITS)}")
    dimension, factor = UNITS[to_unit]
    dimensions = from_units.map(lambda unit: UNITS[unit][0])
    mismatched = sorted(set(from_units[dimensions != dimension]))
    if mismatched:
        raise ParameterError(f"cannot convert {mismatched} to {to_unit!r} (different dimension)")
    return values * from_units.map(lambda unit: UNITS[unit][1]) / factor


def fundamentals(ticker: str | None = None, metric: str | None = None, unit: str | None = None,
                 facts: str | None = None) -> pd.DataFrame:
    """Return fundamentals rows, filtered, and converted to ``unit`` if given.

    Converted rows keep the original figure in ``value_as_written``/``unit_as_written``.
    """
    frame = load_fundamentals(facts)
    if ticker is not None:
        frame = frame[frame["ticker"] == ticker]
    if metric is not None:
        frame = frame[frame["metric"] == metric]
    frame = frame.copy()
    if frame.empty:
        raise ParameterError(f"no fundamentals for ticker={ticker!r}, metric={metric!r}")
    if unit is not None:
        frame["value_as_written"], frame["unit_as_written"] = frame["value"], frame["unit"]
        frame["value"] = convert(frame["value"], frame["unit"], unit)
        frame["unit"] = unit
    return frame.sort_values(["ticker", "period_end", "metric"]).reset_index(drop=True)


@cache
def load_events(facts: str | None = None) -> pd.DataFrame:
    """Return the event timeline with parsed dates and an ``approximate`` flag."""
    frame = _read("events.csv", EVENTS_COLUMNS, facts)
    frame["date"] = _parse_dates(frame, "date")
    frame["approximate"] = frame["event"].str.contains("approximate", case=False)
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


@cache
def load_ai_compute(facts: str | None = None) -> pd.DataFrame:
    """Return AI training compute and cost rows with numeric columns parsed.

    ``release_date`` stays text: some rows give only a month (``2023-03``) or nothing.
    """
    frame = _read("ai_compute.csv", AI_COMPUTE_COLUMNS, facts)
    for column in AI_COMPUTE_NUMERIC:
        frame[column] = _parse_numbers(frame, column, allow_empty=True)
    frame["estimate"] = frame["model"].str.contains("estimate", case=False)
    return frame


def is_press_reading(text: str) -> bool:
    """Return True where a facts row's text says its plan is not the company's own figure."""
    return any(marker in text.lower() for marker in NOT_COMPANY_FIGURE)


def load_capex_guidance(facts: str | None = None) -> pd.DataFrame:
    """Return the dated capex plans of ``capex_guidance.csv``: values in USD bn, dates parsed.

    ``company_figure`` is False where the row's scope or source says it is not a company figure
    (Amazon's 2025 row is the press's reading of a remark on the call, not guidance).
    """
    frame = _read("capex_guidance.csv", CAPEX_GUIDANCE_COLUMNS, facts)
    for column in ("announced_date", "period_start", "period_end"):
        frame[column] = _parse_dates(frame, column)
    for column in ("value_low", "value_high"):
        frame[column] = convert(_parse_numbers(frame, column, allow_empty=False), frame["unit"], "USD_billions")
    if (frame["value_low"] > frame["value_high"]).any():
        line = int((frame["value_low"] > frame["value_high"]).to_numpy().nonzero()[0][0]) + 2
        raise DataValidationError(f"{frame.attrs['path']}: line {line}: a plan's low end lies above its high end")
    frame["unit"] = "USD_billions"
    frame["company_figure"] = ~(frame["scope"] + " " + frame["source"]).map(is_press_reading)
    return frame


def check_facts(facts: str | None = None) -> None:
    """Read and check every facts file; raise a DataValidationError naming the file, line and problem."""
    load_fundamentals(facts)
    load_events(facts)
    load_ai_compute(facts)
    load_capex_guidance(facts)


FF_FACTORS_COLUMNS = ["date", "mkt_rf", "smb", "hml", "rf", "mom", "smb5", "rmw", "cma"]
# Columns every row carries (the 3-factor file); the others start later (mom 1926-11, 5F 1963-07).
FF_REQUIRED = ["mkt_rf", "smb", "hml", "rf"]


@cache
def load_ff_factors(facts: str | None = None) -> pd.DataFrame:
    """Return the daily Fama-French factors of ``ff_factors_daily.csv`` in DECIMAL (the file is in percent).

    Indexed by date (unique, ascending); columns ``mkt_rf, smb, hml, rf, mom, smb5, rmw, cma``.
    ``mom`` and the 5-factor ``smb5, rmw, cma`` are NaN before they begin; a gap in the
    3-factor columns, a non-number or a repeated or unordered date is a DataValidationError.
    The returned table is shared: copy it before changing it.
    """
    frame = _read("ff_factors_daily.csv", FF_FACTORS_COLUMNS, facts)
    dates = _parse_dates(frame, "date")
    steps = dates.diff().dt.days.to_numpy()[1:]
    if (steps <= 0).any():
        line = int((steps <= 0).nonzero()[0][0]) + 3
        raise DataValidationError(f"{frame.attrs['path']}: line {line}: dates must be ascending and unique")
    table = pd.DataFrame(index=pd.DatetimeIndex(dates, name="date"))
    for column in FF_FACTORS_COLUMNS[1:]:
        values = _parse_numbers(frame, column, allow_empty=column not in FF_REQUIRED)
        table[column] = values.to_numpy(dtype=float) / 100.0
    for column in FF_FACTORS_COLUMNS[1:]:
        present = table[column].notna().to_numpy()
        if present.any():
            first, last = present.argmax(), len(present) - present[::-1].argmax()
            if not present[first:last].all():
                gap = first + int((~present[first:last]).argmax())
                raise DataValidationError(
                    f"{frame.attrs['path']}: line {gap + 2}: {column} is empty inside its history "
                    f"({table.index[first]:%Y-%m-%d}..{table.index[last - 1]:%Y-%m-%d})"
                )
    table.attrs["path"] = frame.attrs["path"]
    table.attrs["unit"] = "decimal (converted from the file's percent)"
    return table
