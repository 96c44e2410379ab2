"""Read, validate and cache the daily-price snapshot.

The snapshot (``MANIFEST.csv`` plus ``prices/<SYMBOL>.csv``) follows the conventions of
its own README: US stocks and ETFs carry only ``adj_close`` (split- and
dividend-adjusted, so returns from it are total returns); indices, FX and Bitcoin carry
``close`` (unadjusted, so their returns are price returns). :func:`price_column` says
which column a symbol's returns come from.

Every file is validated against its manifest row on load; where the manifest has a
``sha256`` column, each file's SHA-256 must equal the published one (a file changed with
the same row count is refused, naming it). File digests are memoised per path, size and
modification time, so each changed file is hashed once. A validated copy of the whole
snapshot is cached as parquet under a key made of the files' SHA-256 checksums, so a
changed file can never be served from a stale cache.

Refreshed data (``deepseek-monday data refresh``, see :mod:`deepseek_monday.data.refresh`)
live in their own folder in the same format, with a ``MANIFEST.csv`` that adds the
retrieval details. When that folder exists the loader splices each refreshed series onto
the snapshot: from the refreshed file's first date on, only refreshed rows are used (the
newer source wins); earlier rows come from the snapshot. For adjusted series
(``adj_close``) the earlier snapshot rows are multiplied by the constant ratio
refreshed/snapshot measured on the first shared days, because Yahoo re-scales the whole
adjusted history whenever a dividend or split is paid: the ratio is constant between two
retrievals, and rescaling keeps every return unchanged and the level continuous.
Unadjusted series (``close``) must agree to within 1% and are never rescaled. A refreshed
series that cannot be spliced is not used (the snapshot series is, and the manifest's
``refresh_note`` says why). The manifest's ``source`` column tells, per symbol, where the
series came from: ``snapshot``, ``snapshot+refreshed`` or ``refreshed``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import re
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from deepseek_monday.data.paths import cache_dir, market_data_dir, project_root
from deepseek_monday.errors import DataValidationError, NotCheckable, ParameterError

log = logging.getLogger(__name__)

PRICE_FILE_COLUMNS = ["date", "open", "high", "low", "close", "adj_close", "volume"]
PRICE_FIELDS = ["open", "high", "low", "close", "adj_close"]
MANIFEST_COLUMNS = ["symbol", "name", "kind", "currency", "exchange", "first_date",
                    "last_date", "rows", "adjusted", "source_repo", "source_path",
                    "source_commit", "validated", "notes"]
# Bump when validation or the cached layout changes, so old caches are rebuilt.
CACHE_FORMAT = "prices-v3"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

REFRESHED_ENV_VAR = "DEEPSEEK_MONDAY_REFRESHED"
# Columns a refreshed folder's MANIFEST.csv carries beyond MANIFEST_COLUMNS.
REFRESH_COLUMNS = ["yahoo_ticker", "retrieved_at", "library", "library_version", "auto_adjust",
                   "requested_start", "requested_end", "sha256"]
# Columns the loader adds to the manifest: where each series came from.
SOURCE_COLUMNS = ["source", "refreshed_from", "retrieved_at", "library_version", "splice_factor",
                  "refresh_note"]
# Manifest columns a refreshed series may change.
_OVERRIDDEN_COLUMNS = ["first_date", "last_date", "rows", "adjusted", "source_repo", "source_path",
                       "source_commit", "validated", "notes"]
# Splicing: the refreshed/snapshot ratio is measured on the first SPLICE_WINDOW shared days
# (at least MIN_SPLICE_OVERLAP) and may vary by at most SPLICE_TOLERANCE around its median.
T = TypeVar("T")
MIN_SPLICE_OVERLAP = 5
SPLICE_WINDOW = 10
SPLICE_TOLERANCE = 0.01
_SWITCHED_OFF = {"off", "none", "no", "false", "0"}


@dataclass(frozen=True)
class Snapshot:
    """A validated snapshot: its manifest, all prices in long form, and where it came from.

    ``prices`` has one row per symbol and date with the file's fields plus ``price``,
    the column that symbol's returns come from (see :func:`price_column`). With refreshed
    data, ``manifest`` describes the spliced series and its ``source`` column says which
    source each came from; ``refreshed_directory`` is the refreshed folder used, if any.
    """

    directory: Path
    checksum: str
    manifest: pd.DataFrame
    prices: pd.DataFrame
    quality_notes: pd.DataFrame
    refreshed_directory: Path | None = None
    _derived: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def symbols(self) -> list[str]:
        """Return the symbols in manifest order."""
        return list(self.manifest.index)

    def price_panel(self, symbols: list[str] | None = None) -> pd.DataFrame:
        """The price each of ``symbols`` (default: all) takes its returns from, wide: dates x symbols.

        Rows are the dates where one of the symbols has a row; nothing is filled.
        """
        symbols = self.symbols() if symbols is None else list(symbols)
        unknown = [s for s in symbols if s not in self.manifest.index]
        if unknown:
            raise DataValidationError(f"no price file for {unknown} in {self.directory}")
        panel = self.derived("price panel", lambda: _wide_prices(self)).loc[:, symbols]
        return panel.loc[panel.notna().any(axis=1)]

    @property
    def flagged_days(self) -> pd.DataFrame:
        """Suspected bad prints of every series (see :mod:`deepseek_monday.data.spikes`), screened once per snapshot.

        Columns ``symbol, date, return, next_date, next_return, robust_sigma, reason``. Peers
        (series that would confirm a real market move) share an exchange calendar in
        ``data/universe.csv``; a series the universe lacks has none.
        """
        return self.derived("flagged days", lambda: _screen(self)).copy()

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Return a table derived from this snapshot, computed on first use under ``key``.

        The stored table is shared: callers hand out copies, never the table itself.
        """
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]


