"""Live refresh: success, every failure mode, and that previous data survive each failure.

No test touches the network: ``yfinance.download`` is replaced by :class:`FakeYahoo`, which
serves the HAND-MADE responses in ``fixtures/refresh/responses`` (HAND-MADE fixture, not
market data) or imitates yfinance's failures (it logs the error and returns an empty
table, as yfinance does, or raises); and every socket connection fails (``no_network``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import os
import shutil
import socket
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yfinance
from click.testing import CliRunner

from deepseek_monday.build.cli import main
from deepseek_monday.data import prices, refresh
from deepseek_monday.data.paths import DATA_ENV_VAR
from deepseek_monday.data.prices import (
    MANIFEST_COLUMNS,
    PRICE_FILE_COLUMNS,
    REFRESH_COLUMNS,
    REFRESHED_ENV_VAR,
    load_snapshot,
    price_panel,
    read_manifest,
    splice_series,
)
from deepseek_monday.data.refresh import RetryPolicy, classify_failure, normalise_response, refresh_prices
from deepseek_monday.errors import DataValidationError, DeepSeekMondayError, ParameterError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "refresh"
SINCE, UNTIL, PREVIOUS_UNTIL = date(2026, 7, 15), date(2026, 8, 14), date(2026, 8, 7)
NOW = datetime(2026, 8, 15, 9, 30, tzinfo=UTC)
DIVIDEND_FACTOR = 0.99  # the stock response's adjusted closes are the snapshot's times this (see make_fixtures)


class NetworkUsed(AssertionError):
    """Raised when a test tries to open a connection."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any socket connection or name lookup, and any request through yfinance's HTTP client."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkUsed(f"test tried to use the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    try:
        from curl_cffi import requests as curl  # yfinance's HTTP client, which bypasses Python sockets
    except ImportError:
        return
    monkeypatch.setattr(curl.Session, "request", refuse)


def read_response(symbol: str) -> pd.DataFrame:
    """Return a HAND-MADE response with flat columns, as yfinance < 0.2.48 returned it."""
    return pd.read_csv(FIXTURES / "responses" / f"{symbol}.csv", comment="#", index_col="Date", parse_dates=True)


def as_yfinance(frame: pd.DataFrame, ticker: str) -> pd.DataFrame:
    """Shape a response as yfinance >= 0.2.48 does: (Price, Ticker) column levels."""
    shaped = frame.copy()
    shaped.columns = pd.MultiIndex.from_product([shaped.columns, [ticker]], names=["Price", "Ticker"])
    return shaped


Action = Callable[[pd.DataFrame], object]


class FakeYahoo:
    """Stand-in for ``yfinance.download``: HAND-MADE responses or imitated yfinance failures.

    ``actions[ticker]`` is a list of behaviours used one per call (the last one repeats): a
    function of the fixture response (already cut to the requested dates) returning what
    download returns, or an exception instance to raise.
    """

    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []
        self.actions: dict[str, list[Action | BaseException]] = {}

    def download(self, ticker: str, **kwargs: object) -> object:
        self.calls.append({"ticker": ticker, **kwargs})
        queue = self.actions.get(ticker, [])
        action = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else (lambda frame: frame)
        if isinstance(action, BaseException):
            raise action
        symbol = ticker.removeprefix("^")
        frame = read_response(symbol)
        frame = frame[(frame.index >= str(kwargs["start"])) & (frame.index < str(kwargs["end"]))]
        result = action(frame)
        return as_yfinance(result, ticker) if isinstance(result, pd.DataFrame) and not result.empty else result

    def tickers(self) -> list[object]:
        return [call["ticker"] for call in self.calls]


def logs_error(message: str) -> Action:
    """Imitate yfinance: log the failure on the 'yfinance' logger and return an empty table."""

    def act(frame: pd.DataFrame) -> pd.DataFrame:
        logging.getLogger("yfinance").error("\n1 Failed download:")
        logging.getLogger("yfinance").error(message)
        return pd.DataFrame(columns=["Open", "High", "Low", "Close", "Adj Close", "Volume"])

    return act


@pytest.fixture
def yahoo(monkeypatch: pytest.MonkeyPatch) -> FakeYahoo:
    fake = FakeYahoo()
    monkeypatch.setattr(yfinance, "download", fake.download)
    return fake


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path) -> Path:
    """A copy of the HAND-MADE snapshot as the data directory, refreshed data in tmp_path/refreshed."""
    snapshot = tmp_path / "market-data"
    shutil.copytree(FIXTURES / "snapshot", snapshot)
    monkeypatch.setenv(DATA_ENV_VAR, str(snapshot))
    monkeypatch.setenv(REFRESHED_ENV_VAR, str(tmp_path / "refreshed"))
    return tmp_path


