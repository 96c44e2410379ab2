"""Everything the market chapter computes, in one call: :func:`compute` returns :class:`MarketResults`.

The chapter's notebook validates its parameters, calls :func:`compute` and glues the results with
:func:`deepseek_monday.present.glue.glue_results`; its prose quotes the glue names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from deepseek_monday.chapters.market import analysis, prose
from deepseek_monday.chapters.market import figures as market_figures
from deepseek_monday.chapters.market.analysis import (
    benchmark_table,
    level_table,
    load_inputs,
    model_table,
    movers,
    sector_study,
)
from deepseek_monday.chapters.market.parameters import ESTIMATION_WINDOW, N_MOVERS, MarketParameters, usable_range
from deepseek_monday.data.cross_section import CrossSection, load_cross_section
from deepseek_monday.eventstudy import window_label
from deepseek_monday.measures import market_wide as mw
from deepseek_monday.present import style

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class MarketResults:
    """The market chapter's glued outputs, each by its glue name."""

    numbers: dict[str, str] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def compute(params: MarketParameters, cross_section: CrossSection | None = None) -> MarketResults:
    """Run the chapter for ``params``: its numbers and sentences, its figure and its displayed tables.

    Applies the house style first (the figure is drawn here). ``cross_section`` defaults to the loaded one.
    """
    cs = load_cross_section() if cross_section is None else cross_section
    style.use_house_style()

    inputs = load_inputs(params, cross_section=cs)
    study = sector_study(inputs)
    sectors = level_table(study, analysis.SECTOR)
    sub_industries = level_table(study, analysis.SUB_INDUSTRY)
    moves = movers(inputs)
    benchmarks = benchmark_table(inputs)
    model_ar, model_p = model_table(inputs)
    without_prices = analysis.members_without_prices(cs)
    first_date, last_date = usable_range(cs)

    numbers: dict[str, str] = {}
    day0 = analysis.DAY0
    b = benchmarks[day0]
    numbers["event_day"] = style.long_date(params.event_date)
    numbers["n_members"] = f"{len(cs.members):,}"
    numbers["n_constituents"] = f"{len(cs.constituents):,}"
    numbers["n_without_prices"] = f"{len(without_prices)}"
    numbers["window_1"] = analysis.WINDOW_LABELS[1]
    numbers["window_5"] = analysis.WINDOW_LABELS[2]
    numbers["estimation_window"] = window_label(ESTIMATION_WINDOW)
    numbers["first_date"] = style.long_date(first_date)
    numbers["last_date"] = style.long_date(last_date)
    numbers["n_movers"] = f"{N_MOVERS}"
    numbers["n_fell"] = f"{moves.n_fell:,}"
    numbers["n_rose"] = f"{moves.n_rose:,}"
    numbers["n_unchanged"] = f"{moves.n_unchanged:,}"
    numbers["n_with_return"] = f"{moves.n_with_return:,}"
    numbers["share_fell"] = prose.pct(moves.n_fell / moves.n_with_return, 1)
    numbers["gspc_day0"] = prose.pct(b[analysis.GSPC])
    numbers["spy_day0"] = prose.pct(b[analysis.SPY])
    numbers["all_day0"] = prose.pct(b[mw.ALL_LABEL])
    numbers["exai_day0"] = prose.pct(b[mw.EX_AI_LABEL])
    numbers["excluded_day0"] = prose.pct(b["AI infrastructure (excluded)"])
    numbers["exai_shift"] = prose.points(b[mw.EX_AI_LABEL] - b[mw.ALL_LABEL])
    numbers["index_gap"] = prose.index_gap_sentence(b[analysis.GSPC], b[mw.ALL_LABEL])
    numbers["model_pattern"] = prose.model_pattern_sentence(model_ar)
    numbers["ew_gap"] = prose.points(b[mw.ALL_LABEL] - b[analysis.GSPC])
    numbers["n_excluded"] = f"{len(inputs.excluded)}"
    numbers["n_excluded_sub"] = f"{int(inputs.excluded['reason'].str.startswith('GICS').sum())}"
    numbers["n_excluded_group"] = f"{int(inputs.excluded['reason'].str.startswith('report').sum())}"
    numbers["n_exai"] = f"{inputs.portfolios.at[mw.EX_AI_LABEL, 'n_members']:,}"
    numbers["adjustment"] = prose.adjustment_text()
    raw_sig, adj_sig, tested = prose.significance_counts(study, analysis.SECTOR)
    sub_raw, sub_adj, sub_tested = prose.significance_counts(study, analysis.SUB_INDUSTRY)
    numbers["sector_sig"] = f"{raw_sig} of {tested}"
    numbers["sector_sig_adj"] = f"{adj_sig}"
    numbers["sub_sig"] = f"{sub_raw} of {sub_tested}"
    numbers["sub_sig_adj"] = f"{sub_adj}"
    numbers["n_sub_industries"] = f"{len(sub_industries)}"
    numbers["n_sub_single"] = f"{int((sub_industries['n_members'] == 1).sum())}"
    numbers["not_studied"] = (
        "Every portfolio has a full estimation window." if study.exclusions.empty else
        f"{len(study.exclusions)} portfolios lack {analysis.MIN_ESTIMATION_OBS} estimation-window returns and are not "
        "tested (members listed later): " + ", ".join(s.split(': ', 1)[1] for s in study.exclusions['symbol']) + ".")
    numbers["model_sentences"] = prose.model_sentences(model_ar)
    numbers["factor_note"] = inputs.factor_note or "The Fama-French factors cover every window."
    numbers["survivorship"] = prose.survivorship_text(params.event_date, len(without_prices), without_prices)
    findings = prose.findings(inputs, study, sectors, moves, benchmarks, model_ar)
    numbers["findings"] = " ".join(findings)

    tables = {
        "table_losers": prose.display_movers(moves.losers),
        "table_winners": prose.display_movers(moves.winners),
        "table_benchmarks": prose.display_benchmarks(benchmarks),
        "table_excluded": prose.display_excluded(inputs.excluded),
    }
    figures = {"fig_market": market_figures.market_figure(sectors, sub_industries, params.event_date)}
    tables |= {
        "table_sectors": prose.display_sectors(sectors),
        "table_sub_industries": prose.display_sub_industries(sub_industries),
        "table_models": prose.display_models(model_ar, inputs.portfolios.set_index("label")["n_members"]),
        "table_model_p": prose.display_model_p(model_p),
    }
    return MarketResults(numbers=numbers, figures=figures, tables=tables)
