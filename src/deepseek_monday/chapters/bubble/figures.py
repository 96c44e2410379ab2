"""Figures of the bubble chapter, in the house style (see :mod:`deepseek_monday.present.style`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from deepseek_monday.chapters.bubble import (
    SEQUOIA_COST_MULTIPLE,
    SEQUOIA_END_USER_MARGIN,
    OverlaySeries,
    SequoiaQuestion,
)
from deepseek_monday.present.style import SNAPSHOT_SOURCE, FigureLegend, finish, percent_axis
from deepseek_monday.present.tables import format_number

FACTS_SOURCE = "company figures from the project's sourced facts (fundamentals.csv; many rows from secondary sources)"
SNAPSHOT_AND_FACTS = f"{SNAPSHOT_SOURCE}; {FACTS_SOURCE}"
# The house palette's colour-blind-safe colours, one per role of a series.
_COLOURS = sns.color_palette("colorblind", 10).as_hex()
ROLE_COLOURS = {"stock": _COLOURS[0], "index": _COLOURS[1], "semiconductors": _COLOURS[2]}
ERA_STYLES = {"AI era": "-", "dot-com era": "--"}
HIGHLIGHT, MUTED, REFERENCE = _COLOURS[3], "0.65", "0.3"

_BILLIONS = FuncFormatter(lambda value, _: format_number(value / 1e9, 0))


def _finish_with_legend(fig: Figure, axes: list[Axes], title: str, source: str, columns: int) -> Figure:
    """Finish the figure with one legend of ``axes``' entries between the plots and the source line."""
    handles, labels = [], []
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    return finish(fig, title, source, FigureLegend(handles, labels, columns))


def price_to_sales_line(series: pd.Series, ticker: str, event_date: pd.Timestamp,
                        references: dict[str, float]) -> Figure:
    """Daily price-to-sales ratio with the event date and horizontal reference levels."""
    own = series.dropna()
    fig, ax = plt.subplots(figsize=(9, 4.8))
    ax.plot(own.index, own.to_numpy(), color=ROLE_COLOURS["stock"], label=f"{ticker}: market value / revenue of "
                                                                            "the last four published quarters")
    ax.axvline(event_date, color=REFERENCE, linestyle=":", linewidth=1, label=f"event date {event_date:%-d %b %Y}")
    for (label, value), style in zip(references.items(), ("--", "-."), strict=False):
        ax.axhline(value, color=HIGHLIGHT, linestyle=style, linewidth=1, label=f"{label}: {value:.1f}x")
    ax.set_xlabel("Date")
    ax.set_ylabel("Price to sales (market value / trailing revenue, x)")
    ax.set_ylim(bottom=0)
    return _finish_with_legend(fig, [ax], f"{ticker}: price to sales, as known on each day", SNAPSHOT_AND_FACTS, 2)


def quarter_ticks(ends: pd.Series, every: int = 2) -> tuple[list[pd.Timestamp], list[str]]:
    """Return tick positions at every ``every``-th fiscal quarter end (newest included), labelled by quarter.

    ``ends`` is indexed by fiscal quarter (``FY2025Q4``); a label reads ``FY2025 Q4``.
    """
    shown = ends.iloc[::-1].iloc[::every].iloc[::-1]
    return list(shown), [f"{quarter[:-2]} {quarter[-2:]}" for quarter in shown.index]


def fundamentals_panels(accounts: pd.DataFrame, ticker: str, event_date: pd.Timestamp) -> Figure:
    """Three panels per fiscal quarter: revenue (total and data centre), margins, growth on a year.

    The margin lines break where the facts lack a quarter (NaN is drawn as a gap, never bridged);
    every panel's ticks sit on fiscal quarter ends.
    """
    quarters = accounts.copy()
    ends = quarters["period_end"]
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(13, 4.6), sharex=True)
    width = pd.Timedelta(days=35)
    left.bar(ends - width / 2, quarters["revenue"], width=width, color=ROLE_COLOURS["stock"], label="revenue")
    left.bar(ends + width / 2, quarters["data_centre_revenue"], width=width, color=ROLE_COLOURS["index"],
             label="data-centre revenue")
    left.yaxis.set_major_formatter(_BILLIONS)
    left.set_ylabel("Quarterly revenue (USD bn)")
    left.set_title("Revenue")
    for column, label, colour in (("gross_margin", "gross margin", ROLE_COLOURS["stock"]),
                                  ("net_margin", "net margin", ROLE_COLOURS["semiconductors"])):
        middle.plot(ends, quarters[column].astype(float), marker="o", color=colour, label=label)  # NaN: a gap
    middle.set_ylabel("Share of quarterly revenue (%)")
    middle.set_title("Margins")
    percent_axis(middle.yaxis)
    right.bar(ends, quarters["revenue_growth"].astype(float), width=width * 2, color=ROLE_COLOURS["stock"])
    right.axhline(0, color=REFERENCE, linewidth=0.8)
    right.set_ylabel("Growth on the year-ago quarter (%)")
    right.set_title("Growth")
    percent_axis(right.yaxis)
    positions, labels = quarter_ticks(ends)
    for ax in (left, middle, right):
        ax.axvline(event_date, color=REFERENCE, linestyle=":", linewidth=1)
        ax.set_xlabel("Fiscal quarter (ticks at quarter ends)")
        ax.set_xticks(positions, labels, rotation=45, ha="right", rotation_mode="anchor")
        ax.tick_params(axis="x", labelbottom=True)
    return _finish_with_legend(fig, [left, middle], f"{ticker}: quarterly revenue, margins and growth (dotted: "
                               "event date)", FACTS_SOURCE, 4)


