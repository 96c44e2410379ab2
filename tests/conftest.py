"""Shared fixtures. Synthetic snapshots here are SYNTHETIC test data, not market data."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from deepseek_monday.data import prices, universe
from deepseek_monday.data.paths import CACHE_ENV_VAR, DATA_ENV_VAR, market_data_dir
from deepseek_monday.data.prices import MANIFEST_COLUMNS
from deepseek_monday.errors import DataValidationError


def _real_data_dir() -> Path:
    """The real snapshot, where the package finds it ($DEEPSEEK_MONDAY_DATA or ../shared/market-data)."""
    try:
        return market_data_dir()
    except DataValidationError:
        return Path(__file__).resolve().parents[1].parent / "shared" / "market-data"


REAL_DATA = _real_data_dir()
requires_real_data = pytest.mark.skipif(
    not (REAL_DATA / "MANIFEST.csv").is_file(), reason=f"real market-data snapshot not found at {REAL_DATA}"
)

# SYNTHETIC prices: six NYSE sessions around the Martin Luther King Day holiday 2025-01-20.
SYNTHETIC_DATES = ["2025-01-14", "2025-01-15", "2025-01-16", "2025-01-17", "2025-01-21", "2025-01-22"]
SYNTHETIC_CLOSES = [100.0, 101.0, 99.0, 102.0, 104.04, 100.0]


def write_price_file(directory: Path, symbol: str, dates: list[str], values: list[float],
                     column: str = "adj_close") -> Path:
    """Write a SYNTHETIC price file in the snapshot's format."""
    frame = pd.DataFrame({"date": dates, "open": "", "high": "", "low": "", "close": "", "adj_close": "",
                          "volume": ""})
    frame[column] = values
    path = directory / "prices" / f"{symbol}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def write_manifest(directory: Path, rows: list[dict[str, object]]) -> None:
    """Write a SYNTHETIC MANIFEST.csv with the snapshot's columns."""
    frame = pd.DataFrame(rows)
    for column in MANIFEST_COLUMNS:
        if column not in frame:
            frame[column] = "synthetic"
    frame[MANIFEST_COLUMNS].to_csv(directory / "MANIFEST.csv", index=False)


def manifest_row(symbol: str, dates: list[str], adjusted: str = "yes") -> dict[str, object]:
    return {"symbol": symbol, "name": f"synthetic {symbol}", "kind": "stock", "currency": "USD",
            "exchange": "NYSE", "first_date": dates[0], "last_date": dates[-1], "rows": len(dates),
            "adjusted": adjusted}


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the parquet cache at an empty folder and forget in-process caches."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV_VAR, str(cache))
    monkeypatch.setenv("DEEPSEEK_MONDAY_REFRESHED", "off")  # ignore a developer's data/refreshed/
    prices._load_snapshot.cache_clear()
    yield cache
    prices._load_snapshot.cache_clear()


@pytest.fixture
def synthetic_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path) -> Path:
    """A SYNTHETIC two-symbol snapshot (NVDA-like stock and an index), selected via the env var."""
    directory = tmp_path / "market-data"
    write_price_file(directory, "NVDA", SYNTHETIC_DATES, SYNTHETIC_CLOSES)
    write_price_file(directory, "GSPC", SYNTHETIC_DATES, [5000.0 + i for i in range(6)], column="close")
    write_manifest(directory, [manifest_row("NVDA", SYNTHETIC_DATES),
                               manifest_row("GSPC", SYNTHETIC_DATES, adjusted="no (n/a)")])
    monkeypatch.setenv(DATA_ENV_VAR, str(directory))
    return directory


@pytest.fixture(autouse=True)
def _fresh_universe() -> Iterator[None]:
    universe.load_universe.cache_clear()
    yield


_session_status: dict[str, int] = {}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _session_status["exit"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave with the run's status once pytest has reported it, skipping the interpreter's shutdown.

    pyarrow can abort while Python shuts down (apache/arrow#34314), which would turn a
    finished run's status into 134; see :func:`deepseek_monday.cli.run` for the same guard.
    """
    if "exit" in _session_status:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_session_status["exit"])
