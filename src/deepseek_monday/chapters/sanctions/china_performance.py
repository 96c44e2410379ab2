"""China after DeepSeek: China stocks against US chip firms since the R1 release, as equal-weighted
baskets of stocks with the ETFs beside them (never averaged in).

Returns are total returns from adjusted closes, each in its listing's currency: the US-listed
China stocks (ADRs) and the US chip firms in US dollars on NYSE sessions, the Hong Kong stocks
in Hong Kong dollars on HKEX sessions. The China baskets are the report's China groups
(:func:`~deepseek_monday.chapters.sanctions.parameters.china_groups`), one basket per market;
only the US-listed basket shares the chip firms' sessions, so it alone is set against them day
by day.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from deepseek_monday.chapters.sanctions.parameters import (
    CHINA_HK_GROUP,
    CHINA_US_GROUP,
    CHIPS_GROUP,
    MARKET,
    SEMICONDUCTOR_ETF,
    SanctionsParameters,
    china_groups,
)
from deepseek_monday.chapters.sanctions.price_levels import last_on_or_before, rebase, returns_over
from deepseek_monday.data.prices import price_panel
from deepseek_monday.data.universe import load_universe
from deepseek_monday.measures.group_study import GroupDefinition
from deepseek_monday.present.tables import readable

# Row and column keys of the baskets (stable whatever this run's members; the group column names the group).
CHINA_US_BASKET = f"{CHINA_US_GROUP} basket"
CHINA_HK_BASKET = f"{CHINA_HK_GROUP} basket"
CHIPS_BASKET = f"{CHIPS_GROUP} basket"
BESIDE_GROUP = "beside (ETF, not averaged)"


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


def china_baskets(params: SanctionsParameters) -> dict[str, GroupDefinition]:
    """Return basket key -> this run's China group (US-listed first, then Hong Kong, if it has stocks)."""
    calendars = load_universe()["calendar"]
    return {CHINA_US_BASKET if calendars[g.members[0]] == MARKET else CHINA_HK_BASKET: g for g in china_groups(params)}


def comparison_paths(params: SanctionsParameters) -> pd.DataFrame:
    """Return the cumulative returns since the R1 release on NYSE sessions (wide: dates x series).

    Columns: the US-listed China stocks' basket and the US chip firms' basket (equal-weighted,
    stocks only), then single series shown beside them: the China ETF(s) (KWEB by default), the
    semiconductor ETF and Nvidia. The Hong Kong stocks trade on other days and end earlier; their
    basket is in :func:`performance_since`.
    """
    chips, china = list(params.chip_symbols), list(china_baskets(params)[CHINA_US_BASKET].members)
    singles = list(dict.fromkeys([*params.china_beside, SEMICONDUCTOR_ETF, "NVDA"]))
    prices = price_panel(list(dict.fromkeys([*chips, *china, *singles])))
    paths = {CHINA_US_BASKET: basket_value(prices, china, params.comparison_start),
             CHIPS_BASKET: basket_value(prices, chips, params.comparison_start)}
    singles_paths = rebase(prices[singles], params.comparison_start, strictly=True) - 1.0
    frame = pd.DataFrame(paths).join(singles_paths, how="outer")
    return frame.dropna(how="all")


def relative_path(paths: pd.DataFrame) -> pd.Series:
    """Return the US-listed China basket relative to the US chip basket: (1 + R_china) / (1 + R_chips) - 1."""
    china, chips = paths[CHINA_US_BASKET], paths[CHIPS_BASKET]
    return ((1 + china) / (1 + chips) - 1).dropna().rename("relative")


def performance_since(params: SanctionsParameters) -> pd.DataFrame:
    """Return every studied series' return since its last close before the R1 release, and the baskets'.

    Two horizons: to the last date every series has (``common_end``, set by the Hong Kong
    stocks) and to each series' own last close. Baskets average stocks only, one per market
    and currency (US-listed China stocks and US chip firms in USD, Hong Kong stocks in HKD);
    ETFs are rows of their own. The group column names the report's group of each stock.
    """
    baskets = china_baskets(params)
    symbols = list(dict.fromkeys([*params.china_stocks, *params.china_beside, SEMICONDUCTOR_ETF,
                                  *params.chip_symbols]))
    prices = price_panel(symbols)
    last_dates = prices.apply(lambda column: column.last_valid_index())
    common_end = last_dates.min()
    to_common = returns_over(prices, params.comparison_start, common_end)
    to_own = returns_over(prices, params.comparison_start)
    universe = load_universe()
    group_of = {s: g.name for g in baskets.values() for s in g.members} | {s: CHIPS_GROUP for s in params.chip_symbols}
    group_of |= {s: BESIDE_GROUP for s in params.china_beside} | {SEMICONDUCTOR_ETF: "semiconductor ETF"}
    table = pd.DataFrame({
        "name": universe.loc[symbols, "name"], "group": [group_of[s] for s in symbols],
        "base_date": to_own["base_date"], "return_to_common_end": to_common["return"],
        "last_date": to_own["end_date"], "return_to_last_date": to_own["return"],
    }, index=pd.Index(symbols, name="symbol"))
    table.attrs["common_end"] = common_end
    rows = [(key, g.name, g.members) for key, g in baskets.items()]
    for key, group, members in [*rows, (CHIPS_BASKET, CHIPS_GROUP, tuple(params.chip_symbols))]:
        path = basket_value(prices, members, params.comparison_start)
        currency = str(universe.at[members[0], "currency"])
        table.loc[key] = {
            "name": f"equal-weighted stocks, {currency}, bought at the base close: " + ", ".join(members),
            "group": group, "base_date": last_on_or_before(prices[members[0]], params.comparison_start, strictly=True),
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