def price_column(adjusted: str) -> str:
    """Return the column returns are computed from, given a manifest ``adjusted`` value."""
    return "adj_close" if adjusted.strip().lower().startswith("yes") else "close"


def read_manifest(directory: Path) -> pd.DataFrame:
    """Read and check ``MANIFEST.csv``; return it indexed by symbol."""
    path = directory / "MANIFEST.csv"
    if not path.is_file():
        raise DataValidationError(f"{path}: manifest not found")
    manifest = read_csv_text(path)
    missing = [c for c in MANIFEST_COLUMNS if c not in manifest.columns]
    if missing:
        raise DataValidationError(f"{path}: missing columns {missing}")
    duplicated = manifest["symbol"][manifest["symbol"].duplicated()].tolist()
    if duplicated:
        raise DataValidationError(f"{path}: symbols listed twice: {duplicated}")
    for column in ("first_date", "last_date"):
        bad = manifest.loc[~manifest[column].str.match(_ISO_DATE), "symbol"].tolist()
        if bad:
            raise DataValidationError(f"{path}: {column} is not an ISO date for {bad}")
    bad_rows = manifest.loc[~manifest["rows"].str.fullmatch(r"\d+"), "symbol"].tolist()
    if bad_rows:
        raise DataValidationError(f"{path}: rows is not a whole number for {bad_rows}")
    manifest["rows"] = manifest["rows"].astype(int)
    manifest["price_column"] = manifest["adjusted"].map(price_column)
    return manifest.set_index("symbol")


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV file as text columns; raise a DataValidationError naming the file and line of a defect.

    Defects: bytes that are not UTF-8, an empty line, a line whose field count differs from
    the header's. Row ``i`` of the result is line ``i + 2`` of the file (the header is line 1).
    """
    content = path.read_bytes()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise DataValidationError(f"{path}: line {line}: not UTF-8 text (byte 0x{content[error.start]:02x})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as error:
        raise DataValidationError(f"{path}: line {reader.line_num}: {error}") from None
    if not records:
        raise DataValidationError(f"{path}: the file is empty")
    width = len(records[0])
    for line, record in enumerate(records, start=1):
        if not record:
            raise DataValidationError(f"{path}: line {line}: empty line")
        if len(record) != width:
            raise DataValidationError(f"{path}: line {line}: {len(record)} fields, expected {width}")
    return pd.DataFrame(records[1:], columns=records[0], dtype=str)


def _fail(path: Path, position: int, dates: pd.Series, problem: str) -> DataValidationError:
    """Build an error naming the file, the line (header is line 1) and the date there."""
    line = position + 2
    return DataValidationError(f"{path}: line {line} (date {dates.iloc[position]!r}): {problem}")


def read_price_file(path: Path, expected: pd.Series) -> tuple[pd.DataFrame, list[dict]]:
    """Read one price file and validate it against its manifest row ``expected``.

    Checks: header, ISO dates, strictly ascending (so unique) dates, numeric and
    positive prices, a value in the column returns come from on every row,
    non-negative volume, and the manifest's row count and date range. A zero in an
    open/high/low/close field that returns do not come from is Yahoo's placeholder
    for a missing value: it becomes NaN and is returned as a quality note (a zero or
    negative value in the returns column, or a negative anywhere, is an error).
    """
    if not path.is_file():
        raise DataValidationError(f"{path}: file listed in MANIFEST.csv is missing")
    raw = read_csv_text(path)
    header = list(raw.columns)
    if header != PRICE_FILE_COLUMNS:
        raise DataValidationError(
            f"{path}: line 1: header is {','.join(header)!r}, expected {','.join(PRICE_FILE_COLUMNS)!r}"
        )
    dates = raw["date"]
    parsed = pd.to_datetime(dates.where(dates.str.match(_ISO_DATE)), format="%Y-%m-%d",
                            errors="coerce")
    if parsed.isna().any():
        position = int(np.flatnonzero(parsed.isna())[0])
        raise _fail(path, position, dates, "date is not an ISO date (YYYY-MM-DD)")
    steps = parsed.diff().dt.days.to_numpy()[1:]
    if (steps <= 0).any():
        position = int(np.flatnonzero(steps <= 0)[0]) + 1
        kind = "repeats the previous date" if steps[position - 1] == 0 else "is earlier than the previous date"
        raise _fail(path, position, dates, f"date {kind}; dates must be ascending and unique")

    source = expected["price_column"]
    notes: list[dict] = []
    frame = pd.DataFrame({"date": parsed})
    for column in [*PRICE_FIELDS, "volume"]:
        values = pd.to_numeric(raw[column], errors="coerce")  # surrounding blanks allowed; blank -> NaN
        unparsed = raw[column][values.isna()]
        unparsed = unparsed[unparsed != ""].str.strip()  # only the few cells that did not parse are stripped
        if (unparsed != "").any():
            position = raw.index.get_loc(unparsed.index[np.flatnonzero(unparsed != "")[0]])
            raise _fail(path, position, dates, f"{column} {unparsed[unparsed != ''].iloc[0]!r} is not a number")
        if column not in (source, "volume"):
            placeholder = values == 0
            for position in np.flatnonzero(placeholder):
                notes.append({"symbol": path.stem, "line": int(position) + 2,
                              "date": dates.iloc[position],
                              "note": f"{column} is 0 (placeholder for missing); treated as missing"})
            values = values.mask(placeholder)
        floor_ok = values >= 0 if column == "volume" else values > 0
        bad = values.notna() & ~floor_ok
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            rule = "volume must not be negative" if column == "volume" else "prices must be positive"
            raise _fail(path, position, dates, f"{column} is {values.iloc[position]}; {rule}")
        frame[column] = values.astype("float64")

    if frame[source].isna().any():
        position = int(np.flatnonzero(frame[source].isna())[0])
        raise _fail(path, position, dates, f"{source} is empty; returns for this symbol come from {source}")
    if len(frame) != expected["rows"]:
        raise DataValidationError(
            f"{path}: {len(frame)} data rows, but MANIFEST.csv says {expected['rows']}"
        )
    first, last = dates.iloc[0], dates.iloc[-1]
    if (first, last) != (expected["first_date"], expected["last_date"]):
        raise DataValidationError(
            f"{path}: dates run {first}..{last}, but MANIFEST.csv says "
            f"{expected['first_date']}..{expected['last_date']}"
        )
    return frame, notes


@cache
def _content_digest(path: Path, size: int, modified_ns: int) -> bytes:
    """Return the SHA-256 of a file's bytes; memoised per path, size and modification time."""
    return hashlib.sha256(path.read_bytes()).digest()


