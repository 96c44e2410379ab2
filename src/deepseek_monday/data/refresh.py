"""Refresh daily prices from Yahoo Finance beside the offline snapshot, safe against failures.

``deepseek-monday data refresh --since YYYY-MM-DD`` downloads each symbol's daily bars with
yfinance (``auto_adjust=True``, recorded in the manifest), converts them to the snapshot's
format and installs them in the refreshed folder (``data/refreshed`` by default, see
:func:`deepseek_monday.data.prices.refreshed_location`); the loader then splices them onto the
snapshot (see :mod:`deepseek_monday.data.prices`).

Each download starts at ``--since`` or 30 days before the snapshot's last date for that
symbol, whichever is earlier, so every refreshed series overlaps the snapshot and can be
spliced onto it. A symbol's refresh replaces its previous refreshed file wholesale.

Safety: every symbol is downloaded with bounded retries (exponential backoff) on network
errors, HTTP 5xx and rate limiting; its response is checked (shape, numbers, gaps,
staleness), written in a staging copy of the refreshed folder, validated by the loader's
own checks and the splice test, and only then installed, by swapping the whole folder in
one rename. A failing symbol keeps its previous data and is reported with the reason.
Run one refresh at a time.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential, wait_random
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from deepseek_monday.data.paths import market_data_dir
from deepseek_monday.data.prices import (
    MANIFEST_COLUMNS,
    PRICE_FILE_COLUMNS,
    REFRESH_COLUMNS,
    read_manifest,
    read_price_file,
    read_refreshed_file,
    read_refreshed_manifest,
    refreshed_location,
    splice_series,
)
from deepseek_monday.errors import DataValidationError, DeepSeekMondayError, ParameterError

log = logging.getLogger(__name__)

AUTO_ADJUST = True
SOURCE_NAME = "Yahoo Finance via yfinance"
OVERLAP_DAYS = 30  # calendar days of overlap with the snapshot requested before its last date
STALE_DAYS = 10  # a response ending more days before the requested end is partial or stale
MAX_GAP_DAYS = 10  # longest run of calendar days without a row after the snapshot's end
MAX_MISSING_SHARE = 0.02  # share of the snapshot's days a response may lack in the overlap
ABORT_AFTER_UNREACHABLE = 3  # consecutive symbols failing with network/rate limit before giving up

Download = Callable[[str, date, date], pd.DataFrame]
"""Fetch one Yahoo ticker's daily bars from ``start`` (inclusive) to ``end`` (exclusive)."""


class RefreshError(DeepSeekMondayError):
    """One symbol's refresh failed. ``kind`` names the failure, ``transient`` whether to retry."""

    def __init__(self, kind: str, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.kind = kind
        self.transient = transient
        self.attempts = 0


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff: waits of initial_wait * 2**n, at most max_wait."""

    attempts: int = 4
    initial_wait: float = 2.0
    max_wait: float = 60.0
    jitter: float = 1.0
    pause_between_symbols: float = 0.5
    sleep: Callable[[float], None] = time.sleep


@dataclass
class SymbolResult:
    """What happened to one symbol: ``updated``, ``failed`` or ``skipped`` (not attempted)."""

    symbol: str
    yahoo_ticker: str
    status: str
    kind: str = ""
    message: str = ""
    attempts: int = 0
    first_date: str = ""
    last_date: str = ""
    rows: int = 0


@dataclass
class RefreshReport:
    """The outcome of one refresh run; ``installed`` is False when nothing was changed on disk."""

    directory: Path
    results: list[SymbolResult] = field(default_factory=list)
    installed: bool = False

    @property
    def ok(self) -> bool:
        return all(result.status == "updated" for result in self.results)

    def by_status(self, status: str) -> list[SymbolResult]:
        return [result for result in self.results if result.status == status]

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([vars(result) for result in self.results]).set_index("symbol")


def yahoo_ticker(symbol: str, kind: str) -> str:
    """Return Yahoo's ticker for a snapshot symbol: ``^`` before indices, ``=X`` after FX pairs."""
    if kind in ("index", "volatility"):
        return f"^{symbol}"
    if kind == "fx":
        return f"{symbol}=X"
    return symbol


# ---------------------------------------------------------------- downloading

_RATE_LIMIT = re.compile(r"RateLimit|Too Many Requests|Rate limited|\b429\b", re.IGNORECASE)
_NETWORK = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|Timeout|timed out|Could not resolve|NameResolution|DNSError|"
    r"Failed to perform|Network is unreachable|Connection (?:refused|reset|aborted)|Max retries exceeded|"
    r"SSLError|curl: \(\d+\)",
    re.IGNORECASE,
)
_HTTP_STATUS = re.compile(r"\bHTTP(?:Error|\s*Error)?\s*:?\s*(\d{3})\b|\b(\d{3})\s+(?:Client|Server) Error\b",
                          re.IGNORECASE)
