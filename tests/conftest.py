"""Shared fixtures. Synthetic snapshots here are SYNTHETIC test data, not market data."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from deepseek_monday.data import cross_section, prices, universe
from deepseek_monday.data.cross_section import CONSTITUENTS_COLUMNS
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
# Tests on the real snapshot skip without it, unless REQUIRE_REAL_DATA=1 (set by .ci/run): then they fail,
# so a CI run that cannot see ../shared does not pass by skipping them.
REQUIRE_REAL_DATA = os.environ.get("REQUIRE_REAL_DATA") == "1"
_MISSING_REAL_DATA = f"real market-data snapshot not found at {REAL_DATA}"


@pytest.fixture
def _real_data() -> Path:
    """The real snapshot's folder; skips (or fails under REQUIRE_REAL_DATA=1) when it is missing."""
    if not (REAL_DATA / "MANIFEST.csv").is_file():
        if REQUIRE_REAL_DATA:
            pytest.fail(f"{_MISSING_REAL_DATA} and REQUIRE_REAL_DATA=1: set $DEEPSEEK_MONDAY_DATA or put "
                        "the data at ../shared", pytrace=False)
        pytest.skip(_MISSING_REAL_DATA)
    return REAL_DATA


requires_real_data = pytest.mark.usefixtures("_real_data")
# Skip reasons that mean "the real data are missing", also where a test skips by itself.
_DATA_SKIP = re.compile(r"real (market-data|data)|market-data directory absent|facts absent|no seeds folder", re.I)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under REQUIRE_REAL_DATA=1, a test skipped because the real data are missing fails instead."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_REAL_DATA and report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if _DATA_SKIP.search(reason):
            report.outcome = "failed"
            report.longrepr = f"REQUIRE_REAL_DATA=1 but the test was skipped: {reason}"

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


# SYNTHETIC: NYSE sessions around Martin Luther King Day 2025-01-20 (no session that day).
CROSS_SECTION_DATES = ["2025-01-14", "2025-01-15", "2025-01-16", "2025-01-17", "2025-01-21", "2025-01-22", "2025-01-23",
         "2025-01-24", "2025-01-27", "2025-01-28"]
# SYNTHETIC members: symbol -> (sector, sub-industry, prices). CHIP lacks 2025-01-16.
CROSS_SECTION_MEMBERS = {
    "CHIP": ("Information Technology", "Semiconductors",
             [100, 102, None, 103, 104, 105, 106, 107, 90, 92]),
    "SOFT": ("Information Technology", "Application Software",
             [50, 51, 52, 51, 52, 53, 54, 55, 56, 57]),
    "UTIL": ("Utilities", "Electric Utilities", [20, 20.2, 20.4, 20.2, 20.0, 20.2, 20.4, 20.6, 21.0, 21.2]),
    "BRK-B": ("Financials", "Multi-Sector Holdings", [400, 404, 400, 396, 400, 404, 408, 412, 416, 420]),
}


def write_synthetic_cross_section(root: Path) -> Path:
    """Write a SYNTHETIC universe-sp500 folder (with a member without prices) under ``root``."""
    directory = root / "universe-sp500"
    rows, constituents = [], []
    for symbol, (sector, sub_industry, values) in CROSS_SECTION_MEMBERS.items():
        kept = [(d, v) for d, v in zip(CROSS_SECTION_DATES, values, strict=True) if v is not None]
        dates, closes = [d for d, _ in kept], [float(v) for _, v in kept]
        path = write_price_file(directory, symbol, dates, closes)
        rows.append({**manifest_row(symbol, dates), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
        constituents.append({"symbol": symbol.replace("-", "."), "yahoo_symbol": symbol, "name": f"synthetic {symbol}",
                             "gics_sector": sector, "gics_sub_industry": sub_industry, "date_added": "2000-01-01",
                             "price_file": f"prices/{symbol}.csv", "price_source": "synthetic", "source": "synthetic"})
    constituents.append({"symbol": "GONE", "yahoo_symbol": "GONE", "name": "synthetic member without prices",
                         "gics_sector": "Energy", "gics_sub_industry": "Oil & Gas Refining & Marketing",
                         "date_added": "2000-01-01", "price_file": "", "price_source": "not found", "source": "x"})
    write_manifest(directory, rows)
    manifest = pd.read_csv(directory / "MANIFEST.csv", dtype=str)
    manifest["sha256"] = [r["sha256"] for r in rows]
    manifest.to_csv(directory / "MANIFEST.csv", index=False)
    pd.DataFrame(constituents, columns=CONSTITUENTS_COLUMNS).to_csv(directory / "constituents.csv", index=False)
    return directory


@pytest.fixture
def synthetic_cross_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path) -> Path:
    """A SYNTHETIC market-data folder holding only universe-sp500/, selected via the env var."""
    directory = write_synthetic_cross_section(tmp_path / "market-data")
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path / "market-data"))
    cross_section._load.cache_clear()
    yield directory
    cross_section._load.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_universe() -> Iterator[None]:
    universe.load_universe.cache_clear()
    yield


@pytest.fixture(autouse=True)
def _matplotlib_settings_restored() -> Iterator[None]:
    """Undo any rcParams a test changes (a chapter's compute() applies the house style), so order does not matter."""
    import matplotlib

    with matplotlib.rc_context():
        yield


_session_status: dict[str, int] = {}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _session_status["exit"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave with the run's status once pytest has reported it, skipping the interpreter's shutdown.

    pyarrow can abort while Python shuts down (apache/arrow#34314), which would turn a
    finished run's status into 134; see :func:`deepseek_monday.build.cli.run` for the same guard.
    """
    if "exit" in _session_status:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_session_status["exit"])


# A percent sign glued to its number ("5%"): the house style writes "5 %".
_GLUED_PERCENT = re.compile(r"\d%")


def number_style_breaches(fig) -> list[str]:
    """Return every text drawn in ``fig`` (tick labels, titles, labels, legends, annotations) that writes a
    number against the house style: a hyphen-minus as a sign before a digit, or "%" without a space before it."""
    from matplotlib.text import Text

    from deepseek_monday.present.typography import hyphen_signs

    fig.canvas.draw()  # tick labels get their text when drawn
    breaches = []
    for text in {t.get_text() for t in fig.findobj(Text) if t.get_text()}:
        breaches += [f"hyphen-minus sign in {text!r}" for _ in hyphen_signs(text)]
        breaches += [f"'%' without a space in {text!r}" for _ in _GLUED_PERCENT.finditer(text)]
    return sorted(breaches)


def assert_house_numbers(fig) -> None:
    """Fail if a text of ``fig`` breaks the house number style (see :func:`number_style_breaches`)."""
    breaches = number_style_breaches(fig)
    assert not breaches, "\n".join(breaches)
