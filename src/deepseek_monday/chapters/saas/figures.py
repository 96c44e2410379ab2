"""Figures of the chapter "Software against infrastructure" (20_saas), in the house style."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter
from matplotlib.transforms import blended_transform_factory

from deepseek_monday.chapters.saas.analysis import (
    BASKET_SOURCE_GROUPS,
    BASKETS,
    CLOUD_INDEX_PROXY,
    COMPANY_NAMES,
    NASDAQ_100,
    NASDAQ_100_FUND,
    SaasParameters,
    basket_stocks,
    distance_from_high,
    line_label,
)
from deepseek_monday.eventstudy import plot_car_paths
from deepseek_monday.present.style import GROUP_PALETTE, SNAPSHOT_SOURCE, finish, percent_axis, percent_formatter
from deepseek_monday.present.tables import format_number

# Each basket takes the house colour of the universe group it is drawn from first.
BASKET_PALETTE: dict[str, str] = {basket: GROUP_PALETTE[groups[0]] for basket, groups in BASKET_SOURCE_GROUPS.items()}
FACTS_SOURCE = ("hyperscaler capex from the project's sourced facts (fundamentals.csv; secondary sources and SEC "
                "XBRL-derived figures); basket values: " + SNAPSHOT_SOURCE)
CAPEX_SOURCE = ("dated plans: the project's sourced facts (capex_guidance.csv, secondary sources); outcomes: "
                "fundamentals.csv (company filings as transcribed, some secondary)")
ETF_HATCH = "////"


def shade(colour: str, amount: float) -> str:
    """Return ``colour`` mixed with black (``amount`` < 0) or white (``amount`` > 0) by ``abs(amount)``."""
    rgb = np.array(to_rgb(colour))
    target = np.zeros(3) if amount < 0 else np.ones(3)
    return to_hex(rgb + (target - rgb) * min(abs(amount), 1.0))


# ETFs drawn beside a basket take a shade of its colour (and their own dash), so that each line
# can be told apart from the basket's and from the other ETF's.
ETF_SHADES: dict[str, tuple[str, float, str]] = {
    CLOUD_INDEX_PROXY: ("cloud software", -0.45, "--"),
    "IGV": ("cloud software", 0.35, "-."),
    NASDAQ_100_FUND: ("benchmarks", 0.0, "--"),
    "SPY": ("benchmarks", 0.45, ":"),
}


def etf_colour(symbol: str) -> str:
    """Return an ETF's line colour: a shade of its basket's house colour (grey for an ETF not listed here)."""
    if symbol not in ETF_SHADES:
        return "0.5"
    basket, amount, _ = ETF_SHADES[symbol]
    return shade(BASKET_PALETTE[basket], amount)


def spread_labels(values: list[float], min_gap: float) -> list[float]:
    """Return label positions near ``values`` (same order) that lie at least ``min_gap`` apart.

    Labels that would overlap are spread evenly around the mean of their values, so each
    stays as close to its line's end as the others allow.
    """
    if not values:
        return []
    order = np.argsort(values, kind="stable")
    original = np.asarray(values, dtype=float)[order]
    clusters = [[i] for i in range(len(original))]

    def placed(members: list[int]) -> np.ndarray:
        return original[members].mean() + (np.arange(len(members)) - (len(members) - 1) / 2) * min_gap

    merged = True
    while merged:  # merge the first two neighbouring clusters that overlap, until none do
        merged = False
        for i in range(len(clusters) - 1):
            if placed(clusters[i + 1])[0] - placed(clusters[i])[-1] < min_gap * (1 - 1e-9):
                clusters[i:i + 2] = [clusters[i] + clusters[i + 1]]
                merged = True
                break
    positions = np.concatenate([placed(members) for members in clusters])
    result = np.empty_like(positions)
    result[order] = positions
    return result.tolist()


def label_line_ends(ax, ends: dict[str, tuple[pd.Timestamp, float, str]], min_gap: float = 0.035) -> None:
    """Write each line's label right of the axes at the height of its last value, in the line's colour.

    ``ends``: label -> (last date, last value, colour). ``min_gap``: the least distance between
    two labels as a share of the axes' height (close ends are spread apart, with a leader line).
    """
    bottom, top = ax.get_ylim()
    span = top - bottom
    heights = spread_labels([value for _, value, _ in ends.values()], min_gap * span)
    outside = blended_transform_factory(ax.transAxes, ax.transData)
    for (label, (day, value, colour)), height in zip(ends.items(), heights, strict=True):
        ax.annotate(label, (day, value), xytext=(1.04, height), textcoords=outside, va="center", ha="left",
                    fontsize=8, color=colour, annotation_clip=False,
                    arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.7, "shrinkA": 0, "shrinkB": 2})
X_SESSIONS = "Trading days relative to the event (NYSE sessions)"


def _basket_legend(ax, baskets: list[str], extra: list, loc: str = "upper left") -> None:
    handles = [Patch(facecolor=BASKET_PALETTE[b], label=b) for b in baskets] + extra
    ax.legend(handles=handles, loc=loc, bbox_to_anchor=(1.01, 1.0), fontsize=8, title="Basket")


def firm_abnormal_bars(table: pd.DataFrame, params: SaasParameters) -> Figure:
    """Horizontal bars of each member's event-day abnormal return, coloured by basket; dots: raw returns."""
    data = table.dropna(subset=["return"]).copy()
    data["order"] = data["basket"].map({b: i for i, b in enumerate(BASKETS)})
    data = data.sort_values(["order", "abnormal"], ascending=[True, False], na_position="last").reset_index()
    data["label"] = (data["symbol"] + np.where(data["in_caar"], "", " (ETF)")
                     + np.where(data["abnormal"].isna(), ", no AR", ""))
    fig, ax = plt.subplots(figsize=(9, max(4.5, 0.24 * len(data) + 1.5)))
    positions = np.arange(len(data))
    ax.barh(positions, data["abnormal"].fillna(0.0), color=data["basket"].map(BASKET_PALETTE),
            hatch=[ETF_HATCH if not s else "" for s in data["in_caar"]], edgecolor="white", linewidth=0.5)
    ax.scatter(data["return"], positions, color="0.1", s=14, zorder=3)
    ax.set_yticks(positions, data["label"], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="0.2", linewidth=0.8)
    percent_axis(ax.xaxis)
    ax.set_xlabel(f"Return on {params.event_date:%a %-d %b %Y} (%)")
    ax.set_ylabel("Basket member (sorted by abnormal return within basket)")
    extra = [Patch(facecolor="white", edgecolor="0.3", hatch=ETF_HATCH, label="ETF (not in the CAAR)"),
             Line2D([], [], color="0.1", marker="o", linestyle="", markersize=4, label="raw return"),
             Patch(facecolor="none", edgecolor="none", label="bar: abnormal return\n(market model)")]
    _basket_legend(ax, list(dict.fromkeys(data["basket"])), extra)
    return finish(fig, f"Basket members on {params.event_date:%-d %B %Y}: abnormal and raw returns", SNAPSHOT_SOURCE)


