"""China after DeepSeek: China tech against US semiconductors since the R1 release, as equal-weighted
baskets and single series."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from deepseek_monday.chapters.sanctions.parameters import (
    CHINA_GROUP,
    CHIPS_GROUP,
    MARKET,
    SEMICONDUCTOR_ETF,
    SanctionsParameters,
)
from deepseek_monday.chapters.sanctions.price_levels import last_on_or_before, rebase, returns_over
from deepseek_monday.data.prices import price_panel
from deepseek_monday.data.universe import load_universe
from deepseek_monday.present.tables import readable


def basket_value(prices: pd.DataFrame, members: Sequence[str], start: pd.Timestamp) -> pd.Series:
    """Return the return path of an equal-weighted buy-and-hold basket bought at the close before ``start``.

    Members must trade on the same calendar: the basket is defined only on dates where every
    member has a price (never filled), and is the mean of the members' price relatives, minus 1.
    """
    levels = rebase(prices[list(members)], start, strictly=True)
    complete = levels.dropna(how="any")
    return (complete.mean(axis=1) - 1.0).rename("basket")


def nyse_members(symbols: Sequence[str]) -> list[str]:
    """Return the symbols that trade on NYSE sessions (US listings)."""
    calendars = load_universe().loc[list(symbols), "calendar"]
    return [s for s in symbols if calendars[s] == MARKET]


def comparison_paths(params: SanctionsParameters) -> pd.DataFrame:
    """Return the cumulative returns since the R1 release: both baskets, the semiconductor ETF, NVDA, KWEB.

    Baskets hold the US-listed members of each group (Hong Kong names trade on other days
    and end earlier; they are in :func:`performance_since`). Wide: NYSE dates x series.
    """
    chips, china = list(params.chip_symbols), nyse_members(params.china_symbols)
    singles = list(dict.fromkeys([SEMICONDUCTOR_ETF, "NVDA", *(["KWEB"] if "KWEB" in china else [])]))
    prices = price_panel(list(dict.fromkeys([*chips, *china, *singles])))
    paths = {f"{CHINA_GROUP} basket": basket_value(prices, china, params.comparison_start),
             f"{CHIPS_GROUP} basket": basket_value(prices, chips, params.comparison_start)}
    singles_paths = rebase(prices[singles], params.comparison_start, strictly=True) - 1.0
    frame = pd.DataFrame(paths).join(singles_paths, how="outer")
    return frame.dropna(how="all")


def relative_path(paths: pd.DataFrame) -> pd.Series:
    """Return China tech's basket relative to the US chip basket: (1 + R_china) / (1 + R_chips) - 1."""
    china, chips = paths[f"{CHINA_GROUP} basket"], paths[f"{CHIPS_GROUP} basket"]
    return ((1 + china) / (1 + chips) - 1).dropna().rename("relative")


def performance_since(params: SanctionsParameters) -> pd.DataFrame:
    """Return every studied series' return since the close before the R1 release.

    Two horizons: to the last date every series has (``common_end``, set by the Hong Kong
    names) and to each series' own last close. Baskets are US-listed members only.
    """
    symbols = list(dict.fromkeys([*params.china_symbols, SEMICONDUCTOR_ETF, *params.chip_symbols]))
    prices = price_panel(symbols)
    last_dates = prices.apply(lambda column: column.last_valid_index())
    common_end = last_dates.min()
    to_common = returns_over(prices, params.comparison_start, common_end)
    to_own = returns_over(prices, params.comparison_start)
    universe = load_universe()
    table = pd.DataFrame({
        "name": universe.loc[symbols, "name"],
        "group": [CHINA_GROUP if s in params.china_symbols else CHIPS_GROUP if s in params.chip_symbols
                  else "semiconductor ETF" for s in symbols],
        "base_date": to_own["base_date"], "return_to_common_end": to_common["return"],
        "last_date": to_own["end_date"], "return_to_last_date": to_own["return"],
    }, index=pd.Index(symbols, name="symbol"))
    table.attrs["common_end"] = common_end
    for group, members in ((CHINA_GROUP, nyse_members(params.china_symbols)), (CHIPS_GROUP, list(params.chip_symbols))):
        path = basket_value(prices, members, params.comparison_start)
        table.loc[f"{group} basket"] = {
            "name": "equal-weighted, bought at the base close: " + ", ".join(members), "group": group,
            "base_date": last_on_or_before(prices[members[0]], params.comparison_start, strictly=True),
            "return_to_common_end": path.loc[:common_end].iloc[-1], "last_date": path.index[-1],
            "return_to_last_date": path.iloc[-1]}
    return table


def display_performance(table: pd.DataFrame) -> pd.DataFrame:
    """Return the performance table for readers, in percent."""
    common_end = table.attrs["common_end"]
    shown = pd.DataFrame({
        "Name": table["name"], "Group": table["group"], "Base close": table["base_date"].dt.strftime("%Y-%m-%d"),
        f"Return to {common_end:%Y-%m-%d} (%)": 100 * table["return_to_common_end"].astype(float),
        "Last close": table["last_date"].dt.strftime("%Y-%m-%d"),
        "Return to last close (%)": 100 * table["return_to_last_date"].astype(float),
    }, index=table.index)
    return readable(shown, decimals=2).rename_axis("Series")
