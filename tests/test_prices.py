"""The price loader: validation of every bad input, and the checksum-keyed parquet cache.

All price files here are SYNTHETIC (see conftest), except where marked requires_real_data.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import SYNTHETIC_DATES, requires_real_data

from deepseek_monday.data import prices
from deepseek_monday.data.prices import load_snapshot, price_panel
from deepseek_monday.errors import DataValidationError, ParameterError


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_valid_snapshot_loads_with_return_column_per_manifest(synthetic_snapshot: Path) -> None:
    snapshot = load_snapshot()
    assert snapshot.symbols() == ["NVDA", "GSPC"]
    assert snapshot.manifest.loc["NVDA", "price_column"] == "adj_close"
    assert snapshot.manifest.loc["GSPC", "price_column"] == "close"
    panel = price_panel(["NVDA", "GSPC"])
    assert panel.loc["2025-01-21", "NVDA"] == pytest.approx(104.04)
    assert panel.loc["2025-01-14", "GSPC"] == pytest.approx(5000.0)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("date,open,high", "day,open,high", "line 1: header is 'day,open"),
        ("2025-01-16", "16/01/2025", "line 4 (date '16/01/2025'): date is not an ISO date"),
        ("2025-01-16", "2025-01-15", "line 4 (date '2025-01-15'): date repeats the previous date"),
        ("2025-01-16", "2025-01-13", "line 4 (date '2025-01-13'): date is earlier than the previous date"),
        (",,,,,99.0,", ",,,,,-99.0,", "line 4 (date '2025-01-16'): adj_close is -99.0; prices must be positive"),
        (",,,,,99.0,", ",,,,,0.0,", "line 4 (date '2025-01-16'): adj_close is 0.0; prices must be positive"),
        (",,,,,99.0,", ",,,,,n/a,", "line 4 (date '2025-01-16'): adj_close 'n/a' is not a number"),
        (",,,,,99.0,", ",,,,,,", "line 4 (date '2025-01-16'): adj_close is empty; returns for this symbol"),
        (",,,,,99.0,", ",,,,,99.0,-5", "line 4 (date '2025-01-16'): volume is -5.0; volume must not be negative"),
    ],
)
def test_bad_price_file_names_file_line_and_problem(synthetic_snapshot: Path, old: str, new: str,
                                                    message: str) -> None:
    path = synthetic_snapshot / "prices" / "NVDA.csv"
    rewrite(path, old, new)
    with pytest.raises(DataValidationError, match=re.escape(f"{path}: ") + ".*" + re.escape(message)):
        load_snapshot()


def test_extra_field_names_file_and_line(synthetic_snapshot: Path) -> None:
    path = synthetic_snapshot / "prices" / "NVDA.csv"
    rewrite(path, ",,,,,99.0,", ",,,,,99.0,,7")
    with pytest.raises(DataValidationError, match=re.escape(f"{path}: line 4: 8 fields, expected 7")):
        load_snapshot()


def test_non_utf8_byte_names_file_and_line(synthetic_snapshot: Path) -> None:
    path = synthetic_snapshot / "prices" / "NVDA.csv"
    path.write_bytes(path.read_bytes().replace(b"2025-01-16", b"2025-01-1\xff", 1))
    with pytest.raises(DataValidationError, match=re.escape(f"{path}: line 4: not UTF-8 text (byte 0xff)")):
        load_snapshot()


def test_blank_line_is_a_defect(tmp_path: Path) -> None:
    # SYNTHETIC file with an empty line 3.
    path = tmp_path / "X.csv"
    path.write_text("date,open,high,low,close,adj_close,volume\n2025-01-14,,,,,1.0,\n\n2025-01-15,,,,,1.0,\n")
    with pytest.raises(DataValidationError, match=r"X\.csv: line 3: empty line"):
        prices.read_csv_text(path)


def test_row_count_must_match_manifest(synthetic_snapshot: Path) -> None:
    path = synthetic_snapshot / "prices" / "NVDA.csv"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:-1]))
    with pytest.raises(DataValidationError, match=r"5 data rows, but MANIFEST\.csv says 6"):
        load_snapshot()


def test_date_range_must_match_manifest(synthetic_snapshot: Path) -> None:
    rewrite(synthetic_snapshot / "MANIFEST.csv", f"{SYNTHETIC_DATES[0]},", "2025-01-13,")
    with pytest.raises(DataValidationError, match=r"dates run 2025-01-14\.\.2025-01-22, but MANIFEST.csv says"):
        load_snapshot()


def test_missing_price_file_is_reported(synthetic_snapshot: Path) -> None:
    (synthetic_snapshot / "prices" / "GSPC.csv").unlink()
    with pytest.raises(DataValidationError, match=r"GSPC.csv: file listed in MANIFEST.csv is missing"):
        load_snapshot()


def test_missing_data_directory_names_its_origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_MONDAY_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(DataValidationError, match=r"nowhere \(from \$DEEPSEEK_MONDAY_DATA\) does not exist"):
        load_snapshot()


def test_zero_in_auxiliary_field_becomes_missing_with_a_note(synthetic_snapshot: Path) -> None:
    rewrite(synthetic_snapshot / "prices" / "NVDA.csv", "2025-01-16,,", "2025-01-16,0,")
    snapshot = load_snapshot()
    notes = snapshot.quality_notes
    assert notes.to_dict("records") == [
        {"symbol": "NVDA", "line": 4, "date": "2025-01-16",
         "note": "open is 0 (placeholder for missing); treated as missing"}
    ]
    nvda = snapshot.prices[snapshot.prices["symbol"] == "NVDA"]
    assert nvda["open"].isna().all()


def test_warm_load_reads_the_cache_without_revalidating(synthetic_snapshot: Path, isolated_cache: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_snapshot()
    assert len(list(isolated_cache.glob("prices-*.parquet"))) == 1
    prices._load_snapshot.cache_clear()

    def must_not_run(*args: object) -> None:
        raise AssertionError("validated again although the cache matches")

    monkeypatch.setattr(prices, "read_price_file", must_not_run)
    warm = load_snapshot()
    pd.testing.assert_frame_equal(warm.prices, cold.prices)


def test_changed_file_rebuilds_the_cache(synthetic_snapshot: Path, isolated_cache: Path) -> None:
    before = load_snapshot()
    rewrite(synthetic_snapshot / "prices" / "NVDA.csv", ",,,,,99.0,", ",,,,,98.0,")
    prices._load_snapshot.cache_clear()
    after = load_snapshot()
    assert after.checksum != before.checksum
    assert price_panel(["NVDA"]).loc["2025-01-16", "NVDA"] == 98.0
    assert [p.name for p in isolated_cache.glob("prices-*.parquet")] == [f"prices-{after.checksum[:24]}.parquet"]


def test_corrupt_cache_file_is_rebuilt_not_used(synthetic_snapshot: Path, isolated_cache: Path) -> None:
    first = load_snapshot()
    cache_file = next(isolated_cache.glob("prices-*.parquet"))
    cache_file.write_bytes(b"not parquet")
    prices._load_snapshot.cache_clear()
    again = load_snapshot()
    pd.testing.assert_frame_equal(again.prices, first.prices)
    assert pd.read_parquet(cache_file).shape == first.prices.shape


def test_corrupt_price_file_is_detected_even_with_a_warm_cache(synthetic_snapshot: Path) -> None:
    load_snapshot()
    prices._load_snapshot.cache_clear()
    rewrite(synthetic_snapshot / "prices" / "NVDA.csv", ",,,,,99.0,", ",,,,,-1,")
    with pytest.raises(DataValidationError, match="prices must be positive"):
        load_snapshot()


@requires_real_data
def test_real_snapshot_matches_its_manifest_reference_closes() -> None:
    panel = price_panel(["GSPC", "IXIC", "DJI", "GDAXI"])
    assert panel.loc["2025-01-27"].round(2).to_dict() == {
        "GSPC": 6012.28, "IXIC": 19341.83, "DJI": 44713.58, "GDAXI": 21282.18,
    }


def test_same_size_rewrite_within_timestamp_granularity_is_detected(synthetic_snapshot: Path) -> None:
    path = synthetic_snapshot / "prices" / "NVDA.csv"
    first = load_snapshot().checksum
    stamp = path.stat().st_mtime_ns
    rewrite(path, ",,,,,99.0,", ",,,,,97.0,")  # same size; keep the old mtime to mimic a coarse clock
    os.utime(path, ns=(stamp, stamp))
    prices._load_snapshot.cache_clear()
    assert load_snapshot().checksum != first


@pytest.mark.parametrize(
    ("value", "message"),
    [(5, "data_dir: 5 is not a directory path"), ("", "data_dir: the path is empty"),
     ("/nonexistent/market-data", "data_dir: market-data directory /nonexistent/market-data .* does not exist")],
)
def test_check_data_dir_refuses_what_load_snapshot_cannot_read(value: object, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        prices.check_data_dir(value)


def test_check_data_dir_needs_a_manifest(tmp_path: Path, synthetic_snapshot: Path) -> None:
    assert prices.check_data_dir(str(synthetic_snapshot)) == synthetic_snapshot.resolve()
    (tmp_path / "empty").mkdir()
    with pytest.raises(ParameterError, match=r"data_dir: .*MANIFEST\.csv: manifest not found"):
        prices.check_data_dir(str(tmp_path / "empty"))


def _publish_sha256(directory: Path) -> None:
    """Add a ``sha256`` column to a SYNTHETIC manifest: the digest of each price file as it is now."""
    manifest = pd.read_csv(directory / "MANIFEST.csv", dtype=str, keep_default_na=False)
    manifest["sha256"] = [hashlib.sha256((directory / "prices" / f"{s}.csv").read_bytes()).hexdigest()
                          for s in manifest["symbol"]]
    manifest.to_csv(directory / "MANIFEST.csv", index=False)


def _age(path: Path, seconds: int = 60) -> None:
    """Move a file's mtime into the past, out of the window where it is always hashed afresh."""
    stamp = path.stat().st_mtime_ns - seconds * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def test_published_sha256_matches_an_undamaged_copy(synthetic_snapshot: Path) -> None:
    _publish_sha256(synthetic_snapshot)
    snapshot = load_snapshot()
    assert snapshot.symbols() == ["NVDA", "GSPC"]
    assert len(snapshot.manifest.at["NVDA", "sha256"]) == 64