def returns_heatmap(frame: pd.DataFrame, params: SaasParameters) -> Figure:
    """Heatmap of daily returns, member x relative day, diverging around zero; row labels coloured by basket."""
    values = frame.to_numpy(dtype=float) * 100
    limit = float(np.nanpercentile(np.abs(values), 98)) if np.isfinite(values).any() else 1.0
    labels = [symbol for _, symbol in frame.index]
    fig, ax = plt.subplots(figsize=(11, 0.3 * len(frame) + 2.0))
    numbers = np.array([["" if np.isnan(v) else format_number(round(v) + 0.0, 0) for v in row] for row in values])
    sns.heatmap(pd.DataFrame(values, index=labels, columns=frame.columns), ax=ax, cmap="RdBu", center=0.0,
                vmin=-limit, vmax=limit, annot=numbers, fmt="", annot_kws={"fontsize": 7},
                linewidths=0.3, linecolor="white",
                cbar_kws={"label": "Daily return (%, colour capped)", "format": percent_formatter(in_percent=True)})
    baskets = [basket for basket, _ in frame.index]
    strip = blended_transform_factory(ax.transAxes, ax.transData)
    for row, basket in enumerate(baskets):  # a colour strip left of the labels marks each row's basket
        ax.add_patch(Rectangle((-0.016, row), 0.012, 1, transform=strip, clip_on=False,
                               facecolor=BASKET_PALETTE[basket], edgecolor="white", linewidth=0.3))
    boundaries = [i for i in range(1, len(baskets)) if baskets[i] != baskets[i - 1]]
    for row in boundaries:
        ax.axhline(row, color="0.15", linewidth=1.2)
    event_column = list(frame.columns).index(0)
    ax.axvline(event_column, color="0.15", linewidth=1.0)
    ax.axvline(event_column + 1, color="0.15", linewidth=1.0)
    ax.set_xlabel(X_SESSIONS)
    ax.set_ylabel("Basket member (strip colour: basket)", labelpad=8)
    ax.tick_params(axis="y", labelsize=8, rotation=0, pad=12)
    handles = [Patch(facecolor=BASKET_PALETTE[b], label=b) for b in dict.fromkeys(baskets)]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=len(handles), fontsize=8)
    return finish(fig, f"Daily returns around {params.event_date:%-d %B %Y}, member by member "
                       "(numbers: rounded %)", SNAPSHOT_SOURCE)