_SERVER_ERROR = re.compile(r"Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out",
                           re.IGNORECASE)
_UNKNOWN_TICKER = re.compile(
    r"delisted|YFTzMissingError|YFTickerMissingError|YFPricesMissingError|no timezone found|No data found|"
    r"Quote not found|symbol may be|Not Found",
    re.IGNORECASE,
)


def classify_failure(text: str) -> RefreshError:
    """Turn yfinance's error text into a RefreshError of the right kind.

    Network errors are recognised before 'delisted': older yfinance versions report an
    unreachable server as 'possibly delisted; no timezone found' after the real cause.
    """
    detail = " ".join(text.split())[:300]
    if _RATE_LIMIT.search(text):
        return RefreshError("rate-limit", f"Yahoo Finance is rate limiting requests: {detail}", transient=True)
    if _NETWORK.search(text):
        return RefreshError("network", f"network error, Yahoo Finance unreachable: {detail}", transient=True)
    status_match = _HTTP_STATUS.search(text)
    status = int(next(group for group in status_match.groups() if group)) if status_match else None
    if (status is not None and status >= 500) or _SERVER_ERROR.search(text):
        return RefreshError("http", f"HTTP error {status or '5xx'} from Yahoo Finance: {detail}", transient=True)
    if _UNKNOWN_TICKER.search(text) or status == 404:
        return RefreshError("unknown-ticker", "Yahoo Finance does not know this ticker or has no data for it "
                                              f"(delisted or renamed?): {detail}")
    if status is not None:
        return RefreshError("http", f"HTTP error {status} from Yahoo Finance: {detail}")
    return RefreshError("download", f"download failed: {detail}")


