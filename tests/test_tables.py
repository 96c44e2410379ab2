"""Tables as readers see them (SYNTHETIC values)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from deepseek_monday.present import tables


def test_numbers_get_fixed_decimals_a_true_minus_and_a_dash_when_missing() -> None:
    frame = pd.DataFrame({
        "name": ["a", None], "ratio": [11.05, np.nan], "count": pd.array([3, None], dtype="Int64"),
        "p": [0.0004, 0.25], "change (%)": [-1234.5, 2.0], "flag": [True, False],
    })
    shown = tables.readable(frame, decimals={"ratio": 1, "change (%)": 2}, p_values=("p",), index="name")
    assert shown.index.tolist() == ["a", tables.MISSING]
    assert shown["ratio"].tolist() == ["11.1", tables.MISSING]
    assert shown["count"].tolist() == ["3", tables.MISSING]
    assert shown["p"].tolist() == ["<0.001", "0.250"]
    assert shown["change (%)"].tolist() == [f"{tables.MINUS}1,234.50", "2.00"]
    assert shown["flag"].tolist() == ["yes", "no"]


def test_signed_numbers_and_missing_values() -> None:
    assert tables.format_number(0.5, 1, signed=True) == "+0.5"
    assert tables.format_number(-0.5, 1, signed=True) == f"{tables.MINUS}0.5"
    assert tables.format_number(pd.NA) == tables.MISSING
    assert tables.format_p_value(float("nan")) == tables.MISSING