def basket_car_paths(paths: pd.DataFrame, params: SaasParameters) -> Figure:
    """Mean CAR of each basket's stocks from -pre_days to +post_days with 95 % bands."""
    fig, ax = plt.subplots(figsize=(9, 5))
    plot_car_paths(paths.drop(columns="basket"), ax=ax, palette=BASKET_PALETTE,
                   title="Stocks of each basket, market model, equal-weighted")
    ax.set_xlabel(X_SESSIONS)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    percent_axis(ax.yaxis, in_percent=True)  # plot_car_paths draws percentages
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="Basket")
    return finish(fig, f"Cumulative abnormal returns around {params.event_date:%-d %B %Y}", SNAPSHOT_SOURCE)


def _claim_lines() -> dict[str, tuple[str, str, str]]:
    return {CLOUD_INDEX_PROXY: ("WCLD (cloud-index ETF)", BASKET_PALETTE["cloud software"], "-"),
            "IGV": ("IGV (software ETF)", etf_colour("IGV"), "--"),
            NASDAQ_100: ("Nasdaq-100 index", BASKET_PALETTE["benchmarks"], "-"),
            "NVDA": ("Nvidia", BASKET_PALETTE["AI infrastructure"], "-")}


def cloud_claim_figure(prices: pd.DataFrame, windows: pd.DataFrame, drawdowns: pd.DataFrame) -> Figure:
    """Left: the claim's two weeks for the cloud ETFs, the Nasdaq-100 and Nvidia. Right: WCLD since 2021."""
    start, end = (pd.Timestamp(windows.iloc[0][c]) for c in ("from", "to"))
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5), gridspec_kw={"width_ratios": [1, 1.2]})
    shown = prices.loc[start - pd.Timedelta(days=21): end + pd.Timedelta(days=14)]
    for symbol, (label, colour, style) in _claim_lines().items():
        series = shown[symbol].dropna()
        left.plot(series.index, series / series.loc[start] - 1, label=label, color=colour, linestyle=style,
                  marker=".", linewidth=2.2 if symbol == NASDAQ_100 else 1.6)
    left.axvspan(start, end, color="0.85", alpha=0.6, label="the ledger's two weeks")
    left.axhline(0, color="0.3", linewidth=0.8)
    left.set_title("The two weeks before article 002")
    left.set_xlabel("Date")
    left.set_ylabel(f"Return since the close of {start:%-d %b %Y} (%)")
    left.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b"))
    left.tick_params(axis="x", rotation=45)
    left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=3)
    percent_axis(left.yaxis)
    wcld = prices[CLOUD_INDEX_PROXY].dropna()
    high_date, high = pd.Timestamp(drawdowns.iloc[0]["high on"]), float(drawdowns.iloc[0]["high"])
    since = wcld.loc[f"{high_date.year}-01-01":]
    right.plot(since.index, since, color=BASKET_PALETTE["cloud software"])
    right.axhline(high, color="0.4", linestyle=":", linewidth=1)
    right.scatter([high_date], [high], color="0.1", zorder=3)
    right.annotate(f"high {high_date:%-d %b %Y}", (high_date, high), xytext=(8, 4),
                   textcoords="offset points", fontsize=8)
    # The labels sit in the empty band between the line's recent highs and the old high, each ending at
    # its own date; the later one is higher, so that no label or leader line covers the line or another.
    first_day = min(pd.Timestamp(d) for d in drawdowns["date"])
    recent_top = float(since.loc[first_day - pd.DateOffset(years=1):].max())
    for share, (_, row) in zip((0.35, 0.75), drawdowns.sort_values("date").iterrows(), strict=False):
        day = pd.Timestamp(row["date"])
        right.scatter([day], [row["close"]], color=BASKET_PALETTE["cloud software"], edgecolor="0.1", zorder=3)
        right.annotate(f"{day:%-d %b %Y}: {distance_from_high(row['below the high'], 'the high', 1)}",
                       (day, row["close"]), xytext=(day, recent_top + share * (high - recent_top)),
                       textcoords="data", fontsize=8, ha="right", va="center",
                       bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
                       arrowprops={"arrowstyle": "-", "color": "0.4", "linewidth": 0.8, "shrinkB": 4})
    right.set_title("WCLD against its late-2021 high")
    right.set_xlabel("Date")
    right.set_ylabel("WCLD adjusted close (USD)")
    return finish(fig, "The cloud index in article 002: WCLD as its stand-in", SNAPSHOT_SOURCE)


