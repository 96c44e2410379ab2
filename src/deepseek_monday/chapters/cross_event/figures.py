"""Figures of the cross-event chapter, in the house style (see :mod:`deepseek_monday.present.style`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from deepseek_monday.chapters.cross_event.analysis import MEASURES, CrossEventMeasures
from deepseek_monday.chapters.cross_event.kinds import KIND_TITLES, KindRanks, worst_for_figure
from deepseek_monday.present.style import SNAPSHOT_SOURCE, finish, long_date, percent_axis, percent_formatter
from deepseek_monday.present.tables import format_number, format_percent

# The highlight day in the house palette's first colour; the other days in grey.
HIGHLIGHT_COLOUR = sns.color_palette("colorblind", 10).as_hex()[0]
OTHER_COLOUR = "#b0b0b0"
# Panels of the index-move figure: the overview's headline series, then the VIX in points.
PANEL_ROWS = ("GSPC", "IXIC", "NDX", "DJI", "GDAXI", "SOX", "SMH", "SOXX", "vix_points")
PANEL_TITLES = {"GSPC": "S&P 500", "IXIC": "Nasdaq Composite", "NDX": "Nasdaq-100", "DJI": "Dow Jones",
                "GDAXI": "DAX 40", "SOX": "PHLX Semiconductor", "SMH": "SMH (chip ETF)", "SOXX": "SOXX (chip ETF)",
                "vix_points": "VIX (volatility index)"}


def _day_label(day: pd.Timestamp, highlight: pd.Timestamp, marker: str = " ◀") -> str:
    return f"{long_date(day)} ({day:%a})" + (marker if day == highlight else "")


def index_move_panels(measures: CrossEventMeasures) -> Figure:
    """One panel per headline series (and the VIX): each shock day's move as a bar, the highlight in colour."""
    days = list(measures.days)
    labels = [_day_label(day, measures.highlight) for day in days]
    colours = [HIGHLIGHT_COLOUR if day == measures.highlight else OTHER_COLOUR for day in days]
    fig, axes = plt.subplots(3, 3, figsize=(14, 10), sharey=True)
    flat = axes.ravel()
    returns_min = float(np.nanmin(measures.key.loc[list(PANEL_ROWS[:-1])].to_numpy()))
    returns_max = float(np.nanmax(measures.key.loc[list(PANEL_ROWS[:-1])].to_numpy()))
    for ax, row in zip(flat, PANEL_ROWS, strict=True):
        values = measures.key.loc[row, days].to_numpy(dtype=float)
        positions = np.arange(len(days))
        ax.barh(positions, np.nan_to_num(values), color=colours, height=0.7)
        ax.axvline(0, color="0.2", linewidth=0.8)
        measure = MEASURES[row]
        is_percent = measure.unit == "%"
        if is_percent:
            span = max(returns_max, 0.0) - min(returns_min, 0.0)
            ax.set_xlim(min(returns_min, 0.0) - 0.32 * span, max(returns_max, 0.0) + 0.12 * span)
            percent_axis(ax.xaxis)
            ax.set_xlabel("One-day return (%)")
        else:
            top = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
            ax.set_xlim(min(float(np.nanmin(values)), 0.0) * 1.35 - 0.05 * top, top * 1.45)
            ax.set_xlabel("Change in index points")
        for position, value in zip(positions, values, strict=True):
            if np.isnan(value):
                ax.text(0, position, " no data", va="center", ha="left", fontsize=8, color="0.35")
                continue
            text = format_percent(value, 1, signed=True) if is_percent else format_number(value, 1, signed=True)
            ax.text(value, position, f" {text} ", va="center", ha="left" if value >= 0 else "right", fontsize=8,
                    fontweight="bold" if days[position] == measures.highlight else "normal")
        # A fixed title position spares matplotlib's costly automatic placement.
        ax.set_title(PANEL_TITLES[row], fontsize=10, y=1.01)
        ax.grid(axis="y", visible=False)
    axes[0, 0].set_yticks(np.arange(len(days)), labels)
    axes[0, 0].invert_yaxis()
    for ax in axes[:, 0]:
        ax.set_ylabel("Shock day")
    return finish(fig, "Headline indices on each shock day (◀ = highlighted day)", SNAPSHOT_SOURCE)


