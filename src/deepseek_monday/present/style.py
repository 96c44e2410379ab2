"""The book's house style: one theme, one palette per group, one way to cite sources."""

from __future__ import annotations

import itertools
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # matplotlib and seaborn are imported where used: the palette and dates do without them
    from matplotlib.figure import Figure


STYLE_FILE = Path(__file__).with_name("deepseek_monday.mplstyle")
# One colour per group, stable across every chapter, each group a clearly different hue.
# The six large equity groups take the colour-blind-safe Okabe-Ito hues (blue, orange,
# green, reddish purple, vermillion) and Paul Tol's wine; the small groups (1-3
# instruments) take Tol's olive and indigo and two greys; benchmarks, drawn as reference
# lines in most charts, are near-black.
GROUP_PALETTE: dict[str, str] = {
    "AI chips": "#0072B2",  # blue
    "networking/servers": "#E69F00",  # orange
    "power for AI": "#009E73",  # bluish green
    "hyperscalers and megacaps": "#CC79A7",  # reddish purple
    "cloud software": "#882255",  # wine
    "China": "#D55E00",  # vermillion
    "Europe": "#999933",  # olive
    "Japan": "#332288",  # indigo
    "indices/benchmarks": "#222222",  # near-black
    "crypto": "#888888",  # mid grey
    "FX": "#BBBBBB",  # light grey
}
# Left and bottom margin of the title and the source line, as a fraction of the figure.
MARGIN = 0.01
# A source line is never wrapped narrower than this.
MIN_LINE_CHARACTERS = 40
# Where the prices come from: Yahoo Finance downloads found in public repositories, not
# retrieved by the project itself (the data page lists each file's repository and checks).
SNAPSHOT_SOURCE = "Yahoo Finance daily prices as archived in public GitHub repositories (see the Data page)"


@dataclass(frozen=True)
class FigureLegend:
    """A legend for the whole figure, placed by :func:`finish` between the plots and the source line."""

    handles: list
    labels: list[str]
    columns: int


def use_house_style() -> None:
    """Apply the seaborn theme and the project's matplotlib style.

    In a notebook, figures are then printed as laid out (see :func:`finish`): the inline
    backend's default, ``bbox_inches="tight"``, would lay every figure out a second time.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    plt.style.use(STYLE_FILE)
    from IPython import get_ipython
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib_inline.config import InlineBackend

    shell = get_ipython()
    if shell is not None:
        # Both now and when the inline backend is first loaded (it then re-reads this setting).
        inline = InlineBackend.instance(parent=shell)
        inline.print_figure_kwargs = {"bbox_inches": None}
        select_figure_formats(shell, inline.figure_formats, **inline.print_figure_kwargs)


def add_source(fig: Figure, source: str) -> float:
    """Write the source line at the bottom of the figure, wrapped to its width.

    Returns the top of the line as a fraction of the figure's height: the figure's
    content goes above it.
    """
    content = f"Source: {source}. Analysis: DeepSeek Monday."
    text = fig.text(MARGIN, MARGIN, content, ha="left", va="bottom", fontsize=8, color="0.35")
    renderer = fig.canvas.get_renderer()
    available = fig.bbox.width * (1 - 2 * MARGIN)
    width = text.get_window_extent(renderer).width
    characters = len(content)
    while width > available and characters > MIN_LINE_CHARACTERS:
        characters = max(MIN_LINE_CHARACTERS, min(characters - 1, int(characters * available / width)))
        text.set_text(textwrap.fill(content, characters, break_on_hyphens=False))
        width = text.get_window_extent(renderer).width
    return text.get_window_extent(renderer).y1 / fig.bbox.height


def long_date(day: object) -> str:
    """Return a date written out as in the book's prose: ``27 January 2025`` (no leading zero)."""
    day = pd.Timestamp(day)
    return f"{day.day} {day:%B %Y}"