# Events closer than this share of the x axis are labelled together ("5-9"); labels of
# neighbouring groups closer than twice that alternate between two rows.
EVENT_LABEL_GAP = 0.02


def event_label_groups(positions: list[float], numbers: list[int],
                       gap: float = EVENT_LABEL_GAP) -> list[tuple[float, str, int]]:
    """Group event numbers whose x positions (axis fractions, ascending) lie within ``gap``.

    Returns (position, label, row) per group: the group's mean position, its numbers
    ("3" or "5-9", or "5, 7" if not consecutive) and a row (0 or 1) so that neighbouring
    labels closer than ``2 * gap`` do not share a row.
    """
    groups: list[list[int]] = []
    for index, position in enumerate(positions):
        if groups and position - positions[groups[-1][0]] < gap:
            groups[-1].append(index)
        else:
            groups.append([index])
    labelled: list[tuple[float, str, int]] = []
    for members in groups:
        chosen = [numbers[i] for i in members]
        consecutive = chosen == list(range(chosen[0], chosen[0] + len(chosen)))
        label = (str(chosen[0]) if len(chosen) == 1
                 else f"{chosen[0]}-{chosen[-1]}" if consecutive else ", ".join(map(str, chosen)))
        position = float(np.mean([positions[i] for i in members]))
        row = 1 - labelled[-1][2] if labelled and position - labelled[-1][0] < 2 * gap else 0
        labelled.append((position, label, row))
    return labelled


def _mark_events(ax, events: pd.DataFrame, with_numbers: bool) -> None:
    for _, row in events.iterrows():
        ax.axvline(row["date"], color="0.55", linewidth=0.6, linestyle=":", zorder=0)
    if not with_numbers or events.empty:
        return
    left, right = ax.get_xlim()
    positions = [(mdates.date2num(date) - left) / (right - left) for date in events["date"]]
    for position, label, row in event_label_groups(positions, [int(n) for n in events.index]):
        ax.annotate(label, (position, 1.0), xycoords="axes fraction", xytext=(0, 2 + 9 * row),
                    textcoords="offset points", ha="center", va="bottom", fontsize=7, color="0.3",
                    annotation_clip=False)


