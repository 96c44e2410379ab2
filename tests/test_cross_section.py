"""The S&P 500 cross-section loader, on a SYNTHETIC snapshot (made-up members and prices) and the real one."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deepseek_monday.data import cross_section
from deepseek_monday.data.cross_section import SURVIVORSHIP, load_cross_section
from deepseek_monday.data.paths import DATA_ENV_VAR
from deepseek_monday.errors import DataValidationError, ParameterError
from tests.conftest import CROSS_SECTION_DATES as DATES
from tests.conftest import CROSS_SECTION_MEMBERS as MEMBERS
from tests.conftest import REAL_DATA, requires_real_data


def test_loads_members_prices_and_session_returns(synthetic_cross_section: Path) -> None:
    cs = load_cross_section()
    assert list(cs.prices.columns) == list(MEMBERS)
    assert len(cs.constituents) == 5 and not cs.constituents.at["GONE", "has_prices"]
    assert cs.constituents.at["BRK-B", "index_symbol"] == "BRK.B"
    assert list(cs.prices.index.strftime("%Y-%m-%d")) == DATES  # NYSE sessions, the holiday absent
    assert cs.returns.at[pd.Timestamp("2025-01-21"), "SOFT"] == pytest.approx(52 / 51 - 1)  # across the holiday
    # CHIP has no 2025-01-16 price: no return that day nor the next; nothing forward-filled.
    assert np.isnan(cs.prices.at[pd.Timestamp("2025-01-16"), "CHIP"])
    assert cs.returns.loc["2025-01-16":"2025-01-17", "CHIP"].isna().all()
    assert cs.returns.at[pd.Timestamp("2025-01-27"), "CHIP"] == pytest.approx(90 / 107 - 1)
    assert cs.returns.iloc[0].isna().all()
    assert list(cs.members.index) == list(MEMBERS)


def test_warm_load_uses_the_parquet_cache(synthetic_cross_section: Path, isolated_cache: Path) -> None:
    cold = load_cross_section()
    cached = list(isolated_cache.glob("cross-section-*.parquet"))
    assert len(cached) == 2  # the panel and the quality notes
    cross_section._load.cache_clear()
    warm = load_cross_section()
    assert warm is not cold
    pd.testing.assert_frame_equal(warm.prices, cold.prices, check_freq=False)
    pd.testing.assert_frame_equal(warm.returns, cold.returns, check_freq=False)


def test_warm_cache_reads_the_files_in_processes_into_the_same_panel(
        synthetic_cross_section: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cross_section, "PARALLEL_READ_MIN_FILES", 1)  # the 4 SYNTHETIC files in 2 processes
    assert cross_section.warm_cache(workers=2)
    assert len(list(isolated_cache.glob("cross-section-*.parquet"))) == 2
    assert not cross_section.warm_cache(workers=2)  # cached: nothing read again
    manifest = cross_section.read_manifest(synthetic_cross_section)
    serial_prices, serial_notes = cross_section._validate_prices(synthetic_cross_section, manifest)
    warm = load_cross_section()
    pd.testing.assert_frame_equal(warm.prices, serial_prices, check_freq=False)
    pd.testing.assert_frame_equal(warm.quality_notes, serial_notes)


def test_reading_in_processes_reports_the_first_bad_file_in_manifest_order(
        synthetic_cross_section: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cross_section, "PARALLEL_READ_MIN_FILES", 1)
    manifest = cross_section.read_manifest(synthetic_cross_section)
    first, last = manifest.index[0], manifest.index[-1]  # in different processes' shares
    for symbol in (first, last):
        path = synthetic_cross_section / "prices" / f"{symbol}.csv"
        path.write_text(path.read_text().replace("2025-01-17", "2025-01-18"))  # a Saturday
    with pytest.raises(DataValidationError, match=rf"{first}\.csv: 2025-01-18 is not an NYSE session"):
        cross_section._validate_prices(synthetic_cross_section, manifest, workers=2)


def test_warm_cache_leaves_a_missing_cross_section_to_the_chapters(tmp_path: Path, isolated_cache: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path))
    assert not cross_section.warm_cache(workers=2)
    with pytest.raises(DataValidationError, match=r"no MANIFEST\.csv"):
        load_cross_section()


def test_damaged_file_is_refused_by_its_sha256(synthetic_cross_section: Path) -> None:
    load_cross_section()
    path = synthetic_cross_section / "prices" / "SOFT.csv"
    text = path.read_text().replace("56.0", "56.5")  # a plausible, well-formed edit: only the digest finds it
    path.write_text(text)
    stamp = path.stat().st_mtime_ns + 5_000_000_000  # a new mtime, outside the racy window
    os.utime(path, ns=(stamp, stamp))
    with pytest.raises(DataValidationError, match=r"SOFT\.csv: SHA-256 .* differs from MANIFEST\.csv"):
        load_cross_section()


def test_manifest_without_sha256_is_refused(synthetic_cross_section: Path) -> None:
    manifest = pd.read_csv(synthetic_cross_section / "MANIFEST.csv", dtype=str).drop(columns="sha256")
    manifest.to_csv(synthetic_cross_section / "MANIFEST.csv", index=False)
    with pytest.raises(DataValidationError, match="no sha256 column"):
        load_cross_section()


def test_constituents_and_manifest_must_agree(synthetic_cross_section: Path) -> None:
    path = synthetic_cross_section / "constituents.csv"
    constituents = pd.read_csv(path, dtype=str, keep_default_na=False)
    constituents = constituents[constituents["yahoo_symbol"] != "UTIL"]
    constituents.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match=r"only in MANIFEST\.csv \['UTIL'\]"):
        load_cross_section()


def test_event_dates_outside_the_data_name_the_first_usable_date(synthetic_cross_section: Path) -> None:
    cs = load_cross_section()
    assert cs.check_event_date("2025-01-27") == pd.Timestamp("2025-01-27")
    with pytest.raises(ParameterError, match="first usable date is 2025-01-15"):
        cs.check_event_date("2025-01-14")
    with pytest.raises(ParameterError, match="last with 1 session"):
        cs.check_event_date("2025-01-28", days_after=1)
    with pytest.raises(ParameterError, match="not a trading day"):
        cs.check_event_date("2025-01-20")


def test_survivorship_statement_names_the_membership_date() -> None:
    assert "27 January 2025" in SURVIVORSHIP and "survivorship" in SURVIVORSHIP
    assert cross_section.survivorship_note() == SURVIVORSHIP


@requires_real_data
def test_real_cross_section(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real snapshot (through the project's cache: a first run validates all 492 files)."""
    monkeypatch.setenv(DATA_ENV_VAR, str(REAL_DATA))
    cs = load_cross_section()
    assert cs.prices.shape[1] == 492
    assert len(cs.constituents) == 503 and (~cs.constituents["has_prices"]).sum() == 11
    assert cs.first_return_date == pd.Timestamp("2015-01-05")
    # The README: the index closes of 27 Jan 2025 are exact; NVDA's adjusted close fell about 17 %.
    assert cs.returns.at[pd.Timestamp("2025-01-27"), "NVDA"] == pytest.approx(-0.1697, abs=5e-4)
    assert cs.members["gics_sector"].nunique() == 11
