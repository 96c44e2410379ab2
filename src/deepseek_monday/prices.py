"""Read, validate and cache the daily-price snapshot.

The snapshot (``MANIFEST.csv`` plus ``prices/<SYMBOL>.csv``) follows the conventions of
its own README: US stocks and ETFs carry only ``adj_close`` (split- and
dividend-adjusted, so returns from it are total returns); indices, FX and Bitcoin carry
``close`` (unadjusted, so their returns are price returns). :func:`price_column` says
which column a symbol's returns come from.

Every file is validated against its manifest row on load; a validated copy of the whole
snapshot is cached as parquet under a key made of the files' SHA-256 checksums, so a
changed file can never be served from a stale cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from deepseek_monday.errors import DataValidationError
from deepseek_monday.paths import cache_dir, market_data_dir

log = logging.getLogger(__name__)

PRICE_FILE_COLUMNS = ["date", "open", "high", "low", "close", "adj_close", "volume"]
PRICE_FIELDS = ["open", "high", "low", "close", "adj_close"]
MANIFEST_COLUMNS = ["symbol", "name", "kind", "currency", "exchange", "first_date",
                    "last_date", "rows", "adjusted", "source_repo", "source_path",
                    "source_commit", "validated", "notes"]
# Bump when validation or the cached layout changes, so old caches are rebuilt.
CACHE_FORMAT = "prices-v2"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Snapshot:
    """A validated snapshot: its manifest, all prices in long form, and where it came from.

    ``prices`` has one row per symbol and date with the file's fields plus ``price``,
    the column that symbol's returns come from (see :func:`price_column`).
    """

    directory: Path
    checksum: str
    manifest: pd.DataFrame
    prices: pd.DataFrame
    quality_notes: pd.DataFrame

    def symbols(self) -> list[str]:
        """Return the symbols in manifest order."""
        return list(self.manifest.index)


def price_column(adjusted: str) -> str:
    """Return the column returns are computed from, given a manifest ``adjusted`` value."""
    return "adj_close" if adjusted.strip().lower().startswith("yes") else "close"


def read_manifest(directory: Path) -> pd.DataFrame:
    """Read and check ``MANIFEST.csv``; return it indexed by symbol."""
    path = directory / "MANIFEST.csv"
    if not path.is_file():
        raise DataValidationError(f"{path}: manifest not found")
    manifest = pd.read_csv(path, dtype=str, keep_default_na=False)
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
    with path.open(encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
    if header != PRICE_FILE_COLUMNS:
        raise DataValidationError(
            f"{path}: line 1: header is {','.join(header)!r}, expected {','.join(PRICE_FILE_COLUMNS)!r}"
        )
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
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
        text = raw[column].str.strip()
        values = pd.to_numeric(text.where(text != ""), errors="coerce")
        not_numeric = (text != "") & values.isna()
        if not_numeric.any():
            position = int(np.flatnonzero(not_numeric)[0])
            raise _fail(path, position, dates, f"{column} {text.iloc[position]!r} is not a number")
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


def snapshot_checksum(directory: Path, manifest: pd.DataFrame) -> str:
    """Return a SHA-256 over the manifest and every listed price file (the cache key)."""
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    digest.update((directory / "MANIFEST.csv").read_bytes())
    for symbol in manifest.index:
        path = directory / "prices" / f"{symbol}.csv"
        digest.update(symbol.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


NOTE_COLUMNS = ["symbol", "line", "date", "note"]


def _validate_all(directory: Path, manifest: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    frames, notes = [], []
    for symbol, expected in manifest.iterrows():
        frame, file_notes = read_price_file(directory / "prices" / f"{symbol}.csv", expected)
        frame.insert(0, "symbol", symbol)
        frame["price"] = frame[expected["price_column"]]
        frames.append(frame)
        notes.extend(file_notes)
    prices = pd.concat(frames, ignore_index=True)
    prices["symbol"] = prices["symbol"].astype("category")
    return prices, pd.DataFrame(notes, columns=NOTE_COLUMNS)


def _cache_paths(checksum: str) -> tuple[Path, Path]:
    directory = cache_dir()
    return (directory / f"prices-{checksum[:24]}.parquet",
            directory / f"notes-{checksum[:24]}.parquet")


def _read_cache(checksum: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    prices_path, notes_path = _cache_paths(checksum)
    if not (prices_path.is_file() and notes_path.is_file()):
        return None
    try:
        return pd.read_parquet(prices_path), pd.read_parquet(notes_path)
    except Exception as error:  # a truncated or corrupt cache file is rebuilt, never used
        log.warning("ignoring unreadable cache %s (%s); rebuilding", prices_path, error)
        return None


def _write_cache(checksum: str, prices: pd.DataFrame, notes: pd.DataFrame) -> None:
    """Write both cache files atomically; the prices file last, so it marks completeness."""
    current = _cache_paths(checksum)
    for path, frame in zip(reversed(current), (notes, prices), strict=True):
        temporary = path.with_suffix(f".tmp-{os.getpid()}")
        frame.to_parquet(temporary, index=False)
        os.replace(temporary, path)
    for stale in [*current[0].parent.glob("prices-*.parquet"),
                  *current[0].parent.glob("notes-*.parquet")]:
        if stale not in current:
            stale.unlink(missing_ok=True)


@cache
def _load_snapshot(directory: Path, checksum: str) -> Snapshot:
    manifest = read_manifest(directory)
    cached = _read_cache(checksum)
    if cached is None:
        cached = _validate_all(directory, manifest)
        _write_cache(checksum, *cached)
    prices, notes = cached
    return Snapshot(directory=directory, checksum=checksum, manifest=manifest, prices=prices,
                    quality_notes=notes)


def load_snapshot(data_dir: str | os.PathLike[str] | None = None) -> Snapshot:
    """Return the validated snapshot, from the parquet cache when its checksum matches."""
    directory = market_data_dir(data_dir)
    manifest = read_manifest(directory)
    return _load_snapshot(directory, snapshot_checksum(directory, manifest))


def price_panel(symbols: list[str] | None = None,
                data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return the price each symbol's returns come from, wide: dates x symbols.

    A cell is NaN where the symbol has no row on that date; nothing is filled.
    """
    snapshot = load_snapshot(data_dir)
    symbols = snapshot.symbols() if symbols is None else list(symbols)
    unknown = [s for s in symbols if s not in snapshot.manifest.index]
    if unknown:
        raise DataValidationError(f"no price file for {unknown} in {snapshot.directory}")
    prices = snapshot.prices
    rows = prices[prices["symbol"].isin(symbols)]
    panel = rows.pivot(index="date", columns="symbol", values="price")
    panel = panel.reindex(columns=symbols)
    panel.columns = pd.Index([str(c) for c in panel.columns], name="symbol")
    return panel
