"""Figures of the sanctions chapter, in the house style (see :mod:`deepseek_monday.present.style`)."""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

from deepseek_monday.chapters.sanctions import (
    CHINA_GROUP,
    CHIPS_GROUP,
    EVENT_DAY_LABEL,
    LLAMA,
    SEMICONDUCTOR_ETF,
    TIMELINE_CHINA,
    TIMELINE_US,
    V3_FULL,
    SanctionsParameters,
    timeline_base,
)
from deepseek_monday.chapters.sanctions.china_performance import CHINA_US_BASKET, CHIPS_BASKET, china_baskets
from deepseek_monday.chapters.sanctions.compute_efficiency import APPROX, DOT, SUPERSCRIPT_24, TIMES
from deepseek_monday.present.style import GROUP_PALETTE, MARGIN, SNAPSHOT_SOURCE, add_source, finish, percent_axis
from deepseek_monday.present.tables import format_number

CHIP_COLOUR = GROUP_PALETTE["AI chips"]
CHINA_COLOUR = GROUP_PALETTE["China"]
US_MODEL_COLOUR = GROUP_PALETTE["hyperscalers and megacaps"]
MILESTONE_COLOUR = "0.45"
EVENT_COLOUR = "0.1"
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (3, 1, 1, 1, 1, 1)))
EVENTS_SOURCE = "milestones from the project's events.csv"
COMPUTE_SOURCE = ("the project's ai_compute.csv: DeepSeek-V3 technical report (arXiv:2412.19437), Llama 3.1 405B "
                  "model-card summaries (secondary)")


def shades(colour: str, n: int) -> list:
    """Return ``n`` shades of one colour, from a darker to a lighter one (the colour itself first).

    The lightness runs from 0.2 to 0.7, so that neighbouring shades stay apart even for four lines.
    """
    if n == 1:
        return [colour]
    darker = sns.set_hls_values(colour, l=0.2)
    lighter = sns.set_hls_values(colour, l=0.7)
    return [colour, *sns.blend_palette([darker, lighter], n_colors=n - 1)]


def spread_positions(positions: list[float], min_gap: float) -> list[float]:
    """Return ``positions`` moved apart so that neighbours are at least ``min_gap`` apart, order kept.

    Labels are pushed upwards from the lowest; if that pushes the top one past where it would have
    gone alone, the whole stack is centred on the original positions instead.
    """
    order = np.argsort(positions)
    placed = np.asarray(positions, dtype=float)[order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + min_gap)
    placed += (np.asarray(positions, dtype=float)[order].mean() - placed.mean()) if len(placed) > 1 else 0.0
    for i in range(1, len(placed)):  # centring keeps the gaps; re-check in case of rounding
        placed[i] = max(placed[i], placed[i - 1] + min_gap)
    result = np.empty_like(placed)
    result[order] = placed
    return result.tolist()


def label_line_ends(ax: Axes, lines: list[tuple[pd.Series, str, str]], min_gap_points: float = 11.0) -> None:
    """Write each line's label at its last point, in its colour, moved apart where labels would overlap.

    ``lines``: (series, label, colour). Lines ending on the same date share one stack of labels;
    a label at the right edge of the axes sits just outside it.
    """
    ax.figure.canvas.draw()  # the axes' final limits and transforms
    by_end: dict[pd.Timestamp, list[tuple[float, str, str]]] = {}
    for series, label, colour in lines:
        own = series.dropna()
        if own.empty:
            continue
        end = own.index[-1]
        _, y = ax.transData.transform((mdates.date2num(end), float(own.iloc[-1])))
        by_end.setdefault(end, []).append((y, label, colour))
    gap_pixels = min_gap_points * ax.figure.dpi / 72.0
    to_data = ax.transData.inverted()
    for end, entries in by_end.items():
        heights = spread_positions([y for y, _, _ in entries], gap_pixels)
        x = mdates.date2num(end)
        for (_, label, colour), placed in zip(entries, heights, strict=True):
            _, y_data = to_data.transform((ax.transData.transform((x, 1.0))[0], placed))
            ax.annotate(label, xy=(end, y_data), xytext=(4, 0), textcoords="offset points", va="center",
                        ha="left", fontsize=8, color=colour, fontweight="bold", annotation_clip=False,
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.5})


def label_levels(dates: pd.Series, axis_start: pd.Timestamp, axis_end: pd.Timestamp,
                 min_gap: float = 0.03) -> list[int]:
    """Return a row (0, 1, 2, ...) per date so that labels on the same row are ``min_gap`` of the axis apart."""
    span = (axis_end - axis_start).days
    last_on_row: list[float] = []
    levels = []
    for date in dates:
        position = (date - axis_start).days / span
        row = next((r for r, last in enumerate(last_on_row) if position - last >= min_gap), len(last_on_row))
        if row == len(last_on_row):
            last_on_row.append(position)
        else:
            last_on_row[row] = position
        levels.append(row)
    return levels


