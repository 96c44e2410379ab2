"""How tables look to readers: fixed decimals, a dash for missing values, whole cell texts.

The chapters' ``display_*`` functions choose columns, labels and units; :func:`readable`
then turns the numbers into text, so the book shows ``11.05`` rather than ``11.050000``,
a dash rather than ``NaN`` or ``<NA>``, and the same text in every edition (nbval compares it).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

MISSING = "\u2013"  # en dash
MINUS = "\u2212"  # minus sign, as in typeset numbers


def format_number(value: object, decimals: int = 2, signed: bool = False) -> str:
    """Return ``value`` with ``decimals`` decimals and a true minus sign, or :data:`MISSING` if it is missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return MISSING
    text = f"{float(value):{'+' if signed else ''},.{decimals}f}"
    return text.replace("-", MINUS)


def format_p_value(value: object, decimals: int = 3) -> str:
    """Return a p-value with ``decimals`` decimals, or ``<0.001`` (for 3 decimals) below the smallest shown."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return MISSING
    floor = 10.0 ** -decimals
    return f"<{floor:.{decimals}f}" if float(value) < floor else f"{float(value):.{decimals}f}"


def readable(frame: pd.DataFrame, decimals: int | Mapping[str, int] = 2, p_values: tuple[str, ...] = (),
             index: str | None = None) -> pd.DataFrame:
    """Return ``frame`` as text for readers.

    Numeric columns get ``decimals`` decimals (one number for all, or per column; integer
    columns keep none), ``p_values`` columns are shown as p-values, missing values become
    :data:`MISSING`. With ``index``, that column becomes the row labels, so a table never
    shows meaningless row numbers.
    """
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        if column in p_values:
            shown[column] = [format_p_value(v) for v in values]
        elif pd.api.types.is_bool_dtype(values):
            shown[column] = values.map({True: "yes", False: "no"}).fillna(MISSING)
        elif pd.api.types.is_integer_dtype(values):
            shown[column] = [MISSING if pd.isna(v) else f"{int(v):,}" for v in values]
        elif pd.api.types.is_numeric_dtype(values):
            places = decimals.get(column, 2) if isinstance(decimals, Mapping) else decimals
            shown[column] = [format_number(v, places) for v in values]
        else:
            shown[column] = values.astype(object).where(values.notna(), MISSING)
    if index is not None:
        shown = shown.set_index(index)
    return shown


def format_percent(value: object, decimals: int = 2, signed: bool = False) -> str:
    """Return a fraction as a percentage in the house style: ``-0.1697`` -> ``\u221216.97 %``.

    A true minus, a space before %.
    Thousands are separated (``1,234.50 %``); a missing value is :data:`MISSING`.
    """
    text = format_number(None if value is None else 100 * float(value), decimals, signed)  # type: ignore[arg-type]
    return text if text == MISSING else f"{text} %"


def format_bn(value: object, decimals: int = 0, unit: str = "bn USD", signed: bool = False) -> str:
    """Return an amount in US dollars as billions in the house style: ``-5.994e11`` -> ``\u2212599 bn USD``."""
    text = format_number(None if value is None else float(value) / 1e9, decimals, signed)  # type: ignore[arg-type]
    return text if text == MISSING else f"{text} {unit}"
