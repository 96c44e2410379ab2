"""Everything the data page computes, in one call: :func:`compute` returns :class:`DataPageResults`.

The page's notebook (``data_sources``) checks its one parameter with
:func:`deepseek_monday.data.prices.check_data_dir`, calls :func:`compute` and glues the results with
:func:`deepseek_monday.present.glue.glue_results`; it shows each table in a one-line cell.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from deepseek_monday.data import spikes
from deepseek_monday.data.prices import load_snapshot
from deepseek_monday.data.universe import UNAVAILABLE_INSTRUMENTS
from deepseek_monday.present import provenance, style
from deepseek_monday.present.coverage import coverage_figure
from deepseek_monday.present.glue import ChapterResults


@dataclass(frozen=True)
class DataPageResults(ChapterResults):
    """The data page's results: ``numbers``, ``figures`` and ``tables`` by the names the notebook uses."""


def spike_rule_text(rule: spikes.SpikeRule = spikes.DEFAULT_RULE) -> str:
    """Return the bad-print screen's ``rule`` in words, for the page's prose."""
    return (f"both returns beyond {rule.k:g} robust sigmas, opposite in sign, the two-day net move at most "
            f"{rule.net_share:.0%} of the smaller, no return within {rule.neighbours} sessions beyond {rule.calm:g} "
            "sigmas")


def compute(data_dir: str | os.PathLike[str] | None = None) -> DataPageResults:
    """Describe the snapshot in ``data_dir`` (None: the configured default): its numbers, its coverage figure
    and its tables (manifest, quality notes, flagged days, missing instruments, sourced facts).

    Applies the house style first (the figure is drawn here).
    """
    style.use_house_style()
    snapshot = load_snapshot(data_dir)
    numbers: dict[str, object] = dict(provenance.snapshot_numbers(snapshot))
    figures = {"fig_coverage": coverage_figure(snapshot)}
    tables = {"table_manifest": provenance.manifest_table(snapshot),
              "table_quality": provenance.quality_table(snapshot)}
    numbers["spike_rule"] = spike_rule_text()
    numbers["n_flagged"] = str(len(snapshot.flagged_days))
    numbers["unavailable"] = "; ".join(f"{name} ({where})" for name, where in UNAVAILABLE_INSTRUMENTS.items())
    tables["table_flagged"] = provenance.flagged_table(snapshot.flagged_days)
    tables["table_gaps"] = provenance.gap_table()
    tables["table_facts"] = provenance.facts_summary()
    return DataPageResults(numbers=numbers, figures=figures, tables=tables)
