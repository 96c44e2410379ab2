"""The data page's coverage chart: every price file's span, and a close-up of where the files end."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from deepseek_monday.data.prices import Snapshot
from deepseek_monday.data.universe import load_universe
from deepseek_monday.present.style import GROUP_PALETTE, finish, long_date

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def coverage_figure(snapshot: Snapshot) -> Figure:
    """Two panels: each file's first to last date (left) and a dot chart of its last date (right, zoomed).

    The full span (a century for the oldest index) hides how unevenly the files end; the
    right panel shows each file's last date on a scale of months.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    universe = load_universe()
    manifest = snapshot.manifest
    order = [s for s in universe.index if s in manifest.index]
    first = pd.to_datetime(manifest.loc[order, "first_date"])
    last = pd.to_datetime(manifest.loc[order, "last_date"])
    colours = [GROUP_PALETTE[universe.at[s, "group"]] for s in order]
    positions = list(range(len(order)))[::-1]
    fig, (span, ends) = plt.subplots(1, 2, figsize=(11, 0.17 * len(order) + 2.2), sharey=True,
                                     gridspec_kw={"width_ratios": [1.4, 1]})
    for y, start, end, colour in zip(positions, first, last, colours, strict=True):
        span.plot([start, end], [y, y], linewidth=4, color=colour, solid_capstyle="butt")
    span.set_yticks(positions, order, fontsize=7)
    span.set_xlabel("Date (first to last row of each file)")
    span.set_ylabel("Symbol (grouped as in the universe)")
    span.set_title("Span of each file", fontsize=10)
    ends.scatter(last, positions, c=colours, s=18, zorder=3)
    for y, end in zip(positions, last, strict=True):
        ends.plot([last.min(), end], [y, y], color="0.85", linewidth=0.8, zorder=1)
    ends.set_xlim(last.min() - pd.Timedelta(days=20), last.max() + pd.Timedelta(days=20))
    ends.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ends.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ends.tick_params(axis="x", rotation=45, labelsize=8)
    ends.set_xlabel("Last date of each file")
    ends.set_title(f"Where the files end: {long_date(last.min())} to {long_date(last.max())}", fontsize=10)
    handles = [plt.Line2D([], [], color=colour, linewidth=4, label=group)
               for group, colour in GROUP_PALETTE.items() if group in set(universe.loc[order, "group"])]
    ends.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return finish(fig, "Coverage of the price snapshot", "the snapshot's MANIFEST.csv")