# ETF lines of the after-shock figure: each its own colour of the colour-blind-safe palette (none
# shared with a basket's house colour) and its own dash, so no two ETF lines look alike.
ETF_LINES: dict[str, tuple[str, str]] = {
    CLOUD_INDEX_PROXY: ("#CC3311", "-"),   # vermilion red, solid
    "IGV": ("#33BBEE", "-"),               # cyan, solid
    NASDAQ_100_FUND: ("#222222", "--"),    # near-black, dashed
    "SPY": ("#999999", ":"),               # grey, dotted
}


def after_shock_figure(paths: pd.DataFrame, relative: pd.DataFrame, events: pd.DataFrame,
                       params: SaasParameters) -> Figure:
    """Three panels: the baskets of stocks, the ETFs, and the theme's two relative comparisons.

    Baskets are labelled at their line ends (three lines, far enough apart); the ETFs, whose ends
    lie close together, are named in a legend, each in its own colour and dash.
    """
    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(11, 10.5), sharex=True,
                                              gridspec_kw={"height_ratios": [1.3, 1.0, 1.0]})
    baskets = [column for column in paths.columns if column in BASKETS]
    etfs = [column for column in paths.columns if column not in BASKETS]
    ends = {}
    for column in baskets:
        series = paths[column].dropna()
        colour = BASKET_PALETTE[column]
        top.plot(series.index, series, color=colour, linewidth=2.0)
        ends[basket_stocks(column)] = (series.index[-1], float(series.iloc[-1]), colour)
    for column in etfs:
        series = paths[column].dropna()
        colour, dash = ETF_LINES.get(column, ("0.5", "-."))
        middle.plot(series.index, series, color=colour, linestyle=dash, linewidth=1.6, label=line_label(column))
    top.set_title("Baskets of stocks (equal-weighted), buy-and-hold from the close before the event", pad=34)
    middle.set_title("ETFs, buy-and-hold from the close before the event")
    middle.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    for ax in (top, middle):
        ax.axhline(0, color="0.3", linewidth=0.8)
        ax.set_ylabel("Return since the close\nbefore the event (%)")
    label_line_ends(top, ends, min_gap=0.07)
    relative_colours = {"cloud software vs AI infrastructure": BASKET_PALETTE["cloud software"],
                        f"{CLOUD_INDEX_PROXY} vs {NASDAQ_100_FUND}": ETF_LINES[CLOUD_INDEX_PROXY][0]}
    for column in relative.columns:
        bottom.plot(relative.index, relative[column], label=column, color=relative_colours.get(column, "0.4"))
    bottom.axhline(0, color="0.3", linewidth=0.8)
    bottom.set_ylabel("Relative return (%)")
    bottom.set_xlabel("Date")
    bottom.set_title("First against second: (1 + first) / (1 + second) \u2212 1")
    bottom.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    for ax in (top, middle, bottom):
        percent_axis(ax.yaxis)
        ax.axvline(params.event_date, color="0.2", linestyle="--", linewidth=1.0)
        _mark_events(ax, events, with_numbers=ax is top)
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    return finish(fig, f"After the shock: {params.event_date:%-d %b %Y} to {paths.index[-1]:%-d %b %Y} "
                       "(dotted lines: numbered events)", SNAPSHOT_SOURCE)


PALETTE = sns.color_palette("colorblind", 10).as_hex()  # seaborn's colour-blind-safe palette
PLAN_COLOUR = PALETTE[0]
ACTUAL_COLOUR = "0.15"
OTHER_COLOUR = "0.55"