class _ErrorRecords(logging.Handler):
    """Collect the ERROR records yfinance logs instead of raising."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def yfinance_download(ticker: str, start: date, end: date) -> pd.DataFrame:
    """Download one ticker's daily bars with yfinance, ``auto_adjust=True``, no progress output.

    yfinance logs failures instead of raising and returns an empty frame; those log records
    are caught here and turned into a RefreshError of the right kind.
    """
    import yfinance

    records = _ErrorRecords()
    logger = logging.getLogger("yfinance")
    logger.addHandler(records)
    try:
        frame = yfinance.download(ticker, start=start.isoformat(), end=end.isoformat(), interval="1d",
                                  auto_adjust=AUTO_ADJUST, actions=False, repair=False, progress=False,
                                  threads=False, timeout=30)
    except Exception as error:  # yfinance and its HTTP clients raise many types; classified by text
        raise classify_failure(f"{type(error).__name__}: {error}") from error
    finally:
        logger.removeHandler(records)
    if (frame is None or frame.empty) and records.messages:
        raise classify_failure(" ".join(records.messages))
    return frame


def _download_with_retries(symbol: str, ticker: str, start: date, end: date, download: Download,
                           policy: RetryPolicy) -> tuple[pd.DataFrame, int]:
    """Call ``download`` until it succeeds, a permanent failure occurs or attempts run out."""
    attempts = 0

    def once() -> pd.DataFrame:
        nonlocal attempts
        attempts += 1
        try:
            return download(ticker, start, end)
        except Exception as error:  # classified by text: yfinance and its HTTP clients raise many types
            failure = error if isinstance(error, RefreshError) else classify_failure(f"{type(error).__name__}: {error}")
            raise RefreshError(failure.kind, f"{symbol} ({ticker}): {failure}", failure.transient) from error

    retrying = Retrying(
        stop=stop_after_attempt(policy.attempts),
        wait=wait_exponential(multiplier=policy.initial_wait, max=policy.max_wait) + wait_random(0, policy.jitter),
        retry=retry_if_exception(lambda error: isinstance(error, RefreshError) and error.transient),
        sleep=policy.sleep,
        reraise=True,
        before_sleep=lambda state: log.info("%s: attempt %d failed, retrying", symbol, state.attempt_number),
    )
    try:
        return retrying(once), attempts
    except RefreshError as error:
        if error.transient:
            error.args = (f"{error} (gave up after {attempts} attempts)",)
        error.attempts = attempts
        raise


# ---------------------------------------------------------------- checking a response

_YAHOO_FIELDS = {"open", "high", "low", "close", "volume", "adj close"}


def normalise_response(symbol: str, ticker: str, raw: object) -> pd.DataFrame:
    """Return a yfinance response as columns date, open, high, low, close, volume (floats).

    Accepts the flat and the (Price, Ticker) MultiIndex layouts. Raises RefreshError:
    ``no-data`` for an empty response, ``malformed`` for a wrong shape, duplicate dates or
    text in number columns, ``partial`` for days without a close.
    """
    where = f"{symbol} ({ticker})"
    if not isinstance(raw, pd.DataFrame):
        raise RefreshError("malformed", f"{where}: the response is a {type(raw).__name__}, not a table")
    frame = raw.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        level = next((i for i in range(frame.columns.nlevels)
                      if "Close" in frame.columns.get_level_values(i)), None)
        if level is None:
            names = sorted({str(value) for value in frame.columns.get_level_values(0)})
            raise RefreshError("malformed", f"{where}: the response has no Close column (columns: {', '.join(names)})")
        others = {value for i in range(frame.columns.nlevels) if i != level
                  for value in frame.columns.get_level_values(i)}
        if len(others) > 1:
            raise RefreshError("malformed", f"{where}: the response holds several tickers: {sorted(others)}")
        frame.columns = frame.columns.get_level_values(level)
    frame = frame.dropna(how="all")
    if frame.empty:
        raise RefreshError("no-data", f"{where}: Yahoo Finance returned no rows for the requested dates")
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    unknown = sorted(set(frame.columns) - set(_YAHOO_FIELDS))
    if "close" not in frame.columns or unknown:
        raise RefreshError("malformed", f"{where}: unexpected columns {list(frame.columns)}; expected Close "
                                        "and optionally Open, High, Low, Volume")
    if "adj close" in frame.columns:
        raise RefreshError("malformed", f"{where}: the response has an Adj Close column although "
                                        "auto_adjust=True was requested; refusing to guess which close is adjusted")
    try:
        index = pd.DatetimeIndex(frame.index)
    except (TypeError, ValueError) as error:
        raise RefreshError("malformed", f"{where}: the response's index is not dates ({error})") from error
    if index.tz is not None:
        index = index.tz_localize(None)
    frame.index = index.normalize()
    frame = frame.sort_index()
    duplicated = frame.index[frame.index.duplicated()]
    if len(duplicated):
        raise RefreshError("malformed", f"{where}: the response lists {duplicated[0]:%Y-%m-%d} more than once")
    for column in frame.columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            day = frame.index[bad.to_numpy()][0]
            raise RefreshError("malformed", f"{where}: {column} on {day:%Y-%m-%d} is "
                                            f"{frame[column][bad].iloc[0]!r}, not a number")
        frame[column] = values.astype("float64")
    missing_close = frame["close"].isna()
    if missing_close.any():
        days = frame.index[missing_close.to_numpy()]
        raise RefreshError("partial", f"{where}: the response has no close on {len(days)} day(s), first "
                                      f"{days[0]:%Y-%m-%d}")
    frame = frame.reindex(columns=["open", "high", "low", "close", "volume"])
    return frame.rename_axis("date").reset_index()


def check_coverage(symbol: str, response: pd.DataFrame, snapshot: pd.DataFrame, until: date) -> None:
    """Raise RefreshError(``partial``) if a response stops early, has holes, or lacks snapshot days."""
    dates = response["date"]
    last = dates.iloc[-1]
    if (pd.Timestamp(until) - last).days > STALE_DAYS:
        raise RefreshError("partial", f"{symbol}: the response ends {last:%Y-%m-%d}, more than {STALE_DAYS} days "
                                      f"before the requested end {until:%Y-%m-%d} (partial response, or delisted?)")
    after = dates[dates >= snapshot["date"].iloc[-1]]
    gaps = after.diff().dt.days
    if (gaps > MAX_GAP_DAYS).any():
        position = int(np.flatnonzero(gaps.to_numpy() > MAX_GAP_DAYS)[0])
        raise RefreshError("partial", f"{symbol}: the response has no rows from {after.iloc[position - 1]:%Y-%m-%d}"
                                      f" to {after.iloc[position]:%Y-%m-%d} (partial response)")
    expected = snapshot["date"][snapshot["date"] >= dates.iloc[0]]
    missing = expected[~expected.isin(dates)]
    if len(missing) > max(2, MAX_MISSING_SHARE * len(expected)):
        raise RefreshError("partial", f"{symbol}: the response lacks {len(missing)} of the snapshot's "
                                      f"{len(expected)} days since {dates.iloc[0]:%Y-%m-%d}, first "
                                      f"{missing.iloc[0]:%Y-%m-%d} (partial response)")


def to_snapshot_format(response: pd.DataFrame, column: str) -> pd.DataFrame:
    """Return a normalised response as a price file: Yahoo's (auto-adjusted) close goes to ``column``.

    Adjusted series (``adj_close``) carry only that column and volume, like the snapshot's
    stocks and ETFs; unadjusted ones (``close``) carry open, high, low and close.
    """
    frame = pd.DataFrame({"date": response["date"].dt.strftime("%Y-%m-%d")})
    for name in ("open", "high", "low", "close", "adj_close"):
        frame[name] = np.nan
    if column == "adj_close":
        frame["adj_close"] = response["close"].to_numpy()
    else:
        for name in ("open", "high", "low", "close"):
            frame[name] = response[name].to_numpy()
    frame["volume"] = response["volume"].round().astype("Int64").array
    return frame[PRICE_FILE_COLUMNS]


def write_price_csv(frame: pd.DataFrame, path: Path) -> str:
    """Write a price file like the snapshot's (10 significant digits, empty cells) and return its SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, float_format="%.10g", na_rep="", lineterminator="\n")
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- one symbol