def _multiple(value: float, _position: float) -> str:
    return f"{value:g}x"


def _price_panel(ax: Axes, levels: pd.DataFrame, symbols: tuple[str, ...], colour: str,
                 title: str) -> list[tuple[pd.Series, str, str]]:
    """Draw one panel of the timeline; return its lines (series, label, colour) for :func:`label_line_ends`."""
    present = [s for s in symbols if s in levels.columns and levels[s].notna().any()]
    drawn = []
    for symbol, shade, style in zip(present, shades(colour, len(present)), LINE_STYLES, strict=False):
        series = levels[symbol].dropna()
        width = 2.2 if symbol == present[0] else 1.4
        ax.plot(series.index, series.to_numpy(), color=shade, linestyle=style, linewidth=width, label=symbol)
        drawn.append((series, symbol, shade))
    ax.axhline(1.0, color="0.5", linewidth=0.6, zorder=0)
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(FixedLocator([0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 50]))
    ax.yaxis.set_major_formatter(FuncFormatter(_multiple))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda *_: ""))
    ax.set_ylabel("Value relative to the base close\n(adjusted close, log scale)")
    ax.set_title(title)
    return drawn


def _milestone_key(events: pd.DataFrame, width: int) -> list[str]:
    """Return one key entry per event: number, day 0 (≈ if approximate) and the event text, wrapped."""
    entries = []
    for label, row in events.iterrows():
        mark = "≈" if row["approximate"] else " "
        text = "event day of this report" if label == EVENT_DAY_LABEL else row["event"].split(" (")[0]
        prefix = f"{label:>2}  {mark}{row['day0'].day:>2} {row['day0']:%b %Y}  "  # aligned, no leading zero
        lines = textwrap.wrap(text, width - len(prefix), max_lines=2, placeholder=" …")
        entries.append(prefix + ("\n" + " " * len(prefix)).join(lines))
    return entries


def timeline_figure(levels: pd.DataFrame, events: pd.DataFrame, params: SanctionsParameters) -> Figure:
    """Prices of US chips and China tech with every export-control milestone and the event day marked.

    Three panels (US chips, US-listed China, Hong Kong names) share the time axis. Milestones
    are numbered above the chart (rows staggered so labels never overlap) and explained in a
    key under it; approximate dates carry "≈".
    """
    universe_hk = [s for s in TIMELINE_CHINA if s.endswith(".HK")]
    us_china = tuple(s for s in TIMELINE_CHINA if s not in universe_hk)
    fig = plt.figure(figsize=(12, 13))
    grid = fig.add_gridspec(3, 1, height_ratios=[3.0, 2.3, 2.3], hspace=0.22)
    top = fig.add_subplot(grid[0])
    middle = fig.add_subplot(grid[1], sharex=top)
    bottom = fig.add_subplot(grid[2], sharex=top)
    panels = ((top, TIMELINE_US, CHIP_COLOUR, "US chip champion and semiconductor ETFs"),
              (middle, us_china, CHINA_COLOUR, "China tech and large caps, US-listed"),
              (bottom, tuple(universe_hk), CHINA_COLOUR, "China tech, Hong Kong listings (HKD)"))
    drawn = [(ax, _price_panel(ax, levels, symbols, colour, title)) for ax, symbols, colour, title in panels]
    start, end = levels.index[0], levels.index[-1]
    for ax in (top, middle, bottom):
        for label, row in events.iterrows():
            is_event = label == EVENT_DAY_LABEL
            ax.axvline(row["day0"], color=EVENT_COLOUR if is_event else MILESTONE_COLOUR,
                       linestyle="-" if is_event else "--", linewidth=1.3 if is_event else 0.8, zorder=0)
        ax.set_xlim(start, end)
    ordered = events.sort_values("day0")
    rows = label_levels(ordered["day0"], start, end)
    for (label, row), level in zip(ordered.iterrows(), rows, strict=True):
        top.annotate(label, xy=(row["day0"], 1.0), xycoords=("data", "axes fraction"),
                     xytext=(0, 4 + 15 * level), textcoords="offset points", ha="center", va="bottom",
                     fontsize=8, fontweight="bold", color="white",
                     bbox={"boxstyle": "circle,pad=0.25", "facecolor": EVENT_COLOUR if label == EVENT_DAY_LABEL
                           else MILESTONE_COLOUR, "edgecolor": "none"})
    top.set_title(top.get_title(loc="left"), loc="left", pad=14 + 15 * max(rows))  # above the milestone labels
    bottom.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    for ax in (top, middle):
        plt.setp(ax.get_xticklabels(), visible=False)
    bottom.set_xlabel("Date (NYSE sessions; Hong Kong names on their own sessions)")
    key_bottom = add_source(fig, f"{SNAPSHOT_SOURCE}; {EVENTS_SOURCE}") + 0.005
    fig.subplots_adjust(left=0.09, right=0.90, top=0.89, bottom=key_bottom + 0.22)
    for ax, lines in drawn:
        label_line_ends(ax, lines)
    key = fig.add_axes((0.02, key_bottom, 0.97, 0.155))
    key.axis("off")
    entries = _milestone_key(events, 80)
    half = (len(entries) + 1) // 2
    for column, chunk in enumerate((entries[:half], entries[half:])):
        key.text(0.5 * column, 0.9, "\n".join(chunk), transform=key.transAxes, ha="left", va="top",
                 fontsize=7.5, family="DejaVu Sans Mono", linespacing=1.3)
    key.text(0.0, 1.0, "Milestones: day 0 = first NYSE session on or after the stated date; ≈ date approximate",
             transform=key.transAxes, fontsize=9, fontweight="bold", va="bottom")
    fig.suptitle(f"Export-control milestones and prices, relative to the close of {timeline_base(params):%-d %b %Y}",
                 x=MARGIN, ha="left")
    return fig