def test_damaged_copy_with_the_same_row_count_is_refused(synthetic_snapshot: Path) -> None:
    """SYNTHETIC fixture: one close changed; row count and dates still agree with the manifest."""
    _publish_sha256(synthetic_snapshot)
    path = synthetic_snapshot / "prices" / "NVDA.csv"
    rows_before = len(path.read_text().splitlines())
    rewrite(path, ",,,,,99.0,", ",,,,,98.0,")
    assert len(path.read_text().splitlines()) == rows_before
    with pytest.raises(DataValidationError, match=r"NVDA\.csv: SHA-256 .* differs from MANIFEST\.csv"):
        load_snapshot()


def test_damage_is_found_even_with_a_warm_cache(synthetic_snapshot: Path) -> None:
    _publish_sha256(synthetic_snapshot)
    load_snapshot()
    prices._load_snapshot.cache_clear()
    path = synthetic_snapshot / "prices" / "GSPC.csv"
    rewrite(path, "5002.0", "5002.5")
    with pytest.raises(DataValidationError, match=r"GSPC\.csv: SHA-256"):
        load_snapshot()


def test_manifest_without_or_with_empty_sha256_still_loads(synthetic_snapshot: Path) -> None:
    rewrite(synthetic_snapshot / "prices" / "NVDA.csv", ",,,,,99.0,", ",,,,,98.0,")
    assert load_snapshot().price_panel(["NVDA"]).loc["2025-01-16", "NVDA"] == 98.0  # no column
    manifest = pd.read_csv(synthetic_snapshot / "MANIFEST.csv", dtype=str, keep_default_na=False)
    manifest["sha256"] = ""
    manifest.to_csv(synthetic_snapshot / "MANIFEST.csv", index=False)
    prices._load_snapshot.cache_clear()
    assert load_snapshot().symbols() == ["NVDA", "GSPC"]