def _bn(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def capex_figure(points: pd.DataFrame, outcomes: pd.DataFrame, params: SaasParameters) -> Figure:
    """One panel per company, in the order the plans were announced: the plan against the outcome, one measure each.

    Rows of a panel: the year before and the outcome of the plan's own measure (filled dots),
    the plan (a bar from its low to its high end, or a diamond for a single figure), and
    outcomes of other measures (grey squares, labelled, not compared). Every mark carries its value.
    """
    companies = list(outcomes.sort_values("announced").index)
    heights = [max(2, int((points["company"] == c).sum())) for c in companies]
    fig, axes = plt.subplots(len(companies), 1, figsize=(9, 0.45 * sum(heights) + 0.9 * len(companies) + 0.9),
                             sharex=True, squeeze=False, gridspec_kw={"height_ratios": heights})
    top = float(points["high"].max()) * 1.18
    for ax, company in zip(axes.flat, companies, strict=False):
        part = points[points["company"] == company].reset_index(drop=True)
        outcome = outcomes.loc[company]
        for position, mark in part.iterrows():
            low, high = float(mark["low"]), float(mark["high"])
            if mark["kind"] == "plan":
                if np.isclose(low, high):
                    ax.scatter([low], [position], marker="D", s=60, facecolor="white", edgecolor=PLAN_COLOUR,
                               linewidth=1.8, zorder=3)
                else:
                    ax.plot([low, high], [position, position], color=PLAN_COLOUR, linewidth=7, solid_capstyle="butt",
                            alpha=0.8, zorder=3)
                text = f"{_bn(low)}" if np.isclose(low, high) else f"{_bn(low)}\u2013{_bn(high)}"
            elif mark["kind"] == "other":
                ax.scatter([low], [position], marker="s", s=40, facecolor="white", edgecolor=OTHER_COLOUR,
                           linewidth=1.5, zorder=3)
                text = _bn(low)
            else:
                ax.scatter([low], [position], marker="o", s=46,
                           color=ACTUAL_COLOUR if mark["kind"] == "actual" else OTHER_COLOUR, zorder=3)
                text = _bn(low)
            ax.annotate(text, xy=(high, position), xytext=(7, 0), textcoords="offset points", va="center",
                        fontsize=10, color=OTHER_COLOUR if mark["kind"] == "other" else ACTUAL_COLOUR)
            ax.axhline(position, color="0.9", linewidth=0.6, zorder=0)
        ax.set_yticks(range(len(part)), [label.replace(": ", ":\n") for label in part["label"]], fontsize=9.5)
        ax.set_ylim(len(part) - 0.5, -0.5)
        ax.set_xlim(0, top)
        comparable = "plan and outcome of one measure" if pd.notna(outcome["actual"]) else (
            "not compared; grey: other measures")
        name = COMPANY_NAMES.get(company, company)
        ax.set_title(f"{name}, {outcome['period']} ({comparable})", fontsize=10.5, loc="left")
        ax.grid(axis="y", visible=False)
    axes.flat[-1].set_xlabel("Capital expenditure (USD bn per year)")
    return finish(fig, f"First 2025 capex plans and what was spent (event day {params.event_date:%-d %b %Y})",
                  CAPEX_SOURCE)


def capex_baskets_figure(long_run: pd.DataFrame, params: SaasParameters) -> Figure:
    """The AI-infrastructure and hyperscaler stocks over the capex years, equal-weighted, log scale."""
    fig, ax = plt.subplots(figsize=(11, 4.2))
    for column in long_run.columns:
        ax.plot(long_run.index, 1.0 + long_run[column], color=BASKET_PALETTE[column], label=basket_stocks(column))
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))  # 1, 2, 5, 10, 20, ...
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.set_ylabel(f"Value of 1 USD invested {long_run.index[0]:%-d %b %Y} (log scale)")
    ax.set_xlabel("Date")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.axvline(params.event_date, color="0.2", linestyle="--", linewidth=1.0)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    return finish(fig, "AI-infrastructure and hyperscaler stocks, equal-weighted and rebalanced daily",
                  SNAPSHOT_SOURCE)
