"""The S&P 500 cross-section: members, validated prices, a wide panel and daily returns.

Reads ``universe-sp500/`` of the market-data snapshot (``constituents.csv``, ``MANIFEST.csv``
and ``prices/<yahoo symbol>.csv``). Every price file is checked twice: its SHA-256 against
the manifest's ``sha256`` column (a mismatch means the file changed or was damaged after
it was published) and its content against its manifest row (:func:`prices.read_price_file`).
Digests are memoised per (path, size, mtime), so a re-check in the same process costs a
``stat`` per file.

Series are keyed by the Yahoo symbol of the price file (``BRK-B``, not ``BRK.B``);
``constituents['index_symbol']`` keeps the index's own spelling. Prices are ``adj_close``
(split- and dividend-adjusted), so returns are total returns. Returns are taken between
consecutive NYSE sessions: a return whose previous session has no price is NaN, nothing is
forward-filled, and a price dated on a day that is not an NYSE session is a data error.

The validated wide panel is cached as parquet under a key made of the SHA-256 of
``constituents.csv``, ``MANIFEST.csv`` and every price file, so a changed file is never
served from a stale cache.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from deepseek_monday.data.calendars import check_trading_day, sessions
from deepseek_monday.data.paths import cache_dir, market_data_dir
from deepseek_monday.data.prices import file_sha256, read_csv_text, read_manifest, read_price_file
from deepseek_monday.errors import DataValidationError, ParameterError

log = logging.getLogger(__name__)

CROSS_SECTION_FOLDER = "universe-sp500"
PARALLEL_READ_MIN_FILES = 100  # fewer files per process than this: the processes' start-up costs more than it saves
CONSTITUENTS_COLUMNS = ["symbol", "yahoo_symbol", "name", "gics_sector", "gics_sub_industry", "date_added",
                        "price_file", "price_source", "source"]
CALENDAR = "XNYS"
MEMBERSHIP_DATE = pd.Timestamp("2025-01-27")
SURVIVORSHIP = (
    "The cross-section is the S&P 500 as constituted on 27 January 2025 (list of 2024-12-27, in force "
    "until March 2025), not the index's membership on other dates: firms that left the index before "
    "2025 are absent and firms added later are not there, so returns of this fixed list before 2025 "
    "carry survivorship bias. 11 members (ANSS, BK, CTRA, DAY, DFS, HES, HOLX, IPG, JNPR, K, WBA) have "
    "no prices in the snapshot; averages run over the members that do."
)
# Bump when validation or the cached layout changes, so old caches are rebuilt.
CACHE_FORMAT = "cross-section-v1"


def survivorship_note() -> str:
    """Return the survivorship statement for the book (see :data:`SURVIVORSHIP`)."""
    return SURVIVORSHIP


@dataclass(frozen=True)
class CrossSection:
    """The validated cross-section.

    - ``constituents``: every member (503), indexed by Yahoo symbol, with ``index_symbol``,
      ``name``, ``gics_sector``, ``gics_sub_industry``, ``date_added`` and ``has_prices``.
    - ``manifest``: the price files' manifest rows, indexed by symbol.
    - ``prices``: adjusted closes, wide (NYSE sessions x symbols with prices), NaN where a
      member has no row (before it listed, or a missing session).
    - ``returns``: daily simple total returns on the same grid (first row NaN).
    """

    directory: Path
    checksum: str
    constituents: pd.DataFrame
    manifest: pd.DataFrame
    prices: pd.DataFrame
    returns: pd.DataFrame
    quality_notes: pd.DataFrame

    @property
    def members(self) -> pd.DataFrame:
        """The members that have prices (the columns of ``prices``), in that order."""
        return self.constituents.loc[list(self.prices.columns)]

    @property
    def first_return_date(self) -> pd.Timestamp:
        """The first session on which some member has a return."""
        return self.returns.index[self.returns.notna().any(axis=1).to_numpy().argmax()]

    @property
    def last_return_date(self) -> pd.Timestamp:
        """The last session on which some member has a return."""
        return self.returns.index[::-1][self.returns.iloc[::-1].notna().any(axis=1).to_numpy().argmax()]

    def check_event_date(self, date: object, days_after: int = 0, parameter: str = "event_date") -> pd.Timestamp:
        """Return ``date`` if it is an NYSE session with returns on it and ``days_after`` sessions later.

        Raises a ParameterError naming the first (and last) usable date otherwise.
        """
        timestamp = check_trading_day(date, CALENDAR, parameter)
        grid = self.returns.index
        first = self.first_return_date
        last_position = grid.get_loc(self.last_return_date) - days_after
        if timestamp < first or last_position < 0 or timestamp > grid[last_position]:
            last = f"{grid[last_position]:%Y-%m-%d}" if last_position >= 0 else "none"
            raise ParameterError(
                f"{parameter}: {timestamp:%Y-%m-%d} is outside the S&P 500 cross-section; the first usable date "
                f"is {first:%Y-%m-%d} and the last with {days_after} session(s) after it is {last}"
            )
        return timestamp


def cross_section_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the ``universe-sp500`` folder of the market-data directory (see :mod:`.paths`)."""
    path = market_data_dir(data_dir) / CROSS_SECTION_FOLDER
    if not (path / "MANIFEST.csv").is_file():
        raise DataValidationError(f"{path}: no MANIFEST.csv; the S&P 500 cross-section is not in this snapshot")
    return path


