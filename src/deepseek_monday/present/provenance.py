"""Tables and figures of the data page: what the snapshot holds and where it came from."""

from __future__ import annotations

import pandas as pd

from deepseek_monday.data.facts import load_ai_compute, load_events, load_fundamentals
from deepseek_monday.data.prices import Snapshot, load_snapshot
from deepseek_monday.data.returns import daily_returns
from deepseek_monday.data.universe import load_universe
from deepseek_monday.present.style import long_date
from deepseek_monday.present.tables import MISSING, readable

# The manifest's ``validated`` column starts with "yes" for a file whose values were checked
# against an independently reported figure (a published close or move), "no" otherwise.
CHECKED_PREFIX = "yes"
RETURNS_FROM = {"adj_close": "adjusted close", "close": "close"}


def reference_checked(snapshot: Snapshot) -> pd.Series:
    """Return, per symbol, whether its file was checked against a reference value (manifest ``validated``)."""
    return snapshot.manifest["validated"].str.split(":").str[0].str.strip().eq(CHECKED_PREFIX)


def snapshot_numbers(snapshot: Snapshot) -> dict[str, object]:
    """Return the numbers the data page quotes, keyed by glue name."""
    manifest = snapshot.manifest
    checked = reference_checked(snapshot)
    return {
        "n_files": len(manifest),
        "n_rows": f"{len(snapshot.prices):,}",
        "first_date": long_date(min(manifest["first_date"])),
        "last_date": long_date(max(manifest["last_date"])),
        "checksum": snapshot.checksum[:16],
        "n_checked": int(checked.sum()),
        "n_not_checked": int((~checked).sum()),
        "n_repositories": len(source_repositories(manifest["source_repo"])),
    }


def source_repositories(repos: pd.Series) -> set[str]:
    """Return the distinct repositories named in the manifest (spliced files name two, joined by ``+``)."""
    return {repo.strip() for cell in repos.dropna() for repo in str(cell).split("+") if repo.strip()}


def origin_text(repos: str, commits: str) -> str:
    """Return ``owner/repo @ abc1234`` for each source repository of a file (spliced files have two)."""
    repo_list = [r.strip() for r in str(repos).split("+")]
    commit_list = [c.strip() for c in str(commits).split("+")]
    if len(commit_list) != len(repo_list):
        return " + ".join(repo_list)
    return " + ".join(f"{repo} @ {commit[:7]}" for repo, commit in zip(repo_list, commit_list, strict=True))


def manifest_table(snapshot: Snapshot) -> pd.DataFrame:
    """Return the manifest as readers see it: one row per file, whole texts, readable headers."""
    universe = load_universe()
    manifest = snapshot.manifest
    origins = [origin_text(repo, commit) for repo, commit in zip(manifest["source_repo"], manifest["source_commit"],
                                                                 strict=True)]
    refreshed = manifest["source"].fillna("snapshot").ne("snapshot") if "source" in manifest else False
    table = pd.DataFrame({
        "Name": manifest["name"],
        "Group": universe["group"].reindex(manifest.index),
        "Currency": manifest["currency"],
        "First date": [long_date(d) for d in manifest["first_date"]],
        "Last date": [long_date(d) for d in manifest["last_date"]],
        "Rows": manifest["rows"].astype(int),
        "Returns from": manifest["price_column"].map(RETURNS_FROM).fillna(manifest["price_column"]),
        "Checked against a reference value": reference_checked(snapshot),
        "Source repository @ commit": [f"{origin}; newer rows from Yahoo Finance (refresh)" if fresh else origin
                                       for origin, fresh in zip(origins, pd.Series(refreshed, manifest.index),
                                                                strict=True)],
    }, index=manifest.index)
    table.index.name = "Symbol"
    return readable(table)


def quality_table(snapshot: Snapshot) -> pd.DataFrame:
    """Return the values the loader treated as missing, one row per symbol and note."""
    notes = snapshot.quality_notes
    if notes.empty:
        return pd.DataFrame({"Note": ["no placeholder values found"]}, index=pd.Index([MISSING], name="Symbol"))
    counted = notes.groupby(["symbol", "note"], observed=True)["date"].agg(["count", "min", "max"])
    counted.index.names = ["Symbol", "Note"]
    return pd.DataFrame({"Rows": counted["count"].astype(int),
                         "First date": [long_date(d) for d in counted["min"]],
                         "Last date": [long_date(d) for d in counted["max"]]}, index=counted.index)


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
            rows.append((symbol, int(undefined.sum()), long_date(dates[-1])))
    table = pd.DataFrame(rows, columns=["Symbol", "Undefined returns", "Latest such date"])
    return readable(table, index="Symbol")


def facts_summary() -> pd.DataFrame:
    """Return one row per facts file: rows, what it covers and the share of secondary sources."""
    fundamentals, events, compute = load_fundamentals(), load_events(), load_ai_compute()

    def secondary(frame: pd.DataFrame) -> str:
        return f"{frame['source'].str.contains('(secondary', regex=False).mean():.0%}"

    rows = [
        ("fundamentals.csv", len(fundamentals), ", ".join(sorted(fundamentals["ticker"].unique())),
         f"{long_date(fundamentals['period_end'].min())} to {long_date(fundamentals['period_end'].max())}",
         secondary(fundamentals)),
        ("events.csv", len(events), ", ".join(sorted(events["category"].unique())),
         f"{long_date(events['date'].min())} to {long_date(events['date'].max())}", secondary(events)),
        ("ai_compute.csv", len(compute), f"{compute['model'].nunique()} models or claims", MISSING,
         secondary(compute)),
    ]
    table = pd.DataFrame(rows, columns=["File", "Rows", "Covers", "Dates", "Secondary sources (share of rows)"])
    return readable(table, index="File")


def flagged_table(flagged: pd.DataFrame) -> pd.DataFrame:
    """Return flagged days as readers see them: symbol, date, the spike and its reversal in percent."""
    return pd.DataFrame({
        "Symbol": flagged["symbol"], "Date": flagged["date"].dt.strftime("%Y-%m-%d"),
        "Return (%)": (100 * flagged["return"]).round(2),
        "Next session": flagged["next_date"].dt.strftime("%Y-%m-%d"),
        "Next return (%)": (100 * flagged["next_return"]).round(2),
        "Robust sigma (%)": (100 * flagged["robust_sigma"]).round(2),
    }).set_index(["Symbol", "Date"])
