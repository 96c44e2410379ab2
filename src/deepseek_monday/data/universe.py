"""The universe: every instrument of the snapshot with its group, calendar and benchmarks.

``data/universe.csv`` is this project's own editorial metadata: which thematic group an
instrument belongs to, which exchange calendar it trades on (an exchange_calendars
code), its listing region, the default market benchmark and sector index for event
studies.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from deepseek_monday.data.paths import universe_file
from deepseek_monday.errors import DataValidationError, ParameterError

UNIVERSE_COLUMNS = ["symbol", "name", "group", "kind", "currency", "exchange", "calendar",
                    "listing_region", "benchmark", "sector_index"]
GROUPS = [
    "AI chips", "networking/servers", "power for AI", "hyperscalers and megacaps",
    "cloud software", "China", "Europe", "Japan", "indices/benchmarks", "crypto", "FX",
]

# Instruments the articles name that no source of the snapshot carries (its README): claims
# about them are "not checkable with our data", never estimated from a proxy.
UNAVAILABLE_INSTRUMENTS: dict[str, str] = {
    "Siemens Energy": "Xetra", "Aixtron": "Xetra", "Siltronic": "Xetra", "Jenoptik": "Xetra",
    "Suss MicroTec": "Xetra", "Hang Seng TECH index (^HSTECH)": "HKEX; KTEC is only a USD ETF proxy",
}


@cache
def load_universe() -> pd.DataFrame:
    """Return the universe indexed by symbol, in the file's (grouped) order."""
    path = universe_file()
    universe = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(universe.columns) != UNIVERSE_COLUMNS:
        raise DataValidationError(f"{path}: columns {list(universe.columns)}, expected {UNIVERSE_COLUMNS}")
    duplicated = universe["symbol"][universe["symbol"].duplicated()].tolist()
    if duplicated:
        raise DataValidationError(f"{path}: duplicate symbols {duplicated}")
    unknown_groups = sorted(set(universe["group"]) - set(GROUPS))
    if unknown_groups:
        raise DataValidationError(f"{path}: unknown groups {unknown_groups}; known: {GROUPS}")
    universe = universe.set_index("symbol")
    for column in ("benchmark", "sector_index"):
        refs = set(universe[column]) - {""}
        missing = sorted(refs - set(universe.index))
        if missing:
            raise DataValidationError(f"{path}: {column} refers to symbols not in the universe: {missing}")
    return universe


def company_name(ticker: str) -> str:
    """Return the universe's name of a ticker (the ticker itself if unknown)."""
    universe = load_universe()
    return str(universe.at[ticker, "name"]) if ticker in universe.index else ticker


def check_symbols(symbols: list[str] | tuple[str, ...], parameter: str = "symbols") -> list[str]:
    """Return ``symbols`` as a list if all are in the universe, else raise ParameterError."""
    if isinstance(symbols, str):
        symbols = [symbols]
    universe = load_universe()
    unknown = [s for s in symbols if s not in universe.index]
    if unknown:
        raise ParameterError(
            f"{parameter}: unknown ticker(s) {unknown}; known tickers are listed in "
            f"data/universe.csv (e.g. {', '.join(universe.index[:6])}, ...)"
        )
    if not symbols:
        raise ParameterError(f"{parameter}: the list is empty; give at least one ticker (or null where the "
                             "chapter allows it)")
    repeated = sorted({s for s in symbols if list(symbols).count(s) > 1})
    if repeated:
        raise ParameterError(f"{parameter}: tickers listed twice: {repeated}")
    return list(symbols)


def symbols_in_group(group: str) -> list[str]:
    """Return the symbols of one group, in universe order."""
    if group not in GROUPS:
        raise ParameterError(f"unknown group {group!r}; known: {GROUPS}")
    universe = load_universe()
    return universe.index[universe["group"] == group].tolist()