# A file modified this recently may change again within the filesystem's timestamp
# granularity without its size or mtime changing, so it is always hashed afresh.
_RACY_SECONDS = 2


def _file_digest(path: Path) -> bytes:
    if not path.is_file():
        return b"<missing>"
    status = path.stat()
    if time.time_ns() - status.st_mtime_ns < _RACY_SECONDS * 1_000_000_000:
        return hashlib.sha256(path.read_bytes()).digest()
    return _content_digest(path, status.st_size, status.st_mtime_ns)


def file_sha256(path: Path) -> str:
    """Return the SHA-256 (hex) of a file's bytes, memoised per path, size and modification time."""
    return _file_digest(path).hex()


def published_sha256(manifest: pd.DataFrame, symbol: str) -> str:
    """Return the SHA-256 the manifest publishes for ``symbol``'s file, or "" when it has none.

    Manifests without a ``sha256`` column (older snapshots, synthetic test manifests) have none.
    """
    if "sha256" not in manifest.columns:
        return ""
    value = manifest.at[symbol, "sha256"]
    return value.strip().lower() if isinstance(value, str) else ""


def check_sha256(path: Path, expected: str, actual: bytes | None = None) -> None:
    """Raise a DataValidationError naming ``path`` if its SHA-256 is not ``expected`` (hex; "" skips).

    ``actual`` is the file's digest when already known (see :func:`_file_digest`).
    """
    if not expected:
        return
    found = (actual if actual is not None else _file_digest(path)).hex()
    if found != expected:
        raise DataValidationError(
            f"{path}: SHA-256 {found[:12]}... differs from MANIFEST.csv ({expected[:12]}...); "
            "the file changed after it was published (damaged or edited): refusing to use it"
        )


