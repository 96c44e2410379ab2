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


def test_percentages_and_billions_follow_the_house_style() -> None:
    assert tables.format_percent(-0.169681) == f"{tables.MINUS}16.97 %"
    assert tables.format_percent(0.0305, signed=True) == "+3.05 %"
    assert tables.format_percent(12.345, 1) == "1,234.5 %"
    assert tables.format_percent(float("nan")) == tables.MISSING
    assert tables.format_bn(-5.994e11, 1) == f"{tables.MINUS}599.4 bn USD"


def test_typeset_turns_sign_hyphens_into_minus_signs_and_spaces_percent() -> None:
    from deepseek_monday.present.typography import MINUS, hyphen_signs, typeset

    assert typeset("Nvidia -16.97% and (-1.5%) over [-1,+1]") == \
        f"Nvidia {MINUS}16.97 % and ({MINUS}1.5 %) over [{MINUS}1,+1]"
    assert typeset("-0.5 at the start") == f"{MINUS}0.5 at the start"
    # After a comma, a semicolon or a comparison sign, as in an estimation window or a bound.
    assert typeset("days [-250,-11]; p=-0.2, x <-5") == f"days [{MINUS}250,{MINUS}11]; p={MINUS}0.2, x <{MINUS}5"
    assert hyphen_signs(f"[{MINUS}250,-11]")
    # Not signs: ISO dates, ranges, tickers and words keep their hyphens.
    for text in ("2025-01-27", "BRK-B", "27-28 January", "pre-market", "FY2024Q4-FY2025Q3", "x-1"):
        assert typeset(text) == text
    assert hyphen_signs("a -3 % fall") and not hyphen_signs(f"a {MINUS}3 % fall")


def test_typeset_html_leaves_tags_styles_and_code_alone() -> None:
    from deepseek_monday.present.typography import MINUS, typeset_html

    fragment = ('<style>td{margin:-1px}</style><table class="x-1"><tr><td>-2.5%</td></tr></table>'
                '<code>-3%</code><pre>x = -4</pre><p data-v="-5">-6</p>')
    assert typeset_html(fragment) == (f'<style>td{{margin:-1px}}</style><table class="x-1"><tr><td>{MINUS}2.5 %</td>'
                                      f'</tr></table><code>-3%</code><pre>x = -4</pre><p data-v="-5">{MINUS}6</p>')


def _notebook_offering(path, tables_offered: dict[str, str]) -> None:
    import json

    outputs = [{"output_type": "display_data", "data": {"text/html": "<a>link</a>", "text/csv": text},
                "metadata": {"deepseek_monday_download": {"name": name}}} for name, text in tables_offered.items()]
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": outputs, "source": ""}]}))


def test_offered_tables_are_written_and_zipped_reproducibly(tmp_path) -> None:
    """SYNTHETIC tables: each offered CSV is written under tables/, the archive is the same bytes twice."""
    import zipfile

    import pytest

    from deepseek_monday.errors import DataValidationError
    from deepseek_monday.present import downloads

    frame = pd.DataFrame({"return": [-0.1697, 0.01]}, index=pd.Index(["NVDA", "AAPL"], name="symbol"))
    assert downloads.csv_text(frame) == "symbol,return\nNVDA,-0.1697\nAAPL,0.01\n"  # numbers stay numbers
    first, second = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    _notebook_offering(first, {"day": downloads.csv_text(frame)})
    _notebook_offering(second, {"counts": "verdict,n\nconfirmed,3\n"})
    site = tmp_path / "site"
    written = downloads.write_tables([first, second], site)
    assert [p.name for p in written] == ["counts.csv", "day.csv"]
    assert pd.read_csv(site / "tables" / "day.csv", index_col=0)["return"].tolist() == [-0.1697, 0.01]
    archive = downloads.zip_tables(site / "tables", site / "tables.zip")
    content = archive.read_bytes()
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.namelist() == ["tables/counts.csv", "tables/day.csv"]
    assert downloads.zip_tables(site / "tables", site / "tables.zip").read_bytes() == content
    assert downloads.zip_tables(tmp_path / "none", tmp_path / "x.zip") is None
    _notebook_offering(second, {"day": "other\n"})
    with pytest.raises(DataValidationError, match="different tables named 'day'"):
        downloads.write_tables([first, second], site)
    with pytest.raises(ValueError, match="download name"):
        downloads.offer_csv(frame, "Bad Name")


def test_typeset_drops_the_leading_zero_of_a_day() -> None:
    from deepseek_monday.present.typography import typeset

    assert typeset("peak 06 January 2025, trough 27 March 2000") == "peak 6 January 2025, trough 27 March 2000"
    assert typeset("10.06 May") == "10.06 May" and typeset("2006 May") == "2006 May"
