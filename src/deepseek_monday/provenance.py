"""Tables and figures of the data page: what the snapshot holds and where it came from."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from deepseek_monday.facts import load_ai_compute, load_events, load_fundamentals
from deepseek_monday.prices import Snapshot, load_snapshot
from deepseek_monday.returns import daily_returns
from deepseek_monday.style import GROUP_PALETTE, finish
from deepseek_monday.universe import load_universe


def snapshot_numbers(snapshot: Snapshot) -> dict[str, object]:
    """Return the numbers the data page quotes, keyed by glue name."""
    manifest = snapshot.manifest
    return {
        "n_files": len(manifest),
        "n_rows": f"{len(snapshot.prices):,}",
        "first_date": min(manifest["first_date"]),
        "last_date": max(manifest["last_date"]),
        "checksum": snapshot.checksum[:16],
    }


def manifest_table(snapshot: Snapshot) -> pd.DataFrame:
    """Return the manifest as shown on the data page, with the column returns come from."""
    universe = load_universe()
    table = snapshot.manifest.copy()
    table["group"] = universe["group"].reindex(table.index)
    table["returns from"] = table["price_column"]
    table["origin"] = table["source_repo"] + " @ " + table["source_commit"].str.slice(0, 7)
    table["reference check"] = table["validated"].str.split(":").str[0]
    columns = ["name", "group", "currency", "first_date", "last_date", "rows", "returns from",
               "reference check", "origin"]
    return table[columns]


def quality_table(snapshot: Snapshot) -> pd.DataFrame:
    """Return the values the loader treated as missing, one row per symbol and note."""
    notes = snapshot.quality_notes
    if notes.empty:
        return pd.DataFrame({"note": ["no placeholder values found"]})
    counted = notes.groupby(["symbol", "note"], observed=True)["date"].agg(["count", "min", "max"])
    return counted.rename(columns={"count": "rows", "min": "first date", "max": "last date"})


def gap_table() -> pd.DataFrame:
    """Return, per symbol, how many returns are undefined because a calendar session is missing."""
    returns = daily_returns()
    snapshot = load_snapshot()
    rows = []
    for symbol in returns.columns:
        own_dates = snapshot.prices.loc[snapshot.prices["symbol"] == symbol, "date"]
        undefined = returns.loc[own_dates.iloc[1:], symbol].isna()
        if undefined.any():
            dates = undefined.index[undefined]
            rows.append((symbol, int(undefined.sum()), f"{dates[-1]:%Y-%m-%d}"))
    table = pd.DataFrame(rows, columns=["symbol", "undefined returns", "latest"])
    return table.set_index("symbol")


def coverage_figure(snapshot: Snapshot) -> Figure:
    """Return a timeline of each file's first to last date, coloured by group."""
    universe = load_universe()
    manifest = snapshot.manifest
    order = [s for s in universe.index if s in manifest.index]
    fig, ax = plt.subplots(figsize=(9, 0.17 * len(order) + 1.5))
    for position, symbol in enumerate(reversed(order)):
        start = pd.Timestamp(manifest.at[symbol, "first_date"])
        end = pd.Timestamp(manifest.at[symbol, "last_date"])
        ax.plot([start, end], [position, position], linewidth=4,
                color=GROUP_PALETTE[universe.at[symbol, "group"]], solid_capstyle="butt")
    ax.set_yticks(range(len(order)), list(reversed(order)), fontsize=7)
    ax.set_xlabel("Date (first to last row of each file)")
    ax.set_ylabel("Symbol (grouped as in the universe)")
    handles = [plt.Line2D([], [], color=colour, linewidth=4, label=group)
               for group, colour in GROUP_PALETTE.items() if group in set(universe["group"])]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return finish(fig, "Coverage of the price snapshot", "the snapshot's MANIFEST.csv")


def facts_summary() -> pd.DataFrame:
    """Return one row per facts file: rows, what it covers and the share of secondary sources."""
    fundamentals, events, compute = load_fundamentals(), load_events(), load_ai_compute()

    def secondary(frame: pd.DataFrame) -> str:
        return f"{frame['source'].str.contains('(secondary', regex=False).mean():.0%}"

    rows = [
        ("fundamentals.csv", len(fundamentals), ", ".join(sorted(fundamentals["ticker"].unique())),
         f"{fundamentals['period_end'].min():%Y-%m-%d}..{fundamentals['period_end'].max():%Y-%m-%d}",
         secondary(fundamentals)),
        ("events.csv", len(events), ", ".join(sorted(events["category"].unique())),
         f"{events['date'].min():%Y-%m-%d}..{events['date'].max():%Y-%m-%d}", secondary(events)),
        ("ai_compute.csv", len(compute), f"{compute['model'].nunique()} models or claims", "", secondary(compute)),
    ]
    return pd.DataFrame(rows, columns=["file", "rows", "covers", "dates", "secondary sources"]).set_index("file")