def event_study_bars(comparison: pd.DataFrame, window_text: str) -> Figure:
    """Horizontal bars per event: Nvidia's CAR and both groups' CAAR with 95 % confidence intervals.

    The half-widths are :func:`deepseek_monday.chapters.sanctions.comparison_table`'s: Nvidia's from its
    t-test, the groups' allowing for cross-correlation as the Kolari-Pynnonen test does.
    """
    series = (("nvda", "NVDA (single firm)", CHIP_COLOUR),
              ("chips", f"{CHIPS_GROUP} (mean)", shades(CHIP_COLOUR, 3)[2]),
              ("china", f"{CHINA_GROUP} (mean)", CHINA_COLOUR))
    labels = [f"{label}  {'≈' if row['approximate'] else ''}{row['date']:%-d %b %Y}"
              + ("  (event day)" if label == EVENT_DAY_LABEL else "") for label, row in comparison.iterrows()]
    positions = np.arange(len(comparison))
    height = 0.26
    fig, ax = plt.subplots(figsize=(10, max(5.0, 0.55 * len(comparison) + 1.5)))
    for offset, (prefix, name, colour) in zip((-height, 0.0, height), series, strict=True):
        value = comparison[f"{prefix}_car" if prefix == "nvda" else f"{prefix}_caar"].to_numpy(dtype=float)
        half = comparison[f"{prefix}_half"].to_numpy(dtype=float)
        ax.barh(positions + offset, value, height=height, color=colour, label=name)
        ax.errorbar(value, positions + offset, xerr=half, fmt="none", ecolor="0.25", elinewidth=0.8, capsize=2)
    ax.axvline(0, color="0.2", linewidth=0.8)
    event_row = list(comparison.index).index(EVENT_DAY_LABEL) if EVENT_DAY_LABEL in comparison.index else None
    if event_row is not None:
        ax.axhspan(event_row - 0.5, event_row + 0.5, color="0.9", zorder=0)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    percent_axis(ax.xaxis)
    ax.set_xlabel(f"Cumulative abnormal return over {window_text} (%), market model; whiskers: 95 % confidence "
                  "intervals")
    ax.set_ylabel("Milestone (≈ date approximate)")
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, fontsize=8)
    return finish(fig, f"Abnormal returns around each export-control milestone and the event day, {window_text}",
                  f"{SNAPSHOT_SOURCE}; {EVENTS_SOURCE}")