@dataclass(frozen=True)
class _Request:
    since: date
    until: date
    retrieved_at: str
    library_version: str


def _refresh_symbol(symbol: str, snapshot_row: pd.Series, snapshot_dir: Path, staging: Path,
                    request: _Request, download: Download, policy: RetryPolicy) -> tuple[SymbolResult, dict]:
    """Download, check and stage one symbol; return its result and refreshed manifest row."""
    ticker = yahoo_ticker(symbol, snapshot_row["kind"])
    column = snapshot_row["price_column"]
    try:
        snapshot, _ = read_price_file(snapshot_dir / "prices" / f"{symbol}.csv", snapshot_row)
    except DataValidationError as error:
        raise RefreshError("snapshot", f"{symbol}: cannot splice onto an invalid snapshot file: {error}") from error
    snapshot_last = snapshot["date"].iloc[-1].date()
    start = min(request.since, snapshot_last - timedelta(days=OVERLAP_DAYS))
    raw, attempts = _download_with_retries(symbol, ticker, start, request.until + timedelta(days=1), download,
                                           policy)
    try:
        response = normalise_response(symbol, ticker, raw)
        response = response[response["date"] >= pd.Timestamp(start)].reset_index(drop=True)
        if response.empty:
            raise RefreshError("no-data", f"{symbol} ({ticker}): no rows on or after {start:%Y-%m-%d}")
        check_coverage(symbol, response, snapshot, request.until)
        frame = to_snapshot_format(response, column)
        candidate = staging / "candidates" / f"{symbol}.csv"
        checksum = write_price_csv(frame, candidate)
        row = {
            **{c: snapshot_row[c] for c in ("name", "kind", "currency", "exchange")},
            "symbol": symbol, "first_date": frame["date"].iloc[0], "last_date": frame["date"].iloc[-1],
            "rows": len(frame),
            "adjusted": ("yes (Yahoo auto_adjust=True: split- and dividend-adjusted as of retrieval)"
                         if column == "adj_close" else snapshot_row["adjusted"]),
            "source_repo": SOURCE_NAME, "source_path": ticker, "source_commit": "",
            "yahoo_ticker": ticker, "retrieved_at": request.retrieved_at, "library": "yfinance",
            "library_version": request.library_version, "auto_adjust": str(AUTO_ADJUST),
            "requested_start": f"{start:%Y-%m-%d}", "requested_end": f"{request.until:%Y-%m-%d}", "sha256": checksum,
        }
        try:
            validated, _ = read_price_file(candidate, pd.Series({**row, "price_column": column}))
        except DataValidationError as error:
            raise RefreshError("validation", f"{symbol}: the downloaded series fails validation: {error}") from error
        try:
            splice = splice_series(symbol, snapshot, validated, column)
        except DataValidationError as error:
            raise RefreshError("splice", f"{error} (refreshed series not installed)") from error
        row["validated"] = (f"yes: format, dates and prices checked; spliced onto the snapshot from {row['first_date']}"
                            f" ({splice.source}, factor {splice.factor:.6f}, max deviation {splice.deviation:.3%} "
                            f"over {splice.overlap} days)")
        row["notes"] = f"deepseek-monday data refresh --since {request.since:%Y-%m-%d}"
        os.replace(candidate, staging / "prices" / f"{symbol}.csv")
    except RefreshError as error:
        error.attempts = attempts
        raise
    result = SymbolResult(symbol, ticker, "updated", attempts=attempts, first_date=row["first_date"],
                          last_date=row["last_date"], rows=len(frame),
                          message=f"{splice.source} from {row['first_date']}")
    return result, row


