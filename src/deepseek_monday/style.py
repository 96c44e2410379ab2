"""The book's house style: one theme, one palette per group, one way to cite sources."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from deepseek_monday.universe import GROUPS

STYLE_FILE = Path(__file__).with_name("deepseek_monday.mplstyle")
# One colour per group, stable across every chapter: seaborn's colour-blind-safe palette
# (ten colours) plus near-black. Benchmarks, drawn as lines in most charts, take the
# near-black; the palette's pale yellow, hard to see as a line on white, goes to FX.
_COLOURS = sns.color_palette("colorblind", 10).as_hex()
GROUP_PALETTE: dict[str, str] = dict(zip(GROUPS, [*_COLOURS[:8], "#222222", _COLOURS[9], _COLOURS[8]], strict=True))
SNAPSHOT_SOURCE = ("Yahoo Finance daily prices (adjusted closes for stocks and ETFs, closes for "
                   "indices) from the project's market-data snapshot")


def use_house_style() -> None:
    """Apply the seaborn theme and the project's matplotlib style."""
    sns.set_theme(style="whitegrid", context="notebook")
    plt.style.use(STYLE_FILE)


def add_source(fig: Figure, source: str) -> None:
    """Write a source line under the figure."""
    fig.text(0.01, -0.01, f"Source: {source}. Analysis: DeepSeek Monday.", ha="left", va="top",
             fontsize=8, color="0.35", wrap=True)


def percent_axis(axis, decimals: int = 0) -> None:
    """Format an axis holding fractions (0.05) as percentages (5 %)."""
    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=decimals))


def finish(fig: Figure, title: str, source: str) -> Figure:
    """Give a figure its title, a tight layout and its source line; return it."""
    fig.suptitle(title, x=0.01, ha="left")
    fig.tight_layout()
    add_source(fig, source)
    return fig


def glue_figure(name: str, fig: Figure) -> None:
    """Glue ``fig`` for the book under ``name`` and close it, so the notebook does not draw it twice."""
    from myst_nb import glue

    glue(name, fig, display=False)
    plt.close(fig)
