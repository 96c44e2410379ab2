"""Everything the overview chapter computes, in one call: :func:`compute` returns :class:`OverviewResults`.

The chapter's notebook validates its parameters, calls :func:`compute` and glues the results with
:func:`deepseek_monday.present.glue.glue_results`; it shows each table in a one-line cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from deepseek_monday.chapters.overview import analysis as overview
from deepseek_monday.chapters.overview import figures
from deepseek_monday.chapters.overview.analysis import OverviewParameters
from deepseek_monday.present import style
from deepseek_monday.present.glue import ChapterResults

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class OverviewResults(ChapterResults):
    """The overview chapter's results: ``numbers``, ``figures`` and ``tables`` by the names the notebook uses."""


def _add(numbers: dict[str, object], markdown: set[str], new: Mapping[str, object],
         as_markdown: tuple[str, ...] = ()) -> None:
    """Add ``new`` to ``numbers``, the names ending in one of ``as_markdown`` to ``markdown``.

    A name computed twice is an error (the page could quote either value).
    """
    twice = sorted(set(numbers) & set(new))
    if twice:
        raise ValueError(f"glue names computed twice: {', '.join(twice)}")
    numbers.update(new)
    markdown.update(name for name in new if as_markdown and name.endswith(as_markdown))


def compute(params: OverviewParameters) -> OverviewResults:
    """Run the chapter for validated ``params``: every glued number, figure and shown table, by name.

    Applies the house style first (the figures are drawn here).
    """
    numbers: dict[str, object] = {}
    markdown: set[str] = set()
    fig: dict[str, Figure] = {}
    tables: dict[str, pd.DataFrame] = {}
    style.use_house_style()

    # The day at a glance and the headline indices.
    returns = overview.load_event_returns(params)
    table = overview.event_day_returns(returns, params.event_date)
    summary = overview.group_summary(table)
    indices = overview.index_moves(params.event_date)
    _add(numbers, markdown, overview.headline_numbers(table, summary, indices, params), as_markdown=("_sentence",))
    _add(numbers, markdown, {"index_paragraph": overview.index_paragraph(indices)}, as_markdown=("index_paragraph",))
    _add(numbers, markdown, {"market_name": overview.market_name(params.market)})
    tables["table_index_moves"] = overview.display_index_moves(indices)

    # Every instrument on the event day.
    fig["fig_event_day"] = figures.event_day_bars(table, params.event_date)
    tables["table_group_summary"] = overview.display_group_summary(summary)
    tables["table_event"] = overview.display_event_table(table, params.event_date)

    # Before and after.
    window_returns = overview.cumulative_returns(
        overview.load_index_returns(), params.event_date, params.lookback_days, params.lookahead_days, params.market
    )
    group_paths = overview.group_cumulative_returns(
        returns, params.event_date, params.lookback_days, params.lookahead_days, params.market
    )
    other_paths = overview.other_asset_returns(
        returns, params.event_date, params.lookback_days, params.lookahead_days, params.market
    )
    fig["fig_cumulative"] = figures.cumulative_panels(window_returns, group_paths, params.event_date, params.market,
                                                      others=other_paths)

    # How abnormal was it?
    groups = overview.overview_groups(params.symbols)
    group_results = overview.study_groups(params.event_date)
    _add(numbers, markdown, overview.event_study_numbers(group_results, groups), as_markdown=("_sentence", "_note"))
    _add(numbers, markdown, {"min_firms_for_path": overview.MIN_FIRMS_FOR_PATH})
    fig["fig_car_paths"] = figures.group_car_paths(group_results.paths(-5, 10),
                                                   overview.path_groups(group_results, groups), params.event_date)
    tables["table_headline"] = overview.display_headline(group_results, groups)
    tables["table_benchmarks"] = overview.display_benchmarks(group_results, groups)
    tables["table_pre_trend"] = overview.display_pre_trend(group_results, groups)
    tables["table_cross_section"] = overview.display_cross_section(group_results, groups)
    tables["table_group_members"] = overview.display_group_members(group_results, groups)
    tables["table_beside"] = overview.display_beside(group_results, groups)
    return OverviewResults(numbers=numbers, figures=fig, tables=tables, markdown=frozenset(markdown))