def china_after_figure(paths: pd.DataFrame, relative: pd.Series, params: SanctionsParameters,
                       common_end: pd.Timestamp) -> Figure:
    """Cumulative returns since the R1 release (top) and the US-listed China stocks relative to US chip firms
    (bottom). The baskets average stocks only; the China ETF(s) are drawn beside them, dashed."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 8), sharex=True, height_ratios=[3, 2])
    china_members = ", ".join(china_baskets(params)[CHINA_US_BASKET].members)
    styles = {CHINA_US_BASKET: (CHINA_COLOUR, "-", 2.2), CHIPS_BASKET: (CHIP_COLOUR, "-", 2.2),
              SEMICONDUCTOR_ETF: (shades(CHIP_COLOUR, 3)[1], "--", 1.2), "NVDA": (shades(CHIP_COLOUR, 3)[1], ":", 1.4)}
    styles |= {etf: (shades(CHINA_COLOUR, 3)[1], "--", 1.2) for etf in params.china_beside}
    labels = {CHINA_US_BASKET: f"US-listed China stocks ({china_members}), equal-weighted",
              CHIPS_BASKET: f"{CHIPS_GROUP} ({len(params.chip_symbols)} stocks), equal-weighted",
              SEMICONDUCTOR_ETF: f"{SEMICONDUCTOR_ETF} (semiconductor ETF)", "NVDA": "NVDA (single stock)"}
    labels |= {etf: f"{etf} (China ETF, beside, not averaged)" for etf in params.china_beside}
    for column in paths.columns:
        colour, style, width = styles.get(column, ("0.5", "-", 1.0))
        series = paths[column].dropna()
        top.plot(series.index, series.to_numpy(), color=colour, linestyle=style, linewidth=width,
                 label=labels.get(column, column))
    top.axhline(0, color="0.2", linewidth=0.8)
    top.set_ylabel("Cumulative return since the base close (%, USD)")
    top.set_title("US-listed China stocks against US chip firms (total returns in USD)")
    top.legend(loc="upper left", fontsize=8)
    bottom.plot(relative.index, relative.to_numpy(), color=CHINA_COLOUR, linewidth=1.6)
    bottom.axhline(0, color="0.2", linewidth=0.8)
    bottom.fill_between(relative.index, relative.to_numpy(), 0, color=CHINA_COLOUR, alpha=0.15, linewidth=0)
    low, high = min(float(relative.min()), 0.0), max(float(relative.max()), 0.0)
    bottom.set_ylim(low - 0.3 * (high - low), high + 0.3 * (high - low))  # room for the labels off the line
    span = relative.index[-1] - relative.index[0]
    for when, what, above in ((relative.idxmax(), "peak", True), (relative.idxmin(), "trough", False)):
        share = (when - relative.index[0]) / span
        align = "right" if share > 0.85 else "left" if share < 0.15 else "center"
        bottom.annotate(f"{what} {format_number(100 * relative[when], 0, signed=True)} % ({when:%-d %b %Y})",
                        xy=(when, relative[when]), xytext=(0, 12 if above else -12), textcoords="offset points",
                        fontsize=8, va="bottom" if above else "top", ha=align,
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.0},
                        arrowprops={"arrowstyle": "-", "color": "0.4", "linewidth": 0.7})
    bottom.set_ylabel(f"US-listed China stocks relative\nto {CHIPS_GROUP} (%)")
    bottom.set_title("Relative performance: (1 + China basket) / (1 + US chip basket) \u2212 1")
    for ax in (top, bottom):
        percent_axis(ax.yaxis)
        ax.axvline(common_end, color=MILESTONE_COLOUR, linestyle="--", linewidth=0.8)
    top.annotate("Hong Kong series end", xy=(common_end, 0.0), xycoords=("data", "axes fraction"),
                 xytext=(3, 3), textcoords="offset points", fontsize=8, color="0.35", va="bottom")
    bottom.set_xlabel("Date (NYSE sessions)")
    bottom.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    return finish(fig, f"After the R1 release: returns since the close before {params.comparison_start:%-d %b %Y}",
                  SNAPSHOT_SOURCE)


def compute_figure(models: pd.DataFrame) -> Figure:
    """Three panels, whole run against whole run: GPUs, GPU-hours and approximate FLOPs of DeepSeek-V3 and Llama 3.1.

    The GPT-4 cost estimate is left out: an estimate of unknown scope is not comparable with the
    rental price of one run's GPU-hours (the text says so).
    """
    panels = (("gpu_count", "GPUs in the training run", "GPUs (count)", 1.0, "{:,.0f}"),
              ("gpu_hours", "GPU-hours of the run", "GPU-hours (millions)", 1e6, "{:,.2f} m"),
              ("approx_flops", f"{APPROX} training compute (6{DOT}N{DOT}D)",
               f"FLOP ({TIMES}10{SUPERSCRIPT_24}, rule of thumb)", 1e24, "{:,.1f}"))
    models_shown = (V3_FULL, LLAMA)
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    for ax, (field, title, unit, scale, fmt) in zip(axes, panels, strict=True):
        values = models.loc[list(models_shown), field] / scale
        names = ["DeepSeek-V3" if m == V3_FULL else m for m in models_shown]
        colours = [CHINA_COLOUR if m == V3_FULL else US_MODEL_COLOUR for m in models_shown]
        ax.barh(names, values.to_numpy(), color=colours)
        for position, value in enumerate(values):
            ax.annotate(fmt.format(value), xy=(value, position), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        ratio = values.iloc[1] / values.iloc[0]
        ax.set_title(f"{title}:\nLlama over DeepSeek-V3 {ratio:,.1f}", fontsize=10)  # titles are not wrapped
        ax.set_xlabel(unit)
        ax.set_xlim(0, values.max() * 1.3)
        ax.invert_yaxis()
    axes[0].set_ylabel("Training run")
    return finish(fig, "DeepSeek-V3's training run against Llama 3.1 405B's, whole run against whole run",
                  COMPUTE_SOURCE)
