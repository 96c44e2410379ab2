"""The market chapter's figure: the whole S&P 500 on the event day, by sector and sub-industry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from deepseek_monday.chapters.market.analysis import DAY0
from deepseek_monday.chapters.market.parameters import CONFIDENCE
from deepseek_monday.measures.market_wide import AI_INFRASTRUCTURE_SUB_INDUSTRIES, EX_AI_LABEL
from deepseek_monday.present.style import GROUP_PALETTE, FigureLegend, finish, long_date, percent_axis

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SOURCE = ("S&P 500 members as of 27 January 2025 with GICS classes (datasets/s-and-p-500-companies) and their "
          "Yahoo Finance daily prices as archived in public GitHub repositories (see the Data page)")
AI_COLOUR = GROUP_PALETTE["AI chips"]
OTHER_COLOUR = "0.55"
N_LABELLED_EXTREMES = 3


JITTER = (0.0, 0.2, -0.2, 0.1, -0.1, 0.3, -0.3)
BAR_COLOUR = "0.5"


def _jitter(count: int) -> np.ndarray:
    """Deterministic vertical offsets in [-0.3, 0.3] for ``count`` dots of one row (a repeating zigzag)."""
    return np.resize(np.array(JITTER), count)


def market_figure(sectors: pd.DataFrame, sub_industries: pd.DataFrame, event_date: pd.Timestamp) -> Figure:
    """Sector portfolios (bars with CI, raw return as a diamond) beside their sub-industries (dots).

    ``sectors`` and ``sub_industries`` are :func:`level_table` outputs. Rows: sectors sorted by
    the day-0 abnormal return (largest loss at the top); a sub-industry sits on its sector's row,
    its dot's area proportional to its members; the AI-chip sub-industries and the
    ``N_LABELLED_EXTREMES`` largest losers among the others are labelled.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    car, lo, hi, raw = (f"{name} {DAY0}" for name in ("car", "lo", "hi", "raw"))
    order = sectors.dropna(subset=[car]).sort_values(car, ascending=False)
    rows = {label: i for i, label in enumerate(order.index)}
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 0.5 * len(order) + 2.8), sharey=True,
                                      gridspec_kw={"width_ratios": [1, 1.5]})
    y = np.arange(len(order))
    left.barh(y, order[car], color=BAR_COLOUR, height=0.6, alpha=0.85)
    left.errorbar(order[car], y, xerr=[order[car] - order[lo], order[hi] - order[car]], fmt="none",
                  ecolor="0.15", elinewidth=1.1, capsize=3)
    left.scatter(order[raw], y, marker="D", s=28, facecolor="white", edgecolor="0.1", zorder=3)
    left.axvline(0, color="0.2", linewidth=0.8)
    left.set_yticks(y, [f"{label} ({int(n)})" for label, n in zip(order.index, order["n_members"], strict=True)])
    left.set_xlabel("Day-0 return (%): bar abnormal, diamond raw")
    left.set_title("Sectors (members)", fontsize=11)
    percent_axis(left.xaxis)

    subs = sub_industries.dropna(subset=[car])
    subs = subs[subs["sector"].isin(rows)]
    is_ai = subs.index.isin(AI_INFRASTRUCTURE_SUB_INDUSTRIES)
    positions = pd.Series(0.0, index=subs.index)
    for sector, block in subs.groupby("sector"):
        ranked = block.sort_values(car).index
        positions[ranked] = rows[sector] + _jitter(len(ranked))
    sizes = 12 + 10 * subs["n_members"].to_numpy(dtype=float)
    right.scatter(subs.loc[~is_ai, car], positions[~is_ai], s=sizes[~is_ai], color=OTHER_COLOUR, alpha=0.7,
                  edgecolor="white", linewidth=0.5)
    right.scatter(subs.loc[is_ai, car], positions[is_ai], s=sizes[is_ai], color=AI_COLOUR, edgecolor="0.1",
                  linewidth=0.6, zorder=3)
    labelled = list(subs.index[is_ai]) + list(subs[~is_ai].sort_values(car).index[:N_LABELLED_EXTREMES])
    # Labels of one row alternate above and below it (leader lines), so neighbours do not overlap.
    for _sector, block in subs.loc[labelled].groupby("sector"):
        for k, label in enumerate(block.sort_values(car).index):
            above = k % 2 == 0
            right.annotate(f"{label} ({int(subs.at[label, 'n_members'])})", (subs.at[label, car], positions[label]),
                           xytext=(-4, -14 - 12 * (k // 2) if above else 14 + 12 * (k // 2)),
                           textcoords="offset points", va="center", fontsize=8, zorder=5,
                           color=AI_COLOUR if label in AI_INFRASTRUCTURE_SUB_INDUSTRIES else "0.15",
                           arrowprops={"arrowstyle": "-", "color": "0.5", "linewidth": 0.6})
    right.axvline(0, color="0.2", linewidth=0.8)
    right.set_xlabel("Day-0 abnormal return (%)")
    right.set_title("Sub-industries (dots; area: members)", fontsize=11)
    percent_axis(right.xaxis)
    right.margins(x=0.12)
    left.invert_yaxis()
    legend = FigureLegend(
        handles=[plt.Rectangle((0, 0), 1, 1, color=BAR_COLOUR, alpha=0.85),
                 Line2D([], [], color="0.15", marker="|", linestyle="none", markersize=10),
                 Line2D([], [], marker="D", color="0.1", markerfacecolor="white", linestyle="none"),
                 Line2D([], [], marker="o", color=AI_COLOUR, linestyle="none"),
                 Line2D([], [], marker="o", color=OTHER_COLOUR, linestyle="none")],
        labels=[f"sector abnormal return (market model on the {EX_AI_LABEL}, equal-weighted)",
                f"{CONFIDENCE * 100:.0f} % interval (portfolio t-test)", "sector raw return",
                "AI-chip sub-industry", "other sub-industry"],
        columns=2,
    )
    title = f"Who fell on {long_date(event_date)}: S&P 500 sectors and sub-industries"
    return finish(fig, title, SOURCE, legend)