# ---------------------------------------------------------------- the refreshed folder

def _recover(target: Path) -> None:
    """Restore the refreshed folder if a previous run died between its two renames; drop leftovers."""
    backups = sorted(target.parent.glob(f"{target.name}.tmp-previous-*"), key=lambda p: p.stat().st_mtime)
    if not target.exists() and backups:
        os.replace(backups.pop(), target)
        log.warning("restored %s from an interrupted refresh", target)
    for leftover in [*backups, *target.parent.glob(f"{target.name}.tmp-staging-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _stage(target: Path, staging: Path) -> pd.DataFrame:
    """Copy the current refreshed folder (if any) to ``staging``; return its manifest."""
    shutil.rmtree(staging, ignore_errors=True)
    if (target / "MANIFEST.csv").is_file():
        try:
            manifest = read_refreshed_manifest(target)
        except DataValidationError as error:
            raise DataValidationError(f"the existing refreshed data are unreadable ({error}); move {target} "
                                      "away or delete it, then refresh again") from error
        shutil.copytree(target, staging)
    else:
        manifest = pd.DataFrame(columns=[*MANIFEST_COLUMNS, *REFRESH_COLUMNS]).set_index("symbol")
    (staging / "prices").mkdir(parents=True, exist_ok=True)
    return manifest.drop(columns=["price_column"], errors="ignore")


def _write_manifest(staging: Path, manifest: pd.DataFrame) -> None:
    table = manifest.rename_axis("symbol").reset_index()[[*MANIFEST_COLUMNS, *REFRESH_COLUMNS]]
    table.to_csv(staging / "MANIFEST.csv", index=False, lineterminator="\n")


def _verify_folder(staging: Path) -> None:
    """Check the staged folder as the loader will: manifest, checksums and every file."""
    manifest = read_refreshed_manifest(staging)
    for symbol, row in manifest.iterrows():
        read_refreshed_file(staging, symbol, row)


def _install(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames, rolling back if the second fails."""
    backup = target.parent / f"{target.name}.tmp-previous-{os.getpid()}"
    if target.exists():
        os.replace(target, backup)
    try:
        os.replace(staging, target)
    except OSError:
        if backup.exists():
            os.replace(backup, target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


# ---------------------------------------------------------------- the whole run

def _library_version() -> str:
    try:
        return importlib.metadata.version("yfinance")
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def refresh_prices(since: date, symbols: Iterable[str] | None = None, until: date | None = None, *,
                   data_dir: str | os.PathLike[str] | None = None,
                   refreshed_dir: str | os.PathLike[str] | None = None,
                   download: Download | None = None, policy: RetryPolicy | None = None,
                   progress: bool | None = None, now: datetime | None = None) -> RefreshReport:
    """Download, check and install fresh daily prices for ``symbols`` (default: all in the snapshot).

    Returns a report with one result per symbol; installs the successful ones and keeps the
    previous data of the rest. Raises ParameterError for bad arguments and
    DataValidationError when the refreshed folder itself is unusable; nothing changes then.
    ``until`` defaults to yesterday: today's bar may still be moving. ``download`` defaults to
    :func:`yfinance_download`; ``progress`` None shows a bar on a terminal.
    """
    until = until or date.today() - timedelta(days=1)
    if since > until:
        raise ParameterError(f"--since {since:%Y-%m-%d} is after the end date {until:%Y-%m-%d}")
    snapshot_dir = market_data_dir(data_dir)
    snapshot_manifest = read_manifest(snapshot_dir)
    wanted = list(snapshot_manifest.index) if symbols is None else [s.strip().upper() for s in symbols]
    unknown = [s for s in wanted if s not in snapshot_manifest.index]
    if unknown or not wanted:
        raise ParameterError(f"unknown symbol(s) {unknown}: refresh covers the snapshot's symbols "
                             f"({', '.join(snapshot_manifest.index[:6])}, ... in {snapshot_dir / 'MANIFEST.csv'})"
                             if unknown else "no symbols given")
    target = refreshed_location(refreshed_dir)
    if target is None:
        raise ParameterError("refreshed data are switched off ($DEEPSEEK_MONDAY_REFRESHED=off); "
                             "pass a folder to write them to")
    if download is None:
        try:
            import yfinance  # noqa: F401
        except ImportError as error:
            raise ParameterError("refreshing needs yfinance: pip install 'deepseek-monday[live]'") from error
        download = yfinance_download
    policy = policy or RetryPolicy()
    request = _Request(since, until, (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"), _library_version())

    target.parent.mkdir(parents=True, exist_ok=True)
    _recover(target)
    staging = target.parent / f"{target.name}.tmp-staging-{os.getpid()}"
    report = RefreshReport(target)
    try:
        manifest = _stage(target, staging)
        unreachable = 0
        with logging_redirect_tqdm():
            bar = tqdm(wanted, desc="refresh", unit="symbol", disable=None if progress is None else not progress)
            for position, symbol in enumerate(bar):
                bar.set_postfix_str(symbol)
                ticker = yahoo_ticker(symbol, snapshot_manifest.at[symbol, "kind"])
                if unreachable >= ABORT_AFTER_UNREACHABLE:
                    report.results.append(SymbolResult(
                        symbol, ticker, "skipped", "not-attempted",
                        f"{symbol}: not attempted, Yahoo Finance was unreachable or rate limiting for "
                        f"{unreachable} symbols in a row; previous data kept"))
                    continue
                if position:
                    policy.sleep(policy.pause_between_symbols)
                try:
                    result, row = _refresh_symbol(symbol, snapshot_manifest.loc[symbol], snapshot_dir, staging,
                                                  request, download, policy)
                except RefreshError as error:
                    unreachable = unreachable + 1 if error.kind in ("network", "rate-limit") else 0
                    report.results.append(SymbolResult(symbol, ticker, "failed", error.kind, str(error),
                                                       error.attempts))
                    log.info("%s; previous data kept", error)
                    continue
                except Exception as error:  # e.g. a full disk: this symbol fails, the others go on
                    report.results.append(SymbolResult(symbol, ticker, "failed", "error",
                                                       f"{symbol}: {type(error).__name__}: {error}"))
                    log.info("%s: %s; previous data kept", symbol, error)
                    continue
                unreachable = 0
                manifest.loc[symbol] = pd.Series(row).drop("symbol")
                report.results.append(result)
        if report.by_status("updated"):
            _write_manifest(staging, manifest)
            shutil.rmtree(staging / "candidates", ignore_errors=True)
            try:
                _verify_folder(staging)
            except DataValidationError as error:
                raise DataValidationError(f"the staged refreshed data fail validation ({error}); nothing "
                                          "installed, the previous data are unchanged") from error
            try:
                _install(staging, target)
            except OSError as error:
                raise DeepSeekMondayError(f"could not install the refreshed data in {target} ({error}); "
                                          "the previous data are unchanged") from error
            report.installed = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report