def overlay_panels(paths: pd.DataFrame, series: list[OverlaySeries], years: int) -> Figure:
    """Two panels: each series rebased at its peak, and its drawdown, against years since the peak."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5.2), sharex=True)
    for item in series:
        path = paths[paths["symbol"] == item.symbol]
        style = {"color": ROLE_COLOURS[item.role], "linestyle": ERA_STYLES[item.era], "linewidth": 1.4}
        label = f"{item.label} ({item.era}, peak {item.peak:%-d %b %Y})"
        left.plot(path["years"], path["level"], label=label, **style)
        right.plot(path["years"], path["drawdown"], **style)
    left.axhline(1, color=REFERENCE, linewidth=0.8)
    left.set_ylabel("Level relative to the peak (%, peak = 100 %)")
    left.set_title("Rebased at the peak")
    right.set_ylabel("Fall from the highest close so far (%)")
    right.set_title("Drawdown")
    percent_axis(left.yaxis)
    percent_axis(right.yaxis)
    for ax in (left, right):
        ax.set_xlabel("Years since the series' peak")
        ax.set_xlim(0, years)
    return _finish_with_legend(fig, [left], "After the peak: the AI era (solid) against the dot-com era (dashed)",
                               SNAPSHOT_SOURCE, 2)


def log_ticks(low: float, high: float) -> list[float]:
    """Return tick values 1, 2, 3, 5 times a power of ten covering ``low`` to ``high`` (positive values).

    On a logarithmic axis that spans less than two decades, matplotlib labels one or two powers of ten
    only; these steps give every panel several labelled ticks in round numbers.
    """
    first, last = int(np.floor(np.log10(low))), int(np.ceil(np.log10(high)))
    steps = [step * 10.0 ** power for power in range(first, last + 1) for step in (1, 2, 3, 5)]
    inside = [tick for tick in steps if low / 1.15 <= tick <= high * 1.15]
    return inside if len(inside) >= 2 else steps


def market_value_panels(values: dict[str, pd.Series], titles: dict[str, str]) -> Figure:
    """One panel per company on a shared logarithmic axis: market value at printed levels where a count applies."""
    fig, axes = plt.subplots(1, len(values), figsize=(12, 4.8), sharey=True, squeeze=False)
    for position, (ax, (ticker, series)) in enumerate(zip(axes[0], values.items(), strict=True)):
        own = series.dropna()
        ax.plot(own.index, own.to_numpy(), color=_COLOURS[position])
        peak = own.idxmax()
        ax.scatter([peak], [own.loc[peak]], color=HIGHLIGHT, zorder=3, s=18)
        ax.annotate(f"highest: {own.loc[peak] / 1e9:,.0f} bn ({peak:%-d %b %Y})", (peak, own.loc[peak]),
                    textcoords="offset points", xytext=(6, 6), fontsize=8)
        ax.set_title(titles.get(ticker, ticker))
        ax.set_xlabel("Date")
        ax.tick_params(axis="x", rotation=30)
        ax.set_yscale("log")
    low = min(float(series.dropna().min()) for series in values.values())
    high = max(float(series.dropna().max()) for series in values.values())
    ticks = log_ticks(low, high)
    for ax in axes[0]:
        ax.yaxis.set_major_locator(FixedLocator(ticks))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(_BILLIONS)
        ax.set_ylim(low / 1.15, high * 1.15)
    axes[0][0].set_ylabel("Market value (USD bn, logarithmic scale)")
    return finish(fig, "Market value at printed prices, where the facts hold a share count",
                  f"{SNAPSHOT_SOURCE}, rescaled to printed closes and multiplied by cover share counts, both from "
                  "the project's sourced facts")


def own_history_bars(history: pd.DataFrame, ticker: str, event_date: pd.Timestamp) -> Figure:
    """Horizontal bars of one company's largest one-day losses at printed levels; the event day highlighted."""
    data = history.iloc[::-1]
    labels = [f"{row.date:%-d %b %Y} ({format_number(100 * row['return'], 1, signed=True)} %)"
              for _, row in data.iterrows()]
    colours = [HIGHLIGHT if row.date == event_date else MUTED for _, row in data.iterrows()]
    fig, ax = plt.subplots(figsize=(9, max(3.5, 0.38 * len(data) + 1.2)))
    ax.barh(labels, data["loss"].to_numpy(), color=colours)
    ax.xaxis.set_major_formatter(_BILLIONS)
    ax.set_xlabel("Market value lost in one session (USD bn)")
    ax.set_ylabel("Session (one-day return)")
    ax.grid(axis="y", visible=False)
    return finish(fig, f"{ticker}: its own largest one-day losses of market value, at printed prices",
                  f"{SNAPSHOT_SOURCE}, rescaled to printed closes; share count from the project's sourced facts")