def group_heatmap(measures: CrossEventMeasures) -> Figure:
    """Heatmap of each equity group's equal-weighted mean return per shock day, annotated in %.

    Diverging palette centred at zero; each cell also gives the members with a return (n);
    a group with no member on a day is left blank and marked.
    """
    values = measures.groups * 100
    counts = measures.group_counts.reindex_like(values)
    annotations = np.array([[("" if np.isnan(v) else f"{format_number(v, 1, signed=True)} %\nn={n}")
                             for v, n in zip(row_v, row_n, strict=True)]
                            for row_v, row_n in zip(values.to_numpy(), counts.to_numpy(), strict=True)])
    limit = float(np.nanmax(np.abs(values.to_numpy())))
    days = list(values.columns)
    fig, ax = plt.subplots(figsize=(max(8.0, 1.25 * len(days) + 3.5), 0.62 * len(values) + 2.2))
    sns.heatmap(values, ax=ax, cmap="RdBu", center=0, vmin=-limit, vmax=limit, annot=annotations, fmt="",
                annot_kws={"fontsize": 8}, linewidths=0.6, linecolor="white",
                cbar_kws={"label": "Equal-weighted mean return (%)",
                          "format": percent_formatter(0, in_percent=True, signed=True)})
    for (i, j), value in np.ndenumerate(values.to_numpy()):
        if np.isnan(value):
            ax.text(j + 0.5, i + 0.5, "no member\nwith data", ha="center", va="center", fontsize=7, color="0.4")
    column = days.index(measures.highlight)
    ax.add_patch(Rectangle((column, 0), 1, len(values), fill=False, edgecolor="0.1", linewidth=2.2, clip_on=False))
    ax.set_xticklabels([_day_label(day, measures.highlight, "") for day in days], rotation=30, ha="right")
    ax.get_xticklabels()[column].set_fontweight("bold")
    ax.set_yticklabels(list(values.index), rotation=0)
    ax.set_xlabel("Shock day (framed, in bold: the highlighted day)")
    ax.set_ylabel("Equity group (universe of this report)")
    ax.grid(False)
    return finish(fig, "Equity groups on each shock day", SNAPSHOT_SOURCE)


def kind_worst_days(kinds: KindRanks, count: int = 15) -> Figure:
    """Three panels, one per kind of shock: its ``count`` worst days as bars, the event's days in colour.

    When the event ranks lower than ``count``, its bar joins the panel below a gap, labelled with its rank.
    """
    frames = {kind: worst_for_figure(kinds, kind, count) for kind in KIND_TITLES}
    low = min(float(frame["return"].min()) for frame in frames.values())
    fig, axes = plt.subplots(3, 1, figsize=(9, 3 * (0.2 * (count + 2) + 0.9) + 1.2))
    for ax, (kind, frame) in zip(axes, frames.items(), strict=True):
        positions = np.arange(len(frame), dtype=float)
        if len(frame) > count:  # the event, ranked lower, below a gap
            positions[-1] += 0.8
        colours = [HIGHLIGHT_COLOUR if event else OTHER_COLOUR for event in frame["event"]]
        ax.barh(positions, frame["return"], color=colours, height=0.72)
        labels = [f"{label} (rank {rank:,})" if i >= count else label
                  for i, (label, rank) in enumerate(zip(frame["label"], frame["rank"], strict=True))]
        ax.set_yticks(positions, labels, fontsize=9)
        for tick, event in zip(ax.get_yticklabels(), frame["event"], strict=True):
            tick.set_fontweight("bold" if event else "normal")
        for position, value, event in zip(positions, frame["return"], frame["event"], strict=True):
            ax.text(value, position, f" {format_percent(value, 1)} ", va="center", ha="right", fontsize=8.5,
                    fontweight="bold" if event else "normal")
        ax.set_ylim(positions[-1] + 0.7, -0.7)
        ax.set_xlim(low * 1.28, 0)
        percent_axis(ax.xaxis)
        ax.set_xlabel("One-day return (%)")
        since = long_date(kinds.megacap_pooled.index.get_level_values("date").min() if kind == "megacaps" else
                          kinds.cleaned[{"sector": "SOX", "market": "GSPC"}[kind]].first_valid_index())
        missing = "" if frame["event"].any() else "\n(the event day is not in this ranking)"
        ax.set_title(f"{KIND_TITLES[kind]}, since {since}{missing}", fontsize=11, loc="left", y=1.01)
        ax.set_ylabel("Worst days, rank 1 at the top")
        ax.grid(axis="y", visible=False)
    return finish(fig, f"{long_date(kinds.day)} (in colour) against\nthe worst days of each kind of shock",
                  SNAPSHOT_SOURCE)