class Sleeps(list):
    """Records the waits instead of sleeping."""

    def waits(self) -> list[float]:
        return [w for w in self if w > 0]


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def run(sleeps: Sleeps, until: date = UNTIL, **kwargs: object) -> refresh.RefreshReport:
    policy = RetryPolicy(attempts=4, initial_wait=1.0, max_wait=60.0, jitter=0.0, pause_between_symbols=0.0,
                         sleep=sleeps.append)
    return refresh_prices(SINCE, until=until, policy=policy, progress=False, now=NOW, **kwargs)


def folder_bytes(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def fresh_load() -> prices.Snapshot:
    prices._load_snapshot.cache_clear()
    return load_snapshot()


@pytest.fixture(scope="module")
def previous_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The refreshed folder of a successful refresh to 2026-08-07, made once for the module."""
    folder = tmp_path_factory.mktemp("previous") / "refreshed"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yfinance, "download", FakeYahoo().download)
        report = refresh_prices(SINCE, until=PREVIOUS_UNTIL, data_dir=FIXTURES / "snapshot", refreshed_dir=folder,
                                policy=RetryPolicy(pause_between_symbols=0.0), progress=False, now=NOW)
    assert report.ok and report.installed
    return folder


@pytest.fixture
def previous(env: Path, previous_template: Path) -> dict[str, bytes]:
    """A successful earlier refresh (to 2026-08-07) whose files every failure must leave intact."""
    shutil.copytree(previous_template, env / "refreshed")
    return folder_bytes(env / "refreshed")


def assert_nvda_kept(env: Path, before: dict[str, bytes]) -> prices.Snapshot:
    """NVDA's previous refreshed file and manifest row survive; the snapshot is untouched."""
    after = folder_bytes(env / "refreshed")
    assert after["prices/NVDA.csv"] == before["prices/NVDA.csv"]
    rows = read_manifest(env / "refreshed")
    assert rows.at["NVDA", "last_date"] == f"{PREVIOUS_UNTIL:%Y-%m-%d}"
    assert rows.at["NVDA", "sha256"] == hashlib.sha256(before["prices/NVDA.csv"]).hexdigest()
    assert folder_bytes(env / "market-data") == folder_bytes(FIXTURES / "snapshot")
    assert not list(env.glob("refreshed.tmp-*")), "staging or backup folder left behind"
    loaded = fresh_load()
    assert loaded.manifest.at["NVDA", "last_date"] == f"{PREVIOUS_UNTIL:%Y-%m-%d}"
    assert loaded.manifest.at["NVDA", "source"] == "snapshot+refreshed"
    return loaded


# ------------------------------------------------------------------ mapping and classification

@pytest.mark.parametrize(("symbol", "kind", "ticker"), [
    ("GSPC", "index", "^GSPC"), ("VIX", "index", "^VIX"), ("EURUSD", "fx", "EURUSD=X"),
    ("BTC-USD", "crypto", "BTC-USD"), ("NVDA", "stock", "NVDA"), ("0700.HK", "stock", "0700.HK"),
    ("SPY", "etf", "SPY"),
])
def test_yahoo_ticker_follows_the_snapshot_naming(symbol: str, kind: str, ticker: str) -> None:
    assert refresh.yahoo_ticker(symbol, kind) == ticker


@pytest.mark.parametrize(("text", "kind", "transient"), [
    ("['NVDA']: ConnectionError('Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com')",
     "network", True),
    # older yfinance: the real cause first, then a misleading 'possibly delisted'
    ("Failed to get ticker 'NVDA' reason: ConnectionError(timed out) $NVDA: possibly delisted; no timezone found",
     "network", True),
    ("['NVDA']: YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')", "rate-limit", True),
    ("['NVDA']: HTTPError('HTTP Error 503: Service Unavailable')", "http", True),
    ("['NVDA']: HTTPError('HTTP Error 401: Unauthorized')", "http", False),
    ("['NVDA']: HTTPError('HTTP Error 404: Not Found')", "unknown-ticker", False),
    ("['XYZ']: YFTzMissingError('possibly delisted; no timezone found')", "unknown-ticker", False),
    ("['NVDA']: KeyError('chart')", "download", False),
])
def test_yfinance_errors_are_classified(text: str, kind: str, transient: bool) -> None:
    error = classify_failure(text)
    assert (error.kind, error.transient) == (kind, transient)


def test_normalise_accepts_old_flat_layout_and_exchange_time_zones() -> None:
    raw = read_response("NVDA").iloc[:3]
    raw.index = raw.index.tz_localize("America/New_York")
    frame = normalise_response("NVDA", "NVDA", raw)
    assert list(frame.columns) == ["date", "open", "high", "low", "close", "volume"]
    assert list(frame["date"].dt.strftime("%Y-%m-%d")) == ["2026-06-15", "2026-06-16", "2026-06-17"]
    assert frame["date"].dt.tz is None


# ------------------------------------------------------------------ success and the merge rule

def test_refresh_writes_the_snapshot_format_and_a_manifest_row_per_symbol(env: Path, yahoo: FakeYahoo,
                                                                          sleeps: Sleeps) -> None:
    report = run(sleeps)
    assert report.ok and report.installed
    assert [(r.symbol, r.status, r.first_date, r.last_date) for r in report.results] == [
        ("NVDA", "updated", "2026-07-01", "2026-08-14"), ("GSPC", "updated", "2026-07-01", "2026-08-14")]
    # download: one call per ticker, from 30 days before the snapshot's end (earlier than --since), auto-adjusted
    assert yahoo.tickers() == ["NVDA", "^GSPC"]
    for call in yahoo.calls:
        assert (call["start"], call["end"], call["auto_adjust"], call["progress"]) == (
            "2026-07-01", "2026-08-15", True, False)
    folder = env / "refreshed"
    nvda = pd.read_csv(folder / "prices" / "NVDA.csv", dtype=str, keep_default_na=False)
    gspc = pd.read_csv(folder / "prices" / "GSPC.csv", dtype=str, keep_default_na=False)
    assert list(nvda.columns) == list(gspc.columns) == PRICE_FILE_COLUMNS
    # adjusted stock: Yahoo's auto-adjusted close goes to adj_close only; index: OHLC in open..close
    assert (nvda[["open", "high", "low", "close"]] == "").all().all() and (nvda["adj_close"] != "").all()
    assert (gspc["adj_close"] == "").all() and (gspc["close"] != "").all() and (gspc["open"] != "").all()
    assert nvda["volume"].iloc[0] == "1021000"  # integers, not 1.021e+06
    manifest = read_manifest(folder)
    assert list(manifest.columns[: len(MANIFEST_COLUMNS) - 1]) == MANIFEST_COLUMNS[1:]
    assert set(REFRESH_COLUMNS) <= set(manifest.columns)
    row = manifest.loc["NVDA"]
    assert row["retrieved_at"] == "2026-08-15T09:30:00Z"
    assert (row["library"], row["library_version"]) == ("yfinance", importlib.metadata.version("yfinance"))
    assert row["auto_adjust"] == "True" and row["adjusted"].startswith("yes")
    assert row["sha256"] == hashlib.sha256((folder / "prices" / "NVDA.csv").read_bytes()).hexdigest()
    assert (row["requested_start"], row["requested_end"], row["rows"]) == ("2026-07-01", "2026-08-14", 32)
    assert manifest.at["GSPC", "yahoo_ticker"] == "^GSPC" and manifest.at["GSPC", "adjusted"] == "no (n/a)"
    assert not list(env.glob("refreshed.tmp-*"))


def test_loader_splices_refreshed_series_and_tells_their_source(env: Path, yahoo: FakeYahoo,
                                                               sleeps: Sleeps) -> None:
    snapshot_only = load_snapshot(refreshed_dir="off")
    run(sleeps)
    merged = fresh_load()
    manifest = merged.manifest
    assert list(manifest["source"]) == ["snapshot+refreshed", "snapshot+refreshed"]
    assert list(manifest["refreshed_from"]) == ["2026-07-01", "2026-07-01"]
    assert list(manifest["last_date"]) == ["2026-08-14", "2026-08-14"]
    assert manifest.at["NVDA", "splice_factor"] == pytest.approx(DIVIDEND_FACTOR, abs=1e-5)
    assert manifest.at["GSPC", "splice_factor"] == 1.0
    assert "Yahoo Finance via yfinance" in manifest.at["NVDA", "source_repo"]
    assert merged.checksum != snapshot_only.checksum and merged.refreshed_directory == env / "refreshed"

    old = price_panel(["NVDA", "GSPC"])  # merged (default)
    raw = snapshot_only.prices.pivot(index="date", columns="symbol", values="price")
    response = read_response("NVDA")["Close"]
    # from the splice date on, the refreshed values; before it, the snapshot's rescaled by the factor
    assert old.loc["2026-08-14", "NVDA"] == response.loc["2026-08-14"]
    assert old.loc["2026-07-01", "NVDA"] == response.loc["2026-07-01"]
    before = old.index[old.index < "2026-07-01"]
    factor = manifest.at["NVDA", "splice_factor"]
    np.testing.assert_allclose(old.loc[before, "NVDA"], raw.loc[before, "NVDA"] * factor)
    # returns are continuous: every daily return equals the snapshot's (before) or the response's (after)
    returns = old["NVDA"].pct_change()
    np.testing.assert_allclose(returns[before].iloc[1:], raw["NVDA"].pct_change()[before].iloc[1:], rtol=1e-9)
    np.testing.assert_allclose(returns.loc["2026-07-01":], response.pct_change().loc["2026-07-01":], rtol=1e-5)
    # the unadjusted index is not rescaled
    np.testing.assert_array_equal(old.loc[before, "GSPC"], raw.loc[before, "GSPC"])


def test_without_refreshed_data_the_snapshot_loads_unchanged(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    absent = fresh_load()  # the refreshed folder does not exist yet
    monkeypatch.setenv(REFRESHED_ENV_VAR, "off")
    off = fresh_load()
    for snapshot in (absent, off):
        assert list(snapshot.manifest["source"]) == ["snapshot", "snapshot"]
        assert snapshot.refreshed_directory is None
        assert snapshot.checksum == prices.snapshot_checksum(snapshot.directory, read_manifest(snapshot.directory))
    assert absent.manifest.at["NVDA", "last_date"] == "2026-07-31"


def test_cache_key_covers_the_refreshed_files(env: Path, yahoo: FakeYahoo, sleeps: Sleeps,
                                              isolated_cache: Path) -> None:
    run(sleeps)
    first = fresh_load()
    path = env / "refreshed" / "prices" / "NVDA.csv"
    text = path.read_text()
    last_line = text.splitlines()[-1]
    changed = last_line.replace(last_line.split(",")[5], "190.5")
    path.write_text(text.replace(last_line, changed))
    manifest_path = env / "refreshed" / "MANIFEST.csv"
    old_sha = hashlib.sha256(text.encode()).hexdigest()
    manifest_path.write_text(manifest_path.read_text().replace(old_sha, hashlib.sha256(path.read_bytes()).hexdigest()))
    second = fresh_load()
    assert second.checksum != first.checksum
    assert price_panel(["NVDA"]).loc["2026-08-14", "NVDA"] == 190.5
    assert len(list(isolated_cache.glob("prices-*.parquet"))) == 1


def test_tampered_refreshed_file_is_not_used_and_the_reason_is_recorded(env: Path, yahoo: FakeYahoo,
                                                                      sleeps: Sleeps) -> None:
    run(sleeps)
    path = env / "refreshed" / "prices" / "NVDA.csv"
    path.write_text(path.read_text().replace("\n2026-08-14,", "\n2026-08-14,1", 1))
    loaded = fresh_load()
    assert loaded.manifest.at["NVDA", "source"] == "snapshot"
    assert loaded.manifest.at["NVDA", "last_date"] == "2026-07-31"
    assert "SHA-256" in loaded.manifest.at["NVDA", "refresh_note"]
    assert loaded.manifest.at["GSPC", "source"] == "snapshot+refreshed"


def _series(dates: list[str], values: list[float], column: str) -> pd.DataFrame:
    frame = pd.DataFrame({"date": pd.to_datetime(dates)})
    for name in ("open", "high", "low", "close", "adj_close", "volume"):
        frame[name] = np.nan
    frame[column] = values
    return frame


DAYS = [f"2026-07-{d:02d}" for d in (1, 2, 6, 7, 8, 9, 10, 13, 14, 15)]


def test_splice_replaces_wholesale_when_the_refreshed_series_starts_first() -> None:
    snapshot = _series(DAYS[2:], [10.0] * 8, "adj_close")
    refreshed = _series(DAYS, [5.0] * 10, "adj_close")
    splice = splice_series("NVDA", snapshot, refreshed, "adj_close")
    assert splice.source == "refreshed"
    pd.testing.assert_frame_equal(splice.frame, refreshed)


@pytest.mark.parametrize(("snapshot_values", "refreshed_values", "column", "message"), [
    ([10.0] * 10, [9.9] * 3, "adj_close", "shares 3 day(s) with the snapshot"),
    ([10.0] * 10, [9.9, 9.9, 9.9, 4.95, 4.95, 4.95], "adj_close", "ratio runs 0.4950..0.9900, expected constant"),
    ([10.0] * 10, [10.5] * 6, "close", "expected 1 (unadjusted prices must agree)"),
])
def test_splice_refuses_series_that_disagree(snapshot_values: list[float], refreshed_values: list[float],
                                             column: str, message: str) -> None:
    snapshot = _series(DAYS, snapshot_values, column)
    refreshed = _series(DAYS[-len(refreshed_values):], refreshed_values, column)
    with pytest.raises(DataValidationError, match=r"^NVDA: .*" + message.replace("(", r"\(").replace(")", r"\)")):
        splice_series("NVDA", snapshot, refreshed, column)


# ------------------------------------------------------------------ failures: previous data survive

def _cut(frame: pd.DataFrame, keep: Callable[[pd.DatetimeIndex], np.ndarray]) -> pd.DataFrame:
    return frame[keep(frame.index)]


def _set(frame: pd.DataFrame, day: str, column: str, value: object) -> pd.DataFrame:
    frame = frame.astype(object) if isinstance(value, str) else frame.copy()
    frame.loc[day, column] = value
    return frame


FAILURES: dict[str, tuple[Action | BaseException, str, int, str]] = {
    # name: (behaviour of yfinance.download for NVDA, kind, attempts, words in the message)
    "network down (logged)": (logs_error("['NVDA']: ConnectionError('Failed to perform, curl: (6) Could not "
                                         "resolve host: query2.finance.yahoo.com')"), "network", 4, "unreachable"),
    "network down (raised)": (ConnectionError("[Errno 101] Network is unreachable"), "network", 4, "unreachable"),
    "HTTP 500": (logs_error("['NVDA']: HTTPError('HTTP Error 500: Internal Server Error')"), "http", 4,
                 "HTTP error 500"),
    "rate limited": (logs_error("['NVDA']: YFRateLimitError('Too Many Requests. Rate limited. Try after a "
                                "while.')"), "rate-limit", 4, "rate limiting"),
    "delisted or unknown": (logs_error("['NVDA']: YFTzMissingError('possibly delisted; no timezone found')"),
                            "unknown-ticker", 1, "does not know this ticker"),
    "empty response": (lambda frame: frame.iloc[0:0], "no-data", 1, "no rows"),
    "not a table": (lambda frame: None, "malformed", 1, "not a table"),
    "text in a number column": (lambda f: _set(f, "2026-07-08", "Close", "n/a"), "malformed", 1,
                                "close on 2026-07-08 is 'n/a', not a number"),
    "no Close column": (lambda f: f.rename(columns={"Close": "Last"}), "malformed", 1,
                        "has no Close column (columns: High, Last, Low, Open, Volume)"),
    "a date twice": (lambda f: pd.concat([f, f.loc[["2026-07-08"]]]), "malformed", 1,
                     "lists 2026-07-08 more than once"),
    "days without a close": (lambda f: _set(f, "2026-07-08", "Close", np.nan), "partial", 1,
                             "no close on 1 day(s), first 2026-07-08"),
    "stops early": (lambda f: _cut(f, lambda d: d <= "2026-07-31"), "partial", 1,
                    "ends 2026-07-31, more than 10 days before"),
    "hole after the snapshot": (lambda f: _cut(f, lambda d: (d <= "2026-07-31") | (d >= "2026-08-13")), "partial",
                                1, "no rows from 2026-07-31 to 2026-08-13"),
    "lacks snapshot days": (lambda f: _cut(f, lambda d: (d < "2026-07-06") | (d > "2026-07-10")), "partial", 1,
                            "lacks 5 of the snapshot's 22 days"),
    "negative price": (lambda f: _set(f, "2026-08-12", "Close", -1.0), "validation", 1,
                       "adj_close is -1.0; prices must be positive"),
    "negative volume": (lambda f: _set(f, "2026-08-12", "Volume", -5), "validation", 1,
                        "volume must not be negative"),
    "unadjusted split": (lambda f: f.assign(Close=np.where(f.index < "2026-07-08", f["Close"] * 2, f["Close"])),
                         "splice", 1, "ratio runs"),
    "no overlap": (lambda f: _cut(f, lambda d: d >= "2026-07-31"), "splice", 1, "shares 1 day(s)"),
}


@pytest.mark.parametrize("name", list(FAILURES))
def test_each_failure_is_reported_per_symbol_and_keeps_previous_data(name: str, env: Path, previous: dict,
                                                                    yahoo: FakeYahoo, sleeps: Sleeps) -> None:
    behaviour, kind, attempts, words = FAILURES[name]
    yahoo.actions["NVDA"] = [behaviour]
    report = run(sleeps)
    nvda, gspc = report.results
    assert (nvda.status, nvda.kind, nvda.attempts) == ("failed", kind, attempts)
    assert nvda.message.startswith("NVDA") and words in nvda.message
    assert yahoo.tickers().count("NVDA") == attempts  # bounded retries, none for permanent failures
    if attempts > 1:
        assert sleeps.waits() == [1.0, 2.0, 4.0]  # exponential backoff between the attempts
        assert f"gave up after {attempts} attempts" in nvda.message
    # the other symbol is refreshed all the same
    assert (gspc.status, gspc.last_date) == ("updated", "2026-08-14") and report.installed
    assert assert_nvda_kept(env, previous).manifest.at["GSPC", "last_date"] == "2026-08-14"


def test_index_that_disagrees_with_the_snapshot_is_refused(env: Path, previous: dict, yahoo: FakeYahoo,
                                                           sleeps: Sleeps) -> None:
    yahoo.actions["^GSPC"] = [lambda f: f.assign(Close=f["Close"] * 1.05)]
    report = run(sleeps, symbols=["GSPC"])
    (gspc,) = report.results
    assert (gspc.status, gspc.kind) == ("failed", "splice")
    assert "expected 1 (unadjusted prices must agree)" in gspc.message
    assert not report.installed
    assert folder_bytes(env / "refreshed") == previous


def test_transient_errors_are_retried_until_success(env: Path, yahoo: FakeYahoo, sleeps: Sleeps) -> None:
    yahoo.actions["NVDA"] = [logs_error("['NVDA']: HTTPError('HTTP Error 503: Service Unavailable')"),
                             logs_error("['NVDA']: YFRateLimitError('Too Many Requests. Rate limited.')"),
                             lambda frame: frame]
    report = run(sleeps, symbols=["NVDA"])
    assert (report.results[0].status, report.results[0].attempts) == ("updated", 3)
    assert sleeps.waits() == [1.0, 2.0]


def test_backoff_is_capped(env: Path, yahoo: FakeYahoo, sleeps: Sleeps) -> None:
    yahoo.actions["NVDA"] = [ConnectionError("Connection refused")]
    policy = RetryPolicy(attempts=6, initial_wait=10.0, max_wait=30.0, jitter=0.0, pause_between_symbols=0.0,
                         sleep=sleeps.append)
    report = refresh_prices(SINCE, ["NVDA"], UNTIL, policy=policy, progress=False)
    assert report.results[0].attempts == 6
    assert sleeps.waits() == [10.0, 20.0, 30.0, 30.0, 30.0]


def test_network_down_everywhere_stops_early_and_changes_nothing(env: Path, previous: dict, yahoo: FakeYahoo,
                                                                 sleeps: Sleeps,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh, "ABORT_AFTER_UNREACHABLE", 1)
    for ticker in ("NVDA", "^GSPC"):
        yahoo.actions[ticker] = [ConnectionError("Failed to perform, curl: (7) Couldn't connect to server")]
    report = run(sleeps)
    assert [(r.status, r.kind) for r in report.results] == [("failed", "network"), ("skipped", "not-attempted")]
    assert "GSPC: not attempted" in report.results[1].message
    assert yahoo.tickers() == ["NVDA"] * 4
    assert not report.installed
    assert folder_bytes(env / "refreshed") == previous


def test_write_failure_for_one_symbol_keeps_its_previous_file(env: Path, previous: dict, yahoo: FakeYahoo,
                                                              sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = refresh.write_price_csv

    def disk_full_for_nvda(frame: pd.DataFrame, path: Path) -> str:
        if path.stem == "NVDA":
            raise OSError(28, "No space left on device")
        return real_write(frame, path)

    monkeypatch.setattr(refresh, "write_price_csv", disk_full_for_nvda)
    nvda, gspc = run(sleeps).results
    assert (nvda.status, nvda.kind) == ("failed", "error") and "No space left on device" in nvda.message
    assert gspc.status == "updated"
    assert_nvda_kept(env, previous)


def test_failed_install_rolls_back_to_the_previous_folder(env: Path, previous: dict, yahoo: FakeYahoo,
                                                          sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace

    def fail_on_staging(source: os.PathLike[str] | str, target: os.PathLike[str] | str) -> None:
        if "tmp-staging" in os.fspath(source) and Path(target).name == "refreshed":
            raise OSError(5, "Input/output error")
        real_replace(source, target)

    monkeypatch.setattr(refresh.os, "replace", fail_on_staging)
    with pytest.raises(DeepSeekMondayError, match="previous data are unchanged"):
        run(sleeps)
    monkeypatch.setattr(refresh.os, "replace", real_replace)
    assert folder_bytes(env / "refreshed") == previous
    assert not list(env.glob("refreshed.tmp-*"))


def test_an_interrupted_install_is_recovered_before_the_next_refresh(env: Path, previous: dict, yahoo: FakeYahoo,
                                                                    sleeps: Sleeps) -> None:
    # a run that died between its two renames: the folder is missing, its backup and a staging copy remain
    os.replace(env / "refreshed", env / "refreshed.tmp-previous-999")
    (env / "refreshed.tmp-staging-999").mkdir()
    yahoo.actions["NVDA"] = [logs_error("['NVDA']: YFTzMissingError('possibly delisted; no timezone found')")]
    report = run(sleeps, symbols=["NVDA"])
    assert not report.installed
    assert folder_bytes(env / "refreshed") == previous
    assert not list(env.glob("refreshed.tmp-*"))


def test_unknown_symbol_or_bad_dates_are_refused_before_anything_is_written(env: Path, yahoo: FakeYahoo,
                                                                           sleeps: Sleeps) -> None:
    with pytest.raises(ParameterError, match=r"unknown symbol\(s\) \['XYZ'\]"):
        run(sleeps, symbols=["NVDA", "xyz"])
    with pytest.raises(ParameterError, match="--since 2026-07-15 is after the end date 2026-07-01"):
        run(sleeps, until=date(2026, 7, 1))
    assert yahoo.calls == [] and not (env / "refreshed").exists()


def test_unreadable_existing_refreshed_folder_is_left_alone(env: Path, previous: dict, yahoo: FakeYahoo,
                                                            sleeps: Sleeps) -> None:
    manifest = env / "refreshed" / "MANIFEST.csv"
    manifest.write_text(manifest.read_text().replace("sha256", "checksum"))
    before = folder_bytes(env / "refreshed")
    unreadable = r"existing refreshed data are unreadable.*missing columns \['sha256'"
    with pytest.raises(DataValidationError, match=unreadable):
        run(sleeps)
    assert folder_bytes(env / "refreshed") == before and yahoo.calls == []
    # and the loader ignores the folder rather than failing the report
    assert list(fresh_load().manifest["source"]) == ["snapshot", "snapshot"]


# ------------------------------------------------------------------ command line and the guard itself

def test_cli_refresh_and_status(env: Path, yahoo: FakeYahoo, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh, "RetryPolicy", functools.partial(RetryPolicy, sleep=sleeps.append))
    runner = CliRunner()
    ok = runner.invoke(main, ["data", "refresh", "--since", "2026-07-15", "--until", "2026-08-14",
                              "--symbols", "nvda,GSPC", "--no-progress"])
    assert ok.exit_code == 0, ok.output
    assert "NVDA      updated  2026-07-01..2026-08-14 (32 rows, snapshot+refreshed from 2026-07-01)" in ok.output
    assert f"2 updated, 0 failed or skipped; installed in {env / 'refreshed'}" in ok.output
    prices._load_snapshot.cache_clear()
    status = runner.invoke(main, ["data", "status"])
    assert status.exit_code == 0, status.output
    assert "NVDA      snapshot+refreshed 2026-06-01..2026-08-14 from 2026-07-01" in status.output

    yahoo.actions["NVDA"] = [logs_error("['NVDA']: YFTzMissingError('possibly delisted; no timezone found')")]
    failed = runner.invoke(main, ["data", "refresh", "--since", "2026-07-15", "--until", "2026-08-14",
                                  "--symbols", "NVDA", "--no-progress"])
    assert failed.exit_code == 1
    assert "NVDA      failed   [unknown-ticker] NVDA (NVDA): Yahoo Finance does not know" in failed.output
    assert "0 updated, 1 failed or skipped; nothing installed; previous data kept" in failed.output

    bad = runner.invoke(main, ["data", "refresh", "--since", "2026-07-15", "--symbols", "XYZ"])
    assert bad.exit_code == 1 and "unknown symbol(s) ['XYZ']" in bad.output


def test_the_network_guard_refuses_connections() -> None:
    with pytest.raises(NetworkUsed):
        socket.create_connection(("finance.yahoo.com", 443), timeout=1)