def test_sha256_is_computed_once_per_changed_file(synthetic_snapshot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _publish_sha256(synthetic_snapshot)
    files = {s: synthetic_snapshot / "prices" / f"{s}.csv" for s in ("NVDA", "GSPC")}
    for path in [*files.values(), synthetic_snapshot / "MANIFEST.csv"]:
        _age(path)
    hashed: list[str] = []
    real_sha256 = hashlib.sha256

    def counting(data: bytes = b"", *args: object, **kwargs: object) -> hashlib._Hash:
        for symbol, path in files.items():
            if data and data == path.read_bytes():
                hashed.append(symbol)
        return real_sha256(data, *args, **kwargs)

    prices._content_digest.cache_clear()
    monkeypatch.setattr(prices.hashlib, "sha256", counting)
    for _ in range(3):
        load_snapshot()
        prices._load_snapshot.cache_clear()
    assert sorted(hashed) == ["GSPC", "NVDA"]  # three loads, each file hashed once
    rewrite(files["NVDA"], ",,,,,99.0,", ",,,,,98.0,")
    _age(files["NVDA"], 30)
    hashed.clear()
    with pytest.raises(DataValidationError, match=r"NVDA\.csv: SHA-256"):
        load_snapshot()
    with pytest.raises(DataValidationError, match=r"NVDA\.csv: SHA-256"):
        load_snapshot()
    assert hashed == ["NVDA"]  # only the changed file, and only once