def instrument_label(symbol: str, name: str, width: int = 30) -> str:
    """Return ``"SYMBOL (name)"`` for an axis: the name without a trailing remark in brackets
    (tickers, listing notes: the tables keep them), cut at a word ("…") if longer than ``width``."""
    short = re.sub(r"\s*\([^()]*\)$", "", " ".join(name.split())) or name
    return f"{symbol} ({textwrap.shorten(short, width, placeholder='…')})"


def percent_decimals(step: float) -> int:
    """Return how many decimals a percent label needs for ticks ``step`` apart (a fraction: 0.005 -> 1)."""
    step_percent = abs(step) * 100
    for decimals in range(6):
        scaled = step_percent * 10**decimals
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, scaled):
            return decimals
    return 6


def percent_formatter(decimals: int | None = None, in_percent: bool = False, signed: bool = False):
    """Return a tick formatter writing percentages in the house style: ``\u221210 %``, ``0.5 %``, ``1,200 %``.

    A true minus sign, a space before %, thousands separated (the prose's and tables' style, see
    :func:`deepseek_monday.present.tables.format_number`). The values are fractions (0.05 is
    5 %), or percentages already with ``in_percent``. The labels carry as many decimals as the
    tick step needs (0 for whole percents, 1 for 0.5 %), so that no tick is mislabelled by
    rounding; ``decimals`` fixes the number instead. ``signed`` writes "+" before a gain.
    """
    from matplotlib.ticker import Formatter

    from deepseek_monday.present.tables import format_number

    scale = 1.0 if in_percent else 100.0

    class PercentFormatter(Formatter):
        tick_values: tuple[float, ...] = ()

        def set_locs(self, locs) -> None:
            self.tick_values = tuple(float(loc) for loc in locs)

        def __call__(self, value: float, pos: int | None = None) -> str:
            ticks = sorted(set(self.tick_values))
            steps = [b - a for a, b in itertools.pairwise(ticks) if b - a > 0]
            places = decimals if decimals is not None else percent_decimals(min(steps) * scale / 100) if steps else 0
            percent = round(value * scale, places) + 0.0  # + 0.0 turns -0 into 0
            return f"{format_number(percent, places, signed=signed and percent != 0)} %"

    return PercentFormatter()


def percent_axis(axis, decimals: int | None = None, in_percent: bool = False, signed: bool = False) -> None:
    """Format an axis holding fractions (0.05) as percentages (5 %), with ticks at 1-2-5 steps.

    Every percentage axis of the book goes through here (see :func:`percent_formatter` for the
    labels: a true minus, a space before %); ``in_percent`` for values already in percent.
    """
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))
    axis.set_major_formatter(percent_formatter(decimals, in_percent, signed))


def finish(fig: Figure, title: str, source: str, legend: FigureLegend | None = None) -> Figure:
    """Give a figure its title, its source line, optionally a legend above that, and lay it out; return it.

    Everything is laid out inside the figure's canvas (subplots by ``tight_layout`` between
    the title and what is below them), so the figure is printed as it is, without a second
    layout pass to crop or widen it (see :func:`use_house_style`).
    """
    fig.suptitle(title, x=MARGIN, ha="left")
    bottom = add_source(fig, source)
    if legend is not None:
        box = fig.legend(legend.handles, legend.labels, loc="lower center", bbox_to_anchor=(0.5, bottom),
                         ncols=legend.columns, frameon=False, fontsize=8)
        bottom += box.get_window_extent(fig.canvas.get_renderer()).height / fig.bbox.height
    for _ in range(2):  # a second pass settles legends placed outside the axes (their offset scales with the axes)
        fig.tight_layout(rect=(0, bottom, 1, 1))
    return fig


def glue_figure(name: str, fig: Figure) -> None:
    """Glue ``fig`` for the book under ``name`` and close it, so the notebook does not draw it twice."""
    import matplotlib.pyplot as plt
    from myst_nb import glue

    glue(name, fig, display=False)
    plt.close(fig)