def read_constituents(directory: Path) -> pd.DataFrame:
    """Read and check ``constituents.csv``; return it indexed by Yahoo symbol.

    Adds ``index_symbol`` (the index's spelling) and ``has_prices`` (a price file is listed).
    """
    path = directory / "constituents.csv"
    if not path.is_file():
        raise DataValidationError(f"{path}: constituents file not found")
    frame = read_csv_text(path)
    if list(frame.columns) != CONSTITUENTS_COLUMNS:
        raise DataValidationError(f"{path}: columns {list(frame.columns)}, expected {CONSTITUENTS_COLUMNS}")
    for column in ("symbol", "yahoo_symbol"):
        repeated = frame[column][frame[column].duplicated()].tolist()
        if repeated:
            raise DataValidationError(f"{path}: {column} listed twice: {repeated}")
    blank = frame.loc[(frame["gics_sector"] == "") | (frame["gics_sub_industry"] == ""), "symbol"].tolist()
    if blank:
        raise DataValidationError(f"{path}: no GICS sector or sub-industry for {blank}")
    expected_files = "prices/" + frame["yahoo_symbol"] + ".csv"
    odd = frame.loc[(frame["price_file"] != "") & (frame["price_file"] != expected_files), "symbol"].tolist()
    if odd:
        raise DataValidationError(f"{path}: price_file is not prices/<yahoo_symbol>.csv for {odd}")
    frame["has_prices"] = frame["price_file"] != ""
    frame = frame.rename(columns={"symbol": "index_symbol"}).set_index("yahoo_symbol")
    frame.index.name = "symbol"
    return frame


def verify_checksums(directory: Path, manifest: pd.DataFrame) -> None:
    """Raise a DataValidationError naming the first price file whose SHA-256 differs from the manifest's."""
    if "sha256" not in manifest.columns:
        raise DataValidationError(f"{directory / 'MANIFEST.csv'}: no sha256 column; the files cannot be verified")
    for symbol, expected in manifest["sha256"].items():
        path = directory / "prices" / f"{symbol}.csv"
        if not path.is_file():
            raise DataValidationError(f"{path}: file listed in MANIFEST.csv is missing")
        actual = file_sha256(path)
        if actual != expected.strip().lower():
            raise DataValidationError(
                f"{path}: SHA-256 {actual[:12]}... differs from MANIFEST.csv ({expected[:12]}...); the file was "
                "changed or damaged after it was published; treat it as corrupt"
            )


def _checksum(directory: Path, manifest: pd.DataFrame) -> str:
    """The cache key: SHA-256 over the format, constituents, manifest and every price file's digest."""
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    for name in ("constituents.csv", "MANIFEST.csv"):
        digest.update(bytes.fromhex(file_sha256(directory / name)))
    for symbol in manifest.index:
        digest.update(symbol.encode())
        digest.update(bytes.fromhex(file_sha256(directory / "prices" / f"{symbol}.csv")))
    return digest.hexdigest()


def _check_members(directory: Path, constituents: pd.DataFrame, manifest: pd.DataFrame) -> None:
    with_prices = set(constituents.index[constituents["has_prices"]])
    listed = set(manifest.index)
    if with_prices != listed:
        raise DataValidationError(
            f"{directory}: constituents with a price file and MANIFEST.csv differ: only in constituents.csv "
            f"{sorted(with_prices - listed)}, only in MANIFEST.csv {sorted(listed - with_prices)}"
        )


def _read_members(directory: Path, manifest: pd.DataFrame) -> list[tuple[pd.Series, list[dict]]]:
    """Read and validate the price files of ``manifest``'s rows, in its order (one worker's share)."""
    nyse = sessions(CALENDAR)
    read = []
    for symbol, expected in manifest.iterrows():
        path = directory / "prices" / f"{symbol}.csv"
        frame, file_notes = read_price_file(path, expected)
        off = ~frame["date"].isin(nyse)
        if off.any():
            raise DataValidationError(
                f"{path}: {frame['date'][off].iloc[0]:%Y-%m-%d} is not an NYSE session ({int(off.sum())} such rows)"
            )
        read.append((pd.Series(frame[expected["price_column"]].to_numpy(), index=frame["date"], name=symbol),
                     file_notes))
    return read


