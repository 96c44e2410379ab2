"""Figures of the overview chapter, in the house style (see :mod:`deepseek_monday.present.style`)."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from deepseek_monday.chapters.overview.analysis import INDEX_ROWS, NOT_RETURNS, correlation_adjusted_paths, market_name
from deepseek_monday.eventstudy import EventStudyResult, plot_car_paths
from deepseek_monday.present.style import (
    GROUP_PALETTE,
    SNAPSHOT_SOURCE,
    finish,
    instrument_label,
    long_date,
    percent_axis,
)


def event_day_bars(table: pd.DataFrame, event_date: pd.Timestamp) -> Figure:
    """Horizontal bars of every instrument's event-day return, grouped and sorted."""
    data = table[~table["kind"].isin(NOT_RETURNS)].dropna(subset=["return"]).reset_index()
    data["group"] = data["group"].astype(str)
    data["label"] = [instrument_label(symbol, name) for symbol, name in zip(data["symbol"], data["name"], strict=True)]
    height = max(4.0, 0.19 * len(data) + 1.5)
    fig, ax = plt.subplots(figsize=(9, height))
    sns.barplot(data=data, y="label", x="return", hue="group", palette=GROUP_PALETTE,
                dodge=False, ax=ax, orient="h")
    ax.axvline(0, color="0.2", linewidth=0.8)
    percent_axis(ax.xaxis)
    ax.set_xlabel(f"Return on {event_date:%A} {long_date(event_date)} (%)")
    ax.set_ylabel("Instrument (grouped; sorted by return within group)")
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(title="Group", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return finish(fig, f"Every instrument on {long_date(event_date)}", SNAPSHOT_SOURCE)


def cumulative_panels(indices: pd.DataFrame, groups: pd.DataFrame, event_date: pd.Timestamp,
                      market: str = "XNYS") -> Figure:
    """Two panels: headline indices (by date) and group averages (by relative day, ``market`` sessions).

    Series and groups with no data in the window are left out of the plots and legends.
    """
    indices = indices.dropna(axis=1, how="all")
    groups = groups.dropna(axis=1, how="all")
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.6))
    for symbol in indices.columns:
        series = indices[symbol].dropna()
        left.plot(series.index, series.to_numpy(), marker=".", label=INDEX_ROWS.get(symbol, symbol))
    left.axvline(event_date, color="0.3", linestyle="--", linewidth=0.9)
    left.set_title("Headline indices, the chip index and chip ETFs")
    left.set_xlabel(f"Date ({event_date.year})" if indices.index.min().year == indices.index.max().year else "Date")
    left.set_ylabel("Cumulative return since window start (%)")
    left.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{mdates.num2date(value).day} "
                                                                  f"{mdates.num2date(value):%b}"))
    left.tick_params(axis="x", rotation=45)
    # Legends sit outside the axes (below the left panel, right of the right one), never on a line.
    left.legend(fontsize=7, ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.3), frameon=False)
    for group in groups.columns:
        right.plot(groups.index, groups[group].to_numpy(), label=group, color=GROUP_PALETTE[group])
    right.axvline(0, color="0.3", linestyle="--", linewidth=0.9)
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_title("Groups, equal-weighted")
    right.set_xlabel(f"Trading days relative to the event ({market_name(market)} sessions)")
    right.set_ylabel("Cumulative return since window start (%)")
    right.legend(title="Group", fontsize=7, title_fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    for axis in (left.yaxis, right.yaxis):
        percent_axis(axis)
    return finish(fig, f"Cumulative returns around {long_date(event_date)}", SNAPSHOT_SOURCE)


def group_car_paths(result: EventStudyResult, groups: list[str], event_date: pd.Timestamp) -> Figure:
    """Mean CAR per group from 5 days before to 10 after the event, with 95 % bands that allow
    for the firms' cross-correlation (see :func:`overview.correlation_adjusted_paths`)."""
    paths = correlation_adjusted_paths(result, start=-5, end=10)
    fig, ax = plt.subplots(figsize=(10, 5))
    if not groups:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No equity group of this edition has enough firms for a readable path",
                ha="center", va="center", transform=ax.transAxes)
        return finish(fig, f"Abnormal returns around {long_date(event_date)}", SNAPSHOT_SOURCE)
    plot_car_paths(paths[paths["group"].isin(groups)], ax=ax,
                   title="Equity groups, market model; bands allow for cross-correlation")
    ax.legend(title="Group", fontsize=8, title_fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return finish(fig, f"Abnormal returns around {long_date(event_date)}", SNAPSHOT_SOURCE)