def _hash_folder(digest: hashlib._Hash, directory: Path, manifest: pd.DataFrame, verify: bool = False) -> None:
    """Feed the digests of a price folder's MANIFEST.csv and each listed price file into ``digest``.

    With ``verify``, each file's digest must equal the manifest's ``sha256`` where one is given;
    the digests are memoised per path, size and modification time, so an unchanged file is
    hashed once per process.
    """
    digest.update(_file_digest(directory / "MANIFEST.csv"))
    for symbol in manifest.index:
        path = directory / "prices" / f"{symbol}.csv"
        file_digest = _file_digest(path)
        if verify and path.is_file():
            check_sha256(path, published_sha256(manifest, symbol), file_digest)
        digest.update(symbol.encode())
        digest.update(file_digest)


def snapshot_checksum(directory: Path, manifest: pd.DataFrame) -> str:
    """Return a SHA-256 over the manifest and every listed price file (the cache key).

    Raises a DataValidationError naming the file when a price file's SHA-256 differs from the
    manifest's ``sha256`` column (checked where the column is present and non-empty).
    """
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    _hash_folder(digest, directory, manifest, verify=True)
    return digest.hexdigest()


NOTE_COLUMNS = ["symbol", "line", "date", "note"]


def refreshed_location(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """Return where refreshed data live (or go), or None when they are switched off.

    Resolution: the ``explicit`` argument, ``$DEEPSEEK_MONDAY_REFRESHED``, then
    ``data/refreshed`` in the project. The value ``off`` switches refreshed data off, so the
    report is built from the snapshot alone.
    """
    if explicit is not None:
        raw = os.fspath(explicit)
    elif os.environ.get(REFRESHED_ENV_VAR):
        raw = os.environ[REFRESHED_ENV_VAR]
    else:
        try:
            raw = os.fspath(project_root() / "data" / "refreshed")
        except DataValidationError:
            return None
    if raw.strip().lower() in _SWITCHED_OFF:
        return None
    return Path(raw).expanduser().resolve()


def read_refreshed_manifest(directory: Path) -> pd.DataFrame:
    """Read a refreshed folder's ``MANIFEST.csv``: the snapshot's checks plus REFRESH_COLUMNS."""
    manifest = read_manifest(directory)
    missing = [c for c in REFRESH_COLUMNS if c not in manifest.columns]
    if missing:
        raise DataValidationError(f"{directory / 'MANIFEST.csv'}: missing columns {missing}")
    return manifest


def read_refreshed_file(directory: Path, symbol: str, expected: pd.Series) -> tuple[pd.DataFrame, list[dict]]:
    """Read one refreshed price file: its SHA-256 must match the manifest, then as :func:`read_price_file`."""
    path = directory / "prices" / f"{symbol}.csv"
    if path.is_file():
        published = str(expected["sha256"]).strip().lower()
        if not published:
            raise DataValidationError(f"{directory / 'MANIFEST.csv'}: {symbol} has no sha256; a refreshed file "
                                      "is used only with its checksum")
        check_sha256(path, published)
    return read_price_file(path, expected)


@dataclass(frozen=True)
class Splice:
    """One symbol's snapshot series with a refreshed series spliced on (see the module docstring)."""

    frame: pd.DataFrame
    source: str
    refreshed_from: pd.Timestamp
    factor: float
    overlap: int
    deviation: float


def splice_series(symbol: str, snapshot: pd.DataFrame, refreshed: pd.DataFrame, column: str) -> Splice:
    """Splice ``refreshed`` onto ``snapshot`` (both as returned by :func:`read_price_file`).

    From the refreshed series' first date on only refreshed rows are kept. If it starts on
    or before the snapshot's first date it replaces the snapshot wholesale. Otherwise the
    ratio refreshed/snapshot of ``column`` is measured on the first shared days; for
    ``adj_close`` the earlier snapshot values are multiplied by its median, for ``close``
    the ratio must be 1. Raises DataValidationError, naming the symbol, when the series
    share too few days or the ratio varies by more than SPLICE_TOLERANCE.
    """
    start = refreshed["date"].iloc[0]
    if start <= snapshot["date"].iloc[0]:
        return Splice(refreshed.reset_index(drop=True), "refreshed", start, 1.0, 0, 0.0)
    old = snapshot.set_index("date")[column]
    new = refreshed.set_index("date")[column]
    shared = new.index.intersection(old.index)[:SPLICE_WINDOW]
    if len(shared) < MIN_SPLICE_OVERLAP:
        raise DataValidationError(
            f"{symbol}: the refreshed series starts {start:%Y-%m-%d} and shares {len(shared)} day(s) with the "
            f"snapshot, which ends {old.index[-1]:%Y-%m-%d}; at least {MIN_SPLICE_OVERLAP} are needed to splice "
            "them (refresh from an earlier date)"
        )
    ratios = new[shared] / old[shared]
    rescale = column == "adj_close"
    factor = float(ratios.median()) if rescale else 1.0
    deviation = float((ratios / factor - 1).abs().max())
    if deviation > SPLICE_TOLERANCE:
        expectation = "constant" if rescale else "1 (unadjusted prices must agree)"
        raise DataValidationError(
            f"{symbol}: on the {len(shared)} days from {shared[0]:%Y-%m-%d} the refreshed/snapshot {column} ratio "
            f"runs {ratios.min():.4f}..{ratios.max():.4f}, expected {expectation} within {SPLICE_TOLERANCE:.0%}; "
            "the two series disagree (a split or a different instrument?)"
        )
    before = snapshot[snapshot["date"] < start].copy()
    if rescale:
        before[column] = before[column] * factor
    frame = pd.concat([before, refreshed], ignore_index=True)
    return Splice(frame, "snapshot+refreshed", start, factor, len(shared), deviation)


def _usable_refreshed(explicit: str | os.PathLike[str] | None) -> tuple[Path | None, pd.DataFrame | None]:
    """Return the refreshed folder and its manifest, or (None, None) if absent, off or unreadable."""
    directory = refreshed_location(explicit)
    if directory is None or not (directory / "MANIFEST.csv").is_file():
        return None, None
    try:
        return directory, read_refreshed_manifest(directory)
    except DataValidationError as error:
        log.warning("ignoring refreshed data in %s: %s", directory, error)
        return None, None


def data_checksum(directory: Path, manifest: pd.DataFrame, refreshed: Path | None = None,
                  refreshed_manifest: pd.DataFrame | None = None) -> str:
    """Return the cache key: :func:`snapshot_checksum`, extended by the refreshed files if any."""
    checksum = snapshot_checksum(directory, manifest)
    if refreshed is None or refreshed_manifest is None:
        return checksum
    digest = hashlib.sha256(checksum.encode())
    digest.update(b"refreshed")
    _hash_folder(digest, refreshed, refreshed_manifest)
    return digest.hexdigest()


def _snapshot_sources(manifest: pd.DataFrame) -> pd.DataFrame:
    """Return the per-symbol source table for series that come from the snapshot alone."""
    sources = manifest[_OVERRIDDEN_COLUMNS].copy()
    sources["source"] = "snapshot"
    for column in ("refreshed_from", "retrieved_at", "library_version", "refresh_note"):
        sources[column] = ""
    sources["splice_factor"] = np.nan
    return sources


def _spliced_source(snapshot_row: pd.Series, refreshed_row: pd.Series, splice: Splice) -> dict[str, object]:
    """Return the manifest values describing a spliced (or wholly refreshed) series."""
    frame = splice.frame
    start = f"{splice.refreshed_from:%Y-%m-%d}"
    values: dict[str, object] = {
        "first_date": f"{frame['date'].iloc[0]:%Y-%m-%d}", "last_date": f"{frame['date'].iloc[-1]:%Y-%m-%d}",
        "rows": len(frame), "source": splice.source, "refreshed_from": start,
        "retrieved_at": refreshed_row["retrieved_at"], "library_version": refreshed_row["library_version"],
        "splice_factor": splice.factor, "refresh_note": "",
    }
    if splice.source == "refreshed":
        values.update({c: refreshed_row[c] for c in ("adjusted", "source_repo", "source_path", "source_commit",
                                                      "validated", "notes")})
        return values
    rescaled = (f"; snapshot adj_close before {start} rescaled by {splice.factor:.6f}"
                if splice.factor != 1.0 else "")
    values.update({
        "adjusted": snapshot_row["adjusted"],
        "source_repo": f"{snapshot_row['source_repo']} + {refreshed_row['source_repo']}",
        "source_path": f"{snapshot_row['source_path']} + {refreshed_row['source_path']}",
        "source_commit": snapshot_row["source_commit"],
        "validated": f"{snapshot_row['validated']}; refreshed part: {refreshed_row['validated']}",
        "notes": (f"{snapshot_row['notes']}; from {start} {refreshed_row['source_repo']} "
                  f"({refreshed_row['library']} {refreshed_row['library_version']}, auto_adjust="
                  f"{refreshed_row['auto_adjust']}) retrieved {refreshed_row['retrieved_at']}{rescaled}"),
    })
    return values


def _validate_all(directory: Path, manifest: pd.DataFrame, refreshed: Path | None = None,
                  refreshed_manifest: pd.DataFrame | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Validate every snapshot file, splice on the usable refreshed series.

    Returns the prices in long form, the quality notes and the per-symbol source table.
    """
    frames: dict[str, pd.DataFrame] = {}
    notes: dict[str, list[dict]] = {}
    for symbol, expected in manifest.iterrows():
        frames[symbol], notes[symbol] = read_price_file(directory / "prices" / f"{symbol}.csv", expected)
    sources = _snapshot_sources(manifest)
    if refreshed is not None and refreshed_manifest is not None:
        for symbol, row in refreshed_manifest.iterrows():
            if symbol not in frames:
                log.warning("ignoring refreshed %s: not in the snapshot %s", symbol, directory)
                continue
            try:
                if row["price_column"] != manifest.at[symbol, "price_column"]:
                    raise DataValidationError(
                        f"{symbol}: the refreshed file carries {row['price_column']}, the snapshot "
                        f"{manifest.at[symbol, 'price_column']}"
                    )
                frame, file_notes = read_refreshed_file(refreshed, symbol, row)
                splice = splice_series(symbol, frames[symbol], frame, row["price_column"])
            except DataValidationError as error:
                log.warning("refreshed %s not used, the snapshot series is: %s", symbol, error)
                sources.loc[symbol, "refresh_note"] = f"refreshed series not used: {error}"
                continue
            frames[symbol] = splice.frame
            start = f"{splice.refreshed_from:%Y-%m-%d}"
            notes[symbol] = ([n for n in notes[symbol] if n["date"] < start]
                             + [{**n, "note": f"{n['note']} (refreshed file)"} for n in file_notes])
            for column, value in _spliced_source(manifest.loc[symbol], row, splice).items():
                sources.loc[symbol, column] = value
    parts = []
    for symbol, frame in frames.items():
        frame = frame.copy()
        frame.insert(0, "symbol", symbol)
        frame["price"] = frame[manifest.at[symbol, "price_column"]]
        parts.append(frame)
    prices = pd.concat(parts, ignore_index=True)
    prices["symbol"] = prices["symbol"].astype("category")
    all_notes = pd.DataFrame([n for symbol_notes in notes.values() for n in symbol_notes], columns=NOTE_COLUMNS)
    return prices, all_notes, sources.rename_axis("symbol").reset_index()


def _apply_sources(manifest: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Return the manifest with the source table's columns (the spliced series' dates, rows, provenance)."""
    table = sources.set_index("symbol").reindex(manifest.index)
    merged = manifest.copy()
    for column in [*_OVERRIDDEN_COLUMNS, *SOURCE_COLUMNS]:
        merged[column] = table[column]
    merged["rows"] = merged["rows"].astype(int)
    return merged


_CACHE_PARTS = ("prices", "notes", "sources")


def _cache_paths(checksum: str) -> dict[str, Path]:
    directory = cache_dir()
    return {part: directory / f"{part}-{checksum[:24]}.parquet" for part in _CACHE_PARTS}


def _read_cache(checksum: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    paths = _cache_paths(checksum)
    if not all(path.is_file() for path in paths.values()):
        return None
    try:
        prices, notes, sources = (pd.read_parquet(paths[part]) for part in _CACHE_PARTS)
    except Exception as error:  # a truncated or corrupt cache file is rebuilt, never used
        log.warning("ignoring unreadable cache %s (%s); rebuilding", paths["prices"], error)
        return None
    return prices, notes, sources


def _write_cache(checksum: str, prices: pd.DataFrame, notes: pd.DataFrame, sources: pd.DataFrame) -> None:
    """Write the cache files atomically; the prices file last, so it marks completeness."""
    current = _cache_paths(checksum)
    for part, frame in (("sources", sources), ("notes", notes), ("prices", prices)):
        temporary = current[part].with_suffix(f".tmp-{os.getpid()}")
        frame.to_parquet(temporary, index=False)
        os.replace(temporary, current[part])
    keep = set(current.values())
    directory = current["prices"].parent
    for stale in [path for part in _CACHE_PARTS for path in directory.glob(f"{part}-*.parquet")]:
        if stale not in keep:
            stale.unlink(missing_ok=True)


@cache
def _load_snapshot(directory: Path, refreshed: Path | None, checksum: str) -> Snapshot:
    manifest = read_manifest(directory)
    refreshed_manifest = read_refreshed_manifest(refreshed) if refreshed is not None else None
    cached = _read_cache(checksum)
    if cached is None:
        cached = _validate_all(directory, manifest, refreshed, refreshed_manifest)
        _write_cache(checksum, *cached)
    prices, notes, sources = cached
    return Snapshot(directory=directory, checksum=checksum, manifest=_apply_sources(manifest, sources),
                    prices=prices, quality_notes=notes, refreshed_directory=refreshed)


def check_data_dir(data_dir: object = None) -> Path:
    """Return the market-data directory ``data_dir`` names (None: the configured default) if it holds a manifest.

    Raises a ParameterError for a value that is not a path, a missing directory or one without a
    valid ``MANIFEST.csv`` (the data_sources chapter's parameter).
    """
    if data_dir is not None and not isinstance(data_dir, str | os.PathLike):
        raise ParameterError(f"data_dir: {data_dir!r} is not a directory path (use null for the configured default)")
    if isinstance(data_dir, str) and not data_dir.strip():
        raise ParameterError("data_dir: the path is empty (use null for the configured default)")
    try:
        directory = market_data_dir(data_dir)
        read_manifest(directory)
    except DataValidationError as error:
        raise ParameterError(f"data_dir: {error}") from None
    return directory


def load_snapshot(data_dir: str | os.PathLike[str] | None = None,
                  refreshed_dir: str | os.PathLike[str] | None = None) -> Snapshot:
    """Return the validated snapshot, with refreshed series spliced on where they exist.

    ``refreshed_dir`` defaults to :func:`refreshed_location`. Served from the parquet cache
    when the checksum of the snapshot and refreshed files matches.
    """
    directory = market_data_dir(data_dir)
    manifest = read_manifest(directory)
    refreshed, refreshed_manifest = _usable_refreshed(refreshed_dir)
    return _load_snapshot(directory, refreshed, data_checksum(directory, manifest, refreshed, refreshed_manifest))


def price_panel(symbols: list[str] | None = None,
                data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return the price each symbol's returns come from, wide: dates x symbols.

    A cell is NaN where the symbol has no row on that date; nothing is filled.
    """
    return load_snapshot(data_dir).price_panel(symbols)


def last_row_on_or_before(series: pd.Series, date: pd.Timestamp, what: str = "series") -> pd.Timestamp:
    """Return the date of the last row on or before ``date``; raise NotCheckable if there is none."""
    earlier = series.loc[:date].dropna()
    if earlier.empty:
        raise NotCheckable(f"the {what} has no value on or before {date:%Y-%m-%d}")
    return earlier.index[-1]


def _screen(snapshot: Snapshot) -> pd.DataFrame:
    """Run the spike screen over every series of ``snapshot`` with the universe's calendars as peer groups."""
    from deepseek_monday.data.spikes import screen_spikes
    from deepseek_monday.data.universe import load_universe

    calendars = load_universe()["calendar"].to_dict()
    return screen_spikes(snapshot.price_panel(), {s: calendars[s] for s in snapshot.symbols() if s in calendars})


def _wide_prices(snapshot: Snapshot) -> pd.DataFrame:
    """Every symbol's price, wide: dates x symbols in manifest order."""
    panel = snapshot.prices.pivot(index="date", columns="symbol", values="price")
    panel = panel.reindex(columns=snapshot.symbols())
    panel.columns = pd.Index([str(c) for c in panel.columns], name="symbol")
    return panel