def volatility_lines(frame: pd.DataFrame, focus: str, benchmark: str, event_date: pd.Timestamp,
                     window: int) -> Figure:
    """Rolling realised volatility of focus and benchmark, and the VIX, around the event."""
    fig, ax = plt.subplots(figsize=(9, 4.8))
    labels = {focus: f"{focus}: realised, last {window} sessions",
              benchmark: f"{benchmark}: realised, last {window} sessions",
              "VIX": "VIX: implied 30-day volatility of the S&P 500"}
    colours = {focus: ROLE_COLOURS["stock"], benchmark: ROLE_COLOURS["index"], "VIX": ROLE_COLOURS["semiconductors"]}
    for column in frame.columns:
        own = frame[column].dropna()
        ax.plot(own.index, own.to_numpy(), label=labels[column], color=colours[column])
    ax.axvline(event_date, color=REFERENCE, linestyle=":", linewidth=1, label=f"event date {event_date:%-d %b %Y}")
    ax.set_xlabel("Date")
    ax.set_ylabel("Annualised volatility (%)")
    ax.set_ylim(bottom=0)
    percent_axis(ax.yaxis)
    ax.tick_params(axis="x", rotation=30)
    return _finish_with_legend(fig, [ax], f"Volatility of {focus}, {benchmark} and the VIX around the event",
                               f"{SNAPSHOT_SOURCE}; VIX closes divided by 100", 2)


def sequoia_bars(table: pd.DataFrame, quarters: pd.Index, question: SequoiaQuestion, ticker: str) -> Figure:
    """Required end-user AI revenue implied by each quarter's data-centre run-rate, against Sequoia's amount.

    ``quarters`` lists every fiscal quarter of the accounts, so quarters without data-centre
    revenue in the facts show as gaps marked "no data".
    """
    values = table["required_revenue"].reindex(quarters)
    fig, ax = plt.subplots(figsize=(9, 4.8))
    positions = range(len(values))
    ax.bar(positions, values.fillna(0).to_numpy(), color=ROLE_COLOURS["stock"],
           label=f"{ticker} data-centre revenue x 4 (run-rate) x {SEQUOIA_COST_MULTIPLE:g} / "
                 f"(1 \u2212 {100 * SEQUOIA_END_USER_MARGIN:.0f} %)")
    for position, value in zip(positions, values, strict=True):
        if pd.isna(value):
            ax.text(position, 0, "no data", rotation=90, ha="center", va="bottom", fontsize=7, color=REFERENCE)
    ax.axhline(question.amount, color=HIGHLIGHT, linestyle="--", linewidth=1,
               label=f"Sequoia's question ({question.describe_date()}): {question.amount / 1e9:,.0f} bn USD")
    ax.set_xticks(list(positions), list(values.index))
    ax.yaxis.set_major_formatter(_BILLIONS)
    ax.set_xlabel("Fiscal quarter of the data-centre revenue")
    ax.set_ylabel("Required annual AI revenue (USD bn)")
    ax.tick_params(axis="x", rotation=45)
    ax.grid(axis="x", visible=False)
    return _finish_with_legend(fig, [ax], "Sequoia's question, redone quarter by quarter",
                               f"{FACTS_SOURCE}; event timeline (events.csv); assumptions of D. Cahn, Sequoia Capital "
                               "(2024)", 1)