def _validate_prices(directory: Path, manifest: pd.DataFrame, workers: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read every price file (validated against its manifest row) into a wide panel on NYSE sessions.

    With ``workers`` > 1 the files are read in that many processes, each a contiguous share of the
    manifest, so the error raised for several bad files is still the first file's in manifest order.
    """
    workers = max(1, min(workers, len(manifest) // PARALLEL_READ_MIN_FILES))
    if workers == 1:
        read = _read_members(directory, manifest)
    else:
        bounds = np.linspace(0, len(manifest), workers + 1).astype(int)
        shares = [manifest.iloc[start:stop] for start, stop in itertools.pairwise(bounds)]
        # spawn, not fork: the caller may be a kernel or hold threads
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            read = [item for share in pool.map(_read_members, [directory] * workers, shares) for item in share]
    nyse = sessions(CALENDAR)
    panel = pd.DataFrame({series.name: series for series, _ in read})
    notes = [note for _, file_notes in read for note in file_notes]
    grid = nyse[(nyse >= panel.index.min()) & (nyse <= panel.index.max())]
    panel = panel.reindex(grid)
    panel.index.name, panel.columns.name = "date", "symbol"
    return panel, pd.DataFrame(notes, columns=["symbol", "line", "date", "note"])


def returns_on_sessions(prices: pd.DataFrame) -> pd.DataFrame:
    """Daily simple returns of a wide panel on consecutive sessions (NaN across a missing session)."""
    values = prices.to_numpy()
    out = np.full(values.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[1:] = values[1:] / values[:-1] - 1.0
    return pd.DataFrame(out, index=prices.index, columns=prices.columns)


def _cache_path(checksum: str) -> Path:
    return cache_dir() / f"cross-section-{checksum[:24]}.parquet"


def _read_cache(checksum: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    path = _cache_path(checksum)
    notes_path = path.with_name(path.stem + "-notes.parquet")
    if not (path.is_file() and notes_path.is_file()):
        return None
    try:
        return pd.read_parquet(path), pd.read_parquet(notes_path)
    except Exception as error:  # a truncated or corrupt cache is rebuilt, never used
        log.warning("ignoring unreadable cache %s (%s); rebuilding", path, error)
        return None


def _write_cache(checksum: str, panel: pd.DataFrame, notes: pd.DataFrame) -> None:
    """Write atomically, the notes first, so the panel file marks completeness; remove stale caches."""
    path = _cache_path(checksum)
    notes_path = path.with_name(path.stem + "-notes.parquet")
    for target, frame in ((notes_path, notes), (path, panel)):
        temporary = target.with_suffix(f".tmp-{os.getpid()}")
        frame.to_parquet(temporary)
        os.replace(temporary, target)
    for stale in path.parent.glob("cross-section-*.parquet"):
        if stale not in (path, notes_path):
            stale.unlink(missing_ok=True)


@cache
def _load(directory: Path, checksum: str) -> CrossSection:
    manifest = read_manifest(directory)
    constituents = read_constituents(directory)
    cached = _read_cache(checksum)
    if cached is None:
        cached = _validate_prices(directory, manifest)
        _write_cache(checksum, *cached)
    panel, notes = cached
    panel.index.name, panel.columns.name = "date", "symbol"
    return CrossSection(directory=directory, checksum=checksum, constituents=constituents, manifest=manifest,
                        prices=panel, returns=returns_on_sessions(panel), quality_notes=notes)


def load_cross_section(data_dir: str | os.PathLike[str] | None = None) -> CrossSection:
    """Return the validated S&P 500 cross-section (members as of 27 Jan 2025, see :data:`SURVIVORSHIP`).

    Every price file's SHA-256 is checked against the manifest on each call (memoised per
    path, size and mtime); the panel comes from the parquet cache when the checksum matches.
    The returned object is shared between callers: do not modify its tables in place.
    """
    directory = cross_section_dir(data_dir)
    manifest = read_manifest(directory)
    constituents = read_constituents(directory)
    _check_members(directory, constituents, manifest)
    verify_checksums(directory, manifest)
    return _load(directory, _checksum(directory, manifest))


def warm_cache(data_dir: str | os.PathLike[str] | None = None, workers: int = 1) -> bool:
    """Validate the price files into the parquet cache, in ``workers`` processes, unless it is cached.

    The first load of a new snapshot reads every price file; a build calls this before its
    chapters so that this cold read uses every core. Returns whether the cache was built;
    a missing or invalid cross-section is left to the chapters that load it, which report it
    in their own terms (nothing is built).
    """
    try:
        directory = cross_section_dir(data_dir)
        manifest = read_manifest(directory)
        _check_members(directory, read_constituents(directory), manifest)
        verify_checksums(directory, manifest)
        checksum = _checksum(directory, manifest)
        if _cache_path(checksum).is_file():
            return False
        _write_cache(checksum, *_validate_prices(directory, manifest, workers))
    except DataValidationError:
        return False
    return True
