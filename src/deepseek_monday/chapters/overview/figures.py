"""Figures of the overview chapter, in the house style (see :mod:`deepseek_monday.present.style`)."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from deepseek_monday.chapters.overview.analysis import market_name
from deepseek_monday.data.universe import company_name
from deepseek_monday.measures.event_day import INDEX_ROWS, NOT_RETURNS
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


def _small_multiples(fig: Figure, grid, cells: list[tuple[int, int]], sharey=None) -> list:
    """Create one axes per grid cell, sharing x and y with the first."""
    axes: list = []
    for row, column in cells:
        axes.append(fig.add_subplot(grid[row, column], sharex=axes[0] if axes else None,
                                    sharey=axes[0] if axes else sharey))
    return axes


# Title of the small panel that draws the assets of groups without stocks one by one.
OTHER_ASSETS_TITLE = "Crypto and FX"


def cumulative_panels(indices: pd.DataFrame, groups: pd.DataFrame, event_date: pd.Timestamp,
                      market: str = "XNYS", others: pd.DataFrame | None = None) -> Figure:
    """Headline indices (by date, left), one small panel per group of stocks and one of ``others``.

    ``groups`` holds each group's equal-weighted path of its stocks (by relative day, ``market``
    sessions); each group's panel draws its own line in the group's colour over the other groups in
    light grey, on one shared scale, so no group hides another. ``others`` (Bitcoin, EUR/USD: assets
    of groups without stocks) share a last panel, one line per asset, never averaged. Series and
    groups with no data in the window are left out.
    """
    indices = indices.dropna(axis=1, how="all")
    groups = groups.dropna(axis=1, how="all")
    others = pd.DataFrame() if others is None else others.dropna(axis=1, how="all")
    columns = 3
    n_panels = len(groups.columns) + (1 if len(others.columns) else 0)
    rows = max(1, -(-n_panels // columns))
    fig = plt.figure(figsize=(13, max(6.0, 1.9 * rows + 1.6)))
    grid = fig.add_gridspec(rows, 2 + columns, width_ratios=[1.3, 1.3, 1, 1, 1])
    left = fig.add_subplot(grid[:, :2])
    for symbol in indices.columns:
        series = indices[symbol].dropna()
        left.plot(series.index, series.to_numpy(), marker=".", label=INDEX_ROWS.get(symbol, symbol))
    left.axvline(event_date, color="0.3", linestyle="--", linewidth=0.9)
    left.axhline(0, color="0.3", linewidth=0.6)
    left.set_title("Headline indices, the chip index and chip ETFs", fontsize=10)
    left.set_xlabel(f"Date ({event_date.year})" if indices.index.min().year == indices.index.max().year else "Date")
    left.set_ylabel("Cumulative return since window start (%)")
    left.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{mdates.num2date(value).day} "
                                                                  f"{mdates.num2date(value):%b}"))
    left.tick_params(axis="x", rotation=45)
    left.legend(fontsize=7, ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    percent_axis(left.yaxis)
    cells = [(i // columns, 2 + i % columns) for i in range(n_panels)]
    panels = _small_multiples(fig, grid, cells)
    for ax, group in zip(panels, groups.columns, strict=False):
        for other in groups.columns:
            if other != group:
                ax.plot(groups.index, groups[other].to_numpy(), color="0.85", linewidth=0.8)
        ax.plot(groups.index, groups[group].to_numpy(), color=GROUP_PALETTE[group], linewidth=2)
        ax.set_title(group, fontsize=9, color=GROUP_PALETTE[group])
    if len(others.columns):
        ax = panels[-1]
        for symbol, style in zip(others.columns, ["-", "--", ":", "-."] * len(others.columns), strict=False):
            ax.plot(others.index, others[symbol].to_numpy(), color="0.15", linestyle=style, linewidth=1.6,
                    label=instrument_label(symbol, company_name(symbol), width=14))
        ax.set_title(OTHER_ASSETS_TITLE, fontsize=9, color="0.2")
        ax.legend(fontsize=6, loc="best", frameon=False)
    for position, ax in enumerate(panels):
        ax.axvline(0, color="0.3", linestyle="--", linewidth=0.8)
        ax.axhline(0, color="0.3", linewidth=0.6)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        ax.tick_params(labelsize=7)
        row, column = cells[position]
        if column != 2:
            ax.tick_params(labelleft=False)
        if row != rows - 1 and position + columns < n_panels:
            ax.tick_params(labelbottom=False)
    if panels:
        percent_axis(panels[0].yaxis)
        fig.text(0.99, 0.09, "Groups: equal-weighted mean of their stocks (grey: the other groups); "
                 "crypto and FX: one line per asset, never averaged\n"
                 f"x: trading days relative to the event ({market_name(market)} sessions)",
                 ha="right", va="top", fontsize=8, color="0.3")
    return finish(fig, f"Cumulative returns around {long_date(event_date)}", SNAPSHOT_SOURCE)


def group_car_paths(paths: pd.DataFrame, groups: list[str], event_date: pd.Timestamp) -> Figure:
    """Each group's portfolio CAR path (``GroupStudy.paths``) with the portfolio test's 95 % band, one small
    panel per group, on one shared scale, so that each band shows plainly whether it crosses zero.
    """
    if not groups:
        fig, ax = plt.subplots(figsize=(10, 5))
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No equity group of this edition has enough firms for a readable path",
                ha="center", va="center", transform=ax.transAxes)
        return finish(fig, f"Abnormal returns around {long_date(event_date)}", SNAPSHOT_SOURCE)
    columns = 2 if len(groups) in (2, 4) else min(len(groups), 3)
    rows = -(-len(groups) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(11, 2.9 * rows + 1.2), sharex=True, sharey=True, squeeze=False)
    for ax, group in zip(axes.flat, groups, strict=False):
        part = paths[paths["group"] == group].sort_values("rel_day")
        colour = GROUP_PALETTE.get(group, GROUP_PALETTE.get(group.split(" (")[0], "0.2"))
        ax.fill_between(part["rel_day"], part["lower"], part["upper"], color=colour, alpha=0.2, linewidth=0,
                        label="95 % band")
        ax.plot(part["rel_day"], part["car"], color=colour, marker="o", markersize=3, label="portfolio CAR")
        ax.axhline(0, color="0.2", linewidth=0.9)
        ax.axvline(0, color="0.3", linestyle="--", linewidth=0.8)
        firms = int(part["n_firms"].max()) if len(part) else 0
        ax.set_title(f"{group} ({firms} stocks)", fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for position, ax in enumerate(axes.flat):
        if position >= len(groups):
            ax.set_axis_off()
        elif position + columns >= len(groups):  # the lowest panel of its column: it carries the x axis
            ax.tick_params(labelbottom=True)
            ax.set_xlabel("Trading days relative to the event")
    for ax in axes[:, 0]:
        ax.set_ylabel("CAR (%)")
        percent_axis(ax.yaxis)
    return finish(fig, f"Cumulative abnormal returns by group around {long_date(event_date)}", SNAPSHOT_SOURCE)
