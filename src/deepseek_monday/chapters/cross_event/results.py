"""Everything the cross-event chapter computes, in one call: :func:`compute` returns :class:`CrossEventResults`.

The chapter's notebook validates its parameters, calls :func:`compute` and glues the results with
:func:`deepseek_monday.present.glue.glue_results`; it shows each table in a one-line cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from deepseek_monday.chapters.cross_event import analysis as cross_event
from deepseek_monday.chapters.cross_event import figures as cross_event_figures
from deepseek_monday.chapters.cross_event import kinds as cross_event_kinds
from deepseek_monday.chapters.cross_event.analysis import CrossEventParameters
from deepseek_monday.present import style
from deepseek_monday.present.glue import ChapterResults

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class CrossEventResults(ChapterResults):
    """The cross-event chapter's results: ``numbers``, ``figures`` and ``tables`` by the names the notebook uses."""


def _add(numbers: dict[str, object], new: Mapping[str, object]) -> None:
    """Add ``new`` to ``numbers``; a name computed twice is an error (the page could quote either value)."""
    twice = sorted(set(numbers) & set(new))
    if twice:
        raise ValueError(f"glue names computed twice: {', '.join(twice)}")
    numbers.update(new)


def compute(params: CrossEventParameters) -> CrossEventResults:
    """Run the chapter for validated ``params``: every glued number, figure and shown table, by name.

    Applies the house style first (the figures are drawn here). The kinds' sentences and their
    ``kind_*`` lines are glued as Markdown.
    """
    numbers: dict[str, object] = {}
    fig: dict[str, Figure] = {}
    tables: dict[str, pd.DataFrame] = {}
    style.use_house_style()

    returns = cross_event.load_cross_event_returns()
    measures = cross_event.compute_measures(returns, params)
    _add(numbers, cross_event.headline_numbers(measures))
    kinds = cross_event_kinds.rank_by_kind(returns, params.highlight)
    kind_numbers = cross_event_kinds.headline_numbers(kinds)
    _add(numbers, kind_numbers)
    markdown = frozenset(name for name in kind_numbers
                         if name in cross_event_kinds.SENTENCES or name.startswith("kind_"))

    # Each kind of shock in its own history.
    for kind in ("megacaps", "sector", "market"):
        tables[f"table_kind_{kind}"] = cross_event_kinds.display_kind(kinds, kind)
        tables[f"table_worst_{kind}"] = cross_event_kinds.display_worst(kinds, kind)
    fig["fig_cross_kinds"] = cross_event_figures.kind_worst_days(kinds)

    # The chosen shock days side by side.
    tables["table_key_measures"] = cross_event.display_key_measures(measures)
    tables["table_notes"] = cross_event.display_notes(measures)
    fig["fig_cross_index_moves"] = cross_event_figures.index_move_panels(measures)
    tables["table_ranks"] = cross_event.display_ranks(measures)
    tables["table_instruments"] = cross_event.display_instruments(measures)
    fig["fig_cross_groups"] = cross_event_figures.group_heatmap(measures)
    tables["table_group_means"] = cross_event.display_group_means(measures)
    tables["table_history"] = cross_event.display_history(measures)
    return CrossEventResults(numbers=numbers, figures=fig, tables=tables, markdown=markdown)
